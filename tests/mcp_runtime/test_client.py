"""``lumos_compat.mcp.MCPClient`` against real MCP servers (``py_server.py`` over stdio and HTTP)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lumos_compat import Agent
from lumos_compat.mcp import (
    MCPClient,
    MCPConnectionError,
    MCPError,
    MCPTimeoutError,
    MCPToolError,
)
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn
from tests.mcp_runtime.conftest import SERVER, stdio_server


def _whoami(result: dict[str, Any]) -> dict[str, Any]:
    return json.loads(result["content"][0]["text"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie child of ours still answers kill(0); read its state
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _wait_dead(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
async def client() -> Any:
    mcp = MCPClient(
        id="test-client",
        servers={"test": stdio_server(env={"MCP_TEST_VALUE": "hello"})},
        timeout=20_000,
    )
    yield mcp
    await mcp.disconnect()


async def test_list_tools_names_and_schemas_follow_mastra(client: MCPClient) -> None:
    tools = await client.list_tools()
    assert list(tools) == [
        "test_add",
        "test_lookup",
        "test_fail",
        "test_crash",
        "test_slow",
        "test_shape",
        "test_whoami",
    ]
    add = tools["test_add"]
    assert add.id == "test_add"
    assert add.description == "Add two numbers"
    assert add.parameters == {
        "type": "object",
        "properties": {
            "a": {"type": "number", "description": "first addend"},
            "b": {"type": "number", "description": "second addend"},
        },
        "required": ["a", "b"],
        "$schema": "http://json-schema.org/draft-07/schema#",
        "additionalProperties": False,
    }
    # a declared 2020-12 dialect is sent as draft-07, in place, as Mastra does
    shape = tools["test_shape"].parameters
    assert next(iter(shape)) == "$schema"
    assert shape["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert shape["$defs"]["Point"]["additionalProperties"] is False

    toolsets = await client.list_toolsets()
    assert list(toolsets) == ["test"]
    assert toolsets["test"]["add"].id == "test_add"


async def test_results_errors_and_validation(client: MCPClient) -> None:
    tools = await client.list_tools()
    plain = await tools["test_add"].execute({"a": 2, "b": 0.5})
    assert plain["content"] == [{"type": "text", "text": "2.5"}]
    assert plain["isError"] is False
    assert "resultType" not in plain
    structured = await tools["test_lookup"].execute({"city": "Oslo", "units": "imperial"})
    assert structured == {"city": "Oslo", "temperature": 70.7}
    with pytest.raises(MCPToolError, match=r"^cannot do it: because$") as info:
        await tools["test_fail"].execute({"reason": "because"})
    assert info.value.server == "test" and info.value.tool == "fail"
    invalid = await tools["test_lookup"].execute({"city": ""})
    assert invalid["error"] is True
    assert "must NOT have fewer than 1 characters" in invalid["message"]


async def test_env_and_cwd_reach_the_server(tmp_path: Path) -> None:
    mcp = MCPClient(servers={"s": stdio_server(env={"MCP_TEST_VALUE": "v"}, cwd=str(tmp_path))})
    try:
        who = _whoami(await mcp.call_tool("s", "whoami"))
        assert who["env"] == "v"
        assert Path(who["cwd"]).resolve() == tmp_path.resolve()
    finally:
        await mcp.disconnect()


async def test_timeout_keeps_the_server(client: MCPClient) -> None:
    fast = MCPClient(servers={"test": stdio_server(timeout=800)})
    try:
        tools = await fast.list_tools()
        before = _whoami(await tools["test_whoami"].execute({}))["pid"]
        started = time.monotonic()
        with pytest.raises(MCPTimeoutError, match="did not answer tools/call 'slow' within 800 ms"):
            await tools["test_slow"].execute({"seconds": 5})
        assert time.monotonic() - started < 4
        assert _whoami(await tools["test_whoami"].execute({}))["pid"] == before
    finally:
        await fast.disconnect()


async def test_a_dead_server_is_restarted_once(client: MCPClient) -> None:
    tools = await client.list_tools()
    first = _whoami(await tools["test_whoami"].execute({}))["pid"]
    # killed while idle: the next call reconnects and succeeds
    os.kill(first, 9)
    assert _wait_dead(first)
    second = _whoami(await tools["test_whoami"].execute({}))["pid"]
    assert second != first
    # a call that kills the server each time is retried once, then fails
    with pytest.raises(MCPConnectionError, match="closed the connection during tools/call 'crash'"):
        await tools["test_crash"].execute({})
    third = _whoami(await tools["test_whoami"].execute({}))["pid"]
    assert third not in (first, second)


async def test_an_agent_gets_the_server_error_as_a_tool_error(client: MCPClient) -> None:
    script = [
        Turn(tool_calls=[ScriptToolCall(name="test_fail", arguments={"reason": "x"}, id="c1")]),
        Turn.say("ok"),
    ]
    with FakeLLMServer(script) as server:
        agent = Agent(id="a", instructions="i", model=server.model("m"), tools=client.list_tools)
        result = await agent.generate("go")
        tool_message = server.model_requests[1].body["messages"][-1]
    assert tool_message == {"role": "tool", "tool_call_id": "c1", "content": "cannot do it: x"}
    assert result.text == "ok"


def test_works_from_several_event_loops() -> None:
    mcp = MCPClient(servers={"test": stdio_server()})
    try:
        tools = asyncio.run(mcp.list_tools())
        one = asyncio.run(tools["test_whoami"].execute({}))
        two = asyncio.run(tools["test_whoami"].execute({}))
        assert _whoami(one)["pid"] == _whoami(two)["pid"]
    finally:
        mcp.disconnect_sync()


async def test_disconnect_stops_the_server_and_next_use_restarts(client: MCPClient) -> None:
    pid = _whoami(await client.call_tool("test", "whoami"))["pid"]
    await client.disconnect()
    assert _wait_dead(pid)
    again = _whoami(await client.call_tool("test", "whoami"))["pid"]
    assert again != pid


def test_interpreter_exit_stops_the_server(tmp_path: Path) -> None:
    program = textwrap.dedent(
        f"""
        import asyncio, json, sys
        from lumos_compat.mcp import MCPClient
        mcp = MCPClient(servers={{"s": {{"command": sys.executable, "args": [{str(SERVER)!r}]}}}})
        result = asyncio.run(mcp.call_tool("s", "whoami"))
        print(json.loads(result["content"][0]["text"])["pid"], flush=True)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    pid = int(proc.stdout.strip())
    assert _wait_dead(pid), f"server {pid} outlived the interpreter"


async def test_missing_command_and_bad_config_say_what_to_do() -> None:
    mcp = MCPClient(servers={"gone": {"command": "no-such-mcp-server-binary"}})
    found = await mcp.list_tools_with_errors()
    assert found.tools == {}
    assert "was not found on PATH" in found.errors["gone"]
    assert await mcp.list_tools() == {}
    with pytest.raises(MCPConnectionError, match="was not found on PATH"):
        await mcp.call_tool("gone", "x")
    await mcp.disconnect()
    with pytest.raises(MCPError, match="exactly one of 'command'"):
        MCPClient(servers={"x": {"command": "a", "url": "http://127.0.0.1/mcp"}})
    with pytest.raises(MCPError, match="unknown option"):
        MCPClient(servers={"x": {"command": "a", "bogus": 1}})
    with pytest.raises(MCPError, match="no MCP server 'nope'"):
        await MCPClient(servers={}).call_tool("nope", "x")


@pytest.fixture
def http_server() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 90  # the interpreter and uvicorn start slowly on a busy CI
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2, trust_env=False)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    raise RuntimeError(f"HTTP MCP server did not start: {err[-2000:]}") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_streamable_http_with_headers(http_server: str) -> None:
    mcp = MCPClient(
        servers={"web": {"url": http_server, "request_init": {"headers": {"x-test": "secret"}}}}
    )
    try:
        tools = await mcp.list_tools()
        assert "web_add" in tools
        assert (await tools["web_lookup"].execute({"city": "Rome"}))["city"] == "Rome"
        assert _whoami(await tools["web_whoami"].execute({}))["header"] == "secret"
    finally:
        await mcp.disconnect()


async def test_bridge_without_node_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lumos_compat import create_tool
    from lumos_compat.mcp import TypeScriptBridge

    monkeypatch.setenv("LUMOS_NODE", "no-such-node-binary")
    script = tmp_path / "bridge.mjs"
    script.write_text("// stands in for the packaged bridge program\n")
    bridge = TypeScriptBridge(project=tmp_path, script=script)
    execute = bridge.execute("tools__t", file="src/t.ts", binding="t", tool_id="t")
    with pytest.raises(MCPConnectionError, match=r"Node\.js was not found.*Install Node\.js 20"):
        await execute({}, None)
    # in an agent run the model gets it as the tool's error
    tool = create_tool(id="t", execute=execute)
    outcome = await tool.run_for_model("{}", tool_name="t", tool_call_id="c1")
    assert outcome.kind == "error"
    assert "Install Node.js 20" in outcome.model_text
