"""Small libcst builders with Python operator precedence (libcst does not add parentheses itself)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import libcst as cst

from converters import cstfast

__all__ = [
    "ASYNC",
    "END_OF_LINE",
    "NO_SPACE",
    "SPACE",
    "arg",
    "assign",
    "attr",
    "await_",
    "binop",
    "block",
    "boolop",
    "call",
    "compare",
    "dict_",
    "dict_element",
    "dotted",
    "fstring",
    "ifexp",
    "index",
    "line",
    "name",
    "not_",
    "number",
    "paren",
    "prec",
    "return_",
    "string",
    "wrap",
]

# Whitespace and punctuation shared by the nodes built here, written as libcst writes them by
# default. libcst nodes are immutable, so one can sit in many trees (the schema emitter shares its
# pieces the same way); left to its defaults, libcst makes new ones for every node, about half of
# all the nodes of a translated body.
NO_SPACE = cst.SimpleWhitespace("")
SPACE = cst.SimpleWhitespace(" ")
END_OF_LINE = cst.TrailingWhitespace(whitespace=NO_SPACE, comment=None, newline=cst.Newline())
ASYNC = cst.Asynchronous(whitespace_after=SPACE)
_LBRACE = cst.LeftCurlyBrace(whitespace_after=NO_SPACE)
_RBRACE = cst.RightCurlyBrace(whitespace_before=NO_SPACE)
_LBRACKET = cst.LeftSquareBracket(whitespace_after=NO_SPACE)
_RBRACKET = cst.RightSquareBracket(whitespace_before=NO_SPACE)

# Nodes of the fixed shapes below are built without libcst's ``_validate``: it checks only what
# these builders always give (no parentheses, one assignment target, a space after ``await``), and
# it is a third of the cost of making a node. The fields are set as the dataclass ``__init__``
# sets them, every field given.
_new = object.__new__
_set = object.__setattr__
_DEFAULT = cst.MaybeSentinel.DEFAULT
_DEFAULT_SEMICOLON = cst.Assign.__dataclass_fields__["semicolon"].default
_DEFAULT_COMMA = cst.DictElement.__dataclass_fields__["comma"].default
_DEFAULT_DOT = cst.Attribute.__dataclass_fields__["dot"].default

# precedence levels (higher binds tighter)
P_LAMBDA, P_IFEXP, P_OR, P_AND, P_NOT, P_CMP = 0, 1, 2, 3, 4, 5
P_ADD, P_MUL, P_UNARY, P_POW, P_AWAIT, P_PRIMARY, P_ATOM = 10, 11, 12, 13, 14, 15, 16

_BINARY_PREC: dict[type[cst.BaseBinaryOp], int] = {
    cst.Add: P_ADD,
    cst.Subtract: P_ADD,
    cst.Multiply: P_MUL,
    cst.Divide: P_MUL,
    cst.FloorDivide: P_MUL,
    cst.Modulo: P_MUL,
    cst.Power: P_POW,
}


# the precedence of expressions by their class, where the class alone says it
_PREC_OF_TYPE: dict[type, int] = {
    cst.Name: P_ATOM,
    cst.SimpleString: P_ATOM,
    cst.Integer: P_ATOM,
    cst.Float: P_ATOM,
    cst.FormattedString: P_ATOM,
    cst.Dict: P_ATOM,
    cst.List: P_ATOM,
    cst.ListComp: P_ATOM,
    cst.GeneratorExp: P_ATOM,
    cst.Tuple: P_ATOM,
    cst.NamedExpr: -1,
    cst.Lambda: P_LAMBDA,
    cst.IfExp: P_IFEXP,
    cst.Comparison: P_CMP,
    cst.Await: P_AWAIT,
    cst.Attribute: P_PRIMARY,
    cst.Call: P_PRIMARY,
    cst.Subscript: P_PRIMARY,
}


def prec(expr: cst.BaseExpression) -> int:
    """The precedence of an expression's outermost operator (parenthesised: an atom)."""
    if getattr(expr, "lpar", None):
        return P_ATOM
    known = _PREC_OF_TYPE.get(type(expr))
    if known is not None:
        return known
    if isinstance(expr, cst.NamedExpr):
        return -1
    if isinstance(expr, cst.Lambda):
        return P_LAMBDA
    if isinstance(expr, cst.IfExp):
        return P_IFEXP
    if isinstance(expr, cst.BooleanOperation):
        return P_OR if isinstance(expr.operator, cst.Or) else P_AND
    if isinstance(expr, cst.UnaryOperation):
        return P_NOT if isinstance(expr.operator, cst.Not) else P_UNARY
    if isinstance(expr, cst.Comparison):
        return P_CMP
    if isinstance(expr, cst.BinaryOperation):
        return _BINARY_PREC.get(type(expr.operator), P_ADD)
    if isinstance(expr, cst.Await):
        return P_AWAIT
    if isinstance(expr, cst.Attribute | cst.Call | cst.Subscript):
        return P_PRIMARY
    return P_ATOM


def paren(expr: cst.BaseExpression) -> cst.BaseExpression:
    """``(expr)``."""
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def wrap(expr: cst.BaseExpression, minimum: int) -> cst.BaseExpression:
    """``expr``, parenthesised when its operator binds looser than ``minimum``."""
    return paren(expr) if prec(expr) < minimum else expr


# Name nodes by their text, shared like the whitespace above (a Name is immutable and holds
# nothing but its text); capped, so a huge project only stops sharing
_NAMES: dict[str, cst.Name] = {}
_MAX_NAMES = 4096


def name(text: str) -> cst.Name:
    """A name (one shared node per text)."""
    found = _NAMES.get(text)
    if found is None:
        found = cst.Name(text)
        if len(_NAMES) < _MAX_NAMES:
            _NAMES[text] = found
    return found


def dotted(text: str) -> cst.BaseExpression:
    """``a.b.c`` from its text."""
    parts = text.split(".")
    expr: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def attr(value: cst.BaseExpression, attribute: str) -> cst.Attribute:
    """``value.attribute``."""
    node = _new(cst.Attribute)
    _set(node, "value", wrap(value, P_PRIMARY))
    _set(node, "attr", name(attribute))
    _set(node, "dot", _DEFAULT_DOT)
    _set(node, "lpar", ())
    _set(node, "rpar", ())
    return node


def index(value: cst.BaseExpression, key: cst.BaseExpression) -> cst.Subscript:
    """``value[key]``."""
    return cst.Subscript(
        value=wrap(value, P_PRIMARY),
        slice=[cst.SubscriptElement(cst.Index(wrap(key, 0)))],
        lbracket=_LBRACKET,
        rbracket=_RBRACKET,
        whitespace_after_value=NO_SPACE,
    )


def arg(value: cst.BaseExpression, keyword: str | None = None) -> cst.Arg:
    """An argument ``value`` (``keyword=value`` when ``keyword`` is given)."""
    node = _new(cst.Arg)
    _set(node, "value", value)
    _set(node, "keyword", cst.Name(keyword) if keyword is not None else None)
    _set(node, "equal", _DEFAULT)
    _set(node, "comma", _DEFAULT)
    _set(node, "star", "")
    _set(node, "whitespace_after_star", NO_SPACE)
    _set(node, "whitespace_after_arg", NO_SPACE)
    return node


# callees given as dotted text (``jsrt.js_str``, ``httpx.AsyncClient``), built once each: the
# texts are written in the translator's code, so the cache is bounded by them (and capped)
_CALLEES: dict[str, cst.BaseExpression] = {}
_MAX_CALLEES = 512


def _callee(text: str) -> cst.BaseExpression:
    found = _CALLEES.get(text)
    if found is None:
        found = dotted(text)
        if len(_CALLEES) < _MAX_CALLEES:
            _CALLEES[text] = found
    return found


def call(
    func: cst.BaseExpression | str,
    *args: cst.BaseExpression | cst.Arg,
    **kwargs: cst.BaseExpression,
) -> cst.Call:
    """``func(*args, **kwargs)``; ``func`` may be dotted text."""
    callee = _callee(func) if type(func) is str else wrap(func, P_PRIMARY)
    given = False  # whether an argument came built (its order is then for libcst to check)
    arguments: list[cst.Arg] = []
    for a in args:
        if type(a) is cst.Arg:
            given = True
            arguments.append(a)
        else:
            arguments.append(arg(wrap(a, 0)))  # type: ignore[arg-type]
    if kwargs:
        arguments += [arg(wrap(v, 0), k) for k, v in kwargs.items()]
    if len(arguments) == 1 and type(arguments[0].value) is cst.GeneratorExp:
        # f(x for x in y): a lone generator argument needs no parentheses of its own
        arguments = [
            arguments[0].with_changes(value=arguments[0].value.with_changes(lpar=[], rpar=[]))
        ]
    if given:
        return cst.Call(
            func=callee,
            args=arguments,
            whitespace_after_func=NO_SPACE,
            whitespace_before_args=NO_SPACE,
        )
    # positional arguments, then keyword ones, all built here: the order libcst checks
    node = _new(cst.Call)
    _set(node, "func", callee)
    _set(node, "args", arguments)
    _set(node, "lpar", ())
    _set(node, "rpar", ())
    _set(node, "whitespace_after_func", NO_SPACE)
    _set(node, "whitespace_before_args", NO_SPACE)
    return node


def await_(expr: cst.BaseExpression) -> cst.Await:
    """``await expr`` (``expr`` as given: wrap it first where it binds looser)."""
    node = _new(cst.Await)
    _set(node, "expression", expr)
    _set(node, "lpar", ())
    _set(node, "rpar", ())
    _set(node, "whitespace_after_await", SPACE)
    return node


def line(statement: cst.BaseSmallStatement) -> cst.SimpleStatementLine:
    """A statement on a line of its own."""
    node = _new(cst.SimpleStatementLine)
    _set(node, "body", [statement])
    _set(node, "leading_lines", ())
    _set(node, "trailing_whitespace", END_OF_LINE)
    return node


def return_(value: cst.BaseExpression) -> cst.Return:
    """``return value`` (libcst's default whitespace after ``return``, which it never refuses)."""
    node = _new(cst.Return)
    _set(node, "value", value)
    _set(node, "whitespace_after_return", _DEFAULT)
    _set(node, "semicolon", _DEFAULT)
    return node


def block(body: Sequence[cst.BaseStatement]) -> cst.IndentedBlock:
    """An indented block of ``body``."""
    node = _new(cst.IndentedBlock)
    _set(node, "body", body)
    _set(node, "header", END_OF_LINE)
    _set(node, "indent", None)
    _set(node, "footer", ())
    return node


def assign(target: cst.BaseAssignTargetExpression, value: cst.BaseExpression) -> cst.Assign:
    """``target = value``."""
    assign_target = _new(cst.AssignTarget)
    _set(assign_target, "target", target)
    _set(assign_target, "whitespace_before_equal", SPACE)
    _set(assign_target, "whitespace_after_equal", SPACE)
    node = _new(cst.Assign)
    _set(node, "targets", [assign_target])
    _set(node, "value", value)
    _set(node, "semicolon", _DEFAULT_SEMICOLON)
    return node


def dict_(elements: Sequence[cst.BaseDictElement]) -> cst.Dict:
    """``{...}`` of ``elements``."""
    node = _new(cst.Dict)
    _set(node, "elements", elements)
    _set(node, "lbrace", _LBRACE)
    _set(node, "rbrace", _RBRACE)
    _set(node, "lpar", ())
    _set(node, "rpar", ())
    return node


def dict_element(key: cst.BaseExpression, value: cst.BaseExpression) -> cst.DictElement:
    """``key: value`` in a dict."""
    node = _new(cst.DictElement)
    _set(node, "key", key)
    _set(node, "value", value)
    _set(node, "comma", _DEFAULT_COMMA)
    _set(node, "whitespace_before_colon", NO_SPACE)
    _set(node, "whitespace_after_colon", SPACE)
    return node


def binop(
    left: cst.BaseExpression, op: cst.BaseBinaryOp, right: cst.BaseExpression
) -> cst.BinaryOperation:
    """``left op right`` with the right parentheses."""
    level = _BINARY_PREC.get(type(op), P_ADD)
    if isinstance(op, cst.Power):
        return cst.BinaryOperation(wrap(left, level + 1), op, wrap(right, P_UNARY))
    return cst.BinaryOperation(wrap(left, level), op, wrap(right, level + 1))


def compare(
    left: cst.BaseExpression, op: cst.BaseCompOp, right: cst.BaseExpression
) -> cst.Comparison:
    """``left op right`` (never chained)."""
    return cst.Comparison(wrap(left, P_CMP + 1), [cst.ComparisonTarget(op, wrap(right, P_CMP + 1))])


def boolop(
    left: cst.BaseExpression, op: cst.BaseBooleanOp, right: cst.BaseExpression
) -> cst.BooleanOperation:
    """``left and right`` / ``left or right``."""
    level = P_OR if isinstance(op, cst.Or) else P_AND
    return cst.BooleanOperation(wrap(left, level), op, wrap(right, level + 1))


def not_(expr: cst.BaseExpression) -> cst.BaseExpression:
    """``not expr`` (``a is not None`` for ``not (a is None)`` and the like)."""
    if isinstance(expr, cst.Comparison) and len(expr.comparisons) == 1 and not expr.lpar:
        target = expr.comparisons[0]
        flipped: dict[type[cst.BaseCompOp], cst.BaseCompOp] = {
            cst.Is: cst.IsNot(),
            cst.IsNot: cst.Is(),
            cst.Equal: cst.NotEqual(),
            cst.NotEqual: cst.Equal(),
            cst.In: cst.NotIn(),
            cst.NotIn: cst.In(),
        }
        op = flipped.get(type(target.operator))
        if op is not None:
            return expr.with_changes(comparisons=[target.with_changes(operator=op)])
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
        return expr.expression
    return cst.UnaryOperation(cst.Not(), wrap(expr, P_NOT))


def ifexp(
    test: cst.BaseExpression, body: cst.BaseExpression, orelse: cst.BaseExpression
) -> cst.IfExp:
    """``body if test else orelse``."""
    return cst.IfExp(
        test=wrap(test, P_OR),
        body=wrap(body, P_OR),
        orelse=wrap(orelse, P_IFEXP),
        whitespace_before_if=SPACE,
        whitespace_after_if=SPACE,
        whitespace_before_else=SPACE,
        whitespace_after_else=SPACE,
    )


def _escape(text: str, quote: str) -> str:
    if text.isprintable() and "\\" not in text and quote not in text:
        return text  # nothing to escape
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + quote)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
        else:
            out.append(ch)
    return "".join(out)


def string(text: str, quote: str = '"') -> cst.SimpleString:
    """A one-line Python string literal whose value is exactly ``text``."""
    if quote != '"' and quote != "'":
        return cst.SimpleString(quote + _escape(text, quote) + quote)
    node = _new(cst.SimpleString)  # one quote, escaped within: the literal libcst checks for
    _set(node, "value", quote + _escape(text, quote) + quote)
    _set(node, "lpar", ())
    _set(node, "rpar", ())
    return node


def number(value: int | float) -> cst.BaseExpression:
    """A number literal (negative numbers as unary minus)."""
    if value < 0:
        return cst.UnaryOperation(cst.Minus(), number(-value))
    if isinstance(value, int):
        return cst.Integer(str(value))
    if value == float("inf"):
        return call("float", string("inf"))
    text = repr(value)
    return cst.Float(text) if ("." in text or "e" in text) else cst.Integer(text)


_NOT_IN_FSTRING = ("\\", "\n", '"', "{", "}")
_REFUSED_IN_FSTRING = re.compile(r'[\\\n"{}]').search

# node classes whose code is fixed punctuation and keywords (no quote, brace, backslash or
# newline) besides their text fields: an expression made of them fits an f-string when its
# text fields do
_PLAIN_CODE = frozenset(
    {
        cst.Name, cst.Attribute, cst.Dot, cst.Call, cst.Arg, cst.Subscript, cst.SubscriptElement,
        cst.Index, cst.Integer, cst.Float, cst.SimpleString, cst.LeftParen, cst.RightParen,
        cst.LeftSquareBracket, cst.RightSquareBracket, cst.SimpleWhitespace, cst.Comma,
        cst.AssignEqual, cst.BinaryOperation, cst.Add, cst.Subtract, cst.Multiply,
        cst.Comparison, cst.ComparisonTarget, cst.Is, cst.IsNot, cst.Equal, cst.NotEqual,
        cst.BooleanOperation, cst.And, cst.Or, cst.Not, cst.UnaryOperation, cst.Minus,
        cst.IfExp, cst.Await, cst.List, cst.Element, cst.Tuple,
    }
)  # fmt: skip
_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}  # per class: its fields holding text


def _text_fields(cls: type) -> tuple[str, ...]:
    found = _TEXT_FIELDS.get(cls)
    if found is None:
        found = _TEXT_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


def _reference(expr: cst.BaseExpression) -> bool:
    """Whether ``expr`` is ``a`` or ``a.b.c`` as libcst writes it by default (no parentheses,
    no spaces): its code is names and dots, so it fits an f-string and has no string to requote."""
    while type(expr) is cst.Attribute:
        if expr.lpar or expr.rpar or expr.dot is not _DEFAULT_DOT or expr.attr.lpar:
            return False
        expr = expr.value
    # a Name's value is a valid identifier (libcst checks): no quote, brace or backslash
    return type(expr) is cst.Name and not expr.lpar and not expr.rpar


def _fstring_ok(expr: cst.BaseExpression, nodes: list[cst.CSTNode] | None = None) -> bool:
    """Whether ``expr``'s code can sit in ``f"{...}"`` (``nodes``: ``expr`` and all below it)."""
    if nodes is not None and _plain_code(nodes):
        return True  # the same answer as reading the code, without rendering it
    code = cstfast.code(expr)
    return not any(ch in code for ch in _NOT_IN_FSTRING)


def _plain_code(nodes: list[cst.CSTNode]) -> bool:
    """Whether the code of ``nodes`` surely holds no character an f-string part refuses."""
    for node in nodes:
        cls = type(node)
        if cls not in _PLAIN_CODE:
            return False
        for name in _text_fields(cls):
            value = getattr(node, name)
            if type(value) is str and _REFUSED_IN_FSTRING(value):
                return False
    return True


_IS_NODE: dict[type, bool] = {}  # per class: whether it is a libcst node (one entry a class)


def _is_node(cls: type) -> bool:
    known = _IS_NODE.get(cls)
    if known is None:
        known = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)
    return known


def _plain_unquoted(expr: cst.BaseExpression) -> bool:
    """Whether ``expr`` holds no string literal and its code surely fits an f-string part.

    One pass with the answer of ``cstfast.walk`` + ``_single_quote_strings`` + ``_plain_code``
    when those find nothing to requote or refuse (otherwise the caller takes that longer way).
    """
    stack: list[object] = [expr]
    pop, push, extend = stack.pop, stack.append, stack.extend
    plain, refused, text_fields = _PLAIN_CODE, _REFUSED_IN_FSTRING, _TEXT_FIELDS.get
    while stack:
        node = pop()
        cls = type(node)
        if cls not in plain or cls is cst.SimpleString:
            return False
        for name in text_fields(cls) or _text_fields(cls):
            value = getattr(node, name)
            kind = type(value)
            if kind is str:
                if refused(value):
                    return False
            elif kind is tuple or kind is list:
                extend(value)  # libcst sequences hold nodes only
            elif kind in plain:
                if value is NO_SPACE or value is SPACE or value is _DEFAULT_DOT:
                    continue  # the shared whitespace and dot: plain
                if kind is cst.Name and not value.lpar and not value.rpar:  # type: ignore[attr-defined]
                    continue  # an identifier: no quote, brace, backslash or newline
                push(value)
            elif _is_node(kind):
                return False  # a node of another kind: the longer way decides
    return True


class _Requote(cst.CSTTransformer):
    """String literals in single quotes where the value allows (inside an f-string)."""

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        value = original_node.evaluated_value
        if (
            isinstance(value, str)
            and "'" not in value
            and "\\" not in value
            and value.isprintable()
        ):
            return cst.SimpleString("'" + value + "'")
        return updated_node


def _single_quote_strings(expr: cst.BaseExpression, nodes: list[cst.CSTNode]) -> cst.BaseExpression:
    """``expr`` with its strings single-quoted (``nodes``: ``expr`` and all below it)."""
    if not any(isinstance(n, cst.SimpleString) for n in nodes):
        return expr  # nothing to requote: skip rebuilding the tree
    return expr.visit(_Requote())  # type: ignore[return-value]


def _formatted(expr: cst.BaseExpression) -> cst.FormattedStringExpression:
    node = _new(cst.FormattedStringExpression)  # no conversion: nothing for libcst to check
    _set(node, "expression", expr)
    _set(node, "conversion", None)
    _set(node, "format_spec", None)
    _set(node, "whitespace_before_expression", NO_SPACE)
    _set(node, "whitespace_after_expression", NO_SPACE)
    _set(node, "equal", None)
    return node


def fstring(
    parts: Sequence[str | cst.BaseExpression], *, not_str: Sequence[cst.BaseExpression] = ()
) -> cst.BaseExpression:
    """An f-string from text and expressions; ``+`` concatenation when an f-string cannot hold one.

    ``not_str`` lists the expressions that are not strings (wrapped in ``str()`` when concatenated).
    """
    if all(type(p) is str for p in parts):  # no expression (isinstance() on libcst's is slow)
        return string("".join(p for p in parts if isinstance(p, str)))
    pieces: list[cst.BaseFormattedStringContent] = []
    fits = True
    for part in parts:
        if isinstance(part, str):
            if part:
                text = _escape(part, '"').replace("{", "{{").replace("}", "}}")
                piece = _new(cst.FormattedStringText)
                _set(piece, "value", text)
                pieces.append(piece)
        else:
            if _reference(part):
                pieces.append(_formatted(part))
                continue
            if _plain_unquoted(part):
                pieces.append(_formatted(wrap(part, P_IFEXP)))
                continue
            nodes = cstfast.walk(part)
            inner = _single_quote_strings(part, nodes)
            if not _fstring_ok(inner, nodes if inner is part else None):
                fits = False
                break
            pieces.append(_formatted(wrap(inner, P_IFEXP)))
    if fits:
        node = _new(cst.FormattedString)  # `f"` and `"`: the quotes libcst checks for
        _set(node, "parts", pieces)
        _set(node, "start", 'f"')
        _set(node, "end", '"')
        _set(node, "lpar", ())
        _set(node, "rpar", ())
        return node
    result: cst.BaseExpression | None = None
    for part in parts:
        if isinstance(part, str) and not part:
            continue
        piece = string(part) if isinstance(part, str) else part
        if any(piece is other for other in not_str):
            piece = call("str", piece)
        result = piece if result is None else binop(result, cst.Add(), piece)
    assert result is not None
    return result
