"""The memory converter on the memory fixtures: snapshots of the emitted modules plus the facts
that matter (0.x defaults made explicit, stores mapped, unsupported stores reported)."""

from __future__ import annotations

import ast
import json
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


async def _no_memory() -> None:
    return None


async def _ignore(text: str) -> None:
    return None


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
        # the zod working-memory schema became a pydantic model the runtime builds its tool from
        from lumos_compat.memory import working_memory as wm

        wmc = module.notes_memory.config.working_memory
        assert wmc.schema.__name__ == "NotesMemoryWorkingMemory"
        tool = wm.working_memory_tool(wmc, _no_memory, _ignore)
        inner = tool.json_schema_for("openai.chat")["properties"]["memory"]
        assert inner["properties"] == {
            "topic": {"type": "string"},
            "openQuestions": {"type": "array", "items": {"type": "string"}},
        }
        assert tool.to_tool_definition("updateWorkingMemory").strict is False
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


def _convert_source(tmp_path: Path, source: str, core: str = "^1.9.0") -> dict[str, str]:
    """Convert a one-file Mastra project; its emitted modules."""
    from typer.testing import CliRunner

    from converters.cli import app

    project = tmp_path / "proj"
    (project / "src" / "mastra").mkdir(parents=True)
    deps = {"@mastra/core": core, "@mastra/memory": core, "@mastra/libsql": core}
    deps |= {"@ai-sdk/openai": "^2.0.0", "zod": "^4.1.0"}
    (project / "package.json").write_text(
        json.dumps({"name": "proj", "type": "module", "dependencies": deps})
    )
    (project / "src" / "mastra" / "index.ts").write_text(source)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["convert", str(project), "--out", str(out)], catch_exceptions=False
    )
    assert out.is_dir(), result.output
    return {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.py")}


def test_generate_title_model_is_converted_like_an_agent_model(tmp_path: Path) -> None:
    modules = _convert_source(
        tmp_path,
        """import { Mastra } from '@mastra/core/mastra';
import { Memory } from '@mastra/memory';
import { LibSQLStore } from '@mastra/libsql';
import { openai } from '@ai-sdk/openai';

export const chatMemory = new Memory({
  options: {
    generateTitle: { model: openai('gpt-4o-mini'), instructions: 'Short title.', minMessages: 2 },
  },
});

export const mastra = new Mastra({
  memory: { chat: chatMemory },
  storage: new LibSQLStore({ id: 'db', url: 'file:./app.db' }),
});
""",
    )
    text = "\n".join(modules.values())
    calls = _memory_calls(text)
    assert "'model': openai('gpt-4o-mini')" in calls["chat_memory"]
    assert "'instructions': 'Short title.'" in calls["chat_memory"]
    assert "'min_messages': 2" in calls["chat_memory"]
    assert "storage=" not in calls["chat_memory"]  # it comes from the Mastra instance
    assert 'storage=SqliteStore("./app.db")' in text
    assert 'memory={"chat": chat_memory}' in text
    assert "TODO(lumos-migrate)" not in text, text


def test_zero_x_threads_generate_title_moves_to_the_top_level(tmp_path: Path) -> None:
    modules = _convert_source(
        tmp_path,
        """import { Memory } from '@mastra/memory';
import { LibSQLStore } from '@mastra/libsql';
import { openai } from '@ai-sdk/openai';

export const chatMemory = new Memory({
  storage: new LibSQLStore({ url: 'file:./chat.db' }),
  options: { lastMessages: 20, threads: { generateTitle: { model: openai('gpt-4o-mini') } } },
});
""",
        core="^0.10.9",
    )
    call = _memory_calls("\n".join(modules.values()))["chat_memory"]
    assert "'generate_title': {'model': openai('gpt-4o-mini')}" in call
    assert "threads" not in call
