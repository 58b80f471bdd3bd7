"""The result of generate(): every field of Mastra's FullOutput, snake_case reads, and to_mastra()."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat import Agent, AgentOutput, create_tool
from lumos_compat.errors import StructuredOutputError
from lumos_compat.testing import FakeLLMServer, ScriptUsage, Turn


class Answer(BaseModel):
    value: int


async def _round_trip(server: FakeLLMServer, **options: Any) -> AgentOutput:
    tool = create_tool(id="double", description="doubles", execute=lambda i: i["n"] * 2)
    server.push(
        Turn.call(
            "double", {"n": 21}, id="c1", usage=ScriptUsage(input_tokens=10, output_tokens=5)
        ),
        Turn(text="It is 42.", usage=ScriptUsage(input_tokens=30, output_tokens=4)),
    )
    agent = Agent(
        name="calc", instructions="Compute.", model=server.model(), tools={"double": tool}
    )
    return await agent.generate("Double 21", **options)


async def test_text_finish_reason_run_id(fake_llm: FakeLLMServer) -> None:
    result = await _round_trip(fake_llm, run_id="r-42")
    assert result.text == "It is 42."
    assert result.finish_reason == "stop"
    assert result.run_id == "r-42"
    assert result.warnings == []
    assert result.object is None


async def test_usage_and_total_usage_are_summed_over_steps(fake_llm: FakeLLMServer) -> None:
    result = await _round_trip(fake_llm)
    for usage in (result.usage, result.total_usage):
        assert usage.input_tokens == 40
        assert usage.output_tokens == 9
        assert usage.total_tokens == 49
        assert usage.reasoning_tokens == 0
        assert usage.cached_input_tokens == 0
    assert [s["usage"]["totalTokens"] for s in result.steps] == [15, 34]
    # raw holds the last provider usage object
    assert result.usage.raw.raw == {"prompt_tokens": 30, "completion_tokens": 4, "total_tokens": 34}


async def test_tool_calls_and_results_in_chunk_shape(fake_llm: FakeLLMServer) -> None:
    result = await _round_trip(fake_llm, run_id="r-1")
    assert result.to_mastra()["toolCalls"] == [
        {
            "type": "tool-call",
            "runId": "r-1",
            "from": "AGENT",
            "payload": {"args": {"n": 21}, "toolCallId": "c1", "toolName": "double"},
        }
    ]
    assert result.to_mastra()["toolResults"] == [
        {
            "type": "tool-result",
            "runId": "r-1",
            "from": "AGENT",
            "payload": {"args": {"n": 21}, "toolCallId": "c1", "toolName": "double", "result": 42},
        }
    ]
    call = result.tool_calls[0]
    assert call.type == "tool-call"
    assert call.from_ == "AGENT"
    assert (call.payload.tool_call_id, call.payload.tool_name) == ("c1", "double")


async def test_steps(fake_llm: FakeLLMServer) -> None:
    result = await _round_trip(fake_llm)
    first, second = result.steps
    assert set(first) >= {
        "content",
        "finishReason",
        "providerMetadata",
        "reasoning",
        "reasoningText",
        "request",
        "response",
        "stepType",
        "text",
        "toolCalls",
        "toolResults",
        "usage",
        "warnings",
    }
    assert (first.step_type, second.step_type) == ("initial", "tool-result")
    assert (first.finish_reason, second.finish_reason) == ("tool-calls", "stop")
    assert first.content == [
        {"type": "tool-call", "toolCallId": "c1", "toolName": "double", "input": {"n": 21}},
        {
            "type": "tool-result",
            "toolCallId": "c1",
            "toolName": "double",
            "input": {"n": 21},
            "output": {"type": "json", "value": 42},
        },
    ]
    assert second.text == "It is 42."
    # each step records the request body sent for it
    assert json.loads(first.request.body) == fake_llm.model_requests[0].body
    assert json.loads(second.request.body) == fake_llm.model_requests[1].body


async def test_response_and_messages(fake_llm: FakeLLMServer) -> None:
    result = await _round_trip(fake_llm)
    response = result.response
    assert response.id == "chatcmpl-fake-2"
    assert response.model_id == "fake-model"
    assert response.timestamp.endswith("Z")
    assert response.model_metadata == {
        "modelId": "fake-model",
        "modelProvider": "fake",
        "modelVersion": "v2",
    }
    assert [m["role"] for m in response.messages] == ["assistant", "tool", "assistant"]
    assert response.messages[2]["content"][0]["text"] == "It is 42."
    # messages: this execution's DB messages, input and response, never system messages
    assert [m["role"] for m in result.messages] == ["user", "assistant"]
    user, assistant = result.messages
    assert user["content"]["content"] == "Double 21"
    assert assistant["content"]["format"] == 2
    parts = [p["type"] for p in assistant["content"]["parts"]]
    assert parts == ["tool-invocation", "step-start", "text"]
    assert assistant["content"]["toolInvocations"][0]["result"] == 42


async def test_structured_object_and_to_mastra(fake_llm: FakeLLMServer) -> None:
    fake_llm.push('{"value": 7}')
    agent = Agent(name="a", instructions="x", model=fake_llm.model())
    result = await agent.generate("seven", structured_output={"schema": Answer})
    assert result.object == Answer(value=7)
    plain = result.to_mastra()
    assert plain["object"] == {"value": 7}
    assert json.loads(json.dumps(plain)) == plain  # plain JSON all the way down
    assert set(plain) == {
        "files",
        "finishReason",
        "messages",
        "object",
        "providerMetadata",
        "reasoning",
        "rememberedMessages",
        "request",
        "response",
        "runId",
        "sources",
        "steps",
        "text",
        "toolCalls",
        "toolResults",
        "totalUsage",
        "usage",
        "usedFallbackValue",
        "warnings",
    }


async def test_structured_output_error_strategies(
    fake_llm: FakeLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    """errorStrategy as Mastra 1.71 applies it (recorded: structured-output-warn-*/-fallback-*)."""
    agent = Agent(name="a", instructions="x", model=fake_llm.model())
    fake_llm.push('{"value": "seven"}')
    fallback = {"schema": Answer, "errorStrategy": "fallback", "fallbackValue": {"value": 0}}
    result = await agent.generate("seven", structured_output=fallback)
    assert result.object == {"value": 0} and result.used_fallback_value is True
    fake_llm.push('{"value": "seven"}')
    with caplog.at_level("WARNING", logger="lumos_compat.agent"):
        result = await agent.generate(
            "seven", structured_output={"schema": Answer, "error_strategy": "warn"}
        )
    assert result.object is None and result.used_fallback_value is False
    assert "Structured output validation failed: - value:" in caplog.text
    fake_llm.push('{"value": "seven"}')
    with pytest.raises(StructuredOutputError, match="- value: Invalid input"):
        await agent.generate("seven", structured_output={"schema": Answer})


async def test_snake_case_reads_and_helpful_missing_field(fake_llm: FakeLLMServer) -> None:
    result = await _round_trip(fake_llm)
    assert result.used_fallback_value is False
    assert result.remembered_messages == []
    assert result["finishReason"] == result.finish_reason
    with pytest.raises(AttributeError, match=r"no field 'tool_callz' \(Mastra key 'toolCallz'\)"):
        _ = result.tool_callz
