"""String values the evaluator computes equal what Node computes for the same expressions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from converters.evaluate import Evaluator
from converters.ir import NullValue, Opaque, StringValue
from converters.jsstring import js_number_string
from converters.project import ModuleGraph, discover_files

# each is a JavaScript expression over constants; the evaluator must give Node's value or Opaque
EXPRESSIONS = [
    "`${TOPIC[0].toUpperCase()}${TOPIC.slice(1)} Specialist`",
    "TOPIC.slice(-3)",
    "TOPIC.slice(2, -1)",
    "TOPIC.slice(5, 2)",
    "TOPIC.substring(5, 2)",
    "TOPIC.substring(-4)",
    "TOPIC.charAt(40)",
    "TOPIC.at(-1)",
    "TOPIC[1]",
    "EMOJI.length",
    "EMOJI.slice(0, 2)",
    "EMOJI.slice(1)",
    "`${EMOJI[0]}`",
    "WIDE.trim()",
    "WIDE.trimStart()",
    "WIDE.trimEnd()",
    "'ß straße ǆ'.toUpperCase()",
    "'ΣΟΦΟΣ İ'.toLowerCase()",
    "'ab'.repeat(3)",
    "['a', null, undefined, ['b', 'c'], 1.5, true].join('-')",
    "['x', 'y'].join()",
    "[].join('+')",
    "`${null}/${undefined}/${1e21}/${1e-7}/${0.1}/${123456789012345680000}/${-0}`",
    "`n=${1e16} ${1.5e-5} ${100} ${0.000001} ${1.7976931348623157e308}`",
    "['a', 'b', 'c'].slice(1).join('')",
]
CONSTANTS = (
    "const TOPIC = 'billing';\n"
    "const EMOJI = 'a\\u{1F600}b';\n"
    "const WIDE = '\\uFEFF\\u001C hi \\u00A0\\u0085';\n"
)


def _node_values() -> list[object]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = CONSTANTS + "console.log(JSON.stringify([" + ",\n".join(EXPRESSIONS) + "]));\n"
    out = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def test_string_expressions_evaluate_like_node(tmp_path: Path) -> None:
    expected = _node_values()
    lines = [f"export const v{i} = {expr};" for i, expr in enumerate(EXPRESSIONS)]
    (tmp_path / "main.ts").write_text(CONSTANTS + "\n".join(lines) + "\n", "utf-8")
    graph = ModuleGraph(tmp_path, discover_files(tmp_path))
    ev = Evaluator(graph)
    parsed = graph.get("main.ts")
    assert parsed is not None
    compared = 0
    for i, (expr, want) in enumerate(zip(EXPRESSIONS, expected, strict=True)):
        decl = parsed.info.declarations[f"v{i}"]
        value = ev.evaluate("main.ts", decl.child_by_field_name("value"))
        if isinstance(value, Opaque):
            # only a lone surrogate may stay unevaluated: it cannot be a Python str
            assert "surrogate" in value.reason, (expr, value.reason)
            continue
        if isinstance(value, NullValue):
            got: object = None
        elif isinstance(value, StringValue):
            got = value.value
        else:
            got = getattr(value, "value", value)
        assert got == want, expr
        compared += 1
    assert compared >= len(EXPRESSIONS) - 2


def test_number_strings_match_node() -> None:
    numbers = [0.1, 1e21, 1e-7, 123.456, 5e-324, 2**53 + 2, 1 / 3, 1e300, 25, 1e-6, 4.35, 0.5e-6]
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"console.log(JSON.stringify({json.dumps(numbers)}.map(String)))"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    assert [js_number_string(n) for n in numbers] == json.loads(out.stdout)
