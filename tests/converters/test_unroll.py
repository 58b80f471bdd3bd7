"""Agents built by factory functions and module-level loops become one agent each."""

from __future__ import annotations

from pathlib import Path

from converters.ir import Project, RefValue, StringValue
from converters.scan import scan_project

PKG_1X = '{"dependencies": {"@mastra/core": "^1.2.0"}}'
AGENT = "import { Agent } from '@mastra/core/agent';\n"
MASTRA = "import { Mastra } from '@mastra/core/mastra';\n"


def scan(root: Path, files: dict[str, str]) -> Project:
    for rel, content in {"package.json": PKG_1X, **files}.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return scan_project(root)


def text(value: object) -> str:
    assert isinstance(value, StringValue), value
    return value.value


def lm201(project: Project) -> list[tuple[int, str]]:
    return [(d.loc.line, d.message) for d in project.diagnostics if d.rule == "LM201" and d.loc]


def test_factory_call_with_known_arguments_is_one_agent_at_its_call(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/config.ts": "export const base = { model: 'openai/gpt-4o-mini' };\n",
            "src/factory.ts": (
                AGENT + "import { base } from './config';\n"
                "export function makeSpecialist(topic: string, extra: string[] = [], sep = '\\n') {\n"
                "  const title = `${topic[0].toUpperCase()}${topic.slice(1)}`;\n"
                "  return new Agent({\n    ...base,\n    id: `${topic}-specialist`,\n"
                "    name: `${title} Specialist`,\n"
                "    instructions: [`About ${topic}.`, ...extra].join(sep),\n  });\n}\n"
            ),
            "src/agents.ts": (
                "import { makeSpecialist } from './factory';\n"
                "export const billingAgent = makeSpecialist('billing', ['In EUR.']);\n"
                "export const shippingAgent = makeSpecialist('shipping');\n"
                "export const mixedAgent = makeSpecialist('mixed', undefined, ' | ');\n"
            ),
        },
    )
    agents = {a.binding: a for a in p.agents}
    assert set(agents) == {"billingAgent", "shippingAgent", "mixedAgent"}
    billing = agents["billingAgent"]
    assert (billing.file, billing.loc.line, billing.loc.column) == ("src/agents.ts", 2, 29)
    assert billing.exported
    assert text(billing.id) == "billing-specialist"
    assert text(billing.name) == "Billing Specialist"
    assert text(billing.instructions) == "About billing.\nIn EUR."
    assert billing.model is not None
    assert text(agents["shippingAgent"].instructions) == "About shipping."
    assert text(agents["mixedAgent"].instructions) == "About mixed."
    assert lm201(p) == []


def test_factory_calls_that_cannot_be_unrolled_are_reported_at_the_call(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/agents.ts": (
                AGENT + "import { topicFromDb } from 'db';\n"
                "function make(topic: string) {\n"
                "  return new Agent({ id: topic, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
                "function noisy(topic: string) {\n  console.log(topic);\n"
                "  return new Agent({ id: topic, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
                "function picky({ topic }: { topic: string }) {\n"
                "  return new Agent({ id: topic, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
                "export const a = make(topicFromDb);\n"
                "export const b = noisy('b');\n"
                "export const c = picky({ topic: 'c' });\n"
                "export const d = make('d');\n"
            ),
        },
    )
    assert [a.binding for a in p.agents] == ["d"]
    found = lm201(p)
    by_line = {line: message for line, message in found}
    assert "`topicFromDb`" in by_line[13] and "not known statically" in by_line[13]
    assert "does more than build and return the agent" in by_line[14]
    assert "console.log(topic)" in by_line[14]
    assert "destructured" in by_line[15]
    # the factories themselves: `make` was unrolled at `d`; `noisy` and `picky` never were
    assert 4 not in by_line and 8 in by_line and 11 in by_line


def test_loop_over_known_constants_fills_the_registry_the_mastra_spreads(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/agents.ts": (
                AGENT + "const LANGUAGES = { de: 'German', fr: 'French' } as const;\n"
                "export const translators: Record<string, Agent> = {};\n"
                "for (const [code, language] of Object.entries(LANGUAGES)) {\n"
                "  const upper = code.toUpperCase();\n"
                "  translators[`translator_${code}`] = new Agent({\n"
                "    id: `translator-${code}`, name: `${language} (${upper})`,\n"
                "    instructions: `Into ${language}.`, model: 'openai/gpt-4o-mini',\n  });\n}\n"
                "export const list: Agent[] = [];\n"
                "for (const n of [1, 2]) {\n"
                "  list.push(new Agent({ id: `n${n}`, instructions: 'x', model: 'openai/gpt-4o' }));\n}\n"
            ),
            "src/index.ts": (
                MASTRA + "import { translators } from './agents';\n"
                "export const mastra = new Mastra({ agents: { ...translators } });\n"
            ),
        },
    )
    agents = {a.binding: a for a in p.agents}
    assert set(agents) == {"translator_de", "translator_fr", "list0", "list1"}
    assert [text(agents[b].id) for b in ("list0", "list1")] == ["n1", "n2"]
    assert text(agents["translator_fr"].name) == "French (FR)"
    assert text(agents["translator_de"].instructions) == "Into German."
    assert agents["translator_de"].loc.line == 6
    assert (agents["translator_fr"].container, agents["translator_fr"].container_key) == (
        "translators",
        "translator_fr",
    )
    assert (agents["list1"].container, agents["list1"].container_key) == ("list", None)
    assert p.mastra is not None
    registered = p.mastra.agents
    assert list(registered) == ["translator_de", "translator_fr"]
    assert all(isinstance(v, RefValue) for v in registered.values())
    assert registered["translator_fr"].target == "src/agents.ts#translator_fr"  # type: ignore[union-attr]
    assert lm201(p) == []


def test_loops_that_do_more_are_reported_with_the_reason(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/agents.ts": (
                AGENT + "import { languages } from 'remote-config';\n"
                "export const a: Record<string, Agent> = {};\n"
                "for (const code of languages) {\n"
                "  a[code] = new Agent({ id: code, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
                "export const b: Record<string, Agent> = {};\n"
                "for (const code of ['x']) {\n  register(code);\n"
                "  b[code] = new Agent({ id: code, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
            ),
        },
    )
    assert p.agents == []
    by_line = dict(lm201(p))
    assert "`languages`, which is not known statically" in by_line[5]
    assert "does more than store agents" in by_line[10] and "register(code)" in by_line[10]
