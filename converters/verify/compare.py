"""What is compared between real Mastra and the port, and the field-by-field diff.

Both sides are reduced to the same view (after :mod:`converters.verify.normalise` hid ids,
timestamps and the server port):

* ``requests``: every request the model received, in order: path, ``authorization`` and
  ``content-type`` headers, and the whole JSON body (system messages and their order, the message
  list, tool names, descriptions and JSON Schemas, tool choice, model settings);
* ``server``: script turns used and the fake server's complaints (e.g. a request past the script);
* ``tool_inputs``: what each tool's ``execute`` received, in order;
* ``result``: ``text``, ``object``, ``finishReason``, ``usage``, ``totalUsage``, ``toolCalls``,
  ``toolResults``, the step count and each step's finish reason;
* ``stream`` (``stream`` calls): the chunk types in order with their payload keys, and the text of
  the ``text-delta`` chunks joined;
* ``thrown``: whether the call threw, and the message.

Nothing else is hidden and there is no tolerance: any inequality is a difference.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

__all__ = ["Difference", "diff", "view"]

KEPT_HEADERS = ("authorization", "content-type")
UNDEFINED = "<undefined>"


class Difference(BaseModel):
    """One field that differs: its path, Mastra's value and the port's (``None`` when absent)."""

    path: str
    mastra: Any = None
    port: Any = None
    note: str = ""

    def describe(self, limit: int = 400) -> str:
        """One readable line (long values shortened)."""
        if self.note:
            return f"{self.path}: {self.note}"
        return f"{self.path}: Mastra {_short(self.mastra, limit)} | port {_short(self.port, limit)}"


def _short(value: Any, limit: int) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def strip_undefined(value: Any) -> Any:
    """Drop keys whose value is JavaScript ``undefined`` (a Python dict simply lacks them)."""
    if isinstance(value, dict):
        return {k: strip_undefined(v) for k, v in value.items() if v != UNDEFINED}
    if isinstance(value, list):
        return [strip_undefined(v) for v in value]
    return value


def _result_view(result: dict[str, Any]) -> dict[str, Any]:
    steps = result.get("steps") or []
    return {
        "text": result.get("text"),
        "object": result.get("object"),
        "finishReason": result.get("finishReason"),
        "usage": result.get("usage"),
        "totalUsage": result.get("totalUsage"),
        "toolCalls": result.get("toolCalls"),
        "toolResults": result.get("toolResults"),
        "stepCount": len(steps),
        "stepFinishReasons": [s.get("finishReason") for s in steps if isinstance(s, dict)],
    }


def _stream_view(chunks: list[Any]) -> dict[str, Any]:
    types: list[Any] = []
    text = ""
    for chunk in chunks:
        if not isinstance(chunk, dict):
            types.append([repr(chunk), None])
            continue
        payload = chunk.get("payload")
        types.append([chunk.get("type"), sorted(payload) if isinstance(payload, dict) else None])
        if chunk.get("type") == "text-delta" and isinstance(payload, dict):
            text += str(payload.get("text") or "")
        elif chunk.get("type") == "text-delta" and "textDelta" in chunk:  # AI SDK v4 (Mastra 0.x)
            text += str(chunk.get("textDelta") or "")
    return {"chunks": types, "text": text}


def view(observation: dict[str, Any]) -> dict[str, Any]:
    """The compared view of one side's normalised observation."""
    obs = strip_undefined(observation)
    out: dict[str, Any] = {
        "requests": [
            {
                "path": r.get("path"),
                "headers": {k: v for k, v in (r.get("headers") or {}).items() if k in KEPT_HEADERS},
                "body": r.get("body"),
            }
            for r in obs.get("requests") or []
        ],
        "server": {
            "turns_consumed": obs.get("turns_consumed"),
            "errors": obs.get("server_errors") or [],
        },
        "tool_inputs": obs.get("tool_inputs") or [],
    }
    thrown = obs.get("thrown")
    if thrown is not None:
        message = thrown.get("message") if isinstance(thrown, dict) else str(thrown)
        out["thrown"] = {"threw": True, "message": message}
    else:
        out["thrown"] = {"threw": False}
        if isinstance(obs.get("result"), dict):
            out["result"] = _result_view(obs["result"])
        if "chunks" in obs:
            out["stream"] = _stream_view(obs.get("chunks") or [])
    return out


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def diff(mastra: Any, port: Any, path: str = "") -> list[Difference]:
    """Every differing field between Mastra's view and the port's, with JSON-ish paths."""
    if _same_number(mastra, port):
        return []
    if isinstance(mastra, dict) and isinstance(port, dict):
        out: list[Difference] = []
        for key in list(mastra) + [k for k in port if k not in mastra]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in port:
                note = f"only in Mastra: {_short(mastra[key], 400)}"
                out.append(Difference(path=sub, mastra=mastra[key], note=note))
            elif key not in mastra:
                note = f"only in the port: {_short(port[key], 400)}"
                out.append(Difference(path=sub, port=port[key], note=note))
            else:
                out.extend(diff(mastra[key], port[key], sub))
        return out
    if isinstance(mastra, list) and isinstance(port, list):
        out = []
        for index, (m, p) in enumerate(zip(mastra, port, strict=False)):
            out.extend(diff(m, p, f"{path}[{index}]"))
        if len(mastra) != len(port):
            extra_m, extra_p = mastra[len(port) :], port[len(mastra) :]
            out.append(
                Difference(
                    path=f"{path}.length",
                    mastra=len(mastra),
                    port=len(port),
                    note=f"Mastra has {len(mastra)} items, the port {len(port)}; extra: "
                    f"{_short(extra_m or extra_p, 400)}",
                )
            )
        return out
    if type(mastra) is type(port) and mastra == port:
        return []
    return [Difference(path=path or "$", mastra=mastra, port=port)]
