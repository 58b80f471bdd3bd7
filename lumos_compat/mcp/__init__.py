"""MCP for ported code: ``MCPClient`` (Mastra's ``@mastra/mcp`` client) and the TypeScript bridge.

Built on the official ``mcp`` Python SDK, an optional dependency: ``pip install 'lumos-compat[mcp]'``.
Importing this package works without it; the first connection says how to install it.
"""

from lumos_compat.mcp.bridge import TypeScriptBridge, TypeScriptToolError
from lumos_compat.mcp.client import (
    MCPClient,
    MCPConnectionError,
    MCPError,
    MCPTimeoutError,
    MCPToolError,
    ToolsWithErrors,
)

__all__ = [
    "MCPClient",
    "MCPConnectionError",
    "MCPError",
    "MCPTimeoutError",
    "MCPToolError",
    "ToolsWithErrors",
    "TypeScriptBridge",
    "TypeScriptToolError",
]
