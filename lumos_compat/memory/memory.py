"""``Memory``: Mastra 1.x's conversation memory over a store.

Threads (one conversation each) belong to resources (their owner). For an agent call with
``memory={"thread": ..., "resource": ...}`` memory loads, in Mastra's order, the working-memory
system message, messages recalled from other threads (semantic recall, resource scope), and the
thread's last messages (plus same-thread recall hits); after the call it saves the new messages.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from lumos_compat.errors import AgentConfigError
from lumos_compat.memory import working_memory as wm
from lumos_compat.memory.config import MemoryConfig, parse_config
from lumos_compat.memory.semantic import (
    Embedder,
    EmbeddingCache,
    format_cross_thread,
    message_text,
    resolve_embedder,
)
from lumos_compat.memory.title import DynamicCall, TitleConfig, request_title, resolve_dynamic
from lumos_compat.messages import iso_timestamp
from lumos_compat.storage.base import MemoryStore, ThreadNotFoundError, ThreadOwnershipError
from lumos_compat.tools import Tool

__all__ = ["Memory", "MemoryTurn"]

_CHARS_PER_CHUNK = 4096 * 4
_log = logging.getLogger("lumos_compat.memory")


def _pick(kwargs: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if name in kwargs and kwargs[name] is not None:
            return kwargs[name]
    return default


def chunk_text(text: str, size: int = _CHARS_PER_CHUNK) -> list[str]:
    """Split text on whitespace into chunks of at most ``size`` characters (as Mastra does)."""
    chunks: list[str] = []
    current = ""
    for word in text.split():
        if len(word) > size:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(word[i : i + size] for i in range(0, len(word), size))
            continue
        joined = f" {word}" if current else word
        if len(current) + len(joined) > size:
            if current:
                chunks.append(current)
            current = word
        else:
            current += joined
    if current:
        chunks.append(current)
    return chunks


def _hide_working_memory(message: dict[str, Any]) -> dict[str, Any] | None:
    """Drop ``updateWorkingMemory`` tool calls from a message before it is stored."""
    content = message.get("content")
    if not isinstance(content, Mapping):
        return message
    out = dict(content)
    if isinstance(out.get("parts"), list):
        out["parts"] = [
            p
            for p in out["parts"]
            if not (
                p.get("type") == "tool-invocation"
                and p.get("toolInvocation", {}).get("toolName") == wm.TOOL_NAME
            )
        ]
    if isinstance(out.get("toolInvocations"), list):
        kept = [i for i in out["toolInvocations"] if i.get("toolName") != wm.TOOL_NAME]
        if kept:
            out["toolInvocations"] = kept
        else:
            out.pop("toolInvocations")
    if not out.get("parts") and not out.get("content"):
        return None
    return {**message, "content": out}


@dataclass(slots=True)
class MemoryTurn:
    """What memory adds to one agent call, and what it needs to save afterwards."""

    thread_id: str
    resource_id: str | None
    config: MemoryConfig
    system: list[dict[str, Any]] = field(default_factory=list)
    remembered: list[dict[str, Any]] = field(default_factory=list)
    tools: dict[str, Tool] = field(default_factory=dict)


class Memory:
    """Conversation memory: threads, history, working memory and semantic recall over a store."""

    def __init__(
        self,
        *,
        storage: MemoryStore | None = None,
        vector: MemoryStore | Literal[False] | None = None,
        embedder: Any = None,
        options: Mapping[str, Any] | MemoryConfig | None = None,
        embedder_options: Mapping[str, Any] | None = None,
        id: str | None = None,
        processors: Any = None,
    ) -> None:
        if processors is not None:
            raise AgentConfigError(
                "Memory(processors=...) was removed in Mastra 1.x: give the agent "
                "input_processors instead"
            )
        self.id = id
        self.storage = storage
        self.vector = vector
        self.embedder_spec = embedder
        self.embedder_options = dict(embedder_options or {})
        self.config = parse_config(options)
        self._embedder: Embedder | None = None
        self._cache = EmbeddingCache()
        self._dimension: int | None = None
        self._mastra_storage: MemoryStore | None = None

    def __repr__(self) -> str:
        return f"Memory(storage={self.storage!r})"

    # wiring ---------------------------------------------------------------------------------
    @property
    def has_own_storage(self) -> bool:
        """Whether ``storage=`` was given (then a Mastra instance's storage is never used)."""
        return self.storage is not None

    def register_storage(self, storage: MemoryStore) -> None:
        """Use the Mastra instance's storage when none was given (the latest one registered)."""
        self._mastra_storage = storage

    @property
    def store(self) -> MemoryStore:
        """The store in use."""
        store = self.storage or self._mastra_storage
        if store is None:
            raise AgentConfigError(
                "Memory requires a storage provider to function: pass "
                "Memory(storage=SqliteStore('memory.db')) or register the agent with a Mastra "
                "that has storage="
            )
        return store

    @property
    def vector_store(self) -> MemoryStore | None:
        """Where embeddings go (the vector store, else the storage)."""
        if self.vector is False:
            return None
        return self.vector or self.store

    def merged_config(self, options: Any = None) -> MemoryConfig:
        """The memory options of a call merged over the instance's."""
        return parse_config(options, self.config)

    # threads ----------------------------------------------------------------------------------
    async def create_thread(self, **kwargs: Any) -> dict[str, Any]:
        """Create a thread: ``resource_id``, optional ``thread_id``, ``title``, ``metadata``."""
        resource = _pick(kwargs, "resource_id", "resourceId")
        if not resource:
            raise AgentConfigError("create_thread needs resource_id (the owner of the thread)")
        thread_id = _pick(kwargs, "thread_id", "threadId", "id") or str(uuid.uuid4())
        title = kwargs.get("title")
        if title is None:
            title = f"New Thread {iso_timestamp(time.time())}"
        existing = await self.store.get_thread(thread_id)
        if existing is not None and existing["resourceId"] != resource:
            raise ThreadOwnershipError(thread_id, existing["resourceId"], resource)
        return await self.store.save_thread(
            {
                "id": thread_id,
                "resourceId": resource,
                "title": title,
                "metadata": kwargs.get("metadata"),
            }
        )

    async def save_thread(self, thread: Mapping[str, Any]) -> dict[str, Any]:
        """Insert or update a whole thread record."""
        return await self.store.save_thread(thread)

    async def get_thread_by_id(
        self, thread_id: str | None = None, *, resource_id: str | None = None, **kwargs: Any
    ) -> dict[str, Any] | None:
        """A thread, or None (refused when ``resource_id`` names another owner)."""
        tid = thread_id or _pick(kwargs, "threadId", "thread_id")
        return await self.store.get_thread(
            str(tid), resource_id=resource_id or kwargs.get("resourceId")
        )

    async def list_threads(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int | Literal[False] = 100,
        order_by: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """``{threads, total, page, perPage, hasMore}``; filter ``{"resourceId": ...}``."""
        resource = (
            resource_id or (filter or {}).get("resourceId") or (filter or {}).get("resource_id")
        )
        per_page = kwargs.get("perPage", per_page)
        order = dict(order_by or kwargs.get("orderBy") or {})
        return await self.store.list_threads(
            resource_id=resource,
            page=page,
            per_page=per_page,
            order_by=order.get("field", "createdAt"),
            direction=order.get("direction", "DESC"),
        )

    async def update_thread(
        self,
        id: str | None = None,
        *,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        resource_id: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Change a thread's title and metadata (metadata ``workingMemory`` is stored too)."""
        thread_id = id or _pick(kwargs, "thread_id", "threadId")
        thread = await self.store.update_thread(
            str(thread_id), title=title, metadata=metadata, resource_id=resource_id
        )
        if metadata and isinstance(metadata.get("workingMemory"), str):
            await self.store.save_resource(
                thread["resourceId"], working_memory=metadata["workingMemory"]
            )
        return thread

    async def delete_thread(self, thread_id: str, *, resource_id: str | None = None) -> None:
        """Delete a thread, its messages and their embeddings."""
        await self.store.delete_thread(thread_id, resource_id=resource_id)
        vec = self.vector_store
        if vec is not None and vec is not self.store:
            await vec.delete_vectors(thread_id=thread_id)

    async def clone_thread(self, **kwargs: Any) -> dict[str, Any]:
        """Copy a thread and its messages: ``source_thread_id``, optional ``new_thread_id``,
        ``resource_id``, ``title``, ``metadata``, ``message_limit``."""
        source_id = _pick(kwargs, "source_thread_id", "sourceThreadId")
        if not source_id:
            raise AgentConfigError("clone_thread needs source_thread_id")
        source = await self.store.get_thread(source_id)
        if source is None:
            raise ThreadNotFoundError(source_id, "clone_thread")
        resource = _pick(kwargs, "resource_id", "resourceId") or source["resourceId"]
        if resource != source["resourceId"]:
            raise ThreadOwnershipError(source_id, source["resourceId"], resource)
        new_id = _pick(kwargs, "new_thread_id", "newThreadId") or str(uuid.uuid4())
        limit = _pick(kwargs, "message_limit", "messageLimit")
        title = kwargs.get("title")
        clone_meta = {
            "sourceThreadId": source_id,
            "clonedAt": iso_timestamp(time.time()),
        }
        thread = await self.store.save_thread(
            {
                "id": new_id,
                "resourceId": resource,
                "title": title
                if title is not None
                else f"Clone of {source['title'] or ''}".strip(),
                "metadata": {
                    **(source["metadata"] or {}),
                    **(kwargs.get("metadata") or {}),
                    "clone": clone_meta,
                },
            }
        )
        listed = await self.store.list_messages(source_id, resource_id=resource, last=limit)
        copies = [
            {**m, "id": str(uuid.uuid4()), "threadId": new_id, "resourceId": resource}
            for m in listed["messages"]
        ]
        saved = await self.save_messages(copies)
        return {"thread": thread, "clonedMessages": saved}

    # messages ---------------------------------------------------------------------------------
    async def save_messages(
        self, messages: Sequence[Mapping[str, Any]], *, memory_config: Any = None
    ) -> list[dict[str, Any]]:
        """Store messages (system messages and working-memory tool calls are left out) and embed
        them when semantic recall is on."""
        config = self.merged_config(memory_config)
        kept: list[dict[str, Any]] = []
        for message in messages:
            if message.get("role") == "system":
                continue
            hidden = _hide_working_memory(dict(message))
            if hidden is not None:
                kept.append(hidden)
        saved = await self.store.save_messages(kept)
        if config.semantic_recall is not None and self.vector_store is not None:
            await self._embed_messages(saved)
        return saved

    async def delete_messages(
        self, ids: Sequence[str | Mapping[str, Any]], *, resource_id: str | None = None
    ) -> None:
        """Delete messages by id (or by message dicts)."""
        keys = [str(i["id"]) if isinstance(i, Mapping) else str(i) for i in ids]
        await self.store.delete_messages(keys, resource_id=resource_id)
        vec = self.vector_store
        if vec is not None and vec is not self.store:
            await vec.delete_vectors(message_ids=keys)

    async def recall(
        self,
        thread_id: str | None = None,
        *,
        resource_id: str | None = None,
        page: int | None = None,
        per_page: int | Literal[False] | None = None,
        vector_search_string: str | None = None,
        thread_config: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Messages of a thread: the last ``last_messages`` (or a page), plus semantic hits for
        ``vector_search_string``. Returns ``{messages, usage, total, page, perPage, hasMore}``."""
        thread_id = thread_id or _pick(kwargs, "threadId", "thread_id")
        resource_id = resource_id or kwargs.get("resourceId")
        per_page = kwargs.get("perPage", per_page)
        vector_search_string = vector_search_string or kwargs.get("vectorSearchString")
        config = self.merged_config(thread_config or kwargs.get("threadConfig"))
        if thread_id is None:
            raise AgentConfigError("recall needs thread_id")
        if resource_id is not None:
            await self.store.get_thread(thread_id, resource_id=resource_id)
        if per_page is None and config.last_messages is False:
            listed = {"messages": [], "total": 0, "page": page or 0, "perPage": 0, "hasMore": False}
        elif per_page is None:
            listed = await self.store.list_messages(
                thread_id, resource_id=resource_id, last=int(config.last_messages)
            )
        else:
            listed = await self.store.list_messages(
                thread_id, resource_id=resource_id, page=page or 0, per_page=per_page
            )
        messages = list(listed["messages"])
        if vector_search_string and config.semantic_recall is not None:
            hits = await self._semantic(vector_search_string, thread_id, resource_id, config)
            have = {m["id"] for m in messages}
            messages = _ordered([*messages, *(h for h in hits if h["id"] not in have)])
        return {**listed, "messages": messages, "usage": None}

    # working memory ---------------------------------------------------------------------------
    async def get_working_memory(
        self,
        thread_id: str | None = None,
        resource_id: str | None = None,
        *,
        memory_config: Any = None,
        **kwargs: Any,
    ) -> str | None:
        """The working memory text of the resource (or thread, with thread scope), or None."""
        thread_id = thread_id or _pick(kwargs, "threadId", "thread_id")
        resource_id = resource_id or kwargs.get("resourceId")
        config = self.merged_config(memory_config or kwargs.get("memoryConfig"))
        if not config.working_memory.enabled:
            return None
        if config.working_memory.scope == "thread":
            if not thread_id:
                raise AgentConfigError("thread-scoped working memory needs thread_id")
            thread = await self.store.get_thread(thread_id, resource_id=resource_id)
            value = ((thread or {}).get("metadata") or {}).get("workingMemory")
            return value if isinstance(value, str) else None
        if not resource_id:
            raise AgentConfigError("resource-scoped working memory needs resource_id")
        if thread_id:
            await self.store.get_thread(thread_id, resource_id=resource_id)
        resource = await self.store.get_resource(resource_id)
        return (resource or {}).get("workingMemory")

    async def update_working_memory(
        self,
        thread_id: str | None = None,
        resource_id: str | None = None,
        working_memory: str | None = None,
        *,
        memory_config: Any = None,
        **kwargs: Any,
    ) -> None:
        """Replace the working memory text."""
        thread_id = thread_id or _pick(kwargs, "threadId", "thread_id")
        resource_id = resource_id or kwargs.get("resourceId")
        text = working_memory if working_memory is not None else kwargs.get("workingMemory")
        if text is None:
            raise AgentConfigError("update_working_memory needs working_memory (the new text)")
        config = self.merged_config(memory_config or kwargs.get("memoryConfig"))
        if config.working_memory.scope == "thread":
            if not thread_id:
                raise AgentConfigError("thread-scoped working memory needs thread_id")
            await self.store.update_thread(
                thread_id, metadata={"workingMemory": text}, resource_id=resource_id
            )
            return
        if not resource_id:
            raise AgentConfigError("resource-scoped working memory needs resource_id")
        if thread_id:
            await self.store.get_thread(thread_id, resource_id=resource_id)
        await self.store.save_resource(resource_id, working_memory=text)

    # semantic recall --------------------------------------------------------------------------
    def _get_embedder(self) -> Embedder:
        if self._embedder is None:
            if self.embedder_spec is None:
                raise AgentConfigError(
                    "semantic recall needs an embedder: Memory(embedder='openai/text-embedding-3-"
                    "small', ...) or an OpenAI-compatible {'id', 'url', 'api_key'}"
                )
            self._embedder = resolve_embedder(self.embedder_spec)
        return self._embedder

    async def _embed(self, text: str) -> list[list[float]]:
        chunks = chunk_text(text)
        key = "\x00".join(chunks)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        vectors = await self._get_embedder().embed(chunks)
        self._cache.put(key, vectors)
        return vectors

    async def _index_name(self) -> str:
        if self._dimension is None:
            probe = await self._get_embedder().embed(["a"])
            if not probe or not probe[0]:
                raise AgentConfigError("the embedder returned no vector for the dimension probe")
            self._dimension = len(probe[0])
        return (
            "memory_messages" if self._dimension == 1536 else f"memory_messages_{self._dimension}"
        )

    async def _embed_messages(self, messages: Sequence[Mapping[str, Any]]) -> None:
        vec = self.vector_store
        assert vec is not None
        index = await self._index_name()
        vectors: list[list[float]] = []
        metadata: list[dict[str, Any]] = []
        for message in messages:
            text = message_text(message).strip()
            if not text:
                continue
            for embedding in await self._embed(text):
                vectors.append(embedding)
                metadata.append(
                    {
                        "message_id": message["id"],
                        "thread_id": message.get("threadId"),
                        "resource_id": message.get("resourceId"),
                        "role": message.get("role"),
                        "content": text,
                        "created_at": message.get("createdAt"),
                    }
                )
        if vectors:
            await vec.upsert_vectors(index, vectors, metadata)

    async def _semantic(
        self, query: str, thread_id: str, resource_id: str | None, config: MemoryConfig
    ) -> list[dict[str, Any]]:
        sr = config.semantic_recall
        vec = self.vector_store
        if sr is None or vec is None:
            return []
        if sr.scope == "resource" and not resource_id:
            raise AgentConfigError(
                "Memory error: Resource-scoped semantic recall is enabled but no resourceId was "
                "provided. Either provide a resourceId or explicitly set semanticRecall.scope to "
                "'thread'."
            )
        index = await self._index_name()
        scope = {"resource_id": resource_id} if sr.scope == "resource" else {"thread_id": thread_id}
        flt: dict[str, Any] = {"$and": [scope, dict(sr.filter)]} if sr.filter else scope
        hits: list[dict[str, Any]] = []
        for embedding in await self._embed(query):
            hits.extend(await vec.query_vectors(index, embedding, top_k=sr.top_k, filter=flt))
        if sr.threshold is not None:
            hits = [h for h in hits if h["score"] >= sr.threshold]
        ids = [
            str(h["metadata"].get("message_id")) for h in hits if h["metadata"].get("message_id")
        ]
        return await self.store.get_message_context(
            ids, before=sr.before, after=sr.after, resource_id=resource_id
        )

    # the agent's side -------------------------------------------------------------------------
    async def prepare_turn(
        self,
        *,
        thread: str | Mapping[str, Any],
        resource_id: str | None,
        options: Any,
        query: str | None,
    ) -> MemoryTurn:
        """Create the thread if needed and load what the prompt gets from memory."""
        config = self.merged_config(options)
        spec = {"id": thread} if isinstance(thread, str) else dict(thread)
        thread_id = str(spec.get("id") or "")
        if not thread_id:
            raise AgentConfigError("memory={'thread': ...} needs a thread id")
        existing = await self.store.get_thread(thread_id, resource_id=resource_id)
        if existing is None:
            if not resource_id:
                raise AgentConfigError(
                    f"thread {thread_id!r} does not exist yet; pass memory={{'thread': ..., "
                    "'resource': 'user-id'}} so it can be created for its owner"
                )
            await self.store.save_thread(
                {
                    "id": thread_id,
                    "resourceId": resource_id,
                    "title": spec.get("title", ""),
                    "metadata": spec.get("metadata"),
                }
            )
        elif resource_id is None:
            resource_id = existing["resourceId"]
        turn = MemoryTurn(thread_id=thread_id, resource_id=resource_id, config=config)
        wmc = config.working_memory
        if wmc.enabled:
            data = await self.get_working_memory(thread_id, resource_id, memory_config=config)
            if config.read_only:
                turn.system.append({"role": "system", "content": wm.read_only_instruction(data)})
            else:
                fmt, content = wm.template_of(wmc)
                turn.system.append(
                    {"role": "system", "content": wm.instruction(fmt, content, data)}
                )

                async def get() -> str | None:
                    return await self.get_working_memory(
                        thread_id, resource_id, memory_config=config
                    )

                async def put(text: str) -> None:
                    await self.update_working_memory(
                        thread_id, resource_id, text, memory_config=config
                    )

                turn.tools[wm.TOOL_NAME] = wm.working_memory_tool(wmc, get, put)
        history: list[dict[str, Any]] = []
        if config.last_messages is not False and config.last_messages > 0:
            listed = await self.store.list_messages(
                thread_id, resource_id=resource_id, last=int(config.last_messages)
            )
            history = [m for m in listed["messages"] if m["role"] != "system"]
        if config.semantic_recall is not None and query and self.vector_store is not None:
            hits = await self._semantic(query, thread_id, resource_id, config)
            have = {m["id"] for m in history}
            fresh = [h for h in hits if h["id"] not in have]
            same = [h for h in fresh if h.get("threadId") in (None, thread_id)]
            other = [h for h in fresh if h.get("threadId") not in (None, thread_id)]
            if other and config.semantic_recall.scope == "resource":
                turn.system.append(
                    {"role": "system", "content": format_cross_thread(other, thread_id)}
                )
            history = _ordered([*history, *same])
        turn.remembered = history
        return turn

    async def finish_turn(self, turn: MemoryTurn, messages: Sequence[Mapping[str, Any]]) -> None:
        """Save the call's new messages to the thread (unless read-only)."""
        if turn.config.read_only:
            return
        stamped = [
            {**m, "threadId": turn.thread_id, "resourceId": turn.resource_id} for m in messages
        ]
        await self.save_messages(stamped, memory_config=turn.config)

    async def generate_title(
        self,
        turn: MemoryTurn,
        messages: Sequence[Mapping[str, Any]],
        *,
        model: Any,
        call: DynamicCall | None = None,
    ) -> str | None:
        """Give an untitled thread a title after a call, as Mastra's ``generateTitle`` does.

        ``messages`` are the call's new messages (before working-memory calls are hidden) and
        ``model`` the agent's model, used unless the option names another; ``call`` resolves
        dynamic (function) options with the run's request context. Failures are logged,
        never raised: the call's reply stands without a title, as in Mastra.
        """
        title_config = TitleConfig.parse(turn.config.generate_title)
        if not title_config.enabled or turn.config.read_only:
            return None
        try:
            thread = await self.store.get_thread(turn.thread_id)
            if thread is None or thread.get("title"):
                return None
            own = [m for m in turn.remembered if m.get("threadId") in (None, turn.thread_id)]
            transcript = [*own, *messages]
            if len(transcript) < title_config.min_messages:
                return None
            if not any(m.get("role") == "user" for m in transcript):
                return None
            title_model = model
            if title_config.model is not None:
                from lumos_compat.providers import resolve_model

                title_model = resolve_model(await resolve_dynamic(title_config.model, call))
            title = await request_title(
                title_model,
                transcript,
                instructions=title_config.instructions,
                call=call,
            )
            if title:
                await self.store.update_thread(turn.thread_id, title=title)
            return title
        except Exception:  # Mastra logs a failed title and keeps the reply
            _log.exception("generating a title for thread %r failed", turn.thread_id)
            return None


def _ordered(messages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages by createdAt, keeping the given order for equal times."""
    indexed = list(enumerate(messages))
    indexed.sort(key=lambda pair: (str(pair[1].get("createdAt")), pair[0]))
    return [m for _, m in indexed]
