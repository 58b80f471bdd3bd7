"""Record fixture workflows run end to end under real Mastra, for the workflow differential tests.

For each fixture in ``workflow_cases.WORKFLOW_CASES``: copy the fixture, link a Mastra install's
``node_modules`` into it, run ``run_workflow.mjs`` under Node with ``fetch`` sent to a loopback
server and agents on the fake LLM server, and write ``tests/data/translate/workflows-<fixture>.json``:
every case with the run's outcome (status, result, per-step status and output), the HTTP requests
and the prompts sent to the model.

    python -m tests.translate.record_workflows              # every fixture; or name some

``LUMOS_MASTRA_HOME`` and ``LUMOS_NODE`` as for ``record_steps``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from lumos_compat.testing import FakeLLMServer
from tests.translate.loopback import LoopbackServer
from tests.translate.record import DATA_DIR, REPO, run_node, write_recording
from tests.translate.record_steps import model_prompts
from tests.translate.step_cases import AGENT_REPLY
from tests.translate.workflow_cases import WORKFLOW_CASES, FixtureWorkflows

__all__ = ["main", "record"]

RUNNER = Path(__file__).resolve().parent / "run_workflow.mjs"
NODE_TIMEOUT_SECONDS = 300.0


def record(spec: FixtureWorkflows) -> Path:
    """Run one fixture's workflow cases under Node and write the recording; returns its path."""
    home = Path(os.environ.get("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch"))
    node = os.environ.get("LUMOS_NODE", "node")
    cases = [dict(c) for c in spec.cases]
    with tempfile.TemporaryDirectory(prefix="lumos-workflows-") as tmp:
        project = Path(tmp) / spec.fixture
        shutil.copytree(REPO / "fixtures" / spec.fixture, project)
        (project / "node_modules").symlink_to(home / "node_modules")
        cases_path = Path(tmp) / "cases.json"
        cases_path.write_text(json.dumps(cases))
        with (
            LoopbackServer(list(spec.routes)) as server,
            FakeLLMServer([AGENT_REPLY], loop=True) as llm,
        ):
            command = [node, "--import", "tsx", str(RUNNER), str(project), str(cases_path)]
            results = run_node([*command, server.url, llm.url], project, spec.fixture)
            requests = server.requests_by_case(len(cases))
            prompts = model_prompts(llm, len(cases))
    for case, result, made, prompt in zip(cases, results, requests, prompts, strict=True):
        case["node"] = result
        case["requests"] = made
        case["prompts"] = prompt
    return write_recording(DATA_DIR / f"workflows-{spec.fixture}.json", spec.fixture, cases)


def main(argv: list[str] | None = None) -> int:
    """Record the named fixtures (default: all)."""
    names = set(argv if argv is not None else sys.argv[1:])
    for spec in WORKFLOW_CASES:
        if names and spec.fixture not in names:
            continue
        print(f"recorded {record(spec).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
