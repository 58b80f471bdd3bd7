"""Tools: validation, execution, the texts the model gets back (as real Mastra 1.71 sends them)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from pydantic import BaseModel

from lumos_compat.errors import ToolValidationError
from lumos_compat.request_context import RequestContext
from lumos_compat.tools import (
    AgentToolContext,
    Tool,
    ToolExecutionContext,
    ToolStream,
    create_tool,
    is_validation_error,
    to_model_json,
)


class AddInput(BaseModel):
    a: float
    b: float = 2


class AddOutput(BaseModel):
    sum: float


async def add(input: AddInput) -> dict[str, Any]:
    return {"sum": input.a + input.b, "f": 5.0, "s": "é"}


# texts observed from real Mastra 1.71 (probe: tools add/boom/badout against a FakeLLMServer)
ADD_INVALID = (
    '{"error":true,"message":"Tool input validation failed for add. Please fix the following errors '
    "and try again:\\n- a: Invalid input: expected number, received string\\n\\nProvided arguments: "
    '{\\n  \\"a\\": \\"x\\"\\n}","validationErrors":{"errors":[],"fields":{"a":{"errors":'
    '["Invalid input: expected number, received string"],"fields":{}}}}}'
)
ADD_MISSING = (
    '{"error":true,"message":"Tool input validation failed for add. Please fix the following errors '
    "and try again:\\n- a: Invalid input: expected number, received undefined\\n\\nProvided arguments: "
    '{}","validationErrors":{"errors":[],"fields":{"a":{"errors":["Invalid input: expected number, '
    'received undefined"],"fields":{}}}}}'
)
BADOUT = (
    '{"error":true,"message":"Tool output validation failed for badout. The tool returned invalid '
    "output:\\n- n: Invalid input: expected number, received string\\n\\nReturned output: {\\n  "
    '\\"n\\": \\"not a number\\"\\n}","validationErrors":{"errors":[],"fields":{"n":{"errors":'
    '["Invalid input: expected number, received string"],"fields":{}}}}}'
)
JSONBAD = (
    '{"error":true,"message":"Tool input validation failed for jsonbad. Please fix the following '
    'errors and try again:\\n- a: must be string\\n\\nProvided arguments: {\\n  \\"a\\": 5\\n}",'
    '"validationErrors":{"errors":[],"fields":{"a":{"errors":["must be string"],"fields":{}}}}}'
)


async def test_success_result_json_like_javascript() -> None:
    tool = create_tool(id="add", description="add", input_schema=AddInput, execute=add)
    outcome = await tool.run_for_model('{"a":1}', tool_call_id="c8")
    assert not outcome.is_error and outcome.kind == "result"
    assert outcome.model_text == '{"sum":3,"f":5,"s":"é"}'
    assert outcome.model_output == {"type": "json", "value": {"sum": 3, "f": 5, "s": "é"}}
    assert outcome.tool_call_id == "c8" and outcome.input == {"a": 1}


async def test_invalid_arguments_give_mastras_validation_payload() -> None:
    tool = create_tool(id="add", description="add", input_schema=AddInput, execute=add)
    outcome = await tool.run_for_model('{"a":"x"}')
    assert outcome.is_error and not outcome.is_tool_error
    assert outcome.kind == "input-validation-error"
    assert isinstance(outcome.error, ToolValidationError)
    assert outcome.model_output["type"] == "json"
    assert outcome.model_text == ADD_INVALID


async def test_unparseable_arguments_are_treated_as_empty() -> None:
    tool = create_tool(id="add", description="add", input_schema=AddInput, execute=add)
    outcome = await tool.run_for_model("{not json")
    assert outcome.input_parse_failed and outcome.input == {}
    assert outcome.model_text == ADD_MISSING


async def test_exception_becomes_error_text() -> None:
    def boom(input: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    tool = create_tool(
        id="boom",
        description="boom",
        input_schema={"type": "object", "properties": {}},
        execute=boom,
    )
    outcome = await tool.run_for_model("{}")
    assert outcome.is_error and outcome.is_tool_error
    assert outcome.model_output == {"type": "error-text", "value": "boom"}
    assert outcome.model_text == "boom"
    assert isinstance(outcome.error, RuntimeError)


async def test_invalid_output_is_replaced_by_validation_error() -> None:
    class Out(BaseModel):
        n: float

    tool = create_tool(
        id="badout", description="b", output_schema=Out, execute=lambda: {"n": "not a number"}
    )
    outcome = await tool.run_for_model("{}")
    assert outcome.kind == "output-validation-error"
    assert outcome.model_text == BADOUT
    good = create_tool(id="good", description="g", output_schema=Out, execute=lambda: Out(n=2.0))
    assert (await good.run_for_model("{}")).model_text == '{"n":2}'


async def test_json_schema_tool_messages_and_no_default_filling() -> None:
    seen: list[Any] = []
    tool = create_tool(
        id="jsonbad",
        description="j",
        input_schema={
            "type": "object",
            "properties": {"a": {"type": "string", "default": "d"}},
            "required": [],
        },
        execute=lambda value: seen.append(value) or value,
    )
    assert (await tool.run_for_model('{"a":5}')).model_text == JSONBAD
    outcome = await tool.run_for_model("{}")
    # real Mastra validates JSON Schema tools with ajv without useDefaults: execute gets {}
    assert seen == [{}] and outcome.model_text == "{}"


async def test_plain_string_and_scalars() -> None:
    text = create_tool(id="str", description="s", execute=lambda: "plain string")
    outcome = await text.run_for_model("{}")
    assert outcome.model_output == {"type": "text", "value": "plain string"}
    assert outcome.model_text == "plain string"
    assert (
        await create_tool(id="n", description="n", execute=lambda: 3.5).run_for_model("{}")
    ).model_text == "3.5"
    assert (
        await create_tool(id="z", description="z", execute=lambda: None).run_for_model("{}")
    ).model_text == "null"


async def test_sync_runs_in_worker_thread_async_in_loop() -> None:
    threads: dict[str, int] = {}

    def sync_exec(input: AddInput, context: ToolExecutionContext) -> float:
        threads["sync"] = threading.get_ident()
        return input.a

    async def async_exec(input: AddInput) -> float:
        threads["async"] = threading.get_ident()
        return input.b

    main = threading.get_ident()
    sync_tool = Tool(id="s", description="s", input_schema=AddInput, execute=sync_exec)
    async_tool = Tool(id="a", description="a", input_schema=AddInput, execute=async_exec)
    assert (await sync_tool.run_for_model({"a": 4})).output == 4
    assert (await async_tool.run_for_model({"a": 4})).output == 2
    assert threads["sync"] != main and threads["async"] == main


async def test_defaults_applied_and_model_instance_passed() -> None:
    got: list[Any] = []

    def capture(input: AddInput) -> str:
        got.append(input)
        return "ok"

    tool = create_tool(id="c", description="c", input_schema=AddInput, execute=capture)
    await tool.run_for_model('{"a": 1}')
    assert isinstance(got[0], AddInput) and got[0].b == 2


async def test_null_for_optional_field_is_accepted() -> None:
    class Q(BaseModel):
        q: str
        limit: int = 5

    tool = create_tool(id="q", description="q", input_schema=Q, execute=lambda i: i.limit)
    outcome = await tool.run_for_model('{"q": "x", "limit": null}')
    assert outcome.output == 5


async def test_stringified_array_is_coerced() -> None:
    class Args(BaseModel):
        args: list[str]

    tool = create_tool(id="a", description="a", input_schema=Args, execute=lambda i: i.args)
    assert (await tool.run_for_model({"args": '["x", "y"]'})).output == ["x", "y"]


async def test_context_contents() -> None:
    seen: dict[str, Any] = {}

    async def inspect_ctx(input: dict[str, Any], context: ToolExecutionContext) -> None:
        seen["rc"] = context.request_context.get("k")
        seen["call"] = context.tool_call_id
        seen["thread"] = context.thread_id
        seen["aborted"] = context.abort_signal.aborted
        await context.writer.write({"step": 1})
        context.writer.custom({"type": "data-progress", "data": {"p": 0.5}})

    writer = ToolStream(tool_call_id="c7", tool_name="ctx", run_id="r1")
    ctx = ToolExecutionContext(
        request_context={"k": "v"},
        writer=writer,
        agent=AgentToolContext(agent_id="a", tool_call_id="c7", thread_id="t1", resource_id="u1"),
    )
    assert isinstance(ctx.request_context, RequestContext)
    tool = create_tool(id="ctx", description="c", execute=inspect_ctx)
    outcome = await tool.run_for_model('{"q":1}', ctx)
    assert outcome.tool_call_id == "c7"
    assert seen == {"rc": "v", "call": "c7", "thread": "t1", "aborted": False}
    assert writer.chunks[0] == {
        "type": "tool-output",
        "runId": "r1",
        "from": "USER",
        "payload": {"output": {"step": 1}, "toolCallId": "c7", "toolName": "ctx"},
    }
    assert writer.chunks[1] == {"type": "data-progress", "data": {"p": 0.5}}
    with pytest.raises(ToolValidationError, match="data-"):
        writer.custom({"type": "progress"})


async def test_direct_execute_returns_validation_error() -> None:
    tool = create_tool(id="add", description="add", input_schema=AddInput, execute=add)
    result = await tool.execute({"a": "x"})
    assert is_validation_error(result)
    assert result["message"].startswith("Tool input validation failed for add. Please fix")
    assert result["validation_errors"]["fields"]["a"]["errors"] == [
        "Invalid input: expected number, received string"
    ]
    assert await tool.execute({"a": 1}) == {"sum": 3, "f": 5.0, "s": "é"}
    assert not is_validation_error({"error": True})

    def fails(input: AddInput) -> None:
        raise ValueError("nope")

    with pytest.raises(ValueError, match="nope"):
        await create_tool(id="f", description="f", input_schema=AddInput, execute=fails).execute(
            {"a": 1}
        )


def test_schema_for_model_and_bad_construction() -> None:
    tool = create_tool(id="add", description="Add numbers", input_schema=AddInput, execute=add)
    definition = tool.to_tool_definition("addTool", "openai.responses", "gpt-4o-mini")
    assert definition.name == "addTool" and definition.description == "Add numbers"
    assert definition.input_schema["required"] == ["a", "b"]
    assert definition.input_schema["x-optional"] == ["b"]
    assert tool.json_schema_for("fake.chat", "m")["required"] == ["a"]
    assert tool.json_schema_for("openai.responses", "gpt-4o-mini") is definition.input_schema
    assert Tool(id="x", description="d").parameters == {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
    with pytest.raises(ToolValidationError, match="non-empty string id"):
        create_tool(id="", description="d")
    with pytest.raises(ToolValidationError, match="pydantic model class"):
        create_tool(id="x", description="d", input_schema=int)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": 5.0, "b": [1.5, None]}, '{"a":5,"b":[1.5,null]}'),
        (AddOutput(sum=3.0), '{"sum":3}'),
        ("as is", "as is"),
        ({"ü": "ß"}, '{"ü":"ß"}'),
        ([], "[]"),
        (float("nan"), "null"),
    ],
)
def test_to_model_json(value: Any, text: str) -> None:
    assert to_model_json(value) == text


async def test_abort_signal() -> None:
    ctx = ToolExecutionContext()
    waiter = asyncio.create_task(ctx.abort_signal.wait())
    ctx.abort_signal.abort()
    await asyncio.wait_for(waiter, 1)
    assert ctx.abort_signal.aborted
    with pytest.raises(asyncio.CancelledError):
        ctx.abort_signal.throw_if_aborted()
