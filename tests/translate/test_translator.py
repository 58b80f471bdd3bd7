"""The translator on small TypeScript bodies: the Python it writes runs like the original."""

from __future__ import annotations

import math
import subprocess
from typing import Any

import libcst as cst
import pytest
from pydantic import BaseModel

from converters.emit.module import ruff_command
from converters.ir import FunctionValue, Loc, SchemaNode
from converters.translate import NotTranslated, Translated, translate_execute
from lumos_compat import ToolExecutionContext, jsrt


def _schema(**props: str) -> SchemaNode:
    return SchemaNode(type="object", properties={k: SchemaNode(type=t) for k, t in props.items()})


def _translate(
    source: str, schema: SchemaNode | None = None, style: str = "1.x"
) -> Translated | NotTranslated:
    module = f"const tool = createTool({{\n  execute: {source},\n}});\n"
    column = module.splitlines()[1].index(source[:5]) + 1
    fn = FunctionValue(
        params=[], source=source, body_source="", loc=Loc(file="src/t.ts", line=2, column=column)
    )
    return translate_execute(fn, module_source=module, input_schema=schema, style=style)  # type: ignore[arg-type]


def _function(result: Translated) -> str:
    body = cst.Module(body=[cst.FunctionDef(
        name=cst.Name("execute"),
        params=cst.Parameters([cst.Param(cst.Name("input")), cst.Param(cst.Name("context"))]),
        body=cst.IndentedBlock(result.body),
        asynchronous=cst.Asynchronous(),
    )]).code  # fmt: skip
    imports = "".join(f"from {m} import {n}\n" if n else f"import {m}\n" for m, n in result.imports)
    return imports + body


async def _run(
    source: str,
    value: Any,
    schema: SchemaNode | None = None,
    style: str = "1.x",
    request_context: dict[str, Any] | None = None,
) -> Any:
    result = _translate(source, schema, style)
    assert isinstance(result, Translated), result
    namespace: dict[str, Any] = {}
    exec(compile(_function(result), "<translated>", "exec"), namespace)
    if schema is not None:
        fields = {k: (Any, None) for k in schema.properties}
        model = type(
            "Input",
            (BaseModel,),
            {"__annotations__": {k: Any for k in fields}, **{k: None for k in fields}},
        )
        value = model(**value)
    return await namespace["execute"](
        value, ToolExecutionContext(request_context=request_context or {})
    )


async def test_destructuring_defaults_and_nullish() -> None:
    src = """async (inputData) => {
      const { a, b: renamed = 5, ...rest } = inputData.obj ?? {};
      const [first, second = 'two'] = inputData.list;
      return { a, renamed, first, second, rest };
    }"""
    result = _translate(src)
    assert isinstance(result, NotTranslated)
    assert "rest" in result.construct and result.loc.line == 3


async def test_optional_chaining_and_nullish_are_none_checks() -> None:
    src = """async (inputData) => {
      const data = JSON.parse(inputData.raw);
      const first = data.items?.[0]?.name ?? 'none';
      const zero = data.count ?? 10;
      const empty = data.label || 'fallback';
      return { first, zero, empty, has: !!data.items };
    }"""
    out = await _run(src, {"raw": '{"items": [], "count": 0, "label": ""}'}, _schema(raw="string"))
    assert out == {"first": "none", "zero": 0, "empty": "fallback", "has": True}
    out = await _run(src, {"raw": '{"items": [{"name": "x"}]}'}, _schema(raw="string"))
    assert out == {"first": "x", "zero": 10, "empty": "fallback", "has": True}


async def test_loops_switch_try_and_templates() -> None:
    src = """async ({ n, word }) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        switch (i % 3) {
          case 0:
            out.push(`${i}:${word.toUpperCase()}`);
            break;
          case 1:
            out.push(String(i * 1.5));
            break;
          default:
            out.push('-');
        }
      }
      let total = 0;
      while (total < 10) { total += 4; }
      try {
        if (word === 'boom') { throw new Error(`bad ${word}`); }
      } catch (e) {
        return { error: e instanceof Error ? e.message : 'unknown' };
      } finally {
        total += 1;
      }
      return { out, total, joined: out.join('|'), t: typeof word === 'string' };
    }"""
    schema = SchemaNode(
        type="object",
        properties={"n": SchemaNode(type="integer"), "word": SchemaNode(type="string")},
    )
    out = await _run(src, {"n": 4, "word": "ab"}, schema)
    assert out == {
        "out": ["0:AB", "1.5", "-", "3:AB"],
        "total": 13,
        "joined": "0:AB|1.5|-|3:AB",
        "t": True,
    }
    assert await _run(src, {"n": 0, "word": "boom"}, schema) == {"error": "bad boom"}


async def test_array_pipeline_and_math() -> None:
    src = """async ({ values }) => {
      const evens = values.filter((v) => v % 2 === 0).map((v) => v * 10);
      const sum = values.reduce((acc, v) => acc + v, 0);
      return {
        evens, sum, any: values.some((v) => v > 3), all: values.every((v) => v > 0),
        found: values.find((v) => v > 2) ?? null, rounded: Math.round(2.5), neg: Math.round(-2.5),
        rem: -7 % 3, max: Math.max(...values), slice: values.slice(-2),
      };
    }"""
    schema = SchemaNode(
        type="object",
        properties={"values": SchemaNode(type="array", items=SchemaNode(type="integer"))},
    )
    out = await _run(src, {"values": [1, 2, 3, 4]}, schema)
    assert out == {
        "evens": [20, 40], "sum": 10, "any": True, "all": True, "found": 3, "rounded": 3,
        "neg": -2, "rem": -1, "max": 4, "slice": [3, 4],
    }  # fmt: skip


async def test_0x_context_is_the_input_and_request_context() -> None:
    src = """async ({ context, runtimeContext }) => {
      const tier = runtimeContext?.get('tier') ?? 'free';
      return { greeting: `hi ${context.name}`, tier };
    }"""
    out = await _run(
        src, {"name": "Ada"}, _schema(name="string"), style="0.x", request_context={"tier": "pro"}
    )
    assert out == {"greeting": "hi Ada", "tier": "pro"}


@pytest.mark.parametrize(
    ("body", "construct"),
    [
        ("async () => { const s = new Set([1]); return s; }", "`new Set(...)`"),
        ("async () => { for (const k in [1, 2]) {} }", "`for ... in`"),
        ("async () => { var x = 1; return x; }", "`var`"),
        ("async (i) => { return i.a + i.b; }", "`+`"),
        ("async () => { return fetch('https://x.example'); }", "`fetch` without `await`"),
        ("async () => { return helper(); }", "`helper`"),
        ("async () => { return [3, 1].sort(); }", "`sort`"),
    ],
)
def test_outside_the_subset_names_the_construct(body: str, construct: str) -> None:
    result = _translate(body)
    assert isinstance(result, NotTranslated)
    assert construct in result.construct
    assert result.loc.file == "src/t.ts" and result.loc.line == 2


def test_translated_code_passes_ruff(tmp_path: Any) -> None:
    src = """async ({ q }) => {
      const res = await fetch(`https://api.example.com/s?q=${encodeURIComponent(q)}`, {
        method: 'POST', headers: { 'x-key': 'k' }, body: JSON.stringify({ q }),
      });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const data = await res.json();
      console.log('got', data.total);
      return { total: data.total ?? 0, ts: Date.now() > 0, env: process.env.HOME ?? '' };
    }"""
    result = _translate(src, _schema(q="string"))
    assert isinstance(result, Translated), result
    path = tmp_path / "t.py"
    path.write_text(_function(result))
    done = subprocess.run(
        [*ruff_command(), "check", "--isolated", "--select", "E,F,W,B", "--ignore", "E501", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    code = path.read_text()
    # fetch labels a string body text/plain when the headers do not say otherwise; httpx would not
    assert "http.post(" in code and '"content-type": "text/plain;charset=UTF-8"' in code
    assert "jsrt.json_stringify" in code and "res.is_success" in code


def test_jsrt_matches_javascript() -> None:
    assert (
        jsrt.js_str(5.0) == "5"
        and jsrt.js_str(None) == "null"
        and jsrt.js_str([1, None, 2.5]) == "1,,2.5"
    )
    assert jsrt.truthy([]) and jsrt.truthy({}) and not jsrt.truthy(math.nan) and not jsrt.truthy("")
    assert jsrt.json_stringify({"a": 1.0, "b": "é"}) == '{"a":1,"b":"é"}'
    assert jsrt.form_encode({"q": "a b~*", "n": 2}) == "q=a+b%7E*&n=2"
    assert jsrt.get({"a": [{"b": 1}]}, "a", 0, "b") == 1 and jsrt.get({"a": []}, "a", 0) is None
    assert (
        jsrt.to_number("") == 0 and math.isnan(jsrt.to_number("x")) and jsrt.parse_int("42px") == 42
    )


def test_name_counts_skip_attributes_and_keywords() -> None:
    """Names count where they are read: not as an attribute or a keyword, and in every depth."""
    from converters.translate import _name_counts

    counts: dict[str, int] = {}
    stmt = cst.parse_statement("x = f(a.b.c, timeout=t, b=[a, {k: v for k in a.d}])\n")
    assert _name_counts(stmt, counts) is True  # a comprehension
    assert counts == {"x": 1, "f": 1, "a": 3, "t": 1, "k": 2, "v": 1}
    assert _name_counts(cst.parse_statement("y = a\n"), counts, -1) is False
    assert counts["a"] == 2 and counts["y"] == -1
