"""Unit tests of the compatibility suite's parts: scenarios, derivation, diff, Node side errors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from converters.cli import app
from converters.verify import AgentInfo, ScenarioError, default_scenarios, load_scenarios
from converters.verify.compare import diff, view
from converters.verify.derive import sample
from converters.verify.node import harness_script

SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 12},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "unit": {"enum": ["c", "f"]},
        "when": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "where": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/point"}]},
        "score": {"type": "number", "exclusiveMinimum": 0},
    },
    "required": ["city", "days"],
    "$defs": {
        "point": {
            "type": "object",
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
            "required": ["lat", "lon"],
        }
    },
}


def test_sample_is_valid_for_its_schema() -> None:
    value = sample(SCHEMA)
    jsonschema.validate(value, SCHEMA)
    assert (
        value["unit"] == "c" and len(value["tags"]) == 2 and value["where"] == {"lat": 1, "lon": 1}
    )


def _agent(**kw: object) -> AgentInfo:
    base = {
        "key": "weatherAgent",
        "id": "weather-agent",
        "model": {"kind": "router", "spec": "openai/gpt-4o-mini", "provider": "openai"},
        "mode": "openai-router",
    }
    return AgentInfo.model_validate({**base, **kw})


def test_default_scenarios_cover_tools_parallel_steps_stream_and_structured_output() -> None:
    tools = {
        "weather": {"id": "get-weather", "input_schema": SCHEMA},
        "clock": {
            "id": "clock",
            "output_schema": {"type": "object", "properties": {"t": {"type": "string"}}},
        },
    }
    agent = _agent(tools=tools, agents=["helper"], structured_output={"type": "object"})
    by_name = {s.name: s for s in default_scenarios(agent)}
    assert list(by_name) == [
        "plain-reply",
        "tool-weather",
        "tool-clock",
        "tool-agent-helper",
        "parallel-tools",
        "step-limit",
        "stream-tool-roundtrip",
        "structured-output",
    ]
    call = by_name["tool-weather"].script[0].tool_calls[0]
    jsonschema.validate(call.arguments, SCHEMA)
    assert by_name["tool-clock"].tool_outputs == {"clock": {"t": "example"}}
    assert len(by_name["parallel-tools"].script[0].tool_calls) == 2
    assert by_name["step-limit"].options == {"maxSteps": 2}
    assert by_name["stream-tool-roundtrip"].method == "stream"
    assert [t.text for t in by_name["tool-agent-helper"].script[1:]] == [
        "The sub-agent's answer.",
        "Done with agent-helper.",
    ]
    plain = {s.name for s in default_scenarios(_agent())}
    assert plain == {"plain-reply", "stream-reply"}


def test_load_scenarios_reads_objects_and_lists_and_reports_errors(tmp_path: Path) -> None:
    one = {"name": "hello", "messages": "Hi", "script": [{"text": "Hello"}]}
    (tmp_path / "a.json").write_text(json.dumps(one))
    (tmp_path / "b.json").write_text(json.dumps([{**one, "name": "two", "agent": "x"}]))
    loaded = load_scenarios(tmp_path)
    assert [(s.name, s.agent) for s in loaded] == [("hello", None), ("two", "x")]
    (tmp_path / "c.json").write_text(json.dumps({"name": "bad", "script": [], "methd": "stream"}))
    with pytest.raises(ScenarioError, match=r"c\.json: not a valid scenario: methd"):
        load_scenarios(tmp_path)
    (tmp_path / "c.json").write_text("{nope")
    with pytest.raises(ScenarioError, match=r"c\.json:1:2: not valid JSON"):
        load_scenarios(tmp_path)


def test_diff_gives_paths_and_ignores_only_undefined() -> None:
    mastra = {
        "requests": [
            {"path": "/v1/chat/completions", "body": {"tools": [{"name": "a"}], "x": "<undefined>"}}
        ],
        "result": {"text": "hi", "steps": [{"finishReason": "stop"}], "usage": {"inputTokens": 1}},
    }
    port = {
        "requests": [{"path": "/v1/chat/completions", "body": {"tools": [{"name": "b"}]}}],
        "result": {
            "text": "hi",
            "steps": [{"finishReason": "stop"}],
            "usage": {"inputTokens": 1.0},
        },
    }
    found = diff(view(mastra), view(port))
    assert [d.path for d in found] == ["requests[0].body.tools[0].name"]
    assert found[0].describe() == 'requests[0].body.tools[0].name: Mastra "a" | port "b"'
    assert diff(view(mastra), view(mastra)) == []


def test_harness_finds_the_packages_a_project_imports(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.ts").write_text(
        "import { Agent } from '@mastra/core/agent';\n"
        "import type { Foo } from 'types-only';\n"
        "import fs from 'node:fs';\nimport path from 'path';\n"
        "import { x } from './local';\nimport { y } from '@/alias';\n"
        "export { z } from 'zod';\nconst m = await import('@ai-sdk/openai');\n"
        "import {\n  LibSQLStore,\n} from '@mastra/libsql';\n"
    )
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "ignored.ts").write_text("import 'nope';")
    cache = harness_script().with_name("cache.mjs").as_uri()
    script = f"import {{ importedPackages }} from '{cache}';\nconsole.log(JSON.stringify(importedPackages(process.argv[1])));"
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == ["@ai-sdk/openai", "@mastra/core", "@mastra/libsql", "zod"]


test_harness_finds_the_packages_a_project_imports = pytest.mark.needs_node(
    test_harness_finds_the_packages_a_project_imports
)


def test_verify_exits_4_with_instructions_when_node_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUMOS_NODE", str(tmp_path / "no-such-node"))
    project, port = tmp_path / "project", tmp_path / "port"
    project.mkdir()
    (port / "pkg").mkdir(parents=True)
    (port / "pkg" / "__init__.py").write_text("")
    result = CliRunner().invoke(app, ["verify", str(project), str(port)])
    assert result.exit_code == 4
    assert "Node.js was not found" in result.output and "nodejs.org" in result.output


def test_verify_rejects_a_bad_scenarios_folder(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "x.json").write_text("[1]")
    result = CliRunner().invoke(
        app, ["verify", str(tmp_path), str(tmp_path), "--scenarios", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "expected a JSON object" in result.output


def test_ported_project_imports_its_own_package_over_a_stale_one(tmp_path: Path) -> None:
    """A package of the same name already imported from elsewhere must not shadow the port."""
    from converters.verify.python_side import PortedProject

    for label in ("old", "new"):
        package = tmp_path / label / "shop_port"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            "from lumos_compat import Agent\n"
            f"agent = Agent(id='{label}-agent', instructions='x', model='openai/gpt-4o-mini')\n"
        )
    stale = PortedProject(tmp_path / "old" / "shop_port")
    assert list(stale.load()) == ["old-agent"]  # left imported: no unload()
    fresh = PortedProject(tmp_path / "new" / "shop_port")
    try:
        assert list(fresh.load()) == ["new-agent"]
    finally:
        fresh.unload()


def test_a_0x_project_gets_the_0x_pin_and_its_own_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generation the scan detects picks the Mastra the project is verified with; each
    generation's pin and cache folder are overridable on their own."""
    from converters.verify.node import default_home, pinned_version

    for name in ("LUMOS_MASTRA_VERSION", "LUMOS_MASTRA_0X_VERSION", "LUMOS_MASTRA_0X_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LUMOS_MASTRA_HOME", str(tmp_path / "one"))
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    assert pinned_version(fixtures / "legacy-0x") == "0.24.9"
    assert pinned_version(fixtures / "memory-0x") == "0.24.9"
    assert pinned_version(fixtures / "weather-1x") == "1.71.0"
    # LUMOS_MASTRA_HOME is a 1.x install: a 0.x Mastra never lands in it
    assert default_home("1.71.0") == (tmp_path / "one").resolve()
    assert default_home("0.24.9").name == "mastra-0.24.9"
    monkeypatch.setenv("LUMOS_MASTRA_0X_HOME", str(tmp_path / "zero"))
    monkeypatch.setenv("LUMOS_MASTRA_0X_VERSION", "0.23.3")
    assert default_home("0.24.9") == (tmp_path / "zero").resolve()
    assert pinned_version(fixtures / "legacy-0x") == "0.23.3"


@pytest.mark.needs_node
def test_harness_pins_the_packages_of_each_generation(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"dependencies": {"@mastra/core": "^0.10.9", "left-pad": "^1.3.0"}})
    )
    cache = harness_script().with_name("cache.mjs").as_uri()
    script = (
        f"import {{ coreVersionFor, specFor }} from '{cache}';\n"
        "const v = coreVersionFor(process.argv[1]);\n"
        "const names = ['@mastra/core', 'zod', '@ai-sdk/openai', '@mastra/memory', 'left-pad'];\n"
        "const ranges = { 'left-pad': '^1.3.0' };\n"
        "console.log(JSON.stringify([v, names.map((n) => specFor(n, v, ranges)),"
        " names.map((n) => specFor(n, '1.71.0', ranges))]));"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMOS_MASTRA")}
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    version, zero, one = json.loads(out.stdout)
    assert version == "0.24.9"
    assert zero == [
        "@mastra/core@0.24.9",
        "zod@^3.25",
        "@ai-sdk/openai@^1",
        "@mastra/memory@0.15.13",
        "left-pad@^1.3.0",
    ]
    assert one == [
        "@mastra/core@1.71.0",
        "zod@^4",
        "@ai-sdk/openai@^2",
        "@mastra/memory@1.31.0",
        "left-pad@^1.3.0",
    ]


def test_0x_agents_get_a_legacy_options_scenario_and_v4_stream_text_is_compared() -> None:
    legacy = _agent().model_copy(update={"api": "0.x"})
    by_name = {s.name: s for s in default_scenarios(legacy)}
    assert by_name["legacy-options"].options == {"temperature": 0.3, "maxTokens": 64}
    assert "legacy-options" not in {s.name for s in default_scenarios(_agent())}
    # AI SDK v4 stream parts (Mastra 0.x) carry their text in textDelta, without a payload
    v4 = view(
        {
            "chunks": [
                {"type": "text-delta", "textDelta": "Hi "},
                {"type": "text-delta", "textDelta": "there"},
            ]
        }
    )
    v5 = view({"chunks": [{"type": "text-delta", "payload": {"id": "1", "text": "Hi there"}}]})
    assert v4["stream"]["text"] == v5["stream"]["text"] == "Hi there"
    assert diff(v4["stream"]["chunks"], v5["stream"]["chunks"])
