"""Record what real Mastra memory sends to a model, as the oracle for ``lumos_compat.memory``.

Each scenario in ``tests/memory/scenarios/<name>.json`` (an agent, a Memory config over LibSQL
``:memory:``, and several ``generate`` turns with ``memory: {thread, resource}``) is replayed by
``run_mastra_memory.mjs`` with real ``@mastra/core``, ``@mastra/memory`` and ``@mastra/libsql``
against a loopback :class:`~lumos_compat.testing.FakeLLMServer` (which also serves ``/v1/embeddings``
for semantic recall). The recording ``tests/data/mastra_memory/<name>.json`` holds every request
(chat and embeddings, in order), each turn's text, and the thread's stored messages and working
memory afterwards, normalised like the wire oracle (:func:`tests.oracle.record.normalise`) plus
:func:`normalise_clock` for the wall-clock dates Mastra writes into recalled-message text.

    python -m tests.memory.record                 # every scenario
    python -m tests.memory.record two-turn        # only these
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lumos_compat.testing import FakeLLMServer
from tests.oracle.record import DEFAULT_MASTRA_HOME, MASTRA_VERSION, _write_atomic, dump, normalise

__all__ = ["RECORDINGS_DIR", "SCENARIOS_DIR", "load_scenario", "main", "normalise_clock", "record"]

HERE = Path(__file__).resolve().parent
SCENARIOS_DIR = HERE / "scenarios"
RECORDINGS_DIR = HERE.parent / "data" / "mastra_memory"
RUNNER = HERE / "run_mastra_memory.mjs"

_DAY_RE = re.compile(r"the following messages are from \d{4}, [A-Z][a-z]{2}, \d{1,2}\n")
_TIME_RE = re.compile(r" at \d{1,2}:\d{2} [AP]M: ")


def normalise_clock(value: Any) -> Any:
    """Replace the dates and times of day in recalled-message text with placeholders."""
    if isinstance(value, dict):
        return {k: normalise_clock(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise_clock(v) for v in value]
    if isinstance(value, str):
        value = _DAY_RE.sub("the following messages are from <day>\n", value)
        return _TIME_RE.sub(" at <time>: ", value)
    return value


def load_scenario(name: str) -> dict[str, Any]:
    """Read one scenario."""
    path = SCENARIOS_DIR / f"{name}.json"
    scenario = json.loads(path.read_text(encoding="utf-8"))
    if scenario.get("name") != name:
        raise ValueError(f"{path}: 'name' must equal the file name {name!r}")
    return scenario


def scenario_names() -> list[str]:
    """Every scenario, sorted."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.json"))


def record(name: str) -> dict[str, Any]:
    """Run one scenario under real Mastra and return the normalised recording."""
    scenario = load_scenario(name)
    env = dict(os.environ)
    env.setdefault("LUMOS_MASTRA_HOME", DEFAULT_MASTRA_HOME)
    with FakeLLMServer(scenario["script"]) as server:
        proc = subprocess.run(
            [
                os.environ.get("LUMOS_NODE", "node"),
                str(RUNNER),
                str(SCENARIOS_DIR / f"{name}.json"),
                server.url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{name}: run_mastra_memory.mjs failed:\n{proc.stderr[-4000:]}")
        output = json.loads(proc.stdout)
        body = {
            "requests": [{"path": r.path, "body": r.body} for r in server.requests],
            "results": [
                {
                    k: v
                    for k, v in r.items()
                    if k in ("text", "thrown", "finishKeys", "finishResponse")
                }
                for r in output["results"]
            ],
            "stored": output["stored"],
            "thread": output["thread"],
            "workingMemory": output["workingMemory"],
            "server_errors": server.errors,
        }
        if "tool_inputs" in output:
            body["tool_inputs"] = output["tool_inputs"]
        url = server.url
    recording = {"scenario": scenario, "mastra_version": MASTRA_VERSION}
    recording.update(normalise_clock(normalise(body, url, scenario)))
    return recording


def main(argv: Sequence[str] | None = None) -> int:
    """Record the named scenarios (all when none are named)."""
    names = list(argv if argv is not None else sys.argv[1:]) or scenario_names()
    for name in names:
        recording = record(name)
        out = RECORDINGS_DIR / f"{name}.json"
        _write_atomic(out, dump(recording))
        print(f"ok   {name}: {len(recording['requests'])} request(s) -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
