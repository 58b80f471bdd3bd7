"""The Anthropic Messages API over loopback: the body real Mastra 1.71 sends for
``anthropic/<model>`` (``@ai-sdk/anthropic``) and parsing of answers and event streams."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_providers_common import (
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

from lumos_compat.errors import ModelCallError
from lumos_compat.llm import CallOptions
from lumos_compat.providers import anthropic, create_anthropic, resolve_model
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, ScriptUsage, Turn


def _model(server: FakeLLMServer, model_id: str = "claude-sonnet-4-5") -> Any:
    return create_anthropic(base_url=server.openai_base_url, api_key="ak")(model_id)


MESSAGES: list[dict[str, Any]] = [
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "Look at this"},
            {
                "type": "image",
                "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
            },
            {"type": "text", "text": "What is the weather in Paris?"},
        ],
    },
    {
        "role": "assistant",
        "content": [
            {
                "type": "tool_use",
                "id": "call_1",
                "name": "weatherTool",
                "input": {"location": "Paris"},
            }
        ],
    },
    {
        "role": "user",
        "content": [
            {
                "type": "tool_result",
                "tool_use_id": "call_1",
                "content": '{"temperature":20,"conditions":"sunny in Paris"}',
            }
        ],
    },
]


async def test_request_body_and_headers_match_mastra(llm: FakeLLMServer) -> None:
    # captured from Mastra 1.71, "anthropic/claude-sonnet-4-5" with ANTHROPIC_BASE_URL set:
    # top_p is dropped because temperature is set; seed and penalties are unsupported
    with serving(llm, ["done"]) as server:
        await _model(server).do_generate(tool_options())
        request = server.requests[0]
    assert request.path == "/v1/messages"
    assert request.body == {
        "model": "claude-sonnet-4-5",
        "max_tokens": 100,
        "temperature": 0.5,
        "stop_sequences": ["END"],
        "system": [{"type": "text", "text": "You are helpful."}],
        "messages": MESSAGES,
        "tools": [
            {"name": "weatherTool", "description": "Get weather", "input_schema": WEATHER_SCHEMA}
        ],
        "tool_choice": {"type": "auto"},
    }
    h = request.headers
    assert (h["x-api-key"], h["anthropic-version"]) == ("ak", "2023-06-01")
    assert h["anthropic-beta"] == "structured-outputs-2025-11-13"
    assert "authorization" not in h


async def test_stream_body_defaults_max_tokens_and_eager_tool_streaming(llm: FakeLLMServer) -> None:
    with serving(llm, ["done"]) as server:
        options = CallOptions(
            prompt=tool_options().prompt, tools=[WEATHER_TOOL], tool_choice={"type": "auto"}
        )
        await collect(_model(server).do_stream(options))
        body = server.requests[0].body
    assert body["max_tokens"] == 64000
    assert body["stream"] is True
    assert body["tools"][0]["eager_input_streaming"] is True


async def test_older_models_default_to_4096_and_no_beta(llm: FakeLLMServer) -> None:
    with serving(llm, ["done"]) as server:
        await _model(server, "claude-3-5-haiku-latest").do_generate(
            CallOptions(prompt=[{"role": "system", "content": "s"}, USER_WITH_IMAGE])
        )
        request = server.requests[0]
    assert request.body["max_tokens"] == 4096
    assert "anthropic-beta" not in request.headers


async def test_structured_output(llm: FakeLLMServer) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    rf = {"type": "json", "schema": schema}
    with serving(llm, ['{"city":"Paris"}', Turn.call("json", {"city": "Oslo"})]) as server:
        native = await _model(server).do_generate(
            CallOptions(prompt=simple_prompt(), response_format=rf)
        )
        via_tool = await _model(server, "claude-3-5-haiku-latest").do_generate(
            CallOptions(prompt=simple_prompt(), response_format=rf)
        )
        bodies = [r.body for r in server.requests]
    assert bodies[0]["output_config"] == {"format": {"type": "json_schema", "schema": schema}}
    assert native.content == [{"type": "text", "text": '{"city":"Paris"}'}]
    assert bodies[1]["tools"] == [
        {"name": "json", "description": "Respond with a JSON object.", "input_schema": schema}
    ]
    assert bodies[1]["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert via_tool.content == [{"type": "text", "text": '{"city":"Oslo"}'}]
    assert via_tool.finish_reason == "stop"


async def test_prompt_grouping_and_tool_errors(llm: FakeLLMServer) -> None:
    prompt = [
        {"role": "user", "content": [{"type": "text", "text": "a"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "b"}]},
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "t1", "toolName": "x", "input": {}}],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "t1",
                    "toolName": "x",
                    "output": {"type": "error-text", "value": "failed"},
                }
            ],
        },
        {"role": "user", "content": [{"type": "text", "text": "again"}]},
    ]
    with serving(llm, ["ok"]) as server:
        await _model(server).do_generate(CallOptions(prompt=prompt))
        body = server.requests[0].body
    assert "system" not in body
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "a"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "b"},
                {"type": "tool_use", "id": "t1", "name": "x", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": "failed", "is_error": True},
                {"type": "text", "text": "again"},
            ],
        },
    ]


async def test_generate_parses_blocks_usage_and_stop_reason(llm: FakeLLMServer) -> None:
    turn = Turn(
        text="Checking",
        reasoning="hmm",
        tool_calls=[
            ScriptToolCall(name="weatherTool", arguments={"location": "Rome"}, id="toolu_1")
        ],
        usage=ScriptUsage(input_tokens=10, output_tokens=3, cached_input_tokens=2),
    )
    with serving(llm, [turn]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
    assert result.content == [
        {"type": "reasoning", "text": "hmm"},
        {"type": "text", "text": "Checking"},
        {
            "type": "tool-call",
            "toolCallId": "toolu_1",
            "toolName": "weatherTool",
            "input": '{"location":"Rome"}',
        },
    ]
    assert result.finish_reason == "tool-calls" and result.raw_finish_reason == "tool_use"
    u = result.usage
    assert (u.input_tokens, u.output_tokens, u.total_tokens, u.cached_input_tokens) == (
        12,
        3,
        15,
        2,
    )


@pytest.mark.parametrize(
    ("finish", "mapped"),
    [("stop", "stop"), ("length", "length"), ("content_filter", "content-filter")],
)
async def test_stop_reason_mapping(llm: FakeLLMServer, finish: str, mapped: str) -> None:
    with serving(llm, [Turn(text="x", finish_reason=finish)]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
    assert result.finish_reason == mapped


async def test_stream_joins_tool_input_and_reports_usage(llm: FakeLLMServer) -> None:
    args = {"location": "Paris", "days": 3}
    turn = Turn(
        text="Let me look",
        reasoning="plan",
        tool_calls=[ScriptToolCall(name="weatherTool", arguments=args, id="toolu_9")],
        usage=ScriptUsage(input_tokens=8, output_tokens=5),
    )
    with serving(llm, [turn]) as server:
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
    assert text_of(parts) == "Let me look"
    assert "".join(p.delta or "" for p in parts if p.type == "reasoning-delta") == "plan"
    [(call_id, name, raw)] = tool_calls_of(parts)
    assert (call_id, name) == ("toolu_9", "weatherTool") and json.loads(raw or "") == args
    finish = parts[-1]
    assert finish.finish_reason == "tool-calls"
    assert finish.usage is not None and (finish.usage.input_tokens, finish.usage.output_tokens) == (
        8,
        5,
    )


async def test_errors_and_env_key(llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(llm, [Turn.fail(529, "Overloaded"), "hi"]) as server:
        with pytest.raises(ModelCallError, match="Overloaded") as info:
            await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
        assert info.value.status_code == 529 and info.value.is_retryable
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.openai_base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "env-ak")
        for model in (anthropic("claude-haiku-4-5"), resolve_model("anthropic/claude-haiku-4-5")):
            assert model.provider == "anthropic.messages"
        await resolve_model("anthropic/claude-haiku-4-5").do_generate(
            CallOptions(prompt=simple_prompt())
        )
        assert server.requests[-1].headers["x-api-key"] == "env-ak"
