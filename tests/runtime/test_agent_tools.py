"""The tool loop against the fake server: arguments validated with defaults applied, validation errors
and exceptions sent back to the model (never a crash), outputs validated, the execution context."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from lumos_compat import Agent, RequestContext, ToolExecutionContext, create_tool
from lumos_compat.testing import FakeLLMServer, ScriptToolCall, Turn


class Forecast(BaseModel):
    city: str = Field(description="City name")
    days: int = Field(default=3, ge=1, le=10)


class Weather(BaseModel):
    temperature: float
    conditions: str


def _tool_messages(server: FakeLLMServer, index: int = 1) -> dict[str, str]:
    """The tool results the model received in request ``index``: toolCallId -> content."""
    return {
        m["tool_call_id"]: m["content"]
        for m in server.model_requests[index].body["messages"]
        if m["role"] == "tool"
    }


def _calls(*calls: tuple[str, Any, str]) -> Turn:
    return Turn(tool_calls=[ScriptToolCall(name=n, arguments=a, id=i) for n, a, i in calls])


async def test_arguments_validated_with_defaults_applied(fake_llm: FakeLLMServer) -> None:
    received: list[Forecast] = []

    async def forecast(input: Forecast) -> dict[str, Any]:
        received.append(input)
        return {"city": input.city, "days": input.days}

    tool = create_tool(id="forecast", description="f", input_schema=Forecast, execute=forecast)
    fake_llm.push(_calls(("forecast", {"city": "Oslo"}, "c1")), "ok")
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"forecast": tool})
    result = await agent.generate("go")
    assert received == [Forecast(city="Oslo", days=3)]
    # the recorded call keeps the model's raw arguments; execute got the defaults
    assert result.tool_calls[0].payload.args == {"city": "Oslo"}
    assert json.loads(_tool_messages(fake_llm)["c1"]) == {"city": "Oslo", "days": 3}
    params = fake_llm.model_requests[0].body["tools"][0]["function"]["parameters"]
    assert params["required"] == ["city"]
    assert params["properties"]["days"]["default"] == 3
    assert params["additionalProperties"] is False


async def test_sync_tool_with_json_schema_and_one_argument(fake_llm: FakeLLMServer) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        "required": ["a", "b"],
    }
    tool = create_tool(
        id="add", description="add", input_schema=schema, execute=lambda i: i["a"] + i["b"]
    )
    fake_llm.push(_calls(("add", {"a": 2, "b": 3}, "c1")), "5")
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"add": tool})
    result = await agent.generate("2+3")
    assert result.tool_results[0].payload.result == 5
    assert _tool_messages(fake_llm)["c1"] == "5"


async def test_validation_error_goes_back_to_the_model(fake_llm: FakeLLMServer) -> None:
    calls: list[Any] = []
    tool = create_tool(
        id="forecast", description="f", input_schema=Forecast, execute=lambda i: calls.append(i)
    )
    fake_llm.push(
        _calls(("forecast", {"city": 5, "days": 40}, "c1")),
        _calls(("forecast", {"city": "Oslo"}, "c2")),
        "fixed it",
    )
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"forecast": tool})
    result = await agent.generate("go")
    sent = json.loads(_tool_messages(fake_llm, 1)["c1"])
    assert sent["error"] is True
    assert "Tool input validation failed for forecast" in sent["message"]
    assert "city" in sent["validationErrors"]["fields"]
    assert "days" in sent["validationErrors"]["fields"]
    assert len(calls) == 1  # execute ran only for the valid call
    assert result.text == "fixed it"
    assert result.finish_reason == "stop"
    first = result.tool_results[0].payload.result
    assert first["error"] is True


async def test_exception_in_execute_is_a_tool_error_not_a_crash(fake_llm: FakeLLMServer) -> None:
    async def broken(input: Any, context: ToolExecutionContext) -> Any:
        raise RuntimeError("weather service is down")

    tool = create_tool(id="broken", description="b", execute=broken)
    fake_llm.push(_calls(("broken", {}, "c1")), "Sorry, the service is down.")
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"broken": tool})
    stream = await agent.stream("go")
    chunks = [c async for c in stream.full_stream]
    errors = [c for c in chunks if c["type"] == "tool-error"]
    assert len(errors) == 1
    assert errors[0]["payload"]["toolCallId"] == "c1"
    assert str(errors[0]["payload"]["error"]) == "weather service is down"
    assert _tool_messages(fake_llm)["c1"] == "weather service is down"
    assert chunks[-1]["type"] == "finish"
    assert await stream.text == "Sorry, the service is down."
    # a failed call is not a result
    assert await stream.tool_results == []


async def test_output_is_validated_against_output_schema(fake_llm: FakeLLMServer) -> None:
    good = create_tool(
        id="good",
        description="g",
        output_schema=Weather,
        execute=lambda i: {"temperature": 20, "conditions": "sunny"},
    )
    bad = create_tool(
        id="bad", description="b", output_schema=Weather, execute=lambda i: {"temperature": "hot"}
    )
    fake_llm.push(_calls(("good", {}, "g1"), ("bad", {}, "b1")), "done")
    agent = Agent(
        name="a", instructions="x", model=fake_llm.model(), tools={"good": good, "bad": bad}
    )
    result = await agent.generate("go")
    sent = _tool_messages(fake_llm)
    assert json.loads(sent["g1"]) == {"temperature": 20, "conditions": "sunny"}
    bad_sent = json.loads(sent["b1"])
    assert "Tool output validation failed for bad" in bad_sent["message"]
    assert set(bad_sent["validationErrors"]["fields"]) == {"temperature", "conditions"}
    assert result.text == "done"


async def test_unknown_tool_and_broken_json_never_crash(fake_llm: FakeLLMServer) -> None:
    tool = create_tool(id="forecast", description="f", input_schema=Forecast, execute=lambda i: 1)
    fake_llm.push(
        Turn(
            tool_calls=[
                ScriptToolCall(name="teleport", arguments={}, id="u1"),
                ScriptToolCall(name="forecast", raw_arguments='{"city": "Os', id="j1"),
            ]
        ),
        "recovered",
    )
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"forecast": tool})
    result = await agent.generate("go")
    sent = _tool_messages(fake_llm)
    assert "teleport" in sent["u1"] and "forecast" in sent["u1"]
    assert "Tool input validation failed for forecast" in json.loads(sent["j1"])["message"]
    assert result.text == "recovered"


async def test_execution_context(fake_llm: FakeLLMServer) -> None:
    seen: dict[str, Any] = {}

    async def inspect_context(input: Any, context: ToolExecutionContext) -> str:
        seen["tool_call_id"] = context.tool_call_id
        seen["agent_id"] = context.agent.agent_id if context.agent else None
        seen["messages"] = [m["role"] for m in context.messages]
        seen["run_id"] = context.run_id
        seen["user"] = context.request_context.get("user")
        seen["aborted"] = context.abort_signal.aborted
        return "ok"

    tool = create_tool(id="ctx", description="c", execute=inspect_context)
    fake_llm.push(_calls(("ctx", {}, "call-77")), "done")
    agent = Agent(id="ctx-agent", instructions="x", model=fake_llm.model(), tools={"ctx": tool})
    await agent.generate("go", run_id="r-1", request_context=RequestContext({"user": "ada"}))
    assert seen == {
        "tool_call_id": "call-77",
        "agent_id": "ctx-agent",
        "messages": ["system", "user"],
        "run_id": "r-1",
        "user": "ada",
        "aborted": False,
    }


async def test_tool_errors_reach_on_chunk_in_generate(fake_llm: FakeLLMServer) -> None:
    def broken(input: Any) -> Any:
        raise ValueError("nope")

    tool = create_tool(id="broken", description="b", execute=broken)
    fake_llm.push(Turn(reasoning="thinking", tool_calls=[ScriptToolCall(name="t", id="c")]), "ok")
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"t": tool})
    types: list[str] = []
    await agent.generate("go", on_chunk=lambda c: types.append(c["type"]))
    # the sequence real Mastra 1.71 hands onChunk for this script
    assert types == [
        "reasoning-delta",
        "tool-call-input-streaming-start",
        "tool-call-delta",
        "tool-call-input-streaming-end",
        "tool-call",
        "tool-error",
        "text-delta",
    ]


@pytest.mark.parametrize("returns", ["plain text", 5, [1, 2], None])
async def test_tool_return_values_as_the_model_sees_them(
    fake_llm: FakeLLMServer, returns: Any
) -> None:
    tool = create_tool(id="r", description="r", execute=lambda i: returns)
    fake_llm.push(_calls(("r", {}, "c1")), "ok")
    agent = Agent(name="a", instructions="x", model=fake_llm.model(), tools={"r": tool})
    result = await agent.generate("go")
    expected = returns if isinstance(returns, str) else json.dumps(returns, separators=(",", ":"))
    assert _tool_messages(fake_llm)["c1"] == expected
    assert result.tool_results[0].payload.get("result") == returns
