"""The contract between the agent loop and model providers.

It follows the AI SDK v5 ``LanguageModelV2`` interface that Mastra 1.x drives, so that the agent loop
can hand a provider the same prompt Mastra would and each provider can turn it into the same wire
request the matching AI SDK provider package sends.

Prompt messages are plain dicts in the AI SDK v5 prompt shape, because they are JSON on the way out:

- ``{"role": "system", "content": str}``
- ``{"role": "user", "content": [TextPart | FilePart, ...]}``
- ``{"role": "assistant", "content": [TextPart | ReasoningPart | ToolCallPart | FilePart, ...]}``
- ``{"role": "tool", "content": [ToolResultPart, ...]}``

with parts ``{"type": "text", "text"}``, ``{"type": "file", "data", "mediaType", "filename"?}``,
``{"type": "reasoning", "text"}``, ``{"type": "tool-call", "toolCallId", "toolName", "input"}`` (input is
the parsed arguments) and ``{"type": "tool-result", "toolCallId", "toolName", "output"}`` where output is
``{"type": "text" | "json" | "error-text" | "error-json", "value"}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = [
    "CallOptions",
    "FinishReason",
    "GenerateResult",
    "LanguageModel",
    "ModelUsage",
    "ResponseMetadata",
    "StreamPart",
    "ToolDefinition",
]

FinishReason = Literal[
    "stop", "length", "content-filter", "tool-calls", "error", "other", "unknown"
]


@dataclass(slots=True)
class ToolDefinition:
    """A function tool as offered to the model: the name is the agent's tools-map key."""

    name: str
    description: str | None
    input_schema: dict[str, Any]
    provider_options: dict[str, Any] | None = None
    # the tool's own ``strict`` (createTool({ strict })): OpenAI-compatible providers send it
    strict: bool | None = None


@dataclass(slots=True)
class CallOptions:
    """Everything one model call needs (AI SDK ``LanguageModelV2CallOptions``)."""

    prompt: list[dict[str, Any]]
    tools: list[ToolDefinition] | None = None
    # {"type": "auto" | "none" | "required"} or {"type": "tool", "toolName": name}
    tool_choice: dict[str, Any] | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    stop_sequences: list[str] | None = None
    seed: int | None = None
    # {"type": "text"} or {"type": "json", "schema": {...}?, "name"?: str, "description"?: str}
    response_format: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    provider_options: dict[str, Any] | None = None
    include_raw_chunks: bool = False


@dataclass(slots=True)
class ModelUsage:
    """Token usage in AI SDK v5 names; ``None`` where the provider did not say."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_input_tokens: int | None = None
    raw: dict[str, Any] | None = None


@dataclass(slots=True)
class ResponseMetadata:
    """Identity of one provider response."""

    id: str | None = None
    model_id: str | None = None
    timestamp: float | None = None  # epoch seconds
    headers: dict[str, str] | None = None
    body: Any = None


@dataclass(slots=True)
class GenerateResult:
    """The answer to one non-streaming model call.

    ``content`` holds AI SDK v5 content parts: ``{"type": "text", "text"}``,
    ``{"type": "reasoning", "text"}`` and ``{"type": "tool-call", "toolCallId", "toolName", "input"}``
    where ``input`` is the raw JSON text of the arguments as the model sent them.
    """

    content: list[dict[str, Any]]
    finish_reason: FinishReason
    usage: ModelUsage
    response: ResponseMetadata = field(default_factory=ResponseMetadata)
    request_body: Any = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    provider_metadata: dict[str, Any] | None = None
    raw_finish_reason: str | None = None


@dataclass(slots=True)
class StreamPart:
    """One part of a streamed model answer (AI SDK ``LanguageModelV2StreamPart``).

    ``type`` is one of ``stream-start`` (warnings), ``response-metadata`` (id, model_id, timestamp),
    ``text-start`` / ``text-delta`` / ``text-end`` (id, delta), ``reasoning-start`` /
    ``reasoning-delta`` / ``reasoning-end`` (id, delta), ``tool-input-start`` (id, tool_name),
    ``tool-input-delta`` (id, delta), ``tool-input-end`` (id), ``tool-call`` (tool_call_id,
    tool_name, input: the complete raw JSON text), ``finish`` (finish_reason, usage,
    provider_metadata), ``error`` (error), ``raw`` (raw).
    """

    type: str
    id: str | None = None
    delta: str | None = None
    tool_call_id: str | None = None
    tool_name: str | None = None
    input: str | None = None
    finish_reason: FinishReason | None = None
    raw_finish_reason: str | None = None
    usage: ModelUsage | None = None
    response: ResponseMetadata | None = None
    warnings: list[dict[str, Any]] | None = None
    provider_metadata: dict[str, Any] | None = None
    error: BaseException | None = None
    raw: Any = None
    request_body: Any = None


@runtime_checkable
class LanguageModel(Protocol):
    """A model the agent loop can call; providers in ``lumos_compat.providers`` implement it."""

    @property
    def provider(self) -> str:
        """Provider id, e.g. ``"openai.responses"`` or ``"groq.chat"``."""
        ...

    @property
    def model_id(self) -> str:
        """The model id sent to the provider."""
        ...

    async def do_generate(self, options: CallOptions) -> GenerateResult:
        """Make one non-streaming call."""
        ...

    def do_stream(self, options: CallOptions) -> AsyncIterator[StreamPart]:
        """Make one streaming call; the iterator yields parts until ``finish`` or ``error``."""
        ...
