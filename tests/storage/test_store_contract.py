"""The store contract, one suite for every store (SQLite in memory and on disk, PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from lumos_compat.messages import db_message
from lumos_compat.storage import (
    ConcurrentUpdateError,
    MemoryStore,
    StorageError,
    ThreadNotFoundError,
    ThreadOwnershipError,
    migrations,
)


def msg(thread: str, resource: str, role: str, text: str, ts: float) -> dict:
    m = db_message(role, [{"type": "text", "text": text}], text=text, created_at=ts)
    m["threadId"] = thread
    m["resourceId"] = resource
    return m


async def seed(store: MemoryStore, thread: str = "t1", resource: str = "u1", n: int = 6) -> list:
    await store.save_thread({"id": thread, "resourceId": resource, "title": "", "metadata": None})
    messages = [
        msg(thread, resource, "user" if i % 2 == 0 else "assistant", f"m{i}", 1_700_000_000 + i)
        for i in range(n)
    ]
    await store.save_messages(messages)
    return messages


async def test_schema_is_current_and_init_is_idempotent(store: MemoryStore) -> None:
    assert await store.schema_version() == migrations.latest_version()
    await store.init()
    await store.init()
    assert await store.schema_version() == migrations.latest_version()


async def test_thread_create_get_update(store: MemoryStore) -> None:
    created = await store.save_thread(
        {"id": "t1", "resourceId": "u1", "title": "", "metadata": None}
    )
    assert created["id"] == "t1" and created["resourceId"] == "u1"
    assert created["title"] == "" and created["metadata"] is None
    assert created["createdAt"].endswith("Z")
    got = await store.get_thread("t1")
    assert got == created
    assert await store.get_thread("nope") is None
    updated = await store.update_thread("t1", title="Trip", metadata={"a": 1})
    assert updated["title"] == "Trip" and updated["metadata"] == {"a": 1}
    updated = await store.update_thread("t1", metadata={"b": 2})
    assert updated["metadata"] == {"a": 1, "b": 2} and updated["title"] == "Trip"
    with pytest.raises(ThreadNotFoundError):
        await store.update_thread("missing", title="x")


async def test_list_threads_filter_paging_ordering(store: MemoryStore) -> None:
    for i in range(5):
        await store.save_thread(
            {"id": f"a{i}", "resourceId": "u1", "createdAt": 1_700_000_000_000 + i * 1000}
        )
    await store.save_thread({"id": "b0", "resourceId": "u2"})
    page = await store.list_threads(resource_id="u1", page=0, per_page=2)
    assert [t["id"] for t in page["threads"]] == ["a4", "a3"]
    assert (page["total"], page["page"], page["perPage"], page["hasMore"]) == (5, 0, 2, True)
    last = await store.list_threads(resource_id="u1", page=2, per_page=2)
    assert [t["id"] for t in last["threads"]] == ["a0"] and last["hasMore"] is False
    asc = await store.list_threads(resource_id="u1", direction="ASC", per_page=False)
    assert [t["id"] for t in asc["threads"]] == [f"a{i}" for i in range(5)]
    everyone = await store.list_threads()
    assert everyone["total"] == 6
    with pytest.raises(StorageError):
        await store.list_threads(order_by="title")


async def test_messages_round_trip_in_db_format(store: MemoryStore) -> None:
    messages = await seed(store)
    listed = await store.list_messages("t1")
    assert [m["id"] for m in listed["messages"]] == [m["id"] for m in messages]
    first = listed["messages"][0]
    assert first["content"] == messages[0]["content"]
    assert first["content"]["format"] == 2
    assert first["createdAt"] == messages[0]["createdAt"]
    assert first["threadId"] == "t1" and first["resourceId"] == "u1"
    assert listed["total"] == 6


async def test_last_n_and_paging(store: MemoryStore) -> None:
    messages = await seed(store, n=7)
    last = await store.list_messages("t1", last=3)
    assert [m["content"]["content"] for m in last["messages"]] == ["m4", "m5", "m6"]
    assert last["hasMore"] is True
    page = await store.list_messages("t1", page=1, per_page=3)
    assert [m["content"]["content"] for m in page["messages"]] == ["m3", "m4", "m5"]
    assert page["hasMore"] is True
    newest_first = await store.list_messages("t1", direction="DESC", per_page=2)
    assert [m["id"] for m in newest_first["messages"]] == [messages[6]["id"], messages[5]["id"]]


async def test_same_timestamp_keeps_insert_order(store: MemoryStore) -> None:
    await store.save_thread({"id": "t1", "resourceId": "u1"})
    same = [msg("t1", "u1", "user", f"x{i}", 1_700_000_000) for i in range(5)]
    for m in same:
        await store.save_messages([m])
    listed = await store.list_messages("t1")
    assert [m["content"]["content"] for m in listed["messages"]] == [f"x{i}" for i in range(5)]


async def test_save_updates_existing_message(store: MemoryStore) -> None:
    messages = await seed(store, n=2)
    changed = dict(messages[1])
    changed["content"] = {"format": 2, "parts": [{"type": "text", "text": "edited"}]}
    await store.save_messages([changed])
    listed = await store.list_messages("t1")
    assert len(listed["messages"]) == 2
    assert listed["messages"][1]["content"]["parts"][0]["text"] == "edited"


async def test_delete_messages_and_thread_cascade(store: MemoryStore) -> None:
    messages = await seed(store)
    await store.upsert_vectors(
        "idx",
        [[1.0, 0.0]],
        [{"thread_id": "t1", "resource_id": "u1", "message_id": messages[0]["id"]}],
    )
    assert await store.delete_messages([messages[0]["id"], messages[1]["id"]]) == 2
    assert (await store.list_messages("t1"))["total"] == 4
    assert await store.query_vectors("idx", [1.0, 0.0]) == []
    await store.delete_thread("t1")
    assert await store.get_thread("t1") is None
    assert (await store.list_messages("t1"))["total"] == 0
    assert await store.get_messages([m["id"] for m in messages]) == []


async def test_message_needs_an_existing_thread(store: MemoryStore) -> None:
    with pytest.raises(ThreadNotFoundError, match="create it first"):
        await store.save_messages([msg("ghost", "u1", "user", "hi", 1_700_000_000)])


async def test_isolation_between_resources(store: MemoryStore) -> None:
    messages = await seed(store, "t1", "u1")
    await seed(store, "t2", "u2")
    with pytest.raises(ThreadOwnershipError, match="belongs to resource 'u1'"):
        await store.get_thread("t1", resource_id="u2")
    with pytest.raises(ThreadOwnershipError):
        await store.list_messages("t1", resource_id="u2")
    with pytest.raises(ThreadOwnershipError):
        await store.save_messages([msg("t1", "u2", "user", "sneaky", 1_700_000_100)])
    with pytest.raises(ThreadOwnershipError):
        await store.save_thread({"id": "t1", "resourceId": "u2"})
    with pytest.raises(ThreadOwnershipError):
        await store.delete_thread("t1", resource_id="u2")
    with pytest.raises(ThreadOwnershipError):
        await store.delete_messages([messages[0]["id"]], resource_id="u2")
    with pytest.raises(ThreadOwnershipError):
        await store.update_thread("t1", title="x", resource_id="u2")
    assert await store.get_messages([m["id"] for m in messages], resource_id="u2") == []
    context = await store.get_message_context(
        [messages[2]["id"]], before=1, after=1, resource_id="u2"
    )
    assert context == []
    assert (await store.list_messages("t1", resource_id="u1"))["total"] == 6


async def test_message_context_window(store: MemoryStore) -> None:
    messages = await seed(store, n=8)
    got = await store.get_message_context([messages[3]["id"], messages[4]["id"]], before=1, after=1)
    assert [m["content"]["content"] for m in got] == ["m2", "m3", "m4", "m5"]
    edge = await store.get_message_context([messages[0]["id"]], before=2, after=0)
    assert [m["content"]["content"] for m in edge] == ["m0"]


async def test_resources_and_working_memory(store: MemoryStore) -> None:
    assert await store.get_resource("u1") is None
    saved = await store.save_resource("u1", working_memory="# Profile\n- Name: Ada")
    assert saved["workingMemory"] == "# Profile\n- Name: Ada" and saved["metadata"] is None
    await store.save_resource("u1", metadata={"plan": "pro"})
    again = await store.get_resource("u1")
    assert again is not None
    assert again["workingMemory"] == "# Profile\n- Name: Ada" and again["metadata"] == {
        "plan": "pro"
    }
    assert await store.get_resource("u2") is None


async def test_vector_query_top_k_with_filters(store: MemoryStore) -> None:
    vectors = [[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.7, 0.7, 0.0]]
    meta = [
        {"thread_id": "t1", "resource_id": "u1", "message_id": "m1", "role": "user"},
        {"thread_id": "t2", "resource_id": "u1", "message_id": "m2", "role": "assistant"},
        {"thread_id": "t1", "resource_id": "u1", "message_id": "m3", "role": "user"},
        {"thread_id": "t3", "resource_id": "u2", "message_id": "m4", "role": "user"},
    ]
    ids = await store.upsert_vectors("memory_messages_3", vectors, meta)
    assert len(ids) == 4
    hits = await store.query_vectors("memory_messages_3", [1.0, 0.0, 0.0], top_k=2)
    assert [h["metadata"]["message_id"] for h in hits] == ["m1", "m2"]
    assert hits[0]["score"] == pytest.approx(1.0)
    scoped = await store.query_vectors(
        "memory_messages_3", [1.0, 0.0, 0.0], top_k=4, filter={"resource_id": "u2"}
    )
    assert [h["metadata"]["message_id"] for h in scoped] == ["m4"]
    thread = await store.query_vectors(
        "memory_messages_3", [1.0, 0.0, 0.0], top_k=4, filter={"thread_id": "t1"}
    )
    assert [h["metadata"]["message_id"] for h in thread] == ["m1", "m3"]
    combined = await store.query_vectors(
        "memory_messages_3",
        [1.0, 0.0, 0.0],
        top_k=4,
        filter={"$and": [{"resource_id": "u1"}, {"role": "assistant"}]},
    )
    assert [h["metadata"]["message_id"] for h in combined] == ["m2"]
    assert await store.query_vectors("other", [1.0, 0.0, 0.0]) == []
    # upsert by id replaces
    await store.upsert_vectors("memory_messages_3", [[0.0, 0.0, 1.0]], [meta[0]], ids=[ids[0]])
    best = await store.query_vectors("memory_messages_3", [0.0, 0.0, 1.0], top_k=1)
    assert best[0]["id"] == ids[0]
    assert await store.delete_vectors("memory_messages_3", thread_id="t1") == 2


async def test_workflow_snapshot_versions(store: MemoryStore) -> None:
    assert await store.load_workflow_snapshot("wf", "r1") is None
    v1 = await store.save_workflow_snapshot("wf", "r1", {"status": "running"}, resource_id="u1")
    assert v1 == 1
    assert await store.load_workflow_snapshot("wf", "r1") == ({"status": "running"}, 1)
    v2 = await store.save_workflow_snapshot("wf", "r1", {"status": "suspended"}, expected_version=1)
    assert v2 == 2
    with pytest.raises(ConcurrentUpdateError, match="expected snapshot version 1") as info:
        await store.save_workflow_snapshot("wf", "r1", {"status": "lost"}, expected_version=1)
    assert info.value.found == 2
    with pytest.raises(ConcurrentUpdateError):
        await store.save_workflow_snapshot("wf", "r1", {"status": "lost"}, expected_version=0)
    assert await store.load_workflow_snapshot("wf", "r1") == ({"status": "suspended"}, 2)
    assert await store.save_workflow_snapshot("wf", "r2", {"s": 1}, expected_version=0) == 1
    assert await store.save_workflow_snapshot("wf", "r2", {"s": 2}) == 2
    await store.save_workflow_snapshot("other", "r9", {"s": 1})
    runs = await store.list_workflow_runs("wf")
    assert runs["total"] == 2 and {r["runId"] for r in runs["runs"]} == {"r1", "r2"}
    run = next(r for r in runs["runs"] if r["runId"] == "r1")
    assert run["workflowName"] == "wf" and run["resourceId"] == "u1" and run["version"] == 2
    assert (await store.list_workflow_runs(resource_id="u1"))["total"] == 1
    assert (await store.list_workflow_runs())["total"] == 3
    assert await store.delete_workflow_run("wf", "r1") is True
    assert await store.delete_workflow_run("wf", "r1") is False
    assert await store.load_workflow_snapshot("wf", "r1") is None


async def test_concurrent_snapshot_writers_one_wins(store: MemoryStore) -> None:
    await store.save_workflow_snapshot("wf", "race", {"step": 0})

    async def resume(n: int) -> int | str:
        try:
            return await store.save_workflow_snapshot(
                "wf", "race", {"winner": n}, expected_version=1
            )
        except ConcurrentUpdateError:
            return "lost"

    results = await asyncio.gather(*(resume(n) for n in range(5)))
    assert sorted(results, key=str) == [2, "lost", "lost", "lost", "lost"]


async def test_concurrent_writers_lose_no_message_and_keep_order(store: MemoryStore) -> None:
    await store.save_thread({"id": "t1", "resourceId": "u1"})

    async def writer(name: str) -> None:
        for i in range(20):
            await store.save_messages(
                [msg("t1", "u1", "user", f"{name}-{i:02d}", 1_700_000_000 + i)]
            )

    await asyncio.gather(*(writer(n) for n in ("a", "b", "c")))
    texts = [m["content"]["content"] for m in (await store.list_messages("t1"))["messages"]]
    assert len(texts) == 60
    for name in ("a", "b", "c"):
        mine = [t for t in texts if t.startswith(name)]
        assert mine == sorted(mine) and len(mine) == 20
