"""The 1.x fixture projects verified against real Mastra, and how each is prepared."""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["FIXTURES", "FIXTURE_ENV", "prepare_fixture"]

REPO = Path(__file__).resolve().parents[2]

# every 1.x fixture whose agents load under real Mastra 1.71 (memory-stores needs PostgreSQL and
# Upstash at load time, so it is left out)
FIXTURES = ["weather-1x", "cross-file", "sub-agents", "tool-zoo", "modern-1x", "dynamic-config"]

# environment the fixtures read at load time (the same on both sides)
FIXTURE_ENV = {
    "MODEL_NAME": "gpt-4o-mini",
    "ANTHROPIC_API_KEY": "test-key",
    "GOOGLE_GENERATIVE_AI_API_KEY": "test-key",
}

# dynamic-config's docs agent takes its tools from `await mcp.listTools()` at import time, which
# starts an MCP server with `npx` (network) and connects to localhost:8931. The copy verified here
# stubs that one call with an empty tool set; everything else is the fixture as committed.
MCP_STUB = ("tools: await mcp.listTools(),", "tools: {},")


def prepare_fixture(name: str, into: Path) -> Path:
    """Copy a fixture project into ``into`` (stubbing what needs the network); return the copy."""
    target = into / name
    shutil.copytree(REPO / "fixtures" / name, target)
    if name == "dynamic-config":
        docs = target / "src" / "mastra" / "agents" / "docs-agent.ts"
        text = docs.read_text(encoding="utf-8")
        assert MCP_STUB[0] in text, "dynamic-config/docs-agent.ts changed: update MCP_STUB"
        docs.write_text(text.replace(*MCP_STUB), encoding="utf-8")
    return target
