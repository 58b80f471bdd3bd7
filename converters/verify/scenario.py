"""Scenarios of the compatibility suite: one call of one agent against a scripted fake model.

A scenario file is JSON: one scenario object, or a list of them.

.. code-block:: json

    {
      "name": "asks-for-weather",
      "description": "the agent calls its weather tool once",
      "agent": "weatherAgent",
      "method": "generate",
      "messages": "What is the weather in Paris?",
      "options": {"maxSteps": 3},
      "script": [
        {"tool_calls": [{"id": "call_1", "name": "weatherTool", "arguments": {"location": "Paris"}}]},
        {"text": "It is sunny in Paris."}
      ],
      "tool_outputs": {"weatherTool": {"temperature": 21, "conditions": "Sunny"}}
    }

``agent`` is the agent's key in the ``Mastra`` instance (or its id); leave it out to run the
scenario for every agent. ``options`` are Mastra 1.x call options in camelCase
(``requestContext`` may be a plain object). ``script`` is a list of
:class:`lumos_compat.testing.Turn`. ``tool_outputs`` replaces the named tools' ``execute`` on both
sides: the value is returned as is, ``{"throws": "message"}`` throws ``Error(message)``. Tools not
named run their own code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lumos_compat.testing import Turn

__all__ = ["Scenario", "ScenarioError", "load_scenarios"]


class ScenarioError(ValueError):
    """A scenario file could not be read or is not a valid scenario."""


class Scenario(BaseModel):
    """One call of one agent (or of every agent) against a scripted model."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    agent: str | None = None
    method: Literal["generate", "stream"] = "generate"
    messages: Any = "Hello!"
    options: dict[str, Any] = Field(default_factory=dict)
    script: list[Turn]
    tool_outputs: dict[str, Any] = Field(default_factory=dict)
    source: str | None = Field(default=None, exclude=True)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if any(ch.isspace() for ch in value):
            raise ValueError(f"a scenario name has no spaces (found {value!r}); use dashes")
        return value

    def for_agent(self, key: str) -> Scenario:
        """This scenario bound to the agent ``key``."""
        return self.model_copy(update={"agent": key})

    def wire(self) -> dict[str, Any]:
        """The JSON sent to the Node harness (and the identity used to normalise ids)."""
        data = self.model_dump(mode="json", exclude={"source"})
        data["script"] = [t.model_dump(mode="json", exclude_defaults=True) for t in self.script]
        return data


def _parse(path: Path) -> list[Scenario]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); a scenario file holds "
            "one JSON object or a list of them"
        ) from exc
    items = raw if isinstance(raw, list) else [raw]
    out: list[Scenario] = []
    for index, item in enumerate(items):
        where = f"{path}" if not isinstance(raw, list) else f"{path}[{index}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: expected a JSON object, found {type(item).__name__}")
        try:
            scenario = Scenario.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
            )
            raise ScenarioError(f"{where}: not a valid scenario: {problems}") from exc
        out.append(scenario.model_copy(update={"source": where}))
    return out


def load_scenarios(directory: Path) -> list[Scenario]:
    """Every scenario in ``directory``'s ``*.json`` files (sorted by file name)."""
    if not directory.is_dir():
        raise ScenarioError(f"--scenarios {directory}: not a folder of *.json scenario files")
    scenarios: list[Scenario] = []
    seen: dict[tuple[str | None, str], str] = {}
    for path in sorted(directory.glob("*.json")):
        for scenario in _parse(path):
            key = (scenario.agent, scenario.name)
            if key in seen:
                raise ScenarioError(
                    f"{scenario.source}: scenario name {scenario.name!r} is already used by "
                    f"{seen[key]}; names must be unique"
                )
            seen[key] = scenario.source or str(path)
            scenarios.append(scenario)
    return scenarios
