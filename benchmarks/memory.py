"""Memory store benchmark: appends, last-10 recall and semantic recall, next to raw SQL.

    python -m benchmarks.memory           # 100,000 messages across 1,000 threads (a few minutes)
    python -m benchmarks.memory --quick   # 5,000 messages across 100 threads

Appends are saved one turn (user + assistant message) per call, as an agent does. "raw" does the
same inserts (and the same last-10 query) with plain SQL through the same driver (stdlib sqlite3,
psycopg 3), so the ratio is the cost of the store layer. The PostgreSQL column runs when
``LUMOS_TEST_POSTGRES_URL`` is set (``eval "$(bash tests/storage/pg_cluster.sh start)"``); it uses a
throwaway schema. Semantic recall embeds every message with the fake server's deterministic
64-dimension embedding (no HTTP) and times ``query_vectors`` top-4 over one resource's vectors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lumos_compat.messages import db_message
from lumos_compat.storage import MemoryStore, PostgresStore, SqliteStore
from lumos_compat.storage.base import dumps
from lumos_compat.testing._dialects.embeddings import embed

WORDS = [
    "weather", "paris", "rain", "umbrella", "cat", "tuna", "trip",
    "rome", "coffee", "tea", "music", "book", "garden", "code",
]  # fmt: skip


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(8))


def _turns(threads: int, messages: int, seed: int = 7) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    out: list[list[dict[str, Any]]] = []
    base = 1_700_000_000.0
    for i in range(messages // 2):
        thread = f"t{i % threads}"
        ts = base + i
        turn = []
        for role in ("user", "assistant"):
            text = _text(rng)
            m = db_message(role, [{"type": "text", "text": text}], text=text, created_at=ts)
            m["threadId"] = thread
            m["resourceId"] = "u1"
            turn.append(m)
        out.append(turn)
    return out


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def _timed_queries(fn: Callable[[str], Awaitable[Any]], threads: int, n: int) -> list[float]:
    rng = random.Random(11)
    out = []
    for _ in range(n):
        thread = f"t{rng.randrange(threads)}"
        t0 = time.perf_counter()
        await fn(thread)
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def _store_side(
    store: MemoryStore, turns: list[list[dict[str, Any]]], threads: int, queries: int
) -> dict[str, float]:
    for i in range(threads):
        await store.save_thread({"id": f"t{i}", "resourceId": "u1", "title": ""})
    t0 = time.perf_counter()
    for turn in turns:
        await store.save_messages(turn)
    elapsed = time.perf_counter() - t0
    lat = await _timed_queries(
        lambda t: store.list_messages(t, resource_id="u1", last=10), threads, queries
    )
    return {
        "appends": 2 * len(turns) / elapsed,
        "median": statistics.median(lat),
        "p99": _pct(lat, 0.99),
    }


def _row(m: dict[str, Any]) -> tuple[Any, ...]:
    return (m["id"], m["threadId"], "u1", m["role"], "v2", dumps(m["content"]), 1)


async def _raw_sqlite(
    path: str, turns: list[list[dict[str, Any]]], threads: int, queries: int
) -> dict[str, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE m (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, thread_id TEXT, "
        "resource_id TEXT, role TEXT, type TEXT, content TEXT, created_ms INTEGER)"
    )
    conn.execute("CREATE INDEX m_t ON m (thread_id, created_ms, seq)")
    t0 = time.perf_counter()
    for turn in turns:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO m (id, thread_id, resource_id, role, type, content, created_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [_row(m) for m in turn],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0

    async def q(thread: str) -> Any:
        return conn.execute(
            "SELECT id, thread_id, resource_id, role, type, content, created_ms FROM m "
            "WHERE thread_id = ? ORDER BY created_ms DESC, seq DESC LIMIT 10",
            (thread,),
        ).fetchall()

    lat = await _timed_queries(q, threads, queries)
    conn.close()
    return {
        "appends": 2 * len(turns) / elapsed,
        "median": statistics.median(lat),
        "p99": _pct(lat, 0.99),
    }


async def _raw_postgres(
    url: str, schema: str, turns: list[list[dict[str, Any]]], threads: int, queries: int
) -> dict[str, float]:
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.execute(f'SET search_path TO "{schema}"')
        await conn.execute(
            "CREATE TABLE m (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT UNIQUE, "
            "thread_id TEXT, resource_id TEXT, role TEXT, type TEXT, content JSONB, created_ms BIGINT)"
        )
        await conn.execute("CREATE INDEX m_t ON m (thread_id, created_ms, seq)")
        t0 = time.perf_counter()
        for turn in turns:
            async with conn.transaction(), conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO m (id, thread_id, resource_id, role, type, content, created_ms) "
                    "VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s)",
                    [_row(m) for m in turn],
                )
        elapsed = time.perf_counter() - t0

        async def q(thread: str) -> Any:
            cur = await conn.execute(
                "SELECT id, thread_id, resource_id, role, type, content, created_ms FROM m "
                "WHERE thread_id = %s ORDER BY created_ms DESC, seq DESC LIMIT 10",
                (thread,),
            )
            return await cur.fetchall()

        lat = await _timed_queries(q, threads, queries)
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return {
        "appends": 2 * len(turns) / elapsed,
        "median": statistics.median(lat),
        "p99": _pct(lat, 0.99),
    }


async def _semantic(store: MemoryStore, turns: list[list[dict[str, Any]]], queries: int) -> float:
    vectors, meta = [], []
    for turn in turns:
        for m in turn:
            vectors.append(embed(m["content"]["content"]))
            meta.append({"message_id": m["id"], "thread_id": m["threadId"], "resource_id": "u1"})
    for i in range(0, len(vectors), 5000):
        await store.upsert_vectors("memory_messages_64", vectors[i : i + 5000], meta[i : i + 5000])
    rng = random.Random(3)
    lat = []
    for _ in range(queries):
        q = embed(_text(rng))
        t0 = time.perf_counter()
        hits = await store.query_vectors(
            "memory_messages_64", q, top_k=4, filter={"resource_id": "u1"}
        )
        lat.append((time.perf_counter() - t0) * 1000)
        assert len(hits) == 4
    return statistics.median(lat)


async def run(
    threads: int, messages: int, queries: int, semantic_queries: int
) -> list[tuple[str, dict[str, Any]]]:
    """Run every column; returns (name, figures) pairs."""
    turns = _turns(threads, messages)
    columns: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "store.db")
        figures = await _store_side(store, turns, threads, queries)
        raw = await _raw_sqlite(str(Path(tmp) / "raw.db"), turns, threads, queries)
        figures["raw"] = raw
        figures["semantic"] = await _semantic(store, turns, semantic_queries)
        await store.close()
        columns.append(("SQLite", figures))
    url = os.environ.get("LUMOS_TEST_POSTGRES_URL")
    if url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        pg = PostgresStore(url, schema_name=schema)
        figures = await _store_side(pg, turns, threads, queries)
        figures["raw"] = await _raw_postgres(url, f"{schema}_raw", turns, threads, queries)
        figures["semantic"] = await _semantic(pg, turns, semantic_queries)
        figures["pgvector"] = pg.pgvector
        await pg.close()
        import psycopg

        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        columns.append(("PostgreSQL", figures))
    return columns


def table(columns: list[tuple[str, dict[str, Any]]], messages: int, threads: int) -> str:
    """The results as a Markdown table."""
    head = "| metric | " + " | ".join(name for name, _ in columns) + " |"
    rule = "|---|" + "---|" * len(columns)
    rows = [head, rule]

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(f) for _, f in columns) + " |")

    row("appends/s (store)", lambda f: f"{f['appends']:,.0f}")
    row("appends/s (raw SQL)", lambda f: f"{f['raw']['appends']:,.0f}")
    row("append ratio store/raw", lambda f: f"{f['appends'] / f['raw']['appends']:.2f}")
    row("recall last 10, median ms (store)", lambda f: f"{f['median']:.3f}")
    row("recall last 10, median ms (raw SQL)", lambda f: f"{f['raw']['median']:.3f}")
    row("recall last 10, p99 ms (store)", lambda f: f"{f['p99']:.3f}")
    row("recall last 10, p99 ms (raw SQL)", lambda f: f"{f['raw']['p99']:.3f}")
    row("recall median ratio store/raw", lambda f: f"{f['median'] / f['raw']['median']:.1f}")
    row(
        f"semantic recall top-4 over {messages:,} msgs, median ms",
        lambda f: (
            f"{f['semantic']:.1f}"
            + (
                " (pgvector)"
                if f.get("pgvector")
                else (" (exact SQL)" if "pgvector" in f else " (in process)")
            )
        ),
    )
    return f"{messages:,} messages across {threads:,} threads\n\n" + "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 messages, 100 threads")
    args = parser.parse_args(argv)
    if args.quick:
        threads, messages, queries, sq = 100, 5_000, 200, 5
    else:
        threads, messages, queries, sq = 1_000, 100_000, 1_000, 10
    columns = asyncio.run(run(threads, messages, queries, sq))
    print(table(columns, messages, threads))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
