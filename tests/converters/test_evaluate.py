"""The static evaluator (converters.evaluate)."""

from __future__ import annotations

from pathlib import Path

from converters.evaluate import Evaluator
from converters.ir import (
    ArrayValue,
    BoolValue,
    CallValue,
    EnvValue,
    FunctionValue,
    NullValue,
    NumberValue,
    ObjectValue,
    Opaque,
    RefValue,
    StringValue,
    TemplateValue,
    Value,
)
from converters.project import ModuleGraph, discover_files


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return root


def evaluate_all(
    tmp_path: Path, files: dict[str, str], main: str = "main.ts"
) -> tuple[dict[str, Value], Evaluator]:
    """Evaluate every top-level const of ``main``."""
    write(tmp_path, files)
    graph = ModuleGraph(tmp_path, discover_files(tmp_path))
    ev = Evaluator(graph)
    parsed = graph.get(main)
    assert parsed is not None
    out: dict[str, Value] = {}
    for name, decl in parsed.info.declarations.items():
        if decl.type == "variable_declarator":
            out[name] = ev.evaluate(main, decl.child_by_field_name("value"))
    return out, ev


def test_literals(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "main.ts": (
                "const s = 'it\\'s\\n';\nconst d = \"dq\";\nconst n = 42;\nconst f = 1.5;\n"
                "const h = 0x10;\nconst neg = -3;\nconst t = true;\nconst nul = null;\n"
                "const u = undefined;\nconst big = 1_000;\n"
            )
        },
    )
    assert v["s"] == StringValue(value="it's\n", loc=v["s"].loc)
    assert isinstance(v["d"], StringValue) and v["d"].value == "dq"
    assert isinstance(v["n"], NumberValue) and v["n"].value == 42
    assert isinstance(v["f"], NumberValue) and v["f"].value == 1.5
    assert isinstance(v["h"], NumberValue) and v["h"].value == 16
    assert isinstance(v["neg"], NumberValue) and v["neg"].value == -3
    assert isinstance(v["t"], BoolValue) and v["t"].value is True
    assert isinstance(v["nul"], NullValue) and not v["nul"].undefined
    assert isinstance(v["u"], NullValue) and v["u"].undefined
    assert isinstance(v["big"], NumberValue) and v["big"].value == 1000


def test_templates_concatenation_and_casts(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "main.ts": (
                "const NAME = 'Ada' as const;\n"
                "const greet = `Hello ${NAME}, you have ${3} items\\n`;\n"
                "const plus = 'a' + NAME + 'b' + 1;\n"
                "const env = `model: ${process.env.MODEL}`;\n"
                "const wrapped = (<string>('x' satisfies string))!;\n"
                "const multi = `line1\nline2`;\n"
            )
        },
    )
    assert (
        isinstance(v["greet"], StringValue) and v["greet"].value == "Hello Ada, you have 3 items\n"
    )
    assert isinstance(v["plus"], StringValue) and v["plus"].value == "aAdab1"
    env = v["env"]
    assert isinstance(env, TemplateValue)
    assert isinstance(env.parts[0], StringValue) and env.parts[0].value == "model: "
    assert isinstance(env.parts[1], EnvValue) and env.parts[1].name == "MODEL"
    assert isinstance(v["wrapped"], StringValue) and v["wrapped"].value == "x"
    assert isinstance(v["multi"], StringValue) and v["multi"].value == "line1\nline2"


def test_env_reads_with_defaults(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "main.ts": (
                "const a = process.env.API_KEY;\n"
                "const b = process.env['BASE_URL'] ?? 'http://localhost';\n"
                "const c = process.env.MODEL || `openai/${'gpt-4o'}`;\n"
                "const d = process.env?.X;\n"
            )
        },
    )
    assert isinstance(v["a"], EnvValue) and v["a"].name == "API_KEY" and v["a"].default is None
    b = v["b"]
    assert isinstance(b, EnvValue) and b.name == "BASE_URL" and b.default_op == "??"
    assert isinstance(b.default, StringValue) and b.default.value == "http://localhost"
    c = v["c"]
    assert isinstance(c, EnvValue) and c.default_op == "||"
    assert isinstance(c.default, StringValue) and c.default.value == "openai/gpt-4o"
    assert isinstance(v["d"], EnvValue) and v["d"].name == "X"


def test_arrays_objects_spreads_and_join(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "base.ts": "export const BASE = { a: 1, b: 'two' };\nexport const RULES = ['Be brief.', 'Be kind.'];\n",
            "main.ts": (
                "import { BASE, RULES } from './base';\nimport { other } from 'some-pkg';\n"
                "const key = 'dyn';\n"
                "const obj = { ...BASE, b: 'over', c: [1, ...[2, 3]], 'q-x': null, [key]: true, m() { return 1 } };\n"
                "const unknown = { ...other, z: 1 };\n"
                "const joined = ['Intro', ...RULES].join('\\n');\n"
                "const joinedEnv = ['a', process.env.B].join(' ');\n"
                "const first = RULES[0];\nconst fromObj = BASE.b;\nconst len = RULES.length;\n"
            ),
        },
    )
    obj = v["obj"]
    assert isinstance(obj, ObjectValue) and not obj.spreads
    assert list(obj.entries) == ["a", "b", "c", "q-x", "dyn", "m"]
    assert isinstance(obj.entries["b"], StringValue) and obj.entries["b"].value == "over"
    c = obj.entries["c"]
    assert isinstance(c, ArrayValue) and [i.value for i in c.items] == [1, 2, 3]  # type: ignore[union-attr]
    assert isinstance(obj.entries["m"], FunctionValue)
    unknown = v["unknown"]
    assert isinstance(unknown, ObjectValue) and list(unknown.entries) == ["z"]
    assert len(unknown.spreads) == 1 and isinstance(unknown.spreads[0], Opaque)
    assert "some-pkg" in unknown.spreads[0].reason
    assert (
        isinstance(v["joined"], StringValue) and v["joined"].value == "Intro\nBe brief.\nBe kind."
    )
    je = v["joinedEnv"]
    assert isinstance(je, TemplateValue) and isinstance(je.parts[-1], EnvValue)
    assert isinstance(v["first"], StringValue) and v["first"].value == "Be brief."
    assert isinstance(v["fromObj"], StringValue) and v["fromObj"].value == "two"
    assert isinstance(v["len"], NumberValue) and v["len"].value == 2


def test_constants_across_files_and_namespaces(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "prompts/base.ts": "export const COMPANY = 'Acme';\n",
            "prompts/index.ts": "export * from './base';\nexport const PROMPT = `Work for ${COMPANY}.`;\nimport { COMPANY } from './base';\n",
            "main.ts": (
                "import { PROMPT as P } from './prompts/index.js';\nimport * as prompts from './prompts';\n"
                "const a = P;\nconst b = prompts.COMPANY;\n"
            ),
        },
    )
    assert isinstance(v["a"], StringValue) and v["a"].value == "Work for Acme."
    assert isinstance(v["b"], StringValue) and v["b"].value == "Acme"


def test_read_file_sync_variants_record_assets(tmp_path: Path) -> None:
    v, ev = evaluate_all(
        tmp_path,
        {
            "prompts/system.md": "You are the system.\n",
            "src/agents/local.md": "Local prompt",
            "src/agents/main.ts": (
                "import { readFileSync } from 'node:fs';\nimport fs from 'fs';\nimport path, { join } from 'path';\n"
                "import { fileURLToPath } from 'url';\n"
                "const __dirname = path.dirname(fileURLToPath(import.meta.url));\n"
                "const a = readFileSync(path.join(process.cwd(), 'prompts', 'system.md'), 'utf-8');\n"
                "const b = fs.readFileSync(new URL('./local.md', import.meta.url), 'utf8');\n"
                "const c = readFileSync(join(__dirname, 'local.md'), { encoding: 'utf-8' }).trim();\n"
                "const d = readFileSync(path.resolve(__dirname, '../../prompts/system.md')).toString();\n"
                "const e = readFileSync('prompts/system.md', 'utf-8');\n"
                "const missing = readFileSync(join(__dirname, 'nope.md'), 'utf-8');\n"
                "const dynamic = readFileSync(process.argv[2], 'utf-8');\n"
            ),
        },
        main="src/agents/main.ts",
    )
    for name in ("a", "d", "e"):
        value = v[name]
        assert isinstance(value, StringValue) and value.value == "You are the system.\n", name
    assert isinstance(v["b"], StringValue) and v["b"].value == "Local prompt"
    assert isinstance(v["c"], StringValue) and v["c"].value == "Local prompt"
    assert ev.assets == ["prompts/system.md", "src/agents/local.md"]
    assert isinstance(v["missing"], Opaque) and "not found" in v["missing"].reason
    assert [d.rule for d in ev.diagnostics] == ["LM110"]
    assert isinstance(v["dynamic"], Opaque)


def test_functions_calls_constructs_and_opaque(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "tools.ts": (
                "import { createTool } from '@mastra/core/tools';\n"
                "export const weatherTool = createTool({ id: 'w', description: 'd' });\n"
            ),
            "main.ts": (
                "import { openai } from '@ai-sdk/openai';\nimport { weatherTool } from './tools';\n"
                "import { Agent } from '@mastra/core/agent';\n"
                "function helper(x: string) { return x; }\n"
                "const arrow = async ({ requestContext }) => 'hi';\n"
                "const fn = function (a, b) { return a; };\n"
                "const decl = helper;\n"
                "const model = openai.chat('gpt-4o', { parallelToolCalls: false });\n"
                "const tools = { weatherTool, inline: new Agent({ name: 'x' }) };\n"
                "const cond = Math.random() > 0.5 ? 'a' : 'b';\n"
                "const unknownCall = notDefined();\n"
                "const param = helper('x');\n"
                "const url = new URL('http://x');\n"
            ),
        },
    )
    arrow = v["arrow"]
    assert (
        isinstance(arrow, FunctionValue)
        and arrow.is_async
        and arrow.params == ["{ requestContext }"]
    )
    assert isinstance(v["fn"], FunctionValue) and v["fn"].params == ["a", "b"]
    assert isinstance(v["decl"], FunctionValue) and v["decl"].params == ["x: string"]
    model = v["model"]
    assert (
        isinstance(model, CallValue)
        and model.callee == "openai.chat"
        and model.module == "@ai-sdk/openai"
    )
    assert isinstance(model.args[0], StringValue) and isinstance(model.args[1], ObjectValue)
    tools = v["tools"]
    assert isinstance(tools, ObjectValue)
    assert tools.entries["weatherTool"] == RefValue(
        name="weatherTool", target="tools.ts#weatherTool", loc=tools.entries["weatherTool"].loc
    )
    inline = tools.entries["inline"]
    assert isinstance(inline, RefValue) and inline.target == "main.ts#inline"
    cond = v["cond"]
    assert isinstance(cond, Opaque) and cond.loc is not None and cond.loc.line == 10
    assert isinstance(v["unknownCall"], Opaque)
    assert isinstance(v["param"], CallValue) and v["param"].module is None
    assert isinstance(v["url"], CallValue) and v["url"].callee == "new URL"


def test_cycles_and_depth_never_raise(tmp_path: Path) -> None:
    deep = "const deep = " + "[" * 300 + "1" + "]" * 300 + ";\n"
    v, _ = evaluate_all(
        tmp_path,
        {
            "main.ts": "const a = b + 'x';\nconst b = a + 'y';\nconst self = { me: self };\n"
            + deep,
        },
    )
    assert isinstance(v["a"], TemplateValue | Opaque)
    text = v["a"].model_dump_json()
    assert "cycle" in text
    assert isinstance(v["deep"], ArrayValue)
    assert "too deeply" in v["deep"].model_dump_json()


def test_dedent_tag_and_string_methods(tmp_path: Path) -> None:
    v, _ = evaluate_all(
        tmp_path,
        {
            "main.ts": (
                "import dedent from 'dedent';\n"
                "const a = dedent`\n    Hello\n      World\n  `;\n"
                "const b = '  Padded  '.trim().toUpperCase();\n"
                "const c = 'a-b-a'.replaceAll('a', 'x');\n"
            )
        },
    )
    assert isinstance(v["a"], StringValue) and v["a"].value == "Hello\n  World"
    assert isinstance(v["b"], StringValue) and v["b"].value == "PADDED"
    assert isinstance(v["c"], StringValue) and v["c"].value == "x-b-x"
