"""``createTool({...})`` and ``new Tool({...})`` as ``ToolNode``, with the execute style decided."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from converters.evaluate import function_value, node_loc, trusted_model
from converters.extract import ExtractContext, config_entries, config_object
from converters.ir import FunctionValue, ToolNode, Value
from converters.project import Site, unwrap
from converters.rules import define
from converters.ts import Node

__all__ = ["execute_function", "execute_style", "extract_tool"]

RULE_TOOL_FACTORY = define(
    "LM301",
    "Tool built inside a function or loop",
    "Tools made by factories are not converted; write each tool at module level in the ported code.",
)
RULE_EXECUTE_STYLE = define(
    "LM302",
    "Tool execute signature read according to the project's Mastra version",
    "Check that the ported execute receives the tool input the way the original did.",
)
RULE_TOOL_CONFIG = define(
    "LM303",
    "Tool config could not be read completely",
    "Finish the parts named in the message by hand in the ported tool.",
)

# a single execute parameter's name and the generation it suggests (the project version decides)
_NAME_SUGGESTS: dict[str, Literal["0.x", "1.x"]] = {
    "inputData": "1.x",
    "input": "1.x",
    "data": "1.x",
    "args": "1.x",
    "params": "0.x",
    "context": "0.x",
    "ctx": "0.x",
    "options": "0.x",
    "opts": "0.x",
}
_SCHEMA_KEYS = {
    "inputSchema": "input_schema",
    "outputSchema": "output_schema",
    "suspendSchema": "suspend_schema",
    "resumeSchema": "resume_schema",
}
_FUNCTIONS = (
    "arrow_function",
    "function_expression",
    "function",
    "method_definition",
    "function_declaration",
)


def extract_tool(ctx: ExtractContext, path: str, site: Site) -> ToolNode | None:
    """The ToolNode of a tool site, or None (with a diagnostic) for tools built in functions."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        where = "a function" if site.context == "function" else "a loop"
        ctx.diag(
            RULE_TOOL_FACTORY, "todo", f"tool built inside {where} at {loc} was not converted", loc
        )
        return None
    # ``ToolNode(binding=..., file=..., exported=..., loc=...)`` without validation (two str, a
    # bool and a Loc); the fields read below are set as attribute assignments would set them
    tool = trusted_model(
        ToolNode,
        {
            "binding": site.binding,
            "file": path,
            "exported": site.exported,
            "id": None,
            "description": None,
            "input_schema": None,
            "output_schema": None,
            "suspend_schema": None,
            "resume_schema": None,
            "require_approval": None,
            "execute": None,
            "execute_style": "unknown",
            "other_options": {},
            "loc": loc,
        },
        {"binding", "file", "exported", "loc"},
    )
    found = config_object(ctx, path, site.node)
    if found is None:
        ctx.diag(
            RULE_TOOL_CONFIG,
            "todo",
            f"tool `{site.binding}` at {loc} has no object literal config",
            loc,
        )
        return tool
    cfg_path, cfg = found
    entries, unknown = config_entries(ctx, cfg_path, cfg)
    for value in unknown:
        ctx.diag(
            RULE_TOOL_CONFIG,
            "warning",
            f"tool `{site.binding}` at {loc} spreads `{_src(value)}`, which could not be resolved",
            value.loc or loc,
        )
    # the fields read, set at the end as attribute assignments would (ToolNode does not
    # validate assignments): the values, and their names among the fields set
    fields: dict[str, object] = {}
    other: dict[str, Value] = {}
    for key, entry in entries.items():
        if key == "id":
            fields["id"] = ctx.value(entry.path, entry.node)
        elif key == "description":
            fields["description"] = ctx.value(entry.path, entry.node)
        elif key == "requireApproval":
            fields["require_approval"] = ctx.value(entry.path, entry.node)
        elif key in _SCHEMA_KEYS:
            fields[_SCHEMA_KEYS[key]] = ctx.schema(entry.path, unwrap(entry.node) or entry.node)
        elif key == "execute":
            fn_path, fn_node = execute_function(ctx, entry.path, entry.node)
            if fn_node is None:
                other[key] = ctx.value(entry.path, entry.node)
                continue
            syntax = ctx.syntax(fn_path)
            execute = function_value(syntax, fn_path, fn_node)
            style, decided_by_version = execute_style(ctx, fn_path, fn_node)
            fields["execute"] = execute
            fields["execute_style"] = style
            if decided_by_version:
                ctx.diag(
                    RULE_EXECUTE_STYLE,
                    "info",
                    f"tool `{site.binding}`: execute({', '.join(execute.params)}) read as the "
                    f"{style} form (project uses Mastra {ctx.generation})",
                    execute.loc,
                )
        else:
            other[key] = ctx.value(entry.path, entry.node)
    fields["other_options"] = other
    tool.__dict__.update(fields)
    tool.__pydantic_fields_set__.update(fields)
    return tool


def execute_function(ctx: ExtractContext, path: str, node: Node) -> tuple[str, Node | None]:
    """The function node an ``execute`` entry names (inline, or a function defined elsewhere)."""
    inner = unwrap(node) or node
    if inner.type in _FUNCTIONS:
        return path, inner
    target_path, target = ctx.resolve_node(path, inner)
    if target.type in _FUNCTIONS:
        return target_path, target
    return path, None


def execute_style(ctx: ExtractContext, path: str, fn: Node) -> tuple[Literal["0.x", "1.x"], bool]:
    """(style, decided by the project version) of a tool's execute function.

    ``({ context })`` is 0.x (context is the input); ``(input, ctx)`` and a destructured input are
    1.x; a single identifier is 0.x when the body reads ``<param>.context``, else the project's
    generation decides.
    """
    syntax = ctx.syntax(path)
    params: list[Node] = []
    single = fn.child_by_field_name("parameter")
    if single is not None:
        params.append(single)
    formal = fn.child_by_field_name("parameters")
    if formal is not None:
        params.extend(p for p in formal.named_children if p.type != "comment")
    if not params:
        return ctx.generation, False
    first = params[0]
    pattern = first.child_by_field_name("pattern") if first.type != "identifier" else first
    if pattern is None:
        pattern = first
    if pattern.type == "assignment_pattern":
        pattern = pattern.child_by_field_name("left") or pattern
    if pattern.type == "object_pattern":
        keys = set()
        for prop in pattern.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                keys.add(syntax.text(prop))
            elif prop.type in ("pair_pattern", "object_assignment_pattern"):
                k = prop.child_by_field_name("key") or prop.child_by_field_name("left")
                if k is not None:
                    keys.add(syntax.text(k))
        if "context" in keys or "runtimeContext" in keys:
            return "0.x", False
        return "1.x", False
    if pattern.type == "identifier":
        name = syntax.text(pattern)
        body = fn.child_by_field_name("body")
        body_text = syntax.text(body) if body is not None else ""
        member_read, destructured = _context_reads(name)
        if member_read.search(body_text) or destructured.search(body_text):
            return "0.x", False
        if len(params) > 1:
            return "1.x", False
        suggested = _NAME_SUGGESTS.get(name)
        return ctx.generation, suggested != ctx.generation
    return ctx.generation, True


@lru_cache(maxsize=256)
def _context_reads(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns of a body reading ``<name>.context`` and of ``{ context } = <name>``, compiled
    once per parameter name (most tools of a project name it alike)."""
    esc = re.escape(name)
    return (
        re.compile(rf"\b{esc}\s*\??\.\s*(context|runtimeContext)\b"),
        re.compile(rf"\{{[^}}]*\b(context|runtimeContext)\b[^}}]*\}}\s*=\s*{esc}\b"),
    )


def _src(value: Value) -> str:
    source = getattr(value, "source", None)
    if isinstance(source, str):
        return " ".join(source.split())[:60]
    if isinstance(value, FunctionValue):
        return "function"
    return value.kind
