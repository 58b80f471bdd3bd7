"""The OpenAI Responses API (``POST /v1/responses``), which Mastra 1.x uses for ``openai/*`` models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lumos_compat.testing.script import ScriptError, Turn

name = "openai-responses"

_CREATED = 1_700_000_000


def matches(path: str) -> bool:
    return path.endswith("/responses")


def is_stream(path: str, body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("stream"))


def _model(turn: Turn, body: Any) -> str:
    if turn.model:
        return turn.model
    return body.get("model", "fake-model") if isinstance(body, dict) else "fake-model"


def _usage(turn: Turn) -> dict[str, Any]:
    u = turn.usage
    return {
        "input_tokens": u.input_tokens,
        "input_tokens_details": {"cached_tokens": u.cached_input_tokens or 0},
        "output_tokens": u.output_tokens,
        "output_tokens_details": {"reasoning_tokens": u.reasoning_tokens or 0},
        "total_tokens": u.input_tokens + u.output_tokens,
    }


def _incomplete(turn: Turn) -> dict[str, Any] | None:
    if turn.finish_reason == "length":
        return {"reason": "max_output_tokens"}
    if turn.finish_reason == "content_filter":
        return {"reason": "content_filter"}
    return None


def _items(turn: Turn, seq: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if turn.reasoning:
        items.append(
            {
                "type": "reasoning",
                "id": f"rs_fake_{seq}",
                "summary": [{"type": "summary_text", "text": turn.reasoning}],
            }
        )
    if turn.text is not None:
        items.append(
            {
                "type": "message",
                "id": f"msg_fake_{seq}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": turn.text, "annotations": []}],
            }
        )
    for i, tc in enumerate(turn.tool_calls):
        items.append(
            {
                "type": "function_call",
                "id": f"fc_fake_{seq}_{i}",
                "call_id": tc.id if tc.id else f"call_{seq}_{i}",
                "name": tc.name,
                "arguments": tc.arguments_text(),
                "status": "completed",
            }
        )
    return items


def _response(turn: Turn, body: Any, seq: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    incomplete = _incomplete(turn)
    return {
        "id": f"resp_fake_{seq}",
        "object": "response",
        "created_at": _CREATED + seq,
        "status": "incomplete" if incomplete else "completed",
        "model": _model(turn, body),
        "output": items,
        "incomplete_details": incomplete,
        "usage": _usage(turn),
    }


def response(turn: Turn, body: Any, seq: int, path: str) -> dict[str, Any]:
    return _response(turn, body, seq, _items(turn, seq))


def stream_events(turn: Turn, body: Any, seq: int, path: str) -> Iterator[str]:
    def event(payload: dict[str, Any]) -> str:
        return f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n"

    created = _response(turn, body, seq, [])
    created["status"] = "in_progress"
    created["usage"] = None
    yield event({"type": "response.created", "response": created})
    items = _items(turn, seq)
    for index, item in enumerate(items):
        if item["type"] == "message":
            yield event(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {
                        "type": "message",
                        "id": item["id"],
                        "role": "assistant",
                        "status": "in_progress",
                        "content": [],
                    },
                }
            )
            for piece in turn.text_chunks():
                yield event(
                    {
                        "type": "response.output_text.delta",
                        "item_id": item["id"],
                        "output_index": index,
                        "content_index": 0,
                        "delta": piece,
                    }
                )
            yield event({"type": "response.output_item.done", "output_index": index, "item": item})
        elif item["type"] == "function_call":
            added = dict(item, arguments="", status="in_progress")
            yield event(
                {"type": "response.output_item.added", "output_index": index, "item": added}
            )
            args = item["arguments"]
            cut = max(1, len(args) // 2)
            for part in (args[:cut], args[cut:]):
                if part:
                    yield event(
                        {
                            "type": "response.function_call_arguments.delta",
                            "item_id": item["id"],
                            "output_index": index,
                            "delta": part,
                        }
                    )
            yield event({"type": "response.output_item.done", "output_index": index, "item": item})
        else:
            yield event(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {"type": "reasoning", "id": item["id"]},
                }
            )
            yield event({"type": "response.output_item.done", "output_index": index, "item": item})
    final = _response(turn, body, seq, items)
    kind = "response.incomplete" if final["incomplete_details"] else "response.completed"
    yield event({"type": kind, "response": final})


def error_body(error: ScriptError) -> dict[str, Any]:
    return {"error": {"message": error.message, "type": "server_error", "code": None}}
