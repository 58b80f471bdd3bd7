"""``PostgresStore``: the store for several processes or machines, on psycopg 3 with a pool.

The pool (``psycopg_pool.AsyncConnectionPool``) is opened lazily on first use, in the running event
loop. Message order is a database-assigned identity column, so concurrent writers to one thread lose
no message and keep each writer's order. Schema migrations run under an advisory lock, so several
processes starting at once apply each migration exactly once. Vector search uses pgvector when the
``vector`` extension exists (or can be created), and an exact in-database cosine over
``double precision[]`` columns when it does not.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from lumos_compat.storage import migrations
from lumos_compat.storage.base import (
    ConcurrentUpdateError,
    MemoryStore,
    StorageError,
    ThreadNotFoundError,
    VectorMatch,
    check_owner,
    check_paging,
    iso_from_ms,
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

__all__ = ["PostgresStore"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_MSG_COLS = "id, thread_id, resource_id, role, type, content, created_ms"
_THREAD_COLS = "id, resource_id, title, metadata, created_ms, updated_ms"
_LOCK_KEY = 0x6C756D6F  # "lumo": the advisory lock taken while migrating


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise StorageError(
            "PostgresStore needs psycopg 3 and psycopg_pool: pip install 'psycopg[binary,pool]'"
        ) from exc
    return psycopg, psycopg_pool


def _json(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return None if value is None else Jsonb(value)


class PostgresStore(MemoryStore):
    """A PostgreSQL database holding threads, messages, vectors and workflow runs."""

    def __init__(
        self,
        connection_string: str | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        database: str | None = None,
        user: str | None = None,
        password: str | None = None,
        schema_name: str | None = None,
        min_size: int = 1,
        max_size: int = 10,
        use_pgvector: bool | None = None,
        id: str | None = None,
    ) -> None:
        if schema_name is not None and not _IDENT.match(schema_name):
            raise StorageError(
                f"schema_name {schema_name!r} is not a plain SQL identifier (letters, digits, _)"
            )
        self.connection_string = connection_string
        self._params = {
            k: v
            for k, v in {
                "host": host,
                "port": port,
                "dbname": database,
                "user": user,
                "password": password,
            }.items()
            if v is not None
        }
        self.schema_name = schema_name
        self.min_size = min_size
        self.max_size = max_size
        self.use_pgvector = use_pgvector
        self.id = id
        self.pgvector = False
        self._pool: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._init_lock: asyncio.Lock | None = None

    def __repr__(self) -> str:
        where = self.connection_string or self._params.get("host")
        return f"PostgresStore({where!r}, schema_name={self.schema_name!r})"

    # plumbing ---------------------------------------------------------------------------------
    def _conninfo(self) -> str:
        if (
            not self.connection_string
            and not self._params.get("host")
            and not self._params.get("dbname")
        ):
            raise StorageError(
                "PostgresStore needs connection_string='postgresql://user:pass@host:5432/db' or "
                "host=, port=, database=, user=, password= (got none: is the environment "
                "variable that should hold the connection string set?)"
            )
        psycopg, _ = _psycopg()
        return psycopg.conninfo.make_conninfo(self.connection_string or "", **self._params)

    async def _configure(self, conn: Any) -> None:
        if self.schema_name:
            await conn.execute(f'SET search_path TO "{self.schema_name}", public')
            await conn.commit()

    async def _ensure(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._pool is not None and self._loop is loop:
            return self._pool
        if self._init_lock is None or self._loop is not loop:
            self._init_lock = asyncio.Lock()
            self._pool = None
            self._loop = loop
        async with self._init_lock:
            if self._pool is not None:
                return self._pool
            psycopg, psycopg_pool = _psycopg()
            conninfo = self._conninfo()
            async with await psycopg.AsyncConnection.connect(conninfo) as conn:
                await self._migrate(conn)
            pool = psycopg_pool.AsyncConnectionPool(
                conninfo,
                min_size=self.min_size,
                max_size=self.max_size,
                configure=self._configure,
                open=False,
            )
            await pool.open(wait=True)
            self._pool = pool
            return pool

    async def _migrate(self, conn: Any) -> None:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            if self.schema_name:
                await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema_name}"')
                await conn.execute(f'SET LOCAL search_path TO "{self.schema_name}", public')
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {migrations.VERSION_TABLE} (version INTEGER PRIMARY "
                "KEY, description TEXT NOT NULL, applied_ms BIGINT NOT NULL)"
            )
            cur = await conn.execute(
                f"SELECT COALESCE(MAX(version), 0) FROM {migrations.VERSION_TABLE}"
            )
            current = (await cur.fetchone())[0]
            for step in migrations.pending(current):
                for statement in step.statements("postgres"):
                    await conn.execute(statement)
                await conn.execute(
                    f"INSERT INTO {migrations.VERSION_TABLE} VALUES (%s, %s, %s)",
                    (step.version, step.description, now_ms()),
                )
        self.pgvector = (
            await self._setup_pgvector(conn) if self.use_pgvector is not False else False
        )
        if self.use_pgvector and not self.pgvector:
            raise StorageError(
                "use_pgvector=True but the PostgreSQL server has no usable 'vector' extension; "
                "install pgvector (e.g. apt-get install postgresql-15-pgvector) or pass "
                "use_pgvector=None to fall back to exact search in SQL"
            )

    async def _setup_pgvector(self, conn: Any) -> bool:
        cur = await conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if await cur.fetchone() is None:
            return False
        try:
            async with conn.transaction():
                await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                if self.schema_name:
                    await conn.execute(f'SET LOCAL search_path TO "{self.schema_name}", public')
                await conn.execute(
                    "ALTER TABLE lumos_vectors ADD COLUMN IF NOT EXISTS embedding_v vector"
                )
        except Exception:  # no permission to create the extension: exact fallback
            return False
        return True

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[Any]:
        pool = await self._ensure()
        async with pool.connection() as conn, conn.transaction():
            yield conn

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        async with self._tx() as conn:
            cur = await conn.execute(sql, params)
            return await cur.fetchall()

    # lifecycle ----------------------------------------------------------------------------------
    async def init(self) -> None:
        """Connect, apply pending migrations and open the pool."""
        await self._ensure()

    async def close(self) -> None:
        """Close the pool."""
        if self._pool is not None and self._loop is asyncio.get_running_loop():
            await self._pool.close()
        self._pool = None

    async def schema_version(self) -> int:
        """The highest migration applied."""
        rows = await self._fetchall(
            f"SELECT COALESCE(MAX(version), 0) FROM {migrations.VERSION_TABLE}"
        )
        return int(rows[0][0])

    # threads --------------------------------------------------------------------------------------
    @staticmethod
    async def _thread_row(conn: Any, thread_id: str, lock: bool = False) -> Any:
        cur = await conn.execute(
            f"SELECT {_THREAD_COLS} FROM lumos_threads WHERE id = %s"
            + (" FOR UPDATE" if lock else ""),
            (thread_id,),
        )
        return await cur.fetchone()

    async def save_thread(self, thread: Mapping[str, Any]) -> dict[str, Any]:
        """Insert or update a thread."""
        thread_id = str(thread.get("id") or uuid.uuid4())
        resource = thread.get("resourceId") or thread.get("resource_id")
        if not resource:
            raise StorageError(f"thread {thread_id!r} needs a resourceId (the owner)")
        created = ms_from_value(thread.get("createdAt"))
        updated = ms_from_value(thread.get("updatedAt")) if thread.get("updatedAt") else created
        async with self._tx() as conn:
            cur = await conn.execute(
                f"INSERT INTO lumos_threads ({_THREAD_COLS}) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                (
                    thread_id,
                    resource,
                    thread.get("title"),
                    _json(thread.get("metadata")),
                    created,
                    updated,
                ),
            )
            if await cur.fetchone() is None:
                row = await self._thread_row(conn, thread_id, lock=True)
                check_owner(thread_id, row[1], resource)
                await conn.execute(
                    "UPDATE lumos_threads SET title = %s, metadata = %s, updated_ms = %s "
                    "WHERE id = %s",
                    (
                        thread.get("title"),
                        _json(thread.get("metadata")),
                        max(updated, now_ms(), row[5]),
                        thread_id,
                    ),
                )
            row = await self._thread_row(conn, thread_id)
            return thread_record(*row)

    async def get_thread(
        self, thread_id: str, *, resource_id: str | None = None
    ) -> dict[str, Any] | None:
        """A thread or None; another resource's thread is refused."""
        async with self._tx() as conn:
            row = await self._thread_row(conn, thread_id)
        if row is None:
            return None
        check_owner(thread_id, row[1], resource_id)
        return thread_record(*row)

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
        where, params = ("WHERE resource_id = %s", [resource_id]) if resource_id else ("", [])
        async with self._tx() as conn:
            cur = await conn.execute(f"SELECT COUNT(*) FROM lumos_threads {where}", params)
            total = (await cur.fetchone())[0]
            sql = f"SELECT {_THREAD_COLS} FROM lumos_threads {where} ORDER BY {column} {way}, id"
            args = list(params)
            if per_page is not False:
                sql += " LIMIT %s OFFSET %s"
                args += [per_page, page * per_page]
            cur = await conn.execute(sql, args)
            rows = await cur.fetchall()
        return {"threads": [thread_record(*r) for r in rows], **page_info(total, page, per_page)}

    async def update_thread(
        self,
        thread_id: str,
        *,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        resource_id: str | None = None,
    ) -> dict[str, Any]:
        """Change the title and merge metadata."""
        async with self._tx() as conn:
            row = await self._thread_row(conn, thread_id, lock=True)
            if row is None:
                raise ThreadNotFoundError(thread_id, "update_thread")
            check_owner(thread_id, row[1], resource_id)
            merged = {**(row[3] or {}), **(metadata or {})}
            await conn.execute(
                "UPDATE lumos_threads SET title = %s, metadata = %s, updated_ms = %s WHERE id = %s",
                (
                    row[2] if title is None else title,
                    _json(merged) if (metadata is not None or row[3] is not None) else None,
                    max(now_ms(), row[5]),
                    thread_id,
                ),
            )
            return thread_record(*(await self._thread_row(conn, thread_id)))

    async def delete_thread(self, thread_id: str, *, resource_id: str | None = None) -> None:
        """Delete a thread, its messages and its vectors."""
        async with self._tx() as conn:
            row = await self._thread_row(conn, thread_id, lock=True)
            if row is None:
                return
            check_owner(thread_id, row[1], resource_id)
            await conn.execute("DELETE FROM lumos_messages WHERE thread_id = %s", (thread_id,))
            await conn.execute("DELETE FROM lumos_vectors WHERE thread_id = %s", (thread_id,))
            await conn.execute("DELETE FROM lumos_threads WHERE id = %s", (thread_id,))

    # messages -------------------------------------------------------------------------------------
    async def save_messages(self, messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Insert or update messages; the thread must exist and belong to the same resource.

        One statement does the work (ownership enforced by a join and a conflict condition,
        sequence numbers assigned in input order); when it stores fewer rows than given, the
        transaction is rolled back and the reason is looked up for the error message.
        """
        incoming = list(messages)
        if not incoming:
            return []
        rows = [prepare_message(m, None) for m in incoming]
        columns = ("id", "thread_id", "resource_id", "role", "type", "content", "created_ms")
        arrays = [[r[c] for r in rows] for c in columns]
        async with self._tx() as conn:
            cur = await conn.execute(
                "WITH v AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
                "%s::text[], %s::text[], %s::bigint[]) WITH ORDINALITY AS v(id, thread_id, "
                "resource_id, role, type, content, created_ms, ord)), "
                "ins AS (INSERT INTO lumos_messages (id, thread_id, resource_id, role, type, "
                "content, created_ms) SELECT v.id, v.thread_id, COALESCE(v.resource_id, "
                "t.resource_id), v.role, v.type, v.content::jsonb, v.created_ms FROM v "
                "JOIN lumos_threads t ON t.id = v.thread_id AND (v.resource_id IS NULL OR "
                "t.resource_id = v.resource_id) ORDER BY v.ord "
                "ON CONFLICT (id) DO UPDATE SET thread_id = excluded.thread_id, "
                "role = excluded.role, type = excluded.type, content = excluded.content, "
                "created_ms = excluded.created_ms "
                "WHERE lumos_messages.resource_id IS NOT DISTINCT FROM excluded.resource_id "
                "RETURNING id, resource_id), "
                "touch AS (UPDATE lumos_threads SET updated_ms = GREATEST(updated_ms, %s) "
                "WHERE id IN (SELECT thread_id FROM v)) "
                "SELECT id, resource_id FROM ins",
                (*arrays, now_ms()),
            )
            stored = dict(await cur.fetchall())
            if len(stored) != len(rows):
                await self._explain_refusal(conn, rows)
                raise StorageError(
                    f"save_messages stored {len(stored)} of {len(rows)} messages; nothing was saved"
                )
        return [
            message_record(
                r["id"],
                r["thread_id"],
                stored.get(r["id"], r["resource_id"]),
                r["role"],
                r["type"],
                r["content"],
                r["created_ms"],
            )
            for r in rows
        ]

    @staticmethod
    async def _explain_refusal(conn: Any, rows: list[dict[str, Any]]) -> None:
        """Raise the error that explains why a message was not stored."""
        cur = await conn.execute(
            "SELECT id, resource_id FROM lumos_threads WHERE id = ANY(%s)",
            (sorted({r["thread_id"] for r in rows}),),
        )
        owners = dict(await cur.fetchall())
        for r in rows:
            if r["thread_id"] not in owners:
                raise ThreadNotFoundError(r["thread_id"], f"message {r['id']!r}")
            check_owner(r["thread_id"], owners[r["thread_id"]], r["resource_id"])
        cur = await conn.execute(
            "SELECT id, resource_id FROM lumos_messages WHERE id = ANY(%s)",
            ([r["id"] for r in rows],),
        )
        existing = dict(await cur.fetchall())
        for r in rows:
            if r["id"] in existing:
                check_owner(r["id"], existing[r["id"]], r["resource_id"] or owners[r["thread_id"]])

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
        where = "WHERE thread_id = %s"
        params: list[Any] = [thread_id]
        if resource_id is not None:
            where += " AND resource_id = %s"
            params.append(resource_id)
        async with self._tx() as conn:
            row = await self._thread_row(conn, thread_id)
            if row is not None:
                check_owner(thread_id, row[1], resource_id)
            cur = await conn.execute(f"SELECT COUNT(*) FROM lumos_messages {where}", params)
            total = (await cur.fetchone())[0]
            if last is not None:
                cur = await conn.execute(
                    f"SELECT {_MSG_COLS} FROM lumos_messages {where} "
                    "ORDER BY created_ms DESC, seq DESC LIMIT %s",
                    [*params, max(0, last)],
                )
                rows = list(reversed(await cur.fetchall()))
                info = {"total": total, "page": 0, "perPage": last, "hasMore": total > last}
            else:
                sql = (
                    f"SELECT {_MSG_COLS} FROM lumos_messages {where} "
                    f"ORDER BY created_ms {way}, seq {way}"
                )
                args = list(params)
                if per_page is not False:
                    sql += " LIMIT %s OFFSET %s"
                    args += [per_page, page * per_page]
                cur = await conn.execute(sql, args)
                rows = await cur.fetchall()
                info = page_info(total, page, per_page)
        return {"messages": [message_record(*r) for r in rows], **info}

    async def get_messages(
        self, ids: Sequence[str], *, resource_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Messages by id, in thread order."""
        if not ids:
            return []
        sql = f"SELECT {_MSG_COLS} FROM lumos_messages WHERE id = ANY(%s)"
        params: list[Any] = [list(ids)]
        if resource_id is not None:
            sql += " AND resource_id = %s"
            params.append(resource_id)
        rows = await self._fetchall(sql + " ORDER BY created_ms, seq", params)
        return [message_record(*r) for r in rows]

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
        found: dict[int, tuple[Any, ...]] = {}
        async with self._tx() as conn:
            for message_id in ids:
                cur = await conn.execute(
                    "SELECT seq, thread_id, created_ms, resource_id FROM lumos_messages "
                    "WHERE id = %s",
                    (message_id,),
                )
                anchor = await cur.fetchone()
                if anchor is None:
                    continue
                seq, thread_id, created, owner = anchor
                if resource_id is not None and owner != resource_id:
                    continue
                cur = await conn.execute(
                    f"SELECT seq, {_MSG_COLS} FROM lumos_messages WHERE thread_id = %s "
                    "AND (created_ms < %s OR (created_ms = %s AND seq < %s)) "
                    "ORDER BY created_ms DESC, seq DESC LIMIT %s",
                    (thread_id, created, created, seq, before),
                )
                rows = list(await cur.fetchall())
                cur = await conn.execute(
                    f"SELECT seq, {_MSG_COLS} FROM lumos_messages WHERE thread_id = %s "
                    "AND (created_ms > %s OR (created_ms = %s AND seq >= %s)) "
                    "ORDER BY created_ms, seq LIMIT %s",
                    (thread_id, created, created, seq, after + 1),
                )
                rows += await cur.fetchall()
                for r in rows:
                    found[r[0]] = r
        ordered = sorted(found.values(), key=lambda r: (r[7], r[0]))
        return [message_record(*r[1:]) for r in ordered]

    async def delete_messages(self, ids: Sequence[str], *, resource_id: str | None = None) -> int:
        """Delete messages (and their vectors)."""
        if not ids:
            return 0
        async with self._tx() as conn:
            if resource_id is not None:
                cur = await conn.execute(
                    "SELECT id, resource_id FROM lumos_messages WHERE id = ANY(%s)", (list(ids),)
                )
                for mid, owner in await cur.fetchall():
                    check_owner(mid, owner, resource_id)
            cur = await conn.execute("DELETE FROM lumos_messages WHERE id = ANY(%s)", (list(ids),))
            deleted = cur.rowcount
            await conn.execute("DELETE FROM lumos_vectors WHERE message_id = ANY(%s)", (list(ids),))
            return deleted

    # resources ------------------------------------------------------------------------------------
    async def get_resource(self, resource_id: str) -> dict[str, Any] | None:
        """A resource with its working memory, or None."""
        rows = await self._fetchall(
            "SELECT id, working_memory, metadata, created_ms, updated_ms FROM lumos_resources "
            "WHERE id = %s",
            (resource_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return {
            "id": row[0],
            "workingMemory": row[1],
            "metadata": row[2],
            "createdAt": iso_from_ms(row[3]),
            "updatedAt": iso_from_ms(row[4]),
        }

    async def save_resource(
        self,
        resource_id: str,
        *,
        working_memory: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create or update a resource (None leaves a field as it is)."""
        ms = now_ms()
        async with self._tx() as conn:
            await conn.execute(
                "INSERT INTO lumos_resources (id, working_memory, metadata, created_ms, updated_ms) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                "working_memory = COALESCE(excluded.working_memory, lumos_resources.working_memory), "
                "metadata = COALESCE(excluded.metadata, lumos_resources.metadata), "
                "updated_ms = excluded.updated_ms",
                (resource_id, working_memory, _json(metadata), ms, ms),
            )
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
        """Store embeddings with their metadata."""
        if len(metadata) != len(vectors) or (ids is not None and len(ids) != len(vectors)):
            raise StorageError("upsert_vectors: vectors, metadata and ids must have equal lengths")
        await self._ensure()
        keys = [str(i) for i in ids] if ids is not None else [str(uuid.uuid4()) for _ in vectors]
        vcol = ", embedding_v" if self.pgvector else ""
        vval = ", %s::vector" if self.pgvector else ""
        rows = []
        for key, vec, meta in zip(keys, vectors, metadata, strict=True):
            values = [float(v) for v in vec]
            row: list[Any] = [
                index_name,
                key,
                meta.get("thread_id"),
                meta.get("resource_id"),
                meta.get("message_id"),
                len(values),
                values,
                vector_norm(values),
                _json(dict(meta)),
            ]
            if self.pgvector:
                row.append("[" + ",".join(repr(v) for v in values) + "]")
            rows.append(row)
        async with self._tx() as conn, conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO lumos_vectors (index_name, id, thread_id, resource_id, message_id, "
                f"dimension, embedding, norm, metadata{vcol}) VALUES "
                f"(%s, %s, %s, %s, %s, %s, %s, %s, %s{vval}) ON CONFLICT (index_name, id) DO UPDATE SET "
                "thread_id = excluded.thread_id, resource_id = excluded.resource_id, "
                "message_id = excluded.message_id, dimension = excluded.dimension, "
                "embedding = excluded.embedding, norm = excluded.norm, metadata = excluded.metadata"
                + (", embedding_v = excluded.embedding_v" if self.pgvector else ""),
                rows,
            )
        return keys

    async def query_vectors(
        self,
        index_name: str,
        vector: Sequence[float],
        *,
        top_k: int = 4,
        filter: Mapping[str, Any] | None = None,
    ) -> list[VectorMatch]:
        """Cosine search in the database (pgvector, or an exact SQL fallback)."""
        await self._ensure()
        query = [float(v) for v in vector]
        qnorm = vector_norm(query) or 1.0
        resource, thread = scope_of(filter)
        plain = set((filter or {}).keys()) <= {"resource_id", "thread_id"} and all(
            isinstance(v, str) for v in (filter or {}).values()
        )
        where = "index_name = %s AND dimension = %s"
        params: list[Any] = [index_name, len(query)]
        if resource is not None:
            where += " AND resource_id = %s"
            params.append(resource)
        if thread is not None:
            where += " AND thread_id = %s"
            params.append(thread)
        limit = " LIMIT %s" if plain else ""
        if self.pgvector:
            literal = "[" + ",".join(repr(v) for v in query) + "]"
            sql = (
                "SELECT id, 1 - (embedding_v <=> %s::vector) AS score, metadata FROM lumos_vectors "
                f"WHERE {where} ORDER BY embedding_v <=> %s::vector{limit}"
            )
            args: list[Any] = [literal, *params, literal]
        else:
            sql = (
                "SELECT id, (SELECT SUM(a * b) FROM unnest(embedding, %s::float8[]) AS t(a, b)) "
                "/ (CASE WHEN norm = 0 THEN 1 ELSE norm END * %s) AS score, metadata "
                f"FROM lumos_vectors WHERE {where} ORDER BY score DESC, id{limit}"
            )
            args = [query, qnorm, *params]
        if plain:
            args.append(top_k)
        rows = await self._fetchall(sql, args)
        out: list[VectorMatch] = []
        for key, score, meta in rows:
            data = meta or {}
            if not plain and not metadata_matches(data, filter):
                continue
            out.append({"id": key, "score": float(score), "metadata": data})
            if len(out) >= top_k:
                break
        return out

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
            clauses.append("index_name = %s")
            params.append(index_name)
        if thread_id is not None:
            clauses.append("thread_id = %s")
            params.append(thread_id)
        if message_ids is not None:
            clauses.append("message_id = ANY(%s)")
            params.append(list(message_ids))
        if not clauses:
            raise StorageError("delete_vectors needs an index name, a thread id or message ids")
        async with self._tx() as conn:
            cur = await conn.execute(
                f"DELETE FROM lumos_vectors WHERE {' AND '.join(clauses)}", params
            )
            return cur.rowcount

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
        ms = now_ms()
        data = _json(dict(snapshot))
        async with self._tx() as conn:
            if expected_version in (None, 0):
                cur = await conn.execute(
                    "INSERT INTO lumos_workflow_snapshots VALUES (%s, %s, %s, %s, 1, %s, %s) "
                    "ON CONFLICT (workflow_id, run_id) DO NOTHING RETURNING version",
                    (workflow_id, run_id, resource_id, data, ms, ms),
                )
                if await cur.fetchone() is not None:
                    return 1
                if expected_version == 0:
                    found = await self._snapshot_version(conn, workflow_id, run_id)
                    raise ConcurrentUpdateError(workflow_id, run_id, 0, found)
                cur = await conn.execute(
                    "UPDATE lumos_workflow_snapshots SET snapshot = %s, version = version + 1, "
                    "resource_id = COALESCE(%s, resource_id), updated_ms = %s "
                    "WHERE workflow_id = %s AND run_id = %s RETURNING version",
                    (data, resource_id, ms, workflow_id, run_id),
                )
                return int((await cur.fetchone())[0])
            cur = await conn.execute(
                "UPDATE lumos_workflow_snapshots SET snapshot = %s, version = version + 1, "
                "resource_id = COALESCE(%s, resource_id), updated_ms = %s "
                "WHERE workflow_id = %s AND run_id = %s AND version = %s RETURNING version",
                (data, resource_id, ms, workflow_id, run_id, expected_version),
            )
            row = await cur.fetchone()
            if row is None:
                found = await self._snapshot_version(conn, workflow_id, run_id)
                raise ConcurrentUpdateError(workflow_id, run_id, expected_version, found)
            return int(row[0])

    @staticmethod
    async def _snapshot_version(conn: Any, workflow_id: str, run_id: str) -> int | None:
        cur = await conn.execute(
            "SELECT version FROM lumos_workflow_snapshots WHERE workflow_id = %s AND run_id = %s",
            (workflow_id, run_id),
        )
        row = await cur.fetchone()
        return None if row is None else int(row[0])

    async def load_workflow_snapshot(
        self, workflow_id: str, run_id: str
    ) -> tuple[dict[str, Any], int] | None:
        """``(snapshot, version)`` or None."""
        rows = await self._fetchall(
            "SELECT snapshot, version FROM lumos_workflow_snapshots "
            "WHERE workflow_id = %s AND run_id = %s",
            (workflow_id, run_id),
        )
        return None if not rows else (rows[0][0], int(rows[0][1]))

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
            clauses.append("workflow_id = %s")
            params.append(workflow_id)
        if resource_id is not None:
            clauses.append("resource_id = %s")
            params.append(resource_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        async with self._tx() as conn:
            cur = await conn.execute(
                f"SELECT COUNT(*) FROM lumos_workflow_snapshots {where}", params
            )
            total = (await cur.fetchone())[0]
            cur = await conn.execute(
                "SELECT workflow_id, run_id, resource_id, snapshot, version, created_ms, updated_ms "
                f"FROM lumos_workflow_snapshots {where} ORDER BY created_ms DESC, run_id "
                "LIMIT %s OFFSET %s",
                [*params, per_page, page * per_page],
            )
            rows = await cur.fetchall()
        return {
            "runs": [
                {
                    "workflowName": r[0],
                    "runId": r[1],
                    "resourceId": r[2],
                    "snapshot": r[3],
                    "version": int(r[4]),
                    "createdAt": iso_from_ms(int(r[5])),
                    "updatedAt": iso_from_ms(int(r[6])),
                }
                for r in rows
            ],
            "total": total,
        }

    async def delete_workflow_run(self, workflow_id: str, run_id: str) -> bool:
        """Delete one run's snapshot."""
        async with self._tx() as conn:
            cur = await conn.execute(
                "DELETE FROM lumos_workflow_snapshots WHERE workflow_id = %s AND run_id = %s",
                (workflow_id, run_id),
            )
            return cur.rowcount > 0
