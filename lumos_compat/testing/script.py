"""Scripts for fake models: what the model says, turn by turn.

A script is a list of turns. Each model request takes the next turn. The same script drives the
in-process ``ScriptedModel`` and the loopback ``FakeLLMServer``, and it is plain JSON-able data so the
Node harness of the compatibility suite can replay it against real Mastra.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ScriptError", "ScriptToolCall", "ScriptUsage", "Turn", "as_turns"]


class ScriptToolCall(BaseModel):
    """One tool call the model makes. ``id=None`` means the provider sends no id."""

    model_config = ConfigDict(extra="forbid")

    name: str
    arguments: Any = Field(default_factory=dict)
    id: str | None = ""
    # raw JSON text to send instead of json.dumps(arguments) (e.g. invalid JSON on purpose)
    raw_arguments: str | None = None

    def arguments_text(self) -> str:
        """The arguments as the JSON text the model sends."""
        if self.raw_arguments is not None:
            return self.raw_arguments
        return json.dumps(self.arguments, separators=(",", ":"), ensure_ascii=False)


class ScriptUsage(BaseModel):
    """Token counts reported with a turn."""

    model_config = ConfigDict(extra="forbid")

    input_tokens: int = 10
    output_tokens: int = 5
    reasoning_tokens: int | None = None
    cached_input_tokens: int | None = None


class ScriptError(BaseModel):
    """An error answer: an HTTP status with a provider-shaped error body."""

    model_config = ConfigDict(extra="forbid")

    status: int = 500
    message: str = "scripted failure"
    retry_after: float | None = None


class Turn(BaseModel):
    """One model answer."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    # how the text is split into stream deltas; default: on word boundaries
    chunks: list[str] | None = None
    reasoning: str | None = None
    tool_calls: list[ScriptToolCall] = Field(default_factory=list)
    usage: ScriptUsage = Field(default_factory=ScriptUsage)
    finish_reason: str | None = None  # default: tool_calls when there are tool calls, else stop
    error: ScriptError | None = None
    model: str | None = None  # model id echoed in the response; default: the requested one
    delay: float = 0.0  # seconds before answering

    @classmethod
    def say(cls, text: str, **kw: Any) -> Turn:
        """A plain text answer."""
        return cls(text=text, **kw)

    @classmethod
    def call(cls, name: str, arguments: Any = None, *, id: str | None = "", **kw: Any) -> Turn:
        """A single tool call."""
        return cls(tool_calls=[ScriptToolCall(name=name, arguments=arguments or {}, id=id)], **kw)

    @classmethod
    def fail(cls, status: int = 500, message: str = "scripted failure", **kw: Any) -> Turn:
        """An HTTP error answer."""
        return cls(error=ScriptError(status=status, message=message, **kw))

    def text_chunks(self) -> list[str]:
        """The text split into stream deltas."""
        if self.chunks is not None:
            return list(self.chunks)
        if not self.text:
            return []
        out: list[str] = []
        word = ""
        for ch in self.text:
            word += ch
            if ch == " ":
                out.append(word)
                word = ""
        if word:
            out.append(word)
        return out

    def openai_finish_reason(self) -> str:
        """The finish reason in OpenAI chat-completions words."""
        if self.finish_reason:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


def as_turns(script: Iterable[Turn | Mapping[str, Any] | str]) -> list[Turn]:
    """Normalise a script: strings are text turns, dicts are validated as turns."""
    out: list[Turn] = []
    for item in script:
        if isinstance(item, Turn):
            out.append(item)
        elif isinstance(item, str):
            out.append(Turn(text=item))
        else:
            out.append(Turn.model_validate(item))
    return out
