"""The emitter's hook: write a translated execute function, or say why the TODO stays."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from converters import cstfast
from converters.ir import FunctionValue, Loc, SchemaNode, StringValue, ToolNode, WorkflowStepNode
from converters.translate import (
    LM372,
    NotTranslated,
    Translated,
    translate_execute,
    translate_step_execute,
)
from converters.translate import pyexpr as px

if TYPE_CHECKING:
    from converters.emit.context import Scope

# a function's return annotation, or what makes it once its body is translated (so that a body
# left as a TODO does not import what only the translated function would use)
Returns = cst.BaseExpression | Callable[[], cst.BaseExpression] | None

__all__ = [
    "emit_translated_execute",
    "emit_translated_step",
    "emit_translated_workflow_function",
]


def emit_translated_execute(
    scope: Scope,
    tool: ToolNode,
    *,
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression | None]],
    returns: Returns,
    typed_input: bool,
) -> str | None:
    """Add ``async def name(input, context)`` with the translated body; None when done, else why not.

    ``typed_input``: the input annotation is the pydantic model emitted from ``tool.input_schema``
    (attribute access); otherwise the input is a dict.
    """
    function = tool.execute
    if function is None:
        return "the tool has no execute function"
    project = scope.ctx.project
    file = function.loc.file if function.loc else tool.file
    module_source = _module_source(scope, file)

    def resolve(ref: str) -> SchemaNode:
        return project.schemas[ref]

    result = translate_execute(
        function,
        module_source=module_source,
        input_schema=tool.input_schema if typed_input else None,
        resolve=resolve,
        style=tool.execute_style,
        file=file,
    )
    if isinstance(result, NotTranslated):
        return result.message
    _add_function(scope, result, name, params, returns, file, function, tool.loc)
    scope.ctx.report(
        LM372,
        f"the execute body of tool `{tool.binding}` was translated to Python",
        function.loc or tool.loc,
        severity="info",
    )
    return None


def emit_translated_step(
    scope: Scope,
    step: WorkflowStepNode,
    *,
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression | None]],
    returns: Returns,
    generation: str,
    typed_input: bool,
) -> str | None:
    """Add ``async def name(ctx)`` with the translated step body; None when done, else why not.

    ``typed_input``: the step's ``input_data`` is the pydantic model emitted from its input schema
    (1.x steps, validated by the runtime); otherwise it is the previous output as it came.
    """
    if step.execute is None:
        return "the step has no execute function"
    return emit_translated_workflow_function(
        scope,
        step.execute,
        name=name,
        params=params,
        returns=returns,
        generation=generation,
        input_schema=step.input_schema if typed_input else None,
        file=step.file,
        what=f"the execute body of step `{step.binding}`",
        fallback=step.loc,
    )


def emit_translated_workflow_function(
    scope: Scope,
    function: FunctionValue,
    *,
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression | None]],
    returns: Returns,
    generation: str,
    input_schema: SchemaNode | None,
    file: str,
    what: str,
    fallback: Loc,
) -> str | None:
    """A function taking the step context (a step body, a ``.map`` function, a condition).

    Adds ``async def name(ctx)`` with the translated body and reports it (``what`` names it);
    returns None when done, else why it stays a TODO.
    """
    project = scope.ctx.project
    file = function.loc.file if function.loc else file

    def resolve(ref: str) -> SchemaNode:
        return project.schemas[ref]

    step_ids: dict[str, str] = {}
    # the steps of the same file win over same-named steps elsewhere
    for other in sorted(project.steps, key=lambda s: s.file == file):
        if isinstance(other.id, StringValue):
            step_ids[other.binding] = other.id.value
        elif other.id is None and other.from_ is None:
            step_ids[other.binding] = other.binding
    result = translate_step_execute(
        function,
        module_source=_module_source(scope, file),
        input_schema=input_schema,
        generation="legacy"
        if generation == "legacy"
        else ("vnext" if generation == "vnext" else "1.x"),
        step_ids=step_ids,
        resolve=resolve,
        ctx_name=params[0][0],
        file=file,
    )
    if isinstance(result, NotTranslated):
        return result.message
    _add_function(scope, result, name, params, returns, file, function, fallback)
    scope.ctx.report(
        LM372, f"{what} was translated to Python", function.loc or fallback, severity="info"
    )
    return None


_SOURCE_KEY = "translate.module_source"


def _module_source(scope: Scope, file: str) -> bytes | None:
    """The bytes of ``file`` (None when they are not UTF-8), read once for the tools and steps
    of one module in a row.

    The last file read is kept on the emit context (one entry: bounded, per conversion). Bytes,
    not text: the translator looks its shared parse up by them, and one bytes object hashes once.
    """
    last = scope.ctx.lazy.get(_SOURCE_KEY)
    if isinstance(last, tuple) and last[0] == file:
        return last[1]  # type: ignore[no-any-return]
    try:
        # os.path and open(): the same file as pathlib's ``root / file``, without its objects
        with open(os.path.join(scope.ctx.project.root, file), "rb") as stream:
            raw = stream.read()
        text = raw.decode("utf-8")  # a file that is not UTF-8 is left alone
        if b"\r" in raw:  # the newlines a text-mode read gives (universal newlines)
            raw = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
        data: bytes | None = raw
    except (OSError, UnicodeDecodeError):
        data = None
    scope.ctx.lazy[_SOURCE_KEY] = (file, data)
    return data


def _add_function(
    scope: Scope,
    result: Translated,
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression | None]],
    returns: Returns,
    file: str,
    function: FunctionValue,
    fallback: Loc,
) -> None:
    if callable(returns):  # made once the body is translated (its imports are wanted then only)
        returns = returns()
    for module, imported in result.imports:
        if imported is None:
            scope.builder.import_module(module)
        else:
            scope.builder.import_from(module, imported)
    comment = (
        f"Translated from {file}:{function.loc.line if function.loc else fallback.line}"
        f" by lumos-migrate [{LM372.id}]."
    )
    # the comment goes on the definition as it is built when no TODO comment waits before it
    # (the order Scope.add would give): no copy of the node to attach it afterwards
    waiting = bool(scope.pending)
    definition = _async_def(
        name,
        [_param(p, a) for p, a in params],
        _annotation(returns) if returns is not None else None,
        px.block(result.body),
        () if waiting else [cstfast.comment_line(comment)],
    )
    scope.add(definition, [comment] if waiting else None)


_new = object.__new__
_set = object.__setattr__


def _async_def(
    name: str,
    params: list[cst.Param],
    returns: cst.Annotation | None,
    body: cst.IndentedBlock,
    leading_lines: Sequence[cst.EmptyLine],
) -> cst.FunctionDef:
    """``async def name(params) -> returns:`` with ``body``, built without libcst's _validate:
    it checks the name's parentheses, the space after ``def``, the type parameters and the
    parameters' stars, defaults and order, and here there are none of them but the one space."""
    parameters = _new(cst.Parameters)
    _set(parameters, "params", params)
    _set(parameters, "star_arg", cst.MaybeSentinel.DEFAULT)
    _set(parameters, "kwonly_params", ())
    _set(parameters, "star_kwarg", None)
    _set(parameters, "posonly_params", ())
    _set(parameters, "posonly_ind", cst.MaybeSentinel.DEFAULT)
    node = _new(cst.FunctionDef)
    _set(node, "name", _def_name(name))
    _set(node, "params", parameters)
    _set(node, "body", body)
    _set(node, "decorators", ())
    _set(node, "returns", returns)
    _set(node, "asynchronous", px.ASYNC)
    _set(node, "leading_lines", leading_lines)
    _set(node, "lines_after_decorators", ())
    _set(node, "whitespace_after_def", px.SPACE)
    _set(node, "whitespace_after_name", px.NO_SPACE)
    _set(node, "whitespace_before_params", px.NO_SPACE)
    _set(node, "whitespace_before_colon", px.NO_SPACE)
    _set(node, "type_parameters", None)
    _set(node, "whitespace_after_type_parameters", px.NO_SPACE)
    return node


def _def_name(text: str) -> cst.Name:
    """``cst.Name(text)`` without libcst's _validate when ``text`` is an identifier (what it
    checks, with the parentheses, of which there are none)."""
    if not text.isidentifier():
        return cst.Name(text)  # raises as libcst does
    node = _new(cst.Name)
    _set(node, "value", text)
    _set(node, "lpar", ())
    _set(node, "rpar", ())
    return node


# the parameter names of translated functions (``input``, ``context``, ``ctx``), one node each
_PARAM_NAMES: dict[str, cst.Name] = {}


def _param_name(text: str) -> cst.Name:
    found = _PARAM_NAMES.get(text)
    if found is None:
        found = cst.Name(text)
        if len(_PARAM_NAMES) < 64:
            _PARAM_NAMES[text] = found
    return found


# nodes shared by the definitions whose annotation is a plain name (``context:
# ToolExecutionContext``, ``-> Any``): immutable, so one serves every function, as the names of
# ``pyexpr`` do; capped, so a project with many distinct annotations only stops sharing
_PARAMS: dict[tuple[str, str], cst.Param] = {}
_ANNOTATIONS: dict[str, cst.Annotation] = {}
_MAX_SHARED = 256


def _plain_name(expr: cst.BaseExpression) -> str | None:
    """The text of ``expr`` when it is a name without parentheses (any such node is alike)."""
    if type(expr) is cst.Name and not expr.lpar and not expr.rpar:
        return expr.value
    return None


def _param(text: str, annotation: cst.BaseExpression | None) -> cst.Param:
    key = _plain_name(annotation) if annotation is not None else None
    found = _PARAMS.get((text, key)) if key is not None else None
    if found is None:
        # no default, `=` or star: nothing for libcst's _validate to check
        found = _new(cst.Param)
        _set(found, "name", _param_name(text))
        _set(found, "annotation", _annotation(annotation) if annotation is not None else None)
        _set(found, "equal", cst.MaybeSentinel.DEFAULT)
        _set(found, "default", None)
        _set(found, "comma", cst.MaybeSentinel.DEFAULT)
        _set(found, "star", cst.MaybeSentinel.DEFAULT)
        _set(found, "whitespace_after_star", px.NO_SPACE)
        _set(found, "whitespace_after_param", px.NO_SPACE)
        if key is not None and len(_PARAMS) < _MAX_SHARED:
            _PARAMS[text, key] = found
    return found


def _annotation(expr: cst.BaseExpression) -> cst.Annotation:
    key = _plain_name(expr)
    found = _ANNOTATIONS.get(key) if key is not None else None
    if found is None:
        found = _new(cst.Annotation)  # libcst checks nothing on an annotation
        _set(found, "annotation", expr)
        _set(found, "whitespace_before_indicator", cst.MaybeSentinel.DEFAULT)
        _set(found, "whitespace_after_indicator", px.SPACE)
        if key is not None and len(_ANNOTATIONS) < _MAX_SHARED:
            _ANNOTATIONS[key] = found
    return found
