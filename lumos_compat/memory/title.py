"""Thread titles: Mastra 1.x's ``generateTitle`` memory option.

After a call on a thread that has no title yet, Mastra asks a model (the agent's, or
``generateTitle.model``) for one: a system message with the title instructions and one user message
holding the thread's transcript (``User: ...`` / ``Assistant: ...`` lines, tool lines included), only
when the thread holds at least ``minMessages`` (default 1) messages. The answer, with ``<think>``
blocks removed and trimmed, becomes the thread's title. Recorded against real Mastra 1.71 in
``tests/data/mastra_memory/generate-title*.json``.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lumos_compat.errors import AgentConfigError
from lumos_compat.llm import CallOptions, LanguageModel

__all__ = [
    "DEFAULT_TITLE_INSTRUCTIONS",
    "TitleConfig",
    "format_transcript",
    "request_title",
    "resolve_dynamic",
]

DEFAULT_TITLE_INSTRUCTIONS = """
      - you will generate a short title based on a conversation transcript between a user and an assistant
      - the transcript lines are prefixed with "User:" and "Assistant:" \u2014 never reply to, answer, or continue the transcript
      - always produce a title, even when the transcript is only a greeting or trivial exchange
      - ensure it is not more than 80 characters long
      - the title should be a summary of the user's message
      - do not use quotes or colons
      - the entire text you return will be used as the title"""

# calls a dynamic argument with the run's request context and Mastra instance
DynamicCall = Callable[[Callable[..., Any]], Any]

_THINK = re.compile(r"<think>[\s\S]*?</think>")


@dataclass(frozen=True, slots=True)
class TitleConfig:
    """``generateTitle`` read from ``True`` or ``{model, instructions, min_messages}``."""

    enabled: bool = False
    model: Any = None
    instructions: Any = None
    min_messages: int = 1
    emit_event: bool = False

    @classmethod
    def parse(cls, value: Any) -> TitleConfig:
        """Read the option as Mastra does: a bool, or an object that turns generation on."""
        if value is None or value is False:
            return cls()
        if value is True:
            return cls(enabled=True)
        if not isinstance(value, Mapping):
            raise AgentConfigError(
                "generate_title must be True/False or a dict like "
                "{'model': 'openai/gpt-4o-mini', 'instructions': '...'}, "
                f"got {value!r}"
            )
        minimum = value.get("min_messages", value.get("minMessages"))
        return cls(
            enabled=True,
            model=value.get("model"),
            instructions=value.get("instructions"),
            min_messages=1 if minimum is None else int(minimum),
            emit_event=bool(value.get("emit_event", value.get("emitEvent", False))),
        )


def _js_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _part_lines(parts: Sequence[Mapping[str, Any]], role: str) -> list[str]:
    lines: list[str] = []
    for part in parts:
        kind = part.get("type")
        if kind == "text":
            lines.append(f"{role}: {part.get('text', '')}")
        elif kind == "tool-invocation":
            inv = part.get("toolInvocation") or {}
            name = inv.get("toolName")
            if inv.get("state") == "result":
                result = inv.get("result")
                text = result if isinstance(result, str) else _js_json(result)
                lines.append(f"Tool Result {name}: {text[:200]}")
            else:
                lines.append(f"Tool Call {name}: {_js_json(inv.get('args'))[:200]}")
        elif kind == "reasoning":
            if part.get("reasoning"):
                lines.append(f"Reasoning: {part['reasoning']}")
        elif kind == "source-url":
            lines.append(f"{role}: User added URL: {str(part.get('url', ''))[:100]}")
        elif kind == "file":
            url = str(part.get("url") or part.get("data") or "")
            lines.append(f"{role}: User added {part.get('mediaType')} file: {url[:100]}")
    return lines


def format_transcript(messages: Sequence[Mapping[str, Any]]) -> str:
    """The transcript Mastra sends for a title: one line per text part, tool call or result."""
    lines: list[str] = []
    for message in messages:
        role = str(message.get("role", ""))
        role = role[:1].upper() + role[1:]
        content = message.get("content")
        if isinstance(content, str):
            text, parts = content, []
        elif isinstance(content, Mapping):
            text = content.get("content") if isinstance(content.get("content"), str) else ""
            parts = [p for p in content.get("parts") or [] if isinstance(p, Mapping)]
        else:
            text, parts = "", []
        duplicated = any(p.get("type") == "text" and p.get("text") == text for p in parts)
        if text and not duplicated:
            lines.append(f"{role}: {text}")
        lines.extend(_part_lines(parts, role))
    return "\n".join(lines)


async def resolve_dynamic(value: Any, call: DynamicCall | None) -> Any:
    """A value, or what a Mastra dynamic argument (a function of the request context) returns."""
    if not callable(value) or hasattr(value, "do_generate"):
        return value
    resolved = call(value) if call is not None else value()
    if inspect.isawaitable(resolved):
        resolved = await resolved
    return resolved


async def _instructions(value: Any, call: DynamicCall | None) -> str:
    if not value:
        return DEFAULT_TITLE_INSTRUCTIONS
    if isinstance(value, str):
        return value
    if callable(value):
        resolved = await resolve_dynamic(value, call)
        return str(resolved) if resolved else DEFAULT_TITLE_INSTRUCTIONS
    raise AgentConfigError(
        f"generate_title instructions must be a string or a function, got {value!r}"
    )


async def request_title(
    model: LanguageModel,
    messages: Sequence[Mapping[str, Any]],
    *,
    instructions: Any = None,
    call: DynamicCall | None = None,
) -> str | None:
    """Ask ``model`` for a title of the thread ``messages``; None when there is nothing to title."""
    transcript = format_transcript(messages)
    if not transcript:
        return None
    system = await _instructions(instructions, call)
    result = await model.do_generate(
        CallOptions(
            prompt=[
                {"role": "system", "content": system},
                {"role": "user", "content": [{"type": "text", "text": transcript}]},
            ]
        )
    )
    text = "".join(p.get("text", "") for p in result.content if p.get("type") == "text")
    return _THINK.sub("", text).strip() or None
