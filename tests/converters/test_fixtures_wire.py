"""Ported fixture agents on the wire: the same system messages and tool JSON Schemas as real Mastra.

Each 1.x fixture is converted with the CLI, its ported package imported, and every agent registered on
its ``Mastra`` instance pointed at a loopback ``FakeLLMServer`` and asked ``generate('Hello')`` once.
The request must carry the system messages and tools that real Mastra 1.71 sent for the same agent
(``tests/data/fixture_wire/<fixture>.json``, recorded by ``python -m
tests.converters.record_fixture_wire``). Agents the converter cannot port faithfully (instructions
computed by a function outside the translated subset, factory calls or loops that could not be
unrolled) are skipped with the rule id that reports them.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lumos_compat.testing import FakeLLMServer, Turn
from tests.converters._fixture_conversion import Conversion, convert_fixture
from tests.converters.record_fixture_wire import (
    FIXTURE_ENV,
    FIXTURE_ENV_UNSET,
    WIRE_DIR,
    WIRE_FIXTURES,
    system_messages,
    tool_schemas,
)


def _recording(fixture: str) -> dict[str, Any]:
    return json.loads((WIRE_DIR / f"{fixture}.json").read_text(encoding="utf-8"))


def _cases() -> list[tuple[str, str]]:
    return [(f, key) for f in WIRE_FIXTURES for key in sorted(_recording(f)["agents"])]


@pytest.fixture(scope="module")
def fixture_env() -> Iterator[None]:
    """The environment the recording was made with (read by ported code at import time)."""
    saved = {k: os.environ.get(k) for k in (*FIXTURE_ENV, *FIXTURE_ENV_UNSET)}
    for key in FIXTURE_ENV_UNSET:
        os.environ.pop(key, None)
    os.environ.update(FIXTURE_ENV)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def ported(
    tmp_path_factory: pytest.TempPathFactory, fixture_env: None
) -> Iterator[dict[str, tuple[Conversion, Any]]]:
    """fixture -> (its conversion, the imported Mastra instance of the ported package)."""
    root = tmp_path_factory.mktemp("wire")
    done: dict[str, tuple[Conversion, Any]] = {}
    added: list[str] = []
    packages: list[str] = []

    failures: dict[str, BaseException] = {}

    def load(fixture: str) -> tuple[Conversion, Any]:
        if fixture in failures:  # converted once already: report the same failure again
            raise failures[fixture]
        if fixture not in done:
            try:
                conversion = convert_fixture(fixture, root)
                assert conversion.exit_code == 0, conversion.output
                sys.path.insert(0, str(conversion.out))
                added.append(str(conversion.out))
                packages.append(conversion.package)
                # from the ported project's root, as real Mastra ran from the fixture's root
                cwd = os.getcwd()
                os.chdir(conversion.out)
                try:
                    module = importlib.import_module(conversion.package)
                finally:
                    os.chdir(cwd)
            except BaseException as exc:
                failures[fixture] = exc
                raise
            done[fixture] = (conversion, module.mastra)
        return done[fixture]

    yield _Loader(load)  # type: ignore[misc]
    for path in added:
        sys.path.remove(path)
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in packages):
            del sys.modules[name]


class _Loader(dict):  # type: ignore[type-arg]
    """A mapping that converts and imports a fixture on first access."""

    def __init__(self, load: Any) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, fixture: str) -> tuple[Conversion, Any]:
        value = self._load(fixture)
        self[fixture] = value
        return value


def _rules_at(conversion: Conversion, agent_key: str) -> set[str]:
    """Rule ids the report names for the agent registered as ``agent_key`` (by its message)."""
    return {
        item["rule"]
        for item in conversion.report["needs_person"]
        if f"`{agent_key}`" in item["message"] or f" {agent_key} " in f" {item['message']} "
    }


@pytest.mark.parametrize(("fixture", "key"), _cases(), ids=[f"{f}:{k}" for f, k in _cases()])
async def test_ported_agent_sends_what_mastra_sends(
    fixture: str, key: str, ported: dict[str, tuple[Conversion, Any]]
) -> None:
    recorded = _recording(fixture)["agents"][key]
    if "skipped" in recorded:
        pytest.skip(f"not recorded from real Mastra: {recorded['skipped']}")
    if "request" not in recorded:
        pytest.skip(f"real Mastra could not run this agent here: {recorded['error']}")
    conversion, mastra = ported[fixture]
    agents = mastra.list_agents()
    if key not in agents:
        rules = sorted(_rules_at(conversion, key))
        generated = [
            item
            for item in conversion.report["needs_person"]
            if item["rule"] == "LM201" or f"agents.{key} " in item["message"]
        ]
        assert generated, f"{fixture}: agent {key} is neither ported nor reported"
        pytest.skip(f"agent {key} is built by a factory or a loop; reported ({rules or 'LM201'})")
    agent = agents[key]
    if callable(agent.instructions):
        reported = _rules_at(conversion, key)
        translated = {
            item["rule"]
            for item in conversion.report["notes"]
            if f"`{key}`" in item["message"] and item["rule"] == "LM262"
        }
        assert {"LM251", "LM252"} & reported or translated, (
            f"{key}: an instructions function neither translated (LM262) nor a TODO"
        )
        if not translated:
            pytest.skip(f"instructions of {key} are a function: a TODO ({sorted(reported)})")

    with FakeLLMServer([Turn.say("Hi")]) as server:
        agent.update_model(server.model(key))
        try:
            await agent.generate("Hello")
        except Exception:
            # real Mastra failed after its request too (e.g. "Hi" is not the structured output
            # it asked for); the request is what is compared
            if "error" not in recorded:
                raise
        (request,) = server.model_requests
    body = request.body

    assert system_messages(body) == system_messages(recorded["request"])

    expected = tool_schemas(recorded["request"])
    sent = tool_schemas(body)
    assert sorted(sent) == sorted(expected)
    for name, schema in expected.items():
        assert sent[name] == schema, f"{fixture}: tool {name} of agent {key}"


def test_every_wire_fixture_is_recorded() -> None:
    """Each 1.x fixture has a recording with at least one agent that real Mastra ran."""
    for fixture in WIRE_FIXTURES:
        path = Path(WIRE_DIR / f"{fixture}.json")
        assert path.is_file(), f"run python -m tests.converters.record_fixture_wire {fixture}"
        agents = _recording(fixture)["agents"]
        assert any("request" in a for a in agents.values()), fixture
