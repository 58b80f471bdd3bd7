"""Differential tests: fixture workflows, converted whole, against the originals run end to end.

The Node side was recorded by ``python -m tests.translate.record_workflows``
(``tests/data/translate/workflows-*.json``): real Mastra 1.71 ran the workflow a fixture exports.
Here the converted workflow (every step body, ``.map`` function and condition translated) runs on
``lumos_compat`` with the same input, request context and resumes; status, result, every step's
status and output, what was printed, the HTTP requests and the prompts must match. No Node.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from lumos_compat import Agent, Mastra, RequestContext
from lumos_compat.testing import FakeLLMServer
from lumos_compat.tools import to_jsonable
from tests.translate.loopback import LoopbackServer
from tests.translate.ported import write_and_import
from tests.translate.record import DATA_DIR, REPO
from tests.translate.record_steps import user_messages
from tests.translate.step_cases import AGENT_REPLY
from tests.translate.test_differential import _comparable, _request
from tests.translate.test_step_differential import _LoopbackOnly, _stable
from tests.translate.workflow_cases import WORKFLOW_CASES, FixtureWorkflows

SPECS = {spec.fixture: spec for spec in WORKFLOW_CASES}


def _recording(fixture: str) -> list[dict[str, Any]]:
    path = DATA_DIR / f"workflows-{fixture}.json"
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def _cases() -> list[tuple[str, int]]:
    return [(f, i) for f in SPECS for i in range(len(_recording(f)))]


@functools.cache
def _converted(fixture: str, out: str) -> dict[str, Any]:
    """Convert a fixture into ``out``: workflow binding -> the converted workflow; the report."""
    result, workflows = write_and_import(REPO / "fixtures" / fixture, out, "workflow")
    todos = [d for d in result.diagnostics if d.rule in ("LM654", "LM655")]
    return {"workflows": workflows, "todos": todos}


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("translated-workflows"))


def test_recordings_match_the_cases() -> None:
    for fixture, spec in SPECS.items():
        recorded = [
            {k: v for k, v in c.items() if k not in ("node", "requests", "prompts")}
            for c in _recording(fixture)
        ]
        assert recorded == [dict(c) for c in spec.cases], (
            "run `python -m tests.translate.record_workflows` and commit the result"
        )


def _outcome(result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"status": result.status, "steps": {}}
    if result.status == "success":
        out["result"] = to_jsonable(result.result)
    elif result.status == "failed":
        error = result.get("error")
        out["error"] = error.get("message") if isinstance(error, dict) else str(error)
    elif result.status == "suspended":
        out["suspended"] = result.get("suspended")
    for step_id, record in result.get("steps", {}).items():
        if step_id == "input":
            continue
        entry: dict[str, Any] = {"status": record.get("status")}
        for key in ("output", "suspendPayload"):
            if record.get(key) is not None:
                entry[key] = to_jsonable(record[key])
        out["steps"][step_id] = entry
    return out


@pytest.mark.parametrize(("fixture", "index"), _cases(), ids=[f"{f}-{i}" for f, i in _cases()])
async def test_converted_workflow_runs_like_the_original(
    fixture: str,
    index: int,
    out_dir: str,
    servers: dict[str, LoopbackServer],
    llm: FakeLLMServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = _recording(fixture)[index]
    spec: FixtureWorkflows = SPECS[fixture]
    converted = _converted(fixture, str(Path(out_dir) / fixture))
    assert not converted["todos"], [d.message for d in converted["todos"]]
    workflow = converted["workflows"][case["export"]]
    if fixture not in servers:
        servers[fixture] = LoopbackServer(list(spec.routes)).__enter__()
    server = servers[fixture]
    server.clear()
    llm.reset([AGENT_REPLY])
    real_client = httpx.AsyncClient
    monkeypatch.setattr(
        httpx, "AsyncClient", functools.partial(real_client, transport=_LoopbackOnly(server.url))
    )
    agents = {
        name: Agent(
            id=name,
            name=name,
            instructions="You help.",
            model={"id": "fake/fake-model", "url": llm.openai_base_url, "api_key": "test-key"},
        )
        for name in case.get("agents", [])
    }
    Mastra(workflows={workflow.id: workflow}, agents=agents)
    context = RequestContext(case.get("requestContext") or {})
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run = await workflow.create_run()
        result = await run.start(input_data=case["input"], request_context=context)
        for resume in case.get("resume", []):
            if result.status != "suspended":
                break
            result = await run.resume(
                step=resume["step"], resume_data=resume["resumeData"], request_context=context
            )
    got = {**_outcome(result), "stdout": printed.getvalue()}
    assert _stable(_comparable(got)) == _stable(_comparable(case["node"]))
    assert [_request(r) for r in server.requests] == [_request(r) for r in case["requests"]]
    assert _stable(user_messages(llm.model_requests)) == _stable(case["prompts"])
