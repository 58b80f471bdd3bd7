"""OpenAI chat completions (``POST /v1/chat/completions``), as OpenAI-compatible servers speak it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from lumos_compat.testing.script import ScriptError, Turn

name = "openai-chat"

_CREATED = 1_700_000_000


def matches(path: str) -> bool:
    return path.endswith("/chat/completions")


def is_stream(path: str, body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("stream"))


def _model(turn: Turn, body: Any) -> str:
    if turn.model:
        return turn.model
    return body.get("model", "fake-model") if isinstance(body, dict) else "fake-model"


def _call_id(call_id: str | None, seq: int, i: int) -> str | None:
    if call_id == "":
        return f"call_{seq}_{i}"
    return call_id


def _usage(turn: Turn) -> dict[str, Any]:
    u = turn.usage
    usage: dict[str, Any] = {
        "prompt_tokens": u.input_tokens,
        "completion_tokens": u.output_tokens,
        "total_tokens": u.input_tokens + u.output_tokens,
    }
    if u.cached_input_tokens is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": u.cached_input_tokens}
    if u.reasoning_tokens is not None:
        usage["completion_tokens_details"] = {"reasoning_tokens": u.reasoning_tokens}
    return usage


def response(turn: Turn, body: Any, seq: int, path: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.text}
    if turn.reasoning:
        message["reasoning_content"] = turn.reasoning
    if turn.tool_calls:
        calls = []
        for i, tc in enumerate(turn.tool_calls):
            call: dict[str, Any] = {
                "type": "function",
                "function": {"name": tc.name, "arguments": tc.arguments_text()},
            }
            cid = _call_id(tc.id, seq, i)
            if cid is not None:
                call["id"] = cid
            calls.append(call)
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-fake-{seq}",
        "object": "chat.completion",
        "created": _CREATED + seq,
        "model": _model(turn, body),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": turn.openai_finish_reason(),
                "logprobs": None,
            }
        ],
        "usage": _usage(turn),
    }


def stream_events(turn: Turn, body: Any, seq: int, path: str) -> Iterator[str]:
    base = {
        "id": f"chatcmpl-fake-{seq}",
        "object": "chat.completion.chunk",
        "created": _CREATED + seq,
        "model": _model(turn, body),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        payload = dict(base)
        payload["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish}]
        return f"data: {json.dumps(payload)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    if turn.reasoning:
        yield chunk({"reasoning_content": turn.reasoning})
    for piece in turn.text_chunks():
        if turn.delay:
            time.sleep(0)
        yield chunk({"content": piece})
    for i, tc in enumerate(turn.tool_calls):
        start: dict[str, Any] = {
            "index": i,
            "type": "function",
            "function": {"name": tc.name, "arguments": ""},
        }
        cid = _call_id(tc.id, seq, i)
        if cid is not None:
            start["id"] = cid
        yield chunk({"tool_calls": [start]})
        args = tc.arguments_text()
        # send the arguments in two pieces so clients must join deltas
        cut = max(1, len(args) // 2)
        for part in (args[:cut], args[cut:]):
            if part:
                yield chunk({"tool_calls": [{"index": i, "function": {"arguments": part}}]})
    yield chunk({}, turn.openai_finish_reason())
    opts = body.get("stream_options") if isinstance(body, dict) else None
    if isinstance(opts, dict) and opts.get("include_usage"):
        payload = dict(base)
        payload["choices"] = []
        payload["usage"] = _usage(turn)
        yield f"data: {json.dumps(payload)}\n\n"
    yield "data: [DONE]\n\n"


def error_body(error: ScriptError) -> dict[str, Any]:
    return {
        "error": {
            "message": error.message,
            "type": "server_error" if error.status >= 500 else "invalid_request_error",
            "code": None,
        }
    }
