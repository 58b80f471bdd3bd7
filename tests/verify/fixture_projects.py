"""The fixture projects verified against real Mastra, and how each is prepared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = [
    "CONVERT_EXIT",
    "ENTRIES",
    "FIXTURES",
    "FIXTURE_ENV",
    "MASTRA_VERSIONS",
    "prepare_fixture",
]

REPO = Path(__file__).resolve().parents[2]

# every 1.x fixture, verified against real Mastra 1.71 (malformed: its good part, see below)
FIXTURES = [
    "weather-1x",
    "cross-file",
    "sub-agents",
    "tool-zoo",
    "modern-1x",
    "dynamic-config",
    "memory-stores",
    "translatable-tools",
    "malformed",
    # 0.x projects, verified against real Mastra 0.x (the 0.x pin of converters/verify)
    "legacy-0x",
    "memory-0x",
]

# the Mastra each fixture runs on: the pin of its generation
MASTRA_VERSIONS = {name: "0.24.9" if name.endswith("-0x") else "1.71.0" for name in FIXTURES}

# legacy-0x's src/mastra/index.ts imports its legacy Workflow/Step graph, which Mastra left in
# 0.9 (0.10 moved it to @mastra/core/workflows/legacy): its agents are loaded from their module
ENTRIES = {"legacy-0x": "src/mastra/agents/index.ts"}

# `lumos-migrate convert` exit codes: malformed has files that do not parse (3: some failed)
CONVERT_EXIT = {"malformed": 3}

# environment the fixtures read at load time (the same on both sides)
FIXTURE_ENV = {
    "MODEL_NAME": "gpt-4o-mini",
    "ANTHROPIC_API_KEY": "test-key",
    "GOOGLE_GENERATIVE_AI_API_KEY": "test-key",
    # memory-stores' Upstash store: never reached (no scenario gives a memory thread)
    "UPSTASH_REDIS_REST_URL": "http://127.0.0.1:9",
    "UPSTASH_REDIS_REST_TOKEN": "unused",
}

# memory-stores (1.x) and memory-0x build PostgreSQL stores from DATABASE_URL and PG* variables,
# and real Mastra 1.x connects to its stores on the first generate even without a memory thread:
# they get the test PostgreSQL (LUMOS_TEST_POSTGRES_URL, which CI starts) in both forms
PG_URL = os.environ.get("LUMOS_TEST_POSTGRES_URL", "")
NEEDS_POSTGRES = {"memory-stores", "memory-0x"}
if PG_URL:
    _pg = urlsplit(PG_URL)
    FIXTURE_ENV |= {
        "DATABASE_URL": PG_URL,
        "PGHOST": _pg.hostname or "127.0.0.1",
        "PGPORT": str(_pg.port or 5432),
        "PGDATABASE": _pg.path.lstrip("/") or "postgres",
        "PGUSER": unquote(_pg.username or "postgres"),
        # the test cluster trusts loopback; Mastra refuses an empty password, so one is given
        "PGPASSWORD": unquote(_pg.password or "") or "unused-by-trust-auth",
    }

# dynamic-config's docs agent takes its tools from `await mcp.listTools()` at import time, which
# starts an MCP server with `npx` (network) and connects to localhost:8931. The copy verified here
# stubs that one call with an empty tool set; everything else is the fixture as committed.
MCP_STUB = ("tools: await mcp.listTools(),", "tools: {},")

# malformed cannot load under Mastra by design (a tool file with syntax errors, an agent file that
# is not UTF-8). Its good part is verified: the copy's Mastra instance registers only the agent
# whose files are all good; every other file (the broken ones too) is converted as committed.
MALFORMED_INDEX = """import { Mastra } from '@mastra/core/mastra';
import { weatherAgent } from './agents/weather-agent';

export const mastra = new Mastra({
  agents: { weatherAgent },
});
"""


def prepare_fixture(name: str, into: Path) -> Path:
    """Copy a fixture project into ``into`` (stubbing what needs the network); return the copy."""
    target = into / name
    shutil.copytree(REPO / "fixtures" / name, target)
    if name == "dynamic-config":
        docs = target / "src" / "mastra" / "agents" / "docs-agent.ts"
        text = docs.read_text(encoding="utf-8")
        assert MCP_STUB[0] in text, "dynamic-config/docs-agent.ts changed: update MCP_STUB"
        docs.write_text(text.replace(*MCP_STUB), encoding="utf-8")
    if name == "malformed":
        index = target / "src" / "mastra" / "index.ts"
        assert "weatherAgent, inventoryAgent, greeterAgent" in index.read_text("utf-8")
        index.write_text(MALFORMED_INDEX, encoding="utf-8")
    return target
