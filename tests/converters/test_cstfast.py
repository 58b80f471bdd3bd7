"""The fast libcst helpers read and render trees exactly as libcst itself does."""

from __future__ import annotations

import gc
from collections import Counter

import libcst as cst
import pytest

from converters import cstfast
from converters.gcscope import checkpoint, young_objects_only

SOURCE = '''\
"""A module with most kinds of node."""
from __future__ import annotations

import os.path as p
from typing import Annotated, Any  # a comment


@decorator(arg=1)
class Model(Base, metaclass=Meta):
    """Doc."""

    field: Annotated[int | None, Field(ge=0, description="x")] = None

    async def run(self, *args: Any, key: str = "k", **kw) -> dict[str, int]:
        async with client() as http, other():
            data = [x * 2 for x in range(10) if x % 2 if (y := x)]
            total = {k: v for k, v in kw.items()}
            text = f"{self.field!r:>10} and {data[0]}" + 'single' "implicit"
            try:
                await http.get(url=f"https://example.com/{key}")
            except (ValueError, KeyError) as exc:
                raise RuntimeError("bad") from exc
            finally:
                pass
        while not total and -1 < 2 <= 3:
            break
        else:
            lambda a, /, b=2, *c, d, **e: (a, b, c, d, e)
        return {**total, "n": len(data)} if data else {}


def gen(x):
    yield from x
    global G
    del x[0], x[1:2:3]
    assert x, "message"
    return ~x @ x ** -x
'''


class _Visited(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.types: Counter[str] = Counter()

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.types[type(node).__name__] += 1
        return True


def test_walk_reaches_the_nodes_a_visitor_visits() -> None:
    module = cst.parse_module(SOURCE)
    visited = _Visited()
    module.visit(visited)
    walked = Counter(type(n).__name__ for n in cstfast.walk(module))
    assert walked == visited.types
    assert walked["Name"] > 20 and walked["CompFor"] == 2


def test_contains() -> None:
    statement = cst.parse_statement("y = [a for a in b if a]\n")
    assert cstfast.contains(statement, cst.CompIf)
    assert cstfast.contains(statement, (cst.Float, cst.CompFor))
    assert not cstfast.contains(cst.parse_statement("y = f(a, b)\n"), (cst.CompIf, cst.CompFor))


@pytest.mark.parametrize("indent", ["    ", "\t"])
def test_code_is_libcst_code(indent: str) -> None:
    module = cst.parse_module(SOURCE.replace("    ", indent))
    assert cstfast.code(module) == module.code
    empty = cst.Module(body=[])
    for statement in module.body:
        assert cstfast.code(statement) == empty.code_for_node(statement)
        assert cstfast.code(statement, module) == module.code_for_node(statement)
    expression = cst.parse_expression("f(a, *b, c=[1, 2], **d)[0].e")
    assert cstfast.code(expression) == empty.code_for_node(expression)


def test_young_objects_only_restores_the_collector() -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    with young_objects_only():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] > before[0][0]
        made = [object() for _ in range(10)]
        checkpoint()
        with young_objects_only():  # nested: left to the outer scope
            pass
        assert gc.get_freeze_count() > 0
        del made
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    checkpoint()  # outside a scope: nothing frozen
    assert gc.get_freeze_count() == before[1]


def test_young_objects_only_leaves_a_disabled_collector_alone() -> None:
    gc.disable()
    try:
        with young_objects_only():
            assert gc.get_freeze_count() == 0
            checkpoint()
            assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_translator_drops_unused_reads_to_a_fixed_point() -> None:
    from converters.translate import _drop_unused

    body = [
        cst.parse_statement(line)
        for line in (
            "a = input.x\n",  # only read by b: dropped once b is
            "b = a\n",  # never read: dropped
            "c = input.y\n",
            "d = input.z\n",
            "d = input.w\n",  # two assignments of d: both kept
            "return [v for v in c if (lambda: v)]\n",
        )
    ]
    kept = _drop_unused(body)
    code = "".join(cstfast.code(s) for s in kept)
    assert code == ("c = input.y\nd = input.z\nd = input.w\nreturn [v for v in c if (lambda: v)]\n")
    assert kept[0] is body[2]  # statements without a comprehension are not rebuilt
