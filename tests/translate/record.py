"""Record what the original TypeScript tools return under Node, for the translation differential tests.

For each fixture in ``cases.FIXTURE_CASES``: copy the fixture to a temporary folder, link a Mastra
install's ``node_modules`` into it, build the cases (inputs from the input schemas plus the
hand-written ones), run ``run_tool.mjs`` under Node with ``fetch`` sent to a loopback server, and
write ``tests/data/translate/<fixture>.json``: every case with the output (or error message) and the
HTTP requests the tool made.

    python -m tests.translate.record                # every fixture
    python -m tests.translate.record weather-1x     # only these

``LUMOS_MASTRA_HOME`` names the folder whose ``node_modules`` holds ``@mastra/core``, zod and tsx
(default ``/tmp/mastra-scratch``); ``LUMOS_NODE`` the Node binary (default ``node``).
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

from converters.scan import scan_project
from tests.translate.cases import FIXTURE_CASES, FixtureCases, schema_inputs
from tests.translate.loopback import LoopbackServer

__all__ = ["DATA_DIR", "build_cases", "main", "record"]

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "tests" / "data" / "translate"
RUNNER = Path(__file__).resolve().parent / "run_tool.mjs"
NODE_TIMEOUT_SECONDS = 180.0


def build_cases(spec: FixtureCases, root: Path) -> list[dict[str, Any]]:
    """The cases of a fixture: for each tool, schema-generated inputs then the hand-written ones."""
    project = scan_project(root)
    tools = {t.binding: t for t in project.tools}
    cases: list[dict[str, Any]] = []
    for binding in spec.tools:
        tool = tools[binding]
        extra = spec.extra_inputs.get(binding, [])
        try:
            generated = schema_inputs(tool, project)
        except ValueError:  # a schema the generator has no sample for: hand-written inputs only
            generated = []
        context = spec.request_context.get(binding)
        for i, value in enumerate([*generated, *extra]):
            # the request context goes with the hand-written inputs (with all when there are none)
            with_context = context if (i >= len(generated) or not extra) else None
            cases.append(
                {
                    "tool": binding,
                    "file": tool.file,
                    "export": binding,
                    "input": value,
                    "requestContext": with_context,
                }
            )
    return cases


def run_node(command: list[str], project: Path, fixture: str) -> list[Any]:
    """Run a recorder's Node program in ``project``; its stdout is the JSON list of results."""
    done = subprocess.run(
        command,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"node failed for {fixture}:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def write_recording(out: Path, fixture: str, cases: list[dict[str, Any]]) -> Path:
    """Write ``{"fixture", "cases"}`` to ``out`` atomically (temporary file, then rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"fixture": fixture, "cases": cases}, indent=2, ensure_ascii=False)
    tmp_out = out.with_suffix(".json.tmp")
    tmp_out.write_text(text + "\n", encoding="utf-8")
    tmp_out.replace(out)
    return out


def record(spec: FixtureCases) -> Path:
    """Run one fixture's cases under Node and write the recording; returns its path."""
    home = Path(os.environ.get("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch"))
    node = os.environ.get("LUMOS_NODE", "node")
    with tempfile.TemporaryDirectory(prefix="lumos-translate-") as tmp:
        project = Path(tmp) / spec.fixture
        shutil.copytree(REPO / "fixtures" / spec.fixture, project)
        (project / "node_modules").symlink_to(home / "node_modules")
        cases = build_cases(spec, project)
        cases_path = Path(tmp) / "cases.json"
        cases_path.write_text(json.dumps(cases))
        with LoopbackServer(list(spec.routes)) as server:
            command = [node, "--import", "tsx", str(RUNNER), str(project), str(cases_path)]
            results = run_node([*command, server.url], project, spec.fixture)
            requests = server.requests_by_case(len(cases))
    for case, result, made in zip(cases, results, requests, strict=True):
        case["node"] = result
        case["requests"] = made
    return write_recording(DATA_DIR / f"{spec.fixture}.json", spec.fixture, cases)


def main(argv: list[str] | None = None) -> int:
    """Record the named fixtures (default: all)."""
    names = set(argv if argv is not None else sys.argv[1:])
    for spec in FIXTURE_CASES:
        if names and spec.fixture not in names:
            continue
        path = record(spec)
        print(f"recorded {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
