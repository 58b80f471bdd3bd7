"""The store contract every memory and workflow store implements, and what the stores share.

A store keeps five kinds of records:

* **threads**: one conversation each, owned by one resource (``{id, resourceId, title, metadata,
  createdAt, updatedAt}``);
* **messages**: Mastra DB messages (format 2, ``content: {format: 2, parts: [...]}``) in a thread,
  ordered by ``createdAt`` and then by a sequence number the database assigns on insert;
* **resources**: the owner of threads, with its working memory text and metadata;
* **vectors**: embeddings with the thread, resource and message they came from, searched by cosine;
* **workflow snapshots**: one versioned JSON document per workflow run, written with an optimistic
  version check so two processes resuming the same run cannot both win.

Isolation is a security property: every call that names both a thread and a resource refuses a
thread owned by another resource (:class:`ThreadOwnershipError`), and message queries filter by
resource as well as thread.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from lumos_compat.errors import LumosError

__all__ = [
    "ConcurrentUpdateError",
    "MemoryStore",
    "StorageError",
    "ThreadNotFoundError",
    "ThreadOwnershipError",
    "VectorMatch",
]

OrderField = Literal["createdAt", "updatedAt"]
Direction = Literal["ASC", "DESC"]


class StorageError(LumosError):
    """A store could not do what was asked."""


class ConcurrentUpdateError(StorageError):
    """A workflow snapshot changed since it was read: another writer saved a newer version."""

    def __init__(self, workflow_id: str, run_id: str, expected: int | None, found: int | None):
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.expected = expected
        self.found = found
        have = "no snapshot" if found is None else f"version {found}"
        super().__init__(
            f"workflow {workflow_id!r} run {run_id!r}: expected snapshot version {expected} but "
            f"the store has {have}; another process saved this run first. Reload the snapshot "
            "with load_workflow_snapshot() and decide again."
        )


class ThreadNotFoundError(StorageError, LookupError):
    """A thread named in a call does not exist."""

    def __init__(self, thread_id: str, what: str = "") -> None:
        self.thread_id = thread_id
        hint = f" ({what})" if what else ""
        super().__init__(
            f"no thread with id {thread_id!r}{hint}; create it first with "
            "memory.create_thread(thread_id=..., resource_id=...)"
        )


class ThreadOwnershipError(StorageError, PermissionError):
    """A call named a thread that belongs to another resource; refused."""

    def __init__(self, thread_id: str, owner: str, asked: str) -> None:
        self.thread_id = thread_id
        self.owner = owner
        self.asked = asked
        super().__init__(
            f"thread {thread_id!r} belongs to resource {owner!r}, not to {asked!r}: refused. "
            "A thread is owned by one resource; use a thread id of your own for this resource."
        )


VectorMatch = dict[str, Any]
"""One vector search hit: ``{"id", "score", "metadata"}`` (metadata holds thread/resource/message)."""


# helpers shared by the stores ------------------------------------------------------------------
def now_ms() -> int:
    """Milliseconds since the epoch."""
    return int(time.time() * 1000)


def iso_from_ms(ms: int) -> str:
    """Epoch milliseconds as ``Date.toISOString()`` writes them."""
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def ms_from_value(value: Any) -> int:
    """A ``createdAt`` value (ISO string, datetime, epoch ms or seconds) as epoch milliseconds."""
    if value is None:
        return now_ms()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp() * 1000)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value if value > 10**11 else value * 1000)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise StorageError(
                f"createdAt {value!r} is not an ISO-8601 timestamp (e.g. 2025-01-31T12:00:00.000Z)"
            ) from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return round(parsed.timestamp() * 1000)
    raise StorageError(f"createdAt must be a timestamp, got {type(value).__name__}")


def dumps(value: Any) -> str | None:
    """JSON text for a column (None stays NULL)."""
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def loads(text: Any) -> Any:
    """A JSON column back as a value."""
    if text is None:
        return None
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode()
    if not isinstance(text, str):
        return text
    return json.loads(text)


def thread_record(
    id: str,
    resource_id: str,
    title: Any,
    metadata: Any,
    created_ms: int,
    updated_ms: int,
) -> dict[str, Any]:
    """A thread as Mastra returns it."""
    return {
        "id": id,
        "resourceId": resource_id,
        "title": title,
        "metadata": loads(metadata),
        "createdAt": iso_from_ms(created_ms),
        "updatedAt": iso_from_ms(updated_ms),
    }


def message_record(
    id: str,
    thread_id: str,
    resource_id: str | None,
    role: str,
    type_: str | None,
    content: Any,
    created_ms: int,
) -> dict[str, Any]:
    """A stored message in Mastra's DB message shape."""
    out: dict[str, Any] = {
        "id": id,
        "role": role,
        "createdAt": iso_from_ms(created_ms),
        "threadId": thread_id,
        "resourceId": resource_id,
        "content": loads(content),
    }
    if type_ and type_ != "v2":
        out["type"] = type_
    return out


def check_owner(thread_id: str, owner: str | None, asked: str | None) -> None:
    """Refuse a thread of another resource."""
    if asked is not None and owner is not None and owner != asked:
        raise ThreadOwnershipError(thread_id, owner, asked)


def prepare_message(message: Mapping[str, Any], thread_owner: str | None) -> dict[str, Any]:
    """Validate one message for saving and fill id, resource and createdAt."""
    thread_id = message.get("threadId") or message.get("thread_id")
    if not thread_id:
        raise StorageError(
            f"message {message.get('id')!r} has no threadId: every stored message belongs to a "
            "thread"
        )
    role = message.get("role")
    if role not in ("user", "assistant", "system", "tool"):
        raise StorageError(
            f"message {message.get('id')!r}: role must be user/assistant/system/tool"
        )
    content = message.get("content")
    if isinstance(content, str):
        content = {
            "format": 2,
            "parts": [{"type": "text", "text": content}],
            "content": content,
        }
    resource = message.get("resourceId") or message.get("resource_id") or thread_owner
    check_owner(str(thread_id), thread_owner, resource)
    return {
        "id": str(message.get("id") or uuid.uuid4()),
        "thread_id": str(thread_id),
        "resource_id": resource,
        "role": role,
        "type": message.get("type") or "v2",
        "content": dumps(content),
        "created_ms": ms_from_value(message.get("createdAt") or message.get("created_at")),
    }


def page_info(total: int, page: int, per_page: int | Literal[False]) -> dict[str, Any]:
    """Mastra's paging fields."""
    if per_page is False:
        return {"total": total, "page": 0, "perPage": False, "hasMore": False}
    return {
        "total": total,
        "page": page,
        "perPage": per_page,
        "hasMore": (page + 1) * per_page < total,
    }


def check_paging(page: int, per_page: int | Literal[False] | None) -> None:
    """Reject negative paging values with a clear message."""
    if page < 0:
        raise StorageError(f"page must be 0 or more, got {page}")
    if per_page is not None and per_page is not False and per_page < 0:
        raise StorageError(f"per_page must be 0 or more (or False for all), got {per_page}")


def order_sql(order_by: str, direction: str) -> tuple[str, str]:
    """Validated ORDER BY column and direction for threads."""
    columns = {"createdAt": "created_ms", "updatedAt": "updated_ms"}
    if order_by not in columns:
        raise StorageError(f"order_by must be 'createdAt' or 'updatedAt', got {order_by!r}")
    upper = direction.upper()
    if upper not in ("ASC", "DESC"):
        raise StorageError(f"direction must be 'ASC' or 'DESC', got {direction!r}")
    return columns[order_by], upper


def vector_norm(vector: Sequence[float]) -> float:
    """Euclidean length."""
    return math.sqrt(math.fsum(v * v for v in vector))


def metadata_matches(metadata: Mapping[str, Any], flt: Mapping[str, Any] | None) -> bool:
    """Mastra's vector filter: equality per key, ``$and``/``$or``, and ``$eq/$ne/$in/$nin``."""
    if not flt:
        return True
    for key, cond in flt.items():
        if key == "$and":
            if not all(metadata_matches(metadata, c) for c in cond):
                return False
            continue
        if key == "$or":
            if not any(metadata_matches(metadata, c) for c in cond):
                return False
            continue
        value = metadata.get(key)
        if isinstance(cond, Mapping):
            for op, arg in cond.items():
                if op == "$eq" and value != arg:
                    return False
                if op == "$ne" and value == arg:
                    return False
                if op == "$in" and value not in arg:
                    return False
                if op == "$nin" and value in arg:
                    return False
                if op not in ("$eq", "$ne", "$in", "$nin"):
                    raise StorageError(f"vector filter operator {op!r} is not supported")
        elif value != cond:
            return False
    return True


def scope_of(flt: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """The plain ``resource_id``/``thread_id`` equalities of a filter (used to narrow in SQL)."""
    resource = thread = None
    if not flt:
        return None, None
    parts: list[Mapping[str, Any]] = [
        flt,
        *[c for c in flt.get("$and", []) if isinstance(c, Mapping)],
    ]
    for part in parts:
        r = part.get("resource_id")
        t = part.get("thread_id")
        if isinstance(r, str):
            resource = r
        if isinstance(t, str):
            thread = t
    return resource, thread


class MemoryStore(ABC):
    """The async contract of a store (SQLite, PostgreSQL). All methods are coroutines."""

    # lifecycle ------------------------------------------------------------------------------
    @abstractmethod
    async def init(self) -> None:
        """Create or migrate the schema (idempotent; called on first use)."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""

    async def __aenter__(self) -> MemoryStore:
        await self.init()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abstractmethod
    async def schema_version(self) -> int:
        """The highest migration applied to the database."""

    # threads -------------------------------------------------------------------------------
    @abstractmethod
    async def save_thread(self, thread: Mapping[str, Any]) -> dict[str, Any]:
        """Insert or update a thread (``id``, ``resourceId``, ``title``, ``metadata``)."""

    @abstractmethod
    async def get_thread(
        self, thread_id: str, *, resource_id: str | None = None
    ) -> dict[str, Any] | None:
        """A thread, or None; refuses a thread of another resource when ``resource_id`` is given."""

    @abstractmethod
    async def list_threads(
        self,
        *,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int | Literal[False] = 100,
        order_by: str = "createdAt",
        direction: str = "DESC",
    ) -> dict[str, Any]:
        """``{threads, total, page, perPage, hasMore}``."""

    @abstractmethod
    async def update_thread(
        self,
        thread_id: str,
        *,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        resource_id: str | None = None,
    ) -> dict[str, Any]:
        """Change the title and merge metadata; returns the updated thread."""

    @abstractmethod
    async def delete_thread(self, thread_id: str, *, resource_id: str | None = None) -> None:
        """Delete a thread with its messages and vectors."""

    # messages ------------------------------------------------------------------------------
    @abstractmethod
    async def save_messages(self, messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Insert or update messages (by id); each message's thread must exist and match."""

    @abstractmethod
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
        """Messages of a thread, oldest first: the newest ``last``, or a page.

        Returns ``{messages, total, page, perPage, hasMore}``.
        """

    @abstractmethod
    async def get_messages(
        self, ids: Sequence[str], *, resource_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Messages by id (only the resource's when ``resource_id`` is given)."""

    @abstractmethod
    async def get_message_context(
        self,
        ids: Sequence[str],
        *,
        before: int,
        after: int,
        resource_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """The messages with these ids and ``before``/``after`` neighbours in their threads."""

    @abstractmethod
    async def delete_messages(self, ids: Sequence[str], *, resource_id: str | None = None) -> int:
        """Delete messages by id (and their vectors); returns how many were deleted."""

    # resources -----------------------------------------------------------------------------
    @abstractmethod
    async def get_resource(self, resource_id: str) -> dict[str, Any] | None:
        """``{id, workingMemory, metadata, createdAt, updatedAt}`` or None."""

    @abstractmethod
    async def save_resource(
        self,
        resource_id: str,
        *,
        working_memory: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create or update a resource; None leaves a field unchanged."""

    # vectors -------------------------------------------------------------------------------
    @abstractmethod
    async def upsert_vectors(
        self,
        index_name: str,
        vectors: Sequence[Sequence[float]],
        metadata: Sequence[Mapping[str, Any]],
        ids: Sequence[str] | None = None,
    ) -> list[str]:
        """Store embeddings with their metadata (``thread_id``, ``resource_id``, ``message_id``...)."""

    @abstractmethod
    async def query_vectors(
        self,
        index_name: str,
        vector: Sequence[float],
        *,
        top_k: int = 4,
        filter: Mapping[str, Any] | None = None,
    ) -> list[VectorMatch]:
        """The ``top_k`` most similar entries by cosine similarity, best first."""

    @abstractmethod
    async def delete_vectors(
        self,
        index_name: str | None = None,
        *,
        thread_id: str | None = None,
        message_ids: Sequence[str] | None = None,
    ) -> int:
        """Delete vectors of an index, a thread, or messages."""

    # workflow snapshots --------------------------------------------------------------------
    @abstractmethod
    async def save_workflow_snapshot(
        self,
        workflow_id: str,
        run_id: str,
        snapshot: Mapping[str, Any],
        *,
        resource_id: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Save a run's snapshot and return its new version.

        ``expected_version=None`` writes unconditionally; ``0`` requires that no snapshot exists
        yet; ``n`` requires the stored version to be ``n``. A mismatch raises
        :class:`ConcurrentUpdateError` and writes nothing.
        """

    @abstractmethod
    async def load_workflow_snapshot(
        self, workflow_id: str, run_id: str
    ) -> tuple[dict[str, Any], int] | None:
        """``(snapshot, version)`` or None."""

    @abstractmethod
    async def list_workflow_runs(
        self,
        workflow_id: str | None = None,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int = 100,
    ) -> dict[str, Any]:
        """``{runs: [{workflowName, runId, resourceId, snapshot, version, createdAt, updatedAt}],
        total}``, newest first."""

    @abstractmethod
    async def delete_workflow_run(self, workflow_id: str, run_id: str) -> bool:
        """Delete a run's snapshot; True when one existed."""
