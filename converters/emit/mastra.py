"""``new Mastra({...})`` -> ``mastra = Mastra(agents={...}, tools={...})``."""

from __future__ import annotations

import libcst as cst

from converters.emit.context import Scope
from converters.emit.memory import store_expression
from converters.emit.values import emit_value, string_literal
from converters.ir import MastraNode, ObjectValue, Value
from converters.report import ConvertedItem
from converters.rules import define

__all__ = ["LM552", "LM752", "LM851", "LM852", "emit_mastra"]

LM552 = define(
    "LM552",
    "The Mastra instance's memory registry could not be read",
    "`memory:` of new Mastra({...}) is not an object literal of Memory instances; register the "
    "memories by hand with mastra.add_memory(memory, key).",
)
LM752 = define(
    "LM752",
    "MCP servers of the Mastra instance are not converted",
    "lumos_compat has no MCP server; expose the agents and tools over MCP by hand (e.g. with the "
    "official `mcp` Python SDK's server).",
)
LM851 = define(
    "LM851",
    "A Mastra option is not converted",
    "lumos_compat.Mastra has no such option; port the behaviour by hand or drop it knowingly.",
)
LM852 = define(
    "LM852",
    "A Mastra option is not needed in Python",
    "Nothing to do: logging, telemetry, server and bundling are configured the Python way.",
)
_NOT_NEEDED = {
    "logger",
    "loggerOptions",
    "telemetry",
    "observability",
    "server",
    "deployer",
    "bundler",
}


def _registry(
    entries: dict[str, Value], scope: Scope, what: str, skip_kinds: set[str]
) -> cst.Dict | None:
    elements: list[cst.BaseDictElement] = []
    for key, value in entries.items():
        symbol = scope.ctx.lookup(getattr(value, "target", None), getattr(value, "name", ""))
        if symbol is not None and symbol.kind in skip_kinds:
            continue  # a placeholder: reported by its own rule, not handed to the runtime
        expr = emit_value(value, scope, what=f"{what}.{key} of the Mastra instance")
        if isinstance(expr, cst.Name) and expr.value == "None":
            continue
        elements.append(cst.DictElement(string_literal(key), expr))
    return cst.Dict(elements) if elements else None


def emit_mastra(node: MastraNode, scope: Scope, name: str) -> None:
    """Emit the Mastra instance; unported parts (storage, workflows, ...) become TODO comments."""
    args: list[cst.Arg] = []
    for keyword, entries in (
        ("agents", node.agents),
        ("tools", node.tools),
        ("workflows", node.workflows),
    ):
        value = _registry(entries, scope, keyword, set())
        if value is not None:
            args.append(cst.Arg(value, keyword=cst.Name(keyword)))
    if node.storage is not None:
        # agents' memories created without storage use this one (Mastra 1.x getMemory)
        storage = store_expression(node.storage, scope, "storage of the Mastra instance")
        if storage is not None and not (isinstance(storage, cst.Name) and storage.value == "None"):
            args.append(cst.Arg(storage, keyword=cst.Name("storage")))
    if isinstance(node.memory, ObjectValue):
        memory = _registry(node.memory.entries, scope, "memory", set())
        if memory is not None:
            args.append(cst.Arg(memory, keyword=cst.Name("memory")))
    elif node.memory is not None:
        scope.todo(LM552, "memory of the Mastra instance could not be read", node.loc)
    if node.mcp_servers:
        scope.todo(
            LM752, "MCP servers not converted: " + ", ".join(sorted(node.mcp_servers)), node.loc
        )
    for key, value in node.other_options.items():
        loc = getattr(value, "loc", None) or node.loc
        if key in _NOT_NEEDED:
            scope.ctx.report(
                LM852, f"Mastra option `{key}` is not needed in Python", loc, severity="info"
            )
        else:
            scope.todo(
                LM851,
                f"Mastra option `{key}` is not converted",
                loc,
                getattr(value, "source", None),
            )
    mastra_cls = scope.builder.import_from("lumos_compat", "Mastra")
    scope.add(
        cst.SimpleStatementLine(
            [
                cst.Assign(
                    targets=[cst.AssignTarget(cst.Name(name))],
                    value=cst.Call(func=cst.Name(mastra_cls), args=args),
                )
            ]
        )
    )
    scope.builder.exports.append(name)
    scope.ctx.converted.append(
        ConvertedItem(
            kind="mastra",
            name=node.binding or name,
            loc=node.loc,
            target=f"{scope.builder.module}:{name}",
        )
    )
