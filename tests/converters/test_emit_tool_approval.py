"""createTool's human-in-the-loop fields (requireApproval, suspendSchema, resumeSchema) survive
conversion: the ported tool pauses an agent run the way the Mastra tool does."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from converters.cli import app
from lumos_compat import Agent
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn

TOOLS_TS = """\
import { createTool } from '@mastra/core/tools';
import { z } from 'zod';

export const refundTool = createTool({
  id: 'issue-refund',
  description: 'Issue a refund',
  inputSchema: z.object({ orderId: z.string(), amount: z.number() }),
  suspendSchema: z.object({ question: z.string() }),
  resumeSchema: z.object({ confirmed: z.boolean().describe('Whether the user confirmed') }),
  requireApproval: true,
  execute: async ({ orderId }) => ({ refunded: orderId }),
});
"""


def _convert(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    (project / "src" / "mastra" / "tools").mkdir(parents=True)
    (project / "package.json").write_text(
        '{"name": "shop", "dependencies": {"@mastra/core": "^1.2.0", "zod": "^4.0.0"}}'
    )
    (project / "src" / "mastra" / "tools" / "refund.ts").write_text(TOOLS_TS)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["convert", str(project), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    return out


async def test_ported_tool_keeps_approval_and_schemas(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = _convert(tmp_path)
    modules = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.py")}
    (path, code) = next((k, v) for k, v in modules.items() if k.endswith("refund.py"))
    assert "require_approval=True" in code
    assert "suspend_schema=RefundToolSuspend" in code
    assert "resume_schema=RefundToolResume" in code
    assert "not converted" not in code  # no LM353 TODO for these options any more

    monkeypatch.syspath_prepend(str(out))
    module_name = path[: -len(".py")].replace("/", ".")
    top = module_name.split(".")[0]
    try:
        tools = importlib.import_module(module_name)
        tool = tools.refund_tool
        assert tool.require_approval is True
        resume = tool.resume_schema.model_json_schema()
        assert resume["properties"]["confirmed"]["description"] == "Whether the user confirmed"
        assert set(tool.suspend_schema.model_json_schema()["properties"]) == {"question"}

        turn = Turn(
            tool_calls=[
                ScriptToolCall(name="refund", arguments={"orderId": "A-1", "amount": 5}, id="c1")
            ]
        )
        with FakeLLMServer([turn]) as server:
            agent = Agent(id="a", instructions="x", model=server.model("m"), tools={"refund": tool})
            result = await agent.generate("refund A-1")
        assert result.finish_reason == "suspended"
        assert result["suspendPayload"]["toolCallId"] == "c1"
        assert json.loads(result["resumeSchema"])["required"] == ["approved"]
    finally:
        for name in list(sys.modules):
            if name == top or name.startswith(top + "."):
                del sys.modules[name]
