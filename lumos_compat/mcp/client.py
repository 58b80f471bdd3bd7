"""``MCPClient``: Mastra's ``@mastra/mcp`` client over the official ``mcp`` Python SDK.

What a ported agent sees is what a Mastra agent sees (checked against ``@mastra/mcp`` 2.0 with real
Mastra 1.71, recorded in ``tests/data/mastra_mcp``):

- ``await mcp.list_tools()`` is ``{"<server>_<tool>": Tool}``, each tool with id
  ``<server>_<tool>``, the server's description, and the server's JSON Schema as input schema (a
  ``$schema`` the server gives becomes draft-07, objects with properties get
  ``additionalProperties: false``, as Mastra sends it); ``list_toolsets()`` is
  ``{"<server>": {"<tool>": Tool}}``. A server that cannot be reached is skipped with a warning
  (``list_tools_with_errors()`` says why).
- A call returns the server's ``structuredContent`` when there is one, else the whole
  ``CallToolResult`` (``{"_meta"?, "content": [...], "isError"?}``); with an output schema the
  model gets the text content. A result with ``isError`` raises :class:`MCPToolError` carrying the
  server's text, which the agent hands to the model as a tool error.

Lifecycle: a server is started (stdio) or connected (streamable HTTP) on first use, from a
background event loop thread that the client owns, so tools work from any event loop and from
``asyncio.run`` called many times. A call that finds the connection dead (the process exited)
reconnects once and is retried once. Every request has a timeout (``timeout`` in milliseconds,
default 60 000, per server or per client). ``disconnect()`` stops the servers; so does interpreter
exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lumos_compat.errors import LumosError
from lumos_compat.schema import DRAFT_07, compile_schema
from lumos_compat.tools import Tool, ToolExecutionContext, _output_error

__all__ = [
    "MCPClient",
    "MCPConnectionError",
    "MCPError",
    "MCPTimeoutError",
    "MCPToolError",
    "ToolsWithErrors",
]

logger = logging.getLogger("lumos_compat.mcp")

DEFAULT_TIMEOUT_MS = 60_000
# starting a server process (an interpreter, npx) takes longer than answering a request
MIN_CONNECT_TIMEOUT_MS = 30_000
# how long disconnect() and interpreter exit wait for servers to stop (the SDK kills after ~4 s)
SHUTDOWN_SECONDS = 10.0
INSTALL_HINT = "MCP support needs the official MCP Python SDK: pip install 'lumos-compat[mcp]' (or pip install mcp)."

_T = TypeVar("_T")

_STDIO_KEYS = {"command", "args", "env", "cwd"}
_HTTP_KEYS = {"url", "headers", "request_init"}
_SHARED_KEYS = {"timeout", "connect_timeout", "require_tool_approval", "on_tool_error"}
# Mastra options that change logging, auth flows or UI only; accepted and ignored
_IGNORED_KEYS = {
    "logger",
    "enable_server_logs",
    "server_log_level",
    "log",
    "capabilities",
    "forward_instructions",
    "instructions_max_length",
    "stderr",
    "protocol_version",
}
_CAMEL = {
    "requestInit": "request_init",
    "requireToolApproval": "require_tool_approval",
    "onToolError": "on_tool_error",
    "enableServerLogs": "enable_server_logs",
    "serverLogLevel": "server_log_level",
    "forwardInstructions": "forward_instructions",
    "instructionsMaxLength": "instructions_max_length",
    "connectTimeout": "connect_timeout",
    "protocolVersion": "protocol_version",
    "inheritDefaultEnv": "inherit_default_env",
}


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------


class MCPError(LumosError):
    """Base class of the MCP errors: bad configuration, a failed connection, a failed call."""


class MCPConnectionError(MCPError):
    """A server could not be started or reached, or its connection closed."""


class MCPTimeoutError(MCPError, TimeoutError):
    """A server did not answer within the timeout."""


class MCPToolError(MCPError):
    """A tool call came back with ``isError``: the message is the server's text."""

    def __init__(self, message: str, *, server: str, tool: str, result: Any = None) -> None:
        super().__init__(message)
        self.server = server
        self.tool = tool
        self.result = result


def _import_sdk() -> Any:
    try:
        import mcp
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MCPError(f"cannot import the 'mcp' package ({exc}). {INSTALL_HINT}") from exc
    return mcp


# ---------------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ServerConfig:
    name: str
    timeout_ms: float
    connect_timeout_ms: float
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] | None = None
    cwd: str | None = None
    url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    require_tool_approval: Any = False
    on_tool_error: str = "throw"

    @property
    def timeout_s(self) -> float:
        return self.timeout_ms / 1000.0

    @property
    def connect_timeout_s(self) -> float:
        return self.connect_timeout_ms / 1000.0

    @property
    def describe(self) -> str:
        if self.command is not None:
            return " ".join([self.command, *self.args])
        return str(self.url)


def _parse_server(name: Any, raw: Any, default_timeout: float) -> _ServerConfig:
    if not isinstance(name, str) or not name:
        raise MCPError(f"MCP server names must be non-empty strings, found {name!r}")
    if not isinstance(raw, Mapping):
        raise MCPError(
            f"servers[{name!r}] must be a dict like {{'command': 'npx', 'args': [...]}} or "
            f"{{'url': 'http://host/mcp'}}, found {type(raw).__name__}"
        )
    cfg = {_CAMEL.get(str(k), str(k)): v for k, v in raw.items()}
    unknown = set(cfg) - _STDIO_KEYS - _HTTP_KEYS - _SHARED_KEYS - _IGNORED_KEYS
    unknown.discard("inherit_default_env")
    if unknown:
        known = sorted(_STDIO_KEYS | _HTTP_KEYS | _SHARED_KEYS)
        raise MCPError(
            f"servers[{name!r}] has unknown option(s) {sorted(unknown)}; supported: {known}"
        )
    if cfg.get("inherit_default_env", True) is False:
        raise MCPError(
            f"servers[{name!r}]: inherit_default_env=False is not supported; the MCP Python SDK "
            "always passes HOME, PATH, SHELL, TERM, USER and LOGNAME to the server"
        )
    has_command = cfg.get("command") is not None
    has_url = cfg.get("url") is not None
    if has_command == has_url:
        raise MCPError(
            f"servers[{name!r}] needs exactly one of 'command' (a stdio server) or 'url' "
            f"(a streamable HTTP server), found {sorted(cfg)}"
        )
    timeout = cfg.get("timeout", default_timeout)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise MCPError(
            f"servers[{name!r}].timeout must be a positive number of ms, found {timeout!r}"
        )
    connect_timeout = cfg.get("connect_timeout", max(float(timeout), MIN_CONNECT_TIMEOUT_MS))
    if (
        not isinstance(connect_timeout, (int, float))
        or isinstance(connect_timeout, bool)
        or connect_timeout <= 0
    ):
        raise MCPError(
            f"servers[{name!r}].connect_timeout must be a positive number of ms, "
            f"found {connect_timeout!r}"
        )
    on_tool_error = cfg.get("on_tool_error", "throw")
    if on_tool_error not in ("throw", "return"):
        raise MCPError(
            f"servers[{name!r}].on_tool_error must be 'throw' or 'return', found {on_tool_error!r}"
        )
    common: dict[str, Any] = {
        "name": name,
        "timeout_ms": float(timeout),
        "connect_timeout_ms": float(connect_timeout),
        "require_tool_approval": cfg.get("require_tool_approval", False),
        "on_tool_error": on_tool_error,
    }
    if has_command:
        extra = set(cfg) & _HTTP_KEYS
        if extra:
            raise MCPError(
                f"servers[{name!r}] is a stdio server; {sorted(extra)} apply to url servers"
            )
        command = cfg["command"]
        args = cfg.get("args") or []
        env = cfg.get("env")
        cwd = cfg.get("cwd")
        if not isinstance(command, str) or not command:
            raise MCPError(
                f"servers[{name!r}].command must be a non-empty string, found {command!r}"
            )
        if not isinstance(args, (list, tuple)) or not all(isinstance(a, str) for a in args):
            raise MCPError(f"servers[{name!r}].args must be a list of strings, found {args!r}")
        if env is not None and (
            not isinstance(env, Mapping)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
        ):
            raise MCPError(f"servers[{name!r}].env must map strings to strings, found {env!r}")
        if cwd is not None and not isinstance(cwd, (str, Path)):
            raise MCPError(f"servers[{name!r}].cwd must be a path, found {cwd!r}")
        return _ServerConfig(
            command=command,
            args=tuple(args),
            env=dict(env) if env is not None else None,
            cwd=str(cwd) if cwd is not None else None,
            **common,
        )
    extra = set(cfg) & _STDIO_KEYS
    if extra:
        raise MCPError(f"servers[{name!r}] is a url server; {sorted(extra)} apply to stdio servers")
    url = str(cfg["url"])
    if not url.startswith(("http://", "https://")):
        raise MCPError(f"servers[{name!r}].url must be an http(s) URL, found {url!r}")
    headers: dict[str, str] = {}
    request_init = cfg.get("request_init")
    if request_init is not None:
        if not isinstance(request_init, Mapping):
            raise MCPError(f"servers[{name!r}].request_init must be a dict, found {request_init!r}")
        headers.update({str(k): str(v) for k, v in (request_init.get("headers") or {}).items()})
    headers.update({str(k): str(v) for k, v in (cfg.get("headers") or {}).items()})
    return _ServerConfig(url=url, headers=headers, **common)


# ---------------------------------------------------------------------------------------------
# the background loop
# ---------------------------------------------------------------------------------------------


class _LoopThread:
    """An asyncio loop on a daemon thread; coroutines from any thread or loop run on it."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self.loop.is_closed()

    async def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Await ``coro`` on the background loop from the caller's loop (cancellation passes on)."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return await asyncio.wrap_future(future)

    def run_sync(self, coro: Coroutine[Any, Any, _T], timeout: float) -> _T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=SHUTDOWN_SECONDS)
        if not self._thread.is_alive():
            self.loop.close()


# ---------------------------------------------------------------------------------------------
# one server connection
# ---------------------------------------------------------------------------------------------


def _is_connection_lost(exc: BaseException) -> bool:
    """Whether a failed request means the connection is gone (worth one reconnect)."""
    mcp = _import_sdk()
    import anyio

    if isinstance(exc, mcp.MCPError):
        from mcp_types import CONNECTION_CLOSED

        return exc.code == CONNECTION_CLOSED
    if isinstance(exc, (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream)):
        return True
    if isinstance(exc, (ConnectionError, BrokenPipeError)):
        return True
    text = str(exc).lower()
    return any(
        marker in text
        for marker in ("connection closed", "not connected", "connection refused", "econnrefused")
    )


def _is_timeout(exc: BaseException) -> bool:
    mcp = _import_sdk()
    if isinstance(exc, mcp.MCPError):
        from mcp_types import REQUEST_TIMEOUT

        return exc.code == REQUEST_TIMEOUT
    return isinstance(exc, TimeoutError)


class _Connection:
    """One configured server; lives on the background loop and is only touched from there."""

    def __init__(self, config: _ServerConfig, client_id: str) -> None:
        self.config = config
        self.client_id = client_id
        self.client: Any = None
        self.starts = 0
        self._holder: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None

    def _transport(self, stack: contextlib.AsyncExitStack) -> Any:
        mcp = _import_sdk()
        cfg = self.config
        if cfg.command is not None:
            return mcp.StdioServerParameters(
                command=cfg.command, args=list(cfg.args), env=cfg.env, cwd=cfg.cwd
            )
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        http = create_mcp_http_client(headers=dict(cfg.headers))
        stack.push_async_callback(http.aclose)
        return streamable_http_client(str(cfg.url), http_client=http)

    async def _hold(self, ready: asyncio.Future[Any], stop: asyncio.Event) -> None:
        mcp = _import_sdk()
        try:
            async with contextlib.AsyncExitStack() as stack:
                client = mcp.Client(
                    self._transport(stack),
                    read_timeout_seconds=self.config.timeout_s,
                    client_info=mcp.Implementation(name=self.client_id, version="1.0.0"),
                )
                await stack.enter_async_context(client)
                self.client = client
                if not ready.done():
                    ready.set_result(client)
                await stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            elif not isinstance(exc, asyncio.CancelledError):
                logger.debug("MCP server %r closed with %r", self.config.name, exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            self.client = None

    async def connect(self) -> Any:
        """The connected SDK client, starting the server first if needed."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self.client is not None and self._holder is not None and not self._holder.done():
                return self.client
            await self._close_quietly()
            ready: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            stop = asyncio.Event()
            self._stop = stop
            self._holder = asyncio.create_task(
                self._hold(ready, stop), name=f"mcp-server-{self.config.name}"
            )
            self.starts += 1
            try:
                return await asyncio.wait_for(asyncio.shield(ready), self.config.connect_timeout_s)
            except BaseException as exc:
                await self._close_quietly()
                if isinstance(exc, asyncio.CancelledError):
                    raise
                raise self._connect_error(exc) from exc

    def _connect_error(self, exc: BaseException) -> MCPError:
        cfg = self.config
        if isinstance(exc, MCPError):
            return exc
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return MCPTimeoutError(
                f"MCP server {cfg.name!r} ({cfg.describe}) did not finish connecting within "
                f"{cfg.connect_timeout_ms:g} ms; raise `connect_timeout` or check that the server starts"
            )
        if isinstance(exc, FileNotFoundError) and cfg.command is not None:
            return MCPConnectionError(
                f"cannot start MCP server {cfg.name!r}: command {cfg.command!r} was not found "
                "on PATH. Install it or give the full path in servers[...]['command']."
            )
        detail = _exception_text(exc)
        where = f"started with `{cfg.describe}`" if cfg.command is not None else f"at {cfg.url}"
        return MCPConnectionError(
            f"cannot connect to MCP server {cfg.name!r} {where}: {detail}. Run the command by "
            "hand to see why it fails; its stderr is shown above."
            if cfg.command is not None
            else f"cannot connect to MCP server {cfg.name!r} {where}: {detail}"
        )

    async def request(self, what: str, send: Callable[[Any], Awaitable[_T]]) -> _T:
        """Run one request; a lost connection is re-established and the request retried once."""
        cfg = self.config
        for attempt in (1, 2):
            client = await self.connect()
            try:
                return await asyncio.wait_for(send(client), cfg.timeout_s + 5.0)
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                if _is_timeout(exc):
                    raise MCPTimeoutError(
                        f"Request timed out: MCP server {cfg.name!r} did not answer {what} within "
                        f"{cfg.timeout_ms:g} ms"
                    ) from exc
                if attempt == 1 and _is_connection_lost(exc):
                    logger.info(
                        "MCP server %r lost its connection during %s (%s); reconnecting once",
                        cfg.name,
                        what,
                        _exception_text(exc),
                    )
                    await self._close_quietly()
                    continue
                if _is_connection_lost(exc):
                    raise MCPConnectionError(
                        f"MCP server {cfg.name!r} closed the connection during {what} again after "
                        f"a restart ({_exception_text(exc)}); the server process exits on this call"
                    ) from exc
                if isinstance(exc, Exception):
                    raise MCPError(
                        f"MCP server {cfg.name!r} failed {what}: {_exception_text(exc)}"
                    ) from exc
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _close_quietly(self) -> None:
        holder, stop = self._holder, self._stop
        self._holder = None
        self._stop = None
        self.client = None
        if holder is None:
            return
        if stop is not None:
            stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(holder), SHUTDOWN_SECONDS)
        except BaseException:
            holder.cancel()
            with contextlib.suppress(BaseException):
                await holder

    async def close(self) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            await self._close_quietly()


def _exception_text(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_exception_text(e) for e in exc.exceptions)
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------------------------
# results as Mastra returns them
# ---------------------------------------------------------------------------------------------


def _text_of(content: Any) -> str | None:
    if not isinstance(content, list):
        return None
    parts = [
        part.get("text", "")
        for part in content
        if isinstance(part, Mapping) and part.get("type") == "text"
    ]
    text = "\n".join(str(p) for p in parts).strip()
    return text or None


class StructuredResult(dict):  # type: ignore[type-arg]
    """A tool's ``structuredContent`` (a dict), with the MCP ``content`` blocks kept aside."""

    mcp_content: list[Any] | None = None
    mcp_meta: dict[str, Any] | None = None


class StructuredList(list):  # type: ignore[type-arg]
    """A list ``structuredContent``, with the MCP ``content`` blocks kept aside."""

    mcp_content: list[Any] | None = None
    mcp_meta: dict[str, Any] | None = None


def _structured(value: Any, content: Any, meta: Any) -> Any:
    if isinstance(value, dict):
        out: Any = StructuredResult(value)
    elif isinstance(value, list):
        out = StructuredList(value)
    else:
        return value
    out.mcp_content = content
    out.mcp_meta = meta
    return out


def _structured_to_model_output(output: Any) -> dict[str, Any]:
    text = _text_of(getattr(output, "mcp_content", None))
    if text is not None:
        return {"type": "text", "value": text}
    return {"type": "json", "value": output}


def _model_input_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The server's JSON Schema as Mastra sends it: a declared ``$schema`` becomes draft-07."""
    out = dict(schema)
    if "$schema" in out:
        out["$schema"] = DRAFT_07
    return out


@dataclass(slots=True)
class ToolsWithErrors:
    """What ``list_tools_with_errors()`` / ``list_toolsets_with_errors()`` return."""

    tools: dict[str, Any]
    errors: dict[str, str]


# ---------------------------------------------------------------------------------------------
# the client
# ---------------------------------------------------------------------------------------------


class _State:
    """What the client's finaliser needs: the loop thread and the connections."""

    def __init__(self, client_id: str, configs: dict[str, _ServerConfig]) -> None:
        self.client_id = client_id
        self.configs = configs
        self.lock = threading.Lock()
        self.thread: _LoopThread | None = None
        self.connections: dict[str, _Connection] = {}

    def runner(self) -> _LoopThread:
        with self.lock:
            if self.thread is None or not self.thread.alive:
                self.thread = _LoopThread(f"lumos-mcp-{self.client_id}")
                self.connections = {
                    name: _Connection(cfg, self.client_id) for name, cfg in self.configs.items()
                }
            return self.thread

    async def _close_all(self) -> None:
        await asyncio.gather(
            *(conn.close() for conn in self.connections.values()), return_exceptions=True
        )

    def shutdown(self) -> None:
        """Stop every server and the loop thread (safe to call twice, from any thread)."""
        with self.lock:
            thread, self.thread = self.thread, None
        if thread is None or not thread.alive:
            return
        try:
            thread.run_sync(self._close_all(), SHUTDOWN_SECONDS + 2.0)
        except Exception as exc:  # at exit nothing can be done but say so
            logger.warning("MCP client %r: stopping servers failed: %r", self.client_id, exc)
        thread.stop()


class MCPClient:
    """Connections to MCP servers and their tools (Mastra's ``MCPClient`` from ``@mastra/mcp``).

    ``servers`` maps a server name to ``{"command", "args"?, "env"?, "cwd"?}`` (stdio) or
    ``{"url", "headers"? | "request_init": {"headers"}}`` (streamable HTTP); both take
    ``timeout`` (ms) and ``require_tool_approval``. ``timeout`` (ms) is the default for every
    request. Nothing starts until the first ``list_tools()`` or tool call.
    """

    def __init__(
        self,
        *,
        servers: Mapping[str, Mapping[str, Any]],
        id: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_MS,
    ) -> None:
        if not isinstance(servers, Mapping):
            raise MCPError(
                f"MCPClient(servers=...) must be a dict of server name to definition, found "
                f"{type(servers).__name__}"
            )
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            raise MCPError(
                f"MCPClient(timeout=...) must be a positive number of ms, found {timeout!r}"
            )
        self.id = id or "mcp-client"
        self.timeout = float(timeout)
        self._configs = {
            name: _parse_server(name, raw, self.timeout) for name, raw in servers.items()
        }
        self._state = _State(self.id, self._configs)
        # runs when the client is garbage collected, and at interpreter exit
        self._finalizer = weakref.finalize(self, self._state.shutdown)

    def __repr__(self) -> str:
        return f"MCPClient(id={self.id!r}, servers={sorted(self._configs)!r})"

    @property
    def server_names(self) -> list[str]:
        """The configured server names, in order."""
        return list(self._configs)

    # plumbing ----------------------------------------------------------------------------------
    async def _on_server(self, server: str, what: str, send: Callable[[Any], Awaitable[_T]]) -> _T:
        if server not in self._configs:
            raise MCPError(f"no MCP server {server!r}; configured: {sorted(self._configs)}")
        runner = self._state.runner()
        conn = self._state.connections[server]
        return await runner.run(conn.request(what, send))

    async def _server_tools(self, server: str) -> dict[str, Tool]:
        async def fetch(client: Any) -> list[Any]:
            tools: list[Any] = []
            cursor = None
            for _ in range(100):
                page = await client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if not cursor:
                    break
            return tools

        listed = await self._on_server(server, "tools/list", fetch)
        out: dict[str, Tool] = {}
        for entry in listed:
            if entry.name:
                out[entry.name] = self._tool(server, entry)
        return out

    def _tool(self, server: str, entry: Any) -> Tool:
        cfg = self._configs[server]
        name: str = entry.name
        output_schema = entry.output_schema
        meta = entry.meta
        annotations = (
            entry.annotations.model_dump(mode="json", by_alias=True, exclude_none=True)
            if entry.annotations is not None
            else None
        )
        mcp_props: dict[str, Any] = {}
        if meta:
            mcp_props["_meta"] = dict(meta)
        if annotations:
            mcp_props["annotations"] = annotations
        strict = None
        mastra_meta = (meta or {}).get("mastra")
        if isinstance(mastra_meta, Mapping) and isinstance(mastra_meta.get("strict"), bool):
            strict = mastra_meta["strict"]
        checker = compile_schema(_model_input_schema(output_schema)) if output_schema else None

        async def execute(input: Any, context: ToolExecutionContext) -> Any:
            arguments = input if isinstance(input, Mapping) else {}
            result = await self._on_server(
                server,
                f"tools/call {name!r}",
                lambda client: client.call_tool(
                    name, dict(arguments), read_timeout_seconds=cfg.timeout_s
                ),
            )
            return _mastra_result(server, name, result, cfg.on_tool_error, checker)

        return Tool(
            id=f"{server}_{name}",
            description=entry.description or "",
            input_schema=_model_input_schema(entry.input_schema or {"type": "object"}),
            execute=execute,
            strict=strict,
            require_approval=cfg.require_tool_approval,
            to_model_output=_structured_to_model_output if output_schema else None,
            mcp=mcp_props or None,
        )

    # Mastra's API ------------------------------------------------------------------------------
    async def list_tools_with_errors(self) -> ToolsWithErrors:
        """Every server's tools keyed ``<server>_<tool>``, and the error of each failed server."""
        found = await self._discover()
        tools: dict[str, Any] = {}
        for server, value in found.tools.items():
            for name, tool in value.items():
                tools[f"{server}_{name}"] = tool
        return ToolsWithErrors(tools=tools, errors=found.errors)

    async def list_tools(self) -> dict[str, Tool]:
        """Every server's tools keyed ``<server>_<tool>``; failed servers are logged and skipped."""
        return (await self.list_tools_with_errors()).tools

    async def list_toolsets_with_errors(self) -> ToolsWithErrors:
        """Tools grouped by server (``{server: {tool: Tool}}``), and each failed server's error."""
        return await self._discover()

    async def list_toolsets(self) -> dict[str, dict[str, Tool]]:
        """Tools grouped by server, for ``agent.generate(..., toolsets=...)``."""
        return (await self.list_toolsets_with_errors()).tools

    async def _discover(self) -> ToolsWithErrors:
        names = list(self._configs)
        results = await asyncio.gather(
            *(self._server_tools(name) for name in names), return_exceptions=True
        )
        tools: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, value in zip(names, results, strict=True):
            if isinstance(value, BaseException):
                if isinstance(value, asyncio.CancelledError):
                    raise value
                errors[name] = str(value)
                logger.warning("Failed to list tools from MCP server %r: %s", name, value)
                continue
            tools[name] = value
        return ToolsWithErrors(tools=tools, errors=errors)

    async def call_tool(
        self, server: str, name: str, arguments: Mapping[str, Any] | None = None
    ) -> Any:
        """Call one tool directly; returns what the tool's ``execute`` returns."""
        cfg = self._configs.get(server)
        if cfg is None:
            raise MCPError(f"no MCP server {server!r}; configured: {sorted(self._configs)}")
        result = await self._on_server(
            server,
            f"tools/call {name!r}",
            lambda client: client.call_tool(
                name, dict(arguments or {}), read_timeout_seconds=cfg.timeout_s
            ),
        )
        return _mastra_result(server, name, result, cfg.on_tool_error, None)

    async def disconnect(self) -> None:
        """Stop every server; the next use starts them again."""
        await asyncio.to_thread(self._state.shutdown)

    def disconnect_sync(self) -> None:
        """``disconnect()`` for code without an event loop."""
        self._state.shutdown()

    # 0.x names
    async def get_tools(self) -> dict[str, Tool]:
        """0.x name of :meth:`list_tools`."""
        return await self.list_tools()

    async def get_toolsets(self) -> dict[str, dict[str, Tool]]:
        """0.x name of :meth:`list_toolsets`."""
        return await self.list_toolsets()


def _mastra_result(server: str, name: str, result: Any, on_tool_error: str, checker: Any) -> Any:
    envelope = result.model_dump(mode="json", by_alias=True, exclude_unset=True)
    envelope.pop("resultType", None)
    is_error = bool(envelope.get("isError"))
    if is_error and on_tool_error == "throw":
        message = _text_of(envelope.get("content")) or "MCP tool execution failed"
        raise MCPToolError(message, server=server, tool=name, result=envelope)
    if "structuredContent" in envelope:
        value = envelope["structuredContent"]
        if not is_error and checker is not None:
            checked = checker.validate(value, apply_defaults=False)
            if not checked.ok:
                return _output_error(name, checked.issues, value)
        return _structured(value, envelope.get("content"), envelope.get("_meta"))
    return envelope
