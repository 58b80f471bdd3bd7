"""Google Gemini over loopback: the body real Mastra 1.71 sends through ``@ai-sdk/google``
(``createGoogleGenerativeAI().chat``) and parsing of answers and streams."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_providers_common import (
    WEATHER_TOOL,
    collect,
    llm_fixture,  # noqa: F401 (the llm fixture)
    serving,
    simple_prompt,
    text_of,
    tool_calls_of,
    tool_options,
)

from lumos_compat.errors import MissingApiKeyError
from lumos_compat.llm import CallOptions
from lumos_compat.providers import create_google_generative_ai, resolve_model
from lumos_compat.providers.google import to_openapi_schema
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, ScriptUsage, Turn


def _model(server: FakeLLMServer) -> Any:
    return create_google_generative_ai(base_url=f"{server.url}/v1beta", api_key="gk")(
        "gemini-2.5-flash"
    )


PARAMETERS = {
    "required": ["location"],
    "type": "object",
    "properties": {
        "location": {"description": "City", "type": "string"},
        "unit": {"type": "string", "enum": ["c", "f"]},
    },
}


async def test_request_body_matches_mastra(llm: FakeLLMServer) -> None:
    # captured from Mastra 1.71 with @ai-sdk/google 3 (tool-call ids are the conversation's)
    with serving(llm, ["done"]) as server:
        await _model(server).do_generate(tool_options())
        request = server.requests[0]
    assert request.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert request.headers["x-goog-api-key"] == "gk"
    assert request.body == {
        "generationConfig": {
            "maxOutputTokens": 100,
            "temperature": 0.5,
            "topP": 0.9,
            "frequencyPenalty": 0.1,
            "presencePenalty": 0.2,
            "stopSequences": ["END"],
            "seed": 7,
        },
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "Look at this"},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
                    {"text": "What is the weather in Paris?"},
                ],
            },
            {
                "role": "model",
                "parts": [
                    {
                        "functionCall": {
                            "id": "call_1",
                            "name": "weatherTool",
                            "args": {"location": "Paris"},
                        }
                    }
                ],
            },
            {
                "role": "user",
                "parts": [
                    {
                        "functionResponse": {
                            "id": "call_1",
                            "name": "weatherTool",
                            "response": {
                                "name": "weatherTool",
                                "content": {"temperature": 20, "conditions": "sunny in Paris"},
                            },
                        }
                    }
                ],
            },
        ],
        "systemInstruction": {"parts": [{"text": "You are helpful."}]},
        "tools": [
            {
                "functionDeclarations": [
                    {"name": "weatherTool", "description": "Get weather", "parameters": PARAMETERS}
                ]
            }
        ],
        "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
    }


async def test_stream_uses_sse_endpoint_and_empty_generation_config(llm: FakeLLMServer) -> None:
    with serving(llm, ["Hello there"]) as server:
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
        request = server.requests[0]
    assert request.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    assert request.body["generationConfig"] == {}
    assert text_of(parts) == "Hello there"
    assert parts[-1].finish_reason == "stop"


async def test_structured_output_response_schema(llm: FakeLLMServer) -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    }
    with serving(llm, ['{"city":"Paris"}']) as server:
        await _model(server).do_generate(
            CallOptions(prompt=simple_prompt(), response_format={"type": "json", "schema": schema})
        )
        config = server.requests[0].body["generationConfig"]
    assert config == {
        "responseMimeType": "application/json",
        "responseSchema": {
            "required": ["city"],
            "type": "object",
            "properties": {"city": {"type": "string"}},
        },
    }


def test_openapi_schema_conversion() -> None:
    assert to_openapi_schema({"type": "object", "properties": {}}) is None
    assert to_openapi_schema(
        {
            "type": "object",
            "properties": {
                "a": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "b": {"type": ["integer", "null"]},
                "c": {"const": "x"},
                "d": {"type": "array", "items": {"type": "object", "properties": {}}},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "a": {"nullable": True, "type": "string"},
            "b": {"anyOf": [{"type": "integer"}], "nullable": True},
            "c": {"enum": ["x"]},
            "d": {"type": "array", "items": {"type": "object"}},
        },
    }


async def test_generate_and_stream_tool_calls(llm: FakeLLMServer) -> None:
    args = {"location": "Paris"}
    turn = Turn(
        text="Checking",
        tool_calls=[ScriptToolCall(name="weatherTool", arguments=args)],
        usage=ScriptUsage(input_tokens=7, output_tokens=3, reasoning_tokens=2),
    )
    with serving(llm, [turn, turn]) as server:
        result = await _model(server).do_generate(
            CallOptions(
                prompt=simple_prompt(), tools=[WEATHER_TOOL], tool_choice={"type": "required"}
            )
        )
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
        tool_config = server.requests[0].body["toolConfig"]
    assert tool_config == {"functionCallingConfig": {"mode": "ANY"}}
    assert result.content[0] == {"type": "text", "text": "Checking"}
    call = result.content[1]
    assert call["type"] == "tool-call" and call["toolName"] == "weatherTool"
    assert json.loads(call["input"]) == args and len(call["toolCallId"]) == 16
    assert result.finish_reason == "tool-calls"
    u = result.usage
    assert (u.input_tokens, u.output_tokens, u.reasoning_tokens, u.total_tokens) == (7, 5, 2, 12)
    [(_, name, raw)] = tool_calls_of(parts)
    assert name == "weatherTool" and json.loads(raw or "") == args
    assert parts[-1].finish_reason == "tool-calls"


@pytest.mark.parametrize(
    ("finish", "mapped"), [("length", "length"), ("content_filter", "content-filter")]
)
async def test_finish_reason_mapping(llm: FakeLLMServer, finish: str, mapped: str) -> None:
    with serving(llm, [Turn(text="x", finish_reason=finish)]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
    assert result.finish_reason == mapped


async def test_router_reads_either_google_key(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_GENERATIVE_AI_API_KEY", raising=False)
    with serving(llm, ["hi"]) as server:
        monkeypatch.setenv("GOOGLE_BASE_URL", f"{server.url}/v1beta")
        model = resolve_model("google/gemini-2.5-flash")
        with pytest.raises(
            MissingApiKeyError, match="GOOGLE_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY"
        ):
            await model.do_generate(CallOptions(prompt=simple_prompt()))
        assert server.requests == []
        monkeypatch.setenv("GOOGLE_GENERATIVE_AI_API_KEY", "g2")
        await model.do_generate(CallOptions(prompt=simple_prompt()))
        assert server.requests[0].headers["x-goog-api-key"] == "g2"
