"""Versioned, idempotent schema migrations shared by the SQLite and PostgreSQL stores.

Each migration has a number and statements for each dialect. A store applies, in one transaction,
every migration above the highest number recorded in ``lumos_schema_version``, and records it. Running
``init()`` again (or from several processes at once) is a no-op once the database is current, and a
database created by an older release is brought forward instead of being rebuilt. Add a migration at
the end; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["MIGRATIONS", "VERSION_TABLE", "Migration", "latest_version"]

Dialect = Literal["sqlite", "postgres"]

VERSION_TABLE = "lumos_schema_version"


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step."""

    version: int
    description: str
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...]

    def statements(self, dialect: Dialect) -> tuple[str, ...]:
        """The statements for one dialect."""
        return self.sqlite if dialect == "sqlite" else self.postgres


_V1_SQLITE = (
    """CREATE TABLE IF NOT EXISTS lumos_threads (
        id TEXT PRIMARY KEY,
        resource_id TEXT NOT NULL,
        title TEXT,
        metadata TEXT,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_threads_resource ON lumos_threads (resource_id, created_ms)",
    """CREATE TABLE IF NOT EXISTS lumos_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        thread_id TEXT NOT NULL REFERENCES lumos_threads (id) ON DELETE CASCADE,
        resource_id TEXT,
        role TEXT NOT NULL,
        type TEXT,
        content TEXT NOT NULL,
        created_ms INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_messages_thread ON lumos_messages (thread_id, created_ms, seq)",
    """CREATE TABLE IF NOT EXISTS lumos_resources (
        id TEXT PRIMARY KEY,
        working_memory TEXT,
        metadata TEXT,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS lumos_vectors (
        index_name TEXT NOT NULL,
        id TEXT NOT NULL,
        thread_id TEXT,
        resource_id TEXT,
        message_id TEXT,
        dimension INTEGER NOT NULL,
        embedding BLOB NOT NULL,
        norm REAL NOT NULL,
        metadata TEXT,
        PRIMARY KEY (index_name, id)
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_vectors_resource ON lumos_vectors (index_name, resource_id)",
    "CREATE INDEX IF NOT EXISTS lumos_vectors_thread ON lumos_vectors (thread_id)",
    "CREATE INDEX IF NOT EXISTS lumos_vectors_message ON lumos_vectors (message_id)",
    """CREATE TABLE IF NOT EXISTS lumos_workflow_snapshots (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        resource_id TEXT,
        snapshot TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_workflow_resource ON lumos_workflow_snapshots (resource_id)",
)

_V1_POSTGRES = (
    """CREATE TABLE IF NOT EXISTS lumos_threads (
        id TEXT PRIMARY KEY,
        resource_id TEXT NOT NULL,
        title TEXT,
        metadata JSONB,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_threads_resource ON lumos_threads (resource_id, created_ms)",
    """CREATE TABLE IF NOT EXISTS lumos_messages (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        thread_id TEXT NOT NULL REFERENCES lumos_threads (id) ON DELETE CASCADE,
        resource_id TEXT,
        role TEXT NOT NULL,
        type TEXT,
        content JSONB NOT NULL,
        created_ms BIGINT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_messages_thread ON lumos_messages (thread_id, created_ms, seq)",
    """CREATE TABLE IF NOT EXISTS lumos_resources (
        id TEXT PRIMARY KEY,
        working_memory TEXT,
        metadata JSONB,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS lumos_vectors (
        index_name TEXT NOT NULL,
        id TEXT NOT NULL,
        thread_id TEXT,
        resource_id TEXT,
        message_id TEXT,
        dimension INTEGER NOT NULL,
        embedding DOUBLE PRECISION[] NOT NULL,
        norm DOUBLE PRECISION NOT NULL,
        metadata JSONB,
        PRIMARY KEY (index_name, id)
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_vectors_resource ON lumos_vectors (index_name, resource_id)",
    "CREATE INDEX IF NOT EXISTS lumos_vectors_thread ON lumos_vectors (thread_id)",
    "CREATE INDEX IF NOT EXISTS lumos_vectors_message ON lumos_vectors (message_id)",
    """CREATE TABLE IF NOT EXISTS lumos_workflow_snapshots (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        resource_id TEXT,
        snapshot JSONB NOT NULL,
        version INTEGER NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
    )""",
    "CREATE INDEX IF NOT EXISTS lumos_workflow_resource ON lumos_workflow_snapshots (resource_id)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "threads, messages, resources, vectors, workflow snapshots", _V1_SQLITE, _V1_POSTGRES
    ),
    Migration(
        2,
        "index workflow runs by recency",
        (
            "CREATE INDEX IF NOT EXISTS lumos_workflow_recent "
            "ON lumos_workflow_snapshots (workflow_id, created_ms)",
        ),
        (
            "CREATE INDEX IF NOT EXISTS lumos_workflow_recent "
            "ON lumos_workflow_snapshots (workflow_id, created_ms)",
        ),
    ),
)


def latest_version() -> int:
    """The number of the newest migration."""
    return MIGRATIONS[-1].version


def pending(current: int, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """Migrations above ``current``, in order."""
    return [m for m in migrations if m.version > current]
