"""The pyexpr builders that skip libcst's validation make the nodes libcst's constructors make."""

from __future__ import annotations

import dataclasses

import libcst as cst

from converters.translate import pyexpr as px


def _same(fast: cst.CSTNode, slow: cst.CSTNode) -> None:
    assert type(fast) is type(slow)
    assert fast.deep_equals(slow)
    for f in dataclasses.fields(slow):  # every field set, none left to a missing default
        getattr(fast, f.name)
    assert cst.Module([]).code_for_node(fast) == cst.Module([]).code_for_node(slow)


def test_fast_builders_match_libcst() -> None:
    a, b = px.name("a"), px.name("b")
    _same(px.attr(a, "b"), cst.Attribute(value=a, attr=cst.Name("b")))
    _same(px.await_(a), cst.Await(a, whitespace_after_await=px.SPACE))
    _same(px.line(cst.Pass()), cst.SimpleStatementLine([cst.Pass()]))
    _same(
        px.assign(a, b),
        cst.Assign([cst.AssignTarget(a, whitespace_before_equal=px.SPACE)], b),
    )
    _same(px.dict_element(a, b), cst.DictElement(a, b))
    # a parenthesized value keeps its parentheses below the attribute
    _same(
        px.attr(px.ifexp(a, a, b), "c"),
        cst.Attribute(value=px.paren(px.ifexp(a, a, b)), attr=cst.Name("c")),
    )


def test_fast_calls_strings_and_fstrings_match_libcst() -> None:
    a, b = px.name("a"), px.name("b")
    arg_a = cst.Arg(a, whitespace_after_star=px.NO_SPACE, whitespace_after_arg=px.NO_SPACE)
    _same(px.arg(a), arg_a)
    _same(
        px.arg(a, "k"),
        cst.Arg(
            a,
            keyword=cst.Name("k"),
            whitespace_after_star=px.NO_SPACE,
            whitespace_after_arg=px.NO_SPACE,
        ),
    )
    _same(
        px.call("f", a, k=b),
        cst.Call(
            cst.Name("f"),
            [arg_a, px.arg(b, "k")],
            whitespace_after_func=px.NO_SPACE,
            whitespace_before_args=px.NO_SPACE,
        ),
    )
    _same(px.call(a, px.arg(b)), cst.Call(a, [px.arg(b)], whitespace_before_args=px.NO_SPACE))
    _same(px.string('say "hi"\n'), cst.SimpleString('"say \\"hi\\"\\n"'))
    _same(px.string("x", "'"), cst.SimpleString("'x'"))
    _same(
        px.block([cst.SimpleStatementLine([cst.Pass()])]),
        cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])]),
    )
    _same(px.dict_([]), cst.Dict([], lbrace=cst.LeftCurlyBrace(), rbrace=cst.RightCurlyBrace()))
    _same(
        px.fstring(["x {", a, "}"]),
        cst.FormattedString(
            [
                cst.FormattedStringText("x {{"),
                cst.FormattedStringExpression(a),
                cst.FormattedStringText("}}"),
            ]
        ),
    )


def test_fast_definition_matches_libcst() -> None:
    from converters.translate.hook import _annotation, _async_def, _param

    body = px.block([px.line(cst.Pass())])
    fast = _async_def(
        "run",
        [_param("input", cst.Name("Model")), _param("context", None)],
        _annotation(cst.Name("Any")),
        body,
        (),
    )
    slow = cst.FunctionDef(
        name=cst.Name("run"),
        params=cst.Parameters(
            params=[
                cst.Param(
                    cst.Name("input"),
                    annotation=cst.Annotation(cst.Name("Model")),
                    whitespace_after_star=px.NO_SPACE,
                    whitespace_after_param=px.NO_SPACE,
                ),
                cst.Param(
                    cst.Name("context"),
                    whitespace_after_star=px.NO_SPACE,
                    whitespace_after_param=px.NO_SPACE,
                ),
            ]
        ),
        returns=cst.Annotation(cst.Name("Any")),
        body=body,
        asynchronous=cst.Asynchronous(),
    )
    _same(fast, slow)


def test_fast_return_matches_libcst() -> None:
    _same(px.return_(px.name("a")), cst.Return(cst.Name("a")))
