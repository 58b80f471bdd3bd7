"""The OpenAI Responses API over loopback: the body real Mastra 1.71 sends for ``openai/<model>``
(``@ai-sdk/openai``) and parsing of answers and event streams."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_providers_common import (
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
from lumos_compat.providers import create_openai, openai, resolve_model
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, ScriptUsage, Turn


def _model(server: FakeLLMServer, model_id: str = "gpt-4o-mini") -> Any:
    return create_openai(base_url=server.openai_base_url, api_key="k")(model_id)


def _input(system_role: str) -> list[dict[str, Any]]:
    return [
        {"role": system_role, "content": "You are helpful."},
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Look at this"},
                {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="},
                {"type": "input_text", "text": "What is the weather in Paris?"},
            ],
        },
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "weatherTool",
            "arguments": '{"location":"Paris"}',
        },
        {
            "type": "function_call_output",
            "call_id": "call_1",
            "output": '{"temperature":20,"conditions":"sunny in Paris"}',
        },
    ]


TOOLS = [
    {
        "type": "function",
        "name": "weatherTool",
        "description": "Get weather",
        "parameters": WEATHER_SCHEMA,
    }
]


async def test_request_body_matches_mastra(llm: FakeLLMServer) -> None:
    # captured from Mastra 1.71, "openai/gpt-4o-mini" with OPENAI_BASE_URL at the fake server;
    # seed, penalties and stop sequences are dropped with warnings, as @ai-sdk/openai does
    with serving(llm, ["done"]) as server:
        result = await _model(server).do_generate(tool_options())
        request = server.requests[0]
    assert request.path == "/v1/responses"
    assert request.body == {
        "model": "gpt-4o-mini",
        "input": _input("system"),
        "temperature": 0.5,
        "top_p": 0.9,
        "max_output_tokens": 100,
        "tools": TOOLS,
        "tool_choice": "auto",
    }
    assert request.headers["authorization"] == "Bearer k"
    assert {w["feature"] for w in result.warnings} == {
        "seed",
        "presencePenalty",
        "frequencyPenalty",
        "stopSequences",
    }


async def test_reasoning_models_use_developer_role_and_drop_sampling(llm: FakeLLMServer) -> None:
    # captured from Mastra 1.71 with "openai/gpt-5-mini"
    with serving(llm, ["done"]) as server:
        await _model(server, "gpt-5-mini").do_generate(tool_options())
        body = server.requests[0].body
    assert body == {
        "model": "gpt-5-mini",
        "input": _input("developer"),
        "max_output_tokens": 100,
        "tools": TOOLS,
        "tool_choice": "auto",
    }


async def test_structured_output_text_format(llm: FakeLLMServer) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    with serving(llm, ['{"city":"Paris"}']) as server:
        await _model(server).do_generate(
            CallOptions(prompt=simple_prompt(), response_format={"type": "json", "schema": schema})
        )
        body = server.requests[0].body
    assert body["text"] == {
        "format": {"type": "json_schema", "strict": True, "name": "response", "schema": schema}
    }


async def test_provider_options_and_tool_choice(llm: FakeLLMServer) -> None:
    with serving(llm, ["ok"]) as server:
        await _model(server, "o3").do_generate(
            CallOptions(
                prompt=simple_prompt(),
                tools=[WEATHER_TOOL],
                tool_choice={"type": "tool", "toolName": "weatherTool"},
                provider_options={
                    "openai": {"store": False, "reasoningEffort": "low", "parallelToolCalls": False}
                },
            )
        )
        body = server.requests[0].body
    assert body["tool_choice"] == {"type": "function", "name": "weatherTool"}
    assert body["store"] is False
    assert body["parallel_tool_calls"] is False
    assert body["reasoning"] == {"effort": "low"}
    assert body["include"] == ["reasoning.encrypted_content"]


async def test_generate_parses_output_items(llm: FakeLLMServer) -> None:
    turn = Turn(
        text="Let me check",
        reasoning="thinking",
        tool_calls=[
            ScriptToolCall(name="weatherTool", arguments={"location": "Oslo"}, id="call_7")
        ],
        usage=ScriptUsage(
            input_tokens=9, output_tokens=4, reasoning_tokens=2, cached_input_tokens=1
        ),
    )
    with serving(llm, [turn]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
    item_ids = [
        p.pop("providerMetadata", {}).get("openai", {}).get("itemId") for p in result.content
    ]
    assert item_ids[1].startswith("msg_fake_") and item_ids[2].startswith("fc_fake_")
    assert result.content == [
        {"type": "reasoning", "text": "thinking"},
        {"type": "text", "text": "Let me check"},
        {
            "type": "tool-call",
            "toolCallId": "call_7",
            "toolName": "weatherTool",
            "input": '{"location":"Oslo"}',
        },
    ]
    assert result.finish_reason == "tool-calls"
    u = result.usage
    assert (u.input_tokens, u.output_tokens, u.total_tokens) == (9, 4, 13)
    assert (u.reasoning_tokens, u.cached_input_tokens) == (2, 1)


@pytest.mark.parametrize(
    ("finish", "mapped"),
    [(None, "stop"), ("length", "length"), ("content_filter", "content-filter")],
)
async def test_finish_reasons(llm: FakeLLMServer, finish: str | None, mapped: str) -> None:
    turn = Turn(text="x", finish_reason=finish)
    with serving(llm, [turn, turn]) as server:
        result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
    assert result.finish_reason == mapped
    assert parts[-1].finish_reason == mapped


async def test_stream_text_tool_calls_and_usage(llm: FakeLLMServer) -> None:
    args = {"location": "Paris", "when": "tomorrow"}
    turn = Turn(
        text="One moment please",
        tool_calls=[ScriptToolCall(name="weatherTool", arguments=args, id="call_s")],
        usage=ScriptUsage(input_tokens=5, output_tokens=6),
    )
    with serving(llm, [turn]) as server:
        parts = await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))
        assert server.requests[0].body["stream"] is True
    assert text_of(parts) == "One moment please"
    [(call_id, name, raw)] = tool_calls_of(parts)
    assert (call_id, name) == ("call_s", "weatherTool")
    assert json.loads(raw or "") == args
    deltas = "".join(p.delta or "" for p in parts if p.type == "tool-input-delta")
    assert deltas == raw
    finish = parts[-1]
    assert finish.type == "finish" and finish.finish_reason == "tool-calls"
    assert finish.usage is not None and (finish.usage.input_tokens, finish.usage.output_tokens) == (
        5,
        6,
    )
    meta = [p for p in parts if p.type == "response-metadata"]
    assert meta and meta[0].response is not None and meta[0].response.model_id == "gpt-4o-mini"


async def test_router_and_default_provider_read_openai_env(
    llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(llm, ["a", "b"]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "env-key")
        routed = resolve_model("openai/gpt-4o-mini")
        assert routed.provider == "openai.responses"
        await routed.do_generate(CallOptions(prompt=simple_prompt()))
        direct = openai("gpt-4o")
        await direct.do_generate(CallOptions(prompt=simple_prompt()))
        requests = server.requests
    assert [r.path for r in requests] == ["/v1/responses", "/v1/responses"]
    assert all(r.headers["authorization"] == "Bearer env-key" for r in requests)
    assert openai.chat("gpt-4o").provider == "openai.chat"
