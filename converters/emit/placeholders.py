"""MCP clients whose config cannot be read: a placeholder that fails loudly when used.

Each becomes a function named after its binding that raises ``NotImplementedError`` when called,
preceded by a ``TODO(lumos-migrate)`` comment with the rule id and the original TypeScript, and
one report entry. Nothing is silently dropped.
"""

from __future__ import annotations

import libcst as cst

from converters.emit.context import Scope
from converters.emit.functions import todo_function
from converters.ir import Loc, McpClientNode
from converters.report import ConvertedItem
from converters.rules import Rule, define

__all__ = ["LM751", "mcp_placeholder"]

LM751 = define(
    "LM751",
    "An MCP client is not converted yet",
    "The client's config could not be read (no object literal, see LM703), so the placeholder "
    "raises NotImplementedError; write lumos_compat.mcp.MCPClient(servers=...) by hand.",
)


def _source_of(scope: Scope, loc: Loc, fallback: str) -> str:
    """The original source of a construct, read from the project file (fallback: a one-line summary)."""
    from pathlib import Path

    if loc.end_line is None:
        return fallback
    try:
        text = (Path(scope.ctx.project.root) / loc.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return fallback
    lines = text.splitlines()[loc.line - 1 : loc.end_line]
    return "\n".join(lines) if lines else fallback


def _placeholder(
    scope: Scope, *, name: str, rule: Rule, what: str, loc: Loc, summary: str, kind: str
) -> None:
    any_ = scope.builder.import_from("typing", "Any")
    no_return = scope.builder.import_from("typing", "NoReturn")
    todo_function(
        scope,
        name=name,
        params=[("*args", cst.Name(any_)), ("**kwargs", cst.Name(any_))],
        returns=cst.Name(no_return),
        rule=rule,
        title=f"{what} is not converted yet",
        loc=loc,
        source=_source_of(scope, loc, summary),
        message=f"{what} is not converted yet",
        docstring=f"Placeholder for {what} ({loc.file}:{loc.line}).",
    )
    scope.ctx.converted.append(
        ConvertedItem(
            kind=kind,  # type: ignore[arg-type]
            name=name,
            loc=loc,
            target=f"{scope.builder.module}:{name}",
        )
    )


def mcp_placeholder(scope: Scope, node: McpClientNode, name: str) -> None:
    """A placeholder for ``new MCPClient({...})``."""
    _placeholder(
        scope,
        name=name,
        rule=LM751,
        what=f"MCP client `{node.binding}` ({node.class_name})",
        loc=node.loc,
        summary=f"new {node.class_name}({{...}})",
        kind="mcp",
    )
