"""The library calls tool bodies make, mapped to Python: fetch to httpx, JSON, Math, strings, arrays.

Each function takes the ``FunctionTranslator`` and a tree-sitter node and returns libcst, or raises
``Unsupported`` (through ``t.fail``) for a call it does not know.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import libcst as cst

from converters.translate import pyexpr as px
from converters.translate.steps import STEP_KINDS, step_call, step_method_call
from converters.translate.types import (
    ANY,
    BOOL,
    ERROR,
    FLOAT,
    INT,
    JSON,
    NONE,
    RESPONSE,
    STR,
    Ty,
    list_of,
)
from converters.ts import Node

if TYPE_CHECKING:
    from converters.translate.translator import E, FunctionTranslator

__all__ = [
    "translate_awaited_call",
    "translate_call",
    "translate_call_statement",
    "translate_new",
]

_PASS = {
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
    "parenthesized_expression",
}
# characters encodeURIComponent leaves alone besides letters and digits
_URI_COMPONENT_SAFE = "-_.!~*'()"
_STRING_ONLY = {
    "toLowerCase", "toUpperCase", "trim", "trimStart", "trimEnd", "startsWith", "endsWith",
    "split", "replace", "replaceAll", "padStart", "padEnd", "repeat", "charAt",
    "toLocaleLowerCase", "toLocaleUpperCase",
}  # fmt: skip
_ARRAY_ONLY = {"map", "filter", "find", "findIndex", "some", "every", "reduce", "join", "concat"}
_HTTP_METHODS = {"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch"}


def _bare(node: Node) -> Node:
    while node.type in _PASS:
        node = node.named_children[0]
    return node


def _args(node: Node) -> list[Node]:
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [a for a in arguments.named_children if a.type != "comment"]


def _callee(node: Node) -> tuple[Node, str | None, Node | None]:
    """(function node, method name if a member call, receiver node)."""
    func = node.child_by_field_name("function")
    assert func is not None
    func = _bare(func)
    if func.type == "member_expression":
        prop = func.child_by_field_name("property")
        obj = func.child_by_field_name("object")
        assert prop is not None and obj is not None
        receiver = _bare(obj)
        if _bare_but_non_null(obj).type == "non_null_expression":
            receiver = _bare_but_non_null(obj)  # `agent!.generate()`: the `!` says not null
        return func, prop.type and _text_of(prop), receiver
    return func, None, None


def _bare_but_non_null(node: Node) -> Node:
    while node.type in _PASS and node.type != "non_null_expression":
        node = node.named_children[0]
    return node


def _text_of(node: Node) -> str:
    text = node.text
    return text.decode("utf-8") if text is not None else ""


def _simple_expr(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.Name):
        return True
    if isinstance(expr, cst.Attribute):
        return _simple_expr(expr.value)
    return False


def _optional_call(node: Node) -> bool:
    return any(c.type == "?." for c in node.children)


def _check_args(t: FunctionTranslator, node: Node, args: list[Node], low: int, high: int) -> None:
    if any(a.type == "spread_element" for a in args):
        raise t.fail(f"a spread argument in {t.short(node)}", node)
    if not low <= len(args) <= high:
        raise t.fail(f"{t.short(node)} with {len(args)} arguments", node)


# -- plain calls -------------------------------------------------------------------------------


def translate_call(t: FunctionTranslator, node: Node) -> E:
    """A call expression whose value is used."""
    func, method, receiver = _callee(node)
    args = _args(node)
    if method is None:
        return _function_call(t, node, func, args)
    assert receiver is not None
    receiver_text = t.text(receiver)
    if t.may_be_optional(node) and (_optional_call(node) or t._chain_is_optional(func)):
        # context?.requestContext?.get(...) is fine: the context is always there
        base, rty = t.expr(receiver)
        if (
            isinstance(base, cst.IfExp)
            and id(base) in t.non_null_guards
            and not any(c.type == "optional_chain" for c in func.children)
        ):
            # `a?.b().c()`: the whole chain is skipped when `a` is null
            value, vty = _method_call(t, node, base.body, rty.with_nullable(False), method, args)
            guarded = px.ifexp(base.test, value, cst.Name("None"))
            if not vty.nullable:
                t.non_null_guards.add(id(guarded))
            return guarded, vty.with_nullable()
        if rty.kind not in ("context", "request_context"):
            if not any(c.type == "optional_chain" for c in func.children) or not rty.nullable:
                raise t.fail(f"an optional call {t.short(node)}", node)
            if not _simple_expr(base):
                raise t.fail(f"an optional call on {t.short(receiver)}", node)
            # x?.m(...)  ->  x.m(...) if x is not None else None
            value, vty = _method_call(t, node, base, rty.with_nullable(False), method, args)
            test = px.compare(base, cst.IsNot(), cst.Name("None"))
            guarded = px.ifexp(test, value, cst.Name("None"))
            if not vty.nullable:
                t.non_null_guards.add(id(guarded))
            return guarded, vty.with_nullable()
    if receiver.type == "identifier" and t._is_global(receiver_text):
        known = _global_call(t, node, receiver_text, method, args)
        if known is not None:
            return known
    if receiver.type == "new_expression":
        ctor = receiver.child_by_field_name("constructor")
        if (
            ctor is not None
            and t.text(ctor) == "Date"
            and not _args(receiver)
            and method == "toISOString"
        ):
            t.use("datetime")
            now = px.call("datetime.datetime.now", px.dotted("datetime.UTC"))
            iso = px.call(px.attr(now, "isoformat"), timespec=px.string("milliseconds"))
            return px.call(px.attr(iso, "replace"), px.string("+00:00"), px.string("Z")), STR
    if method == "addIssue" and receiver.type == "identifier" and len(args) == 1:
        base, bty = t.expr(receiver)
        if bty.kind == "zod_ctx":  # `(v, ctx) => ctx.addIssue({...})`
            from converters.translate.zod_callbacks import add_issue_call

            return add_issue_call(t, base, args[0]), NONE
    if receiver.type == "regex" and method == "test":
        # /re/.test(s): a literal is a new RegExp each time, so its lastIndex starts at 0
        _check_args(t, node, args, 1, 1)
        value, vty = t.expr(args[0])
        if vty.kind != "str" or vty.nullable:
            raise t.fail(f"{t.short(node)} of a value not known to be a string", node)
        pattern, flags = _regex(t, receiver)
        t.use("re")
        found = px.call("re.search", pattern, value, *([flags] if flags is not None else []))
        return px.compare(found, cst.IsNot(), cst.Name("None")), BOOL
    base, bty = t.expr(receiver)
    return _method_call(t, node, base, bty, method, args)


def _function_call(t: FunctionTranslator, node: Node, func: Node, args: list[Node]) -> E:
    name = t.text(func)
    if func.type == "identifier" and t._is_global(name):
        if name == "encodeURIComponent":
            _check_args(t, node, args, 1, 1)
            value, ty = t.expr(args[0])
            t.use("urllib.parse")
            return px.call(
                "urllib.parse.quote", t.to_str(value, ty), safe=px.string(_URI_COMPONENT_SAFE)
            ), STR
        if name == "String":
            _check_args(t, node, args, 1, 1)
            value, ty = t.expr(args[0])
            return t.to_str(value, ty), STR
        if name in ("Number", "parseFloat", "parseInt"):
            _check_args(t, node, args, 1, 2 if name == "parseInt" else 1)
            value, ty = t.expr(args[0])
            if name == "Number" and ty.is_number and not ty.nullable:
                return value, ty
            if len(args) == 2:
                radix, _ = t.expr(args[1])
                if not (isinstance(radix, cst.Integer) and radix.value == "10"):
                    raise t.fail("parseInt with a radix other than 10", node)
            t.use("jsrt")
            helper = {
                "Number": "jsrt.to_number",
                "parseFloat": "jsrt.parse_float",
                "parseInt": "jsrt.parse_int",
            }[name]
            return px.call(helper, value), FLOAT
        if name == "Boolean":
            _check_args(t, node, args, 1, 1)
            value, ty = t.expr(args[0], lenient=True)
            return t.truth(value, ty), BOOL
        if name == "fetch":
            raise t.fail("`fetch` without `await`", node)
        if name in ("Error", "TypeError", "RangeError"):
            return _error(t, node, name, args)
        raise t.fail(f"the function `{name}`", node)
    if func.type != "identifier":
        raise t.fail(f"calling {t.short(func)}", node)
    var = t.lookup(name, func)
    if var.ty.kind == "step_fn":
        return step_call(t, node, var.ty.tag, args)
    if var.ty.kind != "function":
        raise t.fail(f"calling `{name}`, which is not known to be a function", node)
    values = []
    for arg in args:
        if arg.type == "spread_element":
            raise t.fail(f"a spread argument in {t.short(node)}", node)
        values.append(t.expr(arg)[0])
    result = px.call(cst.Name(var.py), *values)
    returns = var.ty.item or ANY
    if var.ty.is_async:
        return result, Ty("awaitable", item=returns)
    return result, returns


def _error(t: FunctionTranslator, node: Node, name: str, args: list[Node]) -> E:
    if len(args) > 2 or any(a.type == "spread_element" for a in args):
        raise t.fail(f"{t.short(node)}", node)
    if len(args) == 2:
        raise t.fail("an Error with options (`cause`)", node)
    values = []
    if args:
        value, ty = t.expr(args[0])
        values.append(t.to_str(value, ty))
    py = {"Error": "RuntimeError", "TypeError": "TypeError", "RangeError": "ValueError"}[name]
    return px.call(py, *values), ERROR


_MATH_ONE = {
    "floor": ("math.floor", INT),
    "ceil": ("math.ceil", INT),
    "trunc": ("math.trunc", INT),
    "sqrt": ("math.sqrt", FLOAT),
    "log": ("math.log", FLOAT),
    "exp": ("math.exp", FLOAT),
}


def _global_call(
    t: FunctionTranslator, node: Node, obj: str, method: str, args: list[Node]
) -> E | None:
    if obj == "JSON":
        if method == "stringify":
            if not 1 <= len(args) <= 3 or any(a.type == "spread_element" for a in args):
                raise t.fail(f"{t.short(node)}", node)
            value, _ = t.expr(args[0])
            t.use("jsrt")
            if len(args) == 1:
                return px.call("jsrt.json_stringify", value), STR
            if args[1].type != "null":
                raise t.fail("JSON.stringify with a replacer", node)
            indent, ity = t.expr(args[2]) if len(args) == 3 else (px.number(0), INT)
            if ity.kind != "int":
                raise t.fail("JSON.stringify with a non-number indent", node)
            return px.call("jsrt.json_stringify", value, indent=indent), STR
        if method == "parse":
            _check_args(t, node, args, 1, 1)
            value, ty = t.expr(args[0])
            if ty.kind != "str":
                raise t.fail("JSON.parse of a value not known to be a string", node)
            t.use("json")
            return px.call("json.loads", value), JSON
    if obj == "Math":
        values = []
        types = []
        json_args = False
        for arg in args:
            if arg.type == "spread_element":
                if method in ("min", "max") and len(args) == 1:
                    inner, ity = t.expr(arg.named_children[0])
                    if ity.kind == "list" and ity.item and ity.item.is_number:
                        if ity.item.nullable:
                            raise t.fail(f"Math.{method} over a list that may hold null", node)
                        return px.call(method, inner), ity.item
                    if ity.kind == "json" or (ity.kind == "list" and not ity.nullable):
                        # JSON from the network: JavaScript's rules (empty, NaN, strings)
                        t.use("jsrt")
                        spread = cst.Arg(px.wrap(inner, px.P_PRIMARY), star="*")
                        return px.call(f"jsrt.math_{method}", spread), FLOAT
                    raise t.fail(f"Math.{method} over a list not known to hold numbers", node)
                raise t.fail(f"a spread argument in {t.short(node)}", node)
            value, ty = t.expr(arg)
            if method in ("min", "max") and (not ty.is_number or ty.nullable):
                if ty.kind not in ("json", "int", "float"):
                    raise t.fail(f"Math.{method} of a value not known to be a number", arg)
                json_args = True
            elif not ty.is_number or ty.nullable:
                raise t.fail(f"Math.{method} of a value not known to be a number", arg)
            values.append(value)
            types.append(ty)
        if json_args:
            # a value from JSON among the numbers: JavaScript's rules (null is 0, NaN wins)
            t.use("jsrt")
            return px.call(f"jsrt.math_{method}", *values), FLOAT
        if method in _MATH_ONE and len(values) == 1:
            func, rty = _MATH_ONE[method]
            t.use("math")
            if method in ("floor", "ceil", "trunc") and types[0].kind == "int":
                return values[0], INT
            return px.call(func, values[0]), rty
        if method == "round" and len(values) == 1:
            if types[0].kind == "int":
                return values[0], INT
            # Math.round rounds halves up (towards +Infinity); Python's round() to even
            t.use("math")
            return px.call("math.floor", px.binop(values[0], cst.Add(), cst.Float("0.5"))), INT
        if method == "abs" and len(values) == 1:
            return px.call("abs", values[0]), types[0]
        if method in ("min", "max") and len(values) >= 2:
            kind = INT if all(ty.kind == "int" for ty in types) else FLOAT
            return px.call(method, *values), kind
        if method == "pow" and len(values) == 2:
            return px.binop(px.call("float", values[0]), cst.Power(), values[1]), FLOAT
        if method == "random" and not values:
            t.use("random")
            return px.call("random.random"), FLOAT
        raise t.fail(f"Math.{method} with {len(values)} arguments", node)
    if obj == "Object":
        if method in ("keys", "values", "entries"):
            _check_args(t, node, args, 1, 1)
            value, ty = t.expr(args[0])
            if ty.kind not in ("dict", "json") or (ty.nullable and ty.kind != "json"):
                raise t.fail(f"Object.{method} of a value not known to be a plain object", node)
            item = ty.item if ty.kind == "dict" and ty.item else JSON
            if method == "keys":
                return px.call("list", value), list_of(STR)
            if method == "values":
                return px.call("list", px.call(px.attr(value, "values"))), list_of(item)
            return px.call("list", px.call(px.attr(value, "items"))), list_of(Ty("list", item=JSON))
        if (
            method == "assign"
            and args
            and _bare(args[0]).type == "object"
            and not _bare(args[0]).named_children
        ):
            elements: list[cst.BaseDictElement] = []
            for arg in args[1:]:
                value, ty = t.expr(arg)
                if ty.kind not in ("dict", "json") or (ty.nullable and ty.kind != "json"):
                    raise t.fail("Object.assign from a value not known to be a plain object", arg)
                elements.append(cst.StarredDictElement(px.wrap(value, px.P_PRIMARY)))
            return px.dict_(elements), Ty("dict", item=JSON)
    if obj == "Array" and method == "isArray":
        _check_args(t, node, args, 1, 1)
        value, _ = t.expr(args[0], lenient=True)
        return px.call("isinstance", value, cst.Name("list")), BOOL
    if obj == "Date" and method == "now" and not args:
        t.use("time")
        return px.call(
            "int", px.binop(px.call("time.time"), cst.Multiply(), cst.Integer("1000"))
        ), INT
    if obj == "Number" and method == "isInteger":
        _check_args(t, node, args, 1, 1)
        value, ty = t.expr(args[0])
        if ty.kind == "int":
            return cst.Name("True"), BOOL
        if ty.kind == "float" and not ty.nullable:
            return px.call(px.attr(px.call("float", value), "is_integer")), BOOL
    if obj == "console":
        raise t.fail("the value of a `console` call", node)
    return None


def _method_call(
    t: FunctionTranslator,
    node: Node,
    base: cst.BaseExpression,
    bty: Ty,
    method: str,
    args: list[Node],
) -> E:
    if bty.kind in STEP_KINDS and t.step is not None and (bty.kind == "mastra" or not bty.nullable):
        # `mastra.getAgent(...)`: TypeScript types the Mastra instance as always there
        return step_method_call(t, node, base, bty, method, args)
    if bty.nullable and bty.kind not in ("json", "any"):
        raise t.fail(f"calling `{method}` on a value that may be null", node)
    kind = bty.kind
    if kind in ("json", "any"):
        if method in _STRING_ONLY:
            kind = "str"
        elif method in _ARRAY_ONLY:
            kind = "list"
        elif method in ("slice", "includes") or method == "toString":
            kind = "json"
        else:
            raise t.fail(f"the method `{method}` on a value of unknown type", node)
    if kind == "request_context" and method in ("get", "has"):
        _check_args(t, node, args, 1, 1)
        key, _ = t.expr(args[0])
        if method == "has":
            return px.compare(key, cst.In(), base), BOOL
        return px.call(px.attr(base, "get"), key), ANY
    if kind == "tool_writer" and method in ("write", "custom"):
        _check_args(t, node, args, 1, 1)
        value, _ = t.expr(args[0])
        # the chunk is emitted by the call; `await` (or a bare statement) waits for nothing more
        return px.call(px.attr(base, method), value), Ty("awaitable", item=NONE, tag="step")
    if kind == "headers" and method == "get":
        _check_args(t, node, args, 1, 1)
        key, _ = t.expr(args[0])
        return px.call(px.attr(base, "get"), key), Ty("str", nullable=True)
    if kind == "response" and method in ("json", "text"):
        raise t.fail(f"`res.{method}()` without `await`", node)
    if method == "toString" and not args:
        return t.to_str(base, bty), STR
    if (kind in ("str", "json") and method == "slice") or (
        kind in ("list", "json") and method == "slice"
    ):
        return _slice(t, node, base, bty, args)
    if method == "includes" and kind in ("str", "list", "json"):
        _check_args(t, node, args, 1, 1)
        value, vty = t.expr(args[0])
        if kind != "list" and vty.kind != "str":
            raise t.fail("`includes` on a value of unknown type", node)
        return px.compare(value, cst.In(), base), BOOL
    if kind == "str":
        return _string_method(t, node, base, method, args)
    if kind == "list":
        return _array_method(t, node, base, bty, method, args)
    if bty.is_number and method == "toFixed":
        _check_args(t, node, args, 0, 1)
        digits = 0
        if args:
            digits_expr, _ = t.expr(args[0])
            if not isinstance(digits_expr, cst.Integer):
                raise t.fail("toFixed with a computed number of digits", node)
            digits = int(digits_expr.value)
        return px.call("format", base, px.string(f".{digits}f")), STR
    raise t.fail(
        f"the method `{method}` on {t.short(node.child_by_field_name('function') or node)}", node
    )


def _slice(
    t: FunctionTranslator, node: Node, base: cst.BaseExpression, bty: Ty, args: list[Node]
) -> E:
    _check_args(t, node, args, 0, 2)
    bounds: list[cst.BaseExpression | None] = [None, None]
    for i, arg in enumerate(args):
        value, ty = t.expr(arg)
        if ty.kind != "int":
            raise t.fail("`slice` with a bound not known to be a whole number", arg)
        bounds[i] = value
    sliced = cst.Subscript(
        value=px.wrap(base, px.P_PRIMARY),
        slice=[cst.SubscriptElement(cst.Slice(lower=bounds[0], upper=bounds[1]))],
    )
    return sliced, bty.with_nullable(False) if bty.kind != "json" else JSON


def _string_method(
    t: FunctionTranslator, node: Node, base: cst.BaseExpression, method: str, args: list[Node]
) -> E:
    simple = {
        "toLowerCase": "lower",
        "toUpperCase": "upper",
        "toLocaleLowerCase": "lower",
        "toLocaleUpperCase": "upper",
        "trim": "strip",
        "trimStart": "lstrip",
        "trimEnd": "rstrip",
    }
    if method in simple:
        _check_args(t, node, args, 0, 0)
        return px.call(px.attr(base, simple[method])), STR
    if method in ("startsWith", "endsWith"):
        _check_args(t, node, args, 1, 1)
        value, _ = _str_arg(t, args[0])
        return px.call(px.attr(base, method.lower()), value), BOOL
    if method == "indexOf":
        _check_args(t, node, args, 1, 1)
        value, _ = _str_arg(t, args[0])
        return px.call(px.attr(base, "find"), value), INT
    if method == "repeat":
        _check_args(t, node, args, 1, 1)
        count, cty = t.expr(args[0])
        if cty.kind != "int":
            raise t.fail("`repeat` with a count not known to be a whole number", node)
        return px.binop(base, cst.Multiply(), count), STR
    if method in ("padStart", "padEnd"):
        _check_args(t, node, args, 1, 2)
        width, wty = t.expr(args[0])
        if wty.kind != "int":
            raise t.fail(f"`{method}` with a width not known to be a whole number", node)
        fill = " "
        if len(args) == 2:
            arg = _bare(args[1])
            if arg.type != "string" or len(t.string_value(arg)) != 1:
                raise t.fail(f"`{method}` with a fill that is not one character", node)
            fill = t.string_value(arg)
        func = "rjust" if method == "padStart" else "ljust"
        extra = [px.string(fill)] if fill != " " else []
        return px.call(px.attr(base, func), width, *extra), STR
    if method == "charAt":
        _check_args(t, node, args, 1, 1)
        at, aty = t.expr(args[0])
        if aty.kind != "int":
            raise t.fail("`charAt` with an index not known to be a whole number", node)
        sliced = cst.Subscript(
            value=px.wrap(base, px.P_PRIMARY),
            slice=[
                cst.SubscriptElement(
                    cst.Slice(lower=at, upper=px.binop(at, cst.Add(), cst.Integer("1")))
                )
            ],
        )
        return sliced, STR
    if method == "split":
        _check_args(t, node, args, 1, 1)
        sep = _bare(args[0])
        if sep.type == "regex":
            pattern, flags = _regex(t, sep)
            t.use("re")
            extra = {"flags": flags} if flags is not None else {}
            return px.call("re.split", pattern, base, **extra), list_of(STR)
        value, _ = _str_arg(t, args[0])
        if isinstance(value, cst.SimpleString) and value.evaluated_value == "":
            return px.call("list", base), list_of(STR)
        return px.call(px.attr(base, "split"), value), list_of(STR)
    if method in ("replace", "replaceAll"):
        _check_args(t, node, args, 2, 2)
        pattern_node = _bare(args[0])
        repl_node = _bare(args[1])
        if repl_node.type in ("arrow_function", "function_expression"):
            raise t.fail(f"`{method}` with a function replacement", node)
        repl, _ = _str_arg(t, args[1])
        if pattern_node.type == "regex":
            pattern, flags = _regex(t, pattern_node)
            global_ = (
                "g"
                in t.text(pattern_node.child_by_field_name("flags") or pattern_node).rsplit("/", 1)[
                    -1
                ]
            )
            if method == "replaceAll" and not global_:
                raise t.fail(
                    "`replaceAll` with a non-global regex (a TypeError in JavaScript)", node
                )
            py_repl = _regex_replacement(t, repl, node)
            t.use("re")
            extra: dict[str, cst.BaseExpression] = {}
            if not global_:
                extra["count"] = cst.Integer("1")
            if flags is not None:
                extra["flags"] = flags
            return px.call("re.sub", pattern, py_repl, base, **extra), STR
        if not isinstance(repl, cst.SimpleString) or "$" in str(repl.evaluated_value):
            raise t.fail(f"`{method}` with a replacement that may hold `$` patterns", node)
        old, _ = _str_arg(t, args[0])
        count = [cst.Integer("1")] if method == "replace" else []
        return px.call(px.attr(base, "replace"), old, repl, *count), STR
    if method == "concat":
        raise t.fail("`concat` on a string", node)
    raise t.fail(f"the string method `{method}`", node)


def _str_arg(t: FunctionTranslator, node: Node) -> E:
    value, ty = t.expr(node)
    if ty.kind != "str" or ty.nullable:
        raise t.fail(f"{t.short(node)}, not known to be a string", node)
    return value, ty


def _regex(
    t: FunctionTranslator, node: Node
) -> tuple[cst.BaseExpression, cst.BaseExpression | None]:
    """A JavaScript regex literal as a Python pattern string and ``re`` flags."""
    pattern_node = node.child_by_field_name("pattern")
    flags_node = node.child_by_field_name("flags")
    pattern = t.text(pattern_node) if pattern_node is not None else ""
    flags = t.text(flags_node) if flags_node is not None else ""
    unknown = set(flags) - {"g", "i", "m", "s"}
    if unknown:
        raise t.fail(f"the regex flag(s) {''.join(sorted(unknown))}", node)
    if re.search(r"\(\?<(?![=!])", pattern):
        pattern = re.sub(r"\(\?<(?![=!])", "(?P<", pattern)
    if re.search(r"\\[kpPu]|\\c|\(\?[^:=!P<]", pattern):
        raise t.fail(f"the regex /{pattern}/ (a construct Python's re reads differently)", node)
    # \d and \w are ASCII in JavaScript; \s is Unicode in both
    ascii_classes = re.search(r"\\[dDwWbB]", pattern) is not None
    unicode_space = re.search(r"\\[sS]", pattern) is not None
    if ascii_classes and unicode_space:
        raise t.fail(f"the regex /{pattern}/ (mixes ASCII \\d/\\w with Unicode \\s)", node)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise t.fail(f"the regex /{pattern}/ ({exc})", node) from exc
    names = []
    if "i" in flags:
        names.append("re.IGNORECASE")
    if "m" in flags:
        names.append("re.MULTILINE")
    if "s" in flags:
        names.append("re.DOTALL")
    if ascii_classes:
        names.append("re.ASCII")
    flag_expr: cst.BaseExpression | None = None
    for flag in names:
        value = px.dotted(flag)
        flag_expr = (
            value if flag_expr is None else cst.BinaryOperation(flag_expr, cst.BitOr(), value)
        )
    literal = px.string(pattern)
    if "\\" in pattern and '"' not in pattern and not pattern.endswith("\\"):
        literal = cst.SimpleString('r"' + pattern + '"')
    return literal, flag_expr


def _regex_replacement(
    t: FunctionTranslator, repl: cst.BaseExpression, node: Node
) -> cst.BaseExpression:
    if not isinstance(repl, cst.SimpleString):
        raise t.fail("a computed replacement for a regex", node)
    text = repl.evaluated_value
    assert isinstance(text, str)
    if "$" not in text and "\\" not in text:
        return repl
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            out.append("\\\\")
        elif ch == "$" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "$":
                out.append("$")
                i += 1
            elif nxt == "&":
                out.append("\\g<0>")
                i += 1
            elif nxt.isdigit():
                out.append(f"\\g<{nxt}>")
                i += 1
            else:
                raise t.fail(f"the replacement pattern ${nxt}", node)
        else:
            out.append(ch)
        i += 1
    return px.string("".join(out))


def _comprehension_parts(
    t: FunctionTranslator, node: Node, base: cst.BaseExpression, item: Ty, callback: Node
) -> tuple[cst.BaseAssignTargetExpression, cst.BaseExpression, cst.BaseExpression, Ty, str]:
    params, expr, ty = t.callback(callback, [item, INT])
    if len(params) > 2 or not params:
        raise t.fail("a callback with more than (item, index) parameters", callback)
    if len(params) == 2:
        target: cst.BaseAssignTargetExpression = cst.Tuple(
            [cst.Element(cst.Name(params[1])), cst.Element(cst.Name(params[0]))], lpar=[], rpar=[]
        )
        iterable: cst.BaseExpression = px.call("enumerate", base)
    else:
        target = cst.Name(params[0])
        iterable = base
    return target, iterable, expr, ty, params[0]


def _array_method(
    t: FunctionTranslator,
    node: Node,
    base: cst.BaseExpression,
    bty: Ty,
    method: str,
    args: list[Node],
) -> E:
    item = bty.item if bty.kind == "list" and bty.item else JSON
    if method in ("map", "filter", "find", "findIndex", "some", "every"):
        _check_args(t, node, args, 1, 1)
        callback = _bare(args[0])
        if method == "filter" and callback.type == "identifier" and t.text(callback) == "Boolean":
            name = t.temp("item")
            test = t.truth(cst.Name(name), item)
            comp = t.comprehension(cst.Name(name), base, test)
            return cst.ListComp(cst.Name(name), comp), list_of(item.with_nullable(False))
        target, iterable, expr, ty, first = _comprehension_parts(t, node, base, item, callback)
        if method == "map":
            return cst.ListComp(expr, t.comprehension(target, iterable)), list_of(ty)
        test = t.truth(expr, ty)
        if method == "filter":
            comp = t.comprehension(target, iterable, test)
            return cst.ListComp(cst.Name(first), comp), bty
        if method == "find":
            comp = t.comprehension(target, iterable, test)
            gen = cst.GeneratorExp(cst.Name(first), comp)
            return px.call("next", gen, cst.Name("None")), item.with_nullable()
        if method == "findIndex":
            index_name = t.temp("index")
            if isinstance(target, cst.Tuple):
                raise t.fail("findIndex with an index parameter", node)
            comp = t.comprehension(
                cst.Tuple(
                    [cst.Element(cst.Name(index_name)), cst.Element(target)], lpar=[], rpar=[]
                ),
                px.call("enumerate", base),
                test,
            )
            gen = cst.GeneratorExp(cst.Name(index_name), comp)
            return px.call("next", gen, px.number(-1)), INT
        comp = t.comprehension(target, iterable)
        return px.call("any" if method == "some" else "all", cst.GeneratorExp(test, comp)), BOOL
    if method == "reduce":
        if len(args) != 2:
            raise t.fail("`reduce` without an initial value", node)
        init, ity = t.expr(args[1])
        params, expr, ty = t.callback(_bare(args[0]), [ity, item])
        if len(params) != 2:
            raise t.fail("a `reduce` callback without exactly (accumulator, item)", node)
        t.use("functools")
        lam = cst.Lambda(cst.Parameters([cst.Param(cst.Name(p)) for p in params]), expr)
        return px.call("functools.reduce", lam, base, init), ity if ity.kind == ty.kind else ty
    if method == "join":
        _check_args(t, node, args, 0, 1)
        sep: cst.BaseExpression = px.string(",")
        if args:
            sep, _ = _str_arg(t, args[0])
        if item.kind == "str" and not item.nullable:
            return px.call(px.attr(sep, "join"), base), STR
        t.use("jsrt")
        return px.call("jsrt.join", base, sep), STR
    if method == "concat":
        _check_args(t, node, args, 1, 1)
        other, oty = t.expr(args[0])
        if oty.kind != "list":
            raise t.fail("`concat` with a value not known to be an array", node)
        return px.binop(base, cst.Add(), other), bty
    raise t.fail(f"the array method `{method}`", node)


# -- statements ----------------------------------------------------------------------------------


def translate_call_statement(t: FunctionTranslator, node: Node) -> list[cst.BaseStatement] | None:
    """Calls with a Python statement form: ``push``, ``forEach``, ``console.*``, ``Object.assign``."""
    _, method, receiver = _callee(node)
    if method is None or receiver is None:
        return None
    args = _args(node)
    receiver_text = t.text(receiver)
    if method == "addIssue" and receiver.type == "identifier" and len(args) == 1:
        base, bty = t.expr(receiver)
        if bty.kind == "zod_ctx":  # superRefine / transform: ctx.addIssue({...})
            from converters.translate.zod_callbacks import add_issue_statement

            return add_issue_statement(t, base, args[0])
    if (
        receiver_text in ("process.stdout", "process.stderr")
        and method == "write"
        and t._is_global("process")
    ):
        _check_args(t, node, args, 1, 1)
        value, vty = t.expr(args[0])
        if vty.kind != "str" or vty.nullable:
            raise t.fail(f"{receiver_text}.write of a value not known to be a string", node)
        t.use("sys")
        stream = px.dotted(f"sys.{receiver_text.split('.')[1]}")
        return [_line(cst.Expr(px.call(px.attr(stream, "write"), value)))]
    if receiver.type == "identifier" and receiver_text == "console" and t._is_global("console"):
        levels = {
            "log": "info",
            "info": "info",
            "debug": "debug",
            "warn": "warning",
            "error": "error",
        }
        if method not in levels:
            raise t.fail(f"console.{method}", node)
        values: list[cst.BaseExpression] = []
        for arg in args:
            if arg.type == "spread_element":
                raise t.fail("a spread argument to console", node)
            values.append(t.expr(arg)[0])
        t.use("logging")
        logger = px.call("logging.getLogger", cst.Name("__name__"))
        fmt = px.string(" ".join(["%s"] * len(values)))
        return [_line(cst.Expr(px.call(px.attr(logger, levels[method]), fmt, *values)))]
    if (
        receiver.type == "identifier"
        and receiver_text == "Object"
        and method == "assign"
        and t._is_global("Object")
    ):
        if len(args) < 2:
            raise t.fail("Object.assign with one argument", node)
        target, tty = t.expr(args[0])
        if tty.kind not in ("dict", "json"):
            raise t.fail("Object.assign into a value not known to be a plain object", node)
        out = []
        for arg in args[1:]:
            value, vty = t.expr(arg)
            if vty.kind not in ("dict", "json"):
                raise t.fail("Object.assign from a value not known to be a plain object", arg)
            out.append(_line(cst.Expr(px.call(px.attr(target, "update"), value))))
        return out
    if method in ("push", "unshift", "forEach", "reverse"):
        base, bty = t.expr(receiver)
        if bty.kind not in ("list", "json", "any") or (bty.nullable and bty.kind == "list"):
            return None
        if method == "push":
            if len(args) == 1 and args[0].type == "spread_element":
                value, vty = t.expr(args[0].named_children[0])
                return [_line(cst.Expr(px.call(px.attr(base, "extend"), value)))]
            values = []
            for arg in args:
                if arg.type == "spread_element":
                    raise t.fail("`push` mixing spread and plain arguments", node)
                values.append(t.expr(arg)[0])
            if len(values) == 1:
                return [_line(cst.Expr(px.call(px.attr(base, "append"), values[0])))]
            return [
                _line(
                    cst.Expr(
                        px.call(px.attr(base, "extend"), cst.List([cst.Element(v) for v in values]))
                    )
                )
            ]
        if method == "unshift" and len(args) == 1 and args[0].type != "spread_element":
            value, _ = t.expr(args[0])
            return [_line(cst.Expr(px.call(px.attr(base, "insert"), cst.Integer("0"), value)))]
        if method == "reverse" and not args:
            return [_line(cst.Expr(px.call(px.attr(base, "reverse"))))]
        if method == "forEach" and len(args) == 1:
            return _for_each(t, node, base, bty, _bare(args[0]))
        raise t.fail(f"{t.short(node)}", node)
    return None


def _for_each(
    t: FunctionTranslator, node: Node, base: cst.BaseExpression, bty: Ty, callback: Node
) -> list[cst.BaseStatement]:
    if callback.type not in ("arrow_function", "function_expression") or t._is_async(callback):
        raise t.fail("`forEach` with a callback that is not an inline function", node)
    body = callback.child_by_field_name("body")
    assert body is not None
    for inner in t._walk(body):
        if inner.type == "return_statement":
            raise t.fail("`return` inside a `forEach` callback", inner)
    item = bty.item if bty.kind == "list" and bty.item else JSON
    t.push_block()
    t._loop_depth += 1
    try:
        params = t._lambda_params(callback, [item, INT])
        if body.type == "statement_block":
            stmts = t.statements(body.named_children)
        else:
            stmts = t.expression_statement(body)
    finally:
        t._loop_depth -= 1
        t.pop_block()
    if len(params) == 2:
        target: cst.BaseAssignTargetExpression = cst.Tuple(
            [cst.Element(cst.Name(params[1])), cst.Element(cst.Name(params[0]))], lpar=[], rpar=[]
        )
        iterable: cst.BaseExpression = px.call("enumerate", base)
    elif len(params) == 1:
        target, iterable = cst.Name(params[0]), base
    else:
        raise t.fail("a `forEach` callback with more than (item, index)", node)
    return [cst.For(target=target, iter=iterable, body=px.block(stmts or [_line(cst.Pass())]))]


def _line(stmt: cst.BaseSmallStatement) -> cst.SimpleStatementLine:
    return px.line(stmt)


# -- awaited calls -------------------------------------------------------------------------------


def translate_awaited_call(t: FunctionTranslator, node: Node) -> E | None:
    """``await fetch(...)``, ``await res.json()``, ``await Promise.all([...])``, async helpers."""
    func, method, receiver = _callee(node)
    args = _args(node)
    if (
        method is None
        and func.type == "identifier"
        and t.text(func) == "fetch"
        and t._is_global("fetch")
    ):
        return _fetch(t, node, args)
    if method is not None and receiver is not None:
        if (
            receiver.type == "identifier"
            and t.text(receiver) == "Promise"
            and method == "all"
            and t._is_global("Promise")
        ):
            _check_args(t, node, args, 1, 1)
            items = _bare(args[0])
            if items.type != "array":
                raise t.fail("Promise.all of something other than an array literal", node)
            calls: list[cst.BaseExpression] = []
            types: list[Ty] = []
            for item in items.named_children:
                value, ty = t.expr(item)
                if ty.kind != "awaitable":
                    raise t.fail(f"{t.short(item)} in Promise.all, not known to be async", item)
                calls.append(value)
                types.append(ty.item or ANY)
            t.use("asyncio")
            gathered = px.await_(px.call("asyncio.gather", *calls))
            same = types[0] if types and all(ty == types[0] for ty in types) else JSON
            return px.call("list", gathered), list_of(same)
        base_probe = receiver
        if base_probe.type in ("identifier", "member_expression", "subscript_expression"):
            base, bty = t.expr(receiver)
            if bty.kind == "response" and method in ("json", "text"):
                _check_args(t, node, args, 0, 0)
                if method == "json":
                    return px.call(px.attr(base, "json")), JSON
                return px.attr(base, "text"), STR
    return None


def _fetch(t: FunctionTranslator, node: Node, args: list[Node]) -> E:
    _check_args(t, node, args, 1, 2)
    url, uty = t.expr(args[0])
    if uty.kind != "str" or uty.nullable:
        raise t.fail(f"fetch of {t.short(args[0])}, not known to be a URL string", args[0])
    method = "GET"
    method_expr: cst.BaseExpression | None = None
    headers: cst.BaseExpression | None = None
    header_names: set[str] | None = set()
    content: cst.BaseExpression | None = None
    if len(args) == 2:
        init = _bare(args[1])
        if init.type != "object":
            raise t.fail("fetch options that are not an object literal", args[1])
        for member in init.named_children:
            if member.type == "comment":
                continue
            if member.type == "shorthand_property_identifier":
                key = t.text(member)
                value_node: Node = member
            elif member.type == "pair":
                key_node = member.child_by_field_name("key")
                value = member.child_by_field_name("value")
                assert key_node is not None and value is not None
                key = t._property_key(key_node)
                value_node = value
            else:
                raise t.fail(f"the fetch option {t.short(member)}", member)
            if key == "method":
                expr, ty = (
                    t.expr_identifier(value_node)
                    if value_node.type == "shorthand_property_identifier"
                    else t.expr(value_node)
                )
                if isinstance(expr, cst.SimpleString) and isinstance(expr.evaluated_value, str):
                    method = expr.evaluated_value.upper()
                else:
                    if ty.kind != "str":
                        raise t.fail("a fetch method not known to be a string", value_node)
                    method, method_expr = "", px.call(px.attr(expr, "upper"))
            elif key == "headers":
                bare = _bare(value_node)
                if bare.type == "object":
                    for pair in bare.named_children:
                        if pair.type == "pair":
                            pk = pair.child_by_field_name("key")
                            assert pk is not None
                            if pk.type == "computed_property_name":
                                header_names = None
                            elif header_names is not None:
                                header_names.add(t._property_key(pk).lower())
                        elif pair.type != "comment":
                            header_names = None
                else:
                    header_names = None
                headers, hty = (
                    t.expr_identifier(value_node)
                    if value_node.type == "shorthand_property_identifier"
                    else t.expr(value_node)
                )
                if hty.kind not in ("dict", "json"):
                    raise t.fail("fetch headers not known to be a plain object", value_node)
            elif key == "body":
                content, cty = (
                    t.expr_identifier(value_node)
                    if value_node.type == "shorthand_property_identifier"
                    else t.expr(value_node)
                )
                if cty.kind != "str" or cty.nullable:
                    raise t.fail(
                        "a fetch body that is not a string (FormData, Blob, URLSearchParams...)",
                        value_node,
                    )
            elif key == "signal":
                continue  # httpx has no abort signal; the call still ends with the tool
            else:
                raise t.fail(f"the fetch option `{key}`", member)
    if content is not None:
        if header_names is None:
            raise t.fail("a fetch body with headers that are not an object literal", node)
        if "content-type" not in header_names:
            # fetch labels a string body text/plain; httpx would send none
            default = px.dict_element(
                px.string("content-type"), px.string("text/plain;charset=UTF-8")
            )
            if headers is None:
                headers = px.dict_([default])
            elif isinstance(headers, cst.Dict):
                headers = headers.with_changes(elements=[*headers.elements, default])
    t.uses_http = True
    client = px.name("http")
    kwargs: dict[str, cst.BaseExpression] = {}
    if headers is not None:
        kwargs["headers"] = headers
    if content is not None:
        kwargs["content"] = content
    if (
        method_expr is None
        and method in _HTTP_METHODS
        and (content is not None or method in ("GET",))
        and not (method == "GET" and content is not None)
    ):
        request = px.call(px.attr(client, _HTTP_METHODS[method]), url, **kwargs)
    elif method_expr is None and method in ("GET", "DELETE", "HEAD", "OPTIONS") and content is None:
        request = px.call(px.attr(client, method.lower()), url, **kwargs)
    else:
        request = px.call(
            px.attr(client, "request"), method_expr or px.string(method), url, **kwargs
        )
    return px.await_(request), RESPONSE


# -- new -----------------------------------------------------------------------------------------


def translate_new(t: FunctionTranslator, node: Node) -> E:
    """``new Error(msg)``, ``new URLSearchParams({...})``."""
    ctor = node.child_by_field_name("constructor")
    assert ctor is not None
    name = t.text(ctor)
    args = _args(node)
    if ctor.type == "identifier" and t._is_global(name):
        if name in ("Error", "TypeError", "RangeError"):
            return _error(t, node, name, args)
        if name == "URLSearchParams":
            _check_args(t, node, args, 1, 1)
            value, ty = t.expr(args[0])
            if ty.kind not in ("dict", "json"):
                raise t.fail("URLSearchParams from something other than a plain object", node)
            t.use("jsrt")
            return px.call("jsrt.form_encode", value), STR
        if name == "Date":
            raise t.fail("`new Date(...)` other than `new Date().toISOString()`", node)
        if (
            name == "Set"
            and len(args) == 1
            and _size_of(t, node)
            and args[0].type != "spread_element"
        ):
            # only `new Set(list).size` (counting distinct values): a Set kept as a value would
            # behave (and serialize) unlike a Python set
            value, ty = t.expr(args[0])
            item = ty.item
            if ty.kind != "list" or ty.nullable or item is None or not item.is_scalar:
                raise t.fail(
                    "`new Set(...)` of a value not known to be a list of strings or numbers", node
                )
            return px.call("set", value), Ty("set", item=item)
    raise t.fail(f"`new {name}(...)`", node)


def _size_of(t: FunctionTranslator, node: Node) -> bool:
    """Whether ``node`` is the object of a ``.size`` read (``new Set(x).size``)."""
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None or parent.type != "member_expression":
        return False
    prop = parent.child_by_field_name("property")
    obj = parent.child_by_field_name("object")
    return obj is not None and obj.id == node.id and prop is not None and t.text(prop) == "size"
