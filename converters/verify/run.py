"""Run every scenario on both sides and collect the findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from converters.verify.compare import Difference, diff, view
from converters.verify.derive import AgentInfo, default_scenarios
from converters.verify.node import NodeHarness, pinned_version
from converters.verify.normalise import normalise
from converters.verify.python_side import PortedProject, ScriptedTools, point_at_server, run_port
from converters.verify.scenario import Scenario
from lumos_compat.testing import FakeLLMServer

__all__ = ["Outcome", "VerifyReport", "verify"]

Status = Literal["identical", "differing", "missing"]


class Outcome(BaseModel):
    """One scenario of one agent: identical, differing, or the agent is missing in the port."""

    agent: str
    scenario: str
    method: str
    status: Status
    differences: list[Difference] = Field(default_factory=list)
    description: str = ""


class VerifyReport(BaseModel):
    """Everything ``lumos-migrate verify`` found."""

    project: str
    package: str
    mastra_version: str
    agents: list[str]
    outcomes: list[Outcome]
    unmatched_port_agents: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Scenarios run, identical, differing, missing."""
        out = {"run": len(self.outcomes), "identical": 0, "differing": 0, "missing": 0}
        for outcome in self.outcomes:
            out[outcome.status] += 1
        return out

    @property
    def ok(self) -> bool:
        """No difference at all."""
        return all(o.status == "identical" for o in self.outcomes)


def _requests(server: FakeLLMServer) -> list[dict[str, Any]]:
    return [
        {
            "path": r.path,
            "body": r.body,
            "headers": {
                k: r.headers[k] for k in ("authorization", "content-type") if k in r.headers
            },
        }
        for r in server.model_requests
    ]


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _scenarios_for(info: AgentInfo, extra: list[Scenario]) -> list[Scenario]:
    chosen = default_scenarios(info)
    for scenario in extra:
        if scenario.agent is None or scenario.agent in (info.key, info.id):
            chosen.append(scenario.for_agent(info.key))
    return chosen


async def verify(
    project: Path,
    package: Path,
    *,
    scenarios: list[Scenario] | None = None,
    agent: str | None = None,
    home: Path | None = None,
    mastra_version: str | None = None,
    entry: str | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> VerifyReport:
    """Run the default (and given) scenarios of every agent on real Mastra and on the port.

    ``mastra_version`` defaults to the pin of the project's generation (:func:`pinned_version`):
    a 0.x project is run by real Mastra 0.x, with the 0.x agent API.
    """
    extra = scenarios or []
    mastra_version = mastra_version or pinned_version(project)
    with FakeLLMServer() as node_server, FakeLLMServer() as port_server:
        harness = NodeHarness(
            project, node_server.url, home=home, mastra_version=mastra_version, entry=entry
        )
        with harness:
            infos = [AgentInfo.model_validate(a) for a in harness.ready["agents"]]
            if agent is not None:
                picked = [i for i in infos if agent in (i.key, i.id)]
                if not picked:
                    known = ", ".join(i.key for i in infos) or "none"
                    raise LookupError(f"--agent {agent}: no such agent in the project ({known})")
                infos = picked
            ported = PortedProject(package)
            env = {"OPENAI_BASE_URL": port_server.openai_base_url, "OPENAI_API_KEY": "test-key"}
            with _env(env):
                try:
                    ported.load()
                    report = await _run_all(
                        harness, node_server, port_server, ported, infos, extra, on_outcome
                    )
                finally:
                    ported.unload()
            report.project = str(project)
            report.package = str(package)
            report.mastra_version = str(harness.ready.get("mastra_version") or mastra_version)
            return report


async def _run_all(
    harness: NodeHarness,
    node_server: FakeLLMServer,
    port_server: FakeLLMServer,
    ported: PortedProject,
    infos: list[AgentInfo],
    extra: list[Scenario],
    on_outcome: Callable[[Outcome], None] | None,
) -> VerifyReport:
    tools = ScriptedTools()
    seen: set[int] = set()
    outcomes: list[Outcome] = []
    problems: list[str] = []
    matched: set[int] = set()
    for info in infos:
        problems += [f"{info.key}: {p}" for p in info.problems]
        twin = ported.match(info)
        if twin is not None:
            matched.add(id(twin))
            point_at_server(twin, info, port_server, tools, seen)
        for scenario in _scenarios_for(info, extra):
            wire = scenario.wire()
            if twin is None:
                outcome = Outcome(
                    agent=info.key,
                    scenario=scenario.name,
                    method=scenario.method,
                    status="missing",
                    description=scenario.description,
                    differences=[
                        Difference(
                            path="agent",
                            note=f"no agent with key {info.key!r} or id {info.id!r} in the port",
                        )
                    ],
                )
            else:
                mastra_side = _observe_node(harness, node_server, wire)
                port_side = await _observe_port(twin, port_server, wire, tools)
                differences = diff(view(mastra_side), view(port_side))
                outcome = Outcome(
                    agent=info.key,
                    scenario=scenario.name,
                    method=scenario.method,
                    status="differing" if differences else "identical",
                    differences=differences,
                    description=scenario.description,
                )
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    unmatched = sorted(k for k, a in ported.agents.items() if id(a) not in matched)
    return VerifyReport(
        project="",
        package="",
        mastra_version="",
        agents=[i.key for i in infos],
        outcomes=outcomes,
        unmatched_port_agents=unmatched,
        problems=problems,
    )


def _reset(server: FakeLLMServer, script: list[Any]) -> None:
    """Load the scenario's script and restart the server's response numbering.

    Response ids (``resp_fake_N``, ``fc_fake_N_0``) count requests since the server started;
    both sides must start each scenario from the same count or every id after the first
    divergence would differ. ``FakeLLMServer.reset`` keeps the count, so it is reset here.
    """
    server.reset(script)
    state = server._state
    with state.lock:
        state.counter = 0


def _observe_node(
    harness: NodeHarness, server: FakeLLMServer, wire: dict[str, Any]
) -> dict[str, Any]:
    _reset(server, wire["script"])
    message = harness.run(wire)
    body: dict[str, Any] = {
        "requests": _requests(server),
        "turns_consumed": len(wire["script"]) - server.remaining_turns,
        "server_errors": server.errors,
    }
    for key in ("result", "chunks", "thrown", "tool_inputs"):
        if key in message:
            body[key] = message[key]
    return normalise(body, server.url, wire)


async def _observe_port(
    agent: Any, server: FakeLLMServer, wire: dict[str, Any], tools: ScriptedTools
) -> dict[str, Any]:
    _reset(server, wire["script"])
    output = await run_port(agent, wire, tools)
    body: dict[str, Any] = {
        "requests": _requests(server),
        "turns_consumed": len(wire["script"]) - server.remaining_turns,
        "server_errors": server.errors,
        **output,
    }
    return normalise(body, server.url, wire)
