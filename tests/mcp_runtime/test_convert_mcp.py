"""``new MCPClient({...})`` and ``tools: await mcp.listTools()`` converted, imported and run.

A small Mastra project whose MCP server is ``py_server.py`` is converted; the ported agent must offer
the server's tools to the model (named and shaped as in ``tests/data/mastra_mcp``) and run them.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converters.cli import app
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn
from tests.mcp_runtime.conftest import SERVER

AGENT_TS = """\
import {{ Agent }} from '@mastra/core/agent';
import {{ createTool }} from '@mastra/core/tools';
import {{ MCPClient }} from '@mastra/mcp';
import {{ z }} from 'zod';

export const mcp = new MCPClient({{
  id: 'calc-mcp',
  servers: {{
    calc: {{
      command: {python},
      args: [{server}],
      env: {{ MCP_TEST_VALUE: 'from-port' }},
      enableServerLogs: false,
    }},
  }},
  timeout: 20_000,
}});

export const echoTool = createTool({{
  id: 'echo',
  description: 'Echo a word',
  inputSchema: z.object({{ word: z.string() }}),
  execute: async ({{ word }}) => ({{ word }}),
}});

export const calcAgent = new Agent({{
  id: 'calc',
  name: 'Calc',
  instructions: 'Use the calculator.',
  model: 'openai/gpt-4o-mini',
  tools: await mcp.listTools(),
}});

export const mixedAgent = new Agent({{
  id: 'mixed',
  name: 'Mixed',
  instructions: 'Use all tools.',
  model: 'openai/gpt-4o-mini',
  tools: {{ ...(await mcp.getTools()), echoTool }},
}});
"""


@pytest.fixture
def ported(tmp_path: Path) -> Iterator[object]:
    project = tmp_path / "calc"
    (project / "src" / "mastra" / "agents").mkdir(parents=True)
    (project / "package.json").write_text(
        '{"name": "calc", "type": "module", "dependencies": {"@mastra/core": "^1.4.0", "@mastra/mcp": "^1.0.0"}}'
    )
    (project / "src" / "mastra" / "agents" / "calc.ts").write_text(
        AGENT_TS.format(python=json.dumps(sys.executable), server=json.dumps(str(SERVER)))
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["convert", str(project), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "MIGRATION_REPORT.json").read_text())
    assert not [
        f
        for f in report["needs_person"]
        if f["rule"].startswith(("LM7", "LM207", "LM208", "LM260"))
    ]
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    try:
        module = importlib.import_module("calc.calc")
        yield module
    finally:
        mcp = module.mcp
        mcp.disconnect_sync()
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "calc" or n.startswith("calc.")]:
            del sys.modules[name]


async def test_converted_client_feeds_the_agent(ported: object) -> None:
    source = Path(ported.__file__).read_text()  # type: ignore[attr-defined]
    assert "tools=mcp.list_tools," in source
    assert '"env": {"MCP_TEST_VALUE": "from-port"}' in source
    assert "enableServerLogs" not in source and "enable_server_logs" not in source
    recorded = json.loads(
        (Path(__file__).parents[1] / "data" / "mastra_mcp" / "mcp-tools-generate.json").read_text()
    )
    script = [
        Turn(tool_calls=[ScriptToolCall(name="calc_whoami", arguments={}, id="c1")]),
        Turn.say("done"),
    ]
    with FakeLLMServer(script) as server:
        agent = ported.calc_agent  # type: ignore[attr-defined]
        agent.update_model(server.model("fake-model"))
        result = await agent.generate("who are you?")
        first = server.model_requests[0].body
    # the same tool definitions as Mastra's, under this project's server name
    mastra_tools = {
        t["function"]["name"]: t["function"] for t in recorded["requests"][0]["body"]["tools"]
    }
    assert len(first["tools"]) == len(mastra_tools)
    for tool in first["tools"]:
        name = tool["function"]["name"]
        assert name.startswith("calc_")
        twin = mastra_tools["test_" + name.removeprefix("calc_")]
        assert {**tool["function"], "name": twin["name"]} == twin
    answer = result.to_mastra()["toolResults"][0]["payload"]["result"]
    assert json.loads(answer["content"][0]["text"])["env"] == "from-port"


async def test_spread_tools_merge_mcp_and_own_tools(ported: object) -> None:
    tools = await ported.mixed_agent.list_tools()  # type: ignore[attr-defined]
    assert "echoTool" in tools and "calc_add" in tools
    assert tools["echoTool"].id == "echo"
