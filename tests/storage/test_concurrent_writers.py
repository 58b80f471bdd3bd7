"""Several OS processes write to one thread at once: no message is lost and the order is one order.

Each writer process opens its own store (PostgreSQL in a fresh schema, or one SQLite file in WAL
mode), initialises it at the same moment as the others (schema creation races included), waits at
a barrier, then appends its messages to the same thread: one at a time, and in small batches, with
store-assigned and with explicit ``createdAt`` times. Afterwards the parent reads the thread back
and checks that every message is there exactly once, that each writer's messages keep the order
it wrote them in, and that every way of reading (whole thread, pages, last N) gives the same order.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
import uuid
from pathlib import Path
from typing import Any

from lumos_compat.storage import MemoryStore, PostgresStore, SqliteStore
from tests.storage.conftest import drop_schema, postgres_url

WRITERS = 4
MESSAGES = 40  # per writer
BATCH = 3  # every fourth append saves this many messages in one call


def _open(kind: str, where: str) -> MemoryStore:
    if kind == "postgres":
        return PostgresStore(postgres_url_of(where), schema_name=where.rsplit("#", 1)[1])
    return SqliteStore(where)


def postgres_url_of(where: str) -> str:
    return where.rsplit("#", 1)[0]


def _message(writer: int, index: int, explicit_ms: int | None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": f"w{writer}-{index:03d}-{uuid.uuid4().hex[:6]}",
        "threadId": "shared",
        "resourceId": "u1",
        "role": "user" if index % 2 == 0 else "assistant",
        "content": f"writer {writer} message {index}",
    }
    if explicit_ms is not None:
        message["createdAt"] = explicit_ms
    return message


async def _write(kind: str, where: str, writer: int, barrier: Any) -> list[str]:
    store = _open(kind, where)
    barrier.wait()  # every process initialises the schema at the same moment
    await store.init()
    await store.save_thread({"id": "shared", "resourceId": "u1", "title": ""})
    barrier.wait()
    written: list[str] = []
    index = 0
    while index < MESSAGES:
        # half the writers let the store stamp the time, half send increasing explicit times
        explicit = int(time.time() * 1000) if writer % 2 else None
        count = BATCH if index % 4 == 3 else 1
        batch = [_message(writer, index + k, explicit) for k in range(min(count, MESSAGES - index))]
        saved = await store.save_messages(batch)
        written.extend(m["id"] for m in saved)
        index += len(batch)
    await store.close()
    return written


def _writer_main(kind: str, where: str, writer: int, barrier: Any, out: Any) -> None:
    try:
        out.put((writer, asyncio.run(_write(kind, where, writer, barrier)), None))
    except BaseException as exc:  # report to the parent instead of dying silently
        barrier.abort()
        out.put((writer, [], f"{type(exc).__name__}: {exc}"))


def _run_writers(kind: str, where: str) -> dict[int, list[str]]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WRITERS, timeout=120)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_writer_main, args=(kind, where, w, barrier, out), daemon=True)
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    results: dict[int, list[str]] = {}
    errors: list[str] = []
    for _ in procs:
        writer, ids, error = out.get(timeout=300)
        results[writer] = ids
        if error:
            errors.append(f"writer {writer}: {error}")
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0, f"writer process exited with {p.exitcode}"
    assert errors == [], errors
    return results


async def _check(store: MemoryStore, written: dict[int, list[str]]) -> None:
    whole = await store.list_messages("shared", resource_id="u1", per_page=False)
    ids = [m["id"] for m in whole["messages"]]
    expected = [i for w in sorted(written) for i in written[w]]
    assert len(expected) == WRITERS * MESSAGES
    assert whole["total"] == len(expected)
    assert sorted(ids) == sorted(expected), "a message was lost or duplicated"
    for writer, mine in written.items():
        assert [i for i in ids if i.startswith(f"w{writer}-")] == mine, (
            f"writer {writer}'s messages are out of order"
        )
    paged: list[str] = []
    page = 0
    while True:
        listed = await store.list_messages("shared", resource_id="u1", page=page, per_page=25)
        paged.extend(m["id"] for m in listed["messages"])
        if not listed["hasMore"]:
            break
        page += 1
    assert paged == ids, "paging gives another order than reading the whole thread"
    last = await store.list_messages("shared", resource_id="u1", last=30)
    assert [m["id"] for m in last["messages"]] == ids[-30:]
    stamps = [m["createdAt"] for m in whole["messages"]]
    assert stamps == sorted(stamps), "messages are not in createdAt order"


def test_processes_append_to_one_sqlite_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    written = _run_writers("sqlite", path)

    async def check() -> None:
        store = SqliteStore(path)
        try:
            await _check(store, written)
        finally:
            await store.close()

    asyncio.run(check())


def test_processes_append_to_one_postgres_thread() -> None:
    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        written = _run_writers("postgres", f"{url}#{schema}")

        async def check() -> None:
            store = PostgresStore(url, schema_name=schema)
            try:
                await _check(store, written)
            finally:
                await store.close()

        asyncio.run(check())
    finally:
        asyncio.run(drop_schema(schema))
