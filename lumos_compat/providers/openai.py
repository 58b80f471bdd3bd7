"""OpenAI: the Responses API (``POST {base_url}/responses``) as ``@ai-sdk/openai`` speaks it, which is
what ``openai("gpt-4o")`` and Mastra's ``"openai/<model>"`` router strings use, plus ``openai.chat``.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
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
    file_data_url,
    is_url,
    json_dumps,
    make_settings,
    tool_output_text,
)
from lumos_compat.providers._http import lazy_httpx
from lumos_compat.providers.openai_compatible import OpenAICompatibleChatModel

__all__ = ["OpenAIProvider", "OpenAIResponsesModel", "create_openai", "openai"]

_O_SERIES = re.compile(r"^o(\d+)(?:-|$)")
_GPT = re.compile(r"^gpt-(\d+)(?:\.(\d+))?(?:-(.+))?$")


def is_reasoning_model(model_id: str) -> bool:
    """Whether OpenAI treats the model as a reasoning model (o-series, gpt-5 and later)."""
    if _O_SERIES.match(model_id):
        return True
    m = _GPT.match(model_id)
    if m is None:
        return False
    major, minor, variant = int(m.group(1)), m.group(2), m.group(3) or ""
    is_chat = minor is None and variant.startswith("chat")
    return major >= 5 and not is_chat


def map_finish_reason(reason: str | None, has_function_call: bool) -> FinishReason:
    """A Responses ``incomplete_details.reason`` in AI SDK words."""
    if reason is None:
        return "tool-calls" if has_function_call else "stop"
    if reason == "max_output_tokens":
        return "length"
    if reason == "content_filter":
        return "content-filter"
    return "tool-calls" if has_function_call else "other"


def convert_usage(usage: Mapping[str, Any] | None) -> ModelUsage:
    """Responses usage in AI SDK names."""
    if not usage:
        return ModelUsage()
    inp = usage.get("input_tokens") or 0
    out = usage.get("output_tokens") or 0
    total = usage.get("total_tokens")
    return ModelUsage(
        input_tokens=inp,
        output_tokens=out,
        total_tokens=total if total is not None else inp + out,
        reasoning_tokens=(usage.get("output_tokens_details") or {}).get("reasoning_tokens") or 0,
        cached_input_tokens=(usage.get("input_tokens_details") or {}).get("cached_tokens") or 0,
        # the AI SDK keeps only the usage fields its response schema names
        raw={k: usage[k] for k in _USAGE_KEYS if k in usage},
    )


_USAGE_KEYS = ("input_tokens", "input_tokens_details", "output_tokens", "output_tokens_details")


def _user_part(part: Mapping[str, Any], index: int) -> dict[str, Any]:
    kind = part.get("type")
    if kind == "text":
        return {"type": "input_text", "text": part["text"]}
    if kind != "file":
        raise AgentConfigError(f"OpenAI responses: unsupported user content part type {kind!r}")
    media = part.get("mediaType") or "application/octet-stream"
    media = "image/jpeg" if media == "image/*" else media
    data = part.get("data")
    if media.startswith("image/"):
        return {"type": "input_image", "image_url": file_data_url(data, media)}
    if is_url(data):
        return {"type": "input_file", "file_url": str(data)}
    if media != "application/pdf":
        raise AgentConfigError(f"OpenAI responses: unsupported file part media type {media}")
    return {
        "type": "input_file",
        "filename": part.get("filename") or f"part-{index}.pdf",
        "file_data": f"data:{media};base64,{file_data_base64(data)}",
    }


def convert_input(
    prompt: list[dict[str, Any]], system_role: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """An AI SDK prompt as Responses ``input`` items, with warnings."""
    items: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for message in prompt:
        role = message["role"]
        content = message["content"]
        if role == "system":
            items.append({"role": system_role, "content": content})
        elif role == "user":
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            items.append(
                {"role": "user", "content": [_user_part(p, i) for i, p in enumerate(content)]}
            )
        elif role == "assistant":
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            for part in content:
                kind = part.get("type")
                if kind == "text":
                    items.append(
                        {
                            "role": "assistant",
                            "content": [{"type": "output_text", "text": part["text"]}],
                        }
                    )
                elif kind == "tool-call":
                    raw = part.get("input")
                    items.append(
                        {
                            "type": "function_call",
                            "call_id": part["toolCallId"],
                            "name": part["toolName"],
                            "arguments": json_dumps({} if raw is None else raw),
                        }
                    )
                elif kind == "reasoning":
                    warnings.append(
                        {
                            "type": "other",
                            "message": "reasoning parts without an OpenAI item id are not sent",
                        }
                    )
        elif role == "tool":
            for part in content:
                if part.get("type") != "tool-result":
                    continue
                items.append(
                    {
                        "type": "function_call_output",
                        "call_id": part["toolCallId"],
                        "output": tool_output_text(part["output"]),
                    }
                )
        else:
            raise AgentConfigError(f"OpenAI responses: unsupported message role {role!r}")
    return items, warnings


_RESPONSES_OPTIONS = {
    "conversation": "conversation",
    "maxToolCalls": "max_tool_calls",
    "metadata": "metadata",
    "parallelToolCalls": "parallel_tool_calls",
    "previousResponseId": "previous_response_id",
    "store": "store",
    "user": "user",
    "instructions": "instructions",
    "serviceTier": "service_tier",
    "include": "include",
    "promptCacheKey": "prompt_cache_key",
    "promptCacheRetention": "prompt_cache_retention",
    "safetyIdentifier": "safety_identifier",
    "truncation": "truncation",
}


class OpenAIResponsesModel(HttpModel):
    """An OpenAI Responses API model."""

    def __init__(
        self, model_id: str, settings: ProviderSettings, *, provider: str | None = None
    ) -> None:
        super().__init__(
            model_id,
            settings,
            provider or f"{settings.name}.responses",
            f"{settings.base_url}/responses",
        )
        self._reasoning = is_reasoning_model(model_id)

    def build_body(
        self, options: CallOptions, *, stream: bool
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The JSON body for one call and warnings about dropped settings."""
        warnings: list[dict[str, Any]] = []
        for name, value in (
            ("topK", options.top_k),
            ("seed", options.seed),
            ("presencePenalty", options.presence_penalty),
            ("frequencyPenalty", options.frequency_penalty),
            ("stopSequences", options.stop_sequences),
        ):
            if value is not None:
                warnings.append({"type": "unsupported", "feature": name})
        oo = (options.provider_options or {}).get("openai") or {}
        reasoning = bool(oo.get("forceReasoning", self._reasoning))
        system_role = oo.get("systemMessageMode") or ("developer" if reasoning else "system")
        if system_role == "remove":
            prompt = [m for m in options.prompt if m["role"] != "system"]
            system_role = "system"
        else:
            prompt = options.prompt
        items, input_warnings = convert_input(prompt, system_role)
        warnings.extend(input_warnings)
        body: dict[str, Any] = {"model": self._model_id, "input": items}
        temperature, top_p = options.temperature, options.top_p
        if reasoning:
            if temperature is not None:
                temperature = None
                warnings.append({"type": "unsupported", "feature": "temperature"})
            if top_p is not None:
                top_p = None
                warnings.append({"type": "unsupported", "feature": "topP"})
        if temperature is not None:
            body["temperature"] = temperature
        if top_p is not None:
            body["top_p"] = top_p
        if options.max_output_tokens is not None:
            body["max_output_tokens"] = options.max_output_tokens
        rf = options.response_format
        text: dict[str, Any] = {}
        if rf and rf.get("type") == "json":
            if rf.get("schema") is not None:
                fmt: dict[str, Any] = {
                    "type": "json_schema",
                    "strict": oo.get("strictJsonSchema", True),
                    "name": rf.get("name") or "response",
                }
                if rf.get("description") is not None:
                    fmt["description"] = rf["description"]
                fmt["schema"] = rf["schema"]
                text["format"] = fmt
            else:
                text["format"] = {"type": "json_object"}
        if oo.get("textVerbosity"):
            text["verbosity"] = oo["textVerbosity"]
        if text:
            body["text"] = text
        for key, wire in _RESPONSES_OPTIONS.items():
            if oo.get(key) is not None:
                body[wire] = oo[key]
        if reasoning and (oo.get("reasoningEffort") or oo.get("reasoningSummary")):
            r: dict[str, Any] = {}
            if oo.get("reasoningEffort") is not None:
                r["effort"] = oo["reasoningEffort"]
            if oo.get("reasoningSummary") is not None:
                r["summary"] = oo["reasoningSummary"]
            body["reasoning"] = r
        if oo.get("store") is False and reasoning:
            include = list(body.get("include") or [])
            if "reasoning.encrypted_content" not in include:
                include.append("reasoning.encrypted_content")
            body["include"] = include
        if options.tools:
            tools = []
            for t in options.tools:
                tool: dict[str, Any] = {"type": "function", "name": t.name}
                if t.description is not None:
                    tool["description"] = t.description
                tool["parameters"] = t.input_schema
                strict = (t.provider_options or {}).get("strict")
                if strict is not None:
                    tool["strict"] = strict
                tools.append(tool)
            body["tools"] = tools
            choice = options.tool_choice
            if choice is not None:
                kind = choice.get("type")
                body["tool_choice"] = (
                    {"type": "function", "name": choice["toolName"]} if kind == "tool" else kind
                )
        if stream:
            body["stream"] = True
        return body, warnings

    def _headers(self, options: CallOptions) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        key = self._settings.resolve_api_key(self._model_id)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        headers.update(self._settings.headers)
        if options.headers:
            headers.update(options.headers)
        return headers

    async def do_generate(self, options: CallOptions) -> GenerateResult:
        """One non-streaming Responses call."""
        body, warnings = self.build_body(options, stream=False)
        data, response_headers = await self._settings.http.post_json(
            self._url, body, self._headers(options)
        )
        if not isinstance(data, dict):
            raise ModelCallError(
                f"{self._provider}: unexpected response {data!r:.200}", url=self._url
            )
        if data.get("error"):
            err = data["error"]
            raise ModelCallError(
                f"{self._provider}: {err.get('message') if isinstance(err, dict) else err}",
                status_code=400,
                url=self._url,
                response_body=json_dumps(data),
            )
        content: list[dict[str, Any]] = []
        has_call = False
        for item in data.get("output") or ():
            kind = item.get("type")
            if kind == "message":
                for part in item.get("content") or ():
                    if part.get("type") == "output_text":
                        content.append(
                            {
                                "type": "text",
                                "text": part.get("text", ""),
                                "providerMetadata": {"openai": {"itemId": item.get("id")}},
                            }
                        )
            elif kind == "function_call":
                has_call = True
                content.append(
                    {
                        "type": "tool-call",
                        "toolCallId": item.get("call_id"),
                        "toolName": item.get("name"),
                        "input": item.get("arguments") or "",
                        "providerMetadata": {"openai": {"itemId": item.get("id")}},
                    }
                )
            elif kind == "reasoning":
                for summary in item.get("summary") or ():
                    content.append({"type": "reasoning", "text": summary.get("text", "")})
        incomplete = (data.get("incomplete_details") or {}).get("reason")
        created = data.get("created_at")
        return GenerateResult(
            content=content,
            finish_reason=map_finish_reason(incomplete, has_call),
            raw_finish_reason=incomplete,
            usage=convert_usage(data.get("usage")),
            response=ResponseMetadata(
                id=data.get("id"),
                model_id=data.get("model"),
                timestamp=float(created) if created is not None else None,
                headers=response_headers,
                body=data,
            ),
            request_body=body,
            warnings=warnings,
            provider_metadata={"openai": {"responseId": data.get("id")}},
        )

    async def do_stream(self, options: CallOptions) -> AsyncIterator[StreamPart]:
        """One streaming Responses call, as AI SDK stream parts."""
        body, warnings = self.build_body(options, stream=True)
        async with self._settings.http.post_stream(self._url, body, self._headers(options)) as (
            events,
            response_headers,
        ):
            yield StreamPart(type="stream-start", warnings=warnings, request_body=body)
            async for part in self._parse_stream(events, options.include_raw_chunks):
                if part.type == "response-metadata" and part.response is not None:
                    part.response.headers = dict(response_headers)
                yield part

    async def _parse_stream(
        self, events: AsyncIterator[tuple[str | None, str]], include_raw: bool
    ) -> AsyncIterator[StreamPart]:
        finish: FinishReason = "unknown"
        raw_finish: str | None = None
        usage = ModelUsage()
        has_call = False
        response_id: str | None = None
        # output_index -> [call_id, name, arguments]
        calls: dict[int, list[str]] = {}
        reasoning_open: set[str] = set()
        try:
            async for _event, data in events:
                if data == "[DONE]":
                    continue  # read to the end so the connection goes back to the pool
                try:
                    chunk = json.loads(data)
                except ValueError:
                    finish = "error"
                    yield StreamPart(
                        type="error",
                        error=ModelCallError(
                            f"{self._provider}: invalid stream chunk {data[:200]}"
                        ),
                    )
                    continue
                if include_raw:
                    yield StreamPart(type="raw", raw=chunk)
                kind = chunk.get("type")
                if kind == "response.output_text.delta":
                    yield StreamPart(
                        type="text-delta", id=chunk.get("item_id"), delta=chunk.get("delta", "")
                    )
                elif kind == "response.function_call_arguments.delta":
                    state = calls.get(chunk.get("output_index", -1))
                    if state is not None:
                        state[2] += chunk.get("delta", "")
                        yield StreamPart(
                            type="tool-input-delta", id=state[0], delta=chunk.get("delta", "")
                        )
                elif kind == "response.output_item.added":
                    item = chunk.get("item") or {}
                    itype = item.get("type")
                    if itype == "message":
                        yield StreamPart(
                            type="text-start",
                            id=item.get("id"),
                            provider_metadata={"openai": {"itemId": item.get("id")}},
                        )
                    elif itype == "function_call":
                        has_call = True
                        state = [item.get("call_id"), item.get("name"), item.get("arguments") or ""]
                        calls[chunk.get("output_index", len(calls))] = state
                        yield StreamPart(type="tool-input-start", id=state[0], tool_name=state[1])
                    elif itype == "reasoning":
                        rid = f"{item.get('id')}:0"
                        reasoning_open.add(rid)
                        yield StreamPart(type="reasoning-start", id=rid)
                elif kind == "response.reasoning_summary_text.delta":
                    rid = f"{chunk.get('item_id')}:{chunk.get('summary_index', 0)}"
                    yield StreamPart(type="reasoning-delta", id=rid, delta=chunk.get("delta", ""))
                elif kind == "response.output_item.done":
                    item = chunk.get("item") or {}
                    itype = item.get("type")
                    if itype == "message":
                        yield StreamPart(
                            type="text-end",
                            id=item.get("id"),
                            provider_metadata={"openai": {"itemId": item.get("id")}},
                        )
                    elif itype == "function_call":
                        state = calls.pop(chunk.get("output_index", -1), None)
                        call_id = item.get("call_id") or (state[0] if state else None)
                        args = item.get("arguments")
                        if args is None and state is not None:
                            args = state[2]
                        yield StreamPart(type="tool-input-end", id=call_id)
                        yield StreamPart(
                            type="tool-call",
                            tool_call_id=call_id,
                            tool_name=item.get("name") or (state[1] if state else None),
                            input=args or "{}",
                            provider_metadata={"openai": {"itemId": item.get("id")}},
                        )
                    elif itype == "reasoning":
                        rid = f"{item.get('id')}:0"
                        if rid in reasoning_open:
                            reasoning_open.discard(rid)
                            yield StreamPart(type="reasoning-end", id=rid)
                elif kind == "response.created":
                    resp = chunk.get("response") or {}
                    response_id = resp.get("id")
                    created = resp.get("created_at")
                    yield StreamPart(
                        type="response-metadata",
                        response=ResponseMetadata(
                            id=response_id,
                            model_id=resp.get("model"),
                            timestamp=float(created) if created is not None else None,
                        ),
                    )
                elif kind in ("response.completed", "response.incomplete"):
                    resp = chunk.get("response") or {}
                    raw_finish = (resp.get("incomplete_details") or {}).get("reason")
                    finish = map_finish_reason(raw_finish, has_call)
                    usage = convert_usage(resp.get("usage"))
                elif kind == "response.failed":
                    resp = chunk.get("response") or {}
                    err = resp.get("error") or {}
                    finish = "error"
                    yield StreamPart(
                        type="error",
                        error=ModelCallError(
                            f"{self._provider}: {err.get('message', 'response failed')}"
                        ),
                    )
                elif kind == "error":
                    err = chunk.get("error") if isinstance(chunk.get("error"), dict) else chunk
                    finish = "error"
                    yield StreamPart(
                        type="error",
                        error=ModelCallError(
                            f"{self._provider}: {err.get('message', 'stream error')}"
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
        # a call whose item never finished still reaches the caller with what arrived
        for call_id, name, args in calls.values():
            yield StreamPart(type="tool-input-end", id=call_id)
            yield StreamPart(
                type="tool-call", tool_call_id=call_id, tool_name=name, input=args or "{}"
            )
        for rid in sorted(reasoning_open):
            yield StreamPart(type="reasoning-end", id=rid)
        yield StreamPart(
            type="finish",
            finish_reason=finish,
            raw_finish_reason=raw_finish,
            usage=usage,
            provider_metadata={"openai": {"responseId": response_id}},
        )


class OpenAIProvider(Provider):
    """An OpenAI provider: ``provider("gpt-4o")`` is a Responses model, ``.chat`` chat completions."""

    def __call__(self, model_id: str) -> OpenAIResponsesModel:
        """The Responses model ``model_id`` (AI SDK 5 ``openai(...)``)."""
        return self.responses(model_id)

    def responses(self, model_id: str) -> OpenAIResponsesModel:
        """The Responses model ``model_id``."""
        return OpenAIResponsesModel(model_id, self._settings)

    def chat(self, model_id: str) -> OpenAICompatibleChatModel:
        """The chat-completions model ``model_id``."""
        return OpenAICompatibleChatModel(
            model_id,
            self._settings,
            provider=f"{self._settings.name}.chat",
            supports_structured_outputs=True,
            include_usage=True,
        )

    language_model = responses


def create_openai(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    organization: str | None = None,
    project: str | None = None,
    headers: Mapping[str, str] | None = None,
    name: str | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> OpenAIProvider:
    """An OpenAI provider, like ``createOpenAI({baseURL, apiKey, organization, project, headers, name})``.

    The key defaults to ``OPENAI_API_KEY`` and the base URL to ``OPENAI_BASE_URL`` or
    ``https://api.openai.com/v1``, both read when a call is made or the provider is created.
    """
    extra = dict(headers or {})
    if organization:
        extra.setdefault("OpenAI-Organization", organization)
    if project:
        extra.setdefault("OpenAI-Project", project)
    settings = make_settings(
        name=name or "openai",
        base_url=base_url,
        default_base_url="https://api.openai.com/v1",
        base_url_env="OPENAI_BASE_URL",
        api_key=api_key,
        api_key_env=("OPENAI_API_KEY",),
        headers=extra,
        max_retries=max_retries,
        timeout=timeout,
    )
    return OpenAIProvider(settings)


class _DefaultOpenAI:
    """The default ``openai`` provider: settings are read from the environment per model made."""

    def _get(self) -> OpenAIProvider:
        return create_openai()

    def __call__(self, model_id: str) -> OpenAIResponsesModel:
        """The Responses model ``model_id``."""
        return self._get().responses(model_id)

    def responses(self, model_id: str) -> OpenAIResponsesModel:
        """The Responses model ``model_id``."""
        return self._get().responses(model_id)

    def chat(self, model_id: str) -> OpenAICompatibleChatModel:
        """The chat-completions model ``model_id``."""
        return self._get().chat(model_id)


openai = _DefaultOpenAI()
"""The default OpenAI provider: ``openai("gpt-4o")``, ``openai.chat("gpt-4o")``."""
