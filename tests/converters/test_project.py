"""File discovery, the module graph, construct sites and version detection (converters.project)."""

from __future__ import annotations

from pathlib import Path

import pytest

from converters.project import (
    _SITE_QUERY,
    ModuleGraph,
    _named_sites,
    detect_version,
    discover_files,
    parse_jsonc,
)
from converters.ts import Language, parse


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")
    return root


def graph_of(root: Path, ignore: list[str] | None = None) -> ModuleGraph:
    files = discover_files(root) if ignore is None else discover_files(root, ignore)
    return ModuleGraph(root, files)


# -- discovery -----------------------------------------------------------------------------------


def test_discovery_applies_default_ignores_at_any_depth(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/a.ts": "",
            "src/b.mts": "",
            "src/c.tsx": "",
            "src/d.mjs": "",
            "src/types.d.ts": "",
            "src/readme.md": "",
            "node_modules/x/index.js": "",
            "packages/app/node_modules/y/index.ts": "",
            "packages/app/dist/out.js": "",
            ".mastra/output/index.mjs": "",
            "coverage/lcov.js": "",
        },
    )
    assert discover_files(tmp_path) == ["src/a.ts", "src/b.mts", "src/c.tsx", "src/d.mjs"]


def test_discovery_custom_ignore(tmp_path: Path) -> None:
    write(tmp_path, {"src/a.ts": "", "src/gen/b.ts": "", "scripts/c.ts": ""})
    assert discover_files(tmp_path, ["src/gen/**", "scripts/*.ts"]) == ["src/a.ts"]


def test_parse_jsonc_comments_and_trailing_commas() -> None:
    text = '{ // c\n "a": "http://x", /* b */ "b": [1, 2,], }'
    assert parse_jsonc(text) == {"a": "http://x", "b": [1, 2]}


# -- resolution ----------------------------------------------------------------------------------


def test_relative_imports_with_js_specifier_and_index(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/consts.ts": "export const A = 'a';",
            "src/lib/index.ts": "export const B = 'b';",
            "src/main.ts": (
                "import { A } from './consts.js';\n"
                "import { B as Bee } from './lib';\n"
                "import { A as A2 } from './consts';\n"
            ),
        },
    )
    g = graph_of(tmp_path)
    a = g.resolve_local("src/main.ts", "A")
    assert a is not None and (a.kind, a.file, a.name) == ("local", "src/consts.ts", "A")
    assert g.resolve_local("src/main.ts", "A2").file == "src/consts.ts"  # type: ignore[union-attr]
    bee = g.resolve_local("src/main.ts", "Bee")
    assert bee is not None and (bee.file, bee.name) == ("src/lib/index.ts", "B")
    assert g.get("src/main.ts").diagnostics == []  # type: ignore[union-attr]


def test_barrels_star_renamed_default_and_namespace(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/tools/weather.ts": "export const weatherTool = 1;",
            "src/tools/news.ts": "const newsTool = 2; export default newsTool;",
            "src/tools/inline.ts": "export default { x: 1 };",
            "src/tools/index.ts": (
                "export * from './weather';\n"
                "export { default as newsTool } from './news.js';\n"
                "export { weatherTool as forecast } from './weather';\n"
                "export * as inline from './inline';\n"
            ),
            "src/main.ts": (
                "import { weatherTool, newsTool, forecast } from './tools';\n"
                "import * as tools from './tools/index.js';\n"
                "import inlineDefault from './tools/inline';\n"
            ),
        },
    )
    g = graph_of(tmp_path)
    w = g.resolve_local("src/main.ts", "weatherTool")
    assert w is not None and (w.file, w.name) == ("src/tools/weather.ts", "weatherTool")
    n = g.resolve_local("src/main.ts", "newsTool")
    assert n is not None and (n.file, n.name) == ("src/tools/news.ts", "newsTool")
    f = g.resolve_local("src/main.ts", "forecast")
    assert f is not None and f.name == "weatherTool"
    ns = g.resolve_local("src/main.ts", "tools")
    assert ns is not None and ns.kind == "namespace" and ns.file == "src/tools/index.ts"
    inner = g.resolve_export(ns.file, "weatherTool")  # type: ignore[arg-type]
    assert inner is not None and inner.file == "src/tools/weather.ts"
    d = g.resolve_local("src/main.ts", "inlineDefault")
    assert d is not None and d.file == "src/tools/inline.ts" and d.node is not None
    assert d.node.type == "object"


def test_tsconfig_paths_with_extends_and_base_url(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tsconfig.base.json": (
                '{\n  // shared\n  "compilerOptions": {\n    "baseUrl": ".",\n'
                '    "paths": { "@/*": ["./src/*"], "~lib": ["./src/lib/index.ts"], },\n  },\n}\n'
            ),
            "tsconfig.json": '{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }',
            "src/lib/index.ts": "export const L = 1;",
            "src/schemas/user.ts": "export const userSchema = 1;",
            "src/app.ts": (
                "import { userSchema } from '@/schemas/user';\n"
                "import { L } from '~lib';\n"
                "import { x } from 'src/schemas/user';\n"
                "import { z } from 'zod';\n"
            ),
        },
    )
    g = graph_of(tmp_path)
    u = g.resolve_local("src/app.ts", "userSchema")
    assert u is not None and u.file == "src/schemas/user.ts"
    lib = g.resolve_local("src/app.ts", "L")
    assert lib is not None and lib.file == "src/lib/index.ts"
    # baseUrl-relative import resolves to the file (but the name is not exported there)
    assert g.resolve("src/app.ts", "src/schemas/user") == "src/schemas/user.ts"
    z = g.resolve_local("src/app.ts", "z")
    assert z is not None and (z.kind, z.module, z.name) == ("external", "zod", "z")


def test_unresolved_relative_import_is_reported(tmp_path: Path) -> None:
    write(tmp_path, {"src/a.ts": "import { x } from './missing';\nexport const y = 1;\n"})
    g = graph_of(tmp_path)
    diags = g.get("src/a.ts").diagnostics  # type: ignore[union-attr]
    assert [(d.rule, d.loc.line) for d in diags] == [("LM103", 1)]  # type: ignore[union-attr]


def test_require_bindings_are_imports(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/a.js": "const { Agent } = require('@mastra/core/agent');\nconst path = require('path');\n",
        },
    )
    g = graph_of(tmp_path)
    agent = g.resolve_local("src/a.js", "Agent")
    assert agent is not None and (agent.kind, agent.module) == ("external", "@mastra/core/agent")


def test_import_cycle_does_not_hang(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.ts": "export * from './b';\nexport { q as r } from './b';",
            "b.ts": "export * from './a';\nexport { r as q } from './a';",
        },
    )
    g = graph_of(tmp_path)
    assert g.resolve_export("a.ts", "nothing") is None
    assert g.resolve_export("a.ts", "r") is None


# -- parse problems ------------------------------------------------------------------------------


def test_syntax_error_reported_with_location(tmp_path: Path) -> None:
    write(tmp_path, {"bad.ts": "const a = 1;\nconst b = {;\nexport const c = 'ok';\n"})
    g = graph_of(tmp_path)
    parsed = g.get("bad.ts")
    assert parsed is not None and parsed.source is not None
    assert parsed.source.parse_errors >= 1
    errors = [d for d in parsed.diagnostics if d.rule == "LM101"]
    assert errors and errors[0].loc is not None and errors[0].loc.line == 2
    assert "c" in parsed.info.declarations


def test_non_utf8_file_is_reported_and_skipped(tmp_path: Path) -> None:
    write(tmp_path, {"ok.ts": "export const a = 1;", "latin1.ts": b"const s = '\xe9t\xe9';\n"})
    g = graph_of(tmp_path)
    bad = g.get("latin1.ts")
    assert bad is not None and bad.syntax is None
    assert [(d.rule, d.loc.line, d.loc.column) for d in bad.diagnostics] == [("LM102", 1, 12)]  # type: ignore[union-attr]
    assert g.get("ok.ts").syntax is not None  # type: ignore[union-attr]


# -- construct sites -----------------------------------------------------------------------------


def test_sites_bindings_inline_names_and_contexts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/a.ts": (
                "import { Agent as MastraAgent } from '@mastra/core/agent';\n"
                "import { Memory } from '@mastra/memory';\n"
                "import { LibSQLStore } from '@mastra/libsql';\n"
                "import * as core from '@mastra/core';\n"
                "class Agent {}\n"
                "export const helper = new MastraAgent({ name: 'h', memory: new Memory({ storage: new LibSQLStore({}) }) });\n"
                "const local = new Agent();\n"
                "export default new core.Mastra({ agents: { other: new MastraAgent({ name: 'o' }) } });\n"
                "function make() { return new MastraAgent({ name: 'f' }); }\n"
                "for (const n of ['a']) { new MastraAgent({ name: n }); }\n"
            )
        },
    )
    g = graph_of(tmp_path)
    got = [(s.kind, s.binding, s.context, s.inline, s.exported) for s in g.sites("src/a.ts")]
    assert got == [
        ("agent", "helper", "top", False, True),
        ("memory", "helperMemory", "top", True, False),
        ("storage", "helperMemoryStorage", "top", True, False),
        ("mastra", "default", "top", False, True),
        ("agent", "other", "top", True, False),
        ("agent", "agent", "function", True, False),
        ("agent", "agent2", "loop", True, False),
    ]


def test_workflow_site_spans_the_builder_chain(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "wf.ts": (
                "import { createWorkflow, createStep } from '@mastra/core/workflows';\n"
                "const s = createStep({ id: 's' });\n"
                "export const wf = createWorkflow({ id: 'w' }).then(s).commit();\n"
            )
        },
    )
    g = graph_of(tmp_path)
    sites = g.sites("wf.ts")
    assert [(s.kind, s.binding) for s in sites] == [("step", "s"), ("workflow", "wf")]
    assert g.get("wf.ts").syntax.text(sites[1].node).endswith(".commit()")  # type: ignore[union-attr]


# -- version detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "version", "generation", "reason_start"),
    [
        (
            {"package.json": '{"dependencies": {"@mastra/core": "^0.10.5"}}'},
            "^0.10.5",
            "0.x",
            "package.json: @mastra/core ^0.10.5",
        ),
        (
            {"package.json": '{"devDependencies": {"@mastra/core": "1.0.0-beta.3"}}'},
            "1.0.0-beta.3",
            "1.x",
            "package.json",
        ),
        (
            {
                "package.json": '{"dependencies": {"@mastra/core": "catalog:"}}',
                "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\ncatalog:\n  zod: ^3.25.0\n  '@mastra/core': ^0.21.1\n",
            },
            "^0.21.1",
            "0.x",
            "package.json: @mastra/core catalog:",
        ),
        (
            {
                "package.json": '{"dependencies": {"@mastra/core": "catalog:mastra"}}',
                "pnpm-workspace.yaml": 'catalogs:\n  mastra:\n    "@mastra/core": 1.3.0\n',
            },
            "1.3.0",
            "1.x",
            "package.json",
        ),
        (
            {
                "package.json": '{"dependencies": {"@mastra/core": "latest"}}',
                "package-lock.json": '{"packages": {"node_modules/@mastra/core": {"version": "0.15.2"}}}',
            },
            "0.15.2",
            "0.x",
            "package-lock.json: @mastra/core 0.15.2",
        ),
        (
            {
                "pnpm-lock.yaml": (
                    "importers:\n  .:\n    dependencies:\n      '@mastra/core':\n"
                    "        specifier: latest\n        version: 1.4.0(zod@3.25.0)\n"
                )
            },
            "1.4.0",
            "1.x",
            "pnpm-lock.yaml",
        ),
        (
            {"yarn.lock": '"@mastra/core@^0.9.0":\n  version "0.9.4"\n  resolved "x"\n'},
            "0.9.4",
            "0.x",
            "yarn.lock",
        ),
        (
            {"bun.lock": '{ "packages": { "@mastra/core": ["@mastra/core@1.2.0", "", {}], }, }'},
            "1.2.0",
            "1.x",
            "bun.lock",
        ),
    ],
)
def test_version_from_manifests(
    tmp_path: Path, files: dict[str, str], version: str, generation: str, reason_start: str
) -> None:
    write(tmp_path, {**files, "src/a.ts": "export const a = 1;"})
    info = detect_version(tmp_path, graph_of(tmp_path))
    assert (info.version, info.generation) == (version, generation)
    assert info.reason.startswith(reason_start)


def test_version_from_import_style(tmp_path: Path) -> None:
    write(tmp_path, {"src/a.ts": "import { Agent, Mastra } from '@mastra/core';\n"})
    info = detect_version(tmp_path, graph_of(tmp_path))
    assert (info.version, info.generation) == (None, "0.x")
    assert "root @mastra/core imports" in info.reason

    other = tmp_path / "other"
    write(other, {"src/a.ts": "import { Agent } from '@mastra/core/agent';\n"})
    info = detect_version(other, graph_of(other))
    assert info.generation == "1.x"
    assert info.reason == "no version found; assumed 1.x from subpath imports"


@pytest.mark.parametrize("language", ["ts", "tsx"])
def test_named_sites_find_what_the_site_query_matches(language: Language) -> None:
    """The text search for construct names returns the query's matches, in its order."""
    source = b"""
    new AgentStore(); new x.y.Agent(); Agent<T>(); createStep(a).createTool(b);
    createTool(createStep(a).Agent(c)).Memory(d); const s = `${createTool({})}`;
    new \\u0041gent(); new \xc3\xa9Agent(); new Agent\xc3\xa9(); 1Agent(); new MastraMCPClient();
    x?.Agent(); new (Agent)(); Agent``; new Agent; o.Agent(); a[Agent](); LibSQLStore();
    new PgVector({}); new UpstashStorage(); new MyStorageX(); class A { Agent() {} }
    const o = { Agent: 1, createTool() {} }; "new Agent()"; // new Agent()
    createWorkflow(a).then(Step(b)).commit(); new MCPConfiguration({}); x.LegacyWorkflow();
    """
    syntax = parse(source, language)
    expected = [m["site"][0] for m in syntax.matches(_SITE_QUERY)]
    assert len(expected) > 15
    assert _named_sites(syntax) == expected
