"""RequestContext: Mastra's Map-like API."""

from __future__ import annotations

import pytest

from lumos_compat.request_context import (
    MASTRA_RESOURCE_ID_KEY,
    MASTRA_THREAD_ID_KEY,
    RequestContext,
)


def test_map_api() -> None:
    ctx = RequestContext()
    ctx.set("b", 2)
    ctx.set("a", 1)
    assert ctx.get("a") == 1 and ctx.get("missing") is None
    assert ctx.has("b") and not ctx.has("c")
    assert list(ctx.keys()) == ["b", "a"]
    assert list(ctx.values()) == [2, 1]
    assert list(ctx.entries()) == [("b", 2), ("a", 1)]
    assert ctx.size() == 2 and len(ctx) == 2
    assert ctx.to_json() == {"b": 2, "a": 1} == ctx.all
    assert ctx.delete("b") is True and ctx.delete("b") is False
    ctx.clear()
    assert ctx.size() == 0


def test_constructors_and_for_each() -> None:
    assert RequestContext({"x": 1}).all == {"x": 1}
    assert RequestContext([("x", 1), ("y", 2)]).all == {"x": 1, "y": 2}
    copy = RequestContext(RequestContext({"z": 3}))
    assert copy.get("z") == 3
    seen: list[tuple[object, str]] = []
    RequestContext({"k": "v"}).for_each(lambda value, key: seen.append((value, key)))
    assert seen == [("v", "k")]
    with pytest.raises(TypeError, match="2-tuples"):
        RequestContext([("a", 1, 2)])  # type: ignore[list-item]


def test_all_is_a_copy_and_reserved_keys() -> None:
    ctx = RequestContext({"a": 1})
    ctx.all["a"] = 5
    assert ctx.get("a") == 1
    assert MASTRA_RESOURCE_ID_KEY == "mastra__resourceId"
    assert MASTRA_THREAD_ID_KEY == "mastra__threadId"
