"""The Anthropic Messages API (``POST /v1/messages``), streaming by server-sent events and not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lumos_compat.testing.script import ScriptError, Turn

name = "anthropic-messages"

_STOP_REASONS = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "length": "max_tokens",
    "content_filter": "refusal",
}


def matches(path: str) -> bool:
    return path.endswith("/messages")


def is_stream(path: str, body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("stream"))


def _model(turn: Turn, body: Any) -> str:
    if turn.model:
        return turn.model
    return body.get("model", "fake-model") if isinstance(body, dict) else "fake-model"


def _stop_reason(turn: Turn) -> str:
    reason = turn.openai_finish_reason()
    return _STOP_REASONS.get(reason, reason)


def _usage(turn: Turn) -> dict[str, Any]:
    u = turn.usage
    return {
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": u.cached_input_tokens or 0,
    }


def _tool_id(call_id: str | None, seq: int, i: int) -> str:
    return call_id if call_id else f"toolu_fake_{seq}_{i}"


def _blocks(turn: Turn, seq: int) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if turn.reasoning:
        blocks.append(
            {"type": "thinking", "thinking": turn.reasoning, "signature": f"sig_fake_{seq}"}
        )
    if turn.text is not None:
        blocks.append({"type": "text", "text": turn.text})
    for i, tc in enumerate(turn.tool_calls):
        try:
            args = json.loads(tc.arguments_text())
        except json.JSONDecodeError:
            args = {}
        blocks.append(
            {"type": "tool_use", "id": _tool_id(tc.id, seq, i), "name": tc.name, "input": args}
        )
    return blocks


def response(turn: Turn, body: Any, seq: int, path: str) -> dict[str, Any]:
    return {
        "id": f"msg_fake_{seq}",
        "type": "message",
        "role": "assistant",
        "model": _model(turn, body),
        "content": _blocks(turn, seq),
        "stop_reason": _stop_reason(turn),
        "stop_sequence": None,
        "usage": _usage(turn),
    }


def stream_events(turn: Turn, body: Any, seq: int, path: str) -> Iterator[str]:
    def event(payload: dict[str, Any]) -> str:
        return f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n"

    usage = _usage(turn)
    start_usage = dict(usage, output_tokens=1)
    yield event(
        {
            "type": "message_start",
            "message": {
                "id": f"msg_fake_{seq}",
                "type": "message",
                "role": "assistant",
                "model": _model(turn, body),
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": start_usage,
            },
        }
    )
    index = 0
    if turn.reasoning:
        yield event(
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "thinking", "thinking": "", "signature": ""},
            }
        )
        yield event(
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "thinking_delta", "thinking": turn.reasoning},
            }
        )
        yield event(
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "signature_delta", "signature": f"sig_fake_{seq}"},
            }
        )
        yield event({"type": "content_block_stop", "index": index})
        index += 1
    if turn.text is not None:
        yield event(
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "text", "text": ""},
            }
        )
        for piece in turn.text_chunks():
            yield event(
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "text_delta", "text": piece},
                }
            )
        yield event({"type": "content_block_stop", "index": index})
        index += 1
    for i, tc in enumerate(turn.tool_calls):
        yield event(
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {
                    "type": "tool_use",
                    "id": _tool_id(tc.id, seq, i),
                    "name": tc.name,
                    "input": {},
                },
            }
        )
        args = tc.arguments_text()
        cut = max(1, len(args) // 2)
        for part in (args[:cut], args[cut:]):
            if part:
                yield event(
                    {
                        "type": "content_block_delta",
                        "index": index,
                        "delta": {"type": "input_json_delta", "partial_json": part},
                    }
                )
        yield event({"type": "content_block_stop", "index": index})
        index += 1
    yield event(
        {
            "type": "message_delta",
            "delta": {"stop_reason": _stop_reason(turn), "stop_sequence": None},
            "usage": {"output_tokens": usage["output_tokens"]},
        }
    )
    yield event({"type": "message_stop"})


def error_body(error: ScriptError) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 401: "authentication_error", 400: "invalid_request_error"}
    return {
        "type": "error",
        "error": {
            "type": kind.get(
                error.status, "api_error" if error.status >= 500 else "invalid_request_error"
            ),
            "message": error.message,
        },
    }
