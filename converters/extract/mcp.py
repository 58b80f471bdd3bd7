"""``new MCPClient({...})`` (and 0.x ``MCPConfiguration`` / ``MastraMCPClient``) as ``McpClientNode``."""

from __future__ import annotations

from converters.evaluate import node_loc
from converters.extract import ExtractContext, config_entries, config_object
from converters.ir import McpClientNode, Value
from converters.project import Site
from converters.rules import define

__all__ = ["extract_mcp"]

RULE_MCP_FACTORY = define(
    "LM701",
    "MCP client built inside a function or loop",
    "Create the MCP client at module level in the ported code.",
)
RULE_MCP_LEGACY = define(
    "LM702",
    "0.x MCP client class",
    "MCPConfiguration and MastraMCPClient were replaced by MCPClient; the port uses MCPClient.",
)
RULE_MCP_CONFIG = define(
    "LM703",
    "MCP client config could not be read completely",
    "Fill in the MCP server definitions by hand.",
)


def extract_mcp(ctx: ExtractContext, path: str, site: Site) -> McpClientNode | None:
    """The McpClientNode of an MCP client site."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        ctx.diag(
            RULE_MCP_FACTORY, "todo", f"MCP client built inside a {site.context} at {loc}", loc
        )
        return None
    if site.callee != "MCPClient":
        ctx.diag(
            RULE_MCP_LEGACY, "info", f"`{site.callee}` at {loc} is the 0.x MCP client class", loc
        )
    node = McpClientNode(binding=site.binding, file=path, class_name=site.callee, loc=loc)
    found = config_object(ctx, path, site.node)
    if found is None:
        ctx.diag(
            RULE_MCP_CONFIG,
            "todo",
            f"MCP client `{site.binding}` has no object literal config",
            loc,
        )
        return node
    cfg_path, cfg = found
    entries, unknown = config_entries(ctx, cfg_path, cfg)
    for value in unknown:
        ctx.diag(
            RULE_MCP_CONFIG,
            "todo",
            f"MCP client `{site.binding}` spreads an unresolved value",
            value.loc or loc,
        )
    other: dict[str, Value] = {}
    for key, entry in entries.items():
        if key == "servers":
            node.servers = ctx.value(entry.path, entry.node)
        else:
            other[key] = ctx.value(entry.path, entry.node)
    if site.callee == "MastraMCPClient" and node.servers is None:
        # 0.x MastraMCPClient({ name, server: {...} }) held a single server
        server = other.pop("server", None)
        name = other.get("name")
        if server is not None:
            from converters.ir import ObjectValue, StringValue

            key = name.value if isinstance(name, StringValue) else site.binding
            node.servers = ObjectValue(entries={key: server}, loc=server.loc)
    node.other_options = other
    return node
