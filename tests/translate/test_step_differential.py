"""Differential tests: each fixture step's Python translation against its original TypeScript.

The Node side was recorded by ``python -m tests.translate.record_steps``
(``tests/data/translate/steps-*.json``): every case ran the original step alone in a one-step
workflow of real Mastra 1.71. Here the fixture is converted by ``lumos-migrate``, the translated
step runs the same way on ``lumos_compat`` (same inputs, request context and resume data, ``fetch``
answered by the same routes, agents by the same fake LLM reply), and the outcome (status, result,
error message, suspend payload, what the step printed), the HTTP requests and the prompts the
agents sent must match. No Node is needed.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from lumos_compat import Agent, Mastra, RequestContext, StepContext, create_step, create_workflow
from lumos_compat.testing import FakeLLMServer
from lumos_compat.tools import to_jsonable
from tests.translate.loopback import LoopbackServer, RedirectTransport
from tests.translate.ported import write_and_import
from tests.translate.record import DATA_DIR
from tests.translate.record_steps import build_step_cases, project_root, user_messages
from tests.translate.step_cases import AGENT_REPLY, STEP_CASES, FixtureSteps
from tests.translate.test_differential import _comparable, _request

SPECS = {spec.fixture: spec for spec in STEP_CASES}
_ENGINE_ERROR = re.compile(
    r"is not valid JSON|Cannot read properties of|is not a function|is not iterable"
)
_NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _recording(fixture: str) -> list[dict[str, Any]]:
    path = DATA_DIR / f"steps-{fixture}.json"
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def _cases() -> list[tuple[str, int]]:
    return [(f, i) for f in SPECS for i in range(len(_recording(f)))]


def _stable(value: Any) -> Any:
    """JSON as compared (see ``_comparable``), with ISO timestamps (the current time) as ``<now>``."""
    if isinstance(value, str):
        return _NOW.sub("<now>", value)
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


@functools.cache
def _converted(fixture: str, out: str) -> dict[str, Any]:
    """Convert a fixture into ``out`` and import its steps: binding -> Step."""
    result, steps = write_and_import(project_root(SPECS[fixture]), out, "step")
    translated = {
        d.message.split("`")[1]
        for d in result.diagnostics
        if d.rule == "LM372" and "of step `" in d.message
    }
    return {"steps": steps, "translated": translated}


def _returning(value: Any) -> Any:
    """A step or ``.map`` function that returns ``value``."""

    async def execute(ctx: StepContext) -> Any:
        return value

    return execute


class _LoopbackOnly(RedirectTransport):
    """Send the step's fetches to the loopback server; the agents' model calls go where they go."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "127.0.0.1":
            return await self._inner.handle_async_request(request)
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("translated-steps"))


@pytest.mark.parametrize("fixture", sorted(SPECS))
def test_step_recordings_match_the_cases(fixture: str) -> None:
    """The recorded inputs are the ones the cases generate today (else: re-record)."""
    keys = ("step", "input", "requestContext", "resumeData", "agents", "legacy", "seed")
    recorded = [tuple(c.get(k) for k in keys) for c in _recording(fixture)]
    current = [
        tuple(c.get(k) for k in keys)
        for c in build_step_cases(SPECS[fixture], project_root(SPECS[fixture]))
    ]
    assert recorded == current, "run `python -m tests.translate.record_steps` and commit the result"


@pytest.mark.parametrize(("fixture", "index"), _cases(), ids=[f"{f}-{i}" for f, i in _cases()])
async def test_step_translation_matches_typescript(
    fixture: str,
    index: int,
    out_dir: str,
    servers: dict[str, LoopbackServer],
    llm: FakeLLMServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = _recording(fixture)[index]
    spec: FixtureSteps = SPECS[fixture]
    converted = _converted(fixture, str(Path(out_dir) / fixture))
    assert case["step"] in converted["translated"], f"{case['step']} was not translated"
    step = converted["steps"][case["step"]]
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
        for name in case["agents"]
    }
    workflow_id = f"diff-{index}"
    seed = case.get("seed")
    if seed is not None or case["legacy"]:
        # stand-ins for the earlier steps the step reads, then its input, then the step; legacy
        # graphs run without input validation, as the converter lays them out
        options = {"validate_inputs": False} if case["legacy"] else None
        workflow = create_workflow(id=workflow_id, options=options)
        for step_id, output in (seed or {}).get("stepResults", {}).items():
            workflow = workflow.then(create_step(id=step_id, execute=_returning(output)))
        workflow = workflow.map(_returning(case["input"])).then(step).commit()
    else:
        workflow = (
            create_workflow(
                id=workflow_id, input_schema=step.input_schema, output_schema=step.output_schema
            )
            .then(step)
            .commit()
        )
    Mastra(workflows={workflow_id: workflow}, agents=agents)
    context = RequestContext(case["requestContext"] or {})
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run = await workflow.create_run()
        try:
            start_input = seed["trigger"] if seed is not None else case["input"]
            result = await run.start(input_data=start_input, request_context=context)
            if case["resumeData"] is not None and result.status == "suspended":
                result = await run.resume(
                    step=step.id, resume_data=case["resumeData"], request_context=context
                )
        except Exception as exc:
            got: dict[str, Any] = {"status": "thrown", "error": str(exc)}
        else:
            got = {"status": result.status}
            if result.status == "success":
                got["result"] = to_jsonable(result.result)
            elif result.status == "failed":
                error = result.get("error")
                got["error"] = error.get("message") if isinstance(error, dict) else str(error)
            elif result.status == "suspended":
                got["suspendPayload"] = result["steps"][step.id].get("suspendPayload")
    got["stdout"] = printed.getvalue()
    expected = case["node"]
    if expected.get("status") == "failed" and _ENGINE_ERROR.search(expected.get("error") or ""):
        # JavaScript's own TypeError/SyntaxError (not one the body threw): its wording has no
        # Python twin; the step must fail all the same
        assert got["status"] == "failed", got
        got["error"] = expected["error"]
    assert _stable(_comparable(got)) == _stable(_comparable(expected))
    assert [_request(r) for r in server.requests] == [_request(r) for r in case["requests"]]
    prompts = user_messages(llm.model_requests)
    if prompts == [""] and case["prompts"] == []:
        # the step translated right (the agent got the empty plan); Mastra leaves an empty user
        # message out of the model request, lumos_compat's agent sends it: an agent wire gap
        pytest.xfail("lumos_compat sends an empty user message; Mastra leaves it out")
    assert prompts == case["prompts"]
