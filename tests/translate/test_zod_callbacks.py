"""zod callbacks translated to Python behave as the JavaScript did (recorded under Node by
``python -m tests.translate.record_zod_callbacks``), and what stays outside the subset says why."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from converters.translate.types import FLOAT, INT, JSON, STR, Ty, list_of
from converters.translate.zod_callbacks import TranslatedCallback, translate_zod_callback
from converters.ts import parse
from lumos_compat.zod_effects import RefinementContext
from tests.translate.zod_callback_cases import CASES

RECORDED = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "zod_callbacks" / "recorded.json").read_text()
)["results"]
TYPES = {
    "str": STR,
    "str?": STR.with_nullable(),
    "int": INT,
    "float": FLOAT,
    "json": JSON,
    "list[str]": list_of(STR),
}


def _translate(source: str, ty: Ty, *, ctx: bool) -> TranslatedCallback | Any:
    syntax = parse(f"const f = {source};\n", "ts")
    node = syntax.root.named_children[0].named_children[0].child_by_field_name("value")
    assert node is not None
    return translate_zod_callback(syntax, node, value_ty=ty, name="check", takes_ctx=ctx)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None  # JSON.stringify(NaN)
    return value


@pytest.mark.parametrize("case", CASES, ids=[str(c["name"]) for c in CASES])
def test_translation_equals_javascript(case: dict[str, Any]) -> None:
    result = _translate(case["source"], TYPES[case["type"]], ctx=bool(case.get("ctx")))
    assert isinstance(result, TranslatedCallback), result
    namespace: dict[str, Any] = {}
    imports = "".join(f"from {m} import {n}\n" if n else f"import {m}\n" for m, n in result.imports)
    exec(compile(imports + result.code, "<callback>", "exec"), namespace)
    for recorded in RECORDED[case["name"]]:
        ctx = RefinementContext(recorded["input"])
        args = [recorded["input"], ctx] if case.get("ctx") else [recorded["input"]]
        value = namespace["check"](*args)
        expected = None if recorded["value"] == {"undefined": True} else recorded["value"]
        assert _plain(value) == expected, (case["name"], recorded["input"])
        issues = [(list(i.get("path", [])), i["message"]) for i in recorded["issues"]]
        assert [(list(p), m) for p, m in ctx.issues] == issues


@pytest.mark.parametrize(
    ("source", "ctx", "construct"),
    [
        ("(v) => isValid(v)", False, "the function `isValid`"),
        ("async (v) => v.length > 1", False, "an async function"),
        ("(v, ctx) => ctx.addIssue({ code: 'too_small', minimum: 1 })", True, "code 'too_small'"),
        ("(v, ctx) => ctx.addIssue({ message: 'x', fatal: true })", True, "`fatal`"),
        ("(v, ctx) => { ctx.addIssue({ message: 'x' }); }", False, "a callback with 2 parameters"),
        ("(v) => fetch(v)", False, "fetch"),
    ],
)
def test_outside_the_subset_names_the_construct(source: str, ctx: bool, construct: str) -> None:
    result = _translate(source, STR, ctx=ctx)
    assert not isinstance(result, TranslatedCallback)
    assert construct in result.construct
    assert result.line == 1


def test_execute_sees_the_transformed_type() -> None:
    from converters.translate.types import schema_type
    from converters.zod import SingleFileZodContext

    ctx = SingleFileZodContext.from_source(
        'import { z } from "zod";\n'
        "export const S = z.object({\n"
        "  tags: z.string().transform((s) => s.split(',')),\n"
        "  size: z.string().transform((s) => s.length).pipe(z.number().min(1)),\n"
        "  other: z.string().transform((s) => parseThing(s)),\n"
        "  plain: z.string().refine((s) => s.length > 1),\n"
        "});\n"
    )
    props = ctx.schema("S").properties
    tags = schema_type(props["tags"], None)
    assert tags.kind == "list" and tags.item is not None and tags.item.kind == "str"
    assert schema_type(props["size"], None).kind == "float"  # what the piped schema gives
    assert schema_type(props["other"], None).kind == "opaque"  # unknown: the body stays a TODO
    assert schema_type(props["plain"], None) == STR
