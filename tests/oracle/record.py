"""Record what real Mastra sends to a model and returns, as the oracle for the runtime's tests.

Each scenario in ``tests/oracle/scenarios/<name>.json`` is replayed by ``run_mastra.mjs`` (real
``@mastra/core`` under Node) against a loopback :class:`~lumos_compat.testing.FakeLLMServer` that
answers from the scenario's script. The recording ``tests/data/mastra_wire/<name>.json`` holds the
scenario, every model request Mastra made, and what Mastra returned, with volatile values normalised
(see :func:`normalise`).

    python -m tests.oracle.record                 # every scenario
    python -m tests.oracle.record plain-generate  # only these

``LUMOS_MASTRA_HOME`` names the folder whose ``node_modules`` holds ``@mastra/core`` 1.71.0 and zod 4
(default ``/tmp/mastra-scratch``); ``LUMOS_NODE`` the Node binary (default ``node``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from converters.verify.normalise import UUID_RE, Normaliser, normalise
from lumos_compat.testing import FakeLLMServer

__all__ = [
    "MASTRA_VERSION",
    "RECORDINGS_DIR",
    "SCENARIOS_DIR",
    "UUID_RE",
    "Normaliser",
    "RecordError",
    "load_scenario",
    "main",
    "normalise",
    "record",
    "scenario_names",
]

MASTRA_VERSION = "1.71.0"
ORACLE_DIR = Path(__file__).resolve().parent
SCENARIOS_DIR = ORACLE_DIR / "scenarios"
RECORDINGS_DIR = ORACLE_DIR.parent / "data" / "mastra_wire"
RUNNER = ORACLE_DIR / "run_mastra.mjs"
DEFAULT_MASTRA_HOME = "/tmp/mastra-scratch"
NODE_TIMEOUT_SECONDS = 180.0

# request headers worth keeping: the rest (host port, user agent with versions) is noise
KEPT_HEADERS = ("authorization", "content-type")


class RecordError(RuntimeError):
    """A scenario could not be recorded."""


def scenario_names() -> list[str]:
    """Names of every scenario file, sorted."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.json"))


def load_scenario(name: str) -> dict[str, Any]:
    """Read and sanity-check one scenario."""
    path = SCENARIOS_DIR / f"{name}.json"
    if not path.is_file():
        known = ", ".join(scenario_names())
        raise RecordError(f"no scenario {name!r}: expected {path}. Known scenarios: {known}")
    scenario = json.loads(path.read_text(encoding="utf-8"))
    if scenario.get("name") != name:
        raise RecordError(
            f"{path}: 'name' is {scenario.get('name')!r} but the file is named {name!r}; "
            "make them equal"
        )
    for key in ("description", "agent", "call", "script"):
        if key not in scenario:
            raise RecordError(f"{path}: missing required key {key!r}")
    if scenario["call"].get("method") not in ("generate", "stream"):
        raise RecordError(f"{path}: call.method must be 'generate' or 'stream'")
    return scenario


def _run_node(scenario_path: Path, server_url: str) -> dict[str, Any]:
    node = os.environ.get("LUMOS_NODE", "node")
    env = dict(os.environ)
    env.setdefault("LUMOS_MASTRA_HOME", DEFAULT_MASTRA_HOME)
    env["NO_COLOR"] = "1"
    try:
        proc = subprocess.run(
            [node, str(RUNNER), str(scenario_path), server_url],
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RecordError(
            f"cannot run Node ({node!r}): {exc}. Install Node 20+ or set LUMOS_NODE"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise RecordError(
            f"{scenario_path.name}: Mastra did not finish within {NODE_TIMEOUT_SECONDS:.0f}s"
        ) from exc
    if proc.returncode != 0:
        raise RecordError(
            f"{scenario_path.name}: run_mastra.mjs exited with {proc.returncode}:\n"
            f"{proc.stderr.strip()[-4000:]}"
        )
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{scenario_path.name}: run_mastra.mjs printed no JSON ({exc}); "
            f"stdout starts {proc.stdout[:300]!r}, stderr: {proc.stderr.strip()[-2000:]}"
        ) from exc


def record(name: str) -> dict[str, Any]:
    """Replay one scenario against real Mastra and return the recording (not yet written)."""
    scenario = load_scenario(name)
    scenario_path = SCENARIOS_DIR / f"{name}.json"
    with FakeLLMServer(scenario["script"]) as server:
        output = _run_node(scenario_path, server.url)
        requests = [
            {
                "path": r.path,
                "body": r.body,
                "headers": {k: r.headers[k] for k in KEPT_HEADERS if k in r.headers},
            }
            for r in server.model_requests
        ]
        turns_consumed = len(scenario["script"]) - server.remaining_turns
        server_errors = server.errors
        server_url = server.url
    body: dict[str, Any] = {
        "requests": requests,
        "result": output.get("result"),
        "tool_inputs": output.get("tool_inputs", []),
        "turns_consumed": turns_consumed,
        "server_errors": server_errors,
    }
    if "chunks" in output:
        body["chunks"] = output["chunks"]
    if "thrown" in output:
        body["thrown"] = output["thrown"]
    if "resumes" in output:
        body["resumes"] = output["resumes"]
    recording = {"scenario": scenario, "mastra_version": MASTRA_VERSION}
    recording.update(normalise(body, server_url, scenario))
    return recording


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(recording: dict[str, Any]) -> str:
    """The recording as committed: pretty-printed, sorted keys, trailing newline."""
    return json.dumps(recording, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None, echo: Callable[[str], None] = print) -> int:
    """Record the named scenarios (all when none are named); return a process exit code."""
    names = list(argv if argv is not None else sys.argv[1:]) or scenario_names()
    failures = 0
    for name in names:
        try:
            recording = record(name)
        except RecordError as exc:
            failures += 1
            echo(f"FAIL {name}: {exc}")
            continue
        out = RECORDINGS_DIR / f"{name}.json"
        _write_atomic(out, dump(recording))
        echo(
            f"ok   {name}: {len(recording['requests'])} request(s) -> "
            f"{out.relative_to(ORACLE_DIR.parent.parent)}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
