"""Mastra-shaped results: JSON-able dicts in Mastra's camelCase, read as snake_case attributes.

Results keep Mastra's exact shape as their data (so ``to_mastra()`` is the shape real Mastra returns)
and let Python code read them with snake_case attribute names:
``result.tool_calls[0].payload.tool_name`` reads ``result["toolCalls"][0]["payload"]["toolName"]``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

__all__ = ["AgentOutput", "MastraRecord", "camel", "to_plain"]

_SNAKE = re.compile(r"_([a-z0-9])")
_CAMEL_CACHE: dict[str, str] = {}


def camel(name: str) -> str:
    """``tool_call_id`` -> ``toolCallId`` (cached)."""
    out = _CAMEL_CACHE.get(name)
    if out is None:
        out = _SNAKE.sub(lambda m: m.group(1).upper(), name)
        _CAMEL_CACHE[name] = out
    return out


def _wrap(value: Any) -> Any:
    if type(value) is dict:
        return MastraRecord(value)
    if type(value) is list:
        return [_wrap(v) for v in value]
    return value


class MastraRecord(dict[str, Any]):
    """A dict in Mastra's shape whose keys can also be read as snake_case attributes."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        key = camel(name)
        if key in self:
            return _wrap(self[key])
        if name == "from_" and "from" in self:
            return self["from"]
        if name in self:
            return _wrap(self[name])
        raise AttributeError(
            f"{type(self).__name__} has no field {name!r} (Mastra key {key!r}); "
            f"fields: {', '.join(sorted(self))}"
        )

    def to_mastra(self) -> dict[str, Any]:
        """The plain JSON-able dict in Mastra's camelCase shape."""
        return to_plain(self)


def to_plain(value: Any) -> Any:
    """Deep copy into plain dicts/lists; pydantic models are dumped as JSON-able data."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, BaseModel):
        # fields left unset at None are absent in Mastra's JSON (JavaScript undefined)
        dumped = value.model_dump(mode="json", by_alias=True)
        unset = set(type(value).model_fields) - value.model_fields_set
        return {
            k: v
            for k, v in dumped.items()
            if not (v is None and (k in unset or _alias_unset(value, k, unset)))
        }
    if isinstance(value, BaseException):
        return {"message": str(value), "name": type(value).__name__}
    return value


def _alias_unset(model: BaseModel, key: str, unset: set[str]) -> bool:
    for name in unset:
        field = type(model).model_fields[name]
        if field.alias == key:
            return True
    return False


class AgentOutput(MastraRecord):
    """The result of ``agent.generate()`` (Mastra's ``FullOutput``)."""

    __slots__ = ()

    @property
    def text(self) -> str:
        """The final text (the last step's text)."""
        return self.get("text", "")

    @property
    def object(self) -> Any:
        """The structured output, validated (a pydantic instance for a pydantic schema)."""
        return self.get("object")

    @property
    def finish_reason(self) -> str:
        """Why the run ended: stop, length, tool-calls, error, ..."""
        return self.get("finishReason", "unknown")

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self["runId"]
