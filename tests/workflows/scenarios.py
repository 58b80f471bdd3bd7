"""Python twins of the workflow scenarios in ``record_mastra.mjs`` (same steps, same graph).

Each coroutine returns a document of the same shape as the Node scenario's; the parity test
normalises both and compares them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from lumos_compat.workflows import StepContext, create_step, create_workflow
from lumos_compat.workflows.errors import WorkflowError

__all__ = ["SCENARIOS"]


class Num(BaseModel):
    """``z.object({ value: z.number() })``."""

    value: float


def _add_one(ctx: StepContext) -> dict[str, Any]:
    return {"value": ctx.input_data.value + 1}


async def _double(ctx: StepContext) -> dict[str, Any]:
    return {"value": ctx.input_data.value * 2}


async def _boom(ctx: StepContext) -> Any:
    raise Exception("step exploded")


add_one = create_step(id="add-one", input_schema=Num, output_schema=Num, execute=_add_one)
double = create_step(id="double", input_schema=Num, output_schema=Num, execute=_double)
boom = create_step(id="boom", input_schema=Num, output_schema=Num, execute=_boom)

Scenario = Callable[[], Awaitable[dict[str, Any]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn

    return register


async def _start(workflow: Any, run_id: str, input_data: Any, **kw: Any) -> Any:
    run = await workflow.create_run(run_id=run_id)
    return (await run.start(input_data=input_data, **kw)).to_mastra()


@scenario("success")
async def success() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-success", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(double)
        .commit()
    )
    return {"result": await _start(wf, "run-success", {"value": 1})}


@scenario("failure")
async def failure() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-failure", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(boom)
        .then(double)
        .commit()
    )
    return {"result": await _start(wf, "run-failure", {"value": 1})}


@scenario("invalid-input")
async def invalid_input() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-invalid", input_schema=Num, output_schema=Num).then(add_one).commit()
    )
    run = await wf.create_run(run_id="run-invalid")
    try:
        await run.start(input_data={"value": "one"})
    except WorkflowError as exc:
        return {"thrown": {"message": str(exc), "name": "Error"}}
    return {"thrown": None}


class Sq(BaseModel):
    sq: float


class Neg(BaseModel):
    neg: float


class Joined(BaseModel):
    square: Sq
    negate: Neg


@scenario("parallel")
async def parallel() -> dict[str, Any]:
    sq = create_step(
        id="square",
        input_schema=Num,
        output_schema=Sq,
        execute=lambda c: {"sq": c.input_data.value**2},
    )
    neg = create_step(
        id="negate",
        input_schema=Num,
        output_schema=Neg,
        execute=lambda c: {"neg": -c.input_data.value},
    )
    join = create_step(
        id="join",
        input_schema=Joined,
        execute=lambda c: {"total": c.input_data.square.sq + c.input_data.negate.neg},
    )
    wf = create_workflow(id="wf-parallel", input_schema=Num).parallel([sq, neg]).then(join).commit()
    return {"result": await _start(wf, "run-parallel", {"value": 3})}


@scenario("branch")
async def branch() -> dict[str, Any]:
    def mk(step_id: str) -> Any:
        return create_step(
            id=step_id,
            input_schema=Num,
            execute=lambda c: {"label": f"{step_id}:{c.input_data.value:g}"},
        )

    async def keys(ctx: StepContext) -> Any:
        # Mastra also keys branches that did not run (with undefined): add them back by name
        return {"keys": sorted({*ctx.input_data, "big"})}

    wf = (
        create_workflow(id="wf-branch", input_schema=Num)
        .branch(
            [
                (lambda c: c.input_data.value > 10, mk("big")),
                (lambda c: c.input_data.value > 0, mk("positive")),
                (lambda c: c.input_data.value % 2 == 1, mk("odd")),
            ]
        )
        .map(keys)
        .commit()
    )
    return {"result": await _start(wf, "run-branch", {"value": 5})}


@scenario("foreach")
async def foreach() -> dict[str, Any]:
    triple = create_step(
        id="triple",
        input_schema=Num,
        output_schema=Num,
        execute=lambda c: {"value": c.input_data.value * 3},
    )
    wf = (
        create_workflow(
            id="wf-foreach", input_schema={"type": "array", "items": {"type": "object"}}
        )
        .foreach(triple, {"concurrency": 2})
        .commit()
    )
    return {"result": await _start(wf, "run-foreach", [{"value": 1}, {"value": 2}, {"value": 3}])}


@scenario("dountil")
async def dountil() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-dountil", input_schema=Num, output_schema=Num)
        .dountil(add_one, lambda c: c.input_data.value >= 4 or c.iteration_count >= 10)
        .then(double)
        .commit()
    )
    return {"result": await _start(wf, "run-dountil", {"value": 1})}


@scenario("dowhile")
async def dowhile() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-dowhile", input_schema=Num, output_schema=Num)
        .dowhile(double, lambda c: c.input_data.value < 20)
        .commit()
    )
    return {"result": await _start(wf, "run-dowhile", {"value": 3})}


@scenario("map")
async def map_() -> dict[str, Any]:
    wf = create_workflow(id="wf-map", input_schema=Num)
    (
        wf.then(add_one)
        .map(lambda c: {"value": c.input_data["value"] + c.get_init_data().value * 100})
        .then(double)
        .map(
            {
                "doubled": {"step": double, "path": "value"},
                "original": {"init_data": wf, "path": "value"},
                "constant": {"value": "k", "schema": {"type": "string"}},
                "whole": {"step": add_one, "path": "."},
            }
        )
        .commit()
    )
    return {"result": await _start(wf, "run-map", {"value": 2})}


@scenario("bail")
async def bail() -> dict[str, Any]:
    def gate_fn(ctx: StepContext) -> Any:
        if ctx.input_data.value > 0:
            return ctx.bail({"value": -1, "bailed": True})
        return ctx.input_data

    gate = create_step(id="gate", input_schema=Num, output_schema=Num, execute=gate_fn)
    wf = (
        create_workflow(id="wf-bail", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(gate)
        .then(double)
        .commit()
    )
    return {"result": await _start(wf, "run-bail", {"value": 1})}


class St(BaseModel):
    count: float
    seen: list[str]


@scenario("state")
async def state() -> dict[str, Any]:
    def mk(step_id: str) -> Any:
        async def execute(ctx: StepContext) -> Any:
            s = ctx.state
            await ctx.set_state(
                {**s, "count": s["count"] + ctx.input_data.value, "seen": [*s["seen"], step_id]}
            )
            return {"value": ctx.input_data.value + 1}

        return create_step(
            id=step_id, input_schema=Num, output_schema=Num, state_schema=St, execute=execute
        )

    wf = (
        create_workflow(id="wf-state", input_schema=Num, output_schema=Num, state_schema=St)
        .then(mk("s1"))
        .then(mk("s2"))
        .commit()
    )
    return {
        "result": await _start(
            wf,
            "run-state",
            {"value": 1},
            initial_state={"count": 0, "seen": []},
            output_options={"include_state": True},
        )
    }


@scenario("nested")
async def nested() -> dict[str, Any]:
    inner = (
        create_workflow(id="inner", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(double)
        .commit()
    )
    wf = (
        create_workflow(id="wf-nested", input_schema=Num, output_schema=Num)
        .then(inner)
        .then(add_one)
        .commit()
    )
    return {"result": await _start(wf, "run-nested", {"value": 1})}


@scenario("sleep")
async def sleep() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-sleep", input_schema=Num, output_schema=Num)
        .then(add_one)
        .sleep(5)
        .then(double)
        .commit()
    )
    return {"result": await _start(wf, "run-sleep", {"value": 1})}


@scenario("retries")
async def retries() -> dict[str, Any]:
    calls = 0

    def flaky_fn(ctx: StepContext) -> Any:
        nonlocal calls
        calls += 1
        if ctx.retry_count < 2:
            raise Exception(f"try {ctx.retry_count}")
        return {"value": ctx.input_data.value, "attempts": ctx.retry_count}

    flaky = create_step(id="flaky", input_schema=Num, retries=2, execute=flaky_fn)
    wf = create_workflow(id="wf-retries", input_schema=Num).then(flaky).commit()
    result = await _start(wf, "run-retries", {"value": 7})
    return {"result": result, "calls": calls}


class Reason(BaseModel):
    reason: str


class Approver(BaseModel):
    approver: str


@scenario("suspend-resume")
async def suspend_resume() -> dict[str, Any]:
    runs = 0

    async def approve_fn(ctx: StepContext) -> Any:
        nonlocal runs
        runs += 1
        if not ctx.resume_data:
            return await ctx.suspend({"reason": f"approve {ctx.input_data.value:g}?"})
        return {
            "value": ctx.input_data.value,
            "approvedBy": f"{ctx.resume_data['approver']} after {ctx.suspend_data['reason']}",
        }

    approve = create_step(
        id="approve",
        input_schema=Num,
        suspend_schema=Reason,
        resume_schema=Approver,
        execute=approve_fn,
    )
    wf = create_workflow(id="wf-suspend", input_schema=Num).then(add_one).then(approve).commit()
    run = await wf.create_run(run_id="run-suspend")
    suspended = (await run.start(input_data={"value": 1})).to_mastra()
    bad: dict[str, Any] | None = None
    try:
        await run.resume(step="approve", resume_data={"approver": 42})
    except WorkflowError as exc:
        bad = {"message": str(exc), "name": "Error"}
    run2 = await wf.create_run(run_id="run-suspend")
    resumed = (await run2.resume(step="approve", resume_data={"approver": "ann"})).to_mastra()
    return {"suspended": suspended, "badResume": bad, "resumed": resumed, "runs": runs}


async def _stream(wf: Any, run_id: str, input_data: Any) -> tuple[Any, list[dict[str, Any]], Any]:
    run = await wf.create_run(run_id=run_id)
    out = run.stream(input_data=input_data)
    events = [dict(e) async for e in out.full_stream]
    return run, events, (await out.result).to_mastra()


@scenario("stream")
async def stream() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-stream", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(double)
        .commit()
    )
    _run, events, result = await _stream(wf, "run-stream", {"value": 1})
    return {"events": events, "result": result}


class Question(BaseModel):
    q: str


class Answer(BaseModel):
    a: float


@scenario("stream-suspend")
async def stream_suspend() -> dict[str, Any]:
    async def ask_fn(ctx: StepContext) -> Any:
        if not ctx.resume_data:
            return await ctx.suspend({"q": "number?"})
        return {"value": ctx.input_data.value + ctx.resume_data["a"]}

    ask = create_step(
        id="ask",
        input_schema=Num,
        output_schema=Num,
        suspend_schema=Question,
        resume_schema=Answer,
        execute=ask_fn,
    )
    wf = (
        create_workflow(id="wf-stream-suspend", input_schema=Num, output_schema=Num)
        .then(ask)
        .commit()
    )
    run, events, result = await _stream(wf, "run-stream-suspend", {"value": 1})
    watched: list[dict[str, Any]] = []
    run.watch(lambda event: watched.append(event.to_mastra()))
    resumed = (await run.resume(step="ask", resume_data={"a": 10})).to_mastra()
    return {"events": events, "result": result, "watched": watched, "resumed": resumed}


@scenario("stream-failure")
async def stream_failure() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-stream-failure", input_schema=Num, output_schema=Num)
        .then(add_one)
        .then(boom)
        .commit()
    )
    _run, events, result = await _stream(wf, "run-stream-failure", {"value": 1})
    return {"events": events, "result": result}


@scenario("stream-parallel")
async def stream_parallel() -> dict[str, Any]:
    wf = (
        create_workflow(id="wf-stream-parallel", input_schema=Num)
        .parallel([add_one, double])
        .commit()
    )
    _run, events, result = await _stream(wf, "run-stream-parallel", {"value": 1})
    return {"events": events, "result": result}
