"""Record what real Mastra sends to the model for every agent of the 1.x fixture projects.

For each fixture the recorder copies the project to a temporary folder, links the Mastra install
(``LUMOS_MASTRA_HOME``, default ``/tmp/mastra-scratch``) in as ``node_modules``, imports its
``src/mastra/index.ts`` with ``npx tsx``, points every registered agent at a loopback
:class:`~lumos_compat.testing.FakeLLMServer` (``agent.__updateModel`` with an OpenAI-compatible
``{id, url, apiKey}`` config) and calls ``generate('Hello')`` once. The request bodies are stored in
``tests/data/fixture_wire/<fixture>.json`` keyed by the agent's registration key; the wire tests in
``test_fixtures_wire.py`` compare the ported agents against them.

    python -m tests.converters.record_fixture_wire               # every 1.x fixture
    python -m tests.converters.record_fixture_wire weather-1x    # only these
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from lumos_compat.testing import FakeLLMServer, Turn

__all__ = [
    "FIXTURE_ENV",
    "MASTRA_VERSION",
    "SKIPPED",
    "WIRE_DIR",
    "WIRE_FIXTURES",
    "main",
    "record",
    "system_messages",
    "tool_schemas",
]

MASTRA_VERSION = "1.71.0"
REPO = Path(__file__).resolve().parents[2]
FIXTURES_DIR = REPO / "fixtures"
WIRE_DIR = REPO / "tests" / "data" / "fixture_wire"
DRIVER = Path(__file__).resolve().with_name("record_fixture_wire.mjs")
DEFAULT_MASTRA_HOME = "/tmp/mastra-scratch"
NODE_TIMEOUT_SECONDS = 240.0

# the fixtures written in the 1.x API, which real Mastra 1.71 loads
WIRE_FIXTURES = (
    "cross-file",
    "dynamic-config",
    "memory-stores",
    "modern-1x",
    "sub-agents",
    "tool-zoo",
    "weather-1x",
)

# the environment the fixtures read; the wire tests set the same values for the ported agents
FIXTURE_ENV = {
    "OPENAI_API_KEY": "dummy-openai-key",
    "ANTHROPIC_API_KEY": "dummy-anthropic-key",
    "GOOGLE_GENERATIVE_AI_API_KEY": "dummy-google-key",
    "MODEL_NAME": "gpt-4.1-mini",
    "LLM_BASE_URL": "http://127.0.0.1:9/v1",
    "LLM_API_KEY": "dummy-gateway-key",
    "DATABASE_URL": "postgresql://mastra:mastra@127.0.0.1:9/mastra",
    "PGPASSWORD": "dummy",
    "UPSTASH_REDIS_REST_URL": "http://127.0.0.1:9",
    "UPSTASH_REDIS_REST_TOKEN": "dummy",
}
# environment variables that change what a fixture sends: removed so both sides read the defaults
FIXTURE_ENV_UNSET = ("APP_ENV", "MODEL", "RESEARCH_MODEL", "MAX_STEPS", "DOCS_MCP_URL")

# agents real Mastra cannot run here, with the reason (by fixture, then registration key)
SKIPPED: dict[str, dict[str, str]] = {
    "dynamic-config": {
        "docsAgent": "its tools come from `await mcp.listTools()`, which spawns an MCP server "
        "through npx (network); the recorder loads a stand-in module instead",
    },
}

# modules replaced in the temporary copy before loading (by fixture, then relative path)
_STAND_INS: dict[str, dict[str, str]] = {
    "dynamic-config": {
        "src/mastra/agents/docs-agent.ts": (
            "// stand-in written by record_fixture_wire.py: the real module starts an MCP server\n"
            "import { Agent } from '@mastra/core/agent';\n"
            "export const docsAgent = new Agent({ id: 'docs', name: 'Docs Agent', "
            "instructions: 'stand-in', model: 'openai/gpt-4o-mini' });\n"
        ),
    },
}


class RecordError(RuntimeError):
    """A fixture could not be recorded."""


def system_messages(body: dict[str, Any]) -> list[Any]:
    """The system messages of a chat-completions request body, in order."""
    return [m.get("content") for m in body.get("messages", []) if m.get("role") == "system"]


def tool_schemas(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The tools of a chat-completions request body: name -> {description, parameters}."""
    out: dict[str, dict[str, Any]] = {}
    for tool in body.get("tools") or []:
        function = tool.get("function", {})
        out[function["name"]] = {
            "description": function.get("description"),
            "parameters": function.get("parameters"),
        }
    return out


def _copy_fixture(name: str, into: Path, home: Path) -> Path:
    target = into / name
    shutil.copytree(FIXTURES_DIR / name, target)
    (target / "node_modules").symlink_to(home / "node_modules", target_is_directory=True)
    for rel, text in _STAND_INS.get(name, {}).items():
        (target / rel).write_text(text, encoding="utf-8")
    return target


def _env(home: Path, server: FakeLLMServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FIXTURE_ENV_UNSET}
    env.update(FIXTURE_ENV)
    # embedders (semantic recall) and any openai/* model left over talk to the fake server too
    env["OPENAI_BASE_URL"] = server.openai_base_url
    env["PATH"] = f"{home / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    env["NO_UPDATE_NOTIFIER"] = "1"
    return env


def record(name: str, *, home: Path | None = None) -> dict[str, Any]:
    """Load fixture ``name`` under real Mastra and return its recording (also written to disk)."""
    home = Path(home or os.environ.get("LUMOS_MASTRA_HOME", DEFAULT_MASTRA_HOME)).resolve()
    if not (home / "node_modules" / "@mastra" / "core").is_dir():
        raise RecordError(
            f"no @mastra/core under {home}/node_modules: run `npm install @mastra/core@"
            f"{MASTRA_VERSION} @mastra/loggers @mastra/libsql @mastra/memory zod tsx` there, or set "
            "LUMOS_MASTRA_HOME"
        )
    skipped = SKIPPED.get(name, {})
    with (
        tempfile.TemporaryDirectory(prefix=f"lumos-wire-{name}-") as tmp,
        FakeLLMServer() as server,
    ):
        server.push(*[Turn.say("Hi") for _ in range(64)])
        project = _copy_fixture(name, Path(tmp), home)
        tsx = home / "node_modules" / ".bin" / "tsx"
        out_file = Path(tmp) / "loaded.json"
        proc = subprocess.run(
            [str(tsx), str(DRIVER), server.url, str(out_file), ",".join(sorted(skipped))],
            cwd=project,
            env=_env(home, server),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
            check=False,
        )
        if proc.returncode != 0:
            raise RecordError(
                f"fixture {name}: real Mastra exited with {proc.returncode}:\n{proc.stderr[-4000:]}"
            )
        loaded = json.loads(out_file.read_text(encoding="utf-8"))
        bodies: dict[str, list[dict[str, Any]]] = {}
        for request in server.model_requests:
            body = request.body
            bodies.setdefault(str(body.get("model")), []).append(body)
    agents: dict[str, Any] = {}
    for key, info in loaded["agents"].items():
        entry: dict[str, Any] = {"id": info["id"], "name": info["name"]}
        if key in skipped:
            entry["skipped"] = skipped[key]
        elif "error" in info:
            entry["error"] = info["error"].splitlines()[0]
        requests = bodies.get(key, [])
        if requests:
            entry["request"] = requests[0]
        elif "skipped" not in entry and "error" not in entry:
            raise RecordError(f"fixture {name}: agent {key} sent no request to the fake server")
        agents[key] = entry
    recording = {"fixture": name, "mastra": MASTRA_VERSION, "prompt": "Hello", "agents": agents}
    WIRE_DIR.mkdir(parents=True, exist_ok=True)
    path = WIRE_DIR / f"{name}.json"
    path.write_text(json.dumps(recording, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return recording


def main(argv: list[str] | None = None) -> int:
    """Record the named fixtures (all 1.x fixtures by default)."""
    names = list(argv if argv is not None else sys.argv[1:]) or list(WIRE_FIXTURES)
    status = 0
    for name in names:
        if name not in WIRE_FIXTURES:
            print(f"unknown fixture {name!r}; 1.x fixtures: {', '.join(WIRE_FIXTURES)}")
            return 2
        try:
            recording = record(name)
        except (RecordError, subprocess.TimeoutExpired) as exc:
            print(f"{name}: FAILED: {exc}", file=sys.stderr)
            status = 1
            continue
        summary = ", ".join(
            f"{key}{' (skipped)' if 'skipped' in a else ' (error)' if 'error' in a else ''}"
            for key, a in recording["agents"].items()
        )
        print(f"{name}: {summary}")
    return status


if __name__ == "__main__":
    sys.exit(main())
