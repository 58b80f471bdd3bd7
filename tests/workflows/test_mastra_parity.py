"""The Python twins of the recorded scenarios give what real Mastra 1.71 gave.

Recordings: ``tests/data/mastra_workflows/*.json`` (``python -m tests.workflows.record``). Both
sides are normalised the same way (timestamps to ``<ts>``, UUIDs numbered by first appearance);
then results, step records and stream events must be equal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.record import RECORDINGS_DIR, normalise
from tests.workflows.scenarios import SCENARIOS

PARITY = sorted(SCENARIOS)


def _recording(name: str) -> dict[str, Any]:
    path = Path(RECORDINGS_DIR) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))["recording"]


def _stable_events(doc: Any) -> Any:
    """Parallel steps start and finish in a race: compare their events as a sorted list."""
    if isinstance(doc, dict) and isinstance(doc.get("events"), list):
        doc = dict(doc)
        doc["events"] = sorted(
            doc["events"], key=lambda e: (_rank(e["type"]), e["payload"].get("id", ""))
        )
    return doc


def _rank(kind: str) -> int:
    order = [
        "workflow-start",
        "workflow-step-start",
        "workflow-step-result",
        "workflow-step-suspended",
        "workflow-finish",
    ]
    return order.index(kind) if kind in order else len(order)


def test_every_recording_has_a_twin() -> None:
    recorded = {p.stem for p in Path(RECORDINGS_DIR).glob("*.json")}
    assert recorded - {"agent-tool"} == set(SCENARIOS)


@pytest.mark.parametrize("name", PARITY)
async def test_scenario_matches_mastra(name: str) -> None:
    expected = _stable_events(_recording(name))
    got = _stable_events(normalise(await SCENARIOS[name]()))
    if "events" in expected:
        # stepCallIds are fresh UUIDs: renumber both sides in event order
        assert [e["type"] for e in got["events"]] == [e["type"] for e in expected["events"]]
    assert got == expected
