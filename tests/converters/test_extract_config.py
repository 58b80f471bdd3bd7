"""Memory and storage, MCP clients and the Mastra instance (converters.extract.memory, .mcp, .mastra)."""

from __future__ import annotations

from pathlib import Path

from converters.ir import (
    EnvValue,
    ObjectValue,
    Project,
    RefValue,
    StorageNode,
)
from converters.scan import scan_project


def scan(root: Path, files: dict[str, str]) -> Project:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return scan_project(root)


def test_memory_with_storage_and_vector(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/storage.ts": (
                "import { LibSQLStore } from '@mastra/libsql';\n"
                "export const storage = new LibSQLStore({ id: 'store', url: 'file:./mastra.db' });\n"
            ),
            "src/memory.ts": (
                "import { Memory } from '@mastra/memory';\nimport { PgVector } from '@mastra/pg';\n"
                "import { openai } from '@ai-sdk/openai';\nimport { storage } from './storage';\n"
                "export const memory = new Memory({\n  storage,\n"
                "  vector: new PgVector({ id: 'vec', connectionString: process.env.DATABASE_URL }),\n"
                "  embedder: openai.embedding('text-embedding-3-small'),\n"
                "  options: { lastMessages: 20, semanticRecall: { topK: 3 } },\n"
                "  processors: [],\n});\n"
                "export const plain = new Memory();\n"
            ),
        },
    )
    mems = {m.binding: m for m in p.memories}
    mem = mems["memory"]
    assert isinstance(mem.storage, StorageNode)
    assert (mem.storage.class_name, mem.storage.module) == ("LibSQLStore", "@mastra/libsql")
    assert mem.storage.loc.file == "src/storage.ts"
    assert isinstance(mem.storage.options, ObjectValue)
    assert isinstance(mem.vector, StorageNode) and mem.vector.class_name == "PgVector"
    assert isinstance(mem.vector.options, ObjectValue)
    assert isinstance(mem.vector.options.entries["connectionString"], EnvValue)
    assert mem.embedder is not None and mem.embedder.kind == "call"
    assert isinstance(mem.options, ObjectValue) and "lastMessages" in mem.options.entries
    assert mems["plain"].storage is None
    assert "LM503" in [d.rule for d in p.diagnostics]  # `processors` is not read


def test_mcp_clients_all_generations(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/mcp.ts": (
                "import { MCPClient, MCPConfiguration, MastraMCPClient } from '@mastra/mcp';\n"
                "export const mcp = new MCPClient({ id: 'docs', servers: { docs: { command: 'npx', args: ['-y', 'docs-mcp'] } }, timeout: 30000 });\n"
                "export const old = new MCPConfiguration({ servers: { x: { url: new URL('http://127.0.0.1:1/mcp') } } });\n"
                "export const older = new MastraMCPClient({ name: 'solo', server: { command: 'node', args: ['s.js'] } });\n"
            ),
        },
    )
    clients = {c.binding: c for c in p.mcp_clients}
    assert clients["mcp"].class_name == "MCPClient"
    servers = clients["mcp"].servers
    assert isinstance(servers, ObjectValue) and list(servers.entries) == ["docs"]
    assert set(clients["mcp"].other_options) == {"id", "timeout"}
    assert clients["old"].class_name == "MCPConfiguration"
    older = clients["older"].servers
    assert isinstance(older, ObjectValue) and list(older.entries) == ["solo"]
    assert [d.rule for d in p.diagnostics].count("LM702") == 2


def test_mastra_instance(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "src/mastra/agents/weather.ts": (
                "import { Agent } from '@mastra/core/agent';\n"
                "export const weatherAgent = new Agent({ id: 'w', instructions: 'x', model: 'openai/gpt-4o' });\n"
            ),
            "src/mastra/index.ts": (
                "import { Mastra } from '@mastra/core/mastra';\nimport { LibSQLStore } from '@mastra/libsql';\n"
                "import { PinoLogger } from '@mastra/loggers';\n"
                "import { weatherAgent } from './agents/weather';\nimport * as more from './more';\n"
                "export const mastra = new Mastra({\n  agents: { weatherAgent, ...more.agents },\n"
                "  storage: new LibSQLStore({ id: 's', url: ':memory:' }),\n"
                "  logger: new PinoLogger({ name: 'Mastra', level: 'info' }),\n});\n"
            ),
            "src/mastra/more.ts": "export const agents = {};\n",
        },
    )
    m = p.mastra
    assert m is not None and m.binding == "mastra" and m.file == "src/mastra/index.ts"
    assert isinstance(m.agents["weatherAgent"], RefValue)
    assert m.agents["weatherAgent"].target == "src/mastra/agents/weather.ts#weatherAgent"
    assert isinstance(m.storage, StorageNode) and m.storage.class_name == "LibSQLStore"
    logger = m.other_options["logger"]
    assert logger.kind == "call" and logger.model_dump()["callee"] == "new PinoLogger"
    opts = logger.model_dump()["args"][0]["entries"]
    assert opts["name"]["value"] == "Mastra"


def test_second_mastra_is_reported(tmp_path: Path) -> None:
    p = scan(
        tmp_path,
        {
            "a.ts": "import { Mastra } from '@mastra/core';\nexport const m1 = new Mastra({});\n",
            "b.ts": "import { Mastra } from '@mastra/core';\nexport const m2 = new Mastra({});\n",
        },
    )
    assert p.mastra is not None and p.mastra.binding == "m1"
    assert [d.loc.file for d in p.diagnostics if d.rule == "LM803"] == ["b.ts"]  # type: ignore[union-attr]
