"""`lumos-migrate verify` end to end on one fixture: table, JSON, --agent, --scenarios, exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converters.cli import app
from tests.verify.fixture_projects import prepare_fixture

pytestmark = pytest.mark.needs_node


def test_verify_json_with_a_user_scenario(tmp_path: Path) -> None:
    project = prepare_fixture("weather-1x", tmp_path / "src")
    port = tmp_path / "port"
    assert CliRunner().invoke(app, ["convert", str(project), "--out", str(port)]).exit_code == 0
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "paris.json").write_text(
        json.dumps(
            {
                "name": "paris-tool-throws",
                "agent": "weatherAgent",
                "messages": [{"role": "user", "content": "Weather in Paris?"}],
                "options": {"maxSteps": 3},
                "script": [
                    {
                        "tool_calls": [
                            {
                                "id": "call_p",
                                "name": "weatherTool",
                                "arguments": {"location": "Paris"},
                            }
                        ]
                    },
                    {"text": "The weather service is down."},
                ],
                "tool_outputs": {"weatherTool": {"throws": "service unavailable"}},
            }
        )
    )
    result = CliRunner().invoke(
        app,
        [
            "verify",
            str(project),
            str(port),
            "--agent",
            "weatherAgent",
            "--scenarios",
            str(scenarios),
            "--json",
        ],
    )
    report = json.loads(result.output)
    by_name = {o["scenario"]: o for o in report["outcomes"]}
    assert by_name["paris-tool-throws"]["status"] == "identical"
    assert by_name["plain-reply"]["status"] == "identical"
    assert by_name["stream-tool-roundtrip"]["status"] == "identical"
    assert report["counts"] == {"run": 6, "identical": 6, "differing": 0, "missing": 0}
    assert result.exit_code == 0

    # a port whose instructions drifted from the Mastra agent differs in every scenario
    module = port / "weather_1x" / "agents" / "weather_agent.py"
    module.write_text(module.read_text().replace('instructions="""', 'instructions="""Edited. ', 1))
    table = CliRunner().invoke(app, ["verify", str(project), str(port), "--agent", "weather-agent"])
    assert table.exit_code == 1
    assert "5 scenario(s) run: 0 identical, 5 differing" in table.output
    assert "weatherAgent / plain-reply (generate): differing" in table.output
    assert "requests[0].body.input[0].content: Mastra" in table.output
    assert "Edited." in table.output
