"""Tool approval, suspension and resume in agent runs: what the Mastra parity recordings do not
cover (errors, per-call rules, several waiting calls, streams read while paused, memory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat import Agent, AgentResumeError, Mastra, Memory, SqliteStore, create_tool
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn


class Order(BaseModel):
    order_id: str


class Ask(BaseModel):
    question: str


class Answer(BaseModel):
    city: str


def _calls(*calls: tuple[str, Any, str]) -> Turn:
    return Turn(tool_calls=[ScriptToolCall(name=n, arguments=a, id=i) for n, a, i in calls])


def _tool_messages(server: FakeLLMServer, index: int) -> dict[str, str]:
    return {
        m["tool_call_id"]: m["content"]
        for m in server.model_requests[index].body["messages"]
        if m["role"] == "tool"
    }


def _refund_agent(server: FakeLLMServer, ran: list[str], **tool_options: Any) -> Agent:
    async def refund(input: Order) -> dict[str, Any]:
        ran.append(input.order_id)
        return {"refunded": input.order_id}

    tool = create_tool(
        id="refund", description="r", input_schema=Order, execute=refund, **tool_options
    )
    return Agent(id="shop", instructions="x", model=server.model(), tools={"refund": tool})


async def test_resume_errors_name_the_run_and_the_call(fake_llm: FakeLLMServer) -> None:
    ran: list[str] = []
    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")), "done")
    agent = _refund_agent(fake_llm, ran, require_approval=True)
    with pytest.raises(AgentResumeError, match='could not find a suspended run for runId "nope"'):
        await agent.approve_tool_call_generate(run_id="nope")
    paused = await agent.generate("refund A")
    assert paused.finish_reason == "suspended" and ran == []
    with pytest.raises(AgentResumeError, match=r'cannot resume tool call "c9".*waits on.*"c1"'):
        await agent.approve_tool_call_generate({"runId": paused.run_id, "toolCallId": "c9"})
    # a failed attempt leaves the run waiting; camelCase options and snake_case keywords both work
    done = await agent.approve_tool_call_generate(run_id=paused.run_id, tool_call_id="c1")
    assert done.finish_reason == "stop" and done.text == "done" and ran == ["A"]
    with pytest.raises(AgentResumeError):  # a run resumes once
        await agent.approve_tool_call_generate(run_id=paused.run_id)


async def test_call_option_rule_is_asked_per_call(fake_llm: FakeLLMServer) -> None:
    ran: list[str] = []
    asked: list[tuple[str, Any]] = []

    def rule(call: Any) -> bool:
        asked.append((call.tool_name, call["args"]))
        return call.args["order_id"].startswith("big")

    fake_llm.push(_calls(("refund", {"order_id": "small-1"}, "c1")), "ok")
    agent = _refund_agent(fake_llm, ran)
    result = await agent.generate("refund", require_tool_approval=rule)
    assert result.finish_reason == "stop" and ran == ["small-1"]
    assert asked == [("refund", {"order_id": "small-1"})]

    fake_llm.push(_calls(("refund", {"order_id": "big-1"}, "c2")), "ok")
    paused = await agent.generate("refund", {"requireToolApproval": rule})
    assert paused.finish_reason == "suspended" and ran == ["small-1"]
    assert paused["suspendPayload"]["toolCallId"] == "c2"


async def test_failing_rule_asks_a_human_and_tool_rule_decides_alone(
    fake_llm: FakeLLMServer,
) -> None:
    ran: list[str] = []

    def broken(call: Any) -> bool:
        raise RuntimeError("classifier down")

    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")))
    agent = _refund_agent(fake_llm, ran)
    paused = await agent.generate("refund", require_tool_approval=broken)
    assert paused.finish_reason == "suspended"

    # a tool-level function overrides the call option (Mastra: it is authoritative)
    fake_llm.push(_calls(("refund", {"order_id": "B"}, "c2")), "ok")
    agent = _refund_agent(fake_llm, ran, require_approval=lambda call: False)
    result = await agent.generate("refund", require_tool_approval=True)
    assert result.finish_reason == "stop" and ran == ["B"]


async def test_two_waiting_calls_pause_the_run_twice(fake_llm: FakeLLMServer) -> None:
    ran: list[str] = []
    fake_llm.push(
        _calls(("refund", {"order_id": "A"}, "c1"), ("refund", {"order_id": "B"}, "c2")),
        "one refunded, one declined",
    )
    agent = _refund_agent(fake_llm, ran, require_approval=True)
    stream = await agent.stream("refund A and B")
    types = [c.type async for c in stream.full_stream]
    assert types[-1] == "tool-call-approval" and "finish" not in types
    assert await stream.finish_reason == "suspended"
    assert (await stream.suspend_payload)["toolCallId"] == "c1"
    assert [r["runId"] for r in (await agent.list_suspended_runs()).runs] == [stream.run_id]

    second = await agent.approve_tool_call({"runId": stream.run_id})
    chunks = [c async for c in second.full_stream]
    assert [c.type for c in chunks] == ["tool-result", "tool-call-approval"]
    assert chunks[-1].payload.tool_call_id == "c2"
    assert await second.finish_reason == "suspended" and ran == ["A"]

    third = await agent.decline_tool_call(run_id=stream.run_id, reason="B is not refundable")
    chunks = [c async for c in third.full_stream]
    denied = next(c for c in chunks if c.type == "tool-output-denied")
    assert denied.payload.approval == {
        "approved": False,
        "id": "c2",
        "reason": "B is not refundable",
    }
    assert chunks[-1].type == "finish"
    out = await third.get_full_output()
    assert out.text == "one refunded, one declined" and ran == ["A"]
    assert json.loads(_tool_messages(fake_llm, 1)["c1"]) == {"refunded": "A"}
    assert _tool_messages(fake_llm, 1)["c2"] == "B is not refundable"
    assert [r.payload.tool_call_id for r in out.tool_results] == ["c1"]
    assert (await agent.list_suspended_runs())["runs"] == []


async def test_suspend_and_resume_data_reach_the_tool(fake_llm: FakeLLMServer) -> None:
    seen: list[Any] = []

    async def weather(input: dict[str, Any], context: Any) -> Any:
        seen.append(context.agent.resume_data)
        if context.agent.resume_data is None:
            return await context.agent.suspend({"question": "Which city?"})
        return {"city": context.agent.resume_data["city"], "sky": "clear"}

    tool = create_tool(
        id="weather",
        description="w",
        input_schema={"type": "object", "properties": {}},
        suspend_schema=Ask,
        resume_schema=Answer,
        execute=weather,
    )
    fake_llm.push(_calls(("weather", {}, "w1")), "Clear in Oslo.")
    agent = Agent(id="w", instructions="x", model=fake_llm.model(), tools={"weather": tool})
    paused = await agent.generate("weather?")
    assert paused.finish_reason == "suspended"
    assert paused["suspendPayload"]["suspendPayload"] == {"question": "Which city?"}
    assert json.loads(paused["resumeSchema"])["required"] == ["city"]
    waiting = (await agent.list_suspended_runs())["runs"][0]["toolCalls"][0]
    assert waiting["requiresApproval"] is False and waiting["suspendPayload"]["question"]

    done = await agent.resume_generate({"city": "Oslo"}, {"runId": paused.run_id})
    assert seen == [None, {"city": "Oslo"}]
    assert done.text == "Clear in Oslo."
    assert json.loads(_tool_messages(fake_llm, 1)["w1"]) == {"city": "Oslo", "sky": "clear"}


def _shapes(stored: dict[str, Any]) -> list[tuple[str, list[str]]]:
    out = []
    for m in stored["messages"]:
        parts = []
        for part in m["content"]["parts"]:
            state = part.get("toolInvocation", {}).get("state")
            parts.append(f"{part['type']}:{state}" if state else part["type"])
        out.append((m["role"], parts))
    return out


async def test_memory_holds_the_paused_turn_then_the_answer(fake_llm: FakeLLMServer) -> None:
    """As probed on Mastra 1.71 with @mastra/memory: the paused turn is saved at once, the resume
    updates its assistant message and adds the answer as a second one."""
    ran: list[str] = []
    memory = Memory(storage=SqliteStore(":memory:"))
    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")), "Refunded A.")
    agent = _refund_agent(fake_llm, ran, require_approval=True)
    agent.memory = memory
    where = {"memory": {"thread": "t1", "resource": "u1"}}
    paused = await agent.generate("refund A", where)
    assert paused.finish_reason == "suspended"
    assert _shapes(await memory.recall(thread_id="t1")) == [
        ("user", ["text"]),
        ("assistant", ["tool-invocation:call"]),
    ]
    done = await agent.approve_tool_call_generate(run_id=paused.run_id)
    assert done.text == "Refunded A."
    stored = await memory.recall(thread_id="t1")
    assert _shapes(stored) == [
        ("user", ["text"]),
        ("assistant", ["tool-invocation:result"]),
        ("assistant", ["text"]),
    ]
    assert stored["messages"][2]["content"]["content"] == "Refunded A."


async def test_a_paused_run_is_resumed_by_another_process(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    """Two agents over one SQLite file stand for two processes: Mastra's restart story."""
    db = str(tmp_path / "shop.db")
    ran: list[str] = []
    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")), "Refunded A.")
    first = _refund_agent(fake_llm, ran, require_approval=True)
    Mastra(agents={"shop": first}, storage=SqliteStore(db))
    paused = await first.generate("refund A", request_context={"tier": "gold"})
    assert paused.finish_reason == "suspended"

    other = _refund_agent(fake_llm, ran, require_approval=True)
    store = SqliteStore(db)
    Mastra(agents={"shop": other}, storage=store)
    listed = (await other.list_suspended_runs())["runs"]
    assert [r["runId"] for r in listed] == [paused.run_id]
    assert listed[0]["toolCalls"][0]["requiresApproval"] is True
    stream = await other.approve_tool_call(run_id=paused.run_id, tool_call_id="c1")
    types = [c.type async for c in stream.full_stream]
    assert types[0] == "tool-result" and types[-1] == "finish"
    assert (await stream.text) == "Refunded A." and ran == ["A"]
    # the model saw the same conversation it would have seen without the restart
    assert json.loads(_tool_messages(fake_llm, 1)["c1"]) == {"refunded": "A"}
    assert fake_llm.model_requests[1].body["messages"][1]["content"] == "refund A"
    # the finished run's snapshot is gone, and the first process cannot resume it again
    assert await store.load_workflow_snapshot("agentic-loop", paused.run_id) is None
    with pytest.raises(AgentResumeError):
        await first.approve_tool_call_generate(run_id=paused.run_id)


async def test_two_resumes_of_a_stored_run_cannot_both_go_on(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "shop.db")
    ran: list[str] = []
    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")), "Refunded A.")
    first = _refund_agent(fake_llm, ran, require_approval=True)
    Mastra(agents={"shop": first}, storage=SqliteStore(db))
    paused = await first.generate("refund A")
    second = _refund_agent(fake_llm, ran, require_approval=True)
    Mastra(agents={"shop": second}, storage=SqliteStore(db))
    with pytest.raises(AgentResumeError, match="cannot resume tool call"):
        await second.approve_tool_call_generate(run_id=paused.run_id, tool_call_id="c2")
    # a wrong tool call id leaves the stored run waiting
    done = await second.decline_tool_call_generate(run_id=paused.run_id)
    assert done.finish_reason == "stop" and ran == []
    with pytest.raises(AgentResumeError, match="could not find a suspended run"):
        await second.approve_tool_call_generate(run_id=paused.run_id)


async def test_a_claimed_run_cannot_go_on_in_the_process_that_paused_it(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "shop.db")
    ran: list[str] = []
    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")))
    first = _refund_agent(fake_llm, ran, require_approval=True)
    Mastra(agents={"shop": first}, storage=SqliteStore(db))
    paused = await first.generate("refund A")
    store = SqliteStore(db)
    snapshot, version = await store.load_workflow_snapshot("agentic-loop", paused.run_id)
    assert snapshot["status"] == "suspended" and snapshot["agentId"] == "shop"
    # another process has taken it (its versioned save won)
    await store.save_workflow_snapshot(
        "agentic-loop", paused.run_id, {**snapshot, "status": "running"}, expected_version=version
    )
    with pytest.raises(AgentResumeError, match="not suspended any more"):
        await first.approve_tool_call_generate(run_id=paused.run_id)
    assert (await first.list_suspended_runs())["runs"] == [] and ran == []


async def test_memory_turn_resumed_in_another_process(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "shop.db")
    ran: list[str] = []
    fake_llm.push(_calls(("refund", {"order_id": "A"}, "c1")), "Refunded A.")
    agents = []
    for _ in range(2):  # one agent per "process", over the same database
        agent = _refund_agent(fake_llm, ran, require_approval=True)
        agent.memory = Memory(storage=SqliteStore(db))
        Mastra(agents={"shop": agent}, storage=SqliteStore(db))
        agents.append(agent)
    paused = await agents[0].generate("refund A", memory={"thread": "t1", "resource": "u1"})
    done = await agents[1].approve_tool_call_generate(run_id=paused.run_id)
    assert done.text == "Refunded A." and ran == ["A"]
    stored = await Memory(storage=SqliteStore(db)).recall(thread_id="t1")
    assert _shapes(stored) == [
        ("user", ["text"]),
        ("assistant", ["tool-invocation:result"]),
        ("assistant", ["text"]),
    ]


async def test_supervisor_paused_by_a_sub_agent_resumes_in_another_process(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    db = str(tmp_path / "shop.db")
    ran: list[str] = []
    fake_llm.push(
        _calls(("agent-refunds", {"prompt": "refund A"}, "s1")),
        _calls(("refund", {"order_id": "A"}, "c1")),
        "Refunded A.",
        "The refund agent refunded A.",
    )
    supervisors = []
    for _ in range(2):
        sub = _refund_agent(fake_llm, ran, require_approval=True)
        boss = Agent(id="boss", instructions="x", model=fake_llm.model(), agents={"refunds": sub})
        Mastra(agents={"boss": boss}, storage=SqliteStore(db))
        supervisors.append(boss)
    paused = await supervisors[0].generate("refund A")
    assert paused.finish_reason == "suspended" and ran == []
    waiting = paused["suspendPayload"]
    assert waiting["toolName"] == "agent-refunds" and waiting["toolCallId"] == "s1"
    assert waiting["suspendPayload"]["toolCallId"] == "c1"  # the sub-agent's call
    done = await supervisors[1].approve_tool_call_generate(run_id=paused.run_id)
    assert done.text == "The refund agent refunded A." and ran == ["A"]
    result = done.tool_results[0].payload.result
    assert result["text"] == "Refunded A."
    assert result["subAgentToolResults"][0]["result"] == {"refunded": "A"}


async def test_a_tool_without_schemas_may_suspend_among_parallel_calls(
    fake_llm: FakeLLMServer,
) -> None:
    calls: list[Any] = []

    async def ask(input: dict[str, Any], context: Any) -> Any:
        calls.append(context.agent.resume_data)
        if context.agent.resume_data is None:
            return await context.agent.suspend({"question": "sure?"})
        return {"answer": context.agent.resume_data}

    async def echo(input: dict[str, Any]) -> Any:
        return {"echo": True}

    schema = {"type": "object", "properties": {}}
    tools = {
        "ask": create_tool(id="ask", description="a", input_schema=schema, execute=ask),
        "echo": create_tool(id="echo", description="e", input_schema=schema, execute=echo),
    }
    fake_llm.push(_calls(("ask", {}, "a1"), ("echo", {}, "e1")), "fine")
    agent = Agent(id="q", instructions="x", model=fake_llm.model(), tools=tools)
    stream = await agent.stream("go")
    chunks = [c async for c in stream.full_stream]
    assert [c.type for c in chunks][-2:] == ["tool-call-suspended", "tool-result"]
    paused = await stream.get_full_output()
    assert paused.finish_reason == "suspended" and paused["resumeSchema"] is None
    done = await agent.resume_generate("yes", run_id=stream.run_id)
    assert done.text == "fine" and calls == [None, "yes"]
    assert json.loads(_tool_messages(fake_llm, 1)["a1"]) == {"answer": "yes"}
    assert json.loads(_tool_messages(fake_llm, 1)["e1"]) == {"echo": True}
