"""``SqliteStore``: the embedded store, on the standard library's sqlite3.

WAL journal, a busy timeout so several processes can share one file, write transactions taken with
``BEGIN IMMEDIATE`` (so a read-then-write, such as a versioned snapshot save, cannot interleave with
another writer), and ``":memory:"`` for tests. Calls run in a worker thread so the event loop never
blocks on disk. Vector search is exact cosine similarity computed in process.
"""

from __future__ import annotations

import asyncio
import heapq
import sqlite3
import threading
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import mul
from pathlib import Path
from typing import Any, Literal, TypeVar

from lumos_compat.storage import migrations
from lumos_compat.storage.base import (
    ConcurrentUpdateError,
    MemoryStore,
    StorageError,
    ThreadNotFoundError,
    VectorMatch,
    check_owner,
    check_paging,
    dumps,
    iso_from_ms,
    loads,
    message_record,
    metadata_matches,
    ms_from_value,
    now_ms,
    order_sql,
    page_info,
    prepare_message,
    scope_of,
    thread_record,
    vector_norm,
)

__all__ = ["SqliteStore"]

T = TypeVar("T")

_MSG_COLS = "id, thread_id, resource_id, role, type, content, created_ms"
_THREAD_COLS = "id, resource_id, title, metadata, created_ms, updated_ms"


def _url_to_path(path: str | Path) -> str:
    text = str(path)
    if text.startswith("file:"):
        text = text[5:]
        if text.startswith("//"):
            text = text[2:]
    return text or ":memory:"


class SqliteStore(MemoryStore):
    """A SQLite database file (or ``":memory:"``) holding threads, messages, vectors and runs."""

    def __init__(self, path: str | Path = ":memory:", *, busy_timeout: float = 30.0) -> None:
        self.path = _url_to_path(path)
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._ready = False

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    # plumbing ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            if self.path != ":memory:":
                self._set_wal(conn)
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._conn = conn
        return self._conn

    def _set_wal(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL; another process opening the file at the same moment can hold the lock
        that needs, and SQLite does not always wait for it, so retry until the busy timeout."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connect()
            if not self._ready:
                self._migrate(conn)
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {migrations.VERSION_TABLE} "
                "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_ms INTEGER NOT NULL)"
            )
            current = conn.execute(
                f"SELECT COALESCE(MAX(version), 0) FROM {migrations.VERSION_TABLE}"
            ).fetchone()[0]
            for step in migrations.pending(current):
                for statement in step.statements("sqlite"):
                    conn.execute(statement)
                conn.execute(
                    f"INSERT INTO {migrations.VERSION_TABLE} VALUES (?, ?, ?)",
                    (step.version, step.description, now_ms()),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        self._ready = True

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    # lifecycle ----------------------------------------------------------------------------------
    async def init(self) -> None:
        """Open the database and apply pending migrations."""

        def go() -> None:
            with self._lock:
                conn = self._connect()
                if not self._ready:
                    self._migrate(conn)

        await self._run(go)

    async def close(self) -> None:
        """Close the connection (a ``:memory:`` database is gone afterwards)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._ready = False

    async def schema_version(self) -> int:
        """The highest migration applied."""

        def go() -> int:
            with self._tx(write=False) as conn:
                row = conn.execute(
                    f"SELECT COALESCE(MAX(version), 0) FROM {migrations.VERSION_TABLE}"
                ).fetchone()
                return int(row[0])

        return await self._run(go)

    # threads --------------------------------------------------------------------------------------
    @staticmethod
    def _thread_row(conn: sqlite3.Connection, thread_id: str) -> tuple[Any, ...] | None:
        return conn.execute(
            f"SELECT {_THREAD_COLS} FROM lumos_threads WHERE id = ?", (thread_id,)
        ).fetchone()

    async def save_thread(self, thread: Mapping[str, Any]) -> dict[str, Any]:
        """Insert or update a thread."""
        thread_id = str(thread.get("id") or uuid.uuid4())
        resource = thread.get("resourceId") or thread.get("resource_id")
        if not resource:
            raise StorageError(f"thread {thread_id!r} needs a resourceId (the owner)")
        created = ms_from_value(thread.get("createdAt"))
        updated = ms_from_value(thread.get("updatedAt")) if thread.get("updatedAt") else created
        title = thread.get("title")
        metadata = dumps(thread.get("metadata"))

        def go() -> dict[str, Any]:
            with self._tx() as conn:
                row = self._thread_row(conn, thread_id)
                if row is not None:
                    check_owner(thread_id, row[1], resource)
                    conn.execute(
                        "UPDATE lumos_threads SET title = ?, metadata = ?, updated_ms = ? "
                        "WHERE id = ?",
                        (title, metadata, max(updated, now_ms()), thread_id),
                    )
                else:
                    conn.execute(
                        f"INSERT INTO lumos_threads ({_THREAD_COLS}) VALUES (?, ?, ?, ?, ?, ?)",
                        (thread_id, resource, title, metadata, created, updated),
                    )
                return thread_record(*self._thread_row(conn, thread_id))  # type: ignore[misc]

        return await self._run(go)

    async def get_thread(
        self, thread_id: str, *, resource_id: str | None = None
    ) -> dict[str, Any] | None:
        """A thread or None; another resource's thread is refused."""

        def go() -> dict[str, Any] | None:
            with self._tx(write=False) as conn:
                row = self._thread_row(conn, thread_id)
            if row is None:
                return None
            check_owner(thread_id, row[1], resource_id)
            return thread_record(*row)

        return await self._run(go)

    async def list_threads(
        self,
        *,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int | Literal[False] = 100,
        order_by: str = "createdAt",
        direction: str = "DESC",
    ) -> dict[str, Any]:
        """A page of threads, optionally of one resource."""
        check_paging(page, per_page)
        column, way = order_sql(order_by, direction)
        where, params = ("WHERE resource_id = ?", [resource_id]) if resource_id else ("", [])

        def go() -> dict[str, Any]:
            with self._tx(write=False) as conn:
                total = conn.execute(
                    f"SELECT COUNT(*) FROM lumos_threads {where}", params
                ).fetchone()[0]
                sql = (
                    f"SELECT {_THREAD_COLS} FROM lumos_threads {where} ORDER BY {column} {way}, id"
                )
                args = list(params)
                if per_page is not False:
                    sql += " LIMIT ? OFFSET ?"
                    args += [per_page, page * per_page]
                rows = conn.execute(sql, args).fetchall()
            return {
                "threads": [thread_record(*r) for r in rows],
                **page_info(total, page, per_page),
            }

        return await self._run(go)

    async def update_thread(
        self,
        thread_id: str,
        *,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        resource_id: str | None = None,
    ) -> dict[str, Any]:
        """Change the title and merge metadata."""

        def go() -> dict[str, Any]:
            with self._tx() as conn:
                row = self._thread_row(conn, thread_id)
                if row is None:
                    raise ThreadNotFoundError(thread_id, "update_thread")
                check_owner(thread_id, row[1], resource_id)
                merged = {**(loads(row[3]) or {}), **(metadata or {})}
                conn.execute(
                    "UPDATE lumos_threads SET title = ?, metadata = ?, updated_ms = ? WHERE id = ?",
                    (
                        row[2] if title is None else title,
                        dumps(merged) if (metadata is not None or row[3] is not None) else None,
                        max(now_ms(), row[5]),
                        thread_id,
                    ),
                )
                return thread_record(*self._thread_row(conn, thread_id))  # type: ignore[misc]

        return await self._run(go)

    async def delete_thread(self, thread_id: str, *, resource_id: str | None = None) -> None:
        """Delete a thread, its messages and its vectors."""

        def go() -> None:
            with self._tx() as conn:
                row = self._thread_row(conn, thread_id)
                if row is None:
                    return
                check_owner(thread_id, row[1], resource_id)
                conn.execute("DELETE FROM lumos_messages WHERE thread_id = ?", (thread_id,))
                conn.execute("DELETE FROM lumos_vectors WHERE thread_id = ?", (thread_id,))
                conn.execute("DELETE FROM lumos_threads WHERE id = ?", (thread_id,))

        await self._run(go)

    # messages -------------------------------------------------------------------------------------
    async def save_messages(self, messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Insert or update messages; the thread must exist and belong to the same resource."""
        incoming = list(messages)

        def go() -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            with self._tx() as conn:
                owners: dict[str, str] = {}
                touched: dict[str, int] = {}
                for message in incoming:
                    thread_id = str(message.get("threadId") or message.get("thread_id") or "")
                    if thread_id and thread_id not in owners:
                        row = self._thread_row(conn, thread_id)
                        if row is None:
                            raise ThreadNotFoundError(thread_id, f"message {message.get('id')!r}")
                        owners[thread_id] = row[1]
                    row_data = prepare_message(message, owners.get(thread_id))
                    existing = conn.execute(
                        "SELECT thread_id, resource_id FROM lumos_messages WHERE id = ?",
                        (row_data["id"],),
                    ).fetchone()
                    if existing is not None:
                        check_owner(row_data["id"], existing[1], row_data["resource_id"])
                        conn.execute(
                            "UPDATE lumos_messages SET thread_id = ?, role = ?, type = ?, "
                            "content = ?, created_ms = ? WHERE id = ?",
                            (
                                row_data["thread_id"],
                                row_data["role"],
                                row_data["type"],
                                row_data["content"],
                                row_data["created_ms"],
                                row_data["id"],
                            ),
                        )
                    else:
                        conn.execute(
                            f"INSERT INTO lumos_messages ({_MSG_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            tuple(
                                row_data[k]
                                for k in (
                                    "id",
                                    "thread_id",
                                    "resource_id",
                                    "role",
                                    "type",
                                    "content",
                                    "created_ms",
                                )
                            ),
                        )
                    touched[row_data["thread_id"]] = now_ms()
                    out.append(
                        message_record(
                            row_data["id"],
                            row_data["thread_id"],
                            row_data["resource_id"],
                            row_data["role"],
                            row_data["type"],
                            row_data["content"],
                            row_data["created_ms"],
                        )
                    )
                for thread_id, ms in touched.items():
                    conn.execute(
                        "UPDATE lumos_threads SET updated_ms = MAX(updated_ms, ?) WHERE id = ?",
                        (ms, thread_id),
                    )
            return out

        return await self._run(go)

    async def list_messages(
        self,
        thread_id: str,
        *,
        resource_id: str | None = None,
        last: int | None = None,
        page: int = 0,
        per_page: int | Literal[False] = False,
        direction: str = "ASC",
    ) -> dict[str, Any]:
        """Messages of a thread, oldest first (the newest ``last`` when given)."""
        check_paging(page, per_page)
        way = "DESC" if direction.upper() == "DESC" else "ASC"

        def go() -> dict[str, Any]:
            with self._tx(write=False) as conn:
                row = self._thread_row(conn, thread_id)
                if row is not None:
                    check_owner(thread_id, row[1], resource_id)
                where = "WHERE thread_id = ?"
                params: list[Any] = [thread_id]
                if resource_id is not None:
                    where += " AND resource_id = ?"
                    params.append(resource_id)
                total = conn.execute(
                    f"SELECT COUNT(*) FROM lumos_messages {where}", params
                ).fetchone()[0]
                if last is not None:
                    rows = conn.execute(
                        f"SELECT {_MSG_COLS} FROM lumos_messages {where} "
                        "ORDER BY created_ms DESC, seq DESC LIMIT ?",
                        [*params, max(0, last)],
                    ).fetchall()
                    rows.reverse()
                    info = {"total": total, "page": 0, "perPage": last, "hasMore": total > last}
                else:
                    sql = (
                        f"SELECT {_MSG_COLS} FROM lumos_messages {where} "
                        f"ORDER BY created_ms {way}, seq {way}"
                    )
                    args = list(params)
                    if per_page is not False:
                        sql += " LIMIT ? OFFSET ?"
                        args += [per_page, page * per_page]
                    rows = conn.execute(sql, args).fetchall()
                    info = page_info(total, page, per_page)
            return {"messages": [message_record(*r) for r in rows], **info}

        return await self._run(go)

    async def get_messages(
        self, ids: Sequence[str], *, resource_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Messages by id, in thread order."""
        if not ids:
            return []

        def go() -> list[dict[str, Any]]:
            marks = ",".join("?" * len(ids))
            sql = f"SELECT {_MSG_COLS} FROM lumos_messages WHERE id IN ({marks})"
            params: list[Any] = list(ids)
            if resource_id is not None:
                sql += " AND resource_id = ?"
                params.append(resource_id)
            with self._tx(write=False) as conn:
                rows = conn.execute(sql + " ORDER BY created_ms, seq", params).fetchall()
            return [message_record(*r) for r in rows]

        return await self._run(go)

    async def get_message_context(
        self,
        ids: Sequence[str],
        *,
        before: int,
        after: int,
        resource_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """The messages with these ids and their neighbours, in order, without duplicates."""
        if not ids:
            return []

        def go() -> list[dict[str, Any]]:
            found: dict[int, tuple[Any, ...]] = {}
            with self._tx(write=False) as conn:
                for message_id in ids:
                    anchor = conn.execute(
                        "SELECT seq, thread_id, created_ms, resource_id FROM lumos_messages "
                        "WHERE id = ?",
                        (message_id,),
                    ).fetchone()
                    if anchor is None:
                        continue
                    seq, thread_id, created, owner = anchor
                    if resource_id is not None and owner != resource_id:
                        continue
                    rows = conn.execute(
                        f"SELECT seq, {_MSG_COLS} FROM lumos_messages WHERE thread_id = ? "
                        "AND (created_ms < ? OR (created_ms = ? AND seq < ?)) "
                        "ORDER BY created_ms DESC, seq DESC LIMIT ?",
                        (thread_id, created, created, seq, before),
                    ).fetchall()
                    rows += conn.execute(
                        f"SELECT seq, {_MSG_COLS} FROM lumos_messages WHERE thread_id = ? "
                        "AND (created_ms > ? OR (created_ms = ? AND seq >= ?)) "
                        "ORDER BY created_ms, seq LIMIT ?",
                        (thread_id, created, created, seq, after + 1),
                    ).fetchall()
                    for r in rows:
                        found[r[0]] = r
            ordered = sorted(found.values(), key=lambda r: (r[7], r[0]))
            return [message_record(*r[1:]) for r in ordered]

        return await self._run(go)

    async def delete_messages(self, ids: Sequence[str], *, resource_id: str | None = None) -> int:
        """Delete messages (and their vectors)."""
        if not ids:
            return 0

        def go() -> int:
            marks = ",".join("?" * len(ids))
            with self._tx() as conn:
                if resource_id is not None:
                    for mid, owner in conn.execute(
                        f"SELECT id, resource_id FROM lumos_messages WHERE id IN ({marks})",
                        list(ids),
                    ).fetchall():
                        check_owner(mid, owner, resource_id)
                cur = conn.execute(f"DELETE FROM lumos_messages WHERE id IN ({marks})", list(ids))
                conn.execute(f"DELETE FROM lumos_vectors WHERE message_id IN ({marks})", list(ids))
                return cur.rowcount

        return await self._run(go)

    # resources ------------------------------------------------------------------------------------
    async def get_resource(self, resource_id: str) -> dict[str, Any] | None:
        """A resource with its working memory, or None."""

        def go() -> dict[str, Any] | None:
            with self._tx(write=False) as conn:
                row = conn.execute(
                    "SELECT id, working_memory, metadata, created_ms, updated_ms "
                    "FROM lumos_resources WHERE id = ?",
                    (resource_id,),
                ).fetchone()
            if row is None:
                return None
            return {
                "id": row[0],
                "workingMemory": row[1],
                "metadata": loads(row[2]),
                "createdAt": iso_from_ms(row[3]),
                "updatedAt": iso_from_ms(row[4]),
            }

        return await self._run(go)

    async def save_resource(
        self,
        resource_id: str,
        *,
        working_memory: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create or update a resource (None leaves a field as it is)."""

        def go() -> None:
            ms = now_ms()
            with self._tx() as conn:
                conn.execute(
                    "INSERT INTO lumos_resources (id, working_memory, metadata, created_ms, "
                    "updated_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "working_memory = COALESCE(excluded.working_memory, working_memory), "
                    "metadata = COALESCE(excluded.metadata, metadata), updated_ms = excluded.updated_ms",
                    (resource_id, working_memory, dumps(metadata), ms, ms),
                )

        await self._run(go)
        resource = await self.get_resource(resource_id)
        assert resource is not None
        return resource

    # vectors --------------------------------------------------------------------------------------
    async def upsert_vectors(
        self,
        index_name: str,
        vectors: Sequence[Sequence[float]],
        metadata: Sequence[Mapping[str, Any]],
        ids: Sequence[str] | None = None,
    ) -> list[str]:
        """Store embeddings (float64 blobs) with their metadata."""
        if len(metadata) != len(vectors) or (ids is not None and len(ids) != len(vectors)):
            raise StorageError("upsert_vectors: vectors, metadata and ids must have equal lengths")
        keys = [str(i) for i in ids] if ids is not None else [str(uuid.uuid4()) for _ in vectors]
        rows = [
            (
                index_name,
                key,
                meta.get("thread_id"),
                meta.get("resource_id"),
                meta.get("message_id"),
                len(vec),
                array("d", vec).tobytes(),
                vector_norm(vec),
                dumps(dict(meta)),
            )
            for key, vec, meta in zip(keys, vectors, metadata, strict=True)
        ]

        def go() -> None:
            with self._tx() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO lumos_vectors (index_name, id, thread_id, resource_id, "
                    "message_id, dimension, embedding, norm, metadata) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )

        await self._run(go)
        return keys

    async def query_vectors(
        self,
        index_name: str,
        vector: Sequence[float],
        *,
        top_k: int = 4,
        filter: Mapping[str, Any] | None = None,
    ) -> list[VectorMatch]:
        """Exact cosine search in process, narrowed in SQL by resource/thread when filtered."""
        query = [float(v) for v in vector]
        qnorm = vector_norm(query) or 1.0
        resource, thread = scope_of(filter)
        extra = {k: v for k, v in (filter or {}).items()}

        def go() -> list[VectorMatch]:
            # score from the embeddings alone (no ids, no metadata: most rows are not hits), then
            # read ids and metadata of the best rows only
            sql = "SELECT rowid, embedding, norm FROM lumos_vectors WHERE index_name = ? AND dimension = ?"
            params: list[Any] = [index_name, len(query)]
            if resource is not None:
                sql += " AND resource_id = ?"
                params.append(resource)
            if thread is not None:
                sql += " AND thread_id = ?"
                params.append(thread)
            with self._tx(write=False) as conn:
                rows = conn.execute(sql, params).fetchall()
                scores = _cosine_scores(query, qnorm, rows)
                positions = range(len(rows))
                # both keep the scan order among equal scores
                ranked = (
                    heapq.nlargest(top_k, positions, key=scores.__getitem__)
                    if not extra
                    else sorted(positions, key=scores.__getitem__, reverse=True)
                )
                out: list[VectorMatch] = []
                step = max(top_k, 64)
                for start in range(0, len(ranked), step):
                    chunk = ranked[start : start + step]
                    rowids = [rows[i][0] for i in chunk]
                    found = dict(
                        (rowid, (key, meta))
                        for rowid, key, meta in conn.execute(
                            "SELECT rowid, id, metadata FROM lumos_vectors WHERE rowid IN "
                            f"({','.join('?' * len(rowids))})",
                            rowids,
                        )
                    )
                    for i in chunk:
                        key, meta = found[rows[i][0]]
                        data = loads(meta) or {}
                        if extra and not metadata_matches(data, extra):
                            continue
                        out.append({"id": key, "score": scores[i], "metadata": data})
                        if len(out) >= top_k:
                            return out
                return out

        return await self._run(go)

    async def delete_vectors(
        self,
        index_name: str | None = None,
        *,
        thread_id: str | None = None,
        message_ids: Sequence[str] | None = None,
    ) -> int:
        """Delete vectors by index, thread or message ids."""
        clauses: list[str] = []
        params: list[Any] = []
        if index_name is not None:
            clauses.append("index_name = ?")
            params.append(index_name)
        if thread_id is not None:
            clauses.append("thread_id = ?")
            params.append(thread_id)
        if message_ids is not None:
            clauses.append(f"message_id IN ({','.join('?' * len(message_ids))})")
            params.extend(message_ids)
        if not clauses:
            raise StorageError("delete_vectors needs an index name, a thread id or message ids")

        def go() -> int:
            with self._tx() as conn:
                return conn.execute(
                    f"DELETE FROM lumos_vectors WHERE {' AND '.join(clauses)}", params
                ).rowcount

        return await self._run(go)

    # workflow snapshots ---------------------------------------------------------------------------
    async def save_workflow_snapshot(
        self,
        workflow_id: str,
        run_id: str,
        snapshot: Mapping[str, Any],
        *,
        resource_id: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Save a snapshot with an optimistic version check; returns the new version."""
        text = dumps(dict(snapshot))

        def go() -> int:
            ms = now_ms()
            with self._tx() as conn:
                row = conn.execute(
                    "SELECT version, resource_id FROM lumos_workflow_snapshots "
                    "WHERE workflow_id = ? AND run_id = ?",
                    (workflow_id, run_id),
                ).fetchone()
                found = None if row is None else int(row[0])
                if expected_version is not None and (found or 0) != expected_version:
                    raise ConcurrentUpdateError(workflow_id, run_id, expected_version, found)
                if row is None:
                    conn.execute(
                        "INSERT INTO lumos_workflow_snapshots VALUES (?, ?, ?, ?, 1, ?, ?)",
                        (workflow_id, run_id, resource_id, text, ms, ms),
                    )
                    return 1
                conn.execute(
                    "UPDATE lumos_workflow_snapshots SET snapshot = ?, version = ?, "
                    "resource_id = COALESCE(?, resource_id), updated_ms = ? "
                    "WHERE workflow_id = ? AND run_id = ?",
                    (text, found + 1, resource_id, ms, workflow_id, run_id),  # type: ignore[operator]
                )
                return found + 1  # type: ignore[operator]

        return await self._run(go)

    async def load_workflow_snapshot(
        self, workflow_id: str, run_id: str
    ) -> tuple[dict[str, Any], int] | None:
        """``(snapshot, version)`` or None."""

        def go() -> tuple[dict[str, Any], int] | None:
            with self._tx(write=False) as conn:
                row = conn.execute(
                    "SELECT snapshot, version FROM lumos_workflow_snapshots "
                    "WHERE workflow_id = ? AND run_id = ?",
                    (workflow_id, run_id),
                ).fetchone()
            return None if row is None else (loads(row[0]), int(row[1]))

        return await self._run(go)

    async def list_workflow_runs(
        self,
        workflow_id: str | None = None,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int = 100,
    ) -> dict[str, Any]:
        """Runs, newest first."""
        check_paging(page, per_page)
        clauses: list[str] = []
        params: list[Any] = []
        if workflow_id is not None:
            clauses.append("workflow_id = ?")
            params.append(workflow_id)
        if resource_id is not None:
            clauses.append("resource_id = ?")
            params.append(resource_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""

        def go() -> dict[str, Any]:
            with self._tx(write=False) as conn:
                total = conn.execute(
                    f"SELECT COUNT(*) FROM lumos_workflow_snapshots {where}", params
                ).fetchone()[0]
                rows = conn.execute(
                    "SELECT workflow_id, run_id, resource_id, snapshot, version, created_ms, "
                    f"updated_ms FROM lumos_workflow_snapshots {where} "
                    "ORDER BY created_ms DESC, run_id LIMIT ? OFFSET ?",
                    [*params, per_page, page * per_page],
                ).fetchall()
            return {"runs": [_run_record(r) for r in rows], "total": total}

        return await self._run(go)

    async def delete_workflow_run(self, workflow_id: str, run_id: str) -> bool:
        """Delete one run's snapshot."""

        def go() -> bool:
            with self._tx() as conn:
                return (
                    conn.execute(
                        "DELETE FROM lumos_workflow_snapshots WHERE workflow_id = ? AND run_id = ?",
                        (workflow_id, run_id),
                    ).rowcount
                    > 0
                )

        return await self._run(go)


def _run_record(row: Sequence[Any]) -> dict[str, Any]:
    return {
        "workflowName": row[0],
        "runId": row[1],
        "resourceId": row[2],
        "snapshot": loads(row[3]),
        "version": int(row[4]),
        "createdAt": iso_from_ms(int(row[5])),
        "updatedAt": iso_from_ms(int(row[6])),
    }


def _cosine_scores(
    query: Sequence[float], qnorm: float, rows: Sequence[tuple[Any, bytes, float | None]]
) -> list[float]:
    """Cosine of ``query`` with each row's float64 embedding blob (``(rowid, blob, norm)``).

    NumPy scores the whole scan as one matrix product; without it, a pure-Python dot product.
    """
    if not rows:
        return []
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency; kept for trimmed installs
        return [
            sum(map(mul, query, memoryview(blob).cast("d"))) / ((norm or 1.0) * qnorm)
            for _, blob, norm in rows
        ]
    matrix = np.frombuffer(b"".join(blob for _, blob, _ in rows), dtype=np.float64)
    matrix = matrix.reshape(len(rows), len(query))
    norms = np.array([norm or 1.0 for _, _, norm in rows], dtype=np.float64)
    scores = (matrix @ np.asarray(query, dtype=np.float64)) / (norms * qnorm)
    return scores.tolist()
