"""Fixtures: the store contract suite runs against SQLite and PostgreSQL.

PostgreSQL tests read ``LUMOS_TEST_POSTGRES_URL`` (``.ci/run`` starts a throwaway cluster with
``tests/storage/pg_cluster.sh``). Without it they skip locally, and fail under ``CI=true``: the
PostgreSQL store must be tested in CI. Each test gets its own schema, dropped afterwards.
With ``LUMOS_TEST_PGVECTOR=1`` (``.ci/run`` sets it when its cluster has the extension) the
``postgres`` kind requires pgvector, so vector search is tested through it and not silently through
the exact SQL fallback (the ``postgres-fallback`` kind).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lumos_compat.storage import MemoryStore, PostgresStore, SqliteStore

PG_URL = os.environ.get("LUMOS_TEST_POSTGRES_URL")
PGVECTOR = os.environ.get("LUMOS_TEST_PGVECTOR") == "1"


def postgres_url() -> str:
    """The test database URL, or skip (locally) / fail (in CI)."""
    if PG_URL:
        return PG_URL
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(
            "CI=true but LUMOS_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL with "
            "tests/storage/pg_cluster.sh before the tests"
        )
    pytest.skip("LUMOS_TEST_POSTGRES_URL is not set (run tests/storage/pg_cluster.sh start)")


async def drop_schema(schema: str) -> None:
    """Remove a test schema."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(postgres_url(), autocommit=True) as conn:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite-memory", "sqlite-file", "postgres", "postgres-fallback"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[MemoryStore]:
    """Each store kind, fresh."""
    kind = request.param
    if kind == "sqlite-memory":
        s: MemoryStore = SqliteStore(":memory:")
    elif kind == "sqlite-file":
        s = SqliteStore(tmp_path / "memory.db")
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        s = PostgresStore(
            postgres_url(),
            schema_name=schema,
            use_pgvector=False if kind == "postgres-fallback" else (True if PGVECTOR else None),
        )
    await s.init()
    try:
        yield s
    finally:
        await s.close()
        if isinstance(s, PostgresStore) and s.schema_name:
            await drop_schema(s.schema_name)
