"""A separate process for the durability tests: ``python -m tests.workflows._worker <cmd> ...``.

Commands (each prints one JSON line):

- ``start DB RUN``: start the approval workflow; it suspends at ``approve``.
- ``resume DB RUN WHO [GATE]``: resume ``approve`` with ``{"approver": WHO}`` (the step takes
  1 s). With ``GATE`` (a folder) the process writes ``GATE/ready-WHO`` once it is set up and waits
  for ``GATE/go`` before resuming, so that two processes resume at the same moment.
- ``crash DB RUN LOG``: start the two-step workflow whose second step kills the process.
- ``restart DB RUN LOG``: continue the crashed run with a healthy second step.

``LOG`` is a file each execution of a step appends its id to, so the test sees what ran where.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from pydantic import BaseModel

from lumos_compat.storage import SqliteStore
from lumos_compat.workflows import StepContext, Workflow, create_step, create_workflow


class Num(BaseModel):
    value: float


class Approver(BaseModel):
    approver: str


def approval_workflow(db: str) -> Workflow:
    """add-one, then approve (suspends until resumed with an approver)."""

    async def approve(ctx: StepContext) -> Any:
        if ctx.resume_data is None:
            return await ctx.suspend({"reason": "needs approval", "pid": os.getpid()})
        await asyncio.sleep(1.0)
        return {
            "value": ctx.input_data.value,
            "approvedBy": ctx.resume_data["approver"],
            "pid": os.getpid(),
        }

    return (
        create_workflow(id="approval", input_schema=Num, storage=SqliteStore(db))
        .then(
            create_step(
                id="add-one", input_schema=Num, execute=lambda c: {"value": c.input_data.value + 1}
            )
        )
        .then(create_step(id="approve", input_schema=Num, resume_schema=Approver, execute=approve))
        .commit()
    )


def crashing_workflow(db: str, log: str, *, healthy: bool) -> Workflow:
    """first (logged), then second (kills the process unless ``healthy``)."""

    def logged(step_id: str) -> None:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{step_id}:{os.getpid()}\n")

    def first(ctx: StepContext) -> Any:
        logged("first")
        return {"value": ctx.input_data.value * 10}

    def second(ctx: StepContext) -> Any:
        logged("second")
        if not healthy:
            os._exit(3)  # a crash: no cleanup, no exception handling
        return {"value": ctx.input_data.value + 1}

    return (
        create_workflow(id="crashy", input_schema=Num, storage=SqliteStore(db))
        .then(create_step(id="first", input_schema=Num, execute=first))
        .then(create_step(id="second", input_schema=Num, execute=second))
        .commit()
    )


async def _wait_at_gate(gate: str, who: str) -> None:
    with open(os.path.join(gate, f"ready-{who}"), "w", encoding="utf-8"):
        pass
    while not os.path.exists(os.path.join(gate, "go")):
        await asyncio.sleep(0.005)


async def _main(argv: list[str]) -> dict[str, Any]:
    cmd, db, run_id, *rest = argv
    if cmd == "start":
        run = await approval_workflow(db).create_run(run_id=run_id)
        return (await run.start(input_data={"value": 1})).to_mastra()
    if cmd == "resume":
        run = await approval_workflow(db).create_run(run_id=run_id)
        if len(rest) > 1:
            await _wait_at_gate(rest[1], rest[0])
        try:
            return {
                "ok": (
                    await run.resume(step="approve", resume_data={"approver": rest[0]})
                ).to_mastra()
            }
        except Exception as exc:  # reported to the parent test
            return {"error": type(exc).__name__, "message": str(exc)}
    if cmd in ("crash", "restart"):
        wf = crashing_workflow(db, rest[0], healthy=cmd == "restart")
        run = await wf.create_run(run_id=run_id)
        if cmd == "crash":
            return (await run.start(input_data={"value": 1})).to_mastra()
        return (await run.restart()).to_mastra()
    raise SystemExit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(sys.argv[1:]))))
