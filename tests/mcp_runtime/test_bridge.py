"""``lumos-migrate convert --bridge``: untranslated tools run their TypeScript execute under Node.

A fixture is converted with ``--bridge``, the port is imported, and a bridged tool is called: the
TypeScript runs in the Node bridge (``bridge.mjs`` with ``@mastra/mcp``'s MCPServer, through
``MCPClient``). Its result must equal what the same tool returns when real Mastra runs it
directly; a thrown error must come back with the TypeScript message and location. Needs Node and
the npm cache of the compatibility suite (``lumos-migrate verify``); skipped without them.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from converters.cli import app
from converters.verify.node import default_home
from lumos_compat import Agent
from lumos_compat.mcp import TypeScriptToolError
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "run_ts_tool.mjs"
HOME = default_home()


def _ready() -> str | None:
    if shutil.which(os.environ.get("LUMOS_NODE", "node")) is None:
        return "Node is not installed"
    for package in ("@mastra/core", "@mastra/mcp", "tsx", "zod"):
        if not (HOME / "node_modules" / package / "package.json").is_file():
            return f"the npm cache {HOME} has no {package} (run the verify install step)"
    return None


pytestmark = pytest.mark.skipif(_ready() is not None, reason=str(_ready()))

RISKY = """\
import { createTool } from '@mastra/core/tools';
import { z } from 'zod';

function check(amount: number): number {
  if (amount < 0) {
    throw new RangeError(`negative amount: ${amount}`);
  }
  return amount;
}

export const riskyTool = createTool({
  id: 'risky',
  description: 'Doubles an amount; fails on negative amounts',
  inputSchema: z.object({ amount: z.number(), note: z.string().default('none') }),
  execute: async ({ amount, note }, context) => ({
    doubled: check(amount) * 2,
    note,
    tenant: context?.requestContext?.get('tenant') ?? null,
    at: new Date(0),
  }),
});
"""


def _convert(project: Path, out: Path) -> None:
    result = CliRunner().invoke(app, ["convert", str(project), "--out", str(out), "--bridge"])
    assert result.exit_code == 0, result.output
    importlib.invalidate_caches()


def _reference(project: Path, file: str, binding: str, input: Any) -> dict[str, Any]:
    """The tool run directly by real Mastra under Node."""
    copy = project.parent / f"{project.name}-reference"
    if not copy.exists():
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("node_modules"))
        (copy / "node_modules").symlink_to(HOME / "node_modules")
    proc = subprocess.run(
        [
            os.environ.get("LUMOS_NODE", "node"),
            str(REFERENCE),
            str(HOME),
            str(copy),
            file,
            binding,
            json.dumps(input),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def port(tmp_path: Path) -> Iterator[Path]:
    """Where converted packages go; importable, and forgotten afterwards."""
    out = tmp_path / "port"
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))
        # forget the ported packages only (other modules imported meanwhile stay)
        packages = {p.parent.name for p in out.glob("*/__init__.py")}
        for name in [n for n in sys.modules if n.split(".")[0] in packages]:
            module = sys.modules.pop(name)
            bridge = getattr(module, "bridge", None)
            if name.endswith("._bridge") and hasattr(bridge, "disconnect"):
                import asyncio

                asyncio.run(bridge.disconnect())


async def test_bridged_fixture_tool_equals_mastra(port: Path, tmp_path: Path) -> None:
    project = tmp_path / "tool-zoo"
    shutil.copytree(ROOT / "fixtures" / "tool-zoo", project)
    _convert(project, port)
    report = json.loads((port / "MIGRATION_REPORT.json").read_text())
    bridged = [f for f in report["needs_person"] if f["rule"] == "LM361"]
    assert {f["message"].split("`")[1] for f in bridged} == {"objectModesTool", "ledgerEntryTool"}
    assert not [f for f in report["needs_person"] if f["rule"] == "LM351"]

    objects = importlib.import_module("tool_zoo.tools.objects")
    tool = objects.object_modes_tool
    for flags in ({"beta": True, "extra": False}, {"beta": False}):
        args = {
            "strictSettings": {"theme": "dark", "fontSize": 12},
            "looseSettings": {"locale": "de", "region": "EU"},
            "featureFlags": flags,
        }
        got = await tool.execute(args)
        expected = _reference(project, "src/mastra/tools/objects.ts", "objectModesTool", args)
        assert expected["ok"]
        assert got.model_dump() == expected["result"] == {"saved": True}


async def test_bridged_errors_carry_the_typescript_message_and_location(
    port: Path, tmp_path: Path
) -> None:
    project = tmp_path / "risky"
    (project / "src" / "mastra" / "tools").mkdir(parents=True)
    (project / "package.json").write_text(
        '{"name": "risky", "type": "module", "dependencies": {"@mastra/core": "^1.4.0", "zod": "^4"}}'
    )
    (project / "src" / "mastra" / "tools" / "risky.ts").write_text(RISKY)
    _convert(project, port)
    module = importlib.import_module("risky.risky")
    tool = module.risky_tool

    # a result, with zod's default filled in TypeScript and the request context passed along
    ok_args = {"amount": 2.5}
    got = await tool.execute(ok_args, {"request_context": {"tenant": "acme"}})
    expected = _reference(project, "src/mastra/tools/risky.ts", "riskyTool", ok_args)
    assert expected["ok"]
    assert got == {**expected["result"], "tenant": "acme"}
    assert got == {"doubled": 5, "note": "none", "tenant": "acme", "at": "1970-01-01T00:00:00.000Z"}

    # an error: the message Mastra would give the model, the place it was thrown
    with pytest.raises(TypeScriptToolError) as info:
        await tool.execute({"amount": -1})
    expected = _reference(project, "src/mastra/tools/risky.ts", "riskyTool", {"amount": -1})
    assert str(info.value) == expected["message"] == "negative amount: -1"
    assert info.value.error_name == expected["name"] == "RangeError"
    assert info.value.location == "src/mastra/tools/risky.ts:6:11"

    # in an agent the model gets the TypeScript message as the tool error, as in Mastra
    script = [
        Turn(tool_calls=[ScriptToolCall(name="risky", arguments={"amount": -3}, id="c1")]),
        Turn.say("sorry"),
    ]
    with FakeLLMServer(script) as server:
        agent = Agent(id="a", instructions="i", model=server.model("m"), tools={"risky": tool})
        await agent.generate("go")
        message = server.model_requests[1].body["messages"][-1]
    assert message == {"role": "tool", "tool_call_id": "c1", "content": "negative amount: -3"}
