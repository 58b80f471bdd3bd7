"""Memory's API and its agent integration, on the real loopback fake LLM and real stores."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat import Agent, AgentConfigError
from lumos_compat.memory import Memory, parse_config
from lumos_compat.storage import SqliteStore, ThreadOwnershipError
from lumos_compat.testing import FakeLLMServer, Turn


def test_defaults_are_mastra_1x() -> None:
    cfg = parse_config(None)
    assert cfg.last_messages == 10 and cfg.semantic_recall is None
    assert cfg.working_memory.enabled is False and cfg.working_memory.scope == "resource"
    assert cfg.generate_title is False
    sr = parse_config({"semanticRecall": True}).semantic_recall
    assert sr is not None and (sr.top_k, sr.before, sr.after, sr.scope) == (4, 1, 1, "resource")
    sr = parse_config({"semantic_recall": {"topK": 2, "messageRange": {"before": 3, "after": 0}}})
    assert sr.semantic_recall is not None
    assert (sr.semantic_recall.top_k, sr.semantic_recall.before, sr.semantic_recall.after) == (
        2,
        3,
        0,
    )
    assert parse_config({"lastMessages": False}).last_messages is False
    with pytest.raises(AgentConfigError, match="top level"):
        parse_config({"threads": {"generateTitle": True}})
    with pytest.raises(AgentConfigError, match="template or a schema"):
        parse_config(
            {"workingMemory": {"enabled": True, "template": "x", "schema": {"type": "object"}}}
        )


async def test_thread_api_camel_and_snake_case() -> None:
    memory = Memory(storage=SqliteStore())
    t = await memory.create_thread(resourceId="u1", threadId="t1", title="Hello")
    assert t["title"] == "Hello" and t["resourceId"] == "u1"
    auto = await memory.create_thread(resource_id="u1")
    assert auto["title"].startswith("New Thread ")
    listed = await memory.list_threads(filter={"resourceId": "u1"}, perPage=1)
    assert listed["total"] == 2 and len(listed["threads"]) == 1 and listed["hasMore"] is True
    assert (await memory.get_thread_by_id(threadId="t1"))["title"] == "Hello"
    updated = await memory.update_thread(id="t1", title="Renamed", metadata={"k": 1})
    assert updated["title"] == "Renamed" and updated["metadata"] == {"k": 1}
    with pytest.raises(ThreadOwnershipError):
        await memory.create_thread(resource_id="u2", thread_id="t1")
    await memory.delete_thread("t1")
    assert await memory.get_thread_by_id("t1") is None


async def test_save_recall_delete_and_clone() -> None:
    memory = Memory(storage=SqliteStore(), options={"lastMessages": 3})
    await memory.create_thread(resource_id="u1", thread_id="t1")
    saved = await memory.save_messages(
        [
            {
                "id": f"m{i}",
                "role": "user",
                "content": f"hello {i}",
                "threadId": "t1",
                "createdAt": 1_700_000_000_000 + i,
            }
            for i in range(5)
        ]
    )
    assert [m["resourceId"] for m in saved] == ["u1"] * 5
    recalled = await memory.recall(threadId="t1", resourceId="u1")
    assert [m["id"] for m in recalled["messages"]] == ["m2", "m3", "m4"]
    page = await memory.recall(thread_id="t1", page=0, per_page=2)
    assert [m["id"] for m in page["messages"]] == ["m0", "m1"] and page["hasMore"] is True
    with pytest.raises(ThreadOwnershipError):
        await memory.recall(thread_id="t1", resource_id="intruder")
    await memory.delete_messages(["m0", {"id": "m1"}])
    assert (await memory.recall(thread_id="t1", per_page=False))["total"] == 3
    clone = await memory.clone_thread(source_thread_id="t1", new_thread_id="t2", title="Copy")
    assert (
        clone["thread"]["id"] == "t2"
        and clone["thread"]["metadata"]["clone"]["sourceThreadId"] == "t1"
    )
    assert [m["content"]["content"] for m in clone["clonedMessages"]] == [
        "hello 2",
        "hello 3",
        "hello 4",
    ]
    assert {m["threadId"] for m in clone["clonedMessages"]} == {"t2"}


async def test_memory_without_storage_fails_clearly() -> None:
    with pytest.raises(AgentConfigError, match="requires a storage provider"):
        await Memory().create_thread(resource_id="u1")


async def test_agent_refuses_another_resources_thread() -> None:
    with FakeLLMServer(["Hi Ada.", "never sent"]) as server:
        agent = Agent(
            id="a",
            instructions="Be brief.",
            model=server.model(),
            memory=Memory(storage=SqliteStore()),
        )
        await agent.generate("I am Ada.", memory={"thread": "t1", "resource": "ada"})
        with pytest.raises(ThreadOwnershipError, match="belongs to resource 'ada'"):
            await agent.generate(
                "What did Ada say?", memory={"thread": "t1", "resource": "mallory"}
            )
        assert len(server.model_requests) == 1


async def test_agent_result_messages_and_remembered() -> None:
    with FakeLLMServer(["First.", "Second."]) as server:
        memory = Memory(storage=SqliteStore())
        agent = Agent(id="a", instructions="Be brief.", model=server.model(), memory=memory)
        first = await agent.generate(
            "one",
            memory={
                "thread": {"id": "t1", "title": "Chat", "metadata": {"x": 1}},
                "resource": "u1",
            },
        )
        assert first.remembered_messages == [] and len(first.messages) == 2
        thread = await memory.get_thread_by_id("t1")
        assert thread["title"] == "Chat" and thread["metadata"] == {"x": 1}
        second = await agent.generate("two", memory={"thread": "t1", "resource": "u1"})
        data = second.to_mastra()
        assert [m["content"]["content"] for m in data["rememberedMessages"]] == ["one", "First."]
        assert [m["content"]["content"] for m in data["messages"]] == [
            "one",
            "First.",
            "two",
            "Second.",
        ]
        assert {m["threadId"] for m in data["messages"]} == {"t1"}
        stored = await memory.recall(thread_id="t1", per_page=False)
        assert [m["id"] for m in stored["messages"]] == [m["id"] for m in data["messages"]]


async def test_stream_saves_to_memory_too() -> None:
    with FakeLLMServer(["Streamed answer.", "ok"]) as server:
        memory = Memory(storage=SqliteStore())
        agent = Agent(id="a", instructions="Be brief.", model=server.model(), memory=memory)
        stream = await agent.stream("hello", memory={"thread": "t1", "resource": "u1"})
        assert "".join([d async for d in stream.text_stream]) == "Streamed answer."
        await agent.generate("again", memory={"thread": "t1", "resource": "u1"})
        sent = server.model_requests[1].body["messages"]
        assert [m["content"] for m in sent[1:]] == ["hello", "Streamed answer.", "again"]


async def test_last_messages_false_sends_no_history() -> None:
    with FakeLLMServer(["a", "b"]) as server:
        agent = Agent(
            id="a",
            instructions="x",
            model=server.model(),
            memory=Memory(storage=SqliteStore(), options={"last_messages": False}),
        )
        await agent.generate("one", memory={"thread": "t", "resource": "u"})
        await agent.generate("two", memory={"thread": "t", "resource": "u"})
        assert [m["content"] for m in server.model_requests[1].body["messages"]] == ["x", "two"]


class Profile(BaseModel):
    name: str | None = None
    likes: list[str] | None = None


async def test_schema_working_memory_merges_and_read_only_has_no_tool() -> None:
    script = [
        Turn.call("updateWorkingMemory", {"memory": {"name": "Ada", "likes": ["tea"]}}, id="c1"),
        "Saved.",
        Turn.call("updateWorkingMemory", {"memory": {"likes": ["coffee"]}}, id="c2"),
        "Saved again.",
        "Read only.",
    ]
    with FakeLLMServer(script) as server:
        memory = Memory(
            storage=SqliteStore(), options={"workingMemory": {"enabled": True, "schema": Profile}}
        )
        agent = Agent(id="a", instructions="x", model=server.model(), memory=memory)
        await agent.generate("I am Ada and like tea", memory={"thread": "t", "resource": "u"})
        await agent.generate("now coffee", memory={"thread": "t", "resource": "u"})
        data = json.loads(await memory.get_working_memory("t", "u") or "null")
        assert data == {"name": "Ada", "likes": ["coffee"]}
        tools = server.model_requests[0].body["tools"]
        assert tools[0]["function"]["name"] == "updateWorkingMemory"
        assert "memory" in tools[0]["function"]["parameters"]["properties"]
        await agent.generate(
            "hi", memory={"thread": "t", "resource": "u", "options": {"readOnly": True}}
        )
        last = server.model_requests[-1].body
        assert "tools" not in last
        assert (
            "READ-ONLY" in last["messages"][1]["content"]
            and '"coffee"' in last["messages"][1]["content"]
        )
        stored = await memory.recall(thread_id="t", per_page=False)
        assert len(stored["messages"]) == 4  # the read-only turn saved nothing


async def test_thread_scoped_working_memory_is_per_thread() -> None:
    memory = Memory(
        storage=SqliteStore(), options={"workingMemory": {"enabled": True, "scope": "thread"}}
    )
    await memory.create_thread(resource_id="u", thread_id="t1")
    await memory.create_thread(resource_id="u", thread_id="t2")
    await memory.update_working_memory(thread_id="t1", resource_id="u", working_memory="one")
    assert await memory.get_working_memory(thread_id="t1", resource_id="u") == "one"
    assert await memory.get_working_memory(thread_id="t2", resource_id="u") is None
    with pytest.raises(ThreadOwnershipError):
        await memory.get_working_memory(thread_id="t1", resource_id="other")


async def test_semantic_recall_never_crosses_resources() -> None:
    with FakeLLMServer(["ok"] * 3) as server:
        memory = Memory(
            storage=SqliteStore(),
            embedder={"id": "openai/e", "url": server.openai_base_url, "api_key": "k"},
            options={"lastMessages": 1, "semanticRecall": {"topK": 3, "messageRange": 0}},
        )
        agent = Agent(id="a", instructions="x", model=server.model(), memory=memory)
        await agent.generate(
            "my secret password is swordfish", memory={"thread": "t1", "resource": "alice"}
        )
        await agent.generate(
            "what is the secret password", memory={"thread": "t2", "resource": "bob"}
        )
        sent: list[Any] = server.model_requests[1].body["messages"]
        assert all("swordfish" not in str(m["content"]) for m in sent)
        await agent.generate(
            "what is the secret password", memory={"thread": "t3", "resource": "alice"}
        )
        assert "swordfish" in server.model_requests[2].body["messages"][1]["content"]
