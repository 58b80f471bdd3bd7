"""A small MCP server over stdio for the tests, written with the official ``mcp`` Python SDK.

Run as ``python tests/mcp_runtime/py_server.py`` (stdio) or ``... --http PORT`` (streamable HTTP on
127.0.0.1:PORT at ``/mcp``). Its tools have hand-written JSON Schemas (so the tests
see exactly what a server sends) and cover the cases a client must handle: a plain result, a
structured result with an output schema, a tool error, a crash of the server process, and a
slow call. ``whoami`` reports the process id, working folder, ``MCP_TEST_VALUE`` and (over HTTP)
the ``x-test`` request header last seen. ``MCP_TEST_PID_FILE`` names a file that each started process appends its pid to.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

TOOLS = [
    types.Tool(
        name="add",
        description="Add two numbers",
        input_schema={
            "type": "object",
            "properties": {
                "a": {"type": "number", "description": "first addend"},
                "b": {"type": "number", "description": "second addend"},
            },
            "required": ["a", "b"],
        },
    ),
    types.Tool(
        name="lookup",
        description="Look a city up",
        input_schema={
            "type": "object",
            "properties": {
                "city": {"type": "string", "minLength": 1},
                "units": {"type": "string", "enum": ["metric", "imperial"], "default": "metric"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "near": {
                    "type": "object",
                    "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                    "required": ["lat", "lon"],
                },
            },
            "required": ["city"],
        },
        output_schema={
            "type": "object",
            "properties": {"city": {"type": "string"}, "temperature": {"type": "number"}},
            "required": ["city", "temperature"],
        },
    ),
    types.Tool(
        name="fail",
        description="Always fails",
        input_schema={
            "type": "object",
            "properties": {"reason": {"type": "string"}},
            "required": ["reason"],
        },
    ),
    types.Tool(
        name="crash",
        description="Kills the server process",
        input_schema={"type": "object", "properties": {}},
    ),
    types.Tool(
        name="slow",
        description="Sleeps before answering",
        input_schema={"type": "object", "properties": {"seconds": {"type": "number"}}},
    ),
    types.Tool(
        name="shape",
        title="Shape",
        description="A schema with the JSON Schema features servers use",
        input_schema={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "ShapeArgs",
            "type": "object",
            "properties": {
                "email": {"type": "string", "format": "email"},
                "count": {"type": "integer", "minimum": 0},
                "anything": {"description": "no type given"},
                "choice": {"anyOf": [{"type": "string"}, {"type": "number"}]},
                "point": {"$ref": "#/$defs/Point"},
                "meta": {"type": "object", "additionalProperties": True},
                "maybe": {"type": ["string", "null"]},
                "size": {"type": "integer", "default": 3},
            },
            "required": ["email"],
            "$defs": {
                "Point": {
                    "type": "object",
                    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                    "required": ["x"],
                }
            },
        },
    ),
    types.Tool(
        name="whoami",
        description="The server process id and environment",
        input_schema={"type": "object", "properties": {}},
    ),
]


_last_header: dict[str, str | None] = {"x-test": None}


def _text(value: str) -> list[types.TextContent]:
    return [types.TextContent(type="text", text=value)]


async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
    return types.ListToolsResult(tools=TOOLS)


async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "add":
        total = args["a"] + args["b"]
        return types.CallToolResult(content=_text(json.dumps(total)))
    if params.name == "lookup":
        data = {
            "city": args["city"],
            "temperature": 21.5 if args.get("units") != "imperial" else 70.7,
        }
        return types.CallToolResult(content=_text(json.dumps(data)), structured_content=data)
    if params.name == "fail":
        return types.CallToolResult(content=_text(f"cannot do it: {args['reason']}"), is_error=True)
    if params.name == "crash":
        os._exit(3)
    if params.name == "slow":
        await anyio.sleep(float(args.get("seconds", 5)))
        return types.CallToolResult(content=_text("done"))
    if params.name == "shape":
        return types.CallToolResult(content=_text(json.dumps(args, sort_keys=True)))
    if params.name == "whoami":
        data = {
            "pid": os.getpid(),
            "cwd": os.getcwd(),
            "env": os.environ.get("MCP_TEST_VALUE"),
            "header": _last_header["x-test"],
        }
        return types.CallToolResult(content=_text(json.dumps(data)))
    return types.CallToolResult(content=_text(f"unknown tool {params.name}"), is_error=True)


server = Server("lumos-test", version="1.0.0", on_list_tools=list_tools, on_call_tool=call_tool)


def serve_http(port: int) -> None:
    import uvicorn

    app = server.streamable_http_app()

    class RememberHeader:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                for key, value in scope["headers"]:
                    if key == b"x-test":
                        _last_header["x-test"] = value.decode()
            await self.inner(scope, receive, send)

    uvicorn.run(RememberHeader(app), host="127.0.0.1", port=port, log_level="warning")


async def main() -> None:
    pid_file = os.environ.get("MCP_TEST_PID_FILE")
    if pid_file:
        with open(pid_file, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        serve_http(int(sys.argv[2]))
    else:
        sys.exit(asyncio.run(main()))
