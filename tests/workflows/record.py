"""Record real Mastra 1.71 workflow results and stream events as the oracle for the runtime.

``record_mastra.mjs`` (beside this file) runs every scenario with real ``@mastra/core`` under Node
(snapshots in a LibSQL ``:memory:`` store); this script normalises volatile values and writes one
file per scenario to ``tests/data/mastra_workflows/<name>.json``. The Python twins of the scenarios
are in :mod:`tests.workflows.scenarios`; ``test_mastra_parity.py`` compares them.

    python -m tests.workflows.record              # every scenario
    python -m tests.workflows.record map bail     # only these

``LUMOS_MASTRA_HOME`` names the folder whose ``node_modules`` holds ``@mastra/core`` 1.71.0,
``@mastra/libsql`` and zod 4 (default ``/tmp/mastra-scratch``); ``LUMOS_NODE`` the Node binary.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from lumos_compat.testing import FakeLLMServer, Turn

__all__ = ["RECORDINGS_DIR", "normalise", "record"]

HERE = Path(__file__).resolve().parent
RECORDINGS_DIR = HERE.parent / "data" / "mastra_workflows"
RUNNER = HERE / "record_mastra.mjs"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
EPOCH_MS_MIN, EPOCH_MS_MAX = 10**12, 10**13
TIME_KEYS = frozenset({"startedAt", "endedAt", "suspendedAt", "resumedAt", "timestamp"})

AGENT_TOOL_SCRIPT = [
    Turn.call("workflow-calc", {"inputData": {"value": 1}}, id="call-1"),
    Turn.say("done"),
]


def normalise(value: Any, ids: dict[str, str] | None = None) -> Any:
    """Replace timestamps by ``"<ts>"`` and UUIDs by ``<uuid-N>`` (numbered by first appearance).

    ``{"$error": {...}}`` (an ``Error`` object in a step record) becomes its ``{message, name}``.
    """
    ids = {} if ids is None else ids

    def uuid_name(match: re.Match[str]) -> str:
        raw = match.group(0).lower()
        if raw not in ids:
            ids[raw] = f"<uuid-{len(ids) + 1}>"
        return ids[raw]

    if isinstance(value, dict):
        if set(value) == {"$error"}:
            return normalise(value["$error"], ids)
        out: dict[str, Any] = {}
        for key, item in value.items():
            new_key = UUID_RE.sub(uuid_name, key)
            if key in TIME_KEYS and isinstance(item, int):
                out[new_key] = "<ts>"
            else:
                out[new_key] = normalise(item, ids)
        return out
    if isinstance(value, list):
        return [normalise(v, ids) for v in value]
    if isinstance(value, str):
        return UUID_RE.sub(uuid_name, value)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and EPOCH_MS_MIN <= value < EPOCH_MS_MAX
    ):
        return "<ts>"
    return value


def record(names: list[str]) -> dict[str, Any]:
    """Run the Node scenarios (all when ``names`` is empty) and return the raw recordings."""
    env = dict(os.environ)
    env.setdefault("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch")
    env["NO_COLOR"] = "1"
    with FakeLLMServer(AGENT_TOOL_SCRIPT) as server:
        env["LUMOS_FAKE_LLM_URL"] = server.url
        proc = subprocess.run(
            [env.get("LUMOS_NODE", "node"), str(RUNNER), *names],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(
                f"record_mastra.mjs failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
            )
        recordings: dict[str, Any] = json.loads(proc.stdout)
        if "agent-tool" in recordings:
            bodies = [r.body for r in server.model_requests]
            recordings["agent-tool"]["toolSchema"] = next(
                (
                    t["function"]["parameters"]
                    for t in bodies[0].get("tools", [])
                    if t["function"]["name"] == "workflow-calc"
                ),
                None,
            )
            recordings["agent-tool"]["toolDescription"] = next(
                (
                    t["function"]["description"]
                    for t in bodies[0].get("tools", [])
                    if t["function"]["name"] == "workflow-calc"
                ),
                None,
            )
            recordings["agent-tool"]["toolMessage"] = next(
                (m for m in bodies[-1]["messages"] if m.get("role") == "tool"), None
            )
    return recordings


def main(argv: list[str] | None = None) -> None:
    """Record and write ``tests/data/mastra_workflows/<name>.json``."""
    names = list(sys.argv[1:] if argv is None else argv)
    recordings = record(names)
    RECORDINGS_DIR.mkdir(parents=True, exist_ok=True)
    for name, body in recordings.items():
        if "crashed" in body:
            raise SystemExit(f"scenario {name} crashed under Mastra: {body['crashed']['message']}")
        document = {"scenario": name, "mastra": "1.71.0", "recording": normalise(body)}
        path = RECORDINGS_DIR / f"{name}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
        print(f"wrote {path.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
