"""Chat completions (``POST {base_url}/chat/completions``) as ``@ai-sdk/openai-compatible`` speaks them.

Used for custom ``{id, url, api_key}`` models, ``openai.chat(...)`` and the OpenAI-compatible
providers of the model router (deepseek, groq, mistral, openrouter, ...).
"""

from __future__ import annotations

import json
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
    file_text,
    generate_id,
    is_url,
    json_dumps,
    make_settings,
    tool_output_text,
)
from lumos_compat.providers._http import lazy_httpx

__all__ = ["OpenAICompatibleChatModel", "OpenAICompatibleProvider", "create_openai_compatible"]

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content-filter",
    "function_call": "tool-calls",
    "tool_calls": "tool-calls",
}
_AUDIO_FORMATS = {"audio/wav": "wav", "audio/mp3": "mp3", "audio/mpeg": "mp3"}
_OPTION_KEYS = ("user", "reasoningEffort", "textVerbosity", "strictJsonSchema")


def map_finish_reason(reason: str | None) -> FinishReason:
    """An OpenAI chat ``finish_reason`` in AI SDK words."""
    return _FINISH.get(reason or "", "other")


def convert_usage(usage: Mapping[str, Any] | None) -> ModelUsage:
    """OpenAI chat usage (prompt/completion tokens) in AI SDK names."""
    if not usage:
        return ModelUsage()
    prompt = usage.get("prompt_tokens") or 0
    completion = usage.get("completion_tokens") or 0
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    total = usage.get("total_tokens")
    return ModelUsage(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=total if total is not None else prompt + completion,
        reasoning_tokens=completion_details.get("reasoning_tokens") or 0,
        cached_input_tokens=prompt_details.get("cached_tokens") or 0,
        raw=dict(usage),
    )


def _user_part(part: Mapping[str, Any]) -> dict[str, Any]:
    kind = part.get("type")
    if kind == "text":
        return {"type": "text", "text": part["text"]}
    if kind != "file":
        raise AgentConfigError(f"chat completions: unsupported user content part type {kind!r}")
    media = part.get("mediaType") or "application/octet-stream"
    data = part.get("data")
    if media.startswith("image/"):
        media = "image/jpeg" if media == "image/*" else media
        return {"type": "image_url", "image_url": {"url": file_data_url(data, media)}}
    if media.startswith("audio/"):
        fmt = _AUDIO_FORMATS.get(media)
        if fmt is None or is_url(data):
            raise AgentConfigError(
                f"chat completions: audio file parts must be inline wav or mp3, got {media}"
            )
        return {
            "type": "input_audio",
            "input_audio": {"data": file_data_base64(data), "format": fmt},
        }
    if media == "application/pdf":
        if is_url(data):
            raise AgentConfigError("chat completions: PDF file parts cannot be URLs; inline them")
        return {
            "type": "file",
            "file": {
                "filename": part.get("filename") or "document.pdf",
                "file_data": f"data:application/pdf;base64,{file_data_base64(data)}",
            },
        }
    if media.startswith("text/"):
        return {"type": "text", "text": file_text(data)}
    raise AgentConfigError(f"chat completions: unsupported file part media type {media}")


def convert_messages(prompt: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An AI SDK prompt as chat-completions ``messages``."""
    messages: list[dict[str, Any]] = []
    for message in prompt:
        role = message["role"]
        content = message["content"]
        if role == "system":
            messages.append({"role": "system", "content": content})
        elif role == "user":
            if isinstance(content, str):
                messages.append({"role": "user", "content": content})
            elif len(content) == 1 and content[0].get("type") == "text":
                messages.append({"role": "user", "content": content[0]["text"]})
            else:
                messages.append({"role": "user", "content": [_user_part(p) for p in content]})
        elif role == "assistant":
            text = ""
            reasoning = ""
            calls: list[dict[str, Any]] = []
            for part in (
                content if not isinstance(content, str) else [{"type": "text", "text": content}]
            ):
                kind = part.get("type")
                if kind == "text":
                    text += part["text"]
                elif kind == "reasoning":
                    reasoning += part["text"]
                elif kind == "tool-call":
                    raw = part.get("input")
                    calls.append(
                        {
                            "id": part["toolCallId"],
                            "type": "function",
                            "function": {
                                "name": part["toolName"],
                                "arguments": json_dumps(raw),
                            },
                        }
                    )
            out: dict[str, Any] = {
                "role": "assistant",
                "content": (text or None) if calls else text,
            }
            if reasoning:
                out["reasoning_content"] = reasoning
            if calls:
                out["tool_calls"] = calls
            messages.append(out)
        elif role == "tool":
            for part in content:
                if part.get("type") != "tool-result":
                    continue
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": part["toolCallId"],
                        "content": tool_output_text(part["output"]),
                    }
                )
        else:
            raise AgentConfigError(f"chat completions: unsupported message role {role!r}")
    return messages


def _content_text(content: Any) -> tuple[str, str]:
    """(text, reasoning) from a message ``content`` that is a string or a list of parts."""
    if content is None:
        return "", ""
    if isinstance(content, str):
        return content, ""
    text: list[str] = []
    reasoning: list[str] = []
    for part in content:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind in ("text", "output_text") and isinstance(part.get("text"), str):
            text.append(part["text"])
        elif kind in ("thinking", "reasoning"):
            value = part.get("thinking") or part.get("text") or ""
            reasoning.append(value)
    return "".join(text), "".join(reasoning)


class OpenAICompatibleChatModel(HttpModel):
    """A chat-completions model: ``do_generate`` and ``do_stream`` over one pooled client."""

    def __init__(
        self,
        model_id: str,
        settings: ProviderSettings,
        *,
        provider: str | None = None,
        supports_structured_outputs: bool = True,
        include_usage: bool = False,
        auth_header: str = "Authorization",
    ) -> None:
        super().__init__(
            model_id,
            settings,
            provider or f"{settings.name}.chat",
            f"{settings.base_url}/chat/completions",
        )
        self.supports_structured_outputs = supports_structured_outputs
        self.include_usage = include_usage
        self._auth_header = auth_header
        self._options_name = self._provider.split(".", 1)[0].strip()

    # request -----------------------------------------------------------------------------
    def _provider_options(self, options: CallOptions) -> tuple[dict[str, Any], dict[str, Any]]:
        """(known options, pass-through body keys) from providerOptions."""
        po = options.provider_options or {}
        name = self._options_name
        camel = _camel(name)
        known: dict[str, Any] = {}
        for key in ("openai-compatible", "openaiCompatible", name, camel):
            value = po.get(key)
            if isinstance(value, dict):
                known.update({k: v for k, v in value.items() if k in _OPTION_KEYS})
        extra: dict[str, Any] = {}
        for key in (name, camel):
            value = po.get(key)
            if isinstance(value, dict):
                extra.update({k: v for k, v in value.items() if k not in _OPTION_KEYS})
        return known, extra

    def build_body(
        self, options: CallOptions, *, stream: bool
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The JSON body for one call and the warnings about dropped settings."""
        warnings: list[dict[str, Any]] = []
        known, extra = self._provider_options(options)
        body: dict[str, Any] = {"model": self._model_id}
        if known.get("user") is not None:
            body["user"] = known["user"]
        if options.top_k is not None:
            warnings.append({"type": "unsupported", "feature": "topK"})
        for key, value in (
            ("max_tokens", options.max_output_tokens),
            ("temperature", options.temperature),
            ("top_p", options.top_p),
            ("frequency_penalty", options.frequency_penalty),
            ("presence_penalty", options.presence_penalty),
        ):
            if value is not None:
                body[key] = value
        rf = options.response_format
        if rf and rf.get("type") == "json":
            schema = rf.get("schema")
            if schema is not None and self.supports_structured_outputs:
                json_schema: dict[str, Any] = {
                    "schema": schema,
                    "strict": known.get("strictJsonSchema", True),
                    "name": rf.get("name") or "response",
                }
                if rf.get("description") is not None:
                    json_schema["description"] = rf["description"]
                body["response_format"] = {"type": "json_schema", "json_schema": json_schema}
            else:
                if schema is not None:
                    warnings.append(
                        {
                            "type": "unsupported",
                            "feature": "responseFormat",
                            "details": "JSON response format schema is only supported with "
                            "structuredOutputs",
                        }
                    )
                body["response_format"] = {"type": "json_object"}
        if options.stop_sequences is not None:
            body["stop"] = options.stop_sequences
        if options.seed is not None:
            body["seed"] = options.seed
        body.update({k: v for k, v in extra.items() if v is not None})
        if known.get("reasoningEffort") is not None:
            body["reasoning_effort"] = known["reasoningEffort"]
        if known.get("textVerbosity") is not None:
            body["verbosity"] = known["textVerbosity"]
        body["messages"] = convert_messages(options.prompt)
        if options.tools:
            body["tools"] = [
                {
                    "type": "function",
                    "function": _function(t.name, t.description, t.input_schema, t.strict),
                }
                for t in options.tools
            ]
            choice = options.tool_choice
            if choice is not None:
                kind = choice.get("type")
                if kind == "tool":
                    body["tool_choice"] = {
                        "type": "function",
                        "function": {"name": choice["toolName"]},
                    }
                else:
                    body["tool_choice"] = kind
        if stream:
            body["stream"] = True
            if self.include_usage:
                body["stream_options"] = {"include_usage": True}
        return body, warnings

    def _headers(self, options: CallOptions) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        key = self._settings.resolve_api_key(self._model_id)
        if key:
            headers[self._auth_header] = (
                f"Bearer {key}" if self._auth_header.lower() == "authorization" else key
            )
        headers.update(self._settings.headers)
        if options.headers:
            headers.update(options.headers)
        return headers

    # generate ----------------------------------------------------------------------------
    async def do_generate(self, options: CallOptions) -> GenerateResult:
        """One non-streaming chat-completions call."""
        body, warnings = self.build_body(options, stream=False)
        headers = self._headers(options)
        data, response_headers = await self._settings.http.post_json(self._url, body, headers)
        choices = data.get("choices") if isinstance(data, dict) else None
        if not choices:
            raise ModelCallError(
                f"{self._provider}: the response from {self._url} has no choices: "
                f"{json_dumps(data)[:300]}",
                url=self._url,
                response_body=json_dumps(data),
            )
        choice = choices[0]
        message = choice.get("message") or {}
        content: list[dict[str, Any]] = []
        text, inline_reasoning = _content_text(message.get("content"))
        reasoning = message.get("reasoning_content") or message.get("reasoning") or inline_reasoning
        if reasoning:
            content.append({"type": "reasoning", "text": reasoning})
        if text:
            content.append({"type": "text", "text": text})
        for call in message.get("tool_calls") or ():
            fn = call.get("function") or {}
            content.append(
                {
                    "type": "tool-call",
                    "toolCallId": call.get("id") or generate_id(),
                    "toolName": fn.get("name"),
                    "input": fn.get("arguments") or "",
                }
            )
        raw_finish = choice.get("finish_reason")
        created = data.get("created")
        return GenerateResult(
            content=content,
            finish_reason=map_finish_reason(raw_finish),
            raw_finish_reason=raw_finish,
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
            provider_metadata={self._options_name: {}},
        )

    # stream ------------------------------------------------------------------------------
    async def do_stream(self, options: CallOptions) -> AsyncIterator[StreamPart]:
        """One streaming chat-completions call, as AI SDK stream parts."""
        body, warnings = self.build_body(options, stream=True)
        headers = self._headers(options)
        async with self._settings.http.post_stream(self._url, body, headers) as (
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
        first = True
        text_open = False
        reasoning_open = False
        finish: FinishReason | None = None
        raw_finish: str | None = None
        usage_raw: dict[str, Any] | None = None
        # index -> [id, name, arguments, started]
        calls: dict[int, list[Any]] = {}
        order: list[int] = []
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
                            f"{self._provider}: invalid JSON in stream chunk: {data[:200]}",
                            url=self._url,
                        ),
                    )
                    continue
                if include_raw:
                    yield StreamPart(type="raw", raw=chunk)
                if chunk.get("error"):
                    err = chunk["error"]
                    msg = err.get("message") if isinstance(err, dict) else str(err)
                    finish = "error"
                    yield StreamPart(
                        type="error",
                        error=ModelCallError(f"{self._provider}: {msg}", url=self._url),
                    )
                    continue
                if first:
                    first = False
                    created = chunk.get("created")
                    yield StreamPart(
                        type="response-metadata",
                        response=ResponseMetadata(
                            id=chunk.get("id"),
                            model_id=chunk.get("model"),
                            timestamp=float(created) if created is not None else None,
                        ),
                    )
                if chunk.get("usage"):
                    usage_raw = chunk["usage"]
                choices = chunk.get("choices")
                if not choices:
                    continue
                choice = choices[0]
                if choice.get("finish_reason") is not None:
                    raw_finish = choice["finish_reason"]
                    finish = map_finish_reason(raw_finish)
                delta = choice.get("delta")
                if not delta:
                    continue
                reasoning = delta.get("reasoning_content") or delta.get("reasoning")
                text, inline_reasoning = _content_text(delta.get("content"))
                reasoning = reasoning or inline_reasoning
                if reasoning:
                    if text_open:
                        yield StreamPart(type="text-end", id="txt-0")
                        text_open = False
                    if not reasoning_open:
                        yield StreamPart(type="reasoning-start", id="reasoning-0")
                        reasoning_open = True
                    yield StreamPart(type="reasoning-delta", id="reasoning-0", delta=reasoning)
                if text:
                    if reasoning_open:
                        yield StreamPart(type="reasoning-end", id="reasoning-0")
                        reasoning_open = False
                    if not text_open:
                        yield StreamPart(type="text-start", id="txt-0")
                        text_open = True
                    yield StreamPart(type="text-delta", id="txt-0", delta=text)
                tool_deltas = delta.get("tool_calls")
                if tool_deltas:
                    if reasoning_open:
                        yield StreamPart(type="reasoning-end", id="reasoning-0")
                        reasoning_open = False
                    for td in tool_deltas:
                        index = td.get("index")
                        if index is None:
                            index = len(order)
                        state = calls.get(index)
                        if state is None:
                            state = [td.get("id"), None, "", False]
                            calls[index] = state
                            order.append(index)
                        elif state[0] is None and td.get("id"):
                            state[0] = td["id"]
                        fn = td.get("function") or {}
                        if fn.get("name"):
                            state[1] = fn["name"]
                        args = fn.get("arguments")
                        if state[1] is not None and not state[3]:
                            if state[0] is None:
                                state[0] = generate_id()
                            state[3] = True
                            yield StreamPart(
                                type="tool-input-start", id=state[0], tool_name=state[1]
                            )
                            if state[2]:
                                yield StreamPart(
                                    type="tool-input-delta", id=state[0], delta=state[2]
                                )
                        if args:
                            state[2] += args
                            if state[3]:
                                yield StreamPart(type="tool-input-delta", id=state[0], delta=args)
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
        if reasoning_open:
            yield StreamPart(type="reasoning-end", id="reasoning-0")
        if text_open:
            yield StreamPart(type="text-end", id="txt-0")
        for index in order:
            call_id, name, args, started = calls[index]
            if name is None:
                continue
            if call_id is None:
                call_id = generate_id()
            if not started:
                yield StreamPart(type="tool-input-start", id=call_id, tool_name=name)
                if args:
                    yield StreamPart(type="tool-input-delta", id=call_id, delta=args)
            yield StreamPart(type="tool-input-end", id=call_id)
            yield StreamPart(
                type="tool-call", tool_call_id=call_id, tool_name=name, input=args or "{}"
            )
        if finish is None:
            finish = "error"
            yield StreamPart(
                type="error",
                error=ModelCallError(
                    f"{self._provider}: the stream ended without a finish reason", url=self._url
                ),
            )
        yield StreamPart(
            type="finish",
            finish_reason=finish,
            raw_finish_reason=raw_finish,
            usage=convert_usage(usage_raw),
            provider_metadata={self._options_name: {}},
        )


def _function(
    name: str, description: str | None, schema: dict[str, Any], strict: bool | None = None
) -> dict[str, Any]:
    fn: dict[str, Any] = {"name": name}
    if description is not None:
        fn["description"] = description
    fn["parameters"] = schema
    if strict is not None:
        fn["strict"] = strict
    return fn


def _camel(name: str) -> str:
    head, *rest = name.replace("_", "-").split("-")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


class OpenAICompatibleProvider(Provider):
    """A provider made by ``create_openai_compatible``: call it with a model id."""

    def __init__(
        self, settings: ProviderSettings, *, include_usage: bool, supports_structured_outputs: bool
    ) -> None:
        super().__init__(settings)
        self._include_usage = include_usage
        self._structured = supports_structured_outputs

    def __call__(self, model_id: str) -> OpenAICompatibleChatModel:
        """The chat model ``model_id``."""
        return self.chat_model(model_id)

    def chat_model(self, model_id: str) -> OpenAICompatibleChatModel:
        """The chat model ``model_id``."""
        return OpenAICompatibleChatModel(
            model_id,
            self._settings,
            include_usage=self._include_usage,
            supports_structured_outputs=self._structured,
        )

    chat = chat_model
    language_model = chat_model


def create_openai_compatible(
    *,
    name: str,
    base_url: str,
    api_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    include_usage: bool = False,
    supports_structured_outputs: bool = False,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> OpenAICompatibleProvider:
    """An OpenAI-compatible provider, like ``createOpenAICompatible({name, baseURL, apiKey, headers})``.

    Without ``api_key`` no ``Authorization`` header is sent. ``supports_structured_outputs``
    defaults to ``False`` as in the AI SDK (Mastra's model router turns it on).
    """
    settings = make_settings(
        name=name,
        base_url=base_url,
        default_base_url=base_url,
        base_url_env=None,
        api_key=api_key,
        api_key_env=(),
        headers=headers,
        max_retries=max_retries,
        timeout=timeout,
        api_key_required=False,
    )
    return OpenAICompatibleProvider(
        settings,
        include_usage=include_usage,
        supports_structured_outputs=supports_structured_outputs,
    )
