"""Differential tests: each fixture tool's Python translation against its original TypeScript.

The Node side was recorded by ``python -m tests.translate.record`` (``tests/data/translate/``): for
every case the output (or error message) of the original ``tool.execute`` under real Mastra and the
HTTP requests it made to the loopback server. Here the fixture is converted by ``lumos-migrate``,
the translated tool runs on the same inputs with ``fetch`` answered by the same routes, and output
and requests must match. No Node is needed.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from lumos_compat import ToolExecutionContext
from lumos_compat.tools import is_validation_error, to_jsonable
from tests.translate.cases import FIXTURE_CASES, FixtureCases
from tests.translate.loopback import LoopbackServer, RedirectTransport
from tests.translate.ported import write_and_import
from tests.translate.record import DATA_DIR, REPO, build_cases

SPECS = {spec.fixture: spec for spec in FIXTURE_CASES}


def _recording(fixture: str) -> list[dict[str, Any]]:
    return json.loads((DATA_DIR / f"{fixture}.json").read_text(encoding="utf-8"))["cases"]


def _comparable(value: Any) -> Any:
    """JSON as compared: None-valued keys dropped (Python has one None for null and undefined)."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@functools.cache
def _converted(fixture: str, out: str) -> dict[str, Any]:
    """Convert a fixture into ``out`` and import its tools: binding -> Tool."""
    result, tools = write_and_import(REPO / "fixtures" / fixture, out, "tool")
    return {"tools": tools, "package": result.package, "diagnostics": result.diagnostics}


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("translated"))


def _cases() -> list[tuple[str, int]]:
    return [(f, i) for f in SPECS for i in range(len(_recording(f)))]


@pytest.mark.parametrize("fixture", sorted(SPECS))
def test_recordings_match_the_cases(fixture: str) -> None:
    """The recorded inputs are the ones the cases generate today (else: re-record)."""
    recorded = [(c["tool"], c["input"], c["requestContext"]) for c in _recording(fixture)]
    current = [
        (c["tool"], c["input"], c["requestContext"])
        for c in build_cases(SPECS[fixture], REPO / "fixtures" / fixture)
    ]
    assert recorded == current, "run `python -m tests.translate.record` and commit the result"


@pytest.mark.parametrize(("fixture", "index"), _cases(), ids=[f"{f}-{i}" for f, i in _cases()])
async def test_translation_matches_typescript(
    fixture: str,
    index: int,
    out_dir: str,
    servers: dict[str, LoopbackServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = _recording(fixture)[index]
    spec: FixtureCases = SPECS[fixture]
    converted = _converted(fixture, str(Path(out_dir) / fixture))
    tool = converted["tools"][case["tool"]]
    translated = [
        d
        for d in converted["diagnostics"]
        if d.rule == "LM372" and d.loc and f"`{case['tool']}`" in d.message
    ]
    assert translated, f"{case['tool']} was not translated"
    real_client = httpx.AsyncClient
    if fixture not in servers:
        servers[fixture] = LoopbackServer(list(spec.routes)).__enter__()
    server = servers[fixture]
    server.clear()
    monkeypatch.setattr(
        httpx,
        "AsyncClient",
        functools.partial(real_client, transport=RedirectTransport(server.url)),
    )
    context = ToolExecutionContext(request_context=case["requestContext"] or {})
    try:
        output = await tool.execute(case["input"], context)
    except Exception as exc:  # the TypeScript threw: compare messages
        got: dict[str, Any] = {"error": str(exc)}
    else:
        got = {"output": to_jsonable(output)}
    requests = list(server.requests)
    expected = case["node"]
    if "output" in got and is_validation_error(got["output"]):
        # both sides refused the input before the body ran (the wording of schema messages is
        # the schema layer's business, not the translator's)
        assert expected.get("output", {}).get("error") is True, expected
    else:
        assert _comparable(got) == _comparable(expected)
    assert [_request(r) for r in requests] == [_request(r) for r in case["requests"]]


def _request(request: dict[str, Any]) -> dict[str, Any]:
    """A request as compared: a bare trailing ``?`` (httpx keeps it, fetch drops it) ignored."""
    url = request["url"]
    return {**request, "url": url[:-1] if url.endswith("?") else url}
