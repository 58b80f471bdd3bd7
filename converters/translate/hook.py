"""The emitter's hook: write a translated execute function, or say why the TODO stays."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst

from converters.ir import SchemaNode, ToolNode
from converters.translate import LM372, NotTranslated, translate_execute

if TYPE_CHECKING:
    from converters.emit.context import Scope

__all__ = ["emit_translated_execute"]


def emit_translated_execute(
    scope: Scope,
    tool: ToolNode,
    *,
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression | None]],
    returns: cst.BaseExpression | None,
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
    module_source: str | None = None
    file = function.loc.file if function.loc else tool.file
    try:
        module_source = (Path(project.root) / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        module_source = None

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
    for module, imported in result.imports:
        if imported is None:
            scope.builder.import_module(module)
        else:
            scope.builder.import_from(module, imported)
    scope.add(
        cst.FunctionDef(
            name=cst.Name(name),
            params=cst.Parameters(
                params=[
                    cst.Param(cst.Name(p), annotation=cst.Annotation(a) if a is not None else None)
                    for p, a in params
                ]
            ),
            returns=cst.Annotation(returns) if returns is not None else None,
            body=cst.IndentedBlock(body=result.body),
            asynchronous=cst.Asynchronous(),
        ),
        [
            f"Translated from {file}:{function.loc.line if function.loc else tool.loc.line} by lumos-migrate [{LM372.id}]."
        ],
    )
    scope.ctx.report(
        LM372,
        f"the execute body of tool `{tool.binding}` was translated to Python",
        function.loc or tool.loc,
        severity="info",
    )
    return None
