"""Durable runs on real stores: resume in another process, one winner per resume, crash recovery.

SQLite always; PostgreSQL when ``LUMOS_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from lumos_compat.storage import SqliteStore
from lumos_compat.workflows import (
    StepContext,
    WorkflowRunConflictError,
    create_step,
    create_workflow,
)
from tests.workflows._worker import approval_workflow, crashing_workflow

ROOT = Path(__file__).resolve().parents[2]


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.workflows._worker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, Any]:
    out, err = proc.communicate(timeout=60)
    lines = out.strip().splitlines()
    return proc.returncode, (json.loads(lines[-1]) if lines else err)


def test_another_process_resumes_a_suspended_run(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.db")
    code, started = _finish(_spawn("start", db, "run-1"))
    assert code == 0 and started["status"] == "suspended"
    code, resumed = _finish(_spawn("resume", db, "run-1", "ann"))
    assert code == 0, resumed
    result = resumed["ok"]
    assert result["status"] == "success"
    assert result["result"]["approvedBy"] == "ann"
    assert result["result"]["pid"] != started["suspendPayload"]["approve"]["pid"]
    assert result["steps"]["add-one"] == started["steps"]["add-one"]  # kept from the first process


def test_two_processes_resuming_at_once_exactly_one_wins(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.db")
    assert _finish(_spawn("start", db, "run-2"))[1]["status"] == "suspended"
    gate = tmp_path / "gate"
    gate.mkdir()
    procs = [_spawn("resume", db, "run-2", who, str(gate)) for who in ("ann", "bob")]
    # both processes are set up before either resumes: the two resumes overlap (the step takes 1 s)
    deadline = time.monotonic() + 60
    while not all((gate / f"ready-{who}").exists() for who in ("ann", "bob")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "worker died"
        time.sleep(0.01)
    (gate / "go").touch()
    outcomes = [_finish(p)[1] for p in procs]
    wins = [o for o in outcomes if "ok" in o]
    losses = [o for o in outcomes if "error" in o]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert losses[0]["error"] == "WorkflowRunConflictError"
    assert "already" in losses[0]["message"]


async def test_crash_mid_step_keeps_completed_steps(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.db")
    log = tmp_path / "log.txt"
    code, _ = _finish(_spawn("crash", db, "run-3", str(log)))
    assert code == 3  # the process died inside "second"
    wf = crashing_workflow(db, str(log), healthy=True)
    stored = await wf.get_workflow_run_by_id("run-3")
    assert stored is not None and stored["status"] == "running"
    assert stored["context"]["first"]["output"] == {"value": 10}
    code, restarted = _finish(_spawn("restart", db, "run-3", str(log)))
    assert code == 0, restarted
    assert restarted["status"] == "success" and restarted["result"] == {"value": 11}
    ran = [line.split(":")[0] for line in log.read_text().splitlines()]
    assert ran == ["first", "second", "second"]  # "first" did not run again


async def _concurrent_resume_on(store: Any) -> None:
    import asyncio

    async def slow(ctx: StepContext) -> Any:
        if ctx.resume_data is None:
            return await ctx.suspend({})
        await asyncio.sleep(0.05)
        return {"by": ctx.resume_data["who"]}

    wf = (
        create_workflow(id=f"race-{uuid.uuid4().hex[:8]}", storage=store)
        .then(create_step(id="s", execute=slow))
        .commit()
    )
    await (await wf.create_run(run_id="r")).start(input_data={})
    runs = [await wf.create_run(run_id="r") for _ in range(2)]
    results = await asyncio.gather(
        *(run.resume(resume_data={"who": i}) for i, run in enumerate(runs)), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == [
        "WorkflowResult",
        "WorkflowRunConflictError",
    ]
    assert isinstance(
        next(r for r in results if isinstance(r, BaseException)), WorkflowRunConflictError
    )
    await wf.delete_workflow_run_by_id("r")


async def test_sqlite_store_in_process_resume_race(tmp_path: Path) -> None:
    await _concurrent_resume_on(SqliteStore(str(tmp_path / "race.db")))


async def test_sqlite_snapshot_after_each_step(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "steps.db"))
    seen: list[list[str]] = []
    wf = create_workflow(id="each-step", storage=store)

    async def check(ctx: StepContext) -> Any:
        snap = await wf.get_workflow_run_by_id(ctx.run_id)
        assert snap is not None
        seen.append(sorted(k for k, v in snap["context"].items() if v["status"] == "success"))
        return {}

    wf.then(create_step(id="a", execute=check)).then(create_step(id="b", execute=check)).then(
        create_step(id="c", execute=check)
    ).commit()
    result = await (await wf.create_run()).start(input_data={})
    assert result.status == "success"
    assert seen == [[], ["a"], ["a", "b"]]


@pytest.mark.skipif(
    not os.environ.get("LUMOS_TEST_POSTGRES_URL"), reason="LUMOS_TEST_POSTGRES_URL not set"
)
async def test_postgres_store_resume_and_race() -> None:
    from lumos_compat.storage import PostgresStore
    from tests.storage.conftest import drop_schema

    url = os.environ["LUMOS_TEST_POSTGRES_URL"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    stores = [PostgresStore(url, schema_name=schema), PostgresStore(url, schema_name=schema)]
    try:
        for store in stores:
            await store.init()
        await _concurrent_resume_on(stores[0])
        first = approval_workflow(":memory:")
        first.storage = stores[0]
        assert (
            await (await first.create_run(run_id="pg-1")).start(input_data={"value": 1})
        ).status == "suspended"
        second = approval_workflow(":memory:")  # another workflow object on another connection
        second.storage = stores[1]
        done = await (await second.create_run(run_id="pg-1")).resume(resume_data={"approver": "pg"})
        assert done.status == "success" and done.result["approvedBy"] == "pg"
    finally:
        for store in stores:
            await store.close()
        await drop_schema(schema)
