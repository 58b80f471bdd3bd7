"""Workflow runtime overhead: ``python -m benchmarks.workflows`` prints a table.

- a 100-step linear workflow and a 100-wide parallel step of trivial async steps, in memory and with
  a SQLite file store: runs per second and overhead per step, next to the same 100 calls made as
  plain ``await`` (linear) or ``asyncio.gather`` (parallel);
- suspend/resume round trip (start until suspended, then resume to the end) with SQLite, and with
  PostgreSQL when ``LUMOS_TEST_POSTGRES_URL`` is set.

``--quick`` runs fewer repetitions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lumos_compat.storage import SqliteStore
from lumos_compat.workflows import StepContext, Workflow, create_step, create_workflow

WIDTH = 100


async def _plus_one(ctx: StepContext) -> Any:
    return {"value": ctx.input_data["value"] + 1}


async def _plain_plus_one(data: dict[str, Any]) -> dict[str, Any]:
    return {"value": data["value"] + 1}


def _linear(store: Any) -> Workflow:
    wf = create_workflow(id=f"linear-{uuid.uuid4().hex[:6]}", storage=store)
    for i in range(WIDTH):
        wf.then(create_step(id=f"s{i}", execute=_plus_one))
    return wf.commit()


def _parallel(store: Any) -> Workflow:
    steps = [create_step(id=f"p{i}", execute=_plus_one) for i in range(WIDTH)]
    return (
        create_workflow(id=f"wide-{uuid.uuid4().hex[:6]}", storage=store).parallel(steps).commit()
    )


async def _time(fn: Callable[[], Awaitable[Any]], repeat: int) -> float:
    await fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def _plain_linear() -> None:
    data = {"value": 0}
    for _ in range(WIDTH):
        data = await _plain_plus_one(data)


async def _plain_parallel() -> None:
    await asyncio.gather(*(_plain_plus_one({"value": 0}) for _ in range(WIDTH)))


async def _suspend_resume_latency(store: Any, repeat: int) -> float:
    async def ask(ctx: StepContext) -> Any:
        if ctx.resume_data is None:
            return await ctx.suspend({"q": "?"})
        return {"a": ctx.resume_data["a"]}

    wf = (
        create_workflow(id=f"sr-{uuid.uuid4().hex[:6]}", storage=store)
        .then(create_step(id="ask", execute=ask))
        .commit()
    )

    async def once() -> None:
        run = await wf.create_run()
        await run.start(input_data={})
        result = await (await wf.create_run(run_id=run.run_id)).resume(resume_data={"a": 1})
        assert result.status == "success"

    return await _time(once, repeat)


async def main(quick: bool) -> None:
    """Measure and print the table."""
    repeat = 3 if quick else 15
    console = Console()
    tmp = Path(tempfile.mkdtemp(prefix="lumos-bench-"))
    stores: dict[str, Callable[[], Any]] = {
        "in-memory": lambda: None,
        "sqlite": lambda: SqliteStore(tmp / f"{uuid.uuid4().hex}.db"),
    }
    table = Table(title=f"Workflow runtime: {WIDTH} trivial steps (median of {repeat})")
    for column in ("shape", "store", "runs/s", "per step (µs)", "plain asyncio (µs/step)", "ratio"):
        table.add_column(column, justify="right" if column not in ("shape", "store") else "left")
    plain = {
        "linear": await _time(_plain_linear, repeat),
        "parallel": await _time(_plain_parallel, repeat),
    }
    for shape, build in (("linear", _linear), ("parallel", _parallel)):
        for store_name, make in stores.items():
            wf = build(make())

            async def run_once(wf: Workflow = wf) -> None:
                result = await (await wf.create_run()).start(input_data={"value": 0})
                assert result.status == "success"

            seconds = await _time(run_once, repeat)
            table.add_row(
                shape,
                store_name,
                f"{1 / seconds:,.1f}",
                f"{seconds / WIDTH * 1e6:,.1f}",
                f"{plain[shape] / WIDTH * 1e6:,.2f}",
                f"{seconds / plain[shape]:,.0f}x",
            )
    console.print(table)
    latency = Table(title="Suspend/resume round trip (start to suspended, resume to success)")
    latency.add_column("store")
    latency.add_column("median (ms)", justify="right")
    latency.add_row("in-memory", f"{await _suspend_resume_latency(None, repeat) * 1000:,.2f}")
    latency.add_row(
        "sqlite (file)", f"{await _suspend_resume_latency(stores['sqlite'](), repeat) * 1000:,.2f}"
    )
    pg_url = os.environ.get("LUMOS_TEST_POSTGRES_URL")
    if pg_url:
        from lumos_compat.storage import PostgresStore

        pg = PostgresStore(pg_url, schema_name=f"bench_{uuid.uuid4().hex[:8]}")
        await pg.init()
        try:
            latency.add_row(
                "postgresql", f"{await _suspend_resume_latency(pg, repeat) * 1000:,.2f}"
            )
        finally:
            await pg.close()
    else:
        latency.add_row("postgresql", "skipped (LUMOS_TEST_POSTGRES_URL not set)")
    console.print(latency)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    asyncio.run(main(parser.parse_args().quick))
