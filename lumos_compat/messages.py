"""Message inputs as Mastra takes them, turned into AI SDK v5 prompt messages and Mastra DB messages.

Accepted inputs (Mastra's ``MessageListInput``): a string; a list of strings (separate user
messages); message dicts ``{"role", "content"}`` with string content or parts (text, image, file,
tool-call, tool-result, reasoning), in AI SDK v4 or v5 spelling; Mastra DB messages
(``content: {"format": 2, "parts": [...]}``); or a list mixing these.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from lumos_compat.errors import AgentConfigError

__all__ = ["db_message", "iso_timestamp", "normalize_input", "prompt_messages", "system_messages"]

_DATA_URL = re.compile(r"^data:([^;,]+)?(;base64)?,(.*)$", re.DOTALL)


def _file_data(value: Any, media_type: str | None) -> tuple[Any, str | None]:
    """Data for a file part: bytes become base64 text; data URLs are split."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii"), media_type
    if isinstance(value, str):
        m = _DATA_URL.match(value)
        if m:
            return m.group(3), media_type or m.group(1)
    return value, media_type


def _part(part: Any, role: str) -> dict[str, Any] | None:
    if isinstance(part, str):
        return {"type": "text", "text": part}
    if not isinstance(part, Mapping):
        raise AgentConfigError(
            f"a message part must be a dict or a string, got {type(part).__name__}"
        )
    kind = part.get("type")
    if kind == "text":
        return {"type": "text", "text": str(part.get("text", ""))}
    if kind == "image":
        media = part.get("mediaType") or part.get("mimeType") or part.get("media_type")
        data, media = _file_data(part.get("image"), media)
        return {"type": "file", "mediaType": media or "image/*", "data": data}
    if kind == "file":
        media = part.get("mediaType") or part.get("mimeType") or part.get("media_type")
        data, media = _file_data(part.get("data"), media)
        out: dict[str, Any] = {"type": "file", "mediaType": media, "data": data}
        if part.get("filename"):
            out["filename"] = part["filename"]
        return out
    if kind == "reasoning":
        return {"type": "reasoning", "text": str(part.get("text", ""))}
    if kind == "tool-call":
        args = part.get("input", part.get("args", {}))
        return {
            "type": "tool-call",
            "toolCallId": part.get("toolCallId") or part.get("tool_call_id"),
            "toolName": part.get("toolName") or part.get("tool_name"),
            "input": args,
        }
    if kind == "tool-result":
        output = part.get("output")
        if not (isinstance(output, Mapping) and "type" in output and "value" in output):
            value = part.get("result", output)
            output = (
                {"type": "text", "value": value}
                if isinstance(value, str)
                else {"type": "json", "value": value}
            )
        return {
            "type": "tool-result",
            "toolCallId": part.get("toolCallId") or part.get("tool_call_id"),
            "toolName": part.get("toolName") or part.get("tool_name"),
            "output": dict(output),
        }
    if kind in ("step-start", "source-url", "source-document") or (
        isinstance(kind, str) and kind.startswith("data-")
    ):
        return None
    if kind == "tool-invocation":
        return None  # handled by the DB-message path
    raise AgentConfigError(f"unknown message part type {kind!r} in a {role} message")


def _from_db(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A Mastra DB message (format 2) as prompt messages (tool invocations split out)."""
    role = message.get("role", "user")
    content = message["content"]
    parts = content.get("parts") or []
    if role == "system":
        text = content.get("content") or "".join(
            p.get("text", "") for p in parts if p.get("type") == "text"
        )
        return [{"role": "system", "content": text}]
    if role == "user":
        out = [p for p in (_part(p, role) for p in parts) if p is not None]
        if not out and content.get("content"):
            out = [{"type": "text", "text": content["content"]}]
        return [{"role": "user", "content": out}]
    messages: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for p in parts:
        if p.get("type") == "step-start" and (current or results):
            messages.append({"role": "assistant", "content": current})
            if results:
                messages.append({"role": "tool", "content": results})
            current, results = [], []
            continue
        if p.get("type") == "tool-invocation":
            inv = p["toolInvocation"]
            if inv.get("state") in ("call", "partial-call"):
                # a call that never got its result (a run paused there) is not sent (Mastra 1.71)
                continue
            current.append(
                {
                    "type": "tool-call",
                    "toolCallId": inv["toolCallId"],
                    "toolName": inv["toolName"],
                    "input": inv.get("args", {}),
                }
            )
            if inv.get("state") == "result":
                value = inv.get("result")
                results.append(
                    {
                        "type": "tool-result",
                        "toolCallId": inv["toolCallId"],
                        "toolName": inv["toolName"],
                        "output": {"type": "text", "value": value}
                        if isinstance(value, str)
                        else {"type": "json", "value": value},
                    }
                )
            continue
        converted = _part(p, "assistant")
        if converted is not None:
            current.append(converted)
    if current or results:
        messages.append({"role": "assistant", "content": current})
        if results:
            messages.append({"role": "tool", "content": results})
    return messages


def _one(message: Any) -> list[dict[str, Any]]:
    if isinstance(message, str):
        return [{"role": "user", "content": [{"type": "text", "text": message}]}]
    if hasattr(message, "model_dump") and not isinstance(message, Mapping):
        message = message.model_dump(by_alias=True, exclude_none=True)
    if not isinstance(message, Mapping):
        raise AgentConfigError(
            "messages must be a string, a list of strings, or message dicts with 'role' and "
            f"'content'; got {type(message).__name__}"
        )
    role = message.get("role")
    if role not in ("user", "assistant", "system", "tool"):
        raise AgentConfigError(
            f"a message needs role 'user', 'assistant', 'system' or 'tool', got {role!r}"
        )
    content = message.get("content")
    if isinstance(content, Mapping) and content.get("format") == 2:
        return _from_db(message)
    if role == "system":
        if isinstance(content, str):
            return [{"role": "system", "content": content}]
        text = "".join(
            p.get("text", "") if isinstance(p, Mapping) else str(p) for p in content or []
        )
        return [{"role": "system", "content": text}]
    if content is None:
        content = []
    if isinstance(content, str):
        # an empty string too is kept as one empty text part (Mastra 1.71)
        parts: list[dict[str, Any]] = [{"type": "text", "text": content}]
    else:
        parts = _drop_empty_text([p for p in (_part(p, role) for p in content) if p is not None])
    # AI SDK v4 UI messages carried tool calls in toolInvocations
    invocations = message.get("toolInvocations") or message.get("tool_invocations")
    if role == "assistant" and invocations:
        db = {
            "role": "assistant",
            "content": {
                "format": 2,
                "parts": [{"type": "text", "text": p["text"]} for p in parts if p["type"] == "text"]
                + [{"type": "tool-invocation", "toolInvocation": inv} for inv in invocations],
            },
        }
        return _from_db(db)
    return [{"role": role, "content": parts}]


def _drop_empty_text(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mastra drops empty text parts of a message when it is added, unless only those are left."""
    if all(p["type"] == "text" and p["text"] == "" for p in parts):
        return parts
    return [p for p in parts if not (p["type"] == "text" and p["text"] == "")]


def normalize_input(messages: Any) -> list[dict[str, Any]]:
    """Any accepted input as a list of AI SDK v5 prompt messages (system messages included).

    An empty string adds no message at all (Mastra 1.71: ``generate("")`` sends the model only
    the system prompt); inside a list it is an empty user message.
    """
    if messages is None or messages == "":
        return []
    if isinstance(messages, (str, Mapping)) or not isinstance(messages, Sequence):
        return _one(messages)
    out: list[dict[str, Any]] = []
    for message in messages:
        out.extend(_one(message))
    return out


def _blank(part: Mapping[str, Any]) -> bool:
    return part.get("type") == "text" and not str(part.get("text", "")).strip()


def prompt_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation as the model gets it: blank text left out, as Mastra 1.71 does.

    A user message loses its empty and whitespace-only text parts; any other message loses them
    only beside other parts. A message left without parts is not sent. The messages themselves
    (results, memory) keep what was given.
    """
    out: list[dict[str, Any]] = []
    for message in messages:
        content = message.get("content")
        if message.get("role") == "system" or not isinstance(content, list):
            out.append(message)
            continue
        if message["role"] == "user" or not all(_blank(p) for p in content):
            kept = [p for p in content if not _blank(p)]
        else:
            kept = content
        if not kept:
            continue
        out.append(message if len(kept) == len(content) else {**message, "content": kept})
    return out


def system_messages(value: Any) -> list[dict[str, Any]]:
    """Instructions or ``system``: a string, a list of strings, or system message dicts."""
    if value is None:
        return []
    if isinstance(value, str):
        return [{"role": "system", "content": value}] if value else []
    if isinstance(value, Mapping):
        content = value.get("content", "")
        return [{"role": "system", "content": content}]
    out: list[dict[str, Any]] = []
    for item in value:
        out.extend(system_messages(item))
    return out


def db_message(
    role: str,
    parts: list[dict[str, Any]],
    *,
    text: str | None = None,
    metadata: dict[str, Any] | None = None,
    tool_invocations: list[dict[str, Any]] | None = None,
    thread_id: str | None = None,
    resource_id: str | None = None,
    created_at: float | None = None,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A Mastra DB message (format 2) in its JSON shape."""
    now = created_at if created_at is not None else time.time()
    content: dict[str, Any] = {"format": 2, "parts": parts}
    if text is not None:
        content["content"] = text
    if metadata is not None:
        content["metadata"] = metadata
    if tool_invocations:
        content["toolInvocations"] = tool_invocations
    msg: dict[str, Any] = {
        "id": message_id or str(uuid.uuid4()),
        "role": role,
        "createdAt": iso_timestamp(now),
        "content": content,
    }
    if thread_id is not None:
        msg["threadId"] = thread_id
    if resource_id is not None:
        msg["resourceId"] = resource_id
    return msg


def iso_timestamp(ts: float) -> str:
    """Epoch seconds as JavaScript's ``Date.toISOString()`` writes them."""
    secs = int(ts)
    ms = min(999, round((ts - secs) * 1000))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{ms:03d}Z"
