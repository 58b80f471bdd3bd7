"""Workflow runtime behaviour beyond the Mastra recordings: suspend shapes, cancel, nesting, tools."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat import Agent, Mastra, create_tool
from lumos_compat.testing import FakeLLMServer, Turn
from lumos_compat.workflows import (
    InMemoryWorkflowStore,
    StepContext,
    WorkflowConfigError,
    WorkflowRunConflictError,
    WorkflowRunNotFoundError,
    WorkflowStateError,
    WorkflowValidationError,
    create_step,
    create_workflow,
)
from tests.workflows.scenarios import Num, add_one, double

RECORDINGS = Path(__file__).resolve().parent.parent / "data" / "mastra_workflows"


class Question(BaseModel):
    q: str


class Answer(BaseModel):
    a: float


def _asker(step_id: str) -> Any:
    async def execute(ctx: StepContext) -> Any:
        if ctx.resume_data is None:
            return await ctx.suspend({"q": f"{step_id}?"})
        return {"value": ctx.input_data.value + ctx.resume_data["a"]}

    return create_step(
        id=step_id,
        input_schema=Num,
        output_schema=Num,
        suspend_schema=Question,
        resume_schema=Answer,
        execute=execute,
    )


async def test_parallel_suspension_resumes_one_step_at_a_time() -> None:
    wf = (
        create_workflow(id="par-suspend", input_schema=Num)
        .parallel([_asker("a"), _asker("b")])
        .commit()
    )
    run = await wf.create_run(run_id="r")
    first = await run.start(input_data={"value": 1})
    assert first.status == "suspended"
    assert sorted(first["suspended"]) == [["a"], ["b"]]
    assert first["suspendPayload"] == {"a": {"q": "a?"}, "b": {"q": "b?"}}
    with pytest.raises(WorkflowStateError, match="several steps are suspended"):
        await run.resume(resume_data={"a": 1})
    second = await run.resume(step="a", resume_data={"a": 10})
    assert second.status == "suspended"
    assert second["suspended"] == [["b"]]
    assert second["steps"]["a"]["status"] == "success"
    assert second["steps"]["a"]["resumePayload"] == {"a": 10}
    third = await run.resume(step="b", resume_data={"a": 100})
    assert third.status == "success"
    assert third.result == {"a": {"value": 11}, "b": {"value": 101}}


async def test_nested_workflow_suspends_with_a_path_and_resumes() -> None:
    inner = (
        create_workflow(id="inner", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(_asker("ask"))
        .commit()
    )
    outer = create_workflow(id="outer", input_schema=Num).then(inner).then(double).commit()
    run = await outer.create_run(run_id="n1")
    suspended = await run.start(input_data={"value": 1})
    assert suspended.status == "suspended"
    assert suspended["suspended"] == [["inner", "ask"]]
    assert suspended["suspendPayload"] == {"inner": {"q": "ask?"}}
    assert suspended["steps"]["inner"]["status"] == "suspended"
    done = await run.resume(step=["inner", "ask"], resume_data={"a": 5})
    assert done.status == "success"
    assert done.result == {"value": 14}  # (1 + 1 + 5) * 2
    assert done["stepExecutionPath"] == ["inner", "double"]


async def test_foreach_item_suspends_and_resumes_by_index() -> None:
    wf = (
        create_workflow(id="fe", input_schema={"type": "array"})
        .foreach(_asker("item"), concurrency=3)
        .commit()
    )
    run = await wf.create_run()
    first = await run.start(input_data=[{"value": 1}, {"value": 2}])
    assert first.status == "suspended"
    assert first["suspended"] == [["item"]]
    partial = await run.resume(resume_data={"a": 10}, for_each_index=0)
    assert partial.status == "suspended"
    done = await run.resume(resume_data={"a": 20}, for_each_index=1)
    assert done.status == "success"
    assert done.result == [{"value": 11}, {"value": 22}]


async def test_loop_resumes_in_the_iteration_that_suspended() -> None:
    calls: list[int] = []

    async def count(ctx: StepContext) -> Any:
        calls.append(ctx.input_data.value)
        if ctx.input_data.value == 2 and ctx.resume_data is None:
            return await ctx.suspend({"at": 2})
        return {"value": ctx.input_data.value + 1}

    step = create_step(id="count", input_schema=Num, execute=count)
    wf = (
        create_workflow(id="loop-suspend", input_schema=Num)
        .dountil(step, lambda c: c.input_data.value >= 4)
        .commit()
    )
    run = await wf.create_run()
    first = await run.start(input_data={"value": 0})
    assert first.status == "suspended"
    assert first["steps"]["count"]["metadata"] == {"iterationCount": 3}
    done = await run.resume(resume_data={})
    assert done.status == "success"
    assert done.result == {"value": 4}
    assert done["steps"]["count"]["metadata"] == {"iterationCount": 4}
    assert calls == [0, 1, 2, 2, 3]


async def test_resume_labels_and_errors() -> None:
    async def labelled(ctx: StepContext) -> Any:
        if ctx.resume_data is None:
            return await ctx.suspend({"q": "?"}, resume_label="approval")
        return {"ok": True}

    wf = create_workflow(id="labels").then(create_step(id="s", execute=labelled)).commit()
    run = await wf.create_run(run_id="lab")
    with pytest.raises(WorkflowRunNotFoundError, match="No snapshot found"):
        await run.resume(resume_data={})
    await run.start(input_data={})
    with pytest.raises(WorkflowStateError, match="resume label 'nope'"):
        await run.resume(label="nope", resume_data={})
    with pytest.raises(WorkflowStateError, match="'other' is not suspended"):
        await run.resume(step="other", resume_data={})
    done = await run.resume(label="approval", resume_data={"yes": 1})
    assert done.result == {"ok": True}
    with pytest.raises(WorkflowStateError, match="was not suspended"):
        await run.resume(resume_data={})


async def test_concurrent_resumes_exactly_one_wins_in_memory() -> None:
    gate = asyncio.Event()

    async def slow(ctx: StepContext) -> Any:
        if ctx.resume_data is None:
            return await ctx.suspend({})
        await gate.wait()
        return {"by": ctx.resume_data["who"]}

    wf = (
        create_workflow(id="race", storage=InMemoryWorkflowStore())
        .then(create_step(id="s", execute=slow))
        .commit()
    )
    await (await wf.create_run(run_id="race-1")).start(input_data={})
    run_a = await wf.create_run(run_id="race-1")
    run_b = await wf.create_run(run_id="race-1")
    task_a = asyncio.ensure_future(run_a.resume(resume_data={"who": "a"}))
    task_b = asyncio.ensure_future(run_b.resume(resume_data={"who": "b"}))
    await asyncio.sleep(0.05)
    gate.set()
    results = await asyncio.gather(task_a, task_b, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    wins = [r for r in results if not isinstance(r, BaseException)]
    assert len(wins) == 1 and len(errors) == 1
    assert isinstance(errors[0], WorkflowRunConflictError)
    assert "already" in str(errors[0])
    assert wins[0].status == "success"


async def test_cancel_stops_a_running_workflow() -> None:
    started = asyncio.Event()

    async def forever(ctx: StepContext) -> Any:
        started.set()
        await asyncio.sleep(30)
        return {}

    wf = (
        create_workflow(id="cancel")
        .then(create_step(id="slow", execute=forever))
        .then(add_one)
        .commit()
    )
    run = await wf.create_run(run_id="c1")
    task = asyncio.ensure_future(run.start(input_data={"value": 1}))
    await started.wait()
    await run.cancel()
    result = await asyncio.wait_for(task, 5)
    assert result.status == "canceled"
    assert result["steps"]["slow"]["status"] == "canceled"
    assert "add-one" not in result["steps"]
    stored = await wf.get_workflow_run_by_id("c1")
    assert stored is not None and stored["status"] == "canceled"


async def test_abort_inside_a_step_cancels_the_run() -> None:
    def stop(ctx: StepContext) -> Any:
        ctx.abort()
        return None

    wf = (
        create_workflow(id="abort")
        .then(create_step(id="stop", execute=stop))
        .then(add_one)
        .commit()
    )
    result = await (await wf.create_run()).start(input_data={"value": 1})
    assert result.status == "canceled"
    assert list(result["steps"]) == ["input", "stop"]


async def test_step_input_validation_and_switch_off() -> None:
    strict = create_workflow(id="strict").then(add_one).commit()
    failed = await (await strict.create_run()).start(input_data={"value": "x"})
    assert failed.status == "failed"
    assert failed["error"]["message"].startswith("Step input validation failed: \n- value:")
    loose_step = create_step(
        id="loose", input_schema=Num, execute=lambda c: {"got": c.input_data["value"]}
    )
    loose = (
        create_workflow(id="loose", input_schema=Num, options={"validate_inputs": False})
        .then(loose_step)
        .commit()
    )
    ok = await (await loose.create_run()).start(input_data={"value": "x"})
    assert ok.status == "success" and ok.result == {"got": "x"}


async def test_invalid_suspend_payload_fails_the_step() -> None:
    async def bad(ctx: StepContext) -> Any:
        return await ctx.suspend({"q": 1})

    wf = (
        create_workflow(id="bad-suspend")
        .then(create_step(id="s", suspend_schema=Question, execute=bad))
        .commit()
    )
    result = await (await wf.create_run()).start(input_data={})
    assert result.status == "failed"
    assert (
        result["error"]["message"]
        == "Invalid suspend data: \n- q: Invalid input: expected string, received number"
    )


async def test_workflow_retry_config_applies_to_steps_without_retries() -> None:
    attempts: list[int] = []

    def flaky(ctx: StepContext) -> Any:
        attempts.append(ctx.retry_count)
        if ctx.retry_count < 1:
            raise ValueError("not yet")
        return {"ok": True}

    wf = (
        create_workflow(id="retry", retry_config={"attempts": 1, "delay": 1})
        .then(create_step(id="f", execute=flaky))
        .commit()
    )
    assert (await (await wf.create_run()).start(input_data={})).status == "success"
    assert attempts == [0, 1]
    attempts.clear()
    wf0 = create_workflow(id="no-retry").then(create_step(id="f", execute=flaky)).commit()
    failed = await (await wf0.create_run()).start(input_data={})
    assert failed["error"] == {"message": "not yet", "name": "ValueError"}
    assert failed["steps"]["f"]["error"] == {"message": "not yet", "name": "ValueError"}


async def test_writer_events_and_watch_unsubscribe() -> None:
    async def talk(ctx: StepContext) -> Any:
        await ctx.writer.write({"progress": 50})
        return {"done": True}

    wf = create_workflow(id="writer").then(create_step(id="talk", execute=talk)).commit()
    run = await wf.create_run()
    seen: list[str] = []
    unwatch = run.watch(lambda e: seen.append(e["type"]))
    out = run.stream(input_data={})
    events = [e async for e in out]
    assert [e["type"] for e in events] == [
        "workflow-start",
        "workflow-step-start",
        "workflow-step-output",
        "workflow-step-result",
        "workflow-finish",
    ]
    assert events[2]["payload"]["output"] == {"progress": 50}
    assert seen == ["workflow-step-start", "workflow-step-result", "workflow-step-finish"]
    unwatch()
    await run.start(input_data={})
    assert len(seen) == 3


async def test_map_reads_request_context_and_sleep_until_passes_input() -> None:
    import datetime as dt

    wf = (
        create_workflow(id="ctx-map")
        .sleep_until(dt.datetime.now() - dt.timedelta(seconds=1))
        .map({"user": {"request_context_path": "user"}, "v": {"step": "input", "path": "value"}})
        .commit()
    )
    result = await (await wf.create_run()).start(
        input_data={"value": 3}, request_context={"user": "ann"}
    )
    assert result.result == {"user": "ann", "v": 3}
    sleep_id = result["stepExecutionPath"][0]
    assert sleep_id.startswith("sleep_") and result["steps"][sleep_id]["output"] == {"value": 3}


async def test_legacy_accessor() -> None:
    wf = create_workflow(id="legacy-view").then(add_one).then(_asker("ask")).commit()
    result = await (await wf.create_run(run_id="lv")).start(input_data={"value": 1})
    legacy = result.legacy()
    assert legacy["results"] == {
        "add-one": {"status": "success", "output": {"value": 2}},
        "ask": {"status": "suspended", "suspendPayload": {"q": "ask?"}},
    }
    assert legacy["runId"] == "lv" and legacy["triggerData"] == {"value": 1}
    assert legacy.results["add-one"]["output"] == {"value": 2}


async def test_builder_errors_are_explained() -> None:
    with pytest.raises(WorkflowConfigError, match="not committed"):
        await create_workflow(id="x").then(add_one).create_run()
    with pytest.raises(WorkflowConfigError, match="has no steps"):
        create_workflow(id="x").commit()
    with pytest.raises(WorkflowConfigError, match="expected a step made by create_step"):
        create_workflow(id="x").then(lambda c: 1)  # type: ignore[arg-type]
    with pytest.raises(WorkflowConfigError, match="needs id= and execute="):
        create_step(id="s")
    with pytest.raises(WorkflowValidationError, match="Invalid input data"):
        wf = create_workflow(id="v", input_schema=Num).then(add_one).commit()
        await (await wf.create_run()).start(input_data={})


async def test_tool_step_and_list_runs() -> None:
    class Loc(BaseModel):
        city: str

    tool = create_tool(
        id="weather",
        input_schema=Loc,
        execute=lambda inp, ctx: {"city": inp.city, "wf": ctx.workflow.workflow_id},
    )
    wf = create_workflow(id="tool-wf").then(create_step(tool)).commit()
    run = await wf.create_run(run_id="t1", resource_id="user-1")
    result = await run.start(input_data={"city": "Paris"})
    assert result.result == {"city": "Paris", "wf": "tool-wf"}
    runs = await wf.list_workflow_runs(resource_id="user-1")
    assert [r["runId"] for r in runs["runs"]] == ["t1"]
    assert await wf.delete_workflow_run_by_id("t1") is True
    assert await wf.get_workflow_run_by_id("t1") is None


async def test_agent_step_runs_the_agent_over_http() -> None:
    with FakeLLMServer([Turn.say("Bonjour")]) as server:
        agent = Agent(id="greeter", instructions="Greet.", model=server.model())
        wf = create_workflow(id="agent-wf").then(create_step(agent)).commit()
        result = await (await wf.create_run()).start(input_data={"prompt": "Say hi"})
        assert result.result == {"text": "Bonjour"}
        body = server.model_requests[0].body
        assert body["messages"][-1] == {"role": "user", "content": "Say hi"}


async def test_agent_workflow_tool_matches_mastra() -> None:
    recorded = json.loads((RECORDINGS / "agent-tool.json").read_text())["recording"]

    class Note(BaseModel):
        note: str | None = None

    class Value(BaseModel):
        value: float

    wf = (
        create_workflow(
            id="wf-tool",
            description="Adds one then doubles",
            input_schema=Value,
            output_schema=Num,
            state_schema=Note,
        )
        .then(add_one)
        .then(double)
        .commit()
    )
    script = [
        Turn.call("workflow-calc", {"inputData": {"value": 1}}, id="call-1"),
        Turn.say("done"),
    ]
    with FakeLLMServer(script) as server:
        agent = Agent(
            id="wf-agent",
            instructions="Use the workflow.",
            model=server.model(),
            workflows={"calc": wf},
        )
        mastra = Mastra(agents={"a": agent}, workflows={"calc": wf})
        assert mastra.get_workflow("calc") is wf
        out = await agent.generate("run it", max_steps=3)
        tools = {
            t["function"]["name"]: t["function"] for t in server.model_requests[0].body["tools"]
        }
        assert tools["workflow-calc"]["parameters"] == recorded["toolSchema"]
        assert tools["workflow-calc"]["description"] == recorded["toolDescription"]
        tool_message = next(
            m for m in server.model_requests[1].body["messages"] if m["role"] == "tool"
        )
        sent = json.loads(tool_message["content"])
        assert sent["result"] == {"value": 4} and set(sent) == {"result", "runId"}
    assert out.text == "done"
