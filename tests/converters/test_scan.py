"""scan_project end to end: inline projects and the fixture projects under fixtures/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from converters.ir import Opaque, Project, RefValue, StringValue
from converters.scan import scan_project

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")
    return root


def test_malformed_file_among_good_ones(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^1.0.0"}}',
            "src/tools/good.ts": (
                "import { createTool } from '@mastra/core/tools';\n"
                "export const goodTool = createTool({ id: 'good', description: 'ok' });\n"
            ),
            "src/tools/broken.ts": (
                "import { createTool } from '@mastra/core/tools';\n"
                "export const fineTool = createTool({ id: 'fine', description: 'ok' });\n"
                "export const badTool = createTool({ id: 'bad', description: 'x', execute: async () => { return [1, 2; } });\n"
            ),
            "src/agents/latin1.ts": b"export const s = 'caf\xe9';\n",
            "src/agents/agent.ts": (
                "import { Agent } from '@mastra/core/agent';\nimport { goodTool } from '../tools/good';\n"
                "import { s } from './latin1';\n"
                "export const agent = new Agent({ id: 'a', instructions: s, model: 'openai/gpt-4o', tools: { goodTool } });\n"
            ),
        },
    )
    p = scan_project(tmp_path)
    assert {t.binding for t in p.tools} >= {"goodTool", "fineTool"}
    assert [a.binding for a in p.agents] == ["agent"]
    assert isinstance(p.agents[0].instructions, Opaque)
    assert "does not export it" in p.agents[0].instructions.reason
    syntax = [d for d in p.diagnostics if d.rule == "LM101"]
    assert syntax and all(d.loc is not None and d.loc.file == "src/tools/broken.ts" for d in syntax)
    assert syntax[0].loc is not None and syntax[0].loc.line == 3
    decode = [d for d in p.diagnostics if d.rule == "LM102"]
    assert [(d.loc.file, d.loc.line) for d in decode] == [("src/agents/latin1.ts", 1)]  # type: ignore[union-attr]
    broken = next(f for f in p.files if f.path == "src/tools/broken.ts")
    assert broken.parse_errors >= 1
    assert "src/agents/latin1.ts" not in {f.path for f in p.files}


def test_scan_json_round_trip_and_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/a.ts": "import { Agent } from '@mastra/core/agent';\nexport const a = new Agent({ id: 'a', instructions: 'x', model: 'openai/gpt-4o' });\n",
            "node_modules/@mastra/core/index.js": "export class Agent {}",
        },
    )
    p = scan_project(tmp_path)
    assert [f.path for f in p.files] == ["src/a.ts"]
    assert p.files[0].mastra_imports == ["@mastra/core/agent"]
    assert len(p.files[0].sha256) == 64 and p.files[0].language == "ts"
    assert p.version_reason == "no version found; assumed 1.x from subpath imports"
    assert "LM105" in [d.rule for d in p.diagnostics]
    again = Project.model_validate(json.loads(p.model_dump_json()))
    assert again.agents[0].binding == "a"


def test_empty_project_reports_no_files(tmp_path: Path) -> None:
    p = scan_project(tmp_path)
    assert "LM107" in [d.rule for d in p.diagnostics]


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.is_dir():
        pytest.skip(f"fixture {name} not present")
    return path


def test_fixture_weather_1x() -> None:
    p = scan_project(fixture("weather-1x"))
    assert p.api_generation == "1.x" and p.version_reason.startswith("package.json: @mastra/core")
    agent = next(a for a in p.agents if a.binding == "weatherAgent")
    assert isinstance(agent.instructions, StringValue) and agent.instructions.value
    assert set(agent.tools) == {"weatherTool"}
    assert p.mastra is not None and "weatherAgent" in p.mastra.agents
    assert [t.execute_style for t in p.tools] == ["1.x"]
    assert not [d for d in p.diagnostics if d.severity == "error"]


def test_fixture_legacy_0x() -> None:
    p = scan_project(fixture("legacy-0x"))
    assert p.api_generation == "0.x"
    assert all(t.execute_style == "0.x" for t in p.tools)
    assert all(a.id is None and a.name is not None for a in p.agents)
    assert any(w.generation == "legacy" for w in p.workflows)
    assert all(a.model is not None and a.model.form == "provider_call" for a in p.agents)


def test_fixture_cross_file() -> None:
    p = scan_project(fixture("cross-file"))
    support = next(a for a in p.agents if a.binding == "supportAgent")
    assert isinstance(support.instructions, StringValue)
    assert support.model is not None and isinstance(support.model.model_id, StringValue)
    targets = {k: v.target for k, v in support.tools.items() if isinstance(v, RefValue)}
    assert targets and all(
        t is not None and t.split("#")[0].startswith("src/mastra/tools/") for t in targets.values()
    )
    assert not [d for d in p.diagnostics if d.rule == "LM103"]


def test_fixture_malformed() -> None:
    p = scan_project(fixture("malformed"))
    bindings = {t.binding for t in p.tools}
    assert {"weatherTool", "stockLevelTool", "auditTool"} <= bindings
    assert "weatherAgent" in {a.binding for a in p.agents}
    assert {d.rule for d in p.diagnostics if d.severity == "error"} == {"LM101", "LM102"}


def test_fixture_dynamic_config() -> None:
    p = scan_project(fixture("dynamic-config"))
    assert p.assets  # prompts read with readFileSync
    assert p.working_dir_assets == ["prompts/system.md"]  # path.join(process.cwd(), ...)
    rules = {d.rule for d in p.diagnostics}
    assert "LM202" in rules
    # the factory calls and the loop over LANGUAGES are unrolled: nothing left to report
    assert "LM201" not in rules
    bindings = {a.binding for a in p.agents}
    assert {"billingAgent", "shippingAgent", "translator_de", "translator_fr"} <= bindings
