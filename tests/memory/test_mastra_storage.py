"""``Mastra(storage=...)``: a Memory created without storage uses the Mastra instance's storage.

The rule, read in Mastra 1.71's ``Agent.getMemory`` and ``Mastra.addMemory``: when the agent is
registered with a Mastra and its memory has no storage of its own (``hasOwnStorage``), the memory
takes ``mastra.getStorage()``; a memory given ``storage`` keeps it. Real SQLite files, real fake
LLM server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lumos_compat import Agent, AgentConfigError, Mastra
from lumos_compat.memory import Memory
from lumos_compat.storage import SqliteStore
from lumos_compat.testing import FakeLLMServer


async def _thread_count(path: Path) -> int:
    store = SqliteStore(str(path))
    try:
        listed = await store.list_threads(resource_id="u1")
        return int(listed["total"])
    finally:
        await store.close()


async def test_agent_memory_without_storage_uses_mastra_storage(tmp_path: Path) -> None:
    with FakeLLMServer(["Hi Ada.", "You are Ada."]) as server:
        memory = Memory()
        agent = Agent(id="a", instructions="Be brief.", model=server.model(), memory=memory)
        shared = SqliteStore(str(tmp_path / "mastra.db"))
        mastra = Mastra(agents={"a": agent}, storage=shared)
        assert mastra.get_agent("a").get_memory() is memory
        await agent.generate("I am Ada.", memory={"thread": "t1", "resource": "u1"})
        await agent.generate("Who am I?", memory={"thread": "t1", "resource": "u1"})
        second = server.requests[1].body["messages"]
        assert [m["content"] for m in second[1:]] == ["I am Ada.", "Hi Ada.", "Who am I?"]
        assert memory.store is shared and not memory.has_own_storage
        await shared.close()
    assert await _thread_count(tmp_path / "mastra.db") == 1


async def test_own_storage_wins_over_mastra_storage(tmp_path: Path) -> None:
    with FakeLLMServer(["Hello."]) as server:
        own = SqliteStore(str(tmp_path / "own.db"))
        shared = SqliteStore(str(tmp_path / "mastra.db"))
        agent = Agent(id="a", instructions="x", model=server.model(), memory=Memory(storage=own))
        Mastra(agents={"a": agent}, storage=shared)
        await agent.generate("Hi", memory={"thread": "t1", "resource": "u1"})
        await own.close()
        await shared.close()
    assert await _thread_count(tmp_path / "own.db") == 1
    assert await _thread_count(tmp_path / "mastra.db") == 0


async def test_unregistered_memory_without_storage_is_a_clear_error() -> None:
    with FakeLLMServer(["never"]) as server:
        agent = Agent(id="a", instructions="x", model=server.model(), memory=Memory())
        with pytest.raises(AgentConfigError, match="requires a storage provider"):
            await agent.generate("Hi", memory={"thread": "t1", "resource": "u1"})
        Mastra(agents={"a": agent})  # a Mastra without storage does not help either
        with pytest.raises(AgentConfigError, match="requires a storage provider"):
            await agent.generate("Hi", memory={"thread": "t1", "resource": "u1"})
        assert server.requests == []


async def test_mastra_memory_registry_gets_the_storage(tmp_path: Path) -> None:
    shared = SqliteStore(str(tmp_path / "mastra.db"))
    own = SqliteStore(":memory:")
    chat, kept = Memory(), Memory(storage=own)
    mastra = Mastra(memory={"chat": chat, "kept": kept}, storage=shared)
    assert mastra.get_memory("chat").store is shared
    assert mastra.get_memory("kept").store is own
    assert set(mastra.list_memory()) == {"chat", "kept"}
    await chat.create_thread(resource_id="u1", thread_id="t1")
    await shared.close()
    await own.close()
    assert await _thread_count(tmp_path / "mastra.db") == 1
