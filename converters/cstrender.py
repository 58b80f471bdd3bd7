"""A direct renderer from libcst trees to source text, character for character what libcst writes.

libcst renders a tree by calling ``_codegen`` on every node, which enters a context manager per
parenthesized node and appends one token at a time to a shared state. Here each node class has one
plain function that returns the node's text, dispatched through a dict keyed on the class, so a node
costs one call and a few string joins. A function follows its class's ``_codegen_impl`` exactly:
parentheses, whitespace fields, default commas and semicolons (``MaybeSentinel.DEFAULT``), the
indentation of blocks and of comment lines. A class without a function here (a node libcst adds
later, or a subclass) is rendered by libcst's own code generation with the same indentation, so the
text is always libcst's.

Every function takes the node and a context ``(indent, default_indent, default_newline)``: the
indentation a line starts with at this depth, and the module's defaults for blocks and newlines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
from libcst import MaybeSentinel

try:  # libcst's (private) code-generation state; libcst>=1.4,<2 has it here
    from libcst._nodes.internal import CodegenState
except ImportError:  # pragma: no cover - moved: cstfast renders through Module.code_for_node
    CodegenState = None  # type: ignore[assignment,misc]

__all__ = ["FastState", "render", "render_carried"]

Ctx = tuple[str, str, str]
"""(indentation of a line here, the module's default indent, the module's default newline)."""

_DEFAULT = MaybeSentinel.DEFAULT
_SW = cst.SimpleWhitespace
_NAME = cst.Name
_COMMA_OP = cst.Comma
_ASSIGN_EQUAL = cst.AssignEqual
# nodes whose text is their ``value`` when they have no parentheses: inlined in the hot renderers
_LEAVES = frozenset({cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary})


class _NoPosition:
    """A do-nothing context manager (libcst asks for one around each node's own tokens)."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_POSITION = _NoPosition()


if CodegenState is not None:

    class FastState(CodegenState):
        """libcst's code-generation state without the per-node position context manager."""

        def record_syntactic_position(self, node: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            return _NO_POSITION

else:  # pragma: no cover
    FastState = None  # type: ignore[assignment,misc]


def _libcst(node: cst.CSTNode, cx: Ctx, **kwargs: Any) -> str:
    """``node`` rendered by libcst itself, at the indentation ``cx`` says."""
    state = FastState(default_indent=cx[1], default_newline=cx[2])
    if cx[0]:
        state.indent_tokens.append(cx[0])
    node._codegen(state, **kwargs)
    return "".join(state.tokens)


class _Table(dict[type, Callable[..., str]]):
    """Renderers by node class; a class without one is rendered by libcst (same keyword args)."""

    def __init__(self, keywords: tuple[str, ...]) -> None:
        super().__init__()
        self._keywords = keywords

    def __missing__(self, cls: type) -> Callable[..., str]:
        keywords = self._keywords

        def by_libcst(node: cst.CSTNode, cx: Ctx, *args: Any) -> str:
            return _libcst(node, cx, **dict(zip(keywords, args, strict=True)))

        return by_libcst


# One table per calling convention (libcst passes some nodes keyword arguments)
_G = _Table(())  # f(node, cx)
_SMALL = _Table(("default_semicolon",))  # f(node, cx, default_semicolon)
_COMMA = _Table(("default_comma",))  # f(node, cx, default_comma)
_ELEM = _Table(("default_comma", "default_comma_whitespace"))  # f(node, cx, comma, spaced)
_PARAM = _Table(("default_star", "default_comma"))  # f(node, cx, default_star, default_comma)
_ANNOTATION = _Table(("default_indicator",))  # f(node, cx, default_indicator)
_FROM = _Table(("default_space",))  # f(node, cx, default_space)
_IF = _Table(("is_elif",))  # f(node, cx, is_elif)
_OR_ELEMENT = _Table(("default_separator",))  # f(node, cx, default_separator)

# What libcst's ``code_for_node`` passes when a node is rendered on its own
_TOP_LEVEL: tuple[tuple[_Table, tuple[Any, ...]], ...] = (
    (_G, ()),
    (_SMALL, (False,)),
    (_COMMA, (False,)),
    (_ELEM, (False, False)),
    (_OR_ELEMENT, (False,)),
)


def render(node: cst.CSTNode, default_indent: str, default_newline: str, indent: str = "") -> str:
    """The text libcst's ``code_for_node`` gives ``node`` in a module with these defaults (its
    lines indented by ``indent``, as in a block at that depth)."""
    cx: Ctx = (indent, default_indent, default_newline)
    cls = type(node)
    for table, args in _TOP_LEVEL:
        fn = table.get(cls)
        if fn is not None:
            return fn(node, cx, *args)
    return _libcst(node, cx)


# --- whitespace and tokens ---------------------------------------------------------------------


def _node(node: Any, cx: Ctx) -> str:
    return _G[type(node)](node, cx)


def _w(ws: Any, cx: Ctx) -> str:
    if type(ws) is _SW:
        return ws.value
    return _G[type(ws)](ws, cx)


def _all(nodes: Sequence[Any], cx: Ctx) -> str:
    g = _G
    return "".join([g[type(n)](n, cx) for n in nodes])


def _value(node: Any, cx: Ctx) -> str:
    return node.value


def _newline(node: cst.Newline, cx: Ctx) -> str:
    value = node.value
    return cx[2] if value is None else value


def _trailing_whitespace(node: cst.TrailingWhitespace, cx: Ctx) -> str:
    comment = node.comment
    newline = node.newline
    text = _w(node.whitespace, cx)
    if comment is not None:
        text += _G[type(comment)](comment, cx)
    if type(newline) is cst.Newline and newline.value is None:
        return text + cx[2]
    return text + _G[type(newline)](newline, cx)


def _line_end(node: cst.TrailingWhitespace, cx: Ctx) -> str:
    """The end of a statement line or block header; the usual one (spaces and the default
    newline, no comment) without ``_trailing_whitespace``'s general path."""
    if type(node) is cst.TrailingWhitespace:
        ws = node.whitespace
        newline = node.newline
        if (
            type(ws) is _SW
            and node.comment is None
            and type(newline) is cst.Newline
            and newline.value is None
        ):
            return ws.value + cx[2]
        return _trailing_whitespace(node, cx)
    return _G[type(node)](node, cx)  # type: ignore[unreachable]


def _empty_line(node: cst.EmptyLine, cx: Ctx) -> str:
    ws = node.whitespace
    text = ws.value if type(ws) is _SW else _w(ws, cx)
    if node.indent:
        text = cx[0] + text
    comment = node.comment
    if comment is not None:
        text += _G[type(comment)](comment, cx)
    return text + _G[type(node.newline)](node.newline, cx)


def _parenthesized_whitespace(node: cst.ParenthesizedWhitespace, cx: Ctx) -> str:
    first = _G[type(node.first_line)](node.first_line, cx)
    lines = _all(node.empty_lines, cx)
    indent = cx[0] if node.indent else ""
    return first + lines + indent + _w(node.last_line, cx)


def _lines(nodes: Sequence[Any], cx: Ctx) -> str:
    if not nodes:
        return ""
    return _all(nodes, cx)


_G[cst.SimpleWhitespace] = _value
_G[cst.Comment] = _value
_G[cst.Newline] = _newline
_G[cst.TrailingWhitespace] = _trailing_whitespace
_G[cst.EmptyLine] = _empty_line
_G[cst.ParenthesizedWhitespace] = _parenthesized_whitespace


# --- operators ---------------------------------------------------------------------------------

_ONE_TOKEN_OPS: dict[type, str] = {
    cst.Semicolon: ";",
    cst.Colon: ":",
    cst.Comma: ",",
    cst.Dot: ".",
    cst.AssignEqual: "=",
    cst.And: "and",
    cst.Or: "or",
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
    cst.BitOr: "|",
    cst.BitAnd: "&",
    cst.BitXor: "^",
    cst.MatrixMultiply: "@",
    cst.LessThan: "<",
    cst.GreaterThan: ">",
    cst.Equal: "==",
    cst.LessThanEqual: "<=",
    cst.GreaterThanEqual: ">=",
    cst.In: "in",
    cst.Is: "is",
    cst.AddAssign: "+=",
    cst.SubtractAssign: "-=",
    cst.MultiplyAssign: "*=",
    cst.MatrixMultiplyAssign: "@=",
    cst.DivideAssign: "/=",
    cst.ModuloAssign: "%=",
    cst.BitAndAssign: "&=",
    cst.BitOrAssign: "|=",
    cst.BitXorAssign: "^=",
    cst.LeftShiftAssign: "<<=",
    cst.RightShiftAssign: ">>=",
    cst.PowerAssign: "**=",
    cst.FloorDivideAssign: "//=",
}
_TWO_TOKEN_OPS: dict[type, tuple[str, str]] = {cst.NotIn: ("not", "in"), cst.IsNot: ("is", "not")}
_UNARY_OPS: dict[type, str] = {cst.Plus: "+", cst.Minus: "-", cst.BitInvert: "~", cst.Not: "not"}


def _one_token_op(node: Any, cx: Ctx) -> str:
    before = node.whitespace_before
    after = node.whitespace_after
    if type(before) is _SW and type(after) is _SW:
        return before.value + _ONE_TOKEN_OPS[type(node)] + after.value
    return _w(before, cx) + _ONE_TOKEN_OPS[type(node)] + _w(after, cx)


def _not_equal(node: cst.NotEqual, cx: Ctx) -> str:
    return _w(node.whitespace_before, cx) + node.value + _w(node.whitespace_after, cx)


def _two_token_op(node: Any, cx: Ctx) -> str:
    first, second = _TWO_TOKEN_OPS[type(node)]
    between = _w(node.whitespace_between, cx)
    return _w(node.whitespace_before, cx) + first + between + second + _w(node.whitespace_after, cx)


def _unary_op(node: Any, cx: Ctx) -> str:
    return _UNARY_OPS[type(node)] + _w(node.whitespace_after, cx)


for _cls in _ONE_TOKEN_OPS:
    _G[_cls] = _one_token_op
for _cls in _TWO_TOKEN_OPS:
    _G[_cls] = _two_token_op
for _cls in _UNARY_OPS:
    _G[_cls] = _unary_op
_G[cst.NotEqual] = _not_equal
_G[cst.ImportStar] = lambda node, cx: "*"


def _left(token: str) -> Callable[[Any, Ctx], str]:
    def render_left(node: Any, cx: Ctx) -> str:
        ws = node.whitespace_after
        return token + (ws.value if type(ws) is _SW else _w(ws, cx))

    return render_left


def _right(token: str) -> Callable[[Any, Ctx], str]:
    def render_right(node: Any, cx: Ctx) -> str:
        ws = node.whitespace_before
        return (ws.value if type(ws) is _SW else _w(ws, cx)) + token

    return render_right


_G[cst.LeftParen] = _left("(")
_G[cst.RightParen] = _right(")")
_G[cst.LeftSquareBracket] = _left("[")
_G[cst.RightSquareBracket] = _right("]")
_G[cst.LeftCurlyBrace] = _left("{")
_G[cst.RightCurlyBrace] = _right("}")
_G[cst.Asynchronous] = _left("async")


def _comma(comma: Any, cx: Ctx, default: bool) -> str:
    if comma is _DEFAULT:
        return ", " if default else ""
    if type(comma) is _COMMA_OP or isinstance(comma, _COMMA_OP):
        return _G[type(comma)](comma, cx)
    return ""


def _element_comma(comma: Any, cx: Ctx, default: bool, spaced: bool) -> str:
    if comma is _DEFAULT:
        if default:
            return ", " if spaced else ","
        return ""
    if type(comma) is _COMMA_OP or isinstance(comma, _COMMA_OP):
        return _G[type(comma)](comma, cx)
    return ""


def _semicolon(semicolon: Any, cx: Ctx, default: bool) -> str:
    if semicolon is _DEFAULT:
        return "; " if default else ""
    if isinstance(semicolon, cst.Semicolon):
        return _G[type(semicolon)](semicolon, cx)
    return ""


# --- expressions -------------------------------------------------------------------------------


def _parens(node: Any, text: str, cx: Ctx) -> str:
    """``text`` inside the node's own parentheses (``lpar``/``rpar``), when it has any."""
    if not (node.lpar or node.rpar):
        return text
    g = _G
    left = "".join([g[type(p)](p, cx) for p in node.lpar])
    right = "".join([g[type(p)](p, cx) for p in node.rpar])
    return left + text + right


def _leaf(node: Any, cx: Ctx) -> str:
    return _parens(node, node.value, cx)


def _ellipsis(node: cst.Ellipsis, cx: Ctx) -> str:
    return _parens(node, "...", cx)


for _cls in (cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString):
    _G[_cls] = _leaf
_G[cst.Ellipsis] = _ellipsis
_G[cst.FormattedStringText] = _value
_G[cst.TemplatedStringText] = _value


def _interpolation(node: Any, cx: Ctx) -> str:
    """A ``{...}`` part of an f-string or a t-string."""
    g = _G
    text = "{" + _w(node.whitespace_before_expression, cx)
    text += g[type(node.expression)](node.expression, cx)
    equal = node.equal
    if equal is not None:
        text += g[type(equal)](equal, cx)
    text += _w(node.whitespace_after_expression, cx)
    conversion = node.conversion
    if conversion is not None:
        text += "!" + conversion
    spec = node.format_spec
    if spec is not None:
        text += ":" + "".join([g[type(part)](part, cx) for part in spec])
    return text + "}"


def _formatted_string(node: Any, cx: Ctx) -> str:
    g = _G
    text = node.start + "".join([g[type(part)](part, cx) for part in node.parts]) + node.end
    return _parens(node, text, cx)


_G[cst.FormattedStringExpression] = _interpolation
_G[cst.TemplatedStringExpression] = _interpolation
_G[cst.FormattedString] = _formatted_string
_G[cst.TemplatedString] = _formatted_string


def _concatenated_string(node: cst.ConcatenatedString, cx: Ctx) -> str:
    text = _node(node.left, cx) + _w(node.whitespace_between, cx) + _node(node.right, cx)
    return _parens(node, text, cx)


def _comparison_target(node: cst.ComparisonTarget, cx: Ctx) -> str:
    return _node(node.operator, cx) + _node(node.comparator, cx)


def _comparison(node: cst.Comparison, cx: Ctx) -> str:
    text = _node(node.left, cx) + _all(node.comparisons, cx)
    return _parens(node, text, cx)


def _unary_operation(node: cst.UnaryOperation, cx: Ctx) -> str:
    text = _node(node.operator, cx) + _node(node.expression, cx)
    return _parens(node, text, cx)


def _binary_operation(node: Any, cx: Ctx) -> str:
    g = _G
    left = node.left
    op = node.operator
    right = node.right
    if type(left) in _LEAVES and not left.lpar and not left.rpar:
        text = left.value + g[type(op)](op, cx)
    else:
        text = g[type(left)](left, cx) + g[type(op)](op, cx)
    if type(right) in _LEAVES and not right.lpar and not right.rpar:
        text += right.value
    else:
        text += g[type(right)](right, cx)
    return _parens(node, text, cx)


def _attribute(node: cst.Attribute, cx: Ctx) -> str:
    value = node.value
    dot = node.dot
    attr = node.attr
    g = _G
    if type(value) is _NAME and not value.lpar and not value.rpar:
        text = value.value
    else:
        text = g[type(value)](value, cx)
    if (
        type(dot) is cst.Dot
        and type(dot.whitespace_before) is _SW
        and type(dot.whitespace_after) is _SW
    ):
        text += dot.whitespace_before.value + "." + dot.whitespace_after.value
    else:
        text += g[type(dot)](dot, cx)
    if type(attr) is _NAME and not attr.lpar and not attr.rpar:
        text += attr.value
    else:
        text += g[type(attr)](attr, cx)
    return _parens(node, text, cx)


_G[cst.ConcatenatedString] = _concatenated_string
_G[cst.ComparisonTarget] = _comparison_target
_G[cst.Comparison] = _comparison
_G[cst.UnaryOperation] = _unary_operation
_G[cst.BinaryOperation] = _binary_operation
_G[cst.BooleanOperation] = _binary_operation
_G[cst.Attribute] = _attribute


def _index(node: cst.Index, cx: Ctx) -> str:
    text = ""
    star = node.star
    if star is not None:
        text = star
    after_star = node.whitespace_after_star
    if after_star is not None:
        text += _w(after_star, cx)
    value = node.value
    if type(value) in _LEAVES and not value.lpar and not value.rpar:
        return text + value.value
    return text + _G[type(value)](value, cx)


def _slice(node: cst.Slice, cx: Ctx) -> str:
    lower = node.lower
    upper = node.upper
    step = node.step
    second = node.second_colon
    text = "" if lower is None else _node(lower, cx)
    text += _node(node.first_colon, cx)
    if upper is not None:
        text += _node(upper, cx)
    if second is _DEFAULT and step is not None:
        text += ":"
    elif isinstance(second, cst.Colon):
        text += _node(second, cx)
    if step is not None:
        text += _node(step, cx)
    return text


def _subscript_element(node: cst.SubscriptElement, cx: Ctx, default_comma: bool) -> str:
    index = node.slice
    comma = node.comma
    if comma is _DEFAULT and not default_comma:
        return _G[type(index)](index, cx)
    return _G[type(index)](index, cx) + _comma(comma, cx, default_comma)


def _subscript(node: cst.Subscript, cx: Ctx) -> str:
    g = _G
    c = _COMMA
    elements = node.slice
    last = len(elements) - 1
    value = node.value
    text = g[type(value)](value, cx) + _w(node.whitespace_after_value, cx)
    text += g[type(node.lbracket)](node.lbracket, cx)
    text += "".join([c[type(e)](e, cx, i != last) for i, e in enumerate(elements)])
    text += g[type(node.rbracket)](node.rbracket, cx)
    return _parens(node, text, cx)


_G[cst.Index] = _index
_G[cst.Slice] = _slice
_COMMA[cst.SubscriptElement] = _subscript_element
_G[cst.Subscript] = _subscript


def _annotation(node: cst.Annotation, cx: Ctx, indicator: str | None) -> str:
    if indicator is None:
        return _libcst(node, cx, default_indicator=indicator)  # libcst raises its own error
    before = node.whitespace_before_indicator
    if before is _DEFAULT:
        text = " " + indicator if indicator == "->" else indicator
    elif type(before) is _SW or isinstance(before, cst.BaseParenthesizableWhitespace):
        text = _w(before, cx) + indicator
    else:
        return _libcst(node, cx, default_indicator=indicator)
    after = node.whitespace_after_indicator
    text += after.value if type(after) is _SW else _w(after, cx)
    annotation = node.annotation
    if type(annotation) in _LEAVES and not annotation.lpar and not annotation.rpar:
        return text + annotation.value
    return text + _G[type(annotation)](annotation, cx)


_ANNOTATION[cst.Annotation] = _annotation


def _param_star(node: cst.ParamStar, cx: Ctx) -> str:
    return "*" + _node(node.comma, cx)


def _param_slash(node: cst.ParamSlash, cx: Ctx, default_comma: bool) -> str:
    return "/" + _w(node.whitespace_after, cx) + _comma(node.comma, cx, default_comma)


def _param(node: cst.Param, cx: Ctx, default_star: str | None, default_comma: bool) -> str:
    star = node.star
    if isinstance(star, MaybeSentinel):
        if default_star is None:
            return _libcst(node, cx, default_star=default_star, default_comma=default_comma)
        star = default_star
    text = star if isinstance(star, str) else ""
    text += _w(node.whitespace_after_star, cx) + _node(node.name, cx)
    annotation = node.annotation
    if annotation is not None:
        text += _ANNOTATION[type(annotation)](annotation, cx, ":")
    equal = node.equal
    default = node.default
    if equal is _DEFAULT:
        if default is not None:
            text += " = "
    elif isinstance(equal, cst.AssignEqual):
        text += _node(equal, cx)
    if default is not None:
        text += _node(default, cx)
    return text + _comma(node.comma, cx, default_comma) + _w(node.whitespace_after_param, cx)


def _parameters(node: cst.Parameters, cx: Ctx) -> str:
    p = _PARAM
    star_arg = node.star_arg
    kwonly = node.kwonly_params
    star_kwarg = node.star_kwarg
    params = node.params
    posonly = node.posonly_params
    if isinstance(star_arg, MaybeSentinel):
        star_included = len(kwonly) > 0
    else:
        star_included = isinstance(star_arg, (cst.Param, cst.ParamStar))
    parts = [p[type(param)](param, cx, "", True) for param in posonly]
    more = star_included or len(params) > 0 or len(kwonly) > 0 or star_kwarg is not None
    slash = node.posonly_ind
    if slash is not _DEFAULT and isinstance(slash, cst.ParamSlash):
        parts.append(_COMMA[type(slash)](slash, cx, more))
    elif len(posonly) > 0:
        parts.append("/, " if more else "/")
    last = len(params) - 1
    more = star_included or len(kwonly) > 0 or star_kwarg is not None
    parts.extend(p[type(param)](param, cx, "", i < last or more) for i, param in enumerate(params))
    if isinstance(star_arg, MaybeSentinel):
        if star_included:
            parts.append("*, ")
    elif isinstance(star_arg, cst.Param):
        more = len(kwonly) > 0 or star_kwarg is not None
        parts.append(p[type(star_arg)](star_arg, cx, "*", more))
    elif isinstance(star_arg, cst.ParamStar):
        parts.append(_G[type(star_arg)](star_arg, cx))
    last = len(kwonly) - 1
    more = star_kwarg is not None
    parts.extend(p[type(param)](param, cx, "", i < last or more) for i, param in enumerate(kwonly))
    if star_kwarg is not None:
        parts.append(p[type(star_kwarg)](star_kwarg, cx, "**", False))
    return "".join(parts)


def _has_params(params: cst.Parameters) -> bool:
    return not (
        len(params.posonly_params) == 0
        and len(params.params) == 0
        and not isinstance(params.star_arg, cst.Param)
        and len(params.kwonly_params) == 0
        and params.star_kwarg is None
    )


def _lambda(node: cst.Lambda, cx: Ctx) -> str:
    text = "lambda"
    after = node.whitespace_after_lambda
    if isinstance(after, MaybeSentinel):
        if _has_params(node.params):
            text += " "
    elif isinstance(after, cst.BaseParenthesizableWhitespace):
        text += _w(after, cx)
    text += _G[type(node.params)](node.params, cx) + _node(node.colon, cx) + _node(node.body, cx)
    return _parens(node, text, cx)


_G[cst.ParamStar] = _param_star
_COMMA[cst.ParamSlash] = _param_slash
_PARAM[cst.Param] = _param
_G[cst.Parameters] = _parameters
_G[cst.Lambda] = _lambda


def _arg(node: cst.Arg, cx: Ctx, default_comma: bool) -> str:
    g = _G
    after_star = node.whitespace_after_star
    text = node.star + (after_star.value if type(after_star) is _SW else _w(after_star, cx))
    keyword = node.keyword
    if keyword is not None:
        if type(keyword) is _NAME and not keyword.lpar and not keyword.rpar:
            text += keyword.value
        else:
            text += g[type(keyword)](keyword, cx)
    equal = node.equal
    if equal is _DEFAULT:
        if keyword is not None:
            text += " = "
    elif type(equal) is _ASSIGN_EQUAL or isinstance(equal, _ASSIGN_EQUAL):
        text += g[type(equal)](equal, cx)
    value = node.value
    if type(value) in _LEAVES and not value.lpar and not value.rpar:
        text += value.value
    else:
        text += g[type(value)](value, cx)
    comma = node.comma
    if comma is _DEFAULT:
        if default_comma:
            text += ", "
    elif type(comma) is _COMMA_OP or isinstance(comma, _COMMA_OP):
        text += g[type(comma)](comma, cx)
    after = node.whitespace_after_arg
    return text + (after.value if type(after) is _SW else _w(after, cx))


def _call(node: cst.Call, cx: Ctx) -> str:
    func = node.func
    args = node.args
    c = _COMMA
    last = len(args) - 1
    after_func = node.whitespace_after_func
    before_args = node.whitespace_before_args
    if type(after_func) is _SW and type(before_args) is _SW:
        text = _G[type(func)](func, cx) + after_func.value + "(" + before_args.value
    else:
        text = _G[type(func)](func, cx) + _w(after_func, cx) + "(" + _w(before_args, cx)
    if last == 0:
        arg = args[0]
        text += c[type(arg)](arg, cx, False) + ")"
    else:
        text += "".join([c[type(a)](a, cx, i != last) for i, a in enumerate(args)]) + ")"
    return _parens(node, text, cx)


def _await(node: cst.Await, cx: Ctx) -> str:
    text = "await" + _w(node.whitespace_after_await, cx) + _node(node.expression, cx)
    return _parens(node, text, cx)


def _if_exp(node: cst.IfExp, cx: Ctx) -> str:
    text = (
        _node(node.body, cx)
        + _w(node.whitespace_before_if, cx)
        + "if"
        + _w(node.whitespace_after_if, cx)
        + _node(node.test, cx)
        + _w(node.whitespace_before_else, cx)
        + "else"
        + _w(node.whitespace_after_else, cx)
        + _node(node.orelse, cx)
    )
    return _parens(node, text, cx)


def _from(node: cst.From, cx: Ctx, default_space: str) -> str:
    before = node.whitespace_before_from
    if isinstance(before, cst.BaseParenthesizableWhitespace):
        text = _w(before, cx)
    else:
        text = default_space
    return text + "from" + _w(node.whitespace_after_from, cx) + _node(node.item, cx)


def _yield(node: cst.Yield, cx: Ctx) -> str:
    text = "yield"
    after = node.whitespace_after_yield
    value = node.value
    if isinstance(after, cst.BaseParenthesizableWhitespace):
        text += _w(after, cx)
    elif value is not None:
        text += " "
    if isinstance(value, cst.From):
        text += _FROM[type(value)](value, cx, "")
    elif value is not None:
        text += _node(value, cx)
    return _parens(node, text, cx)


_COMMA[cst.Arg] = _arg
_G[cst.Call] = _call
_G[cst.Await] = _await
_G[cst.IfExp] = _if_exp
_FROM[cst.From] = _from
_G[cst.Yield] = _yield


def _element(node: cst.Element, cx: Ctx, default_comma: bool, spaced: bool) -> str:
    value = node.value
    return _G[type(value)](value, cx) + _element_comma(node.comma, cx, default_comma, spaced)


def _dict_element(node: cst.DictElement, cx: Ctx, default_comma: bool, spaced: bool) -> str:
    g = _G
    key = node.key
    value = node.value
    before = node.whitespace_before_colon
    after = node.whitespace_after_colon
    if type(key) in _LEAVES and not key.lpar and not key.rpar:
        text = key.value
    else:
        text = g[type(key)](key, cx)
    if type(before) is _SW and type(after) is _SW:
        text += before.value + ":" + after.value
    else:
        text += _w(before, cx) + ":" + _w(after, cx)
    if type(value) in _LEAVES and not value.lpar and not value.rpar:
        text += value.value
    else:
        text += g[type(value)](value, cx)
    return text + _element_comma(node.comma, cx, default_comma, spaced)


def _starred_element(node: cst.StarredElement, cx: Ctx, default_comma: bool, spaced: bool) -> str:
    text = "*" + _w(node.whitespace_before_value, cx) + _node(node.value, cx)
    return _parens(node, text, cx) + _element_comma(node.comma, cx, default_comma, spaced)


def _starred_dict_element(
    node: cst.StarredDictElement, cx: Ctx, default_comma: bool, spaced: bool
) -> str:
    text = "**" + _w(node.whitespace_before_value, cx) + _node(node.value, cx)
    return text + _element_comma(node.comma, cx, default_comma, spaced)


def _elements(elements: Sequence[Any], cx: Ctx) -> str:
    e = _ELEM
    last = len(elements) - 1
    return "".join([e[type(el)](el, cx, i < last, True) for i, el in enumerate(elements)])


def _tuple(node: cst.Tuple, cx: Ctx) -> str:
    elements = node.elements
    if len(elements) == 1:
        text = _ELEM[type(elements[0])](elements[0], cx, True, False)
    else:
        text = _elements(elements, cx)
    return _parens(node, text, cx)


def _bracketed(node: Any, cx: Ctx) -> str:
    """A list, set or dict display: its brackets around its elements."""
    left = node.lbracket if type(node) is cst.List else node.lbrace
    right = node.rbracket if type(node) is cst.List else node.rbrace
    g = _G
    text = g[type(left)](left, cx) + _elements(node.elements, cx) + g[type(right)](right, cx)
    return _parens(node, text, cx)


def _dict(node: cst.Dict, cx: Ctx) -> str:
    left = node.lbrace
    right = node.rbrace
    g = _G
    if type(left) is cst.LeftCurlyBrace and type(left.whitespace_after) is _SW:
        text = "{" + left.whitespace_after.value
    else:
        text = g[type(left)](left, cx)
    text += _elements(node.elements, cx)
    if type(right) is cst.RightCurlyBrace and type(right.whitespace_before) is _SW:
        text += right.whitespace_before.value + "}"
    else:
        text += g[type(right)](right, cx)
    return _parens(node, text, cx)


_ELEM[cst.Element] = _element
_ELEM[cst.DictElement] = _dict_element
_ELEM[cst.StarredElement] = _starred_element
_ELEM[cst.StarredDictElement] = _starred_dict_element
_G[cst.Tuple] = _tuple
_G[cst.List] = _bracketed
_G[cst.Set] = _bracketed
_G[cst.Dict] = _dict


def _comp_for(node: cst.CompFor, cx: Ctx) -> str:
    text = _w(node.whitespace_before, cx)
    asynchronous = node.asynchronous
    if asynchronous is not None:
        text += _node(asynchronous, cx)
    text += (
        "for"
        + _w(node.whitespace_after_for, cx)
        + _node(node.target, cx)
        + _w(node.whitespace_before_in, cx)
        + "in"
        + _w(node.whitespace_after_in, cx)
        + _node(node.iter, cx)
        + _all(node.ifs, cx)
    )
    inner = node.inner_for_in
    if inner is not None:
        text += _G[type(inner)](inner, cx)
    return text


def _comp_if(node: cst.CompIf, cx: Ctx) -> str:
    before = _w(node.whitespace_before, cx)
    return before + "if" + _w(node.whitespace_before_test, cx) + _node(node.test, cx)


def _comprehension(node: Any, cx: Ctx) -> str:
    """A generator expression, or a list or set comprehension."""
    text = _node(node.elt, cx) + _G[type(node.for_in)](node.for_in, cx)
    cls = type(node)
    if cls is cst.ListComp:
        text = _node(node.lbracket, cx) + text + _node(node.rbracket, cx)
    elif cls is cst.SetComp:
        text = _node(node.lbrace, cx) + text + _node(node.rbrace, cx)
    return _parens(node, text, cx)


def _dict_comp(node: cst.DictComp, cx: Ctx) -> str:
    text = (
        _node(node.lbrace, cx)
        + _node(node.key, cx)
        + _w(node.whitespace_before_colon, cx)
        + ":"
        + _w(node.whitespace_after_colon, cx)
        + _node(node.value, cx)
        + _G[type(node.for_in)](node.for_in, cx)
        + _node(node.rbrace, cx)
    )
    return _parens(node, text, cx)


def _starred_dict_comp(node: Any, cx: Ctx) -> str:
    text = (
        _node(node.lbrace, cx)
        + "**"
        + _w(node.whitespace_before_value, cx)
        + _node(node.value, cx)
        + _G[type(node.for_in)](node.for_in, cx)
        + _node(node.rbrace, cx)
    )
    return _parens(node, text, cx)


def _named_expr(node: cst.NamedExpr, cx: Ctx) -> str:
    text = (
        _node(node.target, cx)
        + _w(node.whitespace_before_walrus, cx)
        + ":="
        + _w(node.whitespace_after_walrus, cx)
        + _node(node.value, cx)
    )
    return _parens(node, text, cx)


_G[cst.CompFor] = _comp_for
_G[cst.CompIf] = _comp_if
_G[cst.GeneratorExp] = _comprehension
_G[cst.ListComp] = _comprehension
_G[cst.SetComp] = _comprehension
_G[cst.DictComp] = _dict_comp
if hasattr(cst, "StarredDictComp"):
    _G[cst.StarredDictComp] = _starred_dict_comp
_G[cst.NamedExpr] = _named_expr


# --- simple statements -------------------------------------------------------------------------


def _keyword_statement(keyword: str) -> Callable[[Any, Ctx, bool], str]:
    def render_keyword(node: Any, cx: Ctx, default_semicolon: bool) -> str:
        return keyword + _semicolon(node.semicolon, cx, default_semicolon)

    return render_keyword


def _del(node: cst.Del, cx: Ctx, default_semicolon: bool) -> str:
    text = "del" + _w(node.whitespace_after_del, cx) + _node(node.target, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _return(node: cst.Return, cx: Ctx, default_semicolon: bool) -> str:
    text = "return"
    after = node.whitespace_after_return
    value = node.value
    if isinstance(after, MaybeSentinel):
        if value is not None:
            text += " "
    else:
        text += _w(after, cx)
    if value is not None:
        text += _node(value, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _expr_statement(node: cst.Expr, cx: Ctx, default_semicolon: bool) -> str:
    return _node(node.value, cx) + _semicolon(node.semicolon, cx, default_semicolon)


def _assign_target(node: cst.AssignTarget, cx: Ctx) -> str:
    target = node.target
    before = _w(node.whitespace_before_equal, cx)
    return _G[type(target)](target, cx) + before + "=" + _w(node.whitespace_after_equal, cx)


def _assign(node: cst.Assign, cx: Ctx, default_semicolon: bool) -> str:
    value = node.value
    text = _all(node.targets, cx) + _G[type(value)](value, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _ann_assign(node: cst.AnnAssign, cx: Ctx, default_semicolon: bool) -> str:
    g = _G
    target = node.target
    annotation = node.annotation
    if type(target) is _NAME and not target.lpar and not target.rpar:
        text = target.value
    else:
        text = g[type(target)](target, cx)
    before = annotation.whitespace_before_indicator if type(annotation) is cst.Annotation else None
    if before is _DEFAULT or type(before) is _SW:
        after = annotation.whitespace_after_indicator  # _annotation(annotation, cx, ":") inlined
        text += "" if before is _DEFAULT else before.value
        text += ":" + (after.value if type(after) is _SW else _w(after, cx))
        annotation = annotation.annotation
        if type(annotation) in _LEAVES and not annotation.lpar and not annotation.rpar:
            text += annotation.value
        else:
            text += g[type(annotation)](annotation, cx)
    else:
        text += _ANNOTATION[type(annotation)](annotation, cx, ":")
    equal = node.equal
    value = node.value
    if equal is _DEFAULT:
        if value is not None:
            text += " = "
    elif type(equal) is _ASSIGN_EQUAL or isinstance(equal, _ASSIGN_EQUAL):
        text += g[type(equal)](equal, cx)
    if value is not None:
        text += g[type(value)](value, cx)
    semicolon = node.semicolon
    if semicolon is _DEFAULT and not default_semicolon:
        return text
    return text + _semicolon(semicolon, cx, default_semicolon)


def _aug_assign(node: cst.AugAssign, cx: Ctx, default_semicolon: bool) -> str:
    text = _node(node.target, cx) + _node(node.operator, cx) + _node(node.value, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _raise(node: cst.Raise, cx: Ctx, default_semicolon: bool) -> str:
    exc = node.exc
    cause = node.cause
    text = "raise"
    after = node.whitespace_after_raise
    if isinstance(after, MaybeSentinel):
        if exc is not None:
            text += " "
    else:
        text += _w(after, cx)
    if exc is not None:
        text += _node(exc, cx)
    if cause is not None:
        text += _FROM[type(cause)](cause, cx, " ")
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _assert(node: cst.Assert, cx: Ctx, default_semicolon: bool) -> str:
    text = "assert" + _w(node.whitespace_after_assert, cx) + _node(node.test, cx)
    comma = node.comma
    msg = node.msg
    if isinstance(comma, MaybeSentinel):
        if msg is not None:
            text += ", "
    else:
        text += _node(comma, cx)
    if msg is not None:
        text += _node(msg, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _name_item(node: cst.NameItem, cx: Ctx, default_comma: bool) -> str:
    return _node(node.name, cx) + _comma(node.comma, cx, default_comma)


def _names_statement(keyword: str, field: str) -> Callable[[Any, Ctx, bool], str]:
    """``global`` or ``nonlocal``: the keyword, its whitespace, the names with default commas."""

    def render_names(node: Any, cx: Ctx, default_semicolon: bool) -> str:
        c = _COMMA
        names = node.names
        last = len(names) - 1
        text = keyword + _w(getattr(node, field), cx)
        text += "".join([c[type(n)](n, cx, i != last) for i, n in enumerate(names)])
        return text + _semicolon(node.semicolon, cx, default_semicolon)

    return render_names


def _as_name(node: cst.AsName, cx: Ctx) -> str:
    before = _w(node.whitespace_before_as, cx)
    return before + "as" + _w(node.whitespace_after_as, cx) + _node(node.name, cx)


def _import_alias(node: cst.ImportAlias, cx: Ctx, default_comma: bool) -> str:
    text = _node(node.name, cx)
    asname = node.asname
    if asname is not None:
        text += _G[type(asname)](asname, cx)
    return text + _comma(node.comma, cx, default_comma)


def _import_names(names: Sequence[Any], cx: Ctx) -> str:
    c = _COMMA
    last = len(names) - 1
    return "".join([c[type(n)](n, cx, i != last) for i, n in enumerate(names)])


def _import(node: cst.Import, cx: Ctx, default_semicolon: bool) -> str:
    text = "import" + _w(node.whitespace_after_import, cx) + _import_names(node.names, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


def _import_from(node: cst.ImportFrom, cx: Ctx, default_semicolon: bool) -> str:
    g = _G
    text = "from" + _w(node.whitespace_after_from, cx)
    text += "".join([g[type(dot)](dot, cx) for dot in node.relative])
    module = node.module
    if module is not None:
        text += g[type(module)](module, cx)
    text += _w(node.whitespace_before_import, cx) + "import" + _w(node.whitespace_after_import, cx)
    lpar = node.lpar
    if lpar is not None:
        text += g[type(lpar)](lpar, cx)
    names = node.names
    if isinstance(names, Sequence):
        text += _import_names(names, cx)
    if isinstance(names, cst.ImportStar):
        text += g[type(names)](names, cx)
    rpar = node.rpar
    if rpar is not None:
        text += g[type(rpar)](rpar, cx)
    return text + _semicolon(node.semicolon, cx, default_semicolon)


_SMALL[cst.Pass] = _keyword_statement("pass")
_SMALL[cst.Break] = _keyword_statement("break")
_SMALL[cst.Continue] = _keyword_statement("continue")
_SMALL[cst.Del] = _del
_SMALL[cst.Return] = _return
_SMALL[cst.Expr] = _expr_statement
_G[cst.AssignTarget] = _assign_target
_SMALL[cst.Assign] = _assign
_SMALL[cst.AnnAssign] = _ann_assign
_SMALL[cst.AugAssign] = _aug_assign
_SMALL[cst.Raise] = _raise
_SMALL[cst.Assert] = _assert
_COMMA[cst.NameItem] = _name_item
_SMALL[cst.Global] = _names_statement("global", "whitespace_after_global")
_SMALL[cst.Nonlocal] = _names_statement("nonlocal", "whitespace_after_nonlocal")
_G[cst.AsName] = _as_name
_COMMA[cst.ImportAlias] = _import_alias
_SMALL[cst.Import] = _import
_SMALL[cst.ImportFrom] = _import_from


def _small_statements(body: Sequence[Any], cx: Ctx) -> str:
    if not body:
        return "pass"
    s = _SMALL
    if len(body) == 1:
        statement = body[0]
        return s[type(statement)](statement, cx, False)
    last = len(body) - 1
    return "".join([s[type(st)](st, cx, i != last) for i, st in enumerate(body)])


# The text of a one-line ``SimpleStatementLine`` between its indentation and its newline, by the
# line's id (the entry holds the line, so the id stays its own). Emitters share such lines between
# trees (e.g. a model field line at several depths), and that text cannot depend on the context:
# only a newline token (absent from the text) or what follows one (indentation) can. Bounded:
# emptied when full.
_LINE_TEXT: dict[int, tuple[cst.SimpleStatementLine, str]] = {}
_LINE_TEXT_MAX = 16384
_NEWLINES = ("\n", "\r\n", "\r")
_LINE = cst.SimpleStatementLine


def _line_text(node: cst.SimpleStatementLine, cx: Ctx) -> str | None:
    """The cached middle of a plain one-line statement line (None: not such a line)."""
    if node.leading_lines:
        return None
    trailing = node.trailing_whitespace
    if type(trailing) is not cst.TrailingWhitespace:
        return None
    ws = trailing.whitespace
    newline = trailing.newline
    if (
        type(ws) is not _SW
        or trailing.comment is not None
        or type(newline) is not cst.Newline
        or newline.value is not None
        or cx[2] not in _NEWLINES
    ):
        return None
    body = node.body
    if len(body) == 1:
        statement = body[0]
        text = _SMALL[type(statement)](statement, cx, False) + ws.value
    else:
        text = _small_statements(body, cx) + ws.value
    if "\n" in text or "\r" in text:
        return None
    cache = _LINE_TEXT
    if len(cache) >= _LINE_TEXT_MAX:
        # emptied, not trimmed: deleting a dict's oldest entries one by one makes each next
        # lookup of the oldest scan the deleted slots before it
        cache.clear()
    cache[id(node)] = (node, text)
    return text


def _simple_statement_line(node: cst.SimpleStatementLine, cx: Ctx) -> str:
    hit = _LINE_TEXT.get(id(node))
    if hit is not None:
        return cx[0] + hit[1] + cx[2]
    text = _line_text(node, cx)
    if text is not None:
        return cx[0] + text + cx[2]
    return _simple_statement_line_uncached(node, cx)


def _simple_statement_line_uncached(node: cst.SimpleStatementLine, cx: Ctx) -> str:
    leading = node.leading_lines
    text = _all(leading, cx) + cx[0] if leading else cx[0]
    body = node.body
    if len(body) == 1:
        statement = body[0]
        text += _SMALL[type(statement)](statement, cx, False)
    else:
        text += _small_statements(body, cx)
    return text + _line_end(node.trailing_whitespace, cx)


def _simple_statement_suite(node: cst.SimpleStatementSuite, cx: Ctx) -> str:
    text = _w(node.leading_whitespace, cx) + _small_statements(node.body, cx)
    return text + _node(node.trailing_whitespace, cx)


_G[cst.SimpleStatementLine] = _simple_statement_line
_G[cst.SimpleStatementSuite] = _simple_statement_suite


# --- compound statements -----------------------------------------------------------------------


def _indented_block(node: cst.IndentedBlock, cx: Ctx) -> str:
    g = _G
    header = _line_end(node.header, cx)
    indent = node.indent
    inner: Ctx = (cx[0] + (cx[1] if indent is None else indent), cx[1], cx[2])
    body = node.body
    if body:
        # _simple_statement_line's cache hit, inlined: most lines of a model class are shared
        cached = _LINE_TEXT
        prefix = inner[0]
        newline = cx[2]
        parts = []
        for statement in body:
            if type(statement) is _LINE:
                hit = cached.get(id(statement))
                if hit is not None:
                    parts.append(prefix + hit[1] + newline)
                    continue
            parts.append(g[type(statement)](statement, inner))
        text = header + "".join(parts)
    else:
        text = header + inner[0] + "pass" + cx[2]
    footer = node.footer
    if footer:
        text += _all(footer, inner)
    return text


def _body(node: Any, cx: Ctx) -> str:
    body = node.body
    return _G[type(body)](body, cx)


def _opening(node: Any, cx: Ctx) -> str:
    """A compound statement's comment lines above it and the indentation of its first line."""
    leading = node.leading_lines
    return _all(leading, cx) + cx[0] if leading else cx[0]


def _else(node: cst.Else, cx: Ctx) -> str:
    before = _w(node.whitespace_before_colon, cx)
    return _opening(node, cx) + "else" + before + ":" + _body(node, cx)


def _if(node: cst.If, cx: Ctx, is_elif: bool) -> str:
    text = _opening(node, cx) + ("elif" if is_elif else "if")
    text += _w(node.whitespace_before_test, cx) + _node(node.test, cx)
    text += _w(node.whitespace_after_test, cx) + ":" + _body(node, cx)
    orelse = node.orelse
    if orelse is not None:
        if isinstance(orelse, cst.If):
            text += _IF[type(orelse)](orelse, cx, True)
        else:
            text += _G[type(orelse)](orelse, cx)
    return text


def _except_handler(node: cst.ExceptHandler, cx: Ctx) -> str:
    text = _opening(node, cx) + "except" + _w(node.whitespace_after_except, cx)
    if type(node) is not cst.ExceptHandler:  # ExceptStarHandler
        text += "*" + _w(node.whitespace_after_star, cx)
    kind = node.type
    if kind is not None:
        text += _node(kind, cx)
    name = node.name
    if name is not None:
        text += _G[type(name)](name, cx)
    return text + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)


def _finally(node: cst.Finally, cx: Ctx) -> str:
    before = _w(node.whitespace_before_colon, cx)
    return _opening(node, cx) + "finally" + before + ":" + _body(node, cx)


def _try(node: cst.Try, cx: Ctx) -> str:
    text = _opening(node, cx) + "try" + _w(node.whitespace_before_colon, cx) + ":"
    text += _body(node, cx) + _all(node.handlers, cx)
    orelse = node.orelse
    if orelse is not None:
        text += _G[type(orelse)](orelse, cx)
    final = node.finalbody
    if final is not None:
        text += _G[type(final)](final, cx)
    return text


_G[cst.IndentedBlock] = _indented_block
_G[cst.Else] = _else
_IF[cst.If] = _if
_G[cst.If] = lambda node, cx: _if(node, cx, False)
_G[cst.ExceptHandler] = _except_handler
_G[cst.ExceptStarHandler] = _except_handler
_G[cst.Finally] = _finally
_G[cst.Try] = _try
_G[cst.TryStar] = _try


def _decorator(node: cst.Decorator, cx: Ctx) -> str:
    text = _opening(node, cx) + "@" + _w(node.whitespace_after_at, cx)
    return text + _node(node.decorator, cx) + _node(node.trailing_whitespace, cx)


def _definition_opening(node: Any, cx: Ctx) -> str:
    """Comment lines, decorators and the lines after them, then the first line's indentation."""
    leading = node.leading_lines
    decorators = node.decorators
    after = node.lines_after_decorators
    text = _all(leading, cx) if leading else ""
    if decorators:
        text += _all(decorators, cx)
    if after:
        text += _all(after, cx)
    return text + cx[0]


def _type_parameters_of(node: Any, cx: Ctx) -> str:
    params = node.type_parameters
    text = "" if params is None else _G[type(params)](params, cx)
    return text + _w(node.whitespace_after_type_parameters, cx)


def _function_def(node: cst.FunctionDef, cx: Ctx) -> str:
    text = _definition_opening(node, cx)
    asynchronous = node.asynchronous
    if asynchronous is not None:
        text += _node(asynchronous, cx)
    text += "def" + _w(node.whitespace_after_def, cx) + _node(node.name, cx)
    text += _w(node.whitespace_after_name, cx) + _type_parameters_of(node, cx)
    text += "(" + _w(node.whitespace_before_params, cx) + _node(node.params, cx) + ")"
    returns = node.returns
    if returns is not None:
        text += _ANNOTATION[type(returns)](returns, cx, "->")
    return text + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)


def _class_def(node: cst.ClassDef, cx: Ctx) -> str:
    after_class = node.whitespace_after_class
    name = node.name
    after_name = node.whitespace_after_name
    after_params = node.whitespace_after_type_parameters
    if (
        type(after_class) is _SW
        and type(name) is _NAME
        and not name.lpar
        and not name.rpar
        and type(after_name) is _SW
        and node.type_parameters is None
        and type(after_params) is _SW
    ):
        text = "class" + after_class.value + name.value + after_name.value + after_params.value
    else:
        text = "class" + _w(after_class, cx) + _node(name, cx) + _w(after_name, cx)
        text += _type_parameters_of(node, cx)
    leading = node.leading_lines
    if node.decorators or node.lines_after_decorators:
        text = _definition_opening(node, cx) + text
    elif leading:  # _definition_opening without decorators, inlined
        text = "".join([_G[type(line)](line, cx) for line in leading]) + cx[0] + text
    else:
        text = cx[0] + text
    bases = node.bases
    keywords = node.keywords
    lpar = node.lpar
    if isinstance(lpar, MaybeSentinel):
        if bases or keywords:
            text += "("
    elif isinstance(lpar, cst.LeftParen):
        text += _node(lpar, cx)
    text += _import_names([*bases, *keywords] if keywords else bases, cx)
    rpar = node.rpar
    if isinstance(rpar, MaybeSentinel):
        if bases or keywords:
            text += ")"
    elif isinstance(rpar, cst.RightParen):
        text += _node(rpar, cx)
    return text + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)


_TOP: Ctx = ("", "    ", "\n")


def _carried_class(node: cst.ClassDef, cx: Ctx) -> str:
    text = getattr(node, "_text", None)
    if text is not None and cx == _TOP:
        return text  # type: ignore[no-any-return]
    return _class_def(node, cx)


def render_carried(cls: type[cst.ClassDef]) -> None:
    """Render instances of ``cls``, a ``ClassDef`` subclass, from the text they carry in
    ``_text`` (what libcst writes for them at the top level of a module indented by four spaces
    with ``\\n`` newlines) where they have it, else as any ``ClassDef``."""
    _G[cls] = _carried_class


_G[cst.Decorator] = _decorator
_G[cst.FunctionDef] = _function_def
_G[cst.ClassDef] = _class_def

_LINE_BREAKS = (cst.EmptyLine, cst.TrailingWhitespace, cst.ParenthesizedWhitespace)


def _with_item(node: cst.WithItem, cx: Ctx, default_comma: bool) -> str:
    text = _node(node.item, cx)
    asname = node.asname
    if asname is not None:
        text += _G[type(asname)](asname, cx)
    return text + _comma(node.comma, cx, default_comma)


def _with(node: cst.With, cx: Ctx) -> str:
    items = node.items
    needs_paren = False
    for item in items:
        comma = item.comma
        if (
            comma is not _DEFAULT
            and isinstance(comma, cst.Comma)
            and isinstance(comma.whitespace_after, _LINE_BREAKS)
        ):
            needs_paren = True
            break
    text = _opening(node, cx)
    asynchronous = node.asynchronous
    if asynchronous is not None:
        text += _node(asynchronous, cx)
    text += "with" + _w(node.whitespace_after_with, cx)
    lpar = node.lpar
    if lpar is not _DEFAULT and isinstance(lpar, cst.LeftParen):
        text += _node(lpar, cx)
    elif needs_paren:
        text += "("
    text += _import_names(items, cx)
    rpar = node.rpar
    if rpar is not _DEFAULT and isinstance(rpar, cst.RightParen):
        text += _node(rpar, cx)
    elif needs_paren:
        text += ")"
    return text + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)


def _for(node: cst.For, cx: Ctx) -> str:
    text = _opening(node, cx)
    asynchronous = node.asynchronous
    if asynchronous is not None:
        text += _node(asynchronous, cx)
    text += "for" + _w(node.whitespace_after_for, cx) + _node(node.target, cx)
    text += _w(node.whitespace_before_in, cx) + "in" + _w(node.whitespace_after_in, cx)
    text += _node(node.iter, cx) + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)
    orelse = node.orelse
    if orelse is not None:
        text += _G[type(orelse)](orelse, cx)
    return text


def _while(node: cst.While, cx: Ctx) -> str:
    text = _opening(node, cx) + "while" + _w(node.whitespace_after_while, cx)
    text += _node(node.test, cx) + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)
    orelse = node.orelse
    if orelse is not None:
        text += _G[type(orelse)](orelse, cx)
    return text


_COMMA[cst.WithItem] = _with_item
_G[cst.With] = _with
_G[cst.For] = _for
_G[cst.While] = _while


# --- match statements --------------------------------------------------------------------------


def _match(node: cst.Match, cx: Ctx) -> str:
    text = _opening(node, cx) + "match" + _w(node.whitespace_after_match, cx)
    text += _node(node.subject, cx) + _w(node.whitespace_before_colon, cx) + ":"
    text += _w(node.whitespace_after_colon, cx)
    indent = node.indent
    inner: Ctx = (cx[0] + (cx[1] if indent is None else indent), cx[1], cx[2])
    return text + _all(node.cases, inner) + _all(node.footer, inner)


def _match_case(node: cst.MatchCase, cx: Ctx) -> str:
    text = _opening(node, cx) + "case" + _w(node.whitespace_after_case, cx)
    text += _node(node.pattern, cx) + _w(node.whitespace_before_if, cx)
    guard = node.guard
    if guard is not None:
        text += "if" + _w(node.whitespace_after_if, cx) + _node(guard, cx)
    else:
        text += _w(node.whitespace_after_if, cx)
    return text + _w(node.whitespace_before_colon, cx) + ":" + _body(node, cx)


def _match_value(node: Any, cx: Ctx) -> str:
    return _node(node.value, cx)


def _match_sequence_element(
    node: cst.MatchSequenceElement, cx: Ctx, default_comma: bool, spaced: bool
) -> str:
    return _node(node.value, cx) + _element_comma(node.comma, cx, default_comma, spaced)


def _match_star(node: cst.MatchStar, cx: Ctx, default_comma: bool, spaced: bool) -> str:
    name = node.name
    text = "*" + _w(node.whitespace_before_name, cx) + ("_" if name is None else _node(name, cx))
    return text + _element_comma(node.comma, cx, default_comma, spaced)


def _match_list(node: cst.MatchList, cx: Ctx) -> str:
    e = _ELEM
    patterns = node.patterns
    last = len(patterns) - 1
    lbracket = node.lbracket
    rbracket = node.rbracket
    text = "" if lbracket is None else _node(lbracket, cx)
    text += "".join([e[type(p)](p, cx, i < last, True) for i, p in enumerate(patterns)])
    if rbracket is not None:
        text += _node(rbracket, cx)
    return _parens(node, text, cx)


def _match_tuple(node: cst.MatchTuple, cx: Ctx) -> str:
    e = _ELEM
    patterns = node.patterns
    count = len(patterns)
    text = "".join(
        [e[type(p)](p, cx, count == 1 or i < count - 1, count != 1) for i, p in enumerate(patterns)]
    )
    return _parens(node, text, cx)


def _match_mapping_element(node: cst.MatchMappingElement, cx: Ctx, default_comma: bool) -> str:
    text = _node(node.key, cx) + _w(node.whitespace_before_colon, cx) + ":"
    text += _w(node.whitespace_after_colon, cx) + _node(node.pattern, cx)
    return text + _comma(node.comma, cx, default_comma)


def _match_mapping(node: cst.MatchMapping, cx: Ctx) -> str:
    c = _COMMA
    elements = node.elements
    rest = node.rest
    last = len(elements) - 1
    text = _node(node.lbrace, cx)
    text += "".join(
        [c[type(el)](el, cx, rest is not None or i < last) for i, el in enumerate(elements)]
    )
    if rest is not None:
        text += "**" + _w(node.whitespace_before_rest, cx) + _node(rest, cx)
        comma = node.trailing_comma
        if comma is not None:
            text += _node(comma, cx)
    text += _node(node.rbrace, cx)
    return _parens(node, text, cx)


def _match_keyword_element(node: cst.MatchKeywordElement, cx: Ctx, default_comma: bool) -> str:
    text = _node(node.key, cx) + _w(node.whitespace_before_equal, cx) + "="
    text += _w(node.whitespace_after_equal, cx) + _node(node.pattern, cx)
    return text + _comma(node.comma, cx, default_comma)


def _match_class(node: cst.MatchClass, cx: Ctx) -> str:
    c = _COMMA
    patterns = node.patterns
    kwds = node.kwds
    count = len(patterns) + len(kwds)
    text = _node(node.cls, cx) + _w(node.whitespace_after_cls, cx) + "("
    text += _w(node.whitespace_before_patterns, cx)
    text += "".join([c[type(p)](p, cx, i + 1 < count) for i, p in enumerate(patterns)])
    text += "".join([c[type(k)](k, cx, i + 1 < len(kwds)) for i, k in enumerate(kwds)])
    text += _w(node.whitespace_after_kwds, cx) + ")"
    return _parens(node, text, cx)


def _match_as(node: cst.MatchAs, cx: Ctx) -> str:
    pattern = node.pattern
    name = node.name
    before = node.whitespace_before_as
    after = node.whitespace_after_as
    if pattern is not None:
        text = _node(pattern, cx)
        if before is _DEFAULT:
            text += " "
        elif isinstance(before, cst.BaseParenthesizableWhitespace):
            text += _w(before, cx)
        text += "as"
        if after is _DEFAULT:
            text += " "
        elif isinstance(after, cst.BaseParenthesizableWhitespace):
            text += _w(after, cx)
    else:
        text = ""
        if isinstance(before, cst.BaseParenthesizableWhitespace):
            text += _w(before, cx)
        if isinstance(after, cst.BaseParenthesizableWhitespace):
            text += _w(after, cx)
    text += "_" if name is None else _node(name, cx)
    return _parens(node, text, cx)


def _match_or_element(node: cst.MatchOrElement, cx: Ctx, default_separator: bool) -> str:
    text = _node(node.pattern, cx)
    separator = node.separator
    if separator is _DEFAULT:
        if default_separator:
            text += " | "
    elif isinstance(separator, cst.BitOr):
        text += _node(separator, cx)
    return text


def _match_or(node: cst.MatchOr, cx: Ctx) -> str:
    o = _OR_ELEMENT
    patterns = node.patterns
    count = len(patterns)
    text = "".join([o[type(p)](p, cx, i + 1 < count) for i, p in enumerate(patterns)])
    return _parens(node, text, cx)


_G[cst.Match] = _match
_G[cst.MatchCase] = _match_case
_G[cst.MatchValue] = _match_value
_G[cst.MatchSingleton] = _match_value
_ELEM[cst.MatchSequenceElement] = _match_sequence_element
_ELEM[cst.MatchStar] = _match_star
_G[cst.MatchList] = _match_list
_G[cst.MatchTuple] = _match_tuple
_COMMA[cst.MatchMappingElement] = _match_mapping_element
_G[cst.MatchMapping] = _match_mapping
_COMMA[cst.MatchKeywordElement] = _match_keyword_element
_G[cst.MatchClass] = _match_class
_G[cst.MatchAs] = _match_as
_OR_ELEMENT[cst.MatchOrElement] = _match_or_element
_G[cst.MatchOr] = _match_or


# --- type parameters ---------------------------------------------------------------------------


def _type_var(node: cst.TypeVar, cx: Ctx) -> str:
    text = _node(node.name, cx)
    bound = node.bound
    colon = node.colon
    if not isinstance(colon, MaybeSentinel):
        text += _node(colon, cx)
    elif bound is not None:
        text += ": "
    if bound is not None:
        text += _node(bound, cx)
    return text


def _starred_type_var(star: str) -> Callable[[Any, Ctx], str]:
    def render_starred(node: Any, cx: Ctx) -> str:
        return star + _w(node.whitespace_after_star, cx) + _node(node.name, cx)

    return render_starred


def _type_param(node: cst.TypeParam, cx: Ctx, default_comma: bool) -> str:
    text = _G[type(node.param)](node.param, cx)
    equal = node.equal
    default = node.default
    if equal is _DEFAULT and default is not None:
        text += " = "
    elif isinstance(equal, cst.AssignEqual):
        text += _node(equal, cx)
    text += node.star + _w(node.whitespace_after_star, cx)
    if default is not None:
        text += _node(default, cx)
    comma = node.comma
    if isinstance(comma, MaybeSentinel):
        return text + ", " if default_comma else text
    return text + _node(comma, cx)


def _type_parameters(node: cst.TypeParameters, cx: Ctx) -> str:
    c = _COMMA
    params = node.params
    count = len(params)
    text = "".join([c[type(p)](p, cx, i + 1 < count) for i, p in enumerate(params)])
    return _node(node.lbracket, cx) + text + _node(node.rbracket, cx)


def _type_alias(node: cst.TypeAlias, cx: Ctx, default_semicolon: bool) -> str:
    params = node.type_parameters
    text = "type" + _w(node.whitespace_after_type, cx) + _node(node.name, cx)
    after_name = node.whitespace_after_name
    if isinstance(after_name, MaybeSentinel):
        if params is None:
            text += " "
    else:
        text += _w(after_name, cx)
    if params is not None:
        text += _G[type(params)](params, cx)
        after_params = node.whitespace_after_type_parameters
        text += " " if isinstance(after_params, MaybeSentinel) else _w(after_params, cx)
    text += "=" + _w(node.whitespace_after_equals, cx) + _node(node.value, cx)
    semicolon = node.semicolon
    if isinstance(semicolon, MaybeSentinel):
        return text + "; " if default_semicolon else text
    return text + _node(semicolon, cx)


_G[cst.TypeVar] = _type_var
_G[cst.TypeVarTuple] = _starred_type_var("*")
_G[cst.ParamSpec] = _starred_type_var("**")
_COMMA[cst.TypeParam] = _type_param
_G[cst.TypeParameters] = _type_parameters
_SMALL[cst.TypeAlias] = _type_alias


# --- module ------------------------------------------------------------------------------------


def _module(node: cst.Module, cx: Ctx) -> str:
    header = node.header
    body = node.body
    footer = node.footer
    if not node.has_trailing_newline:  # libcst drops the last token: leave that to libcst
        return _libcst(node, cx)
    if not header and not body and not footer:
        return cx[2]
    g = _G
    text = "".join([g[type(s)](s, cx) for s in body])
    if header:
        text = _all(header, cx) + text
    if footer:
        text += _all(footer, cx)
    return text


_G[cst.Module] = _module
