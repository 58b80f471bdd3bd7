"""The step differential cases: which fixture steps run, on which inputs, against which answers.

Inputs come from each step's input schema (``cases.schema_inputs``) plus hand-written edge cases;
a case may carry resume data (the step suspends, then is resumed once) and the names of the agents
the step looks up (they answer from the fake LLM server with ``AGENT_REPLY``). HTTP answers are
loopback routes, as for the tools. A seeded case runs the step after stand-in steps that produce
the step results it reads, in a workflow whose input is the given trigger data (legacy 0.x steps
read it as ``triggerData``, 1.x steps with ``getInitData()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.translate.loopback import Route

__all__ = ["AGENT_REPLY", "STEP_CASES", "FixtureSteps"]

AGENT_REPLY = "Go for a long walk by the river."
PROJECTS = Path(__file__).resolve().parent / "projects"


@dataclass(frozen=True)
class FixtureSteps:
    """The steps of one fixture that are run (by binding), with their extra inputs and routes."""

    fixture: str
    steps: tuple[str, ...]
    routes: tuple[Route, ...] = ()
    extra_inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    request_context: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    resume_data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    agents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # seeded runs: the workflow input (``trigger``) and the earlier step results the step reads
    seeds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    legacy: bool = False  # 0.x ``new Step`` steps
    root: Path | None = None  # the project (default: fixtures/<fixture>)


_FORECAST = {
    "current": {"time": "2025-01-01T12:00", "precipitation": 0.4, "weathercode": 3},
    "hourly": {
        "precipitation_probability": [10, 85, "40", 0],
        "temperature_2m": [3.5, 7.25, -1.0, 12],
    },
}

STEP_CASES: tuple[FixtureSteps, ...] = (
    FixtureSteps(
        "weather-1x",
        ("fetchWeather", "planActivities"),
        (
            Route(path="/v1/search", query={"name": "Nowhere"}, json={"generationtime_ms": 0.2}),
            Route(
                path="/v1/search",
                query={"name": "Emptyville"},
                json={"results": [{"latitude": 1.5, "longitude": -0.5, "name": "Emptyville"}]},
            ),
            Route(
                path="/v1/search",
                json={"results": [{"latitude": 48.0, "longitude": 2.35, "name": "Paris"}]},
            ),
            Route(
                path="/v1/forecast",
                query={"latitude": "1.5"},
                json={
                    "current": {"time": "t", "precipitation": 0, "weathercode": 0},
                    "hourly": {"precipitation_probability": [], "temperature_2m": []},
                },
            ),
            Route(path="/v1/forecast", json=_FORECAST),
        ),
        extra_inputs={"fetchWeather": [{"city": "Emptyville"}]},
        agents={"planActivities": ("weatherAgent",)},
    ),
    FixtureSteps(
        "modern-1x",
        (
            "validateOrder",
            "checkStock",
            "checkFraud",
            "manualReview",
            "autoApprove",
            "gate",
            "reserveItem",
            "notifyWarehouse",
        ),
        (
            Route(
                path="/notify",
                method="POST",
                body_contains='"reserved":0',
                status=503,
                text="warehouse asleep",
            ),
            Route(path="/notify", method="POST", json={"ok": True}),
        ),
        extra_inputs={
            "checkStock": [
                {
                    "orderId": "o-1",
                    "items": [{"sku": "a", "qty": 10}, {"sku": "b", "qty": 11}],
                    "total": 199.5,
                },
                {"orderId": "o-1", "items": [], "total": 0},
            ],
            "checkFraud": [
                {"orderId": "o-1", "items": [], "total": 2500},
                {"orderId": "o-1", "items": [], "total": 125.5},
            ],
            "gate": [
                {},
                {"manual-review": {"approved": False, "reviewer": "kim"}},
                {"manual-review": {"approved": True}, "auto-approve": {"approved": False}},
                {"auto-approve": {"approved": True}},
            ],
            "notifyWarehouse": [{"reserved": 0, "attempts": 4}],
        },
        request_context={
            "checkFraud": [{"trusted-customer": True}, {"trusted-customer": "yes"}, {}],
        },
        resume_data={
            "manualReview": [
                {"approved": True, "reviewer": "kim"},
                {"approved": False, "reviewer": ""},
            ],
        },
    ),
    FixtureSteps(
        "legacy-0x",
        ("fetchForecast", "planDays", "heatAdvisory", "rainGear", "summarize"),
        (
            Route(path="/Nowhere", status=404, text="Unknown location"),
            Route(
                path="*",
                json={
                    "weather": [
                        {
                            "maxtempC": "31",
                            "hourly": [{"chanceofrain": "10"}, {"chanceofrain": "65"}],
                        },
                        {"maxtempC": "12", "hourly": []},
                    ]
                },
            ),
        ),
        legacy=True,
        seeds={
            "fetchForecast": [{"trigger": {"city": "Lyon", "days": 2}, "stepResults": {}}],
            "planDays": [
                {
                    "trigger": {"city": "Lyon", "days": 3},
                    "stepResults": {"fetchForecast": {"maxTemp": 31, "rainChance": 65.5}},
                },
                {"trigger": {"city": "Oslo", "days": 1}, "stepResults": {}},
            ],
            "heatAdvisory": [
                {
                    "trigger": {"city": "Lyon", "days": 3},
                    "stepResults": {"fetchForecast": {"maxTemp": 35}},
                },
                {
                    "trigger": {"city": "Lyon", "days": 3},
                    "stepResults": {"fetchForecast": {"maxTemp": None}},
                },
            ],
            "rainGear": [{"trigger": {"city": "Lyon", "days": 3}, "stepResults": {}}],
            "summarize": [{"trigger": {"city": "Lyon", "days": 3}, "stepResults": {}}],
        },
        extra_inputs={"summarize": [{"plan": ""}, {"plan": "Day 1: «museums» & cafés"}]},
        agents={"planDays": ("travelAgent",), "summarize": ("summaryAgent",)},
    ),
    FixtureSteps(
        "step-forms",
        ("priceOrder", "describeOrder", "approveOrder"),
        root=PROJECTS / "step-forms",
        extra_inputs={
            "priceOrder": [{"orderId": "o-2", "amount": 0.125}, {"orderId": "o-3", "amount": -0.5}],
            "approveOrder": [{"cents": 20000, "orderId": "o-big"}],
        },
        seeds={
            "describeOrder": [
                {
                    "trigger": {"orderId": "o-9", "amount": 12.5, "note": "gift"},
                    "stepResults": {"price-order": {"orderId": "o-9", "cents": 1250}},
                },
                {"trigger": {"orderId": "o-10", "amount": 1}, "stepResults": {}},
            ],
        },
        resume_data={"approveOrder": [{"by": "kim"}, {"by": ""}]},
    ),
)
