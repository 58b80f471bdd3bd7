"""Record what the fixtures' original TypeScript steps do under real Mastra, for the step tests.

For each fixture in ``step_cases.STEP_CASES``: copy the fixture to a temporary folder, link a Mastra
install's ``node_modules`` into it, build the cases, run ``run_step.mjs`` under Node (each step alone
in a one-step workflow of real Mastra, ``fetch`` sent to a loopback server, agents answering from
the fake LLM server) and write ``tests/data/translate/steps-<fixture>.json``: every case with the
run's outcome (status, result, error message or suspend payload), the HTTP requests the step made
and the user messages its agents sent to the model.

    python -m tests.translate.record_steps                # every fixture
    python -m tests.translate.record_steps modern-1x      # only these

``LUMOS_MASTRA_HOME`` names the folder whose ``node_modules`` holds ``@mastra/core``,
``@mastra/libsql``, zod and tsx (default ``/tmp/mastra-scratch``); ``LUMOS_NODE`` the Node binary.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from converters.ir import StringValue
from converters.scan import scan_project
from lumos_compat.testing import FakeLLMServer
from lumos_compat.testing.server import RecordedRequest
from tests.translate.cases import schema_inputs
from tests.translate.loopback import CASE_HEADER, LoopbackServer
from tests.translate.record import DATA_DIR, REPO, run_node, write_recording
from tests.translate.step_cases import AGENT_REPLY, STEP_CASES, FixtureSteps

__all__ = ["build_step_cases", "main", "model_prompts", "project_root", "record", "user_messages"]

RUNNER = Path(__file__).resolve().parent / "run_step.mjs"
LEGACY_HOOKS = Path(__file__).resolve().parent / "legacy" / "register.mjs"
NODE_TIMEOUT_SECONDS = 300.0


def project_root(spec: FixtureSteps) -> Path:
    """The folder of the project a spec runs (a fixture unless the spec names another)."""
    return spec.root or REPO / "fixtures" / spec.fixture


def build_step_cases(spec: FixtureSteps, root: Path) -> list[dict[str, Any]]:
    """The cases of a fixture: each step's schema-generated and hand-written inputs.

    With request contexts listed for a step, the typical and the hand-written inputs run under
    each (the other generated ones under the first); with resume data, the first hand-written input
    (else the first one) also runs once per resume value (suspend, then resume). Legacy steps: every input runs with the first
    trigger data and step results, the first input with each (seeded runs).
    """
    project = scan_project(root)
    steps = {s.binding: s for s in project.steps}
    cases: list[dict[str, Any]] = []
    for binding in spec.steps:
        step = steps[binding]
        assert isinstance(step.id, StringValue), f"step {binding} has no literal id"
        schema = step.input_schema
        while schema is not None and schema.type == "ref" and schema.ref in project.schemas:
            schema = project.schemas[schema.ref]
        try:
            generated = schema_inputs(step.model_copy(update={"input_schema": schema}), project)
        except ValueError:
            generated = []
        extra = spec.extra_inputs.get(binding, [])
        inputs = [*generated, *extra]
        contexts: list[dict[str, Any] | None] = list(spec.request_context.get(binding, [None]))
        # every context with the typical and the hand-written inputs, the first with the rest
        runs: list[tuple[Any, dict[str, Any] | None, Any]] = [
            (value, context, None)
            for value in inputs
            for context in (contexts if value is inputs[0] or value in extra else contexts[:1])
        ]
        resumed = extra[0] if extra else inputs[0]
        runs += [(resumed, contexts[0], data) for data in spec.resume_data.get(binding, [])]
        seeds: list[dict[str, Any] | None] = list(spec.seeds.get(binding, [None]))
        for i, (value, context, resume) in enumerate(runs):
            # seeded: every input with the first seed, the first input with each
            for seed in seeds if i == 0 else seeds[:1]:
                case = {
                    "step": binding,
                    "stepId": step.id.value,
                    "file": step.file,
                    "input": value,
                    "requestContext": context,
                    "resumeData": resume,
                    "agents": list(spec.agents.get(binding, ())),
                    "legacy": spec.legacy,
                }
                if seed is not None:
                    case["seed"] = {
                        "trigger": seed.get("trigger"),
                        "stepResults": seed.get("stepResults", {}),
                    }
                cases.append(case)
    return cases


def user_messages(requests: list[RecordedRequest]) -> list[str]:
    """The text of every user message of ``requests`` (chat-completions bodies), in order."""
    texts: list[str] = []
    for request in requests:
        for message in (request.body or {}).get("messages", []):
            if message.get("role") != "user":
                continue
            content = message.get("content")
            if isinstance(content, list):
                content = "".join(p.get("text", "") for p in content if p.get("type") == "text")
            texts.append(content)
    return texts


def model_prompts(server: FakeLLMServer, count: int) -> list[list[str]]:
    """The user messages of the model requests, grouped by the case header the client sent."""
    grouped: list[list[RecordedRequest]] = [[] for _ in range(count)]
    for request in server.model_requests:
        case = {k.lower(): v for k, v in request.headers.items()}.get(CASE_HEADER)
        if case is not None and case.isdigit() and int(case) < count:
            grouped[int(case)].append(request)
    return [user_messages(requests) for requests in grouped]


def record(spec: FixtureSteps) -> Path:
    """Run one fixture's step cases under Node and write the recording; returns its path."""
    home = Path(os.environ.get("LUMOS_MASTRA_HOME", "/tmp/mastra-scratch"))
    node = os.environ.get("LUMOS_NODE", "node")
    with tempfile.TemporaryDirectory(prefix="lumos-steps-") as tmp:
        project = Path(tmp) / spec.fixture
        shutil.copytree(project_root(spec), project)
        (project / "node_modules").symlink_to(home / "node_modules")
        cases = build_step_cases(spec, project)
        cases_path = Path(tmp) / "cases.json"
        cases_path.write_text(json.dumps(cases))
        with (
            LoopbackServer(list(spec.routes)) as server,
            FakeLLMServer([AGENT_REPLY], loop=True) as llm,
        ):
            command = [node, "--import", "tsx"]
            if spec.legacy:  # the fixture's 0.x Step/Workflow imports (see legacy/hooks.mjs)
                command += ["--import", str(LEGACY_HOOKS)]
            command += [str(RUNNER), str(project), str(cases_path)]
            results = run_node([*command, server.url, llm.url], project, spec.fixture)
            requests = server.requests_by_case(len(cases))
            prompts = model_prompts(llm, len(cases))
    for case, result, made, prompt in zip(cases, results, requests, prompts, strict=True):
        case["node"] = result
        case["requests"] = made
        case["prompts"] = prompt
    return write_recording(DATA_DIR / f"steps-{spec.fixture}.json", spec.fixture, cases)


def main(argv: list[str] | None = None) -> int:
    """Record the named fixtures (default: all)."""
    names = set(argv if argv is not None else sys.argv[1:])
    for spec in STEP_CASES:
        if names and spec.fixture not in names:
            continue
        path = record(spec)
        print(f"recorded {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
