"""Whole-workflow differential cases: fixture workflows run end to end on both sides.

Every step body, ``.map`` function and condition of these workflows is translated, so the ported
workflow can run as the original does: same input, request context and resumes; ``fetch``
answered by the loopback routes of ``step_cases``; agents by the fake LLM server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.translate.loopback import Route
from tests.translate.step_cases import STEP_CASES

__all__ = ["WORKFLOW_CASES", "FixtureWorkflows"]


@dataclass(frozen=True)
class FixtureWorkflows:
    """The runs of one fixture's exported workflows."""

    fixture: str
    routes: tuple[Route, ...]
    cases: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def _routes(fixture: str) -> tuple[Route, ...]:
    return next(spec.routes for spec in STEP_CASES if spec.fixture == fixture)


_ORDER = "src/mastra/workflows/order-workflow.ts"
_WEATHER = "src/mastra/workflows/weather-workflow.ts"
_SMALL = {"orderId": "o-1", "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 3}]}
_BIG = {"orderId": "o-2", "items": [{"sku": "a", "qty": 10}] * 9}
_SHORT = {"orderId": "o-3", "items": [{"sku": "c", "qty": 11}]}

WORKFLOW_CASES: tuple[FixtureWorkflows, ...] = (
    FixtureWorkflows(
        "modern-1x",
        _routes("modern-1x"),
        (
            {"file": _ORDER, "export": "orderWorkflow", "input": _SMALL},
            {
                "file": _ORDER,
                "export": "orderWorkflow",
                "input": _SMALL,
                "requestContext": {"trusted-customer": True},
            },
            {"file": _ORDER, "export": "orderWorkflow", "input": _SHORT},
            {"file": _ORDER, "export": "orderWorkflow", "input": _BIG},
            {
                "file": _ORDER,
                "export": "orderWorkflow",
                "input": _BIG,
                "resume": [
                    {"step": "manual-review", "resumeData": {"approved": True, "reviewer": "kim"}}
                ],
            },
            {
                "file": _ORDER,
                "export": "orderWorkflow",
                "input": _BIG,
                "resume": [
                    {"step": "manual-review", "resumeData": {"approved": False, "reviewer": "li"}}
                ],
            },
        ),
    ),
    FixtureWorkflows(
        "weather-1x",
        _routes("weather-1x"),
        (
            {
                "file": _WEATHER,
                "export": "weatherWorkflow",
                "input": {"city": "Paris"},
                "agents": ["weatherAgent"],
            },
            {
                "file": _WEATHER,
                "export": "weatherWorkflow",
                "input": {"city": "Nowhere"},
                "agents": ["weatherAgent"],
            },
        ),
    ),
)
