"""Chat completions over loopback: the request body real Mastra 1.71 sends through
``@ai-sdk/openai-compatible`` for the same call, and parsing of answers and streams."""

from __future__ import annotations

from typing import Any

import pytest
from test_providers_common import (
    SETTINGS,
    USER_WITH_IMAGE,
    WEATHER_SCHEMA,
    WEATHER_TOOL,
    collect,
    llm_fixture,  # noqa: F401 (the llm fixture)
    serving,
    simple_prompt,
    text_of,
    tool_calls_of,
    tool_options,
)

from lumos_compat.llm import CallOptions
from lumos_compat.providers import create_openai, create_openai_compatible, resolve_model
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, ScriptUsage, Turn


def _model(server: FakeLLMServer) -> Any:
    return resolve_model({"id": "fake/fake-model", "url": server.openai_base_url, "apiKey": "k"})


# captured from real Mastra 1.71 ({id: 'fake/fake-model', url, apiKey: 'k'}), second request
MASTRA_TOOL_BODY: dict[str, Any] = {
    "model": "fake-model",
    "max_tokens": 100,
    "temperature": 0.5,
    "top_p": 0.9,
    "frequency_penalty": 0.1,
    "presence_penalty": 0.2,
    "stop": ["END"],
    "seed": 7,
    "messages": [
        {"role": "system", "content": "You are helpful."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look at this"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "text", "text": "What is the weather in Paris?"},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "weatherTool", "arguments": '{"location":"Paris"}'},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": '{"temperature":20,"conditions":"sunny in Paris"}',
        },
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "weatherTool",
                "description": "Get weather",
                "parameters": WEATHER_SCHEMA,
            },
        }
    ],
    "tool_choice": "auto",
}


async def test_request_body_matches_mastra(llm: FakeLLMServer) -> None:
    with serving(llm, ["done"]) as server:
        await _model(server).do_generate(tool_options())
        request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body == MASTRA_TOOL_BODY
    assert request.headers["authorization"] == "Bearer k"
    assert request.headers["content-type"] == "application/json"


async def test_stream_body_has_no_stream_options_for_custom_models(llm: FakeLLMServer) -> None:
    with serving(llm, ["done"]) as server:
        await collect(
            _model(server).do_stream(
                CallOptions(
                    prompt=tool_options().prompt, tools=[WEATHER_TOOL], tool_choice={"type": "auto"}
                )
            )
        )
        body = server.requests[0].body
    expected = {
        k: v
        for k, v in MASTRA_TOOL_BODY.items()
        if k in ("model", "messages", "tools", "tool_choice")
    }
    assert body == {**expected, "stream": True}


async def test_structured_output_is_a_strict_json_schema_named_response(llm: FakeLLMServer) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    with serving(llm, ['{"city":"Paris"}']) as server:
        result = await _model(server).do_generate(
            CallOptions(prompt=simple_prompt(), response_format={"type": "json", "schema": schema})
        )
        body = server.requests[0].body
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"schema": schema, "strict": True, "name": "response"},
    }
    assert "tools" not in body and "tool_choice" not in body
    assert result.content == [{"type": "text", "text": '{"city":"Paris"}'}]


async def test_without_structured_outputs_support_json_object_is_sent(llm: FakeLLMServer) -> None:
    with serving(llm, ["{}"]) as server:
        model = create_openai_compatible(name="acme", base_url=server.openai_base_url)("m")
        result = await model.do_generate(
            CallOptions(prompt=simple_prompt(), response_format={"type": "json", "schema": {}})
        )
        body = server.requests[0].body
        headers = server.requests[0].headers
    assert body["response_format"] == {"type": "json_object"}
    assert "authorization" not in headers  # no key given, none sent
    assert result.warnings[0]["feature"] == "responseFormat"


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ({"type": "auto"}, "auto"),
        ({"type": "none"}, "none"),
        ({"type": "required"}, "required"),
        (
            {"type": "tool", "toolName": "weatherTool"},
            {"type": "function", "function": {"name": "weatherTool"}},
        ),
    ],
)
async def test_tool_choice(llm: FakeLLMServer, choice: dict[str, Any], wire: Any) -> None:
    with serving(llm, ["ok"]) as server:
        await _model(server).do_generate(
            CallOptions(prompt=simple_prompt(), tools=[WEATHER_TOOL], tool_choice=choice)
        )
        assert server.requests[0].body["tool_choice"] == wire


async def test_prompt_conversion_details(llm: FakeLLMServer) -> None:
    prompt = [
        {"role": "system", "content": "a"},
        {"role": "system", "content": "b"},
        {"role": "user", "content": [{"type": "text", "text": "only text"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "reasoning", "text": "thinking"},
                {"type": "text", "text": "Sure. "},
                {"type": "text", "text": "Calling."},
                {"type": "tool-call", "toolCallId": "c1", "toolName": "t", "input": {"n": 5}},
                {"type": "tool-call", "toolCallId": "c2", "toolName": "t", "input": {}},
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c1",
                    "toolName": "t",
                    "output": {"type": "text", "value": "plain"},
                },
                {
                    "type": "tool-result",
                    "toolCallId": "c2",
                    "toolName": "t",
                    "output": {"type": "error-json", "value": {"e": 1}},
                },
            ],
        },
        {"role": "assistant", "content": [{"type": "text", "text": "Final"}]},
        {
            "role": "user",
            "content": [
                {"type": "file", "data": b"%PDF", "mediaType": "application/pdf"},
                {"type": "file", "data": "aGVsbG8=", "mediaType": "text/plain"},
                {"type": "file", "data": "https://x.test/a.png", "mediaType": "image/*"},
            ],
        },
    ]
    with serving(llm, ["ok"]) as server:
        await _model(server).do_generate(CallOptions(prompt=prompt))
        messages = server.requests[0].body["messages"]
    assert messages == [
        {"role": "system", "content": "a"},
        {"role": "system", "content": "b"},
        {"role": "user", "content": "only text"},
        {
            "role": "assistant",
            "content": "Sure. Calling.",
            "reasoning_content": "thinking",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "t", "arguments": '{"n":5}'}},
                {"id": "c2", "type": "function", "function": {"name": "t", "arguments": "{}"}},
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "plain"},
        {"role": "tool", "tool_call_id": "c2", "content": '{"e":1}'},
        {"role": "assistant", "content": "Final"},
        {
            "role": "user",
            "content": [
                {
                    "type": "file",
                    "file": {
                        "filename": "document.pdf",
                        "file_data": "data:application/pdf;base64,JVBERg==",
                    },
                },
                {"type": "text", "text": "hello"},
                {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
            ],
        },
    ]


async def test_generate_parses_text_tool_calls_usage_and_finish(llm: FakeLLMServer) -> None:
    turn = Turn(
        text="Checking",
        reasoning="hmm",
        tool_calls=[
            ScriptToolCall(name="weatherTool", arguments={"location": "Paris"}, id="call_9")
        ],
        usage=ScriptUsage(
            input_tokens=12, output_tokens=7, reasoning_tokens=3, cached_input_tokens=4
        ),
    )
    with serving(llm, [turn]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
    assert result.content == [
        {"type": "reasoning", "text": "hmm"},
        {"type": "text", "text": "Checking"},
        {
            "type": "tool-call",
            "toolCallId": "call_9",
            "toolName": "weatherTool",
            "input": '{"location":"Paris"}',
        },
    ]
    assert result.finish_reason == "tool-calls"
    assert result.raw_finish_reason == "tool_calls"
    u = result.usage
    assert (u.input_tokens, u.output_tokens, u.total_tokens) == (12, 7, 19)
    assert (u.reasoning_tokens, u.cached_input_tokens) == (3, 4)
    assert (result.response.id or "").startswith("chatcmpl-fake-")
    assert result.response.model_id == "fake-model"
    assert result.request_body["model"] == "fake-model"


@pytest.mark.parametrize(
    ("raw", "mapped"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("content_filter", "content-filter"),
        ("function_call", "tool-calls"),
        ("weird", "other"),
    ],
)
async def test_finish_reason_mapping(llm: FakeLLMServer, raw: str, mapped: str) -> None:
    with serving(llm, [Turn(text="x", finish_reason=raw)]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
    assert result.finish_reason == mapped


async def test_tool_call_without_id_gets_a_generated_one(llm: FakeLLMServer) -> None:
    with serving(
        llm, [Turn.call("t", {"a": 1}, id=None), Turn.call("t", {"a": 1}, id=None)]
    ) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
    call_id = result.content[0]["toolCallId"]
    assert isinstance(call_id, str) and len(call_id) == 16
    [(stream_id, name, args)] = tool_calls_of(parts)
    assert stream_id and len(stream_id) == 16 and name == "t" and args == '{"a":1}'


async def test_stream_text_parts_and_finish(llm: FakeLLMServer) -> None:
    with serving(llm, [Turn(text="Hello there friend", reasoning="think")]) as server:
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
    kinds = [p.type for p in parts]
    assert kinds[0] == "stream-start" and kinds[1] == "response-metadata"
    assert kinds[-1] == "finish"
    assert text_of(parts) == "Hello there friend"
    assert [p.delta for p in parts if p.type == "reasoning-delta"] == ["think"]
    assert kinds.index("reasoning-end") < kinds.index("text-start") < kinds.index("text-end")
    finish = parts[-1]
    assert finish.finish_reason == "stop"
    # no include_usage requested: the server sends none, like Mastra's custom-model streams
    assert finish.usage is not None and finish.usage.input_tokens is None


async def test_streamed_tool_call_always_has_complete_arguments(llm: FakeLLMServer) -> None:
    """Regression: argument deltas are joined, and the tool-call part carries the whole JSON."""
    args = {"location": "Paris", "days": [1, 2, 3], "note": "ünïcode"}
    turn = Turn(
        tool_calls=[
            ScriptToolCall(name="weatherTool", arguments=args, id="call_a"),
            ScriptToolCall(name="other", arguments={"x": "y" * 50}, id="call_b"),
        ]
    )
    with serving(llm, [turn]) as server:
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
    import json

    calls = tool_calls_of(parts)
    assert [(c[0], c[1]) for c in calls] == [("call_a", "weatherTool"), ("call_b", "other")]
    assert json.loads(calls[0][2]) == args
    assert json.loads(calls[1][2]) == {"x": "y" * 50}
    deltas = "".join(
        p.delta or "" for p in parts if p.type == "tool-input-delta" and p.id == "call_a"
    )
    assert deltas == calls[0][2]
    assert len([p for p in parts if p.type == "tool-input-delta" and p.id == "call_a"]) == 2
    kinds = [p.type for p in parts]
    assert (
        kinds.index("tool-input-start") < kinds.index("tool-input-end") < kinds.index("tool-call")
    )
    assert parts[-1].finish_reason == "tool-calls"


async def test_stream_usage_with_include_usage(llm: FakeLLMServer) -> None:
    with serving(
        llm, [Turn(text="hi", usage=ScriptUsage(input_tokens=3, output_tokens=2))]
    ) as server:
        model = create_openai(base_url=server.openai_base_url, api_key="k").chat("gpt-4o-mini")
        parts = await collect(model.do_stream(CallOptions(prompt=simple_prompt())))
        body = server.requests[0].body
    assert body["stream_options"] == {"include_usage": True}
    usage = parts[-1].usage
    assert usage is not None and (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (
        3,
        2,
        5,
    )


async def test_settings_only_sent_when_given(llm: FakeLLMServer) -> None:
    with serving(llm, ["ok"]) as server:
        await _model(server).do_generate(CallOptions(prompt=[USER_WITH_IMAGE], top_k=3))
        body = server.requests[0].body
    assert set(body) == {"model", "messages"}
    assert SETTINGS  # the full set is covered by test_request_body_matches_mastra
