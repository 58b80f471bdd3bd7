"""Tool-input validation errors say what zod 4 says, as Mastra 1.71 sends them to the model.

``tests/data/zod_validation/recorded.json`` was recorded from real zod 4 / Mastra 1.71 by
``python -m tests.oracle_zod.record_validation`` (no Node needed here): invalid inputs for schemas
of the zod zoo, with the tool result Mastra's agent produced. Each row is replayed through the
pydantic model the converter emits for that zoo schema and ``Tool.run_for_model``; the error
object (message and ``validationErrors``) must be the one Mastra built.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from converters.schema_emit import PydanticModule, pascal_case
from converters.zod import SingleFileZodContext
from lumos_compat import create_tool

DATA = Path(__file__).resolve().parents[1] / "data"
RECORDED: dict[str, Any] = json.loads((DATA / "zod_validation" / "recorded.json").read_text())
ROWS = RECORDED["rows"]


@cache
def _zoo() -> SingleFileZodContext:
    return SingleFileZodContext.from_source((DATA / "zod_zoo" / "zoo.ts").read_text(), "zoo.ts")


@cache
def _model(name: str) -> Any:
    zoo = _zoo()
    module = PydanticModule(zoo.schemas.__getitem__)
    class_name = module.add_model(zoo.schema(name), pascal_case(name) + "Input")
    namespace: dict[str, Any] = {}
    code = module.build().module_code()
    exec(compile(code, f"<zoo {name}>", "exec", dont_inherit=True), namespace)
    return namespace[class_name]


def _id(row: dict[str, Any]) -> str:
    return f"{row['schema']}-{row['what'].replace(' ', '_')}"


def test_the_recording_is_broad() -> None:
    assert len(ROWS) >= 100
    assert len({r["schema"] for r in ROWS}) >= 50
    assert sum(1 for r in ROWS if r["zod"]) >= 100


_NOT_CONVERTED = "the converter leaves this zod construct unchecked or as a TODO: "
# Rows the port cannot match yet, by (schema, what), and why. Strict: a fixed row must leave.
KNOWN_GAPS = {
    ("integers", "beyond safe integer"): "JavaScript reads integers beyond 2**53 as the nearest "
    "double, so Mastra echoes 9007199254740992; the port keeps the exact value (same issues)",
    ("stringFormatsV3", "all invalid"): "z.emoji()'s pattern uses \\p{Extended_Pictographic}, "
    "which Python's re cannot check",
    ("intersections", "not objects"): "an intersection of objects is folded into one model; zod "
    "reports the type error once per side",
    ("intersectionEdgeCases", "same key and primitives"): _NOT_CONVERTED
    + "an object intersected with a record enforces only the object",
    ("requiredAll", "now required"): "zod says 'expected nonoptional' for .required() fields; "
    "their JSON Schema is that of plain required fields",
    ("bigints", "number for bigint"): "zod accepts no JSON value for z.bigint(); the port's int "
    "field accepts numbers",
    ("unionWithNull", "union member wrong"): "z.union([z.string(), z.null()]) and "
    "z.string().nullable() send the same JSON Schema but zod words their errors differently",
}
# Mastra applies the OpenAI schema layer to openai/* models (and none to the custom model)
MODES = {"chat": (None, None), "responses": ("openai.responses", "gpt-4o-mini")}


def test_known_gaps_name_recorded_rows() -> None:
    rows = {(r["schema"], r["what"]) for r in ROWS}
    assert set(KNOWN_GAPS) <= rows


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("row", ROWS, ids=[_id(r) for r in ROWS])
async def test_validation_error_equals_mastra(
    row: dict[str, Any], mode: str, request: pytest.FixtureRequest
) -> None:
    gap = KNOWN_GAPS.get((row["schema"], row["what"]))
    if gap is not None:
        request.applymarker(pytest.mark.xfail(reason=gap, strict=True))
    provider, model_id = MODES[mode]
    tool = create_tool(
        id=f"zoo-{row['schema']}",
        description="zoo",
        input_schema=_model(row["schema"]),
        execute=lambda input: {"ok": True},
    )
    outcome = await tool.run_for_model(
        json.dumps(row["input"], ensure_ascii=False),
        tool_name=row["schema"],
        provider=provider,
        model_id=model_id,
    )
    expected = row[mode]
    got = outcome.output if outcome.kind != "result" else {"ok": True}
    if isinstance(got, dict) and "message" in got:
        assert got["message"] == expected.get("message")
    assert got == expected
