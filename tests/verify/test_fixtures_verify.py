"""Our own CI for the compatibility suite: every fixture, converted, verified against real Mastra
(1.71 for the 1.x fixtures, the 0.x pin for the 0.x ones).

Each fixture is converted with ``lumos-migrate convert`` into tmp_path and verified with the default
scenarios (tool bodies are TODO in the port, so every scenario scripts tool outputs at the boundary).
The table's counts must equal the checked-in ``expectations.json``, and every agent/scenario that
is not identical must be listed there with the areas that differ and why; an unlisted difference,
or a listed one that no longer occurs, fails.

The harness installs Mastra from npm into ``~/.cache/lumos-compat`` on first use; locally set
``LUMOS_MASTRA_HOME=/tmp/mastra-scratch`` to use an existing install.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converters.cli import app
from converters.verify import VerifyReport, verify
from converters.verify.scenario import Scenario
from lumos_compat.testing import Turn
from tests.verify.fixture_projects import (
    CONVERT_EXIT,
    ENTRIES,
    FIXTURE_ENV,
    FIXTURES,
    MASTRA_VERSIONS,
    NEEDS_POSTGRES,
    PG_URL,
    prepare_fixture,
)

pytestmark = pytest.mark.needs_node

# fields of a result (stream) whose AI SDK v4 shape differs from Mastra 1.x's (expectations.json)
V4_SHAPES = (
    "result.usage",
    "result.totalUsage",
    "result.toolCalls",
    "result.toolResults",
    "stream.chunks",
)

EXPECTATIONS = json.loads((Path(__file__).parent / "expectations.json").read_text("utf-8"))


def _areas(report: VerifyReport) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for outcome in report.outcomes:
        if outcome.status == "identical":
            continue
        areas = {d.path.split(".")[0].split("[")[0] for d in outcome.differences}
        out[f"{outcome.agent}/{outcome.scenario}"] = areas
    return out


def _details(report: VerifyReport, key: str) -> str:
    agent, scenario = key.split("/", 1)
    for outcome in report.outcomes:
        if outcome.agent == agent and outcome.scenario == scenario:
            return "\n".join(f"    {d.describe(300)}" for d in outcome.differences[:12])
    return ""


@pytest.mark.parametrize("name", FIXTURES)
async def test_fixture_port_matches_real_mastra(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if name in NEEDS_POSTGRES and not PG_URL:
        pytest.skip("needs PostgreSQL: set LUMOS_TEST_POSTGRES_URL (CI starts one)")
    for key, value in FIXTURE_ENV.items():
        monkeypatch.setenv(key, value)
    project = prepare_fixture(name, tmp_path / "src")
    port = tmp_path / "port"
    converted = CliRunner().invoke(app, ["convert", str(project), "--out", str(port)])
    assert converted.exit_code == CONVERT_EXIT.get(name, 0), converted.output

    report = await verify(project, port, entry=ENTRIES.get(name))

    expected = EXPECTATIONS["fixtures"][name]
    found = _areas(report)
    listed = {key: set(areas) for key, areas in expected["differences"].items()}
    problems = []
    for key, areas in sorted(found.items()):
        if key not in listed:
            problems.append(
                f"unexplained difference {key} in {sorted(areas)}:\n{_details(report, key)}"
            )
        elif areas != listed[key]:
            problems.append(
                f"{key}: differs in {sorted(areas)}, expectations.json lists {sorted(listed[key])}:\n"
                f"{_details(report, key)}"
            )
    for key in sorted(set(listed) - set(found)):
        problems.append(f"{key} is identical now: remove it from expectations.json ({name})")
    if MASTRA_VERSIONS[name].startswith("0."):
        # the result and stream areas of a 0.x project always differ in shape (AI SDK v4 vs
        # Mastra 1.x); what they say must not: text, finish reasons, steps, object, streamed text
        for outcome in report.outcomes:
            for d in outcome.differences:
                if d.path.startswith(("result", "stream")) and not d.path.startswith(V4_SHAPES):
                    problems.append(f"{outcome.agent}/{outcome.scenario}: {d.describe(300)}")
    assert not problems, f"{name}:\n" + "\n".join(problems)
    assert report.counts == expected["counts"]
    assert report.mastra_version == MASTRA_VERSIONS[name]


def test_every_listed_difference_has_a_reason() -> None:
    for name, fixture in EXPECTATIONS["fixtures"].items():
        assert name in FIXTURES
        counts = fixture["counts"]
        assert counts["run"] == counts["identical"] + counts["differing"] + counts["missing"]
        assert len(fixture["differences"]) == counts["differing"] + counts["missing"]
        for key, areas in fixture["differences"].items():
            for area, why in areas.items():
                assert why["kind"] in ("kept", "not-converted", "bug"), (name, key, area)
                assert len(why["reason"]) > 30, (name, key, area)


async def test_request_context_functions_match_real_mastra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """conciergeAgent's instructions function, translated to Python (LM262), gives real Mastra's
    system message for each request context (a pro user by name, a free user, nobody)."""
    for key, value in FIXTURE_ENV.items():
        monkeypatch.setenv(key, value)
    project = prepare_fixture("dynamic-config", tmp_path / "src")
    port = tmp_path / "port"
    converted = CliRunner().invoke(app, ["convert", str(project), "--out", str(port)])
    assert converted.exit_code == 0, converted.output
    contexts = {
        "pro-ana": {"tier": "pro", "userName": "Ana"},
        "free-bo": {"tier": "free", "userName": "Bo"},
        "pro-anonymous": {"tier": "pro"},
    }
    scenarios = [
        Scenario(
            name=f"{name}-{method}",
            agent="conciergeAgent",
            method=method,  # type: ignore[arg-type]
            options={"requestContext": rc},
            script=[Turn.say("Hello!")],
        )
        for name, rc in contexts.items()
        for method in ("generate", "stream")
    ]
    report = await verify(project, port, scenarios=scenarios, agent="conciergeAgent")
    ours = {o.scenario: o for o in report.outcomes if o.scenario.startswith(tuple(contexts))}
    assert len(ours) == 6
    for outcome in ours.values():
        assert outcome.status == "identical", [d.describe(300) for d in outcome.differences]

    # and the port's function gives what the fixture README records from real Mastra
    from converters.verify.python_side import PortedProject
    from lumos_compat import RequestContext

    ported = PortedProject(port)
    try:
        agent = ported.load()["conciergeAgent"]
        rc = RequestContext(contexts["pro-ana"])
        assert await agent.get_instructions(rc) == (
            "Greet Ana by name. They are a pro customer of Northwind Traders: offer priority help."
        )
        assert (await agent.get_model(rc)).model_id == "gpt-4o"
    finally:
        ported.unload()
