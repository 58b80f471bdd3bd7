"""Tools and their execute styles (converters.extract.tools)."""

from __future__ import annotations

from pathlib import Path

import pytest

from converters.ir import BoolValue, Project, StringValue
from converters.scan import scan_project


def scan(root: Path, files: dict[str, str]) -> Project:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return scan_project(root)


TOOLS = (
    "import { createTool, Tool } from '@mastra/core/tools';\nimport { z } from 'zod';\n"
    "import { citySchema } from './schemas';\n"
    "export const ctxTool = createTool({ id: 'a', description: 'A', inputSchema: z.object({ city: z.string() }),\n"
    "  execute: async ({ context }) => context.city });\n"
    "export const pairTool = createTool({ id: 'b', description: 'B', inputSchema: citySchema,\n"
    "  execute: async (inputData, context) => inputData.city });\n"
    "export const destructTool = createTool({ id: 'c', description: 'C', execute: async ({ city }) => city });\n"
    "export const bodyTool = createTool({ id: 'd', description: 'D', execute: async (args) => args.context.city });\n"
    "export const ambiguous = createTool({ id: 'e', description: 'E', execute: async (c) => c });\n"
    "async function run({ context, runtimeContext }) { return 1; }\n"
    "export const refTool = createTool({ id: 'f', description: 'F', execute: run, outputSchema: z.object({ ok: z.boolean() }) });\n"
    "export const classTool = new Tool({ id: 'g', description: 'G', execute: async ({ context }) => 1, requireApproval: true });\n"
)


@pytest.mark.parametrize(("version", "ambiguous"), [("^0.10.5", "0.x"), ("^1.2.0", "1.x")])
def test_execute_styles(tmp_path: Path, version: str, ambiguous: str) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": f'{{"dependencies": {{"@mastra/core": "{version}"}}}}',
            "src/schemas.ts": "import { z } from 'zod';\nexport const citySchema = z.object({ city: z.string().describe('City') });\n",
            "src/tools.ts": TOOLS,
        },
    )
    styles = {t.binding: t.execute_style for t in p.tools}
    assert styles == {
        "ctxTool": "0.x",
        "pairTool": "1.x",
        "destructTool": "1.x",
        "bodyTool": "0.x",
        "ambiguous": ambiguous,
        "refTool": "0.x",
        "classTool": "0.x",
    }
    decided = [d for d in p.diagnostics if d.rule == "LM302"]
    assert len(decided) == 1 and "execute(c)" in decided[0].message
    assert decided[0].loc is not None and decided[0].loc.line == 10


def test_tool_fields_and_schemas(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^1.2.0"}}',
            "src/schemas.ts": "import { z } from 'zod';\nexport const citySchema = z.object({ city: z.string().describe('City') });\n",
            "src/tools.ts": TOOLS,
        },
    )
    tools = {t.binding: t for t in p.tools}
    ctx = tools["ctxTool"]
    assert ctx.exported and ctx.file == "src/tools.ts" and ctx.loc.line == 4
    assert isinstance(ctx.id, StringValue) and ctx.id.value == "a"
    assert isinstance(ctx.description, StringValue) and ctx.description.value == "A"
    assert ctx.input_schema is not None and ctx.input_schema.type == "object"
    assert (
        ctx.execute is not None and ctx.execute.params == ["{ context }"] and ctx.execute.is_async
    )
    pair = tools["pairTool"]
    assert pair.input_schema is not None and pair.input_schema.type in ("ref", "object")
    if pair.input_schema.type == "ref":
        assert pair.input_schema.ref == "src/schemas.ts#citySchema"
        assert "src/schemas.ts#citySchema" in p.schemas
    ref = tools["refTool"]
    assert ref.execute is not None and ref.execute.loc is not None and ref.execute.loc.line == 11
    assert ref.output_schema is not None and ref.output_schema.type == "object"
    approval = tools["classTool"].require_approval
    assert isinstance(approval, BoolValue) and approval.value is True
    assert "requireApproval" not in tools["classTool"].other_options


def test_suspend_and_resume_schemas_are_read(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^1.2.0"}}',
            "src/tools.ts": (
                "import { createTool } from '@mastra/core/tools';\n"
                "import { z } from 'zod';\n"
                "export const askTool = createTool({ id: 'ask', description: 'Ask',\n"
                "  inputSchema: z.object({ city: z.string().optional() }),\n"
                "  suspendSchema: z.object({ question: z.string() }),\n"
                "  resumeSchema: z.object({ city: z.string() }),\n"
                "  requireApproval: false,\n"
                "  execute: async (input, context) => context?.agent?.suspend({ question: 'Which?' }),\n"
                "});\n"
            ),
        },
    )
    (tool,) = p.tools
    assert tool.suspend_schema is not None and tool.suspend_schema.type == "object"
    assert tool.suspend_schema.loc is not None and tool.suspend_schema.loc.line == 5
    assert tool.resume_schema is not None and tool.resume_schema.type == "object"
    assert set(tool.resume_schema.properties) == {"city"}
    assert isinstance(tool.require_approval, BoolValue) and tool.require_approval.value is False
    assert tool.other_options == {}


def test_tools_in_factories_are_reported_and_inline_tools_named(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/a.ts": (
                "import { createTool } from '@mastra/core/tools';\nimport { Agent } from '@mastra/core/agent';\n"
                "export const makeTool = (id: string) => createTool({ id, description: 'x' });\n"
                "export const agent = new Agent({ id: 'a', instructions: 'x', model: 'openai/gpt-4o',\n"
                "  tools: { calc: createTool({ id: 'calc', description: 'c' }) } });\n"
            ),
        },
    )
    assert [t.binding for t in p.tools] == ["calc"]
    assert p.agents[0].tools["calc"].model_dump()["target"] == "src/a.ts#calc"
    assert [d.loc.line for d in p.diagnostics if d.rule == "LM301"] == [3]  # type: ignore[union-attr]
