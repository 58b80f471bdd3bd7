"""Ported projects of shapes the fixtures do not have, run and compared with real Mastra.

Tool, step and workflow schemas whose pydantic type is not a model class (an array, a string, a
nullable object, z.any(), a schema the converter could not read): the ported module imports,
``create_tool``/``create_step`` get a ``RootModel`` of the type (or no schema), never a bare type
they refuse, and the tool returns and refuses what Mastra's returns and refuses. Workflows that
pass arrays between steps (``.foreach``, ``.branch``) and reuse a step in two loops. Every
expected value was recorded from ``@mastra/core`` 1.71.0 running the same TypeScript under Node
(``tool.execute(...)``, ``workflow.createRun().start(...)``).
"""

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
from lumos_compat.results import to_plain
from lumos_compat.schema import DRAFT_07, to_json_schema
from lumos_compat.tools import to_jsonable
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
  execute: async ({ text }) => (text === 'bad' ? [1, 'a'] : text.split(' ')),
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
  execute: async ({ text }) =>
    text === 'none' ? null : text === 'bad' ? { text: 5 } : { text, extra: 1 },
});

export const pairTool = createTool({
  id: 'pair',
  description: 'A pair',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.tuple([z.string(), z.number()]),
  execute: async ({ text }) => JSON.parse(text),
});

export const colorsTool = createTool({
  id: 'colors',
  description: 'A value per color',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.record(z.enum(['red', 'green']), z.string()),
  execute: async ({ text }) => JSON.parse(text),
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

_WORKFLOW = """import { createStep, createWorkflow } from '@mastra/core/workflows';
import { z } from 'zod';

const splitStep = createStep({
  id: 'split',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.array(z.string()),
  execute: async ({ inputData }) => inputData.text.split(' '),
});

const countStep = createStep({
  id: 'count',
  inputSchema: z.array(z.string()),
  outputSchema: z.object({ count: z.number() }),
  execute: async ({ inputData }) => ({ count: inputData.length }),
});

export const kindsWorkflow = createWorkflow({
  id: 'kinds',
  inputSchema: z.object({ text: z.string() }),
  outputSchema: z.object({ count: z.number() }),
})
  .then(splitStep)
  .then(countStep)
  .commit();
"""

_CONTROL = """import { createStep, createWorkflow } from '@mastra/core/workflows';
import { z } from 'zod';

const fetchItems = createStep({
  id: 'fetch-items',
  inputSchema: z.object({ count: z.number().int().min(1) }),
  outputSchema: z.array(z.object({ id: z.string(), score: z.number() })),
  execute: async ({ inputData }) =>
    [{ id: 'a', score: inputData.count }, { id: 'b', score: 3 }],
});

const scoreItem = createStep({
  id: 'score-item',
  inputSchema: z.object({ id: z.string(), score: z.number() }),
  outputSchema: z.object({ id: z.string(), doubled: z.number() }),
  execute: async ({ inputData }) => ({ id: inputData.id, doubled: inputData.score * 2 }),
});

const summarize = createStep({
  id: 'summarize',
  inputSchema: z.array(z.object({ id: z.string(), doubled: z.number() })),
  outputSchema: z.object({ total: z.number() }),
  execute: async ({ inputData }) => ({ total: inputData.reduce((sum, item) => sum + item.doubled, 0) }),
});

const high = createStep({
  id: 'high',
  inputSchema: z.object({ total: z.number() }),
  outputSchema: z.object({ label: z.string() }),
  execute: async () => ({ label: 'high' }),
});

const low = createStep({
  id: 'low',
  inputSchema: z.object({ total: z.number() }),
  outputSchema: z.object({ label: z.string() }),
  execute: async () => ({ label: 'low' }),
});

export const controlWorkflow = createWorkflow({
  id: 'control',
  inputSchema: z.object({ count: z.number().int().min(1) }),
  outputSchema: z.object({ high: z.object({ label: z.string() }).optional(), low: z.object({ label: z.string() }).optional() }),
})
  .then(fetchItems)
  .foreach(scoreItem, { concurrency: 2 })
  .then(summarize)
  .branch([
    [async ({ inputData }) => inputData.total > 10, high],
    [async ({ inputData }) => inputData.total <= 10, low],
  ])
  .commit();
"""

_LOOPS = """import { createStep, createWorkflow } from '@mastra/core/workflows';
import { z } from 'zod';

const addOne = createStep({
  id: 'add-one',
  inputSchema: z.object({ value: z.number() }),
  outputSchema: z.object({ value: z.number() }),
  execute: async ({ inputData }) => ({ value: inputData.value + 1 }),
});

const double = createStep({
  id: 'double',
  inputSchema: z.object({ value: z.number() }),
  outputSchema: z.object({ doubled: z.number() }),
  execute: async ({ inputData }) => ({ doubled: inputData.value * 2 }),
});

const square = createStep({
  id: 'square',
  inputSchema: z.object({ value: z.number() }),
  outputSchema: z.object({ squared: z.number() }),
  execute: async ({ inputData }) => ({ squared: inputData.value * inputData.value }),
});

const combine = createStep({
  id: 'combine',
  inputSchema: z.object({ double: z.object({ doubled: z.number() }), square: z.object({ squared: z.number() }) }),
  outputSchema: z.object({ sum: z.number() }),
  execute: async ({ inputData }) => ({ sum: inputData.double.doubled + inputData.square.squared }),
});

const addOneAgain = createStep({
  id: 'add-one-again',
  inputSchema: z.object({ value: z.number() }),
  outputSchema: z.object({ value: z.number() }),
  execute: async ({ inputData }) => ({ value: inputData.value + 1 }),
});

export const loopsWorkflow = createWorkflow({
  id: 'loops',
  inputSchema: z.object({ value: z.number() }),
  outputSchema: z.object({ sum: z.number() }),
})
  .dountil(addOne, async ({ inputData }) => inputData.value >= 5)
  .parallel([double, square])
  .then(combine)
  .map(async ({ inputData }) => ({ value: inputData.sum }))
  .dowhile(addOne, async ({ inputData }) => inputData.value < 50)
  .map(async ({ inputData }) => ({ sum: inputData.value }))
  .commit();
"""

_AGENT = """import { Agent } from '@mastra/core/agent';
import { z } from 'zod';

export const tagsSchema = z.array(z.string()).max(5);

export const taggerAgent = new Agent({
  id: 'tagger',
  name: 'Tagger',
  instructions: 'Tag the text.',
  model: 'openai/gpt-4o-mini',
  defaultOptions: {
    structuredOutput: { schema: tagsSchema },
  },
});
"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("kinds")
    project = root / "project"
    shutil.copytree(FIXTURES / "weather-1x", project, ignore=shutil.ignore_patterns("node_modules"))
    deep = "z.object({ k: " * 800 + "z.string()" + " })" * 800
    (project / "src/mastra/tools/kinds.ts").write_text(_TOOLS.replace("DEEP", deep))
    (project / "src/mastra/workflows/kinds.ts").write_text(_WORKFLOW)
    (project / "src/mastra/agents/tagger.ts").write_text(_AGENT)
    (project / "src/mastra/workflows/control.ts").write_text(_CONTROL)
    (project / "src/mastra/workflows/loops.ts").write_text(_LOOPS)
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
        workflows = importlib.import_module(f"{package}.workflows.kinds")
        agents = importlib.import_module(f"{package}.agents.tagger")
        control = importlib.import_module(f"{package}.workflows.control")
        loops = importlib.import_module(f"{package}.workflows.loops")
    finally:
        sys.path.remove(str(out))
        forget_package(package)
    module.workflows = workflows  # type: ignore[attr-defined]
    module.agents = agents  # type: ignore[attr-defined]
    module.control = control  # type: ignore[attr-defined]
    module.loops = loops  # type: ignore[attr-defined]
    return module, report, out / package / "tools" / "kinds.py"


def _run(tool: Any, value: dict[str, Any]) -> Any:
    return asyncio.run(tool.execute(value))


def _start(workflow: Any, input_data: dict[str, Any]) -> Any:
    """One run of a ported workflow: ``createRun().start({ inputData })``."""

    async def run() -> Any:
        created = await workflow.create_run()
        return await created.start(input_data=input_data)

    return asyncio.run(run())


def _refusal(tool: str, lines: str, returned: str) -> str:
    return (
        f"Tool output validation failed for {tool}. The tool returned invalid output:\n{lines}"
        f"\n\nReturned output: {returned}"
    )


def test_an_array_output(converted: Any) -> None:
    module, _, path = converted
    assert "class ListToolOutput(RootModel[list[str]]):" in path.read_text()
    assert _run(module.list_tool, {"text": "a b"}) == ["a", "b"]
    refused = _run(module.list_tool, {"text": "bad"})
    assert refused == {
        "error": True,
        "message": _refusal(
            "list",
            "- 0: Invalid input: expected string, received number",
            '[\n  1,\n  "a"\n]',
        ),
        "validation_errors": {
            "errors": [],
            "fields": {
                "0": {"errors": ["Invalid input: expected string, received number"], "fields": {}}
            },
        },
    }


def test_a_named_string_schema_keeps_its_constraint(converted: Any) -> None:
    module, _, path = converted
    assert "RootModel[Annotated[str, Field(min_length=2)]]" in path.read_text()
    assert _run(module.word_tool, {"text": "ok"}) == "ok"
    too_small = "Too small: expected string to have >=2 characters"
    assert _run(module.word_tool, {"text": "x"}) == {
        "error": True,
        "message": _refusal("word", f"- root: {too_small}", '"x"'),
        "validation_errors": {"errors": [too_small], "fields": {}},
    }


def test_a_tuple_and_an_enum_keyed_record_output(converted: Any) -> None:
    module, _, _ = converted
    assert _run(module.pair_tool, {"text": '["a", 1]'}) == ("a", 1)
    refused = _run(module.pair_tool, {"text": "[]"})
    small = "Too small: expected array to have >=2 items"
    assert refused["message"] == _refusal("pair", f"- root: {small}", "[]")
    assert _run(module.colors_tool, {"text": '{"red": "r", "green": "g"}'}) == {
        "red": "r",
        "green": "g",
    }
    refused = _run(module.colors_tool, {"text": '"abc"'})
    record = "Invalid input: expected record, received string"
    assert refused["message"] == _refusal("colors", f"- root: {record}", '"abc"')


def test_a_nullable_object_output(converted: Any) -> None:
    module, _, _ = converted
    assert _run(module.maybe_tool, {"text": "none"}) is None
    result = _run(module.maybe_tool, {"text": "hi"})  # the unknown key stripped, as zod does
    assert to_jsonable(result) == {"text": "hi"}
    refused = _run(module.maybe_tool, {"text": "bad"})
    assert refused["message"] == _refusal(
        "maybe", "- text: Invalid input: expected string, received number", '{\n  "text": 5\n}'
    )


def test_z_any_checks_nothing_and_an_unread_schema_gives_no_schema(converted: Any) -> None:
    module, report, path = converted
    text = path.read_text()
    assert "output_schema=Any," not in text and "input_schema=Any," not in text
    assert "class AnyToolOutput(RootModel[Any]):" in text
    assert to_json_schema(module.AnyToolOutput) == {"$schema": DRAFT_07}  # zod's, for z.any()
    assert _run(module.any_tool, {"text": "hi"}) == {"said": "hi"}
    assert "input_schema=" not in text.split("unread_tool = create_tool(")[1].split(")")[0]
    # the tool `any`'s function does not shadow the builtin for the module
    assert "execute=any_" in text and "any" not in vars(module)
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


def test_steps_with_an_array_output_and_input(converted: Any) -> None:
    """An array passed from step to step, as @mastra/core 1.71.0 runs it: both steps translated,
    the second reading the plain list."""
    module, report, _ = converted
    workflows = module.workflows

    result = _start(workflows.kinds_workflow, {"text": "a b c"})
    assert result["status"] == "success"
    assert result["result"] == {"count": 3}
    assert result["steps"]["split"]["output"] == ["a", "b", "c"]
    assert result["steps"]["count"]["output"] == {"count": 3}
    where = "src/mastra/workflows/kinds.ts"
    assert not any(e.get("location", "").startswith(where) for e in report["needs_person"])
    translated = " ".join(e["message"] for e in report["notes"] if e["rule"] == "LM372")
    assert "step `splitStep`" in translated and "step `countStep`" in translated


def test_an_agent_structured_output_that_is_an_array(converted: Any) -> None:
    """The agent module imports, and its structured output schema is a model class the runtime
    takes, carrying the array's bound."""
    module, _, path = converted
    agents = module.agents
    text = (path.parent.parent / "agents" / "tagger.py").read_text()
    assert "class TaggerAgentOutput(RootModel[Annotated[list[str], Field(max_length=5)]]):" in text
    assert to_json_schema(agents.TaggerAgentOutput) == {
        "$schema": DRAFT_07,
        "type": "array",
        "items": {"type": "string"},
        "maxItems": 5,
    }


@pytest.mark.parametrize(
    ("count", "result", "outputs"),
    [
        # recorded from @mastra/core 1.71.0 running the same TypeScript (run.start, Node)
        (
            4,
            {"high": {"label": "high"}},
            {
                "fetch-items": [{"id": "a", "score": 4}, {"id": "b", "score": 3}],
                "score-item": [{"id": "a", "doubled": 8}, {"id": "b", "doubled": 6}],
                "summarize": {"total": 14},
                "high": {"label": "high"},
            },
        ),
        (
            1,
            {"low": {"label": "low"}},
            {
                "fetch-items": [{"id": "a", "score": 1}, {"id": "b", "score": 3}],
                "score-item": [{"id": "a", "doubled": 2}, {"id": "b", "doubled": 6}],
                "summarize": {"total": 8},
                "low": {"label": "low"},
            },
        ),
    ],
)
def test_foreach_over_an_array_step_then_branch(
    converted: Any, count: int, result: Any, outputs: dict[str, Any]
) -> None:
    """An array output fanned out with .foreach, gathered into a step whose input is an array,
    then .branch: every step translated, the same outputs as Mastra."""
    module, report, _ = converted

    ran = _start(module.control.control_workflow, {"count": count})
    assert ran["status"] == "success"
    assert to_plain(ran["result"]) == result
    assert {k: to_plain(v["output"]) for k, v in ran["steps"].items() if k != "input"} == outputs
    where = "src/mastra/workflows/control.ts"
    assert not any(e.get("location", "").startswith(where) for e in report["needs_person"])


@pytest.mark.parametrize(
    ("start", "iterations"),
    # recorded from @mastra/core 1.71.0: the sum is 50 both times, and add-one's last record
    # counts 50 and 43 iterations
    [(0, 50), (7, 43)],
)
def test_a_step_used_in_two_loops_starts_its_second_loop_as_mastra_does(
    converted: Any, start: int, iterations: int
) -> None:
    """.dountil(addOne) ... .dowhile(addOne): Mastra starts the second loop from the input
    addOne was last given (its record of the first loop), not from the previous step's output,
    and counts on from the first loop's iterations."""
    module, _, _ = converted

    ran = _start(module.loops.loops_workflow, {"value": start})
    assert ran["status"] == "success"
    assert to_plain(ran["result"]) == {"sum": 50}
    assert ran["steps"]["add-one"]["metadata"]["iterationCount"] == iterations
