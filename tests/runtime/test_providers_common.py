"""Shared prompts and helpers for the provider tests, and tests of the shared HTTP layer.

The wire shapes the other provider tests assert were captured from real Mastra 1.71 run against
the FakeLLMServer."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from lumos_compat.errors import ModelCallError, RealModelRequestBlocked
from lumos_compat.llm import CallOptions, StreamPart, ToolDefinition
from lumos_compat.providers import block_real_requests, real_requests_blocked, resolve_model
from lumos_compat.providers._http import RetryPolicy, iter_sse, retry_after_seconds
from lumos_compat.testing import FakeLLMServer, Turn


@pytest.fixture(scope="session", name="llm")
def llm_fixture() -> Iterator[FakeLLMServer]:
    """One loopback fake LLM for the whole session (starting and stopping one costs ~0.5 s)."""
    with FakeLLMServer() as server:
        yield server


@contextlib.contextmanager
def serving(server: FakeLLMServer, script: Iterable[Any] = ()) -> Iterator[FakeLLMServer]:
    """The shared server with a fresh script and no recorded requests."""
    server.reset(script)
    yield server


WEATHER_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "location": {"type": "string", "description": "City"},
        "unit": {"type": "string", "enum": ["c", "f"]},
    },
    "required": ["location"],
    "additionalProperties": False,
}

WEATHER_TOOL = ToolDefinition("weatherTool", "Get weather", WEATHER_SCHEMA)

SETTINGS: dict[str, Any] = {
    "temperature": 0.5,
    "max_output_tokens": 100,
    "top_p": 0.9,
    "stop_sequences": ["END"],
    "seed": 7,
    "frequency_penalty": 0.1,
    "presence_penalty": 0.2,
}

USER_WITH_IMAGE: dict[str, Any] = {
    "role": "user",
    "content": [
        {"type": "text", "text": "Look at this"},
        {"type": "file", "data": "iVBORw0KGgo=", "mediaType": "image/png"},
        {"type": "text", "text": "What is the weather in Paris?"},
    ],
}


def tool_conversation() -> list[dict[str, Any]]:
    """System, user (text + image), an assistant tool call and its JSON result."""
    return [
        {"role": "system", "content": "You are helpful."},
        USER_WITH_IMAGE,
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool-call",
                    "toolCallId": "call_1",
                    "toolName": "weatherTool",
                    "input": {"location": "Paris"},
                }
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "call_1",
                    "toolName": "weatherTool",
                    "output": {
                        "type": "json",
                        "value": {"temperature": 20, "conditions": "sunny in Paris"},
                    },
                }
            ],
        },
    ]


def simple_prompt(text: str = "Hi") -> list[dict[str, Any]]:
    """A system message and one user text."""
    return [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": [{"type": "text", "text": text}]},
    ]


def tool_options(**kw: Any) -> CallOptions:
    """Options for the tool conversation with every sampling setting."""
    return CallOptions(
        prompt=tool_conversation(),
        tools=[WEATHER_TOOL],
        tool_choice={"type": "auto"},
        **{**SETTINGS, **kw},
    )


async def collect(stream: Any) -> list[StreamPart]:
    """Every part of a model stream."""
    return [part async for part in stream]


def text_of(parts: list[StreamPart]) -> str:
    """The streamed text joined."""
    return "".join(p.delta or "" for p in parts if p.type == "text-delta")


def tool_calls_of(parts: list[StreamPart]) -> list[tuple[str | None, str | None, str | None]]:
    """(id, name, input) of every streamed tool-call part."""
    return [(p.tool_call_id, p.tool_name, p.input) for p in parts if p.type == "tool-call"]


# ---------------------------------------------------------------------------------------------
# the shared HTTP layer


async def _lines(*lines: str) -> Any:
    for line in lines:
        yield line


async def test_sse_parser_joins_data_lines_and_skips_comments() -> None:
    events = [
        e
        async for e in iter_sse(
            _lines(": keep-alive", "event: a", "data: 1", "data: 2", "", "data:x", "", "data: tail")
        )
    ]
    assert events == [("a", "1\n2"), (None, "x"), (None, "tail")]


def test_retry_after_headers() -> None:
    assert retry_after_seconds({"retry-after-ms": "250"}) == 0.25
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
    policy = RetryPolicy(max_retries=2, initial_delay=0.01)
    assert policy.delay(0, {}) == pytest.approx(0.01)
    assert policy.delay(2, {}) == pytest.approx(0.04)
    assert policy.delay(0, {"retry-after": "0.5"}) == 0.5
    assert policy.delay(0, {"retry-after": "999"}) == 30.0


def _model(server: FakeLLMServer, **kw: Any) -> Any:
    return resolve_model(
        {"id": "fake/m", "url": server.openai_base_url, "api_key": "sk-secret"} | kw
    )


async def test_no_retry_by_default_like_mastra(llm: FakeLLMServer) -> None:
    # real Mastra 1.71 agents make one request on a 500 (maxRetries defaults to 0)
    with serving(llm, [Turn.fail(500, "boom"), "never"]) as server:
        with pytest.raises(ModelCallError) as info:
            await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
        assert len(server.requests) == 1
        url = f"{server.openai_base_url}/chat/completions"
    err = info.value
    assert err.status_code == 500
    assert err.url == url
    assert "HTTP 500" in str(err) and "boom" in str(err)
    assert "sk-secret" not in str(err)
    assert err.is_retryable


async def test_retries_honour_retry_after(llm: FakeLLMServer) -> None:
    script = [Turn.fail(429, "slow down", retry_after=0.2), Turn.fail(503, "busy"), "finally"]
    with serving(llm, script) as server:
        model = _model(server, max_retries=2, retry_initial_delay=0.01)
        start = time.perf_counter()
        result = await model.do_generate(CallOptions(prompt=simple_prompt()))
        elapsed = time.perf_counter() - start
        assert len(server.requests) == 3
    assert result.content == [{"type": "text", "text": "finally"}]
    assert elapsed >= 0.2  # waited for the server's retry-after


async def test_retries_give_up_after_max_and_client_errors_are_not_retried(
    llm: FakeLLMServer,
) -> None:
    with serving(llm, [Turn.fail(500), Turn.fail(500), "late"]) as server:
        with pytest.raises(ModelCallError, match="after 2 attempts"):
            await _model(server, max_retries=1, retry_initial_delay=0.01).do_generate(
                CallOptions(prompt=simple_prompt())
            )
        assert len(server.requests) == 2
    with serving(llm, [Turn.fail(400, "bad request"), "never"]) as server:
        with pytest.raises(ModelCallError) as info:
            await _model(server, max_retries=3, retry_initial_delay=0.01).do_generate(
                CallOptions(prompt=simple_prompt())
            )
        assert len(server.requests) == 1
    assert info.value.status_code == 400 and not info.value.is_retryable


async def test_stream_errors_before_first_part_raise(llm: FakeLLMServer) -> None:
    with (
        serving(llm, [Turn.fail(401, "invalid key")]) as server,
        pytest.raises(ModelCallError, match="invalid key"),
    ):
        await collect(_model(server).do_stream(CallOptions(prompt=simple_prompt())))


async def test_connection_error_is_a_model_call_error() -> None:
    server = FakeLLMServer().start()
    url = server.openai_base_url
    server.stop()
    model = resolve_model({"id": "fake/m", "url": url, "api_key": "k"})
    with pytest.raises(ModelCallError, match="could not reach") as info:
        await model.do_generate(CallOptions(prompt=simple_prompt()))
    assert info.value.status_code is None and info.value.is_retryable


async def test_block_switch_context_manager_blocks_before_any_io(
    llm: FakeLLMServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = resolve_model("openai/gpt-4o-mini")
    with block_real_requests():
        with pytest.raises(RealModelRequestBlocked, match=r"api\.openai\.com"):
            await model.do_generate(CallOptions(prompt=simple_prompt()))
        with pytest.raises(RealModelRequestBlocked):
            await collect(model.do_stream(CallOptions(prompt=simple_prompt())))
        # loopback stays allowed
        with serving(llm, ["local"]) as server:
            result = await _model(server).do_generate(CallOptions(prompt=simple_prompt()))
            assert result.content[0]["text"] == "local"


async def test_block_switch_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUMOS_BLOCK_REAL_REQUESTS", "1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k")
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    with pytest.raises(RealModelRequestBlocked):
        await resolve_model("anthropic/claude-sonnet-4-5").do_generate(
            CallOptions(prompt=simple_prompt())
        )
    assert real_requests_blocked()
    with block_real_requests(False):  # the context manager can lift it
        assert not real_requests_blocked()


async def test_client_is_pooled_and_survives_event_loops(llm: FakeLLMServer) -> None:
    with serving(llm, ["a", "b", "c"]) as server:
        model = _model(server)
        await model.do_generate(CallOptions(prompt=simple_prompt()))
        client = model._settings.http._client
        await model.do_generate(CallOptions(prompt=simple_prompt()))
        assert model._settings.http._client is client

        def other_loop() -> str:
            async def go() -> str:
                r = await model.do_generate(CallOptions(prompt=simple_prompt()))
                return r.content[0]["text"]

            return asyncio.run(go())

        assert await asyncio.to_thread(other_loop) == "c"
