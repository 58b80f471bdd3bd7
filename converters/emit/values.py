"""IR values to Python expressions: string literals, env reads, templates as f-strings, ..."""

from __future__ import annotations

import math
import re
from pathlib import PurePosixPath

import libcst as cst

from converters import cstfast
from converters.emit.context import Scope
from converters.emit.names import snake_case
from converters.ir import (
    ArrayValue,
    BoolValue,
    CallValue,
    EnvValue,
    FileRead,
    FunctionValue,
    NullValue,
    NumberValue,
    ObjectValue,
    Opaque,
    RefValue,
    StringValue,
    TemplateValue,
    Value,
)
from converters.rules import define

__all__ = [
    "LM901",
    "LM902",
    "docstring_literal",
    "emit_value",
    "expr_code",
    "is_read_file",
    "string_literal",
    "template_expression",
]

LM111 = define(
    "LM111",
    "A prompt file read with readFileSync is shipped with the port and read from its copy",
    "Nothing to do; a read relative to process.cwd() stays relative to the working directory "
    "(the copy sits at the same path under the ported project's root: run the port from there).",
)
LM901 = define(
    "LM901",
    "A value could not be converted",
    "Read the original TypeScript kept in the comment and write the Python value by hand.",
)
LM902 = define(
    "LM902",
    "A reference to something lumos-migrate did not convert",
    "Import or define the referenced value in the ported package by hand.",
)
LM904 = define(
    "LM904",
    "A prompt file read with readFileSync was not found",
    "Copy the prompt file into the package's prompts/ folder and read it with Path(__file__).",
)

_EMPTY = cst.Module(body=[])


def expr_code(node: cst.CSTNode) -> str:
    """The source text of an expression node."""
    return _EMPTY.code_for_node(node)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape(text: str, *, quote: str, keep_newlines: bool, braces: bool = False) -> str:
    if (
        text.isprintable()  # no newline, tab or other character to escape
        and "\\" not in text
        and (keep_newlines or quote not in text)
        and not (braces and ("{" in text or "}" in text))
    ):
        escaped = text  # what the loop below gives: no character changes
    else:
        escaped = _escape_chars(text, quote=quote, keep_newlines=keep_newlines, braces=braces)
    if keep_newlines:
        # inside """...""": no run of three quotes, and no quote right before the closing ones
        escaped = escaped.replace('"', '\\"') if ('""' in text or text.endswith('"')) else escaped
    return escaped


def _escape_chars(text: str, *, quote: str, keep_newlines: bool, braces: bool) -> str:
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\n" if keep_newlines else "\\n")
        elif ch == "\t" and keep_newlines:
            out.append("\t")
        elif ch == quote and not keep_newlines:
            out.append("\\" + quote)
        elif braces and ch in "{}":
            out.append(ch * 2)
        elif not ch.isprintable() and ch != " ":
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def _multiline(text: str) -> bool:
    return "\n" in text.rstrip("\n") or text.count("\n") > 1


def string_literal(text: str) -> cst.SimpleString:
    """A Python string literal whose value is exactly ``text``; triple-quoted when multi-line."""
    # the quotes are ours and the text is escaped: a whole literal, all libcst would check
    if _multiline(text):
        return cstfast.simple_string('"""' + _escape(text, quote='"', keep_newlines=True) + '"""')
    return cstfast.simple_string('"' + _escape(text, quote='"', keep_newlines=False) + '"')


def docstring_literal(text: str) -> cst.SimpleString:
    """A triple-quoted string literal (for docstrings) whose value is exactly ``text``."""
    return cstfast.simple_string('"""' + _escape(text, quote='"', keep_newlines=True) + '"""')


_SAFE_IN_FSTRING = re.compile(r"^[^\"'\\\n{}]*$")


def _fstring_safe(code: str) -> bool:
    """Whether an expression can sit inside ``f"{...}"`` on Python 3.11 (no quotes clash)."""
    return not ("\\" in code or "\n" in code or '"' in code)


def _single_quoted(text: str) -> cst.SimpleString | None:
    if _SAFE_IN_FSTRING.match(text) and text.isprintable():
        return cstfast.simple_string("'" + text + "'")
    return None


def template_expression(parts: list[Value], scope: Scope, *, what: str) -> cst.BaseExpression:
    """A template literal as an f-string, or ``"...".format(...)`` when an f-string cannot hold it."""
    merged: list[str | Value] = []
    for part in parts:
        if isinstance(part, StringValue):
            if merged and isinstance(merged[-1], str):
                merged[-1] += part.value
            else:
                merged.append(part.value)
        else:
            merged.append(part)
    if all(isinstance(p, str) for p in merged):
        return string_literal("".join(p for p in merged if isinstance(p, str)))
    text = "".join(p if isinstance(p, str) else "" for p in merged)
    triple = _multiline(text)
    pending, found = len(scope.pending), len(scope.ctx.diagnostics)
    exprs = [
        emit_value(p, scope, what=what, fstring=True) for p in merged if not isinstance(p, str)
    ]
    if all(_fstring_safe(expr_code(e)) for e in exprs):
        pieces: list[cst.BaseFormattedStringContent] = []
        it = iter(exprs)
        for part in merged:
            if isinstance(part, str):
                pieces.append(
                    cst.FormattedStringText(
                        _escape(part, quote='"', keep_newlines=triple, braces=True)
                    )
                )
            else:
                pieces.append(cst.FormattedStringExpression(expression=next(it)))
        quote = '"""' if triple else '"'
        return cst.FormattedString(parts=pieces, start="f" + quote, end=quote)
    # "...".format(...): any expression is allowed in the arguments
    del scope.pending[pending:], scope.ctx.diagnostics[found:]
    fmt = "".join(
        p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}" for p in merged
    )
    exprs = [emit_value(p, scope, what=what) for p in merged if not isinstance(p, str)]
    return cst.Call(
        func=cst.Attribute(value=string_literal(fmt), attr=cst.Name("format")),
        args=[cst.Arg(e) for e in exprs],
    )


def _number(value: float | int) -> cst.BaseExpression:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        arg = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return cst.Call(func=cst.Name("float"), args=[cst.Arg(string_literal(arg))])
    negative = value < 0
    node: cst.BaseExpression = (
        cst.Integer(str(abs(value))) if isinstance(value, int) else cst.Float(repr(abs(value)))
    )
    return cst.UnaryOperation(operator=cst.Minus(), expression=node) if negative else node


def env_read(
    value: EnvValue, scope: Scope, *, what: str, fstring: bool = False
) -> cst.BaseExpression:
    """``process.env.X ?? d`` -> ``os.environ.get("X", d)``; ``|| d`` -> ``os.environ.get("X") or d``."""
    os_name = scope.builder.import_module("os")
    name_lit = _single_quoted(value.name) if fstring else None
    args = [cst.Arg(name_lit or string_literal(value.name))]
    default = None
    if value.default is not None:
        default = emit_value(value.default, scope, what=what, fstring=fstring)
    if default is not None and value.default_op != "||":
        args.append(cst.Arg(default))
    call = cst.Call(
        func=cst.Attribute(
            value=cst.Attribute(value=cst.Name(os_name), attr=cst.Name("environ")),
            attr=cst.Name("get"),
        ),
        args=args,
    )
    if default is not None and value.default_op == "||":
        return cst.BooleanOperation(left=call, operator=cst.Or(), right=default)
    return call


# JavaScript's global conversions of a value the evaluator reduced (``Number(process.env.X || 5)``)
# and the lumos_compat.jsrt function with the same semantics (NaN, "" -> 0, whitespace, 0x...)
_CONVERSIONS = {
    "Number": "to_number",
    "parseFloat": "parse_float",
    "parseInt": "parse_int",
    "String": "js_str",
    "Boolean": "truthy",
}
_REDUCED = (StringValue, NumberValue, BoolValue, NullValue, EnvValue, TemplateValue)


def _js_conversion(value: CallValue) -> str | None:
    """The jsrt function for ``Number(x)``/``parseInt(x)``/... of a reduced value, else None."""
    function = _CONVERSIONS.get(value.callee) if value.module is None else None
    if function is None or not value.args or not isinstance(value.args[0], _REDUCED):
        return None
    if len(value.args) == 1:
        return function
    radix = value.args[1]  # parseInt(x, 10) is the only second argument read the same way
    if (
        function == "parse_int"
        and len(value.args) == 2
        and isinstance(radix, NumberValue)
        and radix.value == 10
    ):
        return function
    return None


def _conversion_call(value: CallValue, scope: Scope, *, what: str) -> cst.BaseExpression:
    function = _js_conversion(value)
    assert function is not None
    jsrt = scope.builder.import_from("lumos_compat", "jsrt")
    argument = emit_value(value.args[0], scope, what=what)
    return cst.Call(
        func=cst.Attribute(value=cst.Name(jsrt), attr=cst.Name(function)),
        args=[cst.Arg(argument)],
    )


def is_read_file(value: Value) -> bool:
    """Whether a value is ``readFileSync(...)`` (``fs.readFileSync``, ``node:fs``...)."""
    return isinstance(value, CallValue) and value.callee.split(".")[-1] in {
        "readFileSync",
        "readFile",
    }


def _asset_for(value: CallValue, scope: Scope) -> str | None:
    """The project asset a ``readFileSync`` call reads, matched by its path argument."""
    if not value.args:
        return None
    arg = value.args[0]
    raw: str | None = None
    if isinstance(arg, StringValue):
        raw = arg.value
    elif isinstance(arg, CallValue) and arg.callee.split(".")[-1] in {"join", "resolve"}:
        raw = "/".join(a.value for a in arg.args if isinstance(a, StringValue))
    elif isinstance(arg, TemplateValue):
        raw = "".join(a.value for a in arg.parts if isinstance(a, StringValue))
    if not raw:
        return None
    wanted = [p for p in PurePosixPath(raw.replace("\\", "/")).parts if p not in {".", ".."}]
    best: str | None = None
    for asset in scope.ctx.assets:
        parts = PurePosixPath(asset).parts
        matches = bool(wanted) and parts[-len(wanted) :] == tuple(wanted)
        if matches and (best is None or len(asset) < len(best)):
            best = asset
    return best


def file_read_expression(read: FileRead, scope: Scope) -> cst.BaseExpression | None:
    """The port's read of its copy of a prompt file: ``(Path.cwd() / ...)`` for a read relative
    to the working directory (the copy sits at the same place under the ported project's root),
    ``(Path(__file__).parent / ...)`` for one relative to the module (the copy is in the package).
    None when no copy was made (the text is then inlined)."""
    path_name = scope.builder.import_from("pathlib", "Path")
    copy = scope.ctx.working_dir_assets.get(read.asset) if read.base == "cwd" else None
    if copy is not None:
        node: cst.BaseExpression = cst.Call(
            func=cst.Attribute(value=cst.Name(path_name), attr=cst.Name("cwd"))
        )
    elif read.asset in scope.ctx.assets:
        copy = scope.ctx.assets[read.asset]
        node = _package_dir(scope, path_name)
    else:
        return None
    for part in PurePosixPath(copy).parts:
        node = cst.BinaryOperation(left=node, operator=cst.Divide(), right=string_literal(part))
    node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Call(
        func=cst.Attribute(value=node, attr=cst.Name("read_text")),
        args=[cst.Arg(string_literal(read.encoding), keyword=cst.Name("encoding"))],
    )


def _package_dir(scope: Scope, path_name: str) -> cst.BaseExpression:
    """``Path(__file__).parent`` (one ``.parent`` more per level below the package root)."""
    depth = len(scope.builder.path.parent.parts) - 1
    node: cst.BaseExpression = cst.Attribute(
        value=cst.Call(func=cst.Name(path_name), args=[cst.Arg(cst.Name("__file__"))]),
        attr=cst.Name("parent"),
    )
    for _ in range(depth):
        node = cst.Attribute(value=node, attr=cst.Name("parent"))
    return node


def read_file_expression(value: CallValue, scope: Scope, *, what: str) -> cst.BaseExpression:
    """``readFileSync('prompts/x.md', 'utf-8')`` -> ``(Path(__file__).parent / ...).read_text(...)``."""
    asset = _asset_for(value, scope)
    if asset is None:
        scope.todo(
            LM904,
            f"{what}: the file read by `{value.source}` is not among the project's prompt files",
            value.loc,
        )
        return cst.Name("None")
    copy = PurePosixPath(scope.ctx.assets[asset])
    module_dir = scope.builder.path.parent  # e.g. pkg/agents
    depth = len(module_dir.parts) - 1  # levels below the package root
    path_name = scope.builder.import_from("pathlib", "Path")
    node: cst.BaseExpression = cst.Attribute(
        value=cst.Call(func=cst.Name(path_name), args=[cst.Arg(cst.Name("__file__"))]),
        attr=cst.Name("parent"),
    )
    for _ in range(depth):
        node = cst.Attribute(value=node, attr=cst.Name("parent"))
    for part in copy.parts:
        node = cst.BinaryOperation(left=node, operator=cst.Divide(), right=string_literal(part))
    node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    encoding = "utf-8"
    if len(value.args) > 1 and isinstance(value.args[1], StringValue):
        encoding = value.args[1].value
    elif len(value.args) > 1 and isinstance(value.args[1], ObjectValue):
        enc = value.args[1].entries.get("encoding")
        if isinstance(enc, StringValue):
            encoding = enc.value
    return cst.Call(
        func=cst.Attribute(value=node, attr=cst.Name("read_text")),
        args=[cst.Arg(string_literal(encoding), keyword=cst.Name("encoding"))],
    )


def _dict(
    value: ObjectValue, scope: Scope, *, what: str, key_style: str = "keep"
) -> cst.BaseExpression:
    elements: list[cst.BaseDictElement] = []
    for key, item in value.entries.items():
        name = snake_case(key) if key_style == "snake" else key
        elements.append(
            cst.DictElement(string_literal(name), emit_value(item, scope, what=f"{what}.{key}"))
        )
    for spread in value.spreads:
        expr = emit_value(spread, scope, what=f"{what} (spread)")
        if not (isinstance(expr, cst.Name) and expr.value == "None"):
            elements.append(cst.StarredDictElement(expr))
    return cst.Dict(elements)


def emit_value(
    value: Value, scope: Scope, *, what: str, fstring: bool = False, key_style: str = "keep"
) -> cst.BaseExpression:
    """A Python expression for an IR value; what cannot be converted becomes ``None`` + a TODO.

    ``what`` names the position for messages ("description of agent weatherAgent").
    ``fstring``: the expression goes inside an f-string, so strings use single quotes.
    """
    if isinstance(value, StringValue) and value.read_from is not None and not fstring:
        read = file_read_expression(value.read_from, scope)
        if read is not None:
            where = (
                "the working directory (`Path.cwd()`): run the port from its project root"
                if value.read_from.base == "cwd"
                else "the module (`Path(__file__)`)"
            )
            scope.ctx.report(
                LM111,
                f"{what}: reads its copy of {value.read_from.asset} relative to {where}",
                value.loc,
                severity="info",
            )
            return read
    if isinstance(value, StringValue):
        if fstring:
            quoted = _single_quoted(value.value)
            if quoted is not None:
                return quoted
        return string_literal(value.value)
    if isinstance(value, NumberValue):
        return _number(value.value)
    if isinstance(value, BoolValue):
        return cst.Name("True" if value.value else "False")
    if isinstance(value, NullValue):
        return cst.Name("None")
    if isinstance(value, EnvValue):
        return env_read(value, scope, what=what, fstring=fstring)
    if isinstance(value, TemplateValue):
        return template_expression(value.parts, scope, what=what)
    if isinstance(value, ArrayValue):
        return cst.List(
            [
                cst.Element(emit_value(item, scope, what=f"{what}[{i}]", key_style=key_style))
                for i, item in enumerate(value.items)
            ]
        )
    if isinstance(value, ObjectValue):
        return _dict(value, scope, what=what, key_style=key_style)
    if isinstance(value, RefValue):
        symbol = scope.ctx.lookup(value.target, value.name)
        if symbol is None:
            scope.todo(
                LM902,
                f"{what}: `{value.name}` refers to something that was not converted"
                + (f" ({value.target})" if value.target else ""),
                value.loc,
            )
            return cst.Name("None")
        if symbol.module == scope.builder.module:
            return cst.Name(symbol.name)
        return cst.Name(scope.builder.import_from(symbol.module, symbol.name))
    if isinstance(value, CallValue) and is_read_file(value):
        return read_file_expression(value, scope, what=what)
    if isinstance(value, CallValue) and _js_conversion(value) is not None:
        return _conversion_call(value, scope, what=what)
    if isinstance(value, CallValue | FunctionValue | Opaque):
        reason = value.reason if isinstance(value, Opaque) else "not evaluated statically"
        scope.todo(LM901, f"{what}: could not convert ({reason})", value.loc, value.source)
        return cst.Name("None")
    raise TypeError(f"unknown IR value {type(value).__name__}")  # pragma: no cover
