"""The translator on small step bodies: what a step receives maps to ``StepContext``, or it falls back."""

from __future__ import annotations

from typing import Any

import libcst as cst
import pytest

from converters.ir import FunctionValue, Loc, SchemaNode
from converters.translate import NotTranslated, Translated, translate_step_execute
from lumos_compat import Mastra, StepContext, create_step, create_workflow


def _schema(**props: str) -> SchemaNode:
    return SchemaNode(type="object", properties={k: SchemaNode(type=t) for k, t in props.items()})


_MODULE_HEAD = "const seed = createStep({ id: 'seed-step', execute: async () => ({}) });\n"


def _translate(
    source: str, schema: SchemaNode | None = None, generation: str = "1.x"
) -> Translated | NotTranslated:
    module = f"{_MODULE_HEAD}const step = createStep({{\n  execute: {source},\n}});\n"
    line = 3
    column = module.splitlines()[line - 1].index(source[:5]) + 1
    fn = FunctionValue(
        params=[], source=source, body_source="", loc=Loc(file="src/w.ts", line=line, column=column)
    )
    return translate_step_execute(
        fn,
        module_source=module,
        input_schema=schema,
        generation=generation,  # type: ignore[arg-type]
        step_ids={"seed": "seed-step"},
    )


def _compile(result: Translated) -> Any:
    function = cst.FunctionDef(
        name=cst.Name("execute"),
        params=cst.Parameters([cst.Param(cst.Name("ctx"))]),
        body=cst.IndentedBlock(result.body),
        asynchronous=cst.Asynchronous(),
    )
    imports = "".join(f"from {m} import {n}\n" if n else f"import {m}\n" for m, n in result.imports)
    namespace: dict[str, Any] = {}
    exec(compile(imports + cst.Module(body=[function]).code, "<step>", "exec"), namespace)
    return namespace["execute"]


async def _run_after_seed(
    source: str, trigger: Any, seed_output: Any, generation: str = "1.x"
) -> Any:
    """Run the translated body after a step `seed-step` that returned ``seed_output``."""
    result = _translate(source, generation=generation)
    assert isinstance(result, Translated), result
    execute = _compile(result)

    async def seed(ctx: StepContext) -> Any:
        return seed_output

    workflow = (
        create_workflow(id="w", options={"validate_inputs": generation == "1.x"})
        .then(create_step(id="seed-step", execute=seed))
        .then(create_step(id="under-test", execute=execute))
        .commit()
    )
    Mastra(workflows={"w": workflow})
    run = await workflow.create_run()
    return await run.start(input_data=trigger)


async def test_step_results_init_data_and_state() -> None:
    source = """async ({ getStepResult, getInitData, state, setState }) => {
    const seeded = getStepResult(seed);
    const same = getStepResult('seed-step');
    const missing = getStepResult('nope');
    await setState({ n: Number(state?.n ?? 1) * 2 });
    return { city: getInitData().city, n: seeded.n, same: same?.n, missing: missing ?? 'none' };
  }"""
    result = await _run_after_seed(source, {"city": "Oslo"}, {"n": 4})
    assert result.status == "success", result.get("error")
    assert result.result == {"city": "Oslo", "n": 4, "same": 4, "missing": "none"}


async def test_legacy_context_reads_trigger_and_steps() -> None:
    source = """async ({ context }) => {
    const trigger = context.getStepResult('trigger');
    const seeded = context.getStepResult(seed);
    return { line: `${trigger.city}/${context.triggerData.city}: ${seeded?.n} ${seeded?.gone}` };
  }"""
    result = await _run_after_seed(source, {"city": "Oslo"}, {"n": 4}, generation="legacy")
    assert result.status == "success", result.get("error")
    assert result.result == {"line": "Oslo/Oslo: 4 undefined"}


async def test_suspend_then_resume_and_bail() -> None:
    source = """async ({ resumeData, suspend, bail }) => {
    if (resumeData?.stop) return bail({ stopped: true });
    if (!resumeData) return await suspend({ ask: 'go?' }, { resumeLabel: 'ask' });
    return { went: resumeData.go };
  }"""
    result = _translate(source)
    assert isinstance(result, Translated), result
    workflow = (
        create_workflow(id="s").then(create_step(id="ask", execute=_compile(result))).commit()
    )
    run = await workflow.create_run()
    suspended = await run.start(input_data={})
    assert suspended.status == "suspended"
    assert suspended["steps"]["ask"]["suspendPayload"] == {"ask": "go?"}
    done = await run.resume(label="ask", resume_data={"go": "yes"})
    assert done.result == {"went": "yes"}
    run = await workflow.create_run()
    await run.start(input_data={})
    stopped = await run.resume(step="ask", resume_data={"stop": True})
    assert stopped.status == "success"
    assert stopped.result == {"stopped": True}


def test_the_argument_may_be_taken_whole() -> None:
    result = _translate("async (params) => ({ id: params.runId, n: params.inputData.n })")
    assert isinstance(result, Translated), result
    assert "ctx.run_id" in result.code() and "ctx.input_data" in result.code()


@pytest.mark.parametrize(
    ("body", "construct", "line"),
    [
        (
            "async ({ getStepResult }) => getStepResult(pick())",
            "getStepResult of `pick()`, which is not a step of the project",
            3,
        ),
        (
            "async ({ suspend }) => {\n    const s = suspend;\n    return s();\n  }",
            "the step function `suspend` used as a value",
            4,
        ),
        ("async ({ engine }) => engine", "the step argument property `engine`", 3),
        (
            "async ({ mastra }) => mastra.getWorkflow('w')",
            "the method `getWorkflow` of the Mastra instance",
            3,
        ),
        (
            "async ({ mastra }) => {\n    const a = mastra.getAgent('a');\n"
            "    return a.generate('hi', { maxSteps: 2 });\n  }",
            "agent.generate with options (only the messages are translated)",
            5,
        ),
        ("async ({ context }) => context.steps", "the legacy step context property `steps`", 3),
        ("async (a, b) => a", "a step execute function with more than one parameter", 3),
    ],
)
def test_outside_the_subset_names_the_construct_and_line(
    body: str, construct: str, line: int
) -> None:
    generation = "legacy" if "context" in body else "1.x"
    result = _translate(body, generation=generation)
    assert isinstance(result, NotTranslated), getattr(result, "code", lambda: "")()
    assert result.construct == construct
    assert result.loc.line == line
    assert result.loc.file == "src/w.ts"


def test_0_10_step_reads_runtime_context_and_run_count_from_unvalidated_input() -> None:
    source = """async ({ inputData, runtimeContext, runCount }) => ({
    city: inputData.city,
    region: runtimeContext.get('region'),
    tries: runCount,
  })"""
    result = _translate(source, _schema(city="string"), generation="vnext")
    assert isinstance(result, Translated), result
    code = result.code()
    # 0.10-0.2x workflows do not validate step input: a dict, read with subscripts
    assert 'ctx.input_data["city"]' in code or 'input_data["city"]' in code
    assert "ctx.request_context" in code and "ctx.retry_count" in code


def test_a_step_input_that_is_not_an_object_is_its_plain_value() -> None:
    # the runtime validates it through a RootModel and hands the step the list itself
    schema = SchemaNode(type="array", items=SchemaNode(type="string"))
    result = _translate("async ({ inputData }) => inputData.length", schema)
    assert isinstance(result, Translated), result
    assert "len(input_data)" in result.code() or "len(ctx.input_data)" in result.code()


def test_a_step_input_of_unknown_type_is_not_guessed() -> None:
    schema = SchemaNode(type="opaque", reason="a library's schema")
    result = _translate("async ({ inputData }) => inputData.length", schema)
    assert isinstance(result, NotTranslated)
