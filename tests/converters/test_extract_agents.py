"""Agents and their models (converters.extract.agents, converters.extract.models)."""

from __future__ import annotations

from pathlib import Path

from converters.ir import (
    CallValue,
    EnvValue,
    FunctionValue,
    ObjectValue,
    Project,
    RefValue,
    StringValue,
    TemplateValue,
)
from converters.scan import scan_project

PKG_1X = '{"dependencies": {"@mastra/core": "^1.2.0"}}'
PKG_0X = '{"dependencies": {"@mastra/core": "^0.10.5"}}'


def scan(root: Path, files: dict[str, str]) -> Project:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return scan_project(root)


def rules(project: Project) -> list[str]:
    return [d.rule for d in project.diagnostics]


def test_agent_1x_full_config(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": PKG_1X,
            "src/tools.ts": (
                "import { createTool } from '@mastra/core/tools';\n"
                "export const weatherTool = createTool({ id: 'get-weather', description: 'w' });\n"
            ),
            "src/prompts.ts": "export const RULES = ['Be brief.', 'Cite sources.'];\n",
            "src/agent.ts": (
                "import { Agent } from '@mastra/core/agent';\n"
                "import { Memory } from '@mastra/memory';\n"
                "import { weatherTool } from './tools';\n"
                "import { RULES } from './prompts';\n"
                "const helper = new Agent({ id: 'helper', name: 'Helper', model: 'openai/gpt-4o-mini', instructions: 'help' });\n"
                "export const weatherAgent = new Agent({\n"
                "  id: 'weather-agent',\n  name: 'Weather Agent',\n  description: `Weather for ${'you'}`,\n"
                "  instructions: ['You are a weather agent.', ...RULES].join('\\n'),\n"
                "  model: 'openai/gpt-4o',\n"
                "  tools: { weatherTool, forecast: weatherTool },\n"
                "  agents: { helper },\n"
                "  memory: new Memory(),\n"
                "  defaultOptions: { maxSteps: 3 },\n"
                "  maxRetries: 2,\n"
                "});\n"
            ),
        },
    )
    assert p.api_generation == "1.x"
    agents = {a.binding: a for a in p.agents}
    assert set(agents) == {"helper", "weatherAgent"}
    a = agents["weatherAgent"]
    assert a.exported and a.file == "src/agent.ts" and a.loc.line == 6
    assert a.id == StringValue(value="weather-agent", loc=a.id.loc)  # type: ignore[union-attr]
    assert isinstance(a.description, StringValue) and a.description.value == "Weather for you"
    assert isinstance(a.instructions, StringValue)
    assert a.instructions.value == "You are a weather agent.\nBe brief.\nCite sources."
    assert a.model is not None and (a.model.form, a.model.provider) == ("router", "openai")
    assert isinstance(a.model.model_id, StringValue) and a.model.model_id.value == "openai/gpt-4o"
    assert {k: v.target for k, v in a.tools.items()} == {  # type: ignore[union-attr]
        "weatherTool": "src/tools.ts#weatherTool",
        "forecast": "src/tools.ts#weatherTool",
    }
    assert (
        isinstance(a.agents["helper"], RefValue)
        and a.agents["helper"].target == "src/agent.ts#helper"
    )
    assert isinstance(a.memory, RefValue) and a.memory.target == "src/agent.ts#weatherAgentMemory"
    assert [m.binding for m in p.memories] == ["weatherAgentMemory"]
    assert isinstance(a.default_options, ObjectValue) and "maxSteps" in a.default_options.entries
    assert list(a.other_options) == ["maxRetries"]
    assert a.tools_source is None and not a.spreads
    assert "LM201" not in rules(p)


def test_agent_0x_form_and_provider_models(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": PKG_0X,
            "src/agents.ts": (
                "import { Agent } from '@mastra/core';\n"
                "import { openai, createOpenAI } from '@ai-sdk/openai';\n"
                "import { anthropic } from '@ai-sdk/anthropic';\n"
                "import { google } from '@ai-sdk/google';\n"
                "import { createOpenAICompatible } from '@ai-sdk/openai-compatible';\n"
                "const lmstudio = createOpenAICompatible({ name: 'lmstudio', baseURL: process.env.LMSTUDIO_URL ?? 'http://127.0.0.1:1234/v1' });\n"
                "const gateway = createOpenAI({ baseURL: 'https://gw.example/v1', apiKey: process.env.GW_KEY });\n"
                "export const a1 = new Agent({ name: 'A1', instructions: 'x', model: openai('gpt-4o'), defaultGenerateOptions: { maxSteps: 5 } });\n"
                "export const a2 = new Agent({ name: 'A2', instructions: 'x', model: openai.chat('gpt-4o-mini') });\n"
                "export const a3 = new Agent({ name: 'A3', instructions: 'x', model: anthropic('claude-3-5-sonnet') });\n"
                "export const a4 = new Agent({ name: 'A4', instructions: 'x', model: google('gemini-2.0-flash') });\n"
                "export const a5 = new Agent({ name: 'A5', instructions: 'x', model: createOpenAI({ baseURL: 'http://x/v1', apiKey: 'k' })('m') });\n"
                "export const a6 = new Agent({ name: 'A6', instructions: 'x', model: lmstudio('qwen') });\n"
                "export const a7 = new Agent({ name: 'A7', instructions: 'x', model: gateway.responses('gpt-5') });\n"
            ),
        },
    )
    assert p.api_generation == "0.x"
    m = {a.binding: a.model for a in p.agents}
    assert all(spec is not None and spec.form == "provider_call" for spec in m.values())
    assert (m["a1"].provider, m["a1"].api) == ("openai", None)  # type: ignore[union-attr]
    assert (m["a2"].provider, m["a2"].api) == ("openai", "chat")  # type: ignore[union-attr]
    assert m["a3"].provider == "anthropic" and m["a4"].provider == "google"  # type: ignore[union-attr]
    a5 = m["a5"]
    assert a5 is not None and a5.provider == "openai" and set(a5.settings) == {"baseURL", "apiKey"}
    a6 = m["a6"]
    assert a6 is not None and a6.provider == "openai-compatible"
    assert isinstance(a6.settings["name"], StringValue) and a6.settings["name"].value == "lmstudio"
    assert isinstance(a6.settings["baseURL"], EnvValue)
    assert isinstance(a6.model_id, StringValue) and a6.model_id.value == "qwen"
    a7 = m["a7"]
    assert a7 is not None and a7.api == "responses" and isinstance(a7.settings["apiKey"], EnvValue)
    a1 = next(a for a in p.agents if a.binding == "a1")
    assert a1.id is None and isinstance(a1.name, StringValue)
    assert isinstance(a1.default_options, ObjectValue)


def test_model_forms_router_env_custom_dynamic_fallback(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": PKG_1X,
            "src/models.ts": "export const MODEL = `${process.env.PROVIDER ?? 'openai'}/${process.env.MODEL_NAME}`;\n",
            "src/agents.ts": (
                "import { Agent } from '@mastra/core/agent';\nimport { openai } from '@ai-sdk/openai';\n"
                "import { MODEL } from './models';\n"
                "export const r = new Agent({ id: 'r', instructions: 'x', model: MODEL });\n"
                "export const e = new Agent({ id: 'e', instructions: 'x', model: process.env.MODEL ?? 'anthropic/claude-3-5-haiku' });\n"
                "export const c = new Agent({ id: 'c', instructions: 'x', model: { id: 'lmstudio/qwen', url: 'http://127.0.0.1:1234/v1', apiKey: process.env.KEY } });\n"
                "export const d = new Agent({ id: 'd', instructions: 'x', model: ({ requestContext }) => requestContext.get('m') });\n"
                "export const f = new Agent({ id: 'f', instructions: 'x', model: [{ model: 'openai/gpt-4o', maxRetries: 2 }, { model: openai('gpt-4o-mini') }] });\n"
                "export const o = new Agent({ id: 'o', instructions: 'x', model: pickModel() });\n"
                "function pickModel() { return 'openai/gpt-4o'; }\n"
            ),
        },
    )
    m = {a.binding: a.model for a in p.agents}
    r = m["r"]
    assert r is not None and r.form == "router" and isinstance(r.model_id, TemplateValue)
    e = m["e"]
    assert (
        e is not None
        and e.form == "router"
        and e.provider == "anthropic"
        and isinstance(e.model_id, EnvValue)
    )
    c = m["c"]
    assert c is not None and c.form == "custom" and c.provider == "lmstudio"
    assert set(c.settings) == {"url", "apiKey"}
    d = m["d"]
    assert d is not None and d.form == "dynamic" and isinstance(d.function, FunctionValue)
    f = m["f"]
    assert (
        f is not None
        and f.form == "fallback"
        and [x.form for x in f.fallbacks] == ["router", "provider_call"]
    )
    assert "maxRetries" in f.fallbacks[0].settings
    o = m["o"]
    assert o is not None and o.form == "opaque" and isinstance(o.model_id, CallValue)
    assert {"LM205", "LM206"} <= set(rules(p))


def test_agents_in_uncalled_factories_and_callbacks_are_reported(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": PKG_1X,
            "src/agents.ts": (
                "import { Agent } from '@mastra/core/agent';\n"
                "export function makeAgent(name: string) {\n  return new Agent({ id: name, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
                "export const many = ['a', 'b'].map((n) => new Agent({ id: n, instructions: 'x', model: 'openai/gpt-4o' }));\n"
                "const registry = {};\nfor (const n of ['c']) {\n  registry[n] = new Agent({ id: n, instructions: 'x', model: 'openai/gpt-4o' });\n}\n"
            ),
        },
    )
    # the loop over a known array is unrolled (tests/converters/test_unroll.py); a factory never
    # called at module level and a `.map` callback are not
    assert [a.binding for a in p.agents] == ["c"]
    factory = [d for d in p.diagnostics if d.rule == "LM201"]
    assert [(d.loc.line, "loop" in d.message) for d in factory] == [
        (3, False),
        (5, False),
    ]  # type: ignore[union-attr]


def test_spreads_dynamic_instructions_and_top_level_await_tools(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": PKG_1X,
            "src/shared.ts": "export const shared = { model: 'openai/gpt-4o', maxRetries: 1 };\n",
            "src/agent.ts": (
                "import { Agent } from '@mastra/core/agent';\nimport { MCPClient } from '@mastra/mcp';\n"
                "import { shared } from './shared';\nimport { extra } from 'elsewhere';\n"
                "const mcp = new MCPClient({ servers: { docs: { url: new URL('http://127.0.0.1:9/mcp') } } });\n"
                "export const a = new Agent({\n  ...shared,\n  ...extra,\n  id: 'a',\n"
                "  instructions: ({ requestContext }) => `Hi ${requestContext.get('user')}`,\n"
                "  tools: await mcp.listTools(),\n});\n"
                "export const b = new Agent({ id: 'b', model: 'openai/gpt-4o', instructions: `Hi ${someGlobal}`,\n"
                "  tools: { ...(await mcp.getTools()) } });\n"
            ),
        },
    )
    a = next(x for x in p.agents if x.binding == "a")
    assert a.model is not None and a.model.form == "router"  # from the known spread
    assert "maxRetries" in a.other_options
    assert len(a.spreads) == 1 and "elsewhere" in a.spreads[0].model_dump_json()
    assert isinstance(a.instructions, FunctionValue)
    assert isinstance(a.tools_source, CallValue) and a.tools_source.callee == "mcp.listTools"
    assert a.tools == {}
    b = next(x for x in p.agents if x.binding == "b")
    assert isinstance(b.tools_source, CallValue) and b.tools_source.callee == "mcp.getTools"
    got = rules(p)
    for rule in ("LM202", "LM203", "LM204"):
        assert rule in got, rule
    # `tools: await mcp.listTools()` is wired by the emitter (converters/emit/mcp.py) as
    # tools=mcp.list_tools, awaited per call: neither "not a literal map" nor "top-level await"
    assert not [
        d for d in p.diagnostics if d.rule in ("LM207", "LM208") and "agent `a`" in d.message
    ]
