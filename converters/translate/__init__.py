"""Translate TypeScript tool and step bodies to Python (all or nothing per function).

``translate_execute`` takes an execute function from the IR and the source of its module and
returns either ``Translated`` (the Python statements of the body and the imports they need) or
``NotTranslated`` (the construct that stopped it and where). The emitter then writes the body, or
keeps its TODO and reports the reason under rule LM371. The subset is documented in
``docs/migration/translation.md``.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import libcst as cst

from converters import cstfast
from converters.ir import FunctionValue, Loc, SchemaNode
from converters.rules import define
from converters.translate import pyexpr as px
from converters.translate.steps import StepEnv
from converters.translate.translator import FunctionTranslator, Unsupported
from converters.translate.types import (
    ANY,
    CONTEXT,
    JSON,
    REQUEST_CONTEXT,
    STEP_CONTEXT,
    Resolver,
    Ty,
    dict_of,
    schema_type,
)
from converters.ts import Language, Node, Syntax, language_for_path, parse, parse_shared

__all__ = [
    "LM371",
    "LM372",
    "NotTranslated",
    "Translated",
    "TranslatedDynamic",
    "Unsupported",
    "translate_dynamic",
    "translate_execute",
    "translate_step_execute",
]

LM371 = define(
    "LM371",
    "A tool or step body was not translated",
    "The body uses a construct outside the translated subset (named in the message, with its "
    "line); translate it by hand from the TypeScript kept in the TODO comment, or rewrite that "
    "construct in the TypeScript and convert again.",
)
LM372 = define(
    "LM372",
    "A tool or step body was translated to Python",
    "Read the translated body once: it follows JavaScript's semantics (None-checks for ?. and "
    "??, JavaScript truthiness) and calls httpx for fetch. Run the tool's tests.",
)

Imported = Callable[[str], "tuple[cst.BaseExpression, Ty] | None"]

_FUNCTION_TYPES = ("arrow_function", "function_expression", "function", "method_definition")

# the modules translated code uses, as (module, imported name or None for `import module`)
_IMPORTS: dict[str, tuple[str, str | None]] = {"jsrt": ("lumos_compat", "jsrt")}


@dataclass(frozen=True)
class Translated:
    """A translated body: statements for the Python function and the imports they need."""

    body: list[cst.BaseStatement]
    imports: list[tuple[str, str | None]] = field(default_factory=list)

    def code(self) -> str:
        """The body as Python source (for messages and tests)."""
        return cst.Module(body=self.body).code


@dataclass(frozen=True)
class TranslatedDynamic(Translated):
    """A translated dynamic argument (``({ requestContext, mastra }) => ...``): the body, and the
    Python parameters it needs, in order (``request_context``, ``mastra``)."""

    params: list[str] = field(default_factory=list)
    is_async: bool = False


@dataclass(frozen=True)
class NotTranslated:
    """Why a body stays a TODO: the construct outside the subset, and where it is."""

    construct: str
    loc: Loc

    @property
    def message(self) -> str:
        """One line for the report."""
        return f"{self.construct} at {self.loc.file}:{self.loc.line}:{self.loc.column}"


# the module read last, as (source object, grammar, its parse, the parse's root node): the tools
# of one file come in a row with the same source object (one entry, so bounded)
_LAST_MODULE: list[Any] = [None, None, None, None]


def _parse_module(source: str | bytes, language: Language) -> Syntax:
    """One parse per module: every function of a file is translated from the same tree (the one
    the scan made, when it is still kept)."""
    last = _LAST_MODULE
    if last[0] is source and last[1] == language:
        return last[2]  # type: ignore[no-any-return]
    syntax = parse_shared(source, language)
    last[:] = [source, language, syntax, syntax.root]
    return syntax


def _root(syntax: Syntax) -> Node:
    """``syntax.root``, kept for the module read last (each call of it makes a new node)."""
    last = _LAST_MODULE
    if last[2] is syntax:
        return last[3]  # type: ignore[no-any-return]
    return syntax.root


def _has_errors(syntax: Syntax) -> bool:
    """``syntax.has_errors``, read from the kept root of the module read last."""
    return _root(syntax).has_error


_FUNCTIONS: weakref.WeakKeyDictionary[Syntax, list[Node]] = weakref.WeakKeyDictionary()


def _functions(syntax: Syntax) -> list[Node]:
    """Every function node of a file, in source order (found once per parsed file)."""
    found = _FUNCTIONS.get(syntax)
    if found is None:
        found = [node for node in syntax.walk() if node.type in _FUNCTION_TYPES]
        _FUNCTIONS[syntax] = found
    return found


def _find_function(syntax: Syntax, line: int, column: int, text: str) -> Node | None:
    point = (line - 1, column - 1)
    found: Node | None = None
    node: Node | None = _root(syntax).descendant_for_point_range(point, point)
    while node is not None and node.start_point == point:  # up to the outermost function there
        if node.type in _FUNCTION_TYPES:
            found = node
        node = node.parent
    if found is not None:
        return found
    functions = _functions(syntax)
    for node in functions:
        if node.start_point == (line - 1, column - 1):
            return node
    for node in functions:  # columns counted differently: fall back to the text
        if syntax.text(node) == text:
            return node
    return None


@functools.lru_cache(maxsize=1024)
def _language(path: str) -> Language:
    """The grammar of a file (by its suffix; TypeScript when unknown), asked once per path."""
    return language_for_path(path) or "ts"


def _locate(
    function: FunctionValue, module_source: str | bytes | None, file: str | None
) -> tuple[Syntax, Node | None, int, str]:
    """The parsed module and the function's node in it (or the function parsed on its own), the
    line offset of that parse, and the path reported (``_where`` makes its Loc, when needed)."""
    path = file or (function.loc.file if function.loc else "<execute>")
    language = _language(path)
    line = function.loc.line if function.loc else 1
    column = function.loc.column if function.loc else 1
    node: Node | None = None
    syntax: Syntax | None = None
    offset = 0
    if module_source is not None:
        syntax = _parse_module(module_source, language)
        node = _find_function(syntax, line, column, function.source)
    if node is None:
        syntax = parse(f"const execute = {function.source};\n", language)
        node = _find_function(syntax, 1, 17, function.source)
        offset = line - 1
    assert syntax is not None
    return syntax, node, offset, path


def translate_step_execute(
    function: FunctionValue,
    *,
    module_source: str | bytes | None,
    input_schema: SchemaNode | None,
    generation: Literal["1.x", "vnext", "legacy"],
    step_ids: dict[str, str] | None = None,
    resolve: Resolver | None = None,
    ctx_name: str = "ctx",
    file: str | None = None,
) -> Translated | NotTranslated:
    """Translate a workflow step's execute function to the body of ``async def f(ctx)``.

    ``ctx`` is the ``lumos_compat.StepContext``. ``input_schema`` types ``inputData`` as the
    pydantic model emitted from it (the runtime validates 1.x step input into a model); None
    means the input is the previous output as it came (0.x steps, whose input is not validated). ``step_ids`` maps
    the project's step bindings to their ids, for ``getStepResult(step)``.
    """
    syntax, node, offset, path = _locate(function, module_source, file)
    if node is None or (_has_errors(syntax) and _error_inside(syntax, node)):
        return NotTranslated("source with syntax errors", _where(function, path))
    # unvalidated input (0.x workflows run without input validation, as they did) is whatever
    # the previous step returned: JSON
    input_ty: Ty = JSON
    if input_schema is not None and generation == "1.x":
        input_ty = schema_type(input_schema, resolve)
        if input_ty.kind == "model":
            input_ty = input_ty.with_nullable(False)
        elif input_ty.kind == "opaque":  # a transform whose output type is not known
            return NotTranslated(
                f"a step input schema of unknown type ({input_schema.type})",
                input_schema.loc or _where(function, path),
            )
        # else an array, a string...: the runtime validates it through a RootModel and hands
        # the step the plain value
    env = StepEnv(generation=generation, input_ty=input_ty, ctx=ctx_name, step_ids=step_ids or {})
    translator = FunctionTranslator(syntax, line_offset=offset, resolve=resolve, step=env)
    try:
        body = _translate_step(translator, node, ctx_name)
    except Unsupported as exc:
        return NotTranslated(exc.construct, Loc(file=path, line=exc.line, column=exc.column))
    except RecursionError:
        return NotTranslated("an expression nested too deeply", _where(function, path))
    return Translated(body=body, imports=_imports(translator))


def _imports(translator: FunctionTranslator) -> list[tuple[str, str | None]]:
    imports = sorted(_IMPORTS.get(m, (m, None)) for m in translator.imports)
    if translator.uses_http:
        imports = sorted({*imports, ("httpx", None)})
    return imports


def _translate_step(t: FunctionTranslator, node: Node, ctx_name: str) -> list[cst.BaseStatement]:
    t.push_func(is_async=True)
    t.func.names |= {ctx_name}
    t._root_names |= {ctx_name, "http"}
    params = t.parameter_patterns(node, "the execute parameter")
    if len(params) > 1:
        raise t.fail("a step execute function with more than one parameter", node)
    prologue: list[cst.BaseStatement] = []
    if params:
        param = params[0]
        if param.type == "identifier":
            t.declare(t.text(param), STEP_CONTEXT, ctx_name)
        elif param.type == "object_pattern":
            prologue = t.destructure(param, (cst.Name(ctx_name), STEP_CONTEXT))
        else:
            raise t.fail(f"the execute parameter {t.short(param)}", param)
    return _finish_body(t, node, prologue)


def translate_execute(
    function: FunctionValue,
    *,
    module_source: str | bytes | None,
    input_schema: SchemaNode | None,
    resolve: Resolver | None = None,
    style: Literal["0.x", "1.x", "unknown"] = "1.x",
    input_name: str = "input",
    context_name: str = "context",
    file: str | None = None,
) -> Translated | NotTranslated:
    """Translate a tool's execute function to the body of ``async def f(input, context)``.

    ``module_source`` is the text of the file the function is in (module-level helpers it calls
    are translated with it); without it only the function's own source is read. ``input_schema``
    types the input (a pydantic model built from it); None means the input is a plain dict.
    """
    syntax, node, offset, path = _locate(function, module_source, file)
    if node is None or (_has_errors(syntax) and _error_inside(syntax, node)):
        return NotTranslated("source with syntax errors", _where(function, path))
    translator = FunctionTranslator(syntax, line_offset=offset, resolve=resolve)
    input_ty: Ty = (
        schema_type(input_schema, resolve).with_nullable(False)
        if input_schema is not None
        else dict_of(JSON)
    )
    try:
        body = _translate(translator, node, style, input_ty, input_name, context_name)
    except Unsupported as exc:
        return NotTranslated(exc.construct, Loc(file=path, line=exc.line, column=exc.column))
    except RecursionError:
        return NotTranslated("an expression nested too deeply", _where(function, path))
    return Translated(body=body, imports=_imports(translator))


# what a Mastra dynamic argument receives, by its TypeScript name: the Python parameter and type
_DYNAMIC_ARGS: dict[str, tuple[str, Ty]] = {
    "requestContext": ("request_context", REQUEST_CONTEXT),
    "runtimeContext": ("request_context", REQUEST_CONTEXT),
    "mastra": ("mastra", ANY),
}


def translate_dynamic(
    function: FunctionValue,
    *,
    module_source: str | bytes | None,
    file: str | None = None,
    imported: Imported | None = None,
) -> TranslatedDynamic | NotTranslated:
    """Translate a dynamic agent argument (instructions, model, ...) taking ``{ requestContext }``.

    The Python function takes ``request_context`` (and ``mastra`` when the TypeScript reads it),
    the names ``lumos_compat.Agent`` passes them by. ``imported`` gives the literal value of a
    constant imported from another project file (None when it is not one).
    """
    syntax, node, offset, path = _locate(function, module_source, file)
    if node is None or (_has_errors(syntax) and _error_inside(syntax, node)):
        return NotTranslated("source with syntax errors", _where(function, path))
    translator = FunctionTranslator(syntax, line_offset=offset, imported=imported)
    try:
        translator.push_func(is_async=function.is_async)
        translator._root_names |= {"request_context", "mastra"}
        params = _bind_dynamic(translator, node)
        body_node = node.child_by_field_name("body")
        if body_node is None:
            raise translator.fail("a function without a body", node)
        if body_node.type == "statement_block":
            stmts = translator.statements(body_node.named_children)
        else:
            value, _ = translator.expr(body_node)
            stmts = [px.line(px.return_(value))]
        if translator.uses_http:
            raise translator.fail("`fetch` in a dynamic agent argument", node)
    except Unsupported as exc:
        return NotTranslated(exc.construct, Loc(file=path, line=exc.line, column=exc.column))
    except RecursionError:
        return NotTranslated("an expression nested too deeply", _where(function, path))
    body = [s.visit(_Parenthesize()) for s in [*translator.helpers, *stmts]]  # type: ignore[misc]
    imports = sorted(_IMPORTS.get(m, (m, None)) for m in translator.imports)
    return TranslatedDynamic(body=body, imports=imports, params=params, is_async=function.is_async)


def _bind_dynamic(t: FunctionTranslator, node: Node) -> list[str]:
    """Bind ``({ requestContext, mastra })`` (or no parameter) to the Python parameters."""
    params = t.parameter_patterns(node)
    if not params:
        return []
    if len(params) > 1 or params[0].type != "object_pattern":
        raise t.fail(
            f"the parameter {t.short(params[0])} (only `{{ requestContext, mastra }}` is read)",
            params[0],
        )
    used: list[str] = []
    for item in params[0].named_children:
        if item.type == "comment":
            continue
        if item.type == "shorthand_property_identifier_pattern":
            key, local = t.text(item), t.text(item)
        elif item.type == "pair_pattern":
            key_node = item.child_by_field_name("key")
            value = item.child_by_field_name("value")
            if key_node is None or value is None or value.type != "identifier":
                raise t.fail(f"the parameter element {t.short(item)}", item)
            key, local = t.text(key_node), t.text(value)
        else:
            raise t.fail(f"the parameter element {t.short(item)}", item)
        if key not in _DYNAMIC_ARGS:
            raise t.fail(f"the argument `{key}` of a dynamic agent option", item)
        py, ty = _DYNAMIC_ARGS[key]
        t.declare(local, ty, py)
        if py not in used:
            used.append(py)
    return sorted(used, key=["request_context", "mastra"].index)


def _where(function: FunctionValue, path: str) -> Loc:
    line = function.loc.line if function.loc else 1
    column = function.loc.column if function.loc else 1
    return Loc(file=path, line=line, column=column)


def _error_inside(syntax: Syntax, node: Node) -> bool:
    return any(n.is_error or n.is_missing for n in syntax.walk(node))


def _translate(
    t: FunctionTranslator,
    node: Node,
    style: str,
    input_ty: Ty,
    input_name: str,
    context_name: str,
) -> list[cst.BaseStatement]:
    t.push_func(is_async=True)
    t.func.names |= {input_name, context_name}
    t._root_names |= {input_name, context_name, "http"}
    prologue = _bind_parameters(t, node, style, input_ty, input_name, context_name)
    return _finish_body(t, node, prologue)


# `httpx.AsyncClient(follow_redirects=True) as http`: the same (immutable) nodes in every body
_HTTP_CLIENT = (
    cst.WithItem(
        px.call("httpx.AsyncClient", follow_redirects=cst.Name("True")),
        asname=cst.AsName(
            cst.Name("http"), whitespace_before_as=px.SPACE, whitespace_after_as=px.SPACE
        ),
    ),
)


_new = object.__new__
_set = object.__setattr__


def _finish_body(
    t: FunctionTranslator, node: Node, prologue: list[cst.BaseStatement]
) -> list[cst.BaseStatement]:
    body_node = node.child_by_field_name("body")
    if body_node is None:
        raise t.fail("a function without a body", node)
    if body_node.type == "statement_block":
        stmts = t.statements(body_node.named_children)
    else:
        value, _ = t.expr(body_node)
        stmts = [px.line(px.return_(value))]
    body = _drop_unused(prologue + stmts, t.comprehensions)  # parenthesized as well
    if t.helpers:
        helpers = t.helpers
        body = [*(map(_parenthesize, helpers) if t.comprehensions else helpers), *body]
    if t.uses_http:
        # one item, no comma, a space after `with`: what libcst's _validate checks, so skipped
        http = _new(cst.With)
        _set(http, "items", _HTTP_CLIENT)
        _set(http, "body", px.block(body))
        _set(http, "asynchronous", px.ASYNC)
        _set(http, "leading_lines", ())
        _set(http, "lpar", cst.MaybeSentinel.DEFAULT)
        _set(http, "rpar", cst.MaybeSentinel.DEFAULT)
        _set(http, "whitespace_after_with", px.SPACE)
        _set(http, "whitespace_before_colon", px.NO_SPACE)
        body = [http]
    for stmt in body:
        # the exact classes first: isinstance() on libcst's abstract classes is slow
        if type(stmt) in _STATEMENT_TYPES or isinstance(
            stmt, cst.SimpleStatementLine | cst.BaseCompoundStatement
        ):
            return body
    return [px.line(px.return_(cst.Name("None")))]


# statement classes the translator builds, each a SimpleStatementLine or a BaseCompoundStatement
_STATEMENT_TYPES = frozenset(
    {cst.SimpleStatementLine, cst.With, cst.If, cst.For, cst.While, cst.Try, cst.FunctionDef}
)


def _bind_parameters(
    t: FunctionTranslator,
    node: Node,
    style: str,
    input_ty: Ty,
    input_name: str,
    context_name: str,
) -> list[cst.BaseStatement]:
    """Bind the TypeScript parameters to ``input`` and ``context``."""
    params = t.parameter_patterns(node, "the execute parameter")
    if len(params) > 2:
        raise t.fail("an execute function with more than two parameters", node)
    input_expr = (px.name(input_name), input_ty)
    context_expr = (px.name(context_name), CONTEXT)
    out: list[cst.BaseStatement] = []
    if style == "0.x":
        if params and params[0].type == "object_pattern":
            out += _destructure_0x(t, params[0], input_name, input_ty, context_name)
        elif params:
            raise t.fail(
                "a 0.x execute whose argument is not destructured ({ context })", params[0]
            )
        return out
    for param, (expr, ty), py in zip(
        params, (input_expr, context_expr), (input_name, context_name), strict=False
    ):
        if param.type == "identifier":
            t.declare(t.text(param), ty, py)
        elif param.type == "object_pattern":
            out += t.destructure(param, (expr, ty))
        else:
            raise t.fail(f"the execute parameter {t.short(param)}", param)
    return out


def _destructure_0x(
    t: FunctionTranslator, pattern: Node, input_name: str, input_ty: Ty, context_name: str
) -> list[cst.BaseStatement]:
    # 0.x: ({ context, runtimeContext, threadId, ... }): `context` is the input
    out: list[cst.BaseStatement] = []
    for item in pattern.named_children:
        if item.type == "comment":
            continue
        if item.type == "shorthand_property_identifier_pattern":
            key = t.text(item)
            if key == "context":
                t.declare("context", input_ty, input_name)
                continue
            out += t.destructure(_single(pattern, item), (cst.Name(context_name), CONTEXT))
        elif item.type == "pair_pattern":
            key_node = item.child_by_field_name("key")
            value = item.child_by_field_name("value")
            assert key_node is not None and value is not None
            if t.text(key_node) == "context":
                if value.type == "identifier":
                    t.declare(t.text(value), input_ty, input_name)
                else:
                    out += t.destructure(value, (cst.Name(input_name), input_ty))
                continue
            out += t.destructure(_single(pattern, item), (cst.Name(context_name), CONTEXT))
        else:
            raise t.fail(f"the execute parameter element {t.short(item)}", item)
    return out


class _OneItemPattern:
    """An object pattern reduced to one of its items (duck-typed like a tree-sitter node)."""

    type = "object_pattern"

    def __init__(self, item: Node) -> None:
        self.named_children: Sequence[Node] = [item]


def _single(pattern: Node, item: Node) -> Node:
    return _OneItemPattern(item)  # type: ignore[return-value]


# fields that hold only whitespace and punctuation (no name is ever below them), besides the
# `whitespace_*` ones
_NO_NAMES = frozenset(
    {
        "lpar", "rpar", "comma", "colon", "first_colon", "second_colon", "semicolon", "dot",
        "relative", "equal", "operator", "asynchronous", "lbrace", "rbrace", "lbracket",
        "rbracket", "leading_lines", "lines_after_decorators", "empty_lines", "header",
        "footer", "trailing_whitespace", "newline", "first_line", "last_line",
        "leading_whitespace", "comment", "trailing_comma", "separator", "posonly_ind",
    }
)  # fmt: skip
# per libcst node class: the fields a name may be below (bounded: one entry a class)
_NAME_FIELDS: dict[type, tuple[str, ...]] = {}
# per class of a field's value: whether it is a libcst node a name may be in or below (bounded:
# one entry a class)
_IS_NODE: dict[type, bool] = {str: False, type(None): False}


def _name_fields(cls: type) -> tuple[str, ...]:
    found = _NAME_FIELDS.get(cls)
    if found is None:
        found = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in _NO_NAMES
            and not f.name.startswith("whitespace")
            and _may_hold_node(f.type)
        )
        _NAME_FIELDS[cls] = found
    return found


def _may_hold_node(annotation: object) -> bool:
    """Whether a field annotated ``annotation`` may hold a libcst node: all but text and flags
    (``str``, ``bool``, a ``Literal``, or an optional one of them)."""
    if annotation in (str, bool, type(None)):
        return False
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is typing.Union:
        return any(_may_hold_node(arg) for arg in typing.get_args(annotation))
    return True  # a node, a sequence, a forward reference: look


# node classes with no field a name may be below, pushed by the field-by-field cases above
_NAMELESS_LEAVES = frozenset({cst.SimpleString, cst.Integer, cst.Float, cst.FormattedStringText})


def _name_counts(stmt: cst.CSTNode, counts: dict[str, int], step: int = 1) -> bool:
    """Add ``step`` to the count of every name in ``stmt``; whether it has a comprehension.

    Reads the nodes' fields directly and skips whitespace and punctuation, where no name is.
    """
    comprehension = False
    stack: list[Any] = [stmt]
    pop, push, extend = stack.pop, stack.append, stack.extend
    fields_of, is_node, get = _NAME_FIELDS.get, _IS_NODE.get, counts.get
    name_type, attribute_type, arg_type = cst.Name, cst.Attribute, cst.Arg
    comp_for, comp_if = cst.CompFor, cst.CompIf
    call_type, dict_element_type, line_type = cst.Call, cst.DictElement, cst.SimpleStatementLine
    assign_type, target_type, await_type = cst.Assign, cst.AssignTarget, cst.Await
    return_type, leaves = cst.Return, _NAMELESS_LEAVES
    dict_type, fstring_type = cst.Dict, cst.FormattedString
    formatted_type = cst.FormattedStringExpression
    while stack:
        node = pop()
        kind = type(node)
        while kind is attribute_type:
            # `context.abort_signal`: the attribute's Name is not a use of a local of that name
            node = node.value
            kind = type(node)
        if kind is name_type:
            counts[node.value] = get(node.value, 0) + step
            continue  # nothing but parentheses below a name
        # the most frequent classes read field by field (the fields _name_fields gives them)
        if kind is call_type:
            push(node.func)
            extend(node.args)
            continue
        if kind is arg_type:
            # `f(timeout=...)`: the keyword is not a use of a local of that name
            push(node.value)
            continue
        if kind is dict_element_type:
            push(node.key)
            push(node.value)
            continue
        if kind in leaves:
            continue
        if kind is line_type:
            extend(node.body)
            continue
        if kind is dict_type:
            extend(node.elements)
            continue
        if kind is fstring_type:
            extend(node.parts)
            continue
        if kind is formatted_type:
            push(node.expression)
            if node.format_spec is not None:
                extend(node.format_spec)
            continue
        if kind is assign_type:
            extend(node.targets)
            push(node.value)
            continue
        if kind is target_type:
            push(node.target)
            continue
        if kind is await_type:
            push(node.expression)
            continue
        if kind is return_type:
            if node.value is not None:
                push(node.value)
            continue
        if kind is comp_for or kind is comp_if:
            comprehension = True
        for field_name in fields_of(kind) or _name_fields(kind):
            value = getattr(node, field_name)
            cls = type(value)
            if cls is name_type:  # counted here rather than pushed and popped
                counts[value.value] = get(value.value, 0) + step
            elif cls is tuple or cls is list:
                extend(value)  # libcst sequences hold nodes only
            else:
                known = is_node(cls)
                if known is None:
                    # a node with no field a name may be below (a string, an operator) is a
                    # leaf here: never pushed
                    known = _IS_NODE[cls] = issubclass(cls, cst.CSTNode) and (
                        cls is name_type or bool(_name_fields(cls))
                    )
                if known:
                    push(value)
    return comprehension


def _drop_unused(
    body: list[cst.BaseStatement], comprehensions: bool = True
) -> list[cst.BaseStatement]:
    """Remove top-level assignments of plain reads whose name is never used (destructuring);
    statements with a comprehension come back through ``_Parenthesize`` (``comprehensions``:
    whether the body may hold one at all)."""
    # the statements that may go (`name = a.b[0]`), by id, with the name they assign
    candidates: dict[int, str] = {}
    for stmt in body:
        target = _plain_read_target(stmt)
        if target is not None:
            candidates[id(stmt)] = target
    if not candidates:  # no name to count: only the comprehensions are left to look at
        return [_parenthesize(stmt) for stmt in body] if comprehensions else body
    names: dict[str, int] = {}
    plain: set[int] = set()
    for stmt in body:
        target = candidates.get(id(stmt))
        if target is not None:  # `name = <plain read>`: its names without the general walk
            names[target] = names.get(target, 0) + 1
            _read_name_counts(stmt.body[0].value, names)  # type: ignore[attr-defined]
            plain.add(id(stmt))
        elif not _name_counts(stmt, names) and comprehensions:
            plain.add(id(stmt))
    while candidates:
        dropped: list[cst.BaseStatement] = []
        kept: list[cst.BaseStatement] = []
        for stmt in body:
            target = candidates.get(id(stmt))
            if target is not None and names.get(target, 0) == 1:
                dropped.append(stmt)
            else:
                kept.append(stmt)
        if not dropped:
            break
        body = kept
        for stmt in dropped:  # the counts of what is left, as if counted again
            del candidates[id(stmt)]
            _name_counts(stmt, names, -1)
    if not comprehensions:
        return body
    return [stmt if id(stmt) in plain else _parenthesize(stmt) for stmt in body]


def _read_name_counts(expr: cst.BaseExpression, counts: dict[str, int]) -> None:
    """What ``_name_counts`` adds for a plain read (``_pure``): its names, but an attribute's."""
    kind = type(expr)
    if kind is cst.Name:
        counts[expr.value] = counts.get(expr.value, 0) + 1  # type: ignore[attr-defined]
    elif kind is cst.Attribute:
        _read_name_counts(expr.value, counts)  # type: ignore[attr-defined]
    elif kind is cst.Subscript:
        _read_name_counts(expr.value, counts)  # type: ignore[attr-defined]
        for element in expr.slice:  # type: ignore[attr-defined]
            _read_name_counts(element.slice.value, counts)


def _plain_read_target(stmt: cst.BaseStatement) -> str | None:
    """The name ``stmt`` assigns when it is ``name = <plain read>`` alone on its line."""
    if type(stmt) is not cst.SimpleStatementLine or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if type(assign) is not cst.Assign or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if type(target) is not cst.Name or not _pure(assign.value):
        return None
    return target.value


def _parenthesize(stmt: cst.BaseStatement) -> cst.BaseStatement:
    if not cstfast.contains(stmt, (cst.CompIf, cst.CompFor)):
        return stmt  # nothing to wrap: skip rebuilding the tree
    return stmt.visit(_Parenthesize())  # type: ignore[return-value]


class _Parenthesize(cst.CSTTransformer):
    """Comprehension conditions and iterables take no bare conditional expression or lambda."""

    def leave_CompIf(self, original_node: cst.CompIf, updated_node: cst.CompIf) -> cst.CompIf:
        return updated_node.with_changes(test=px.wrap(updated_node.test, px.P_OR))

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        return updated_node.with_changes(iter=px.wrap(updated_node.iter, px.P_OR))


_LITERAL_READS = (cst.Name, cst.SimpleString, cst.Integer, cst.Float)


def _pure(expr: cst.BaseExpression) -> bool:
    # exact classes: libcst's node classes have no subclasses, and isinstance() on its ABCs is slow
    kind = type(expr)
    if kind in _LITERAL_READS:
        return True
    if kind is cst.Attribute:
        return _pure(expr.value)  # type: ignore[attr-defined]
    if kind is cst.Subscript:
        return _pure(expr.value) and all(  # type: ignore[attr-defined]
            type(e.slice) is cst.Index and _pure(e.slice.value)
            for e in expr.slice  # type: ignore[attr-defined]
        )
    return False
