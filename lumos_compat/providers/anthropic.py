"""Anthropic: the Messages API (``POST {base_url}/messages``) as ``@ai-sdk/anthropic`` speaks it."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from lumos_compat.errors import AgentConfigError, ModelCallError
from lumos_compat.llm import (
    CallOptions,
    FinishReason,
    GenerateResult,
    ModelUsage,
    ResponseMetadata,
    StreamPart,
)
from lumos_compat.providers._base import (
    HttpModel,
    Provider,
    ProviderSettings,
    file_data_base64,
    file_text,
    is_url,
    json_dumps,
    make_settings,
    parse_json_or_none,
    tool_output_text,
)
from lumos_compat.providers._http import lazy_httpx

__all__ = ["AnthropicMessagesModel", "AnthropicProvider", "anthropic", "create_anthropic"]

ANTHROPIC_VERSION = "2023-06-01"
STRUCTURED_OUTPUTS_BETA = "structured-outputs-2025-11-13"
_OLD_CLAUDE = re.compile(r"claude-(?:instant(?:-|$)|v?2(?=$|[-.:])|3(?=$|[-.]))")


@dataclass(frozen=True, slots=True)
class ModelCapabilities:
    """What the AI SDK assumes about a Claude model."""

    max_output_tokens: int
    structured_output: bool
    rejects_sampling: bool
    known: bool


def model_capabilities(model_id: str) -> ModelCapabilities:
    """Default ``max_tokens`` and feature support by model id, as ``@ai-sdk/anthropic`` decides."""
    has = model_id.__contains__
    if has("claude-opus-5"):
        return ModelCapabilities(128_000, True, True, True)
    if any(has(m) for m in ("claude-opus-4-8", "claude-opus-4-7", "claude-sonnet-5")):
        return ModelCapabilities(128_000, True, True, True)
    if has("claude-sonnet-4-6") or has("claude-opus-4-6"):
        return ModelCapabilities(128_000, True, False, True)
    if any(has(m) for m in ("claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5")):
        return ModelCapabilities(64_000, True, False, True)
    if has("claude-opus-4-1"):
        return ModelCapabilities(32_000, True, False, True)
    if has("claude-sonnet-4-"):
        return ModelCapabilities(64_000, False, False, True)
    if has("claude-opus-4-"):
        return ModelCapabilities(32_000, False, False, True)
    if has("claude-3-haiku"):
        return ModelCapabilities(4096, False, False, True)
    if _OLD_CLAUDE.search(model_id):
        return ModelCapabilities(4096, False, False, False)
    if has("claude-"):
        return ModelCapabilities(128_000, True, True, False)
    return ModelCapabilities(4096, False, False, False)


def map_stop_reason(reason: str | None, json_tool: bool = False) -> FinishReason:
    """An Anthropic ``stop_reason`` in AI SDK words."""
    if reason in ("end_turn", "stop_sequence", "pause_turn"):
        return "stop"
    if reason == "refusal":
        return "content-filter"
    if reason == "tool_use":
        return "stop" if json_tool else "tool-calls"
    if reason in ("max_tokens", "model_context_window_exceeded"):
        return "length"
    return "other"


def convert_usage(usage: Mapping[str, Any] | None) -> ModelUsage:
    """Anthropic usage in AI SDK names; input counts include cache reads and writes."""
    if not usage:
        return ModelUsage()
    inp = usage.get("input_tokens") or 0
    out = usage.get("output_tokens") or 0
    cache_read = usage.get("cache_read_input_tokens") or 0
    cache_write = usage.get("cache_creation_input_tokens") or 0
    total_in = inp + cache_read + cache_write
    return ModelUsage(
        input_tokens=total_in,
        output_tokens=out,
        total_tokens=total_in + out,
        cached_input_tokens=cache_read,
        raw=dict(usage),
    )


def _file_block(part: Mapping[str, Any]) -> dict[str, Any]:
    media = part.get("mediaType") or "application/octet-stream"
    data = part.get("data")
    if media.startswith("image/"):
        media = "image/jpeg" if media == "image/*" else media
        if is_url(data):
            return {"type": "image", "source": {"type": "url", "url": data}}
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media, "data": file_data_base64(data)},
        }
    if media == "application/pdf":
        if is_url(data):
            return {"type": "document", "source": {"type": "url", "url": data}}
        return {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": file_data_base64(data),
            },
        }
    if media == "text/plain":
        if is_url(data):
            return {"type": "document", "source": {"type": "url", "url": data}}
        return {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": file_text(data)},
        }
    raise AgentConfigError(f"Anthropic: unsupported file part media type {media}")


def convert_prompt(
    prompt: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]], list[dict[str, Any]]]:
    """An AI SDK prompt as Anthropic ``system`` blocks, ``messages`` and warnings.

    Consecutive user and tool messages become one user message; consecutive assistant messages
    one assistant message, as the Messages API wants alternating roles.
    """
    system: list[dict[str, Any]] | None = None
    messages: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for message in prompt:
        role = message["role"]
        content = message["content"]
        if role == "system":
            if messages:
                raise AgentConfigError(
                    "Anthropic: system messages must come before the conversation; "
                    "found one after a user or assistant message"
                )
            system = (system or []) + [{"type": "text", "text": content}]
            continue
        wire_role = "assistant" if role == "assistant" else "user"
        blocks: list[dict[str, Any]] = []
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for part in content:
            kind = part.get("type")
            if role == "user":
                if kind == "text":
                    blocks.append({"type": "text", "text": part["text"]})
                elif kind == "file":
                    blocks.append(_file_block(part))
            elif role == "tool":
                if kind != "tool-result":
                    continue
                output = part["output"]
                block: dict[str, Any] = {
                    "type": "tool_result",
                    "tool_use_id": part["toolCallId"],
                    "content": tool_output_text(output),
                }
                if output.get("type") in ("error-text", "error-json"):
                    block["is_error"] = True
                blocks.append(block)
            elif role == "assistant":
                if kind == "text":
                    blocks.append({"type": "text", "text": part["text"]})
                elif kind == "reasoning":
                    meta = (part.get("providerOptions") or {}).get("anthropic") or {}
                    if meta.get("signature"):
                        blocks.append(
                            {
                                "type": "thinking",
                                "thinking": part["text"],
                                "signature": meta["signature"],
                            }
                        )
                    elif meta.get("redactedData"):
                        blocks.append({"type": "redacted_thinking", "data": meta["redactedData"]})
                    else:
                        warnings.append(
                            {"type": "other", "message": "unsupported reasoning metadata"}
                        )
                elif kind == "tool-call":
                    raw = part.get("input")
                    if isinstance(raw, str):
                        raw = parse_json_or_none(raw) or {}
                    blocks.append(
                        {
                            "type": "tool_use",
                            "id": part["toolCallId"],
                            "name": part["toolName"],
                            "input": raw if raw is not None else {},
                        }
                    )
            else:
                raise AgentConfigError(f"Anthropic: unsupported message role {role!r}")
        if messages and messages[-1]["role"] == wire_role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": wire_role, "content": blocks})
    return system, messages, warnings


class AnthropicMessagesModel(HttpModel):
    """A Claude model over the Messages API."""

    def __init__(self, model_id: str, settings: ProviderSettings) -> None:
        super().__init__(
            model_id, settings, f"{settings.name}.messages", f"{settings.base_url}/messages"
        )
        self._caps = model_capabilities(model_id)

    def build_body(
        self, options: CallOptions, *, stream: bool
    ) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        """The JSON body, warnings, and whether a ``json`` tool carries structured output."""
        caps = self._caps
        ao = (options.provider_options or {}).get("anthropic") or {}
        warnings: list[dict[str, Any]] = []
        for name, value in (
            ("frequencyPenalty", options.frequency_penalty),
            ("presencePenalty", options.presence_penalty),
            ("seed", options.seed),
        ):
            if value is not None:
                warnings.append({"type": "unsupported", "feature": name})
        temperature, top_k, top_p = options.temperature, options.top_k, options.top_p
        if caps.rejects_sampling:
            temperature = top_k = top_p = None
        system, messages, prompt_warnings = convert_prompt(options.prompt)
        warnings.extend(prompt_warnings)
        rf = options.response_format
        schema = rf.get("schema") if rf and rf.get("type") == "json" else None
        mode = ao.get("structuredOutputMode", "auto")
        native = mode == "outputFormat" or (mode == "auto" and caps.structured_output)
        json_tool = schema is not None and not native
        max_tokens = options.max_output_tokens or caps.max_output_tokens
        body: dict[str, Any] = {"model": self._model_id, "max_tokens": max_tokens}
        thinking = ao.get("thinking") if isinstance(ao.get("thinking"), dict) else None
        is_thinking = bool(thinking) and thinking.get("type") in ("enabled", "adaptive")
        if is_thinking:
            temperature = top_k = top_p = None
        elif (
            (caps.known or "claude-" in self._model_id)
            and top_p is not None
            and temperature is not None
        ):
            warnings.append({"type": "unsupported", "feature": "topP"})
            top_p = None
        if temperature is not None:
            body["temperature"] = temperature
        if top_k is not None:
            body["top_k"] = top_k
        if top_p is not None:
            body["top_p"] = top_p
        if options.stop_sequences is not None:
            body["stop_sequences"] = options.stop_sequences
        if thinking:
            wire: dict[str, Any] = {"type": thinking.get("type")}
            budget = thinking.get("budgetTokens")
            if thinking.get("type") == "enabled" and budget is None:
                budget = 1024
            if budget is not None:
                wire["budget_tokens"] = budget
                body["max_tokens"] = max_tokens + budget
            body["thinking"] = wire
        if schema is not None and native:
            body["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        if system:
            body["system"] = system
        body["messages"] = messages
        eager_default = stream and ao.get("toolStreaming", True) is not False
        tools: list[dict[str, Any]] = []
        for t in options.tools or ():
            tool: dict[str, Any] = {"name": t.name}
            if t.description is not None:
                tool["description"] = t.description
            tool["input_schema"] = t.input_schema
            tool_opts = (t.provider_options or {}).get("anthropic") or {}
            if tool_opts.get("eagerInputStreaming", eager_default):
                tool["eager_input_streaming"] = True
            tools.append(tool)
        choice = options.tool_choice
        if json_tool:
            tools.append(
                {
                    "name": "json",
                    "description": "Respond with a JSON object.",
                    "input_schema": schema,
                }
            )
            choice_wire: dict[str, Any] | None = {"type": "any", "disable_parallel_tool_use": True}
        elif not tools or choice is None:
            choice_wire = None
        else:
            kind = choice.get("type")
            if kind == "none":
                tools, choice_wire = [], None
            elif kind == "required":
                choice_wire = {"type": "any"}
            elif kind == "tool":
                choice_wire = {"type": "tool", "name": choice["toolName"]}
            else:
                choice_wire = {"type": "auto"}
        if tools:
            body["tools"] = tools
            if choice_wire is not None:
                body["tool_choice"] = choice_wire
        if stream:
            body["stream"] = True
        return body, warnings, json_tool

    def _headers(self, options: CallOptions) -> dict[str, str]:
        headers = {"content-type": "application/json", "anthropic-version": ANTHROPIC_VERSION}
        if self._caps.structured_output:
            headers["anthropic-beta"] = STRUCTURED_OUTPUTS_BETA
        key = self._settings.resolve_api_key(self._model_id)
        if key:
            headers["x-api-key"] = key
        headers.update(self._settings.headers)
        if options.headers:
            headers.update(options.headers)
        return headers

    async def do_generate(self, options: CallOptions) -> GenerateResult:
        """One non-streaming Messages call."""
        body, warnings, json_tool = self.build_body(options, stream=False)
        data, response_headers = await self._settings.http.post_json(
            self._url, body, self._headers(options)
        )
        content: list[dict[str, Any]] = []
        for block in data.get("content") or ():
            kind = block.get("type")
            if kind == "text":
                if not json_tool:
                    content.append({"type": "text", "text": block.get("text", "")})
            elif kind == "thinking":
                content.append({"type": "reasoning", "text": block.get("thinking", "")})
            elif kind == "tool_use":
                args = json_dumps(block.get("input") or {})
                if json_tool and block.get("name") == "json":
                    content.append({"type": "text", "text": args})
                else:
                    content.append(
                        {
                            "type": "tool-call",
                            "toolCallId": block.get("id"),
                            "toolName": block.get("name"),
                            "input": args,
                        }
                    )
        raw_finish = data.get("stop_reason")
        return GenerateResult(
            content=content,
            finish_reason=map_stop_reason(raw_finish, json_tool),
            raw_finish_reason=raw_finish,
            usage=convert_usage(data.get("usage")),
            response=ResponseMetadata(
                id=data.get("id"), model_id=data.get("model"), headers=response_headers, body=data
            ),
            request_body=body,
            warnings=warnings,
            provider_metadata={"anthropic": {"usage": data.get("usage")}},
        )

    async def do_stream(self, options: CallOptions) -> AsyncIterator[StreamPart]:
        """One streaming Messages call, as AI SDK stream parts."""
        body, warnings, json_tool = self.build_body(options, stream=True)
        async with self._settings.http.post_stream(self._url, body, self._headers(options)) as (
            events,
            response_headers,
        ):
            yield StreamPart(type="stream-start", warnings=warnings, request_body=body)
            async for part in self._parse_stream(events, json_tool, options.include_raw_chunks):
                if part.type == "response-metadata" and part.response is not None:
                    part.response.headers = dict(response_headers)
                yield part

    async def _parse_stream(
        self, events: AsyncIterator[tuple[str | None, str]], json_tool: bool, include_raw: bool
    ) -> AsyncIterator[StreamPart]:
        finish: FinishReason = "unknown"
        raw_finish: str | None = None
        usage_raw: dict[str, Any] = {}
        # index -> (kind, id, name, arguments)
        blocks: dict[int, list[Any]] = {}
        try:
            async for _event, data in events:
                try:
                    chunk = json.loads(data)
                except ValueError:
                    continue
                if include_raw:
                    yield StreamPart(type="raw", raw=chunk)
                kind = chunk.get("type")
                if kind == "content_block_delta":
                    index = chunk.get("index", 0)
                    delta = chunk.get("delta") or {}
                    dtype = delta.get("type")
                    state = blocks.get(index)
                    if dtype == "text_delta":
                        yield StreamPart(
                            type="text-delta", id=str(index), delta=delta.get("text", "")
                        )
                    elif dtype == "thinking_delta":
                        yield StreamPart(
                            type="reasoning-delta", id=str(index), delta=delta.get("thinking", "")
                        )
                    elif dtype == "input_json_delta" and state is not None:
                        piece = delta.get("partial_json", "")
                        state[3] += piece
                        if piece:
                            yield StreamPart(
                                type="text-delta" if state[0] == "json" else "tool-input-delta",
                                id=state[1],
                                delta=piece,
                            )
                elif kind == "content_block_start":
                    index = chunk.get("index", 0)
                    block = chunk.get("content_block") or {}
                    btype = block.get("type")
                    if btype == "text":
                        blocks[index] = ["text", str(index), None, ""]
                        if not json_tool:
                            yield StreamPart(type="text-start", id=str(index))
                        else:
                            blocks[index][0] = "skip"
                    elif btype == "thinking":
                        blocks[index] = ["thinking", str(index), None, ""]
                        yield StreamPart(type="reasoning-start", id=str(index))
                    elif btype == "tool_use":
                        if json_tool and block.get("name") == "json":
                            blocks[index] = ["json", str(index), "json", ""]
                            yield StreamPart(type="text-start", id=str(index))
                        else:
                            blocks[index] = ["tool", block.get("id"), block.get("name"), ""]
                            yield StreamPart(
                                type="tool-input-start",
                                id=block.get("id"),
                                tool_name=block.get("name"),
                            )
                elif kind == "content_block_stop":
                    state = blocks.pop(chunk.get("index", 0), None)
                    if state is None:
                        continue
                    if state[0] in ("text", "json"):
                        yield StreamPart(type="text-end", id=state[1])
                    elif state[0] == "thinking":
                        yield StreamPart(type="reasoning-end", id=state[1])
                    elif state[0] == "tool":
                        yield StreamPart(type="tool-input-end", id=state[1])
                        yield StreamPart(
                            type="tool-call",
                            tool_call_id=state[1],
                            tool_name=state[2],
                            input=state[3] or "{}",
                        )
                elif kind == "message_start":
                    message = chunk.get("message") or {}
                    usage_raw.update(message.get("usage") or {})
                    yield StreamPart(
                        type="response-metadata",
                        response=ResponseMetadata(
                            id=message.get("id"), model_id=message.get("model")
                        ),
                    )
                elif kind == "message_delta":
                    raw_finish = (chunk.get("delta") or {}).get("stop_reason")
                    finish = map_stop_reason(raw_finish, json_tool)
                    usage_raw.update(
                        {k: v for k, v in (chunk.get("usage") or {}).items() if v is not None}
                    )
                elif kind == "error":
                    err = chunk.get("error") or {}
                    finish = "error"
                    yield StreamPart(
                        type="error",
                        error=ModelCallError(
                            f"{self._provider}: {err.get('type', 'error')}: {err.get('message', '')}",
                            url=self._url,
                            is_retryable=err.get("type") in ("overloaded_error", "api_error"),
                        ),
                    )
        except lazy_httpx().HTTPError as exc:
            finish = "error"
            yield StreamPart(
                type="error",
                error=ModelCallError(
                    f"{self._provider}: the stream from {self._url} broke: {exc}",
                    url=self._url,
                    is_retryable=True,
                ),
            )
        for state in blocks.values():
            if state[0] == "tool":
                yield StreamPart(type="tool-input-end", id=state[1])
                yield StreamPart(
                    type="tool-call",
                    tool_call_id=state[1],
                    tool_name=state[2],
                    input=state[3] or "{}",
                )
        yield StreamPart(
            type="finish",
            finish_reason=finish,
            raw_finish_reason=raw_finish,
            usage=convert_usage(usage_raw),
            provider_metadata={"anthropic": {"usage": usage_raw}},
        )


class AnthropicProvider(Provider):
    """An Anthropic provider: call it with a model id."""

    def __call__(self, model_id: str) -> AnthropicMessagesModel:
        """The Messages model ``model_id``."""
        return AnthropicMessagesModel(model_id, self._settings)

    messages = __call__
    language_model = __call__
    chat = __call__


def create_anthropic(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    name: str | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> AnthropicProvider:
    """An Anthropic provider, like ``createAnthropic({baseURL, apiKey, headers})``.

    The key defaults to ``ANTHROPIC_API_KEY`` and the base URL to ``ANTHROPIC_BASE_URL`` or
    ``https://api.anthropic.com/v1``.
    """
    return AnthropicProvider(
        make_settings(
            name=name or "anthropic",
            base_url=base_url,
            default_base_url="https://api.anthropic.com/v1",
            base_url_env="ANTHROPIC_BASE_URL",
            api_key=api_key,
            api_key_env=("ANTHROPIC_API_KEY",),
            headers=headers,
            max_retries=max_retries,
            timeout=timeout,
        )
    )


def anthropic(model_id: str) -> AnthropicMessagesModel:
    """The default Anthropic provider: ``anthropic("claude-sonnet-4-5")``."""
    return create_anthropic()(model_id)
