"""Wire parity of MCP tools with real Mastra (``@mastra/mcp`` 2.0, ``@mastra/core`` 1.71).

``tests/data/mastra_mcp`` holds what a Mastra agent with ``tools: await mcp.listTools()`` (or
``toolsets``) sent to the fake LLM while talking to ``py_server.py`` (``python -m tests.mcp_runtime.record``).
Here a lumos agent with ``MCPClient`` talks to the same server through the same script: every model
request (tool names, descriptions, JSON Schemas, tool results and errors) must be equal, and so must
the tool results the caller gets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lumos_compat import Agent
from lumos_compat.mcp import MCPClient
from lumos_compat.testing import FakeLLMServer
from tests.mcp_runtime.conftest import stdio_server
from tests.mcp_runtime.record import RECORDINGS_DIR, SCENARIOS_DIR
from tests.oracle.record import KEPT_HEADERS, normalise

SCENARIOS = sorted(p.stem for p in SCENARIOS_DIR.glob("*.json"))


def _strip_undefined(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_undefined(v) for k, v in value.items() if v != "<undefined>"}
    if isinstance(value, list):
        return [_strip_undefined(v) for v in value]
    return value


def _tool_results(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "toolName": r["payload"]["toolName"],
            "toolCallId": r["payload"]["toolCallId"],
            "args": r["payload"]["args"],
            "result": r["payload"]["result"],
        }
        for r in result["toolResults"]
    ]


def test_every_scenario_is_recorded() -> None:
    recorded = sorted(p.stem for p in RECORDINGS_DIR.glob("*.json"))
    assert recorded == SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
async def test_mcp_tools_reach_the_model_as_in_mastra(name: str) -> None:
    scenario = json.loads((SCENARIOS_DIR / f"{name}.json").read_text())
    recording = _strip_undefined(json.loads((RECORDINGS_DIR / f"{name}.json").read_text()))
    assert recording["scenario"] == scenario, (
        "the recording is stale: python -m tests.mcp_runtime.record"
    )
    assert recording["server_errors"] == []

    mcp = MCPClient(id=f"wire-{name}", servers={scenario["server"]: stdio_server()}, timeout=30_000)
    try:
        with FakeLLMServer(scenario["script"]) as server:
            options: dict[str, Any] = dict(scenario["options"])
            tools = None
            if scenario["use"] == "toolsets":
                options["toolsets"] = await mcp.list_toolsets()
            else:
                tools = await mcp.list_tools()
            agent = Agent(
                id="mcp-agent",
                name="MCP Agent",
                instructions=scenario["instructions"],
                model=server.model("fake-model"),
                tools=tools,
            )
            result = (await agent.generate(scenario["messages"], options)).to_mastra()
            requests = [
                {
                    "path": r.path,
                    "body": r.body,
                    "headers": {k: r.headers[k] for k in KEPT_HEADERS if k in r.headers},
                }
                for r in server.model_requests
            ]
            doc = normalise(
                json.loads(json.dumps({"requests": requests, "result": result})),
                server.url,
                scenario,
            )
    finally:
        await mcp.disconnect()

    assert doc["requests"] == recording["requests"]
    assert _tool_results(doc["result"]) == _tool_results(recording["result"])
    assert doc["result"]["text"] == recording["result"]["text"]
