"""Tool schemas whose pydantic type is not a model class (an array, a string, a nullable object,
z.any(), a schema the converter could not read): the ported module imports, and create_tool gets
the JSON Schema Mastra derives from the zod schema (or no schema), never a bare type it refuses."""

from __future__ import annotations

import asyncio
import importlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from converters.cli import app
from lumos_compat.tools import is_validation_error
from tests.translate.ported import forget_package

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

_TOOLS = """import { createTool } from '@mastra/core/tools';
import { z } from 'zod';
import { makeSchema } from 'schema-kit';

const word = z.string().min(2);

export const listTool = createTool({
  id: 'list',
  description: 'Splits a text',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.array(z.string()),
  execute: async ({ text }) => text.split(' '),
});

export const wordTool = createTool({
  id: 'word',
  description: 'Echoes a word',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: word,
  execute: async ({ text }) => text,
});

export const maybeTool = createTool({
  id: 'maybe',
  description: 'Maybe an object',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.object({ text: z.string() }).nullable(),
  execute: async ({ text }) => (text === 'none' ? null : { text }),
});

export const anyTool = createTool({
  id: 'any',
  description: 'Anything goes',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.any(),
  execute: async ({ text }) => ({ said: text }),
});

export const unreadTool = createTool({
  id: 'unread',
  description: 'A schema from a library',
  inputSchema: makeSchema(),
  execute: async () => 'done',
});

export const deepTool = createTool({
  id: 'deep',
  description: 'Nested far too deep',
  inputSchema: DEEP,
});
"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("kinds")
    project = root / "project"
    shutil.copytree(FIXTURES / "weather-1x", project, ignore=shutil.ignore_patterns("node_modules"))
    deep = "z.object({ k: " * 800 + "z.string()" + " })" * 800
    (project / "src/mastra/tools/kinds.ts").write_text(_TOOLS.replace("DEEP", deep))
    out = root / "out"
    result = CliRunner().invoke(app, ["convert", str(project), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "MIGRATION_REPORT.json").read_text(encoding="utf-8"))
    package = report["package"]
    forget_package(package)
    sys.path.insert(0, str(out))
    try:
        importlib.invalidate_caches()
        module = importlib.import_module(f"{package}.tools.kinds")
    finally:
        sys.path.remove(str(out))
        forget_package(package)
    return module, report, out / package / "tools" / "kinds.py"


def _run(tool: Any, value: dict[str, Any]) -> Any:
    return asyncio.run(tool.execute(value))


def test_an_array_output_is_checked_by_its_json_schema(converted: Any) -> None:
    module, _, path = converted
    assert '"items": {"type": "string"}' in path.read_text()
    assert _run(module.list_tool, {"text": "a b"}) == ["a", "b"]


def test_a_named_string_schema_keeps_its_constraint(converted: Any) -> None:
    module, _, _ = converted
    assert _run(module.word_tool, {"text": "ok"}) == "ok"
    refused = _run(module.word_tool, {"text": "x"})
    assert is_validation_error(refused), refused
    assert "Tool output validation failed for word" in refused["message"]


def test_a_nullable_object_output(converted: Any) -> None:
    module, _, _ = converted
    assert _run(module.maybe_tool, {"text": "none"}) is None
    assert _run(module.maybe_tool, {"text": "hi"}) == {"text": "hi"}
    assert is_validation_error(_run(module.maybe_tool, {"text": 5}))


def test_z_any_and_an_unread_schema_give_no_schema(converted: Any) -> None:
    module, report, path = converted
    text = path.read_text()
    assert "output_schema=Any," not in text and "input_schema=Any," not in text
    assert _run(module.any_tool, {"text": "hi"}) == {"said": "hi"}
    assert module.unread_tool.id == "unread"
    todo = [
        e
        for e in report["needs_person"]
        if e["rule"] == "LM403" and "kinds.ts:" in e.get("location", "")
    ]
    messages = " | ".join(e["message"] for e in todo)
    assert "makeSchema" in messages
    # a schema the reader cannot follow is reported, not silently dropped
    assert "schema nested too deeply to read" in messages
    assert module.deep_tool.id == "deep"
