"""Memory, workflows, steps and MCP clients: placeholders that fail loudly until their converters land.

Each becomes a function named after its binding that raises ``NotImplementedError`` when called,
preceded by a ``TODO(lumos-migrate)`` comment with the rule id and the original TypeScript, and
one report entry. Nothing is silently dropped.
"""

from __future__ import annotations

import libcst as cst

from converters.emit.context import Scope
from converters.emit.functions import todo_function
from converters.ir import Loc, McpClientNode, MemoryNode, WorkflowNode, WorkflowStepNode
from converters.report import ConvertedItem
from converters.rules import Rule, define

__all__ = [
    "LM551",
    "LM651",
    "LM652",
    "LM751",
    "mcp_placeholder",
    "memory_placeholder",
    "step_placeholder",
    "workflow_placeholder",
]

LM551 = define(
    "LM551",
    "Memory is not converted yet",
    "Memory and storage are converted in a later version of lumos-migrate; until then the "
    "placeholder raises NotImplementedError. Port the Memory configuration by hand if you need it now.",
)
LM651 = define(
    "LM651",
    "A workflow is not converted yet",
    "Workflows are converted in a later version; the placeholder raises NotImplementedError. "
    "Port the workflow by hand if you need it now.",
)
LM652 = define(
    "LM652",
    "A workflow step is not converted yet",
    "Steps are converted with their workflows in a later version; port the step by hand if needed.",
)
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


def memory_placeholder(scope: Scope, node: MemoryNode, name: str) -> None:
    """A placeholder for ``new Memory({...})``."""
    what = f"memory `{node.binding or name}`"
    _placeholder(
        scope,
        name=name,
        rule=LM551,
        what=what,
        loc=node.loc,
        summary="new Memory({...})",
        kind="memory",
    )


def workflow_placeholder(scope: Scope, node: WorkflowNode, name: str) -> None:
    """A placeholder for a workflow."""
    what = f"workflow `{node.binding}` ({node.generation})"
    summary = "createWorkflow({...})" if node.generation != "legacy" else "new Workflow({...})"
    _placeholder(
        scope, name=name, rule=LM651, what=what, loc=node.loc, summary=summary, kind="workflow"
    )


def step_placeholder(scope: Scope, node: WorkflowStepNode, name: str) -> None:
    """A placeholder for a workflow step."""
    _placeholder(
        scope,
        name=name,
        rule=LM652,
        what=f"workflow step `{node.binding}`",
        loc=node.loc,
        summary="createStep({...})",
        kind="step",
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
