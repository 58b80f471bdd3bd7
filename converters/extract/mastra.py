"""``new Mastra({...})`` as ``MastraNode``."""

from __future__ import annotations

from converters.evaluate import node_loc
from converters.extract import ExtractContext, config_entries, config_object, entry_map, one_value
from converters.extract.memory import storage_value
from converters.ir import MastraNode, Value
from converters.project import Site
from converters.rules import define

__all__ = ["extract_mastra"]

RULE_MASTRA_CONFIG = define(
    "LM801",
    "Mastra config could not be read completely",
    "Register the parts named in the message on the ported Mastra instance by hand.",
)
RULE_MASTRA_FACTORY = define(
    "LM802",
    "Mastra instance built inside a function or loop",
    "Create the Mastra instance at module level in the ported package.",
)

# config keys holding a { key: thing } map, and the MastraNode field each goes to
_MAPS = {
    "agents": "agents",
    "workflows": "workflows",
    "legacy_workflows": "workflows",
    "vnext_workflows": "workflows",
    "tools": "tools",
    "mcpServers": "mcp_servers",
}


def extract_mastra(ctx: ExtractContext, path: str, site: Site) -> MastraNode | None:
    """The MastraNode of a ``new Mastra`` site."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        ctx.diag(RULE_MASTRA_FACTORY, "todo", f"Mastra built inside a {site.context} at {loc}", loc)
        return None
    binding = None if site.inline else site.binding
    node = MastraNode(binding=binding, file=path, loc=loc)
    found = config_object(ctx, path, site.node)
    if found is None:
        return node
    cfg_path, cfg = found
    entries, unknown = config_entries(ctx, cfg_path, cfg)
    for value in unknown:
        ctx.diag(
            RULE_MASTRA_CONFIG,
            "todo",
            "the Mastra config spreads a value that could not be resolved",
            value.loc or loc,
        )
    other: dict[str, Value] = {}
    for key, entry in entries.items():
        field = _MAPS.get(key)
        if field is not None:
            values, rest = entry_map(ctx, entry)
            getattr(node, field).update(values)
            if key != field:
                other[key] = ctx.value(entry.path, entry.node)
            if rest:
                other[f"{key}:unresolved"] = one_value(rest)  # type: ignore[assignment]
                ctx.diag(
                    RULE_MASTRA_CONFIG,
                    "todo",
                    f"Mastra `{key}` is not a literal map; register those by hand",
                    node_loc(entry.path, entry.node),
                )
        elif key == "storage":
            node.storage = storage_value(ctx, entry.path, entry.node)
        elif key == "memory":
            node.memory = ctx.value(entry.path, entry.node)
        else:
            other[key] = ctx.value(entry.path, entry.node)
    node.other_options = other
    return node
