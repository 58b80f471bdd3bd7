"""``TypeScriptBridge``: run tools of the original Mastra project under Node, over MCP.

``lumos-migrate convert --bridge`` emits, for each tool whose ``execute`` body it could not translate,
``execute=bridge.execute("<name>", file=..., binding=..., tool_id=...)``. The first call starts one
Node process for the project (``bridge.mjs``, shipped in the port's ``_bridge`` folder) through
:class:`~lumos_compat.mcp.MCPClient`: it loads the project's tools with tsx and serves them with
``@mastra/mcp``'s ``MCPServer`` over stdio. The Python tool keeps its pydantic schemas, so the model
sees what it saw before; only ``execute`` runs in TypeScript.

- The input goes over as the JSON of the validated model (fields the model did not send are left
  out, so zod fills its own defaults); the request context's JSON-able values go along.
- The TypeScript result comes back as JSON; a thrown error raises :class:`TypeScriptToolError`
  whose message is the TypeScript message (what Mastra hands the model) and whose ``location`` is
  the project ``file:line:column`` where it was thrown.
- The Node process gets this process's environment, is restarted once if it dies, and stops at
  interpreter exit. ``LUMOS_BRIDGE_PROJECT`` overrides where the TypeScript project is,
  ``LUMOS_NODE`` which ``node`` runs it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from lumos_compat.mcp.client import MCPClient, MCPConnectionError, MCPError
from lumos_compat.tools import ToolExecutionContext, to_jsonable

__all__ = ["NODE_HELP", "TypeScriptBridge", "TypeScriptToolError"]

logger = logging.getLogger("lumos_compat.mcp")

SERVER_NAME = "typescript"
# the first start may install @mastra/core, @mastra/mcp and tsx from npm
CONNECT_TIMEOUT_MS = 15 * 60 * 1000
NODE_HELP = (
    "Install Node.js 20 or newer with npm (https://nodejs.org/en/download; "
    "`apt-get install nodejs npm` on Debian/Ubuntu, `brew install node` on macOS), or set "
    "LUMOS_NODE to the node binary. Or port the tool to Python: see docs/migration/bridge.md."
)


class TypeScriptToolError(MCPError):
    """A bridged TypeScript tool threw: ``str()`` is its message, ``location`` where it threw."""

    def __init__(
        self, message: str, *, tool: str, name: str, location: str | None, stack: str
    ) -> None:
        super().__init__(message)
        self.tool = tool
        self.error_name = name
        self.location = location
        self.stack = stack
        self.add_note(f"TypeScript {name} in tool {tool} at {location or '(unknown location)'}")


def _input_json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(mode="json", by_alias=True, exclude_unset=True))
    return to_jsonable(value)


def _context_json(context: Any) -> dict[str, Any]:
    rc = getattr(context, "request_context", None)
    if rc is None:
        return {}
    out: dict[str, Any] = {}
    for key, value in rc.items():
        try:
            out[str(key)] = to_jsonable(value)
            json.dumps(out[str(key)])
        except (TypeError, ValueError):
            out.pop(str(key), None)
    return out


class TypeScriptBridge:
    """The Node process that runs a Mastra project's tools for its Python port."""

    def __init__(
        self,
        *,
        project: str | Path,
        script: str | Path,
        timeout: float = 60_000,
    ) -> None:
        self._project = Path(project)
        self._script = Path(script)
        self.timeout = timeout
        self._entries: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._client: MCPClient | None = None
        self._client_key: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"TypeScriptBridge(project={str(self.project)!r}, tools={sorted(self._entries)!r})"

    @property
    def project(self) -> Path:
        """The TypeScript project folder (``LUMOS_BRIDGE_PROJECT`` wins over the recorded one)."""
        override = os.environ.get("LUMOS_BRIDGE_PROJECT")
        return Path(override).resolve() if override else self._project.resolve()

    @property
    def tools(self) -> list[str]:
        """The names of the bridged tools registered so far."""
        return sorted(self._entries)

    def execute(
        self, name: str, *, file: str, binding: str, tool_id: str
    ) -> Callable[[Any, ToolExecutionContext], Awaitable[Any]]:
        """An ``execute`` function that runs tool ``binding`` of ``file`` in TypeScript."""
        entry = {"name": name, "file": file, "binding": binding, "id": tool_id}
        with self._lock:
            known = self._entries.get(name)
            if known is not None and known != entry:
                raise MCPError(
                    f"bridged tool name {name!r} is registered twice: {known} and {entry}"
                )
            self._entries[name] = entry

        async def execute(input: Any, context: ToolExecutionContext) -> Any:
            return await self.call(name, input, context)

        execute.__name__ = f"bridged_{name}"
        execute.__qualname__ = execute.__name__
        execute.__doc__ = f"Runs the TypeScript tool {binding} of {file} under Node (lumos bridge)."
        return execute

    def _mcp(self) -> MCPClient:
        with self._lock:
            key = tuple(sorted(json.dumps(e, sort_keys=True) for e in self._entries.values()))
            if self._client is not None and key == self._client_key:
                return self._client
            old, self._client = self._client, None
            if old is not None:  # a tool module imported after the start: serve it too
                old.disconnect_sync()
            node_name = os.environ.get("LUMOS_NODE", "node")
            node = shutil.which(node_name)
            if node is None:
                raise MCPConnectionError(
                    f"Node.js was not found (looked for {node_name!r} on PATH); the bridged "
                    f"TypeScript tools of {self.project} run under Node. {NODE_HELP}"
                )
            if not self._script.is_file():
                raise MCPConnectionError(
                    f"the bridge program {self._script} is missing; re-run "
                    "`lumos-migrate convert --bridge` to restore it"
                )
            entries = [self._entries[name] for name in sorted(self._entries)]
            self._client = MCPClient(
                id="lumos-bridge",
                servers={
                    SERVER_NAME: {
                        "command": node,
                        "args": [
                            str(self._script),
                            "--project",
                            str(self.project),
                            "--tools",
                            json.dumps(entries),
                        ],
                        "env": dict(os.environ),
                        "timeout": self.timeout,
                        "connect_timeout": CONNECT_TIMEOUT_MS,
                    }
                },
                timeout=self.timeout,
            )
            self._client_key = key
            return self._client

    async def call(self, name: str, input: Any, context: Any = None) -> Any:
        """Run bridged tool ``name`` on ``input``; returns its result, raises what it threw."""
        if name not in self._entries:
            raise MCPError(f"no bridged tool {name!r}; registered: {self.tools}")
        arguments = {"input": _input_json(input), "requestContext": _context_json(context)}
        envelope = await self._mcp().call_tool(SERVER_NAME, name, arguments)
        texts = [
            part.get("text", "")
            for part in envelope.get("content") or []
            if isinstance(part, Mapping) and part.get("type") == "text"
        ]
        try:
            answer = json.loads("".join(texts))
        except ValueError as exc:
            raise MCPError(
                f"the bridge answered tool {name!r} with something that is not JSON: "
                f"{''.join(texts)[:300]!r}"
            ) from exc
        if answer.get("ok"):
            return answer.get("result")
        error = answer.get("error") or {}
        entry = self._entries[name]
        exc = TypeScriptToolError(
            str(error.get("message", "")),
            tool=entry["binding"],
            name=str(error.get("name") or "Error"),
            location=error.get("location"),
            stack=str(error.get("stack") or ""),
        )
        logger.warning(
            "bridged TypeScript tool %s failed at %s: %s",
            entry["binding"],
            exc.location or entry["file"],
            exc,
        )
        raise exc

    async def disconnect(self) -> None:
        """Stop the Node process (the next call starts it again)."""
        with self._lock:
            client = self._client
        if client is not None:
            await client.disconnect()
