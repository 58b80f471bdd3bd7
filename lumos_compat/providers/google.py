"""Google Gemini (``{base_url}/models/{model}:generateContent`` and ``:streamGenerateContent``) as
``@ai-sdk/google`` speaks it."""

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
    generate_id,
    is_url,
    json_dumps,
    make_settings,
    parse_json_or_none,
)
from lumos_compat.providers._http import lazy_httpx

__all__ = [
    "GoogleGenerativeAIModel",
    "GoogleProvider",
    "create_google_generative_ai",
    "google",
    "to_openapi_schema",
]

_CONTENT_FILTER = frozenset(
    {"IMAGE_SAFETY", "RECITATION", "SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"}
)


def map_finish_reason(reason: str | None, has_tool_calls: bool) -> FinishReason:
    """A Gemini ``finishReason`` in AI SDK words."""
    if reason == "STOP":
        return "tool-calls" if has_tool_calls else "stop"
    if reason == "MAX_TOKENS":
        return "length"
    if reason in _CONTENT_FILTER:
        return "content-filter"
    if reason == "MALFORMED_FUNCTION_CALL":
        return "error"
    if reason in ("FINISH_REASON_UNSPECIFIED", "OTHER"):
        return "other"
    return "unknown"


def convert_usage(usage: Mapping[str, Any] | None) -> ModelUsage:
    """Gemini ``usageMetadata`` in AI SDK names; output includes thinking tokens."""
    if not usage:
        return ModelUsage()
    prompt = usage.get("promptTokenCount") or 0
    candidates = usage.get("candidatesTokenCount") or 0
    thoughts = usage.get("thoughtsTokenCount") or 0
    total = usage.get("totalTokenCount")
    return ModelUsage(
        input_tokens=prompt,
        output_tokens=candidates + thoughts,
        total_tokens=total if total is not None else prompt + candidates + thoughts,
        reasoning_tokens=thoughts,
        cached_input_tokens=usage.get("cachedContentTokenCount") or 0,
        raw=dict(usage),
    )


def _is_empty_object(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "object"
        and not schema.get("properties")
        and not schema.get("additionalProperties")
    )


def to_openapi_schema(schema: Any, root: bool = True) -> Any:
    """A JSON Schema as the OpenAPI 3.0 subset Gemini accepts (``None`` for an empty root object)."""
    if schema is None:
        return None
    if _is_empty_object(schema):
        if root:
            return None
        out: dict[str, Any] = {"type": "object"}
        if schema.get("description"):
            out = {"type": "object", "description": schema["description"]}
        return out
    if isinstance(schema, bool):
        return {"type": "boolean", "properties": {}}
    result: dict[str, Any] = {}
    if schema.get("description"):
        result["description"] = schema["description"]
    if schema.get("required"):
        result["required"] = schema["required"]
    if schema.get("format"):
        result["format"] = schema["format"]
    if "const" in schema:
        result["enum"] = [schema["const"]]
    kind = schema.get("type")
    if kind:
        if isinstance(kind, list):
            non_null = [t for t in kind if t != "null"]
            if not non_null:
                result["type"] = "null"
            else:
                result["anyOf"] = [{"type": t} for t in non_null]
                if "null" in kind:
                    result["nullable"] = True
        else:
            result["type"] = kind
    if "enum" in schema:
        result["enum"] = schema["enum"]
    if schema.get("properties") is not None:
        result["properties"] = {
            k: to_openapi_schema(v, False) for k, v in schema["properties"].items()
        }
    items = schema.get("items")
    if items:
        result["items"] = (
            [to_openapi_schema(i, False) for i in items]
            if isinstance(items, list)
            else to_openapi_schema(items, False)
        )
    if schema.get("allOf"):
        result["allOf"] = [to_openapi_schema(i, False) for i in schema["allOf"]]
    any_of = schema.get("anyOf")
    if any_of:
        non_null = [s for s in any_of if not (isinstance(s, dict) and s.get("type") == "null")]
        if len(non_null) != len(any_of):
            if len(non_null) == 1:
                converted = to_openapi_schema(non_null[0], False)
                if isinstance(converted, dict):
                    result["nullable"] = True
                    result.update(converted)
            else:
                result["anyOf"] = [to_openapi_schema(s, False) for s in non_null]
                result["nullable"] = True
        else:
            result["anyOf"] = [to_openapi_schema(s, False) for s in any_of]
    if schema.get("oneOf"):
        result["oneOf"] = [to_openapi_schema(i, False) for i in schema["oneOf"]]
    if "minLength" in schema:
        result["minLength"] = schema["minLength"]
    return result


def _file_part(part: Mapping[str, Any]) -> dict[str, Any]:
    media = part.get("mediaType") or "application/octet-stream"
    media = "image/jpeg" if media == "image/*" else media
    data = part.get("data")
    if is_url(data):
        return {"fileData": {"mimeType": media, "fileUri": data}}
    return {"inlineData": {"mimeType": media, "data": file_data_base64(data)}}


def _tool_response(output: Mapping[str, Any]) -> Any:
    kind = output.get("type")
    if kind == "execution-denied":
        return output.get("reason") or "Tool execution denied."
    return output.get("value")


def convert_prompt(
    prompt: list[dict[str, Any]],
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """An AI SDK prompt as Gemini ``systemInstruction`` and ``contents``."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    for message in prompt:
        role = message["role"]
        content = message["content"]
        if role == "system":
            if contents:
                raise AgentConfigError(
                    "Google: system messages are only supported at the start of the conversation"
                )
            system.append({"text": content})
            continue
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        parts: list[dict[str, Any]] = []
        if role == "user":
            for part in content:
                if part.get("type") == "text":
                    parts.append({"text": part["text"]})
                elif part.get("type") == "file":
                    parts.append(_file_part(part))
            contents.append({"role": "user", "parts": parts})
        elif role == "assistant":
            for part in content:
                kind = part.get("type")
                if kind == "text":
                    if part["text"]:
                        parts.append({"text": part["text"]})
                elif kind == "reasoning":
                    if part["text"]:
                        parts.append({"text": part["text"], "thought": True})
                elif kind == "file":
                    parts.append(_file_part(part))
                elif kind == "tool-call":
                    raw = part.get("input")
                    if isinstance(raw, str):
                        raw = parse_json_or_none(raw)
                    parts.append(
                        {
                            "functionCall": {
                                "id": part["toolCallId"],
                                "name": part["toolName"],
                                "args": raw if raw is not None else {},
                            }
                        }
                    )
            contents.append({"role": "model", "parts": parts})
        elif role == "tool":
            for part in content:
                if part.get("type") != "tool-result":
                    continue
                parts.append(
                    {
                        "functionResponse": {
                            "id": part["toolCallId"],
                            "name": part["toolName"],
                            "response": {
                                "name": part["toolName"],
                                "content": _tool_response(part["output"]),
                            },
                        }
                    }
                )
            contents.append({"role": "user", "parts": parts})
        else:
            raise AgentConfigError(f"Google: unsupported message role {role!r}")
    return ({"parts": system} if system else None), contents


class GoogleGenerativeAIModel(HttpModel):
    """A Gemini model over the Generative Language API."""

    def __init__(self, model_id: str, settings: ProviderSettings) -> None:
        path = model_id if "/" in model_id else f"models/{model_id}"
        self._generate_url = f"{settings.base_url}/{path}:generateContent"
        super().__init__(model_id, settings, f"{settings.name}.generative-ai", self._generate_url)
        self._stream_url = f"{settings.base_url}/{path}:streamGenerateContent?alt=sse"

    def build_body(self, options: CallOptions) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The JSON body for one call (streaming and not share it) and warnings."""
        warnings: list[dict[str, Any]] = []
        go = (options.provider_options or {}).get("google") or {}
        config: dict[str, Any] = {}
        for key, value in (
            ("maxOutputTokens", options.max_output_tokens),
            ("temperature", options.temperature),
            ("topK", options.top_k),
            ("topP", options.top_p),
            ("frequencyPenalty", options.frequency_penalty),
            ("presencePenalty", options.presence_penalty),
            ("stopSequences", options.stop_sequences),
            ("seed", options.seed),
        ):
            if value is not None:
                config[key] = value
        rf = options.response_format
        if rf and rf.get("type") == "json":
            config["responseMimeType"] = "application/json"
            schema = rf.get("schema")
            if schema is not None and go.get("structuredOutputs", True):
                config["responseSchema"] = to_openapi_schema(schema)
        if isinstance(go.get("thinkingConfig"), dict):
            config["thinkingConfig"] = go["thinkingConfig"]
        if go.get("responseModalities") is not None:
            config["responseModalities"] = go["responseModalities"]
        system, contents = convert_prompt(options.prompt)
        body: dict[str, Any] = {"generationConfig": config, "contents": contents}
        if system is not None:
            body["systemInstruction"] = system
        if go.get("safetySettings") is not None:
            body["safetySettings"] = go["safetySettings"]
        if options.tools:
            decls = []
            for t in options.tools:
                decl: dict[str, Any] = {"name": t.name, "description": t.description or ""}
                params = to_openapi_schema(t.input_schema)
                if params is not None:
                    decl["parameters"] = params
                decls.append(decl)
            choice = options.tool_choice
            kind = choice.get("type") if choice else None
            body["tools"] = [{"functionDeclarations": decls}]
            if kind in (None, "auto"):
                body["toolConfig"] = {"functionCallingConfig": {"mode": "AUTO"}}
            elif kind == "none":
                body["toolConfig"] = {"functionCallingConfig": {"mode": "NONE"}}
            elif kind == "required":
                body["toolConfig"] = {"functionCallingConfig": {"mode": "ANY"}}
            elif kind == "tool":
                body["toolConfig"] = {
                    "functionCallingConfig": {
                        "mode": "ANY",
                        "allowedFunctionNames": [choice["toolName"]],  # type: ignore[index]
                    }
                }
            if choice is None:
                del body["toolConfig"]
        if go.get("cachedContent") is not None:
            body["cachedContent"] = go["cachedContent"]
        if go.get("labels") is not None:
            body["labels"] = go["labels"]
        return body, warnings

    def _headers(self, options: CallOptions) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        key = self._settings.resolve_api_key(self._model_id)
        if key:
            headers["x-goog-api-key"] = key
        headers.update(self._settings.headers)
        if options.headers:
            headers.update(options.headers)
        return headers

    @staticmethod
    def _parts_to_content(parts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
        content: list[dict[str, Any]] = []
        has_calls = False
        for part in parts:
            if "text" in part and part["text"] is not None:
                if part.get("thought"):
                    content.append({"type": "reasoning", "text": part["text"]})
                elif part["text"]:
                    content.append({"type": "text", "text": part["text"]})
            elif "functionCall" in part:
                has_calls = True
                call = part["functionCall"]
                content.append(
                    {
                        "type": "tool-call",
                        "toolCallId": call.get("id") or generate_id(),
                        "toolName": call.get("name"),
                        "input": json_dumps(call.get("args") or {}),
                    }
                )
        return content, has_calls

    async def do_generate(self, options: CallOptions) -> GenerateResult:
        """One ``generateContent`` call."""
        body, warnings = self.build_body(options)
        data, response_headers = await self._settings.http.post_json(
            self._generate_url, body, self._headers(options)
        )
        candidates = data.get("candidates") or [{}]
        candidate = candidates[0]
        parts = (candidate.get("content") or {}).get("parts") or []
        content, has_calls = self._parts_to_content(parts)
        raw_finish = candidate.get("finishReason")
        return GenerateResult(
            content=content,
            finish_reason=map_finish_reason(raw_finish, has_calls),
            raw_finish_reason=raw_finish,
            usage=convert_usage(data.get("usageMetadata")),
            response=ResponseMetadata(
                id=data.get("responseId"),
                model_id=data.get("modelVersion"),
                headers=response_headers,
                body=data,
            ),
            request_body=body,
            warnings=warnings,
            provider_metadata={
                "google": {
                    "promptFeedback": data.get("promptFeedback"),
                    "safetyRatings": candidate.get("safetyRatings"),
                    "usageMetadata": data.get("usageMetadata"),
                }
            },
        )

    async def do_stream(self, options: CallOptions) -> AsyncIterator[StreamPart]:
        """One ``streamGenerateContent`` call, as AI SDK stream parts."""
        body, warnings = self.build_body(options)
        async with self._settings.http.post_stream(
            self._stream_url, body, self._headers(options)
        ) as (events, response_headers):
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
        usage_raw: dict[str, Any] | None = None
        has_calls = False
        first = True
        text_id: str | None = None
        reasoning_id: str | None = None
        block = 0
        try:
            async for _event, data in events:
                try:
                    chunk = json.loads(data)
                except ValueError:
                    continue
                if include_raw:
                    yield StreamPart(type="raw", raw=chunk)
                if chunk.get("error"):
                    err = chunk["error"]
                    finish = "error"
                    yield StreamPart(
                        type="error",
                        error=ModelCallError(f"{self._provider}: {err.get('message', err)}"),
                    )
                    continue
                if first:
                    first = False
                    yield StreamPart(
                        type="response-metadata",
                        response=ResponseMetadata(
                            id=chunk.get("responseId"), model_id=chunk.get("modelVersion")
                        ),
                    )
                if chunk.get("usageMetadata"):
                    usage_raw = chunk["usageMetadata"]
                candidates = chunk.get("candidates")
                if not candidates:
                    continue
                candidate = candidates[0]
                for part in (candidate.get("content") or {}).get("parts") or ():
                    if "text" in part and part["text"] is not None:
                        if part.get("thought"):
                            if text_id is not None:
                                yield StreamPart(type="text-end", id=text_id)
                                text_id = None
                            if reasoning_id is None:
                                reasoning_id = str(block)
                                block += 1
                                yield StreamPart(type="reasoning-start", id=reasoning_id)
                            yield StreamPart(
                                type="reasoning-delta", id=reasoning_id, delta=part["text"]
                            )
                        elif part["text"]:
                            if reasoning_id is not None:
                                yield StreamPart(type="reasoning-end", id=reasoning_id)
                                reasoning_id = None
                            if text_id is None:
                                text_id = str(block)
                                block += 1
                                yield StreamPart(type="text-start", id=text_id)
                            yield StreamPart(type="text-delta", id=text_id, delta=part["text"])
                    elif "functionCall" in part:
                        has_calls = True
                        call = part["functionCall"]
                        call_id = call.get("id") or generate_id()
                        args = json_dumps(call.get("args") or {})
                        yield StreamPart(
                            type="tool-input-start", id=call_id, tool_name=call.get("name")
                        )
                        yield StreamPart(type="tool-input-delta", id=call_id, delta=args)
                        yield StreamPart(type="tool-input-end", id=call_id)
                        yield StreamPart(
                            type="tool-call",
                            tool_call_id=call_id,
                            tool_name=call.get("name"),
                            input=args,
                        )
                if candidate.get("finishReason") is not None:
                    raw_finish = candidate["finishReason"]
                    finish = map_finish_reason(raw_finish, has_calls)
        except lazy_httpx().HTTPError as exc:
            finish = "error"
            yield StreamPart(
                type="error",
                error=ModelCallError(
                    f"{self._provider}: the stream broke: {exc}", is_retryable=True
                ),
            )
        if reasoning_id is not None:
            yield StreamPart(type="reasoning-end", id=reasoning_id)
        if text_id is not None:
            yield StreamPart(type="text-end", id=text_id)
        yield StreamPart(
            type="finish",
            finish_reason=finish,
            raw_finish_reason=raw_finish,
            usage=convert_usage(usage_raw),
            provider_metadata={"google": {"usageMetadata": usage_raw}},
        )


class GoogleProvider(Provider):
    """A Google Generative AI provider: call it with a model id."""

    def __call__(self, model_id: str) -> GoogleGenerativeAIModel:
        """The Gemini model ``model_id``."""
        return GoogleGenerativeAIModel(model_id, self._settings)

    chat = __call__
    language_model = __call__


def create_google_generative_ai(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    name: str | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
    api_key_env: tuple[str, ...] = ("GOOGLE_GENERATIVE_AI_API_KEY",),
) -> GoogleProvider:
    """A Google provider, like ``createGoogleGenerativeAI({baseURL, apiKey, headers})``.

    The key defaults to ``GOOGLE_GENERATIVE_AI_API_KEY`` and the base URL to
    ``https://generativelanguage.googleapis.com/v1beta``.
    """
    return GoogleProvider(
        make_settings(
            name=name or "google",
            base_url=base_url,
            default_base_url="https://generativelanguage.googleapis.com/v1beta",
            base_url_env=None,
            api_key=api_key,
            api_key_env=api_key_env,
            headers=headers,
            max_retries=max_retries,
            timeout=timeout,
        )
    )


def google(model_id: str) -> GoogleGenerativeAIModel:
    """The default Google provider: ``google("gemini-2.5-flash")``."""
    return create_google_generative_ai()(model_id)
