"""Dynamic agent arguments (``instructions: ({ requestContext }) => ...``, ``model: ...``) through
the body translator: a Python function of the request context, or the reason it stays a TODO."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from converters.emit.context import Scope
from converters.evaluate import Evaluator
from converters.ir import BoolValue, FunctionValue, Loc, NumberValue, StringValue
from converters.project import ModuleGraph, discover_files
from converters.rules import define
from converters.translate import NotTranslated, translate_dynamic
from converters.translate import pyexpr as px
from converters.translate.types import BOOL, FLOAT, INT, STR, Ty

__all__ = ["LM262", "emit_dynamic_function"]

LM262 = define(
    "LM262",
    "A dynamic agent argument (instructions or model function) was translated to Python",
    "Read the translated function once: it takes the RequestContext as `request_context` and "
    "follows JavaScript's semantics (None-checks for ?. and ??, JavaScript truthiness).",
)


def emit_dynamic_function(
    scope: Scope,
    function: FunctionValue,
    *,
    name: str,
    returns: cst.BaseExpression | None,
    what: str,
    loc: Loc | None = None,
) -> str | None:
    """Add ``def name(request_context, ...)`` translated from ``function``; None when done, else
    why it was not translated (the construct and its location). ``loc``: where the function is
    written, when the function value does not say."""
    if function.loc is None and loc is not None:
        function = function.model_copy(update={"loc": loc})
    project = scope.ctx.project
    file = function.loc.file if function.loc else None
    source: str | None = None
    if file is not None:
        try:
            source = (Path(project.root) / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            source = None

    def imported(ts_name: str) -> tuple[cst.BaseExpression, Ty] | None:
        if file is None:
            return None
        value = _evaluator(scope).value_of_name(file, ts_name)
        if isinstance(value, StringValue):
            return px.string(value.value), STR
        if isinstance(value, BoolValue):
            return cst.Name("True" if value.value else "False"), BOOL
        if isinstance(value, NumberValue):
            return px.number(value.value), INT if isinstance(value.value, int) else FLOAT
        return None

    result = translate_dynamic(function, module_source=source, file=file, imported=imported)
    if isinstance(result, NotTranslated):
        return result.message
    for module, imported_name in result.imports:
        if imported_name is None:
            scope.builder.import_module(module)
        else:
            scope.builder.import_from(module, imported_name)
    classes = {"request_context": "RequestContext", "mastra": "Mastra"}
    # only the parameters the function takes: an import nothing uses would be dead code
    annotations = {
        p: cst.Name(scope.builder.import_from("lumos_compat", classes[p])) for p in result.params
    }
    line = function.loc.line if function.loc else 1
    scope.add(
        cst.FunctionDef(
            name=cst.Name(name),
            params=cst.Parameters(
                params=[
                    cst.Param(cst.Name(p), annotation=cst.Annotation(annotations[p]))
                    for p in result.params
                ]
            ),
            returns=cst.Annotation(returns) if returns is not None else None,
            body=cst.IndentedBlock(body=result.body),
            asynchronous=cst.Asynchronous() if result.is_async else None,
        ),
        [f"Translated from {file}:{line} by lumos-migrate [{LM262.id}]."],
    )
    scope.ctx.report(LM262, f"{what} was translated to Python", function.loc, severity="info")
    return None


def _evaluator(scope: Scope) -> Evaluator:
    """One static evaluator over the source project, made on first use by this emit."""
    cache = scope.ctx.lazy
    found = cache.get("evaluator")
    if not isinstance(found, Evaluator):
        root = Path(scope.ctx.project.root)
        found = Evaluator(ModuleGraph(root, discover_files(root)))
        cache["evaluator"] = found
    return found
