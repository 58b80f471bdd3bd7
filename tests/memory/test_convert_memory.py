"""The memory converter on the memory fixtures: snapshots of the emitted modules plus the facts
that matter (0.x defaults made explicit, stores mapped, unsupported stores reported)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.converters._fixture_conversion import Conversion, convert_fixture

FIXTURES = ("memory-stores", "memory-0x", "weather-1x")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Conversion]:
    into = tmp_path_factory.mktemp("memory-convert")
    return {name: convert_fixture(name, into) for name in FIXTURES}


def _memory_modules(conversion: Conversion) -> dict[str, str]:
    return {rel: text for rel, text in conversion.modules().items() if "Memory(" in text}


def _memory_calls(text: str) -> dict[str, str]:
    """binding (or agent) -> source of its Memory(...) call."""
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            for call in ast.walk(node.value):
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Memory":
                    out[node.targets[0].id] = ast.unparse(call)
    return out


@pytest.mark.parametrize("name", FIXTURES)
def test_memory_modules_snapshot(
    converted: dict[str, Conversion], name: str, snapshot: SnapshotAssertion
) -> None:
    modules = _memory_modules(converted[name])
    assert modules, f"{name}: no Memory(...) emitted"
    assert modules == snapshot


def test_zero_x_defaults_are_made_explicit(converted: dict[str, Conversion]) -> None:
    text = "\n".join(_memory_modules(converted["memory-0x"]).values())
    calls = _memory_calls(text)
    assert "'last_messages': 40" in calls["chat_memory"]
    assert "'generate_title': True" in calls["chat_memory"]
    research = calls["research_memory"]
    assert "PostgresStore(os.environ.get('DATABASE_URL'))" in research
    assert "'semantic_recall': {'top_k': 3, 'message_range': 2, 'scope': 'thread'}" in research
    assert "embedder='openai/text-embedding-3-small'" in research
    assert (
        "'scope': 'thread'" in calls["quick_memory"]
        and "'last_messages': 5" in calls["quick_memory"]
    )
    report = converted["memory-0x"].report
    rules = [d["rule"] for d in report["needs_person"] + report["notes"]]
    assert "LM554" in rules


def test_one_x_stores(converted: dict[str, Conversion]) -> None:
    calls = _memory_calls("\n".join(_memory_modules(converted["memory-stores"]).values()))
    assert calls["scratch_memory"] == "Memory(storage=SqliteStore(':memory:'))"
    assert "SqliteStore('./notes.db')" in calls["notes_memory"]
    assert "'last_messages': False" in calls["notes_memory"]
    assert "schema_name='agents'" in calls["pg_fields_memory"]
    assert "port=int(os.environ.get('PGPORT', '5432'))" in calls["pg_fields_memory"]
    assert "storage=" not in calls["upstash_memory"]
    # 1.x: nothing implicit is added
    assert "last_messages" not in calls["recall_memory"]
    report = converted["memory-stores"].report
    upstash = [d for d in report["needs_person"] if d["rule"] == "LM553"]
    assert upstash and "UpstashStore" in upstash[0]["message"]


def test_converted_memory_runs(converted: dict[str, Conversion], monkeypatch: Any) -> None:
    conversion = converted["memory-stores"]
    monkeypatch.chdir(conversion.out)
    monkeypatch.syspath_prepend(str(conversion.out))
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    module = __import__(f"{conversion.package}.memory.stores", fromlist=["scratch_memory"])
    try:
        from lumos_compat.memory import Memory
        from lumos_compat.storage import SqliteStore

        assert isinstance(module.scratch_memory, Memory)
        assert isinstance(module.scratch_memory.storage, SqliteStore)
        assert module.notes_memory.config.last_messages is False
        assert module.notes_memory.config.working_memory.scope == "thread"
    finally:
        for key in [k for k in sys.modules if k.startswith(conversion.package)]:
            del sys.modules[key]
    assert Path(conversion.out).is_dir()


def test_mastra_storage_is_converted(converted: dict[str, Conversion]) -> None:
    # Mastra 1.x: memories without storage of their own use the Mastra instance's storage
    index = next(
        text for rel, text in converted["memory-stores"].modules().items() if "Mastra(" in text
    )
    assert 'storage=SqliteStore("./mastra.db")' in index
    assert "LM552" not in index
