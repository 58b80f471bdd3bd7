"""Workflows and steps, 1.x chains and the legacy API (converters.extract.workflows)."""

from __future__ import annotations

from pathlib import Path

from converters.ir import ArrayValue, FunctionValue, Project, RefValue, StringValue
from converters.scan import scan_project


def scan(root: Path, files: dict[str, str]) -> Project:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return scan_project(root)


def test_create_workflow_chain_and_steps(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^1.2.0"}}',
            "src/wf.ts": (
                "import { createWorkflow, createStep } from '@mastra/core/workflows';\n"
                "import { Agent } from '@mastra/core/agent';\nimport { z } from 'zod';\n"
                "const input = z.object({ city: z.string() });\n"
                "const fetchStep = createStep({ id: 'fetch', inputSchema: input, outputSchema: z.object({ t: z.number() }),\n"
                "  resumeSchema: z.object({ ok: z.boolean() }), execute: async ({ inputData }) => ({ t: 1 }) });\n"
                "const agent = new Agent({ id: 'a', instructions: 'x', model: 'openai/gpt-4o' });\n"
                "const agentStep = createStep(agent);\n"
                "export const wf = createWorkflow({ id: 'weather', inputSchema: input, outputSchema: fetchStep.outputSchema })\n"
                "  .then(fetchStep)\n  .parallel([fetchStep, agentStep])\n"
                "  .branch([[async ({ inputData }) => true, agentStep]])\n  .commit();\n"
                "export const open = createWorkflow({ id: 'open', inputSchema: input, outputSchema: input }).then(fetchStep);\n"
            ),
        },
    )
    wfs = {w.binding: w for w in p.workflows}
    wf = wfs["wf"]
    assert wf.generation == "1.x" and isinstance(wf.id, StringValue) and wf.id.value == "weather"
    assert wf.input_schema is not None and wf.input_schema.type in ("object", "ref")
    assert (
        wf.output_schema is not None and wf.output_schema.type == "object"
    )  # via fetchStep.outputSchema
    assert [c["method"] for c in wf.chain] == ["then", "parallel", "branch", "commit"]
    then_arg = wf.chain[0]["args"][0]
    assert isinstance(then_arg, RefValue) and then_arg.target == "src/wf.ts#fetchStep"
    branch = wf.chain[2]["args"][0]
    assert isinstance(branch, ArrayValue) and isinstance(branch.items[0], ArrayValue)
    assert isinstance(branch.items[0].items[0], FunctionValue)
    assert wf.chain[1]["loc"].line == 11
    steps = {s.binding: s for s in p.steps}
    fetch = steps["fetchStep"]
    assert fetch.input_schema is not None and fetch.resume_schema is not None
    assert fetch.execute is not None and fetch.execute.params == ["{ inputData }"]
    assert isinstance(steps["agentStep"].from_, RefValue)
    assert steps["agentStep"].from_.target == "src/wf.ts#agent"
    assert [d.rule for d in p.diagnostics if d.rule == "LM603"] == ["LM603"]
    assert '"method":"then"' in wf.model_dump_json()


def test_vnext_generation_in_0x_project(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^0.12.0"}}',
            "src/wf.ts": (
                "import { createWorkflow } from '@mastra/core/workflows';\n"
                "export const wf = createWorkflow({ id: 'w' }).commit();\n"
            ),
        },
    )
    assert [w.generation for w in p.workflows] == ["vnext"]


def test_legacy_workflow_with_statement_chain(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^0.9.0"}}',
            "src/wf.ts": (
                "import { Workflow, Step } from '@mastra/core';\nimport { z } from 'zod';\n"
                "const a = new Step({ id: 'a', outputSchema: z.object({ x: z.number() }), execute: async ({ context }) => ({ x: 1 }) });\n"
                "const b = new Step({ id: 'b', execute: async ({ context }) => context.getStepResult('a') });\n"
                "export const wf = new Workflow({ name: 'legacy', triggerSchema: z.object({ q: z.string() }) });\n"
                "wf.step(a).then(b).after(a).step(b);\nwf.commit();\n"
            ),
        },
    )
    wf = p.workflows[0]
    assert wf.generation == "legacy"
    assert isinstance(wf.id, StringValue) and wf.id.value == "legacy"
    assert wf.input_schema is not None and wf.input_schema.type == "object"
    assert [c["method"] for c in wf.chain] == ["step", "then", "after", "step", "commit"]
    assert [s.binding for s in p.steps] == ["a", "b"]
    assert "LM602" in [d.rule for d in p.diagnostics]


def test_workflow_class_used_as_1x(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@mastra/core": "^1.0.0"}}',
            "src/wf.ts": (
                "import { Workflow } from '@mastra/core/workflows';\nimport { z } from 'zod';\n"
                "export const wf = new Workflow({ id: 'w', inputSchema: z.object({}), outputSchema: z.object({}) }).commit();\n"
            ),
        },
    )
    assert [w.generation for w in p.workflows] == ["1.x"]
    assert "LM602" not in [d.rule for d in p.diagnostics]
