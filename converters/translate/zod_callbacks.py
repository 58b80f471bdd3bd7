"""The functions given to zod's ``.refine``, ``.superRefine``, ``.transform`` and ``z.preprocess``,
translated to a small Python function (all or nothing, like tool bodies).

``translate_zod_callback`` takes the arrow function's node and the type of the value zod passes
it, and gives the source of ``def check(value[, ctx])`` (or ``def convert``) that the emitted
pydantic validator hands to ``lumos_compat.zod_effects``, the imports it needs and the type of
what it returns. ``ctx`` (superRefine, transform) is a ``RefinementContext``: ``ctx.addIssue({
code: "custom", message, path })`` becomes ``ctx.add_issue({...})``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from converters.translate import pyexpr as px
from converters.translate.translator import FunctionTranslator, Unsupported, _join
from converters.translate.types import ANY, Resolver, Ty
from converters.ts import Node, Syntax

__all__ = ["ZOD_CTX", "TranslatedCallback", "translate_zod_callback"]

ZOD_CTX = Ty("zod_ctx")
"""The type of the ``ctx`` a superRefine or transform callback receives."""

_FUNCTIONS = ("arrow_function", "function_expression", "function")
_IMPORTS: dict[str, tuple[str, str | None]] = {"jsrt": ("lumos_compat", "jsrt")}


@dataclass(frozen=True)
class TranslatedCallback:
    """A translated callback: its ``def`` as source, the imports, and its return type."""

    code: str
    returns: Ty
    imports: list[tuple[str, str | None]] = field(default_factory=list)


def translate_zod_callback(
    syntax: Syntax,
    node: Node,
    *,
    value_ty: Ty,
    name: str,
    takes_ctx: bool,
    resolve: Resolver | None = None,
) -> TranslatedCallback | Unsupported:
    """Translate ``(value[, ctx]) => ...`` to ``def <name>(value[, ctx])``; the ``Unsupported``
    that stopped it otherwise (its line and column are in ``syntax``)."""
    t = FunctionTranslator(syntax, resolve=resolve)
    try:
        return _translate(t, node, value_ty, name, takes_ctx)
    except Unsupported as exc:
        return exc
    except RecursionError:
        row, col = node.start_point
        return Unsupported("an expression nested too deeply", row + 1, col + 1)


def _translate(
    t: FunctionTranslator, node: Node, value_ty: Ty, name: str, takes_ctx: bool
) -> TranslatedCallback:
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node.type not in _FUNCTIONS:
        raise t.fail(f"a {node.type.replace('_', ' ')} given instead of a function", node)
    if any(c.type == "async" for c in node.children):
        raise t.fail(
            "an async function (zod's synchronous parse, as Mastra uses, rejects it)", node
        )
    t.push_func(is_async=False)
    params = t.parameter_patterns(node)
    if len(params) > (2 if takes_ctx else 1):
        raise t.fail(f"a callback with {len(params)} parameters", node)
    py_params: list[str] = []
    prologue: list[cst.BaseStatement] = []
    for index, param in enumerate(params):
        ty = value_ty if index == 0 else ZOD_CTX
        wanted = "value" if index == 0 else "ctx"
        if param.type == "identifier":
            var = t.declare(t.text(param), ty, wanted)
            py_params.append(var.py)
        elif param.type in ("object_pattern", "array_pattern") and index == 0:
            py_params.append(wanted)
            prologue += t.destructure(param, (cst.Name(wanted), ty))
        else:
            raise t.fail(f"the parameter {t.short(param)}", param)
    t.func.names |= set(py_params)
    body_node = node.child_by_field_name("body")
    if body_node is None:
        raise t.fail("a function without a body", node)
    if body_node.type == "statement_block":
        stmts = t.statements(body_node.named_children)
        returns: Ty | None = None
        for ty in t.func.returns:
            returns = _join(returns, ty)
        returned = returns or Ty("none", nullable=True)
    else:
        value, returned = t.expr(body_node)
        stmts = [cst.SimpleStatementLine([cst.Return(value)])]
    if t.uses_http:
        raise t.fail("`fetch` in a zod callback (zod's synchronous parse cannot wait for it)", node)
    body = [*t.helpers, *prologue, *stmts] or [cst.SimpleStatementLine([cst.Pass()])]
    func = cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(params=[cst.Param(cst.Name(p)) for p in py_params]),
        body=cst.IndentedBlock(body=body),
    )
    module = cst.Module(body=[func])
    imports = sorted(_IMPORTS.get(m, (m, None)) for m in t.imports)
    return TranslatedCallback(module.code, returned if returned is not None else ANY, imports)


def add_issue_statement(
    t: FunctionTranslator, base: cst.BaseExpression, arg: Node
) -> list[cst.BaseStatement]:
    """``ctx.addIssue({ code: "custom", message, path })`` -> ``ctx.add_issue({...})``."""
    return [cst.SimpleStatementLine([cst.Expr(add_issue_call(t, base, arg))])]


def add_issue_call(t: FunctionTranslator, base: cst.BaseExpression, arg: Node) -> cst.Call:
    """The ``ctx.add_issue(...)`` call of a ``ctx.addIssue(...)`` (see add_issue_statement)."""
    while arg.type == "parenthesized_expression" and arg.named_children:
        arg = arg.named_children[0]
    if arg.type in ("string", "template_string"):
        message, _ = t.expr(arg)
        return _call(base, message)
    if arg.type != "object":
        raise t.fail(f"ctx.addIssue of {t.short(arg)} (an object literal is translated)", arg)
    elements: list[cst.DictElement] = []
    for pair in arg.named_children:
        if pair.type == "comment":
            continue
        if pair.type != "pair":
            raise t.fail(f"{t.short(pair)} in a zod issue", pair)
        key_node = pair.child_by_field_name("key")
        value_node = pair.child_by_field_name("value")
        assert key_node is not None and value_node is not None
        key = t.text(key_node).strip("'\"")
        if key == "code":
            code = t.text(value_node).strip()
            if code.strip("'\"`") != "custom" and not code.endswith("ZodIssueCode.custom"):
                raise t.fail(f"a zod issue with code {code} (only custom issues are)", value_node)
            continue
        if key not in ("message", "path", "input"):
            raise t.fail(f"the zod issue field `{key}`", pair)
        if key == "input":
            continue
        value, _ = t.expr(value_node)
        elements.append(cst.DictElement(px.string(key), value))
    return _call(base, cst.Dict(elements))


def _call(base: cst.BaseExpression, arg: cst.BaseExpression) -> cst.Call:
    return px.call(px.attr(base, "add_issue"), arg)
