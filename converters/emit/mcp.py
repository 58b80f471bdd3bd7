"""``new MCPClient({ id, servers, timeout })`` -> ``MCPClient(...)`` of ``lumos_compat.mcp``.

Server definitions keep their keys in snake_case (``requestInit`` -> ``request_init``);
``url: new URL(x)`` becomes ``x``. Options the runtime has no equivalent for are left out with a
TODO (LM753). An agent's ``tools: await mcp.listTools()`` (0.x ``getTools()``) becomes
``tools=mcp.list_tools``: the agent awaits it on every call, so the servers start on first use;
``{ ...await mcp.listTools(), other }`` becomes an async function returning the merged dict.
"""

from __future__ import annotations

import re

import libcst as cst

from converters.emit.context import Scope
from converters.emit.names import snake_case
from converters.emit.placeholders import mcp_placeholder
from converters.emit.values import emit_value, string_literal
from converters.ir import AgentNode, CallValue, McpClientNode, ObjectValue, Opaque, Value
from converters.report import ConvertedItem
from converters.rules import define

__all__ = ["LM753", "emit_mcp_client", "mcp_tools_call"]

LM753 = define(
    "LM753",
    "An MCP client option is not converted",
    "lumos_compat.mcp.MCPClient has no such option; port it by hand (e.g. an auth header in "
    "request_init) or drop it knowingly.",
)

# Mastra server keys -> MCPClient keys (lumos_compat.mcp.client accepts and ignores the logging ones)
_SERVER_KEYS = {
    "command": "command",
    "args": "args",
    "env": "env",
    "cwd": "cwd",
    "url": "url",
    "requestInit": "request_init",
    "timeout": "timeout",
    "connectTimeout": "connect_timeout",
    "requireToolApproval": "require_tool_approval",
    "onToolError": "on_tool_error",
    "logger": None,
    "enableServerLogs": None,
    "serverLogLevel": None,
    "log": None,
    "capabilities": None,
    "forwardInstructions": None,
    "instructionsMaxLength": None,
    "stderr": None,
    "protocolVersion": None,
}
_CLIENT_KEYS = {"id", "timeout"}
_LIST_TOOLS = re.compile(
    r"^\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*\.\s*(listTools|getTools)\s*\(\s*\)\s*$"
)


def _server(value: Value, scope: Scope, what: str) -> cst.BaseExpression:
    if not isinstance(value, ObjectValue) or value.spreads:
        return emit_value(value, scope, what=what)
    elements: list[cst.BaseDictElement] = []
    for key, item in value.entries.items():
        target = _SERVER_KEYS.get(key, "")
        if target is None:
            continue  # logging and UI options: nothing to port
        if not target:
            scope.todo(
                LM753,
                f"{what}: option `{key}` is not converted",
                getattr(item, "loc", None) or value.loc,
                getattr(item, "source", None),
            )
            continue
        if (
            key == "url"
            and isinstance(item, CallValue)
            and item.callee == "new URL"
            and len(item.args) == 1
        ):
            item = item.args[0]
        elements.append(
            cst.DictElement(string_literal(target), emit_value(item, scope, what=f"{what}.{key}"))
        )
    return cst.Dict(elements)


def emit_mcp_client(scope: Scope, node: McpClientNode, name: str) -> None:
    """Emit ``name = MCPClient(...)`` (a placeholder when the config could not be read)."""
    if node.servers is None:
        mcp_placeholder(scope, node, name)
        return
    what = f"MCP client `{node.binding}`"
    args: list[cst.Arg] = []
    ident = node.other_options.get("id")
    if ident is not None:
        args.append(cst.Arg(emit_value(ident, scope, what=f"id of {what}"), keyword=cst.Name("id")))
    servers = node.servers
    if isinstance(servers, ObjectValue) and not servers.spreads:
        servers_expr: cst.BaseExpression = cst.Dict(
            [
                cst.DictElement(
                    string_literal(server), _server(item, scope, f"{what} server `{server}`")
                )
                for server, item in servers.entries.items()
            ]
        )
    else:
        servers_expr = emit_value(servers, scope, what=f"servers of {what}")
    args.append(cst.Arg(servers_expr, keyword=cst.Name("servers")))
    timeout = node.other_options.get("timeout")
    if timeout is not None:
        args.append(
            cst.Arg(
                emit_value(timeout, scope, what=f"timeout of {what}"), keyword=cst.Name("timeout")
            )
        )
    for key, value in node.other_options.items():
        if key in _CLIENT_KEYS or (node.class_name == "MastraMCPClient" and key == "name"):
            continue
        scope.todo(
            LM753,
            f"{what}: option `{key}` is not converted",
            getattr(value, "loc", None) or node.loc,
            getattr(value, "source", None),
        )
    client = scope.builder.import_from("lumos_compat.mcp", "MCPClient")
    scope.add(
        cst.SimpleStatementLine(
            [
                cst.Assign(
                    targets=[cst.AssignTarget(cst.Name(name))],
                    value=cst.Call(func=cst.Name(client), args=args),
                )
            ]
        )
    )
    scope.ctx.converted.append(
        ConvertedItem(
            kind="mcp", name=node.binding, loc=node.loc, target=f"{scope.builder.module}:{name}"
        )
    )


def _client_expr(scope: Scope, agent: AgentNode, binding: str) -> cst.BaseExpression | None:
    """The ported MCP client named ``binding`` as seen from the agent's module, if it was converted."""
    client = next(
        (c for c in scope.ctx.project.mcp_clients if c.binding == binding and c.file == agent.file),
        None,
    )
    if client is None:
        matches = [c for c in scope.ctx.project.mcp_clients if c.binding == binding]
        client = matches[0] if len(matches) == 1 else None
    if client is None or client.servers is None:
        return None
    symbol = scope.ctx.lookup(f"{client.file}#{client.binding}", client.binding)
    if symbol is None or symbol.kind != "mcp":
        return None
    if symbol.module == scope.builder.module:
        return cst.Name(symbol.name)
    return cst.Name(scope.builder.import_from(symbol.module, symbol.name))


def mcp_tools_call(
    source: Value, entries: dict[str, Value], scope: Scope, agent: AgentNode
) -> cst.BaseExpression | None:
    """``tools=`` for tools that come from ``mcp.listTools()``; None if ``source`` is not that."""
    if not isinstance(source, CallValue | Opaque):
        return None
    match = _LIST_TOOLS.match(source.source)
    if match is None:
        return None
    client = _client_expr(scope, agent, match.group(1))
    if client is None:
        return None
    list_tools = cst.Attribute(value=client, attr=cst.Name("list_tools"))
    if not entries:
        return list_tools
    # { ...await mcp.listTools(), other }: an async function the agent awaits on each call
    elements: list[cst.BaseDictElement] = [
        cst.StarredDictElement(cst.Await(cst.Call(func=list_tools)))
    ]
    for key, item in entries.items():
        expr = emit_value(item, scope, what=f"tools.{key} of agent {agent.binding}")
        if not (isinstance(expr, cst.Name) and expr.value == "None"):
            elements.append(cst.DictElement(string_literal(key), expr))
    name = scope.builder.names.allocate(f"{snake_case(agent.binding)}_tools")
    tool = scope.builder.import_from("lumos_compat", "Tool")
    scope.add(
        cst.FunctionDef(
            name=cst.Name(name),
            params=cst.Parameters(),
            returns=cst.Annotation(cst.parse_expression(f"dict[str, {tool}]")),
            body=cst.IndentedBlock(
                [
                    cst.SimpleStatementLine(
                        [
                            cst.Expr(
                                string_literal(
                                    f"The tools of agent {agent.binding}: the MCP tools and its own."
                                )
                            )
                        ]
                    ),
                    cst.SimpleStatementLine([cst.Return(cst.Dict(elements))]),
                ]
            ),
            asynchronous=cst.Asynchronous(),
        )
    )
    return cst.Name(name)
