"""The fast libcst helpers read and render trees exactly as libcst itself does."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst import MaybeSentinel

from converters import cstfast, cstrender
from converters.gcscope import checkpoint, young_objects_only
from tests.converters._emit_projects import weather_project
from tests.converters._fixture_conversion import FIXTURES, FIXTURES_DIR, REPO

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


def test_replace_is_with_changes_without_validation() -> None:
    template = cst.parse_statement("class A(B):\n    x: int\n")
    assert isinstance(template, cst.ClassDef)
    name = cst.Name("C")
    copied = cstfast.replace(template, name=name)
    assert copied is not template and type(copied) is cst.ClassDef
    assert copied.name is name and copied.body is template.body
    assert copied.deep_equals(template.with_changes(name=name))
    assert cstfast.code(copied) == cst.Module([copied]).code
    with pytest.raises(dataclasses.FrozenInstanceError):
        copied.name = template.name  # type: ignore[misc]


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


# --- cstfast.code renders every tree exactly as libcst does ---------------------------------------


def _libcst_code(node: cst.CSTNode, module: cst.Module | None = None) -> str:
    owner = module if module is not None else (node if isinstance(node, cst.Module) else _EMPTY)
    return owner.code_for_node(node)


_EMPTY = cst.Module(body=[])


class _Defaults(cst.CSTTransformer):
    """Set every field that defaults to ``MaybeSentinel.DEFAULT`` back to it, where that is valid.

    A parsed tree spells out every comma, equals sign and space; a tree built in code (as the
    emitter builds them) leaves them to the code generator. This makes the second kind from the
    first.
    """

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        node = updated_node
        names = [
            field.name
            for field in dataclasses.fields(node)
            if field.default is MaybeSentinel.DEFAULT
            and getattr(node, field.name) is not MaybeSentinel.DEFAULT
        ]
        try:
            return node.with_changes(**dict.fromkeys(names, MaybeSentinel.DEFAULT))
        except cst.CSTValidationError:
            pass
        for name in names:  # one at a time: keep those the node allows
            with contextlib.suppress(cst.CSTValidationError):
                node = node.with_changes(**{name: MaybeSentinel.DEFAULT})
        return node


def _assert_same(node: cst.CSTNode, module: cst.Module | None = None) -> None:
    assert cstfast.code(node, module) == _libcst_code(node, module)


@pytest.fixture
def checked_code(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """While active, every ``cstfast.code`` call is checked against libcst (yields the texts)."""
    texts: list[str] = []
    fast = cstfast.code

    def checked(node: cst.CSTNode, module: cst.Module | None = None) -> str:
        text = fast(node, module)
        assert text == _libcst_code(node, module)
        texts.append(text)
        return text

    monkeypatch.setattr(cstfast, "code", checked)
    yield texts


@pytest.mark.parametrize("fixture", FIXTURES)
def test_code_is_libcst_code_for_every_emitted_module(
    fixture: str, checked_code: list[str]
) -> None:
    from converters.cli import DEFAULT_IGNORES
    from converters.emit import emit_project
    from converters.scan import scan_project

    result = emit_project(scan_project(FIXTURES_DIR / fixture, ignore=DEFAULT_IGNORES))
    modules = [text for path, text in result.files.items() if path.endswith(".py")]
    assert modules
    assert len(checked_code) >= len(modules)


def test_code_is_libcst_code_for_the_hand_built_project(
    tmp_path: Path, checked_code: list[str]
) -> None:
    from converters.emit import emit_project

    emit_project(weather_project(tmp_path))
    assert len(checked_code) > 3


# Real Python parsed and rendered again must come back unchanged, and its variant with every
# default left to the code generator must render as libcst renders it: varied files of this repo
REAL_SOURCES = [
    "converters/cli.py",  # decorators, Annotated options, comments
    "converters/cstrender.py",  # nested expressions, closures, comprehensions
    "converters/translate/translator.py",  # large: most statement kinds
    "lumos_compat/agent.py",  # async code, classes, docstrings
    "lumos_compat/providers/openai.py",  # match statements, async with / for
    "tests/converters/test_cstfast.py",  # raw and nested strings: this very test
]


@pytest.mark.parametrize("relpath", REAL_SOURCES)
def test_code_round_trips_real_source(relpath: str) -> None:
    source = (REPO / relpath).read_text(encoding="utf-8")
    module = cst.parse_module(source)
    assert cstfast.code(module) == source
    for statement in module.body:
        _assert_same(statement, module)
    defaults = module.visit(_Defaults())
    assert cstfast.code(defaults) == defaults.code
    other = source.replace("\n", "\r\n").replace("    ", "\t")
    assert cstfast.code(cst.parse_module(other)) == other


TRICKY = """\
#!/usr/bin/env python
# leading comment

'''Docstring.'''  # trailing comment
import a.b as c, d ; import e
from . import (x,  # why
    y as z,
)
from ..pkg.mod import *
global G ; nonlocal_ok = 1


@first
# between decorators
@second . attr ( 1 , )

async def f(a, /, b: int = 1, *args: str, c, d=2, **kw) -> "T":
    global G, H
    def inner():
        nonlocal a
        a += 1 ; del a, kw['x']
    async with open(x) as (y, z), other:
        pass
    async for i in aiter():
        await i
    yield
    yield (1, 2)
    x = yield from g()
    return


class K(Base, *bases, metaclass=M, **kw):  # comment
    '''Doc.'''
    attr: int
    other: list[int] = []
    if x: pass
    elif y: pass ; pass
    else:

        # comment inside a block

        pass
    # block footer comment
for (i, j) in {k: v for k, v in d.items() if k if v}:
    continue
else:
    break
while (n := n - 1) > 0:
    print(f"{n!r:>{width}} and {n=} {'nested'} {{literal}}", end = "")
else:
    pass
try:
    raise E("m") from None
except (A, B) as exc:
    raise
except C:
    pass
else:
    pass
finally:
    pass
with (
    a as b,
    c as d,
):
    pass
value = (
    lambda: 0,
    lambda x, *, y=1: x + y,
    lambda *a, **k: (a, k),
    lambda a, /: a,
)[0 : 2 : 1]
s = a[1:2, ::3, :, ...][::] + b[-1] ** -2 // 3 % 4 @ m
t = not a and b or c if d is not None else e not in f
u = [*x, *(y or z)], {*x}, {**x, 'k': 1}, (yield), (x for x in y), {x for x in y}
v = 1, ; w = ()
assert x, "message"
print(* args, ** kwargs)
x = 1 if True else \\
    2
x = ('implicit'
     "concat" f'{x}'
     )
x = [  # comment after bracket
    1,
    2  # comment after element
    ,
]
match command.split():
    case [action]:
        pass
    case [Point(x=0, y=0) as p, *rest] if p:
        pass
    case {"key": value, **others}:
        pass
    case 1 | 2 | (3 | 4):
        pass
    case (a, b, *_) | [a, b]:
        pass
    case str() | None | True:
        pass
    case _:
        pass
x ;
if x:
    pass
"""

NEW_SYNTAX = """\
type X[T] = list[T]
type Y = int
def f[T: int, *Ts, **P](x: T) -> T: ...
class C[T = int, *Ts = *tuple[int], **P = [int]]: pass
try:
    pass
except* ValueError as e:
    pass
x = t"template {value!r:>10}"
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("indent", ["    ", "\t", "  "])
def test_code_is_libcst_code_for_tricky_source(indent: str, newline: str) -> None:
    source = TRICKY.replace("    ", indent).replace("\n", newline)
    module = cst.parse_module(source)
    assert cstfast.code(module) == source
    defaults = module.visit(_Defaults())
    assert cstfast.code(defaults) == defaults.code
    for node in cstfast.walk(module):  # every node on its own, too
        if not isinstance(node, (cst.Param, cst.Annotation)):  # libcst needs their parent
            _assert_same(node, module)
            _assert_same(node)


def test_code_is_libcst_code_for_new_syntax() -> None:
    config = cst.PartialParserConfig(python_version="3.14")
    module = cst.parse_module(NEW_SYNTAX, config=config)
    assert cstfast.code(module) == NEW_SYNTAX
    defaults = module.visit(_Defaults())
    assert cstfast.code(defaults) == defaults.code


def _built_trees() -> list[cst.CSTNode]:
    """Trees built in code the way the emitter builds them: defaults everywhere."""
    name, one, two = cst.Name("x"), cst.Integer("1"), cst.Integer("2")
    param = cst.Param(cst.Name("p"), annotation=cst.Annotation(cst.Name("int")), default=one)
    block = cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])
    value = cst.MatchValue(one)
    return [
        cst.Module(body=[]),
        cst.Module(body=[], has_trailing_newline=False),
        cst.Module(body=[], header=[cst.EmptyLine(comment=cst.Comment("# only a header"))]),
        cst.Module(
            body=[cst.SimpleStatementLine([cst.Expr(name)])],
            has_trailing_newline=False,
            default_newline="\r\n",
        ),
        cst.Module(
            body=[
                cst.FunctionDef(
                    cst.Name("f"),
                    cst.Parameters(
                        posonly_params=[param],
                        params=[cst.Param(cst.Name("q"), default=two)],
                        kwonly_params=[cst.Param(cst.Name("r"), default=two)],
                        star_kwarg=cst.Param(cst.Name("kw")),
                    ),
                    cst.IndentedBlock(
                        [], indent="\t", footer=[cst.EmptyLine(comment=cst.Comment("# footer"))]
                    ),
                    returns=cst.Annotation(cst.Name("None")),
                    asynchronous=cst.Asynchronous(),
                    decorators=[cst.Decorator(cst.Name("d"))],
                ),
                cst.ClassDef(
                    cst.Name("C"),
                    cst.IndentedBlock(
                        [
                            cst.If(
                                name,
                                block,
                                orelse=cst.If(name, block, orelse=cst.Else(block)),
                                leading_lines=[cst.EmptyLine(indent=False)],
                            )
                        ]
                    ),
                    bases=[cst.Arg(name)],
                    keywords=[cst.Arg(one, keyword=cst.Name("k"))],
                ),
                cst.ClassDef(cst.Name("D"), block),
            ],
            default_indent="  ",
        ),
        cst.Parameters(star_arg=cst.ParamStar(), kwonly_params=[cst.Param(name)]),
        cst.Parameters(kwonly_params=[cst.Param(name)]),
        cst.Parameters(posonly_params=[cst.Param(name)]),
        cst.Parameters(posonly_params=[cst.Param(name)], star_arg=cst.Param(cst.Name("a"))),
        cst.Parameters(
            posonly_params=[cst.Param(name)], params=[param], posonly_ind=cst.ParamSlash()
        ),
        cst.Lambda(cst.Parameters(), one),
        cst.Lambda(cst.Parameters(star_arg=cst.Param(name)), one),
        cst.Tuple([cst.Element(one)]),
        cst.Tuple([cst.Element(one), cst.StarredElement(name)], lpar=[], rpar=[]),
        cst.Set([cst.Element(one), cst.Element(two)]),
        cst.Dict([cst.DictElement(name, one), cst.StarredDictElement(name)]),
        cst.Subscript(
            name,
            [
                cst.SubscriptElement(cst.Slice(None, None, step=two)),
                cst.SubscriptElement(cst.Slice(one, None)),
                cst.SubscriptElement(cst.Index(name, star="*")),
            ],
        ),
        cst.Call(
            name, [cst.Arg(one, star="*"), cst.Arg(two, keyword=name), cst.Arg(name, star="**")]
        ),
        cst.Yield(),
        cst.Yield(cst.From(name)),
        cst.Await(name, lpar=[cst.LeftParen()], rpar=[cst.RightParen()]),
        cst.SimpleStatementLine([cst.Return(), cst.Raise(), cst.Raise(name, cst.From(name))]),
        cst.SimpleStatementLine([cst.Assert(name, one), cst.Global([cst.NameItem(name)] * 2)]),
        cst.SimpleStatementLine([cst.Import([cst.ImportAlias(name, cst.AsName(cst.Name("y")))])]),
        cst.SimpleStatementLine([cst.ImportFrom(name, [cst.ImportAlias(name)] * 2)]),
        cst.SimpleStatementLine([]),
        cst.SimpleStatementLine([cst.AnnAssign(name, cst.Annotation(name)), cst.Pass()]),
        cst.With([cst.WithItem(name), cst.WithItem(one, cst.AsName(name))], block),
        cst.For(name, name, cst.SimpleStatementSuite([cst.Break(), cst.Continue()])),
        cst.While(name, cst.SimpleStatementSuite([])),
        cst.Try(
            block,
            [cst.ExceptHandler(block, name, cst.AsName(name))],
            cst.Else(block),
            cst.Finally(block),
        ),
        cst.FormattedString(
            [
                cst.FormattedStringText("a"),
                cst.FormattedStringExpression(
                    name, "r", [cst.FormattedStringText(">10")], equal=cst.AssignEqual()
                ),
            ]
        ),
        cst.Match(
            name,
            [
                cst.MatchCase(
                    cst.MatchOr(
                        [
                            cst.MatchOrElement(value),
                            cst.MatchOrElement(cst.MatchAs(name=name)),
                            cst.MatchOrElement(cst.MatchAs()),
                        ]
                    ),
                    block,
                    guard=name,
                ),
                cst.MatchCase(
                    cst.MatchTuple(
                        [cst.MatchSequenceElement(cst.MatchSingleton(cst.Name("None")))]
                    ),
                    block,
                ),
                cst.MatchCase(
                    cst.MatchList([cst.MatchSequenceElement(value), cst.MatchStar()]), block
                ),
                cst.MatchCase(
                    cst.MatchMapping(
                        [cst.MatchMappingElement(one, cst.MatchAs(value, name))], rest=name
                    ),
                    block,
                ),
                cst.MatchCase(
                    cst.MatchClass(
                        name,
                        [cst.MatchSequenceElement(value)],
                        [cst.MatchKeywordElement(name, value)],
                    ),
                    block,
                ),
            ],
        ),
        cst.TypeParameters(
            [
                cst.TypeParam(cst.TypeVar(name, bound=name)),
                cst.TypeParam(cst.TypeVarTuple(name), default=name),
                cst.TypeParam(cst.ParamSpec(name)),
            ]
        ),
        cst.SimpleStatementLine(
            [cst.TypeAlias(name, one), cst.TypeAlias(name, one, cst.TypeParameters([]))]
        ),
        cst.Arg(one),
        cst.Element(one),
        cst.ImportAlias(name),
    ]


@pytest.mark.parametrize("node", _built_trees(), ids=lambda node: type(node).__name__)
def test_code_is_libcst_code_for_built_trees(node: cst.CSTNode) -> None:
    _assert_same(node)
    _assert_same(node, cst.Module(body=[], default_indent="\t", default_newline="\r\n"))


@pytest.mark.parametrize(
    "missing",
    [
        [cst.If],
        [cst.IndentedBlock],
        [cst.FunctionDef, cst.ClassDef],
        [cst.SimpleStatementLine, cst.EmptyLine],
        [cst.Call, cst.Name, cst.ParenthesizedWhitespace],
    ],
    ids=lambda classes: "-".join(c.__name__ for c in classes),
)
def test_classes_without_a_renderer_are_rendered_by_libcst(
    missing: list[type], monkeypatch: pytest.MonkeyPatch
) -> None:
    for cls in missing:
        monkeypatch.delitem(cstrender._G, cls)
    module = cst.parse_module(TRICKY)
    assert cstfast.code(module) == TRICKY
    # and nodes that libcst passes keyword arguments (other tables)
    monkeypatch.delitem(cstrender._COMMA, cst.Arg)
    monkeypatch.delitem(cstrender._ELEM, cst.Element)
    monkeypatch.delitem(cstrender._SMALL, cst.Assign)
    assert cstfast.code(module) == TRICKY
    defaults = module.visit(_Defaults())
    assert cstfast.code(defaults) == defaults.code


def test_every_libcst_node_class_has_a_renderer() -> None:
    tables = (
        cstrender._G,
        cstrender._SMALL,
        cstrender._COMMA,
        cstrender._ELEM,
        cstrender._PARAM,
        cstrender._ANNOTATION,
        cstrender._FROM,
        cstrender._IF,
        cstrender._OR_ELEMENT,
    )
    known = {cls for table in tables for cls in dict.keys(table)}
    node_classes = {
        cls
        for cls in vars(cst).values()
        if isinstance(cls, type)
        and issubclass(cls, cst.CSTNode)
        and not getattr(cls, "__abstractmethods__", None)
    }
    # lazy imports (PEP 810, new in libcst 1.9) are left to libcst
    missing = {cls.__name__ for cls in node_classes - known} - {"LazyImport", "LazyImportFrom"}
    assert not missing


def test_a_line_shared_between_trees_renders_at_each_depth() -> None:
    """One line node at several depths and in modules with other newlines: libcst's text each
    time, also for a line whose text spans lines (parenthesized, so it depends on the depth)."""
    plain = cst.parse_statement("x: int = f(a, b=1)  \n")
    spanning = cst.parse_statement("y = f(\n    a,\n)\n")
    assert isinstance(plain, cst.SimpleStatementLine)
    for line in (plain, spanning):
        inner = cst.IndentedBlock(body=[line, line])
        tree = cst.Module(
            body=[
                line,
                cst.If(test=cst.Name("a"), body=inner),
                cst.If(
                    test=cst.Name("b"), body=cst.IndentedBlock(body=[cst.If(cst.Name("c"), inner)])
                ),
                line,
            ]
        )
        for module in (tree, tree.with_changes(default_indent="\t", default_newline="\r\n")):
            assert cstfast.code(module) == module.code
            _assert_same(line, module)


@pytest.mark.parametrize("text", ["", "plain", "two\nlines\r\n", "tab\tand\fform\vfeed", "trail  "])
def test_comment_line_is_the_line_libcst_builds(text: str) -> None:
    made = cstfast.comment_line(text)
    flat = text.replace("\r", "").replace("\n", " ").replace("\f", " ").replace("\v", " ")
    checked = cst.EmptyLine(comment=cst.Comment(("# " + flat).rstrip() if flat else "#"))
    assert made.deep_equals(checked)
    module = cst.Module(body=[cst.SimpleStatementLine([cst.Pass()], leading_lines=[made])])
    assert module.code.splitlines()[0] == checked.comment.value  # type: ignore[union-attr]
