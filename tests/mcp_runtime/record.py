"""Record what real Mastra sends to a model for MCP tools (``@mastra/mcp`` 2.0 + ``@mastra/core`` 1.71).

Each scenario in ``tests/mcp_runtime/scenarios/<name>.json`` is replayed by ``run_mastra_mcp.mjs``: a Mastra
agent whose tools come from ``MCPClient`` over stdio to ``tests/mcp_runtime/py_server.py`` (the same server
the Python tests use), against the loopback fake LLM. The recording
``tests/data/mastra_mcp/<name>.json`` holds the scenario, every model request and Mastra's result,
normalised like the agent oracle's (``tests/oracle/README.md``).

    LUMOS_MASTRA_HOME=/tmp/mastra-scratch python -m tests.mcp_runtime.record [NAME ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lumos_compat.testing import FakeLLMServer
from tests.oracle.record import KEPT_HEADERS, MASTRA_VERSION, _write_atomic, dump, normalise

HERE = Path(__file__).resolve().parent
SCENARIOS_DIR = HERE / "scenarios"
RECORDINGS_DIR = HERE.parent / "data" / "mastra_mcp"
RUNNER = HERE / "run_mastra_mcp.mjs"
SERVER = HERE / "py_server.py"
MCP_VERSION = "2.0.0"


def scenario_names() -> list[str]:
    """Every scenario, sorted."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.json"))


def load_scenario(name: str) -> dict[str, Any]:
    """One scenario by name."""
    return json.loads((SCENARIOS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def record(name: str) -> dict[str, Any]:
    """Run one scenario with real Mastra and return the recording."""
    scenario = load_scenario(name)
    env = dict(os.environ)
    env.setdefault("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch")
    env["NO_COLOR"] = "1"
    with FakeLLMServer(scenario["script"]) as server:
        proc = subprocess.run(
            [
                os.environ.get("LUMOS_NODE", "node"),
                str(RUNNER),
                str(SCENARIOS_DIR / f"{name}.json"),
                server.url,
                sys.executable,
                str(SERVER),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{name}: run_mastra_mcp.mjs failed:\n{proc.stderr[-4000:]}")
        output = json.loads(proc.stdout)
        requests = [
            {
                "path": r.path,
                "body": r.body,
                "headers": {k: r.headers[k] for k in KEPT_HEADERS if k in r.headers},
            }
            for r in server.model_requests
        ]
        body = {"requests": requests, **output, "server_errors": server.errors}
        recording = {
            "scenario": scenario,
            "mastra_version": MASTRA_VERSION,
            "mastra_mcp_version": MCP_VERSION,
        }
        recording.update(normalise(body, server.url, scenario))
    return recording


def main(argv: Sequence[str] | None = None) -> int:
    """Record the named scenarios (all when none are named)."""
    for name in list(argv if argv is not None else sys.argv[1:]) or scenario_names():
        recording = record(name)
        out = RECORDINGS_DIR / f"{name}.json"
        _write_atomic(out, dump(recording))
        print(f"ok   {name}: {len(recording['requests'])} request(s) -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
