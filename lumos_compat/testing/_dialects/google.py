"""The Google Gemini API (``POST /v1beta/models/{model}:generateContent`` and
``:streamGenerateContent?alt=sse``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lumos_compat.testing.script import ScriptError, Turn

name = "google-generative-ai"

_FINISH_REASONS = {
    "stop": "STOP",
    "tool_calls": "STOP",
    "length": "MAX_TOKENS",
    "content_filter": "SAFETY",
}


def matches(path: str) -> bool:
    return path.endswith(":generateContent") or path.endswith(":streamGenerateContent")


def is_stream(path: str, body: Any) -> bool:
    return path.endswith(":streamGenerateContent")


def _model(turn: Turn, path: str) -> str:
    if turn.model:
        return turn.model
    last = path.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def _finish_reason(turn: Turn) -> str:
    reason = turn.openai_finish_reason()
    return _FINISH_REASONS.get(reason, reason)


def _usage(turn: Turn) -> dict[str, Any]:
    u = turn.usage
    usage: dict[str, Any] = {
        "promptTokenCount": u.input_tokens,
        "candidatesTokenCount": u.output_tokens,
        "totalTokenCount": u.input_tokens + u.output_tokens + (u.reasoning_tokens or 0),
    }
    if u.reasoning_tokens is not None:
        usage["thoughtsTokenCount"] = u.reasoning_tokens
    if u.cached_input_tokens is not None:
        usage["cachedContentTokenCount"] = u.cached_input_tokens
    return usage


def _call_parts(turn: Turn) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for tc in turn.tool_calls:
        try:
            args = json.loads(tc.arguments_text())
        except json.JSONDecodeError:
            args = {}
        parts.append({"functionCall": {"name": tc.name, "args": args}})
    return parts


def _chunk(
    turn: Turn, path: str, seq: int, parts: list[dict[str, Any]], last: bool
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if last:
        candidate["finishReason"] = _finish_reason(turn)
    out: dict[str, Any] = {
        "candidates": [candidate],
        "modelVersion": _model(turn, path),
        "responseId": f"resp_fake_{seq}",
    }
    if last:
        out["usageMetadata"] = _usage(turn)
    return out


def response(turn: Turn, body: Any, seq: int, path: str) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if turn.reasoning:
        parts.append({"text": turn.reasoning, "thought": True})
    if turn.text is not None:
        parts.append({"text": turn.text})
    parts.extend(_call_parts(turn))
    return _chunk(turn, path, seq, parts, True)


def stream_events(turn: Turn, body: Any, seq: int, path: str) -> Iterator[str]:
    pieces: list[list[dict[str, Any]]] = []
    if turn.reasoning:
        pieces.append([{"text": turn.reasoning, "thought": True}])
    for piece in turn.text_chunks():
        pieces.append([{"text": piece}])
    calls = _call_parts(turn)
    if calls:
        pieces.append(calls)
    if not pieces:
        pieces.append([])
    for i, parts in enumerate(pieces):
        chunk = _chunk(turn, path, seq, parts, i == len(pieces) - 1)
        yield f"data: {json.dumps(chunk)}\r\n\r\n"


def error_body(error: ScriptError) -> dict[str, Any]:
    status = {429: "RESOURCE_EXHAUSTED", 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED"}
    return {
        "error": {
            "code": error.status,
            "message": error.message,
            "status": status.get(error.status, "INTERNAL" if error.status >= 500 else "UNKNOWN"),
        }
    }
