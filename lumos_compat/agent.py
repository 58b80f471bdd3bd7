"""The Agent: Mastra 1.x's ``new Agent({...})`` with ``generate()`` and ``stream()``.

One loop serves both calls. It assembles the prompt in Mastra's order (instructions, input system
messages, ``system``, ``context``, memory, input), calls the model up to ``max_steps`` times, runs the
tool calls of each step concurrently, and emits Mastra's chunk sequence (``start``, ``step-start``,
``text-delta``, ``tool-call``, ``tool-result``, ``step-finish``, ``finish``...). ``generate`` collects
the chunks into Mastra's ``FullOutput`` shape; ``stream`` hands them out as they come.

A tool call that needs approval (``require_approval`` on the tool, ``require_tool_approval`` on the
call) or whose tool calls ``context.agent.suspend(...)`` pauses the run as Mastra 1.71 does: a
``tool-call-approval`` / ``tool-call-suspended`` chunk, no ``finish``, ``finish_reason ==
"suspended"``. ``approve_tool_call``, ``decline_tool_call``, ``resume_stream`` and their
``_generate`` forms go on from that step (see ``lumos_compat.suspended`` for where runs wait).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import re
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lumos_compat import suspended as _stored
from lumos_compat.errors import (
    AgentConfigError,
    AgentResumeError,
    ModelCallError,
    StructuredOutputError,
)
from lumos_compat.llm import CallOptions, LanguageModel, ModelUsage, StreamPart, ToolDefinition
from lumos_compat.memory.title import TitleConfig
from lumos_compat.messages import (
    db_message,
    iso_timestamp,
    normalize_input,
    prompt_messages,
    system_messages,
)
from lumos_compat.options import ExecutionOptions, normalize_options
from lumos_compat.providers import resolve_model
from lumos_compat.providers._base import generate_id
from lumos_compat.request_context import RequestContext
from lumos_compat.results import AgentOutput, MastraRecord, to_plain
from lumos_compat.schema import compile_schema, to_json_schema
from lumos_compat.schema_compat import apply_provider_compat, structured_output_schema
from lumos_compat.stream import AgentStream
from lumos_compat.structured import UNDEFINED, OutputReader, request_schema
from lumos_compat.tools import (
    AbortSignal,
    AgentToolContext,
    Tool,
    ToolExecutionContext,
    ToolOutcome,
    ToolStream,
    to_jsonable,
)

__all__ = ["Agent"]

_log = logging.getLogger("lumos_compat.agent")

Chunk = dict[str, Any]
Emit = Callable[[Chunk], Awaitable[None]]
Push = Callable[[Chunk], None]

_SUB_AGENT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "prompt": {"type": "string", "description": "The prompt to send to the agent"},
        "threadId": {
            "type": ["string", "null"],
            "description": "Thread ID for conversation continuity for memory messages",
        },
        "resourceId": {
            "type": ["string", "null"],
            "description": "Resource/user identifier for memory messages",
        },
        "instructions": {
            "type": ["string", "null"],
            "description": "Additional instructions to append to the agent instructions. Only "
            "provide if you have specific guidance beyond what the agent already knows. Leave "
            "empty in most cases.",
        },
        "maxSteps": {
            "type": ["number", "string", "null"],
            "description": "Maximum number of execution steps for the sub-agent (integer, minimum 3)",
        },
        "resumeData": {
            "type": ["string", "number", "integer", "boolean", "object", "null"],
            "description": "The resumeData object created from the resumeSchema of suspended tool",
        },
        "suspendedToolCallId": {
            "anyOf": [
                {"type": "string", "description": "The toolCallId of the suspended tool to resume"},
                {"type": "null"},
            ]
        },
        "suspendedToolRunId": {
            "anyOf": [
                {"type": "string", "description": "The runId of the suspended tool"},
                {"type": "null"},
            ]
        },
    },
    "required": ["prompt"],
    "additionalProperties": False,
}

# what autoResumeSuspendedTools adds to every tool's input (Mastra 1.71; sub-agents have them)
_RESUME_PROPERTIES = {
    key: _SUB_AGENT_SCHEMA["properties"][key]
    for key in ("suspendedToolCallId", "suspendedToolRunId", "resumeData")
}

# the directive Mastra 1.71 appends to the leading system message when a tool of the thread's
# last answer waits to be resumed (autoResumeSuspendedTools); {tools} is their JSON list
_AUTO_RESUME_DIRECTIVE = (
    "\n\nAnalyse the suspended tools: {tools}, using the messages available to you and the "
    "resumeSchema of each suspended tool, find the tool whose resumeData you can construct "
    "properly.\n                      resumeData can not be an empty object nor "
    "null/undefined.\n                      When you find that and call that tool, add the "
    "resumeData to the tool call arguments/input.\n                      Also, add the "
    "toolCallId of the suspended tool as suspendedToolCallId to the tool call "
    "arguments/input. This identifies the exact framework-persisted suspension to resume."
    "\n                      You may also add the runId as suspendedToolRunId for "
    "compatibility, but it does not select the suspension and must match the runId "
    "associated with suspendedToolCallId.\n                      If the suspendedTool.type is "
    "'approval', resumeData will be an object that contains 'approved' which can either be "
    "true or false depending on the user's message. If you can't construct resumeData from "
    "the message for approval type, set approved to true and add resumeData: { approved: "
    "true } to the tool call arguments/input.\n\n                      IMPORTANT: If you're "
    "able to construct resumeData and get suspendedToolCallId, get the previous "
    "arguments/input of the tool call from args in the suspended tool, and spread it in the "
    "new arguments/input created, do not add duplicate data.\n                      "
)
_SUSPENDED_TOOL_KEY_ORDER = (
    "toolCallId",
    "toolName",
    "args",
    "type",
    "runId",
    "suspendPayload",
    "resumeSchema",
)


def _suspended_tools(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The calls the last assistant message with waiting tools names (its metadata)."""
    for message in reversed(messages):
        if message.get("role") != "assistant":
            continue
        content = message.get("content")
        meta = content.get("metadata") if isinstance(content, Mapping) else None
        if not isinstance(meta, Mapping):
            continue
        entries = {**(meta.get("suspendedTools") or {}), **(meta.get("pendingToolApprovals") or {})}
        if not entries:
            continue
        tools = []
        for call_id, entry in entries.items():
            if not isinstance(entry, Mapping):
                continue
            record = {"toolCallId": call_id, **entry}
            delegated = record.pop("delegatedRunId", None)
            parent = record.pop("parentToolName", None)
            parent_args = record.pop("parentArgs", None)
            if isinstance(parent, str):
                record.update(
                    approvalToolName=record.get("toolName"),
                    approvalArgs=record.get("args"),
                    toolName=parent,
                    args=parent_args,
                )
            if isinstance(delegated, str):
                record["runId"] = delegated
            ordered = {k: record[k] for k in _SUSPENDED_TOOL_KEY_ORDER if k in record}
            ordered.update((k, v) for k, v in record.items() if k not in ordered)
            tools.append(ordered)
        return tools
    return []


def _auto_resume_directive(messages: list[dict[str, Any]]) -> str | None:
    """Mastra's directive for the suspended (not approval) tools of the thread, if any."""
    waiting = [t for t in _suspended_tools(messages) if t.get("type") != "approval"]
    if not waiting:
        return None
    listed = json.dumps(
        [{k: v for k, v in t.items() if k != "parentRunId"} for t in waiting],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return _AUTO_RESUME_DIRECTIVE.replace("{tools}", listed)


# what a pending approval accepts as resume data (Mastra 1.71 sends this JSON text verbatim)
_APPROVAL_RESUME_SCHEMA = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "approved": {
                "type": "boolean",
                "description": "Controls if the tool call is approved or not, should be true when "
                "approved and false when declined",
            },
            "reason": {
                "description": "Optional explanation for the decision, surfaced to the model when "
                "the tool call is declined",
                "type": "string",
            },
        },
        "required": ["approved"],
        "additionalProperties": False,
    },
    separators=(",", ":"),
)

# what Mastra 1.71 records in the message metadata of a delegated approval (no "reason")
_DELEGATED_APPROVAL_SCHEMA = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "approved": json.loads(_APPROVAL_RESUME_SCHEMA)["properties"]["approved"],
        },
        "required": ["approved"],
        "additionalProperties": False,
    },
    separators=(",", ":"),
)
# what the model hears when a call is declined without a reason (Mastra's words)
_DECLINED_TEXT = "Tool call was not approved by the user"


class _NotRun:
    """Marks a tool call of a step that has not run yet."""

    def __repr__(self) -> str:
        return "<not run>"


_NOT_RUN: Any = _NotRun()


@dataclass(slots=True)
class _PendingStep:
    """A step whose model call is done and whose tool calls may still be waiting for a human."""

    index: int
    state: dict[str, Any]
    calls: list[dict[str, Any]]
    created_ms: int
    step_content: list[dict[str, Any]]
    response_content: list[dict[str, Any]]
    step_calls: list[dict[str, Any]]
    outcomes: list[Any]
    prompt_snapshot: list[dict[str, Any]] | None = None
    approved: set[str] = field(default_factory=set)
    resumed: bool = False
    # what the tools wrote with writer.custom() (not transient): parts of the answer message
    data_parts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _Suspension:
    """Why a run paused: a call waiting for approval, or a tool that called ``suspend()``."""

    kind: str  # "approval" | "suspend"
    index: int  # the call's position in the pending step
    payload: dict[str, Any]  # the chunk payload, also the result's ``suspendPayload``
    # what the tool told suspend() beside its payload (a sub-agent's delegated run id)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Decision:
    """What a resume call brings to the suspended call."""

    kind: str
    index: int
    resume_data: Any
    suspended_with: Any = None  # the payload the tool gave suspend()
    meta: dict[str, Any] = field(default_factory=dict)


_SCHEMA_KEY_ORDER = ("$schema", "type", "properties", "required", "additionalProperties")


def _zod_key_order(node: Any) -> Any:
    """A JSON Schema with its keys in the order zod 4 writes them (the text is compared)."""
    if isinstance(node, list):
        return [_zod_key_order(v) for v in node]
    if not isinstance(node, dict):
        return node
    first = [k for k in _SCHEMA_KEY_ORDER if k in node]
    keys = first + [k for k in node if k not in _SCHEMA_KEY_ORDER]
    out: dict[str, Any] = {}
    for key in keys:
        value = node[key]
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _zod_key_order(sub) for name, sub in value.items()}
        else:
            out[key] = _zod_key_order(value)
    return out


def _resume_schema_text(tool: Tool | None) -> Any:
    """The tool's resume schema as the JSON text Mastra puts in ``resumeSchema``."""
    schema = getattr(tool, "resume_schema", None)
    if schema is None:
        return None
    return json.dumps(_zod_key_order(to_json_schema(schema)), separators=(",", ":"))


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value


def _call_dynamic(fn: Callable[..., Any], request_context: RequestContext, mastra: Any) -> Any:
    """Call a Mastra dynamic argument: ``({ requestContext, mastra }) => value``."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(request_context)
    if not params:
        return fn()
    names = set(params)
    if names & {"request_context", "mastra", "runtime_context"} and not any(
        p.kind is inspect.Parameter.VAR_POSITIONAL for p in params.values()
    ):
        kwargs: dict[str, Any] = {}
        if "request_context" in names:
            kwargs["request_context"] = request_context
        if "runtime_context" in names:
            kwargs["runtime_context"] = request_context
        if "mastra" in names:
            kwargs["mastra"] = mastra
        return fn(**kwargs)
    return fn(request_context)


def _usage_dict(usage: ModelUsage | None) -> dict[str, Any]:
    """One step's usage in Mastra's shape."""
    if usage is None:
        return {"totalTokens": 0, "raw": {"inputTokens": {}, "outputTokens": {}}}
    out: dict[str, Any] = {}
    raw_in: dict[str, Any] = {}
    raw_out: dict[str, Any] = {}
    if usage.input_tokens is not None:
        cached = usage.cached_input_tokens or 0
        out["inputTokens"] = usage.input_tokens
        out["cachedInputTokens"] = cached
        raw_in = {
            "total": usage.input_tokens,
            "noCache": usage.input_tokens - cached,
            "cacheRead": cached,
        }
    if usage.output_tokens is not None:
        reasoning = usage.reasoning_tokens or 0
        out["outputTokens"] = usage.output_tokens
        out["reasoningTokens"] = reasoning
        raw_out = {
            "total": usage.output_tokens,
            "text": usage.output_tokens - reasoning,
            "reasoning": reasoning,
        }
    total = usage.total_tokens
    if total is None:
        total = (usage.input_tokens or 0) + (usage.output_tokens or 0)
    out["totalTokens"] = total
    raw: dict[str, Any] = {"inputTokens": raw_in, "outputTokens": raw_out}
    if usage.raw is not None:
        raw["raw"] = usage.raw
    out["raw"] = raw
    return out


def _sum_usage(steps: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for key in (
        "inputTokens",
        "outputTokens",
        "totalTokens",
        "reasoningTokens",
        "cachedInputTokens",
    ):
        values = [s["usage"][key] for s in steps if key in s["usage"]]
        if values:
            total[key] = sum(values)
    total.setdefault("totalTokens", 0)
    total["raw"] = steps[-1]["usage"]["raw"] if steps else {"inputTokens": {}, "outputTokens": {}}
    return total


def _parse_args(text: str | None) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {}


def _ui_tool_part(
    call: dict[str, Any], result_part: dict[str, Any], **outcome: Any
) -> dict[str, Any]:
    """A finished tool call as an AI SDK v5 UI part (``tool-<name>``)."""
    part: dict[str, Any] = {
        "type": f"tool-{call['toolName']}",
        "toolCallId": call["toolCallId"],
        "input": call["args"],
        **outcome,
        "state": "output-error" if "errorText" in outcome else "output-available",
    }
    if result_part.get("providerOptions"):
        part["callProviderMetadata"] = result_part["providerOptions"]
    return part


class _RunWriter(ToolStream):
    """The ``writer`` of a tool an agent runs: what it writes goes into the agent's stream.

    As in Mastra 1.71, ``write(data)`` is a ``tool-output`` chunk and ``custom(chunk)`` the
    ``data-*`` chunk as given, both in the stream before the call's ``tool-result``; a
    ``data-*`` chunk that is not ``transient`` is also kept as a part of the answer message.
    """

    def __init__(self, run: _Run, call: dict[str, Any], pending: _PendingStep | None) -> None:
        super().__init__(
            tool_call_id=call["toolCallId"],
            tool_name=call["toolName"],
            run_id=run.run_id,
            sink=self._take,
        )
        self.streaming = run.streaming
        self._run = run
        self._pending = pending
        self._loop = asyncio.get_running_loop()

    def _take(self, chunk: dict[str, Any]) -> None:
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is self._loop:
            self._deliver(chunk)
        else:  # a synchronous execute runs in a worker thread: hand over to the run's loop
            self._loop.call_soon_threadsafe(self._deliver, chunk)

    def _deliver(self, chunk: dict[str, Any]) -> None:
        kind = chunk.get("type")
        if isinstance(kind, str) and kind.startswith("data-") and not chunk.get("transient"):
            part: dict[str, Any] = {"type": kind, "createdAt": int(time.time() * 1000)}
            if "data" in chunk:
                part["data"] = chunk["data"]
            if self._pending is not None:
                self._pending.data_parts.append(part)
        if self._run.push is not None:
            self._run.push(chunk)


class _SubAgentTool(Tool):
    """A sub-agent offered to the model as the tool ``agent-<key>``, as Mastra does."""

    def __init__(self, key: str, agent: Agent, parent: Agent) -> None:
        super().__init__(
            id=f"agent-{key}",
            description=agent.description or f"Call the {agent.name or agent.id} agent",
            input_schema=_SUB_AGENT_SCHEMA,
            execute=self._run_sub_agent,
        )
        self.key = key
        self.agent = agent
        self.parent = parent

    async def _run_sub_agent(self, input: Any, context: ToolExecutionContext) -> Any:
        args = dict(input) if isinstance(input, Mapping) else {}
        conversation = [m for m in (context.messages or []) if m.get("role") in ("system", "user")]
        options: dict[str, Any] = {"request_context": context.request_context}
        if args.get("instructions"):
            options["system"] = args["instructions"]
        steps = args.get("maxSteps")
        if steps not in (None, ""):
            options["max_steps"] = max(3, int(float(steps)))
        mastra = self.parent.get_mastra_instance()
        if mastra is not None and self.agent.get_mastra_instance() is None:
            # as Mastra registers sub-agents: its storage also keeps the sub-agent's paused runs
            self.agent.register_mastra(mastra)
        waiting = context.agent.suspend_options if context.agent is not None else None
        delegated = (waiting or {}).get("delegatedRunId")
        writer = context.writer
        if isinstance(writer, _RunWriter) and writer.streaming:
            return await self._stream_sub_agent(
                writer,
                context,
                delegated,
                [*conversation, {"role": "user", "content": args.get("prompt", "")}],
                options,
                args,
            )
        if delegated and context.agent is not None:
            # the supervisor was resumed: the decision goes down to the sub-agent's paused run
            result = await self.agent.resume_generate(
                context.agent.resume_data, run_id=delegated, request_context=context.request_context
            )
        else:
            result = await self.agent.generate(
                [*conversation, {"role": "user", "content": args.get("prompt", "")}], **options
            )
        if result.finish_reason == "suspended" and context.agent is not None:
            # a call of the sub-agent waits: the supervisor's run pauses with its payload
            return await context.agent.suspend(
                result["suspendPayload"],
                {"resumeSchema": result.get("resumeSchema"), "delegatedRunId": result.run_id},
            )
        return {
            "text": result.text,
            "subAgentThreadId": self._thread_id(args.get("threadId")),
            "subAgentResourceId": self._resource_id(args.get("resourceId")),
            "subAgentToolResults": [c["payload"] for c in result["toolResults"]],
        }

    async def _stream_sub_agent(
        self,
        writer: _RunWriter,
        context: ToolExecutionContext,
        delegated: Any,
        messages: list[Any],
        options: dict[str, Any],
        args: Mapping[str, Any],
    ) -> Any:
        """A streaming supervisor streams its sub-agent and passes every chunk on (Mastra 1.71):
        ``data-*`` chunks as they are, the others as the ``output`` of ``tool-output`` chunks.

        When a call of the sub-agent waits for approval, the supervisor's run waits with the
        sub-agent's ``tool-call-approval``; when one suspends, with its payload and schema.
        """
        if delegated and context.agent is not None:
            stream = await self.agent.resume_stream(
                context.agent.resume_data, run_id=delegated, request_context=context.request_context
            )
        else:
            stream = await self.agent.stream(messages, **options)
        approval: Any = None
        waiting: Any = None
        resume_schema: Any = None
        async for chunk in stream.full_stream:
            kind = chunk["type"]
            if kind.startswith("data-"):
                writer.custom(chunk)
            else:
                writer.write(chunk)
            payload = chunk.get("payload")
            if kind == "tool-call-approval":
                approval = payload or True
                waiting = {"requireToolApproval": payload or {}}
            elif kind == "tool-call-suspended":
                waiting = payload.get("suspendPayload")
                resume_schema = payload.get("resumeSchema")
        result = await stream.get_full_output()
        if context.agent is not None and (
            _js_truthy(approval) or _js_truthy(waiting) or _js_truthy(resume_schema)
        ):
            return await context.agent.suspend(
                waiting,
                {
                    "resumeSchema": resume_schema,
                    "requireToolApproval": approval,
                    "delegatedRunId": stream.run_id,
                },
            )
        return {
            "text": result.text,
            "subAgentThreadId": self._thread_id(args.get("threadId")),
            "subAgentResourceId": self._resource_id(args.get("resourceId")),
            "subAgentToolResults": [c["payload"] for c in result["toolResults"]],
        }

    def _thread_id(self, given: Any) -> str:
        """Mastra 1.71: ``<threadId>-<uuid>`` when the model names a thread, else a new id."""
        if given:
            return f"{given}-{uuid.uuid4()}"
        return self._new_id()

    def _resource_id(self, given: Any) -> str:
        """Mastra 1.71: ``<resourceId>-<key>`` when the model names a resource, else an id from
        the parent's Mastra instance, else ``<slugified parent id>-<key>``.

        The parent run's own thread and resource play no part in it.
        """
        if given:
            return f"{given}-{self.key}"
        mastra = self.parent.get_mastra_instance()
        if mastra is not None:
            return str(mastra.generate_id())
        return f"{_slugify(self.parent.id)}-{self.key}"

    def _new_id(self) -> str:
        mastra = self.parent.get_mastra_instance()
        return str(mastra.generate_id()) if mastra is not None else str(uuid.uuid4())


def _js_truthy(value: Any) -> bool:
    """JavaScript's truthiness: empty objects and lists count as true."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0  # NaN and 0 are false
    return True


_SLUG_REPLACEMENTS = (("&", " and "), ("\U0001f984", " unicorn "), ("\u2665", " love "))


def _slugify(text: str) -> str:
    """``@sindresorhus/slugify`` as Mastra calls it (decamelize, lowercase, ``-`` separators).

    Transliteration is limited to removing diacritics; other non-ASCII letters separate words.
    """
    for old, new in _SLUG_REPLACEMENTS:
        text = text.replace(old, new)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"([A-Z]{2,})(\d+)", r"\1 \2", text)
    text = re.sub(r"([a-z\d]+)([A-Z]{2,})", r"\1 \2", text)
    text = re.sub(r"([a-z\d])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-rt-z\d]+)", r"\1 \2", text)
    text = text.lower()
    text = re.sub(r"([a-zA-Z\d]+)'([ts])(\s|$)", r"\1\2\3", text)
    text = re.sub(r"[^a-z\d]+", "-", text)
    text = re.sub(r"-{2,}", "-", text)
    return re.sub(r"^-|-$", "", text)


class Agent:
    """An agent: instructions, a model, tools and sub-agents (Mastra's ``Agent``)."""

    def __init__(
        self,
        *,
        id: str | None = None,
        name: str | None = None,
        description: str | None = None,
        instructions: Any = None,
        model: Any = None,
        tools: Mapping[str, Tool] | Callable[..., Any] | None = None,
        agents: Mapping[str, Agent] | Callable[..., Any] | None = None,
        workflows: Mapping[str, Any] | None = None,
        default_options: Mapping[str, Any] | Callable[..., Any] | None = None,
        memory: Any = None,
        max_retries: int = 0,
        mastra: Any = None,
    ) -> None:
        agent_id = id or name
        if not agent_id:
            raise AgentConfigError("An agent needs an id (or a name): Agent(id='my-agent', ...)")
        if model is None:
            raise AgentConfigError(
                f"LanguageModel is required to create an Agent: agent {agent_id!r} has no model. "
                "Pass model='openai/gpt-4o-mini', a provider object, or "
                "{'id': 'provider/model', 'url': ..., 'api_key': ...}."
            )
        if tools is not None and not callable(tools):
            for key, tool in tools.items():
                if not isinstance(tool, Tool):
                    raise AgentConfigError(
                        f"tools[{key!r}] of agent {agent_id!r} is a {type(tool).__name__}, "
                        "not a Tool; build it with create_tool(...)"
                    )
        self.id = agent_id
        self.name = name
        self.description = description
        self.instructions = instructions
        self.model = model
        self.tools = tools
        self.agents = agents
        self.workflows = workflows
        self.default_options = default_options
        self.memory = memory
        self.max_retries = max_retries
        self._mastra = mastra
        # runs paused at a tool call, by run id: kept in this process until resumed
        self._suspended_runs: dict[str, _Run] = {}
        self._static_model: LanguageModel | None = None
        if not callable(model) or isinstance(model, LanguageModel):
            self._static_model = resolve_model(model)

    def __repr__(self) -> str:
        return f"Agent(id={self.id!r})"

    def update_model(self, model: Any) -> None:
        """Replace the agent's model (Mastra's ``agent.__updateModel({ model })``)."""
        if model is None:
            raise AgentConfigError(f"update_model() of agent {self.id!r} needs a model, not None")
        self.model = model
        self._static_model = (
            resolve_model(model)
            if not callable(model) or isinstance(model, LanguageModel)
            else None
        )

    # Mastra accessors --------------------------------------------------------------------------
    def register_mastra(self, mastra: Any) -> None:
        """Called by ``Mastra`` when the agent is registered."""
        self._mastra = mastra

    def get_memory(self) -> Any:
        """The agent's memory. One created without storage uses the storage of the Mastra the
        agent is registered with (Mastra 1.x's ``getMemory``: own storage wins, else
        ``mastra.getStorage()`` when it has one)."""
        memory = self.memory
        if memory is not None and self._mastra is not None:
            get_storage = getattr(self._mastra, "get_storage", None)
            storage = get_storage() if get_storage is not None else None
            register = getattr(memory, "register_storage", None)
            if storage is not None and register is not None:
                register(storage)
        return memory

    def get_mastra_instance(self) -> Any:
        """The Mastra instance this agent is registered with, if any."""
        return self._mastra

    async def get_instructions(self, request_context: Any = None) -> Any:
        """The instructions, resolving a function of the request context."""
        rc = (
            RequestContext(request_context)
            if not isinstance(request_context, RequestContext)
            else request_context
        )
        value = self.instructions
        if callable(value):
            value = await _maybe_await(_call_dynamic(value, rc, self._mastra))
        return value

    async def get_model(self, request_context: Any = None) -> LanguageModel:
        """The model, resolving a function of the request context."""
        if self._static_model is not None:
            return self._static_model
        rc = (
            RequestContext(request_context)
            if not isinstance(request_context, RequestContext)
            else request_context
        )
        spec = await _maybe_await(_call_dynamic(self.model, rc, self._mastra))
        return resolve_model(spec)

    async def list_tools(self, request_context: Any = None) -> dict[str, Tool]:
        """The tools the model sees, keyed by the names it sees (sub-agents included)."""
        rc = (
            RequestContext(request_context)
            if not isinstance(request_context, RequestContext)
            else request_context
        )
        tools: dict[str, Tool] = {}
        source = self.tools
        if callable(source):
            source = await _maybe_await(_call_dynamic(source, rc, self._mastra))
        tools.update(source or {})
        agents = self.agents
        if callable(agents):
            agents = await _maybe_await(_call_dynamic(agents, rc, self._mastra))
        for key, sub in (agents or {}).items():
            tools[f"agent-{key}"] = _SubAgentTool(key, sub, self)
        workflows = self.workflows
        if callable(workflows):
            workflows = await _maybe_await(_call_dynamic(workflows, rc, self._mastra))
        if workflows:
            from lumos_compat.workflows.tool import WorkflowTool

            for key, workflow in workflows.items():
                tools[f"workflow-{key}"] = WorkflowTool(key, workflow)
        return tools

    def list_agents(self) -> dict[str, Agent]:
        """The sub-agents."""
        return dict(self.agents or {}) if not callable(self.agents) else {}

    async def get_default_options(self, request_context: Any = None) -> dict[str, Any]:
        """The default options merged into every call."""
        value = self.default_options
        if callable(value):
            rc = (
                RequestContext(request_context)
                if not isinstance(request_context, RequestContext)
                else request_context
            )
            value = await _maybe_await(_call_dynamic(value, rc, self._mastra))
        return dict(value or {})

    # calls -------------------------------------------------------------------------------------
    async def generate(
        self, messages: Any, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentOutput:
        """Run the agent to completion and return Mastra's ``FullOutput`` shape."""
        run = await self._prepare(messages, options, kwargs, streaming=False)
        await run.execute(None)
        return run.output()

    async def stream(
        self, messages: Any, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentStream:
        """Start the agent and return a stream of Mastra chunks with awaitable results."""
        run = await self._prepare(messages, options, kwargs, streaming=True)
        return AgentStream(run)

    # suspended runs -----------------------------------------------------------------------------
    async def resume_stream(
        self, resume_data: Any = None, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentStream:
        """Go on with a suspended run, streaming (Mastra's ``resumeStream(resumeData, {runId})``).

        ``resume_data`` reaches the suspended tool as ``context.agent.resume_data``; for a call
        waiting for approval it is ``{"approved": bool, "reason"?: str}``.
        """
        run, decision = await self._take_suspended(
            resume_data, options, kwargs, "resumeStream", True
        )
        return AgentStream(run, decision)

    async def resume_generate(
        self, resume_data: Any = None, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentOutput:
        """Go on with a suspended run to its end (Mastra's ``resumeGenerate``)."""
        run, decision = await self._take_suspended(
            resume_data, options, kwargs, "resumeGenerate", False
        )
        await run.execute(None, decision)
        return run.output()

    async def approve_tool_call(
        self, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentStream:
        """Approve the call a run waits on and stream the rest (Mastra's ``approveToolCall``)."""
        return await self.resume_stream({"approved": True}, options, **kwargs)

    async def decline_tool_call(
        self, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentStream:
        """Decline the call a run waits on; ``reason`` goes to the model (``declineToolCall``)."""
        rest, reason = _split_reason(options, kwargs)
        return await self.resume_stream(_declined(reason), rest)

    async def approve_tool_call_generate(
        self, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentOutput:
        """``approve_tool_call`` returning the full output (``approveToolCallGenerate``)."""
        return await self.resume_generate({"approved": True}, options, **kwargs)

    async def decline_tool_call_generate(
        self, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> AgentOutput:
        """``decline_tool_call`` returning the full output (``declineToolCallGenerate``)."""
        rest, reason = _split_reason(options, kwargs)
        return await self.resume_generate(_declined(reason), rest)

    async def list_suspended_runs(self, options: Mapping[str, Any] | None = None) -> MastraRecord:
        """Runs waiting for a resume (Mastra's ``listSuspendedRuns``): ``{runs: [...]}``.

        Each run is ``{runId, toolCalls: [{toolCallId, toolName, args, requiresApproval,
        suspendPayload?}]}``; with storage on the Mastra instance, runs saved by other processes
        are listed too. ``options`` may name a ``resourceId``.
        """
        resource = (options or {}).get("resourceId") or (options or {}).get("resource_id")
        found: dict[str, dict[str, Any]] = {}
        for run_id, run in self._suspended_runs.items():
            assert run.suspension is not None
            if resource is None or (run.opts.memory or {}).get("resource") == resource:
                found[run_id] = {
                    "kind": run.suspension.kind,
                    "payload": run.suspension.payload,
                }
        store = _stored.snapshot_store(self)
        if store is not None:
            listed = await store.list_workflow_runs(_stored.WORKFLOW_ID, resource_id=resource)
            for row in listed["runs"]:
                snap = row["snapshot"]
                if snap.get("agentId") == self.id and snap.get("status") == "suspended":
                    found.setdefault(row["runId"], snap["suspension"])
        runs = []
        for run_id, suspension in found.items():
            payload = suspension["payload"]
            call = {
                "toolCallId": payload["toolCallId"],
                "toolName": payload["toolName"],
                "args": payload["args"],
                "requiresApproval": suspension["kind"] == "approval",
            }
            if suspension["kind"] == "suspend":
                call["suspendPayload"] = payload.get("suspendPayload")
            runs.append({"runId": run_id, "toolCalls": [call]})
        return MastraRecord({"runs": runs})

    async def _take_suspended(
        self,
        resume_data: Any,
        options: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
        method: str,
        streaming: bool,
    ) -> tuple[_Run, _Decision]:
        merged = {_snake_key(k): v for k, v in {**(options or {}), **kwargs}.items()}
        run_id = merged.pop("run_id", None) or ""
        tool_call_id = merged.pop("tool_call_id", None)
        name = self.name or self.id
        run = self._suspended_runs.get(run_id)
        if run is not None and run.suspension is not None:
            _check_waiting(name, method, run_id, run.suspension.payload, tool_call_id)
        snapshot = None
        if run is None or run.persisted:
            try:
                snapshot = await _stored.claim(
                    self,
                    run_id,
                    method,
                    lambda waiting: _check_waiting(name, method, run_id, waiting, tool_call_id),
                )
            except AgentResumeError:
                # taken by another resume (the call was checked above): not ours to go on with
                self._suspended_runs.pop(run_id, None)
                raise
            if run is not None and snapshot is None:  # finished by another process
                del self._suspended_runs[run_id]
                run = None
        if run is None and snapshot is None:
            raise AgentResumeError(
                f'Agent "{name}" {method}() could not find a suspended run for runId "{run_id}". '
                "The run may have already completed, never suspended, or the runId is invalid. "
                f"Ensure you are calling {method}() only with a runId from a currently-suspended "
                "run (result.run_id / stream.run_id of a run whose finish reason is 'suspended')."
            )
        if run is None:
            assert snapshot is not None
            run = await _stored.restore(self, snapshot)
        else:
            del self._suspended_runs[run_id]
        suspension = run.suspension
        assert suspension is not None
        overrides = normalize_options(None, merged, {}) if merged else None
        run.prepare_resume(streaming, overrides)
        return run, _Decision(
            suspension.kind,
            suspension.index,
            resume_data,
            suspension.payload.get("suspendPayload"),
            dict(suspension.meta),
        )

    async def _prepare(
        self,
        messages: Any,
        options: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
        *,
        streaming: bool,
    ) -> _Run:
        defaults = await self.get_default_options(
            (options or {}).get("requestContext") or kwargs.get("request_context")
        )
        opts = normalize_options(defaults, options, kwargs)
        rc = opts.request_context
        if not isinstance(rc, RequestContext):
            rc = RequestContext(rc)
            opts.request_context = rc
        model = resolve_model(opts.model) if opts.model is not None else await self.get_model(rc)
        instructions = (
            opts.instructions if opts.instructions is not None else await self.get_instructions(rc)
        )
        tools = await self.list_tools(rc)
        for toolset in (opts.toolsets or {}).values():
            tools.update(toolset)
        if opts.client_tools:
            tools.update(opts.client_tools)
        if opts.active_tools is not None:
            allowed = set(opts.active_tools)
            tools = {k: v for k, v in tools.items() if k in allowed}
        if opts.memory is not None and self.memory is None:
            raise AgentConfigError(
                f"memory={opts.memory!r} was given to agent {self.id!r}, which has no memory; "
                "configure Agent(memory=Memory(...)) first"
            )
        given = normalize_input(messages)
        if any(m["role"] == "system" and not m["content"] for m in given):
            # probed on Mastra 1.71: generate() and stream() both throw before any request
            raise AgentConfigError(
                "Invalid system message format. System messages must include 'role' and "
                "'content' properties. The content should be a string. A system message in the "
                f"messages given to agent {self.id!r} has empty content: give it text or leave "
                "it out."
            )
        run = _Run(self, model, instructions, tools, given, opts, streaming)
        if opts.memory is not None:
            self.get_memory()
            await run.load_memory()
        return run


def _snake_key(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _check_waiting(
    name: str, method: str, run_id: str, waiting: Mapping[str, Any], tool_call_id: Any
) -> None:
    if tool_call_id is not None and tool_call_id != waiting.get("toolCallId"):
        raise AgentResumeError(
            f'Agent "{name}" {method}() cannot resume tool call "{tool_call_id}" because it is '
            f'not suspended; run "{run_id}" waits on tool call "{waiting.get("toolCallId")}".'
        )


def _split_reason(
    options: Mapping[str, Any] | None, kwargs: Mapping[str, Any]
) -> tuple[dict[str, Any], Any]:
    rest = {**(options or {}), **kwargs}
    return rest, rest.pop("reason", None)


def _declined(reason: Any) -> dict[str, Any]:
    return {"approved": False, **({"reason": reason} if reason is not None else {})}


# the chunk types Mastra hands to ``onChunk`` (probed on 1.71: no start/step/finish/text-start...)
_ON_CHUNK_TYPES = frozenset(
    {
        "text-delta",
        "reasoning-delta",
        "source",
        "file",
        "raw",
        "tool-call-input-streaming-start",
        "tool-call-delta",
        "tool-call-input-streaming-end",
        "tool-call",
        "tool-result",
        "tool-error",
    }
)


class _Aborted(Exception):
    """The run's abort signal fired while it waited for the model."""


class _Run:
    """One generate/stream call: the loop and everything it accumulates."""

    def __init__(
        self,
        agent: Agent,
        model: LanguageModel,
        instructions: Any,
        tools: dict[str, Tool],
        input_messages: list[dict[str, Any]],
        opts: ExecutionOptions,
        streaming: bool,
    ) -> None:
        self.agent = agent
        self.model = model
        self.tools = tools
        self.opts = opts
        self.streaming = streaming
        self.run_id = opts.run_id or str(uuid.uuid4())
        self.message_id = str(uuid.uuid4())
        self.abort = opts.abort_signal if isinstance(opts.abort_signal, AbortSignal) else None
        self.warnings: list[Any] = []
        self.provider_name = model.provider.split(".", 1)[0]
        system_in = [m for m in input_messages if m["role"] == "system"]
        self.input_messages = [m for m in input_messages if m["role"] != "system"]
        self.prompt: list[dict[str, Any]] = [
            *system_messages(instructions),
            *system_in,
            *system_messages(opts.system),
            *normalize_input(opts.context or []),
            *self.input_messages,
        ]
        self.steps: list[dict[str, Any]] = []
        self.tool_calls: list[Chunk] = []
        self.tool_results: list[Chunk] = []
        self.response_messages: list[dict[str, Any]] = []
        self.assistant_parts: list[dict[str, Any]] = []
        # the assistant message as an AI SDK v5 UI message's parts (the finish chunk's response)
        self.ui_parts: list[dict[str, Any]] = []
        self.tool_invocations: list[dict[str, Any]] = []
        self.text = ""
        self.finish_reason = "unknown"
        self.object: Any = None
        # the structured answer: every step's text (Mastra reads them as one), whether its value
        # was read, and why it could not be
        self._answer = ""
        self._answer_read = False
        self._answer_error: StructuredOutputError | None = None
        self._used_fallback = False
        self.error: BaseException | None = None
        self.last_response: dict[str, Any] = {}
        self.last_request: Any = None
        self.created = time.time()
        self._structured = self._structured_schema()
        self._tool_defs = self._tool_definitions()
        self.memory_turn: Any = None
        self.remembered: list[dict[str, Any]] = []
        self._db_inputs: list[dict[str, Any]] | None = None
        self._db_answers: dict[bool, list[dict[str, Any]]] = {}
        self.pending: _PendingStep | None = None
        self.suspension: _Suspension | None = None
        # after a resume: the assistant message of the paused part keeps its id and these parts
        self._paused_message: tuple[str, int] | None = None
        self._resumed_parts: list[dict[str, Any]] = []
        # data-* parts written before the pause (kept by the paused message) and after it
        self._paused_data: list[dict[str, Any]] = []
        self._resumed_data: list[dict[str, Any]] = []
        self.persisted = False  # a snapshot of this run is in the Mastra storage
        # puts a chunk into the caller's stream at once (tools' writer chunks); None for generate
        self.push: Push | None = None

    def prepare_resume(self, streaming: bool, overrides: ExecutionOptions | None) -> None:
        """Get a suspended run ready to go on: a new answer message, callbacks of the resume call."""
        assert self.pending is not None
        self.streaming = streaming
        self._paused_message = (self.message_id, len(self.assistant_parts))
        self.message_id = str(uuid.uuid4())
        self.pending.resumed = True
        self.suspension = None
        self.finish_reason = "unknown"
        self.error = None
        self._db_answers = {}
        self._resumed_parts = []
        self._paused_data = list(self.pending.data_parts)
        self._resumed_data = []
        self.pending.data_parts.clear()
        if overrides is not None:
            for name in ("on_chunk", "on_finish", "on_step_finish", "on_error", "on_abort"):
                value = getattr(overrides, name)
                if value is not None:
                    setattr(self.opts, name, value)
            if isinstance(overrides.abort_signal, AbortSignal):
                self.abort = overrides.abort_signal
            if overrides.structured_output is not None:
                # a schema class cannot be stored: Mastra too takes it from the resume call
                self.opts.structured_output = overrides.structured_output
                self._structured = self._structured_schema()

    # setup ---------------------------------------------------------------------------------------
    def _structured_schema(self) -> tuple[Any, dict[str, Any]] | None:
        so = self.opts.structured_output
        if not so:
            return None
        schema = so.get("schema")
        if schema is None:
            raise AgentConfigError(
                "structured_output needs a 'schema' (a pydantic model or a JSON Schema)"
            )
        wanted = to_json_schema(schema)
        # how the answer is read: arrays and enums are asked for wrapped in an object
        self._reader = OutputReader.for_schema(wanted)
        # for OpenAI providers Mastra rewrites the schema for strict mode
        return schema, structured_output_schema(request_schema(wanted), self.model.provider)

    def _tool_definitions(self) -> list[ToolDefinition] | None:
        if not self.tools:
            return None
        return [self._tool_definition(name, tool) for name, tool in self.tools.items()]

    def _resumable(self, tool: Tool | None) -> bool:
        """Whether the model may resume a suspended call through this tool's arguments."""
        return bool(self.opts.auto_resume_suspended_tools) and not isinstance(tool, _SubAgentTool)

    def _tool_definition(self, name: str, tool: Tool) -> ToolDefinition:
        provider, model_id = self.model.provider, self.model.model_id
        definition = tool.to_tool_definition(name, provider, model_id)
        if not self._resumable(tool) or definition.input_schema.get("type") != "object":
            return definition
        # autoResumeSuspendedTools: every tool also takes the ids and resumeData (Mastra 1.71)
        base = compile_schema(tool.input_schema).json_schema
        schema = {**base, "properties": {**base.get("properties", {}), **_RESUME_PROPERTIES}}
        if tool.strict is not False and provider:
            schema = apply_provider_compat(schema, provider, model_id)
        return ToolDefinition(
            name=definition.name,
            description=definition.description,
            input_schema=schema,
            provider_options=definition.provider_options,
            strict=definition.strict,
        )

    def _call_options(self) -> CallOptions:
        ms = self.opts.model_settings
        tool_choice = None
        if self._tool_defs:
            choice = self.opts.tool_choice or "auto"
            if isinstance(choice, str):
                tool_choice = {"type": choice}
            else:
                tool_choice = {
                    "type": "tool",
                    "toolName": choice.get("toolName") or choice.get("tool_name"),
                }
        response_format = None
        if self._structured is not None:
            response_format = {"type": "json", "schema": self._structured[1]}
        return CallOptions(
            prompt=self._model_prompt(),
            tools=self._tool_defs,
            tool_choice=tool_choice,
            max_output_tokens=ms.max_output_tokens,
            temperature=ms.temperature,
            top_p=ms.top_p,
            top_k=ms.top_k,
            presence_penalty=ms.presence_penalty,
            frequency_penalty=ms.frequency_penalty,
            stop_sequences=ms.stop_sequences,
            seed=ms.seed,
            response_format=response_format,
            headers=ms.headers,
            provider_options=self.opts.provider_options,
            include_raw_chunks=self.opts.include_raw_chunks,
        )

    def _model_prompt(self) -> list[dict[str, Any]]:
        """The prompt as the model gets it (a new list: the loop appends to ``self.prompt``)."""
        prompt = prompt_messages(self.prompt)
        if self.opts.auto_resume_suspended_tools and prompt and prompt[0]["role"] == "system":
            directive = _auto_resume_directive(self.remembered)
            if directive is not None:
                prompt[0] = {**prompt[0], "content": f"{prompt[0]['content']}{directive}"}
        return prompt

    def _chunk(self, type_: str, payload: dict[str, Any]) -> Chunk:
        return {"type": type_, "runId": self.run_id, "from": "AGENT", "payload": payload}

    # the loop ------------------------------------------------------------------------------------
    async def execute(
        self, emit: Emit | None, decision: _Decision | None = None, push: Push | None = None
    ) -> None:
        """Run the loop, passing every chunk to ``emit`` (and ``on_chunk``).

        With ``decision`` the run goes on from the step where it was suspended (Mastra sends no
        ``start`` chunk then). ``push`` takes what tools write, at once and without ``on_chunk``.
        """
        on_chunk = self.opts.on_chunk
        self.push = push

        async def send(chunk: Chunk) -> None:
            if on_chunk is not None and chunk["type"] in _ON_CHUNK_TYPES:
                await _maybe_await(on_chunk(chunk))
            if emit is not None:
                await emit(chunk)

        try:
            first = 0
            if decision is None:
                await send(
                    self._chunk("start", {"id": self.agent.id, "messageId": self.message_id})
                )
                more: bool | None = True
            else:
                assert self.pending is not None
                first = self.pending.index + 1
                more = await self._finish_step(self.pending, send, decision)
            max_steps = self.opts.max_steps
            for index in range(first, max_steps):
                if not more:
                    break
                if self.abort is not None and self.abort.aborted:
                    raise _Aborted
                more = await self._step(index, send)
            if more is None:
                # a call waits for a human: no step-finish, no finish (as in Mastra 1.71)
                self.finish_reason = "suspended"
                self.agent._suspended_runs[self.run_id] = self
                if self.memory_turn is not None:
                    await self.save_memory()
                if await _stored.save(self):
                    self.persisted = True
                return
            if self.persisted:
                await _stored.forget(self)
                self.persisted = False
            if self.memory_turn is not None:
                await self.save_memory(send)
            await self._finish(send)
        except _Aborted:
            await send(self._chunk("abort", {}))
            self.finish_reason = "abort"
            if self.opts.on_abort is not None:
                await _maybe_await(self.opts.on_abort({"steps": self.steps}))
        except Exception as exc:  # the run failed: surface as Mastra does
            self.error = exc
            self.finish_reason = "error"
            if self.opts.on_error is not None:
                await _maybe_await(self.opts.on_error({"error": exc}))
            if emit is None:
                raise
            await send(self._chunk("error", {"error": exc}))

    async def _call_model(self, send: Emit, options: CallOptions) -> dict[str, Any]:
        """One model call; streams deltas through ``send``; returns what the step produced."""
        state: dict[str, Any] = {
            "text": "",
            "reasoning": "",
            "content": [],
            "calls": [],
            "finish": "unknown",
            "raw_finish": None,
            "usage": None,
            "response": None,
            "request_body": None,
            "warnings": [],
            "provider_metadata": None,
        }
        retries = self.opts.model_settings.max_retries or self.agent.max_retries or 0
        attempt = 0
        while True:
            try:
                if self.streaming:
                    await self._abortable(
                        self._consume_stream(self.model.do_stream(options), send, state)
                    )
                else:
                    result = await self._abortable(self.model.do_generate(options))
                    self._consume_result(result, state)
                    if self.opts.on_chunk is not None:
                        await self._replay_result(result, state, send)
                return state
            except ModelCallError as exc:
                if attempt < retries and exc.is_retryable:
                    attempt += 1
                    await asyncio.sleep(min(2.0, 0.05 * 2**attempt))
                    continue
                raise

    async def _abortable(self, work: Awaitable[Any]) -> Any:
        """Await ``work``, cancelling it and raising ``_Aborted`` if the abort signal fires first."""
        signal = self.abort
        if signal is None:
            return await work
        task = asyncio.ensure_future(work)
        waiter = asyncio.ensure_future(signal.wait())
        try:
            await asyncio.wait((task, waiter), return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if task.cancelled():
            raise _Aborted
        return task.result()

    async def _replay_result(self, result: Any, state: dict[str, Any], send: Emit) -> None:
        """generate() makes no stream, but Mastra still hands ``onChunk`` the content as chunks."""
        calls = iter(state["calls"])
        for part in result.content:
            kind = part["type"]
            if kind == "text" and part["text"]:
                await send(self._chunk("text-delta", {"id": "text-0", "text": part["text"]}))
            elif kind == "reasoning" and part["text"]:
                payload = {"id": "reasoning-0", "text": part["text"]}
                await send(self._chunk("reasoning-delta", payload))
            elif kind == "tool-call":
                call = next(calls)
                ids = {"toolCallId": call["toolCallId"]}
                named = {**ids, "toolName": call["toolName"]}
                await send(self._chunk("tool-call-input-streaming-start", named))
                await send(self._chunk("tool-call-delta", {"argsTextDelta": call["raw"], **named}))
                await send(self._chunk("tool-call-input-streaming-end", ids))

    def _consume_result(self, result: Any, state: dict[str, Any]) -> None:
        for part in result.content:
            kind = part["type"]
            if kind == "text":
                state["text"] += part["text"]
                if part.get("providerMetadata"):
                    state["text_meta"] = part["providerMetadata"]
            elif kind == "reasoning":
                state["reasoning"] += part["text"]
            elif kind == "tool-call":
                state["calls"].append(
                    {
                        "toolCallId": part.get("toolCallId") or generate_id(),
                        "toolName": part["toolName"],
                        "raw": part.get("input") or "",
                        "meta": part.get("providerMetadata"),
                    }
                )
        state["finish"] = result.finish_reason
        state["raw_finish"] = result.raw_finish_reason
        state["usage"] = result.usage
        state["response"] = result.response
        state["request_body"] = result.request_body
        state["warnings"] = list(result.warnings or [])
        state["provider_metadata"] = result.provider_metadata

    async def _consume_stream(
        self, parts: AsyncIterator[StreamPart], send: Emit, state: dict[str, Any]
    ) -> None:
        text_open: dict[str, bool] = {}
        names: dict[str, str] = {}
        async for part in parts:
            kind = part.type
            if kind == "text-delta":
                delta = part.delta or ""
                state["text"] += delta
                if self._structured is not None:
                    # the value so far goes out just before the delta that made it (Mastra 1.71)
                    changed, partial = self._reader.partial(self._answer + state["text"])
                    if changed:
                        await send(
                            {
                                "type": "object",
                                "runId": self.run_id,
                                "from": "AGENT",
                                "object": partial,
                            }
                        )
                await send(self._chunk("text-delta", {"id": part.id, "text": delta}))
            elif kind == "text-start":
                text_open[part.id or ""] = True
                payload = {"id": part.id}
                if part.provider_metadata:
                    payload["providerMetadata"] = part.provider_metadata
                    state["text_meta"] = part.provider_metadata
                await send(self._chunk("text-start", payload))
            elif kind == "text-end":
                text_open.pop(part.id or "", None)
                payload = {"id": part.id, "type": "text-end"}
                if part.provider_metadata:
                    payload["providerMetadata"] = part.provider_metadata
                await send(self._chunk("text-end", payload))
            elif kind == "tool-input-start":
                names[part.id or ""] = part.tool_name or ""
                await send(
                    self._chunk(
                        "tool-call-input-streaming-start",
                        {"toolCallId": part.id, "toolName": part.tool_name},
                    )
                )
            elif kind == "tool-input-delta":
                await send(
                    self._chunk(
                        "tool-call-delta",
                        {
                            "argsTextDelta": part.delta,
                            "toolCallId": part.id,
                            "toolName": names.get(part.id or ""),
                        },
                    )
                )
            elif kind == "tool-input-end":
                await send(self._chunk("tool-call-input-streaming-end", {"toolCallId": part.id}))
            elif kind == "tool-call":
                call = {
                    "toolCallId": part.tool_call_id or generate_id(),
                    "toolName": part.tool_name,
                    "raw": part.input or "",
                    "meta": part.provider_metadata,
                }
                state["calls"].append(call)
                await send(
                    self._chunk("tool-call", self._call_payload(call, _parse_args(call["raw"])))
                )
            elif kind in ("reasoning-start", "reasoning-end"):
                await send(self._chunk(kind, {"id": part.id}))
            elif kind == "reasoning-delta":
                state["reasoning"] += part.delta or ""
                await send(self._chunk("reasoning-delta", {"id": part.id, "text": part.delta}))
            elif kind == "stream-start":
                state["warnings"] = list(part.warnings or [])
                if part.request_body is not None:
                    state["request_body"] = part.request_body
            elif kind == "response-metadata":
                state["response"] = part.response
            elif kind == "finish":
                state["finish"] = part.finish_reason or "unknown"
                state["raw_finish"] = part.raw_finish_reason
                state["usage"] = part.usage
                state["provider_metadata"] = part.provider_metadata
            elif kind == "error":
                raise part.error or ModelCallError("the model stream reported an error")
            elif kind == "raw" and self.opts.include_raw_chunks:
                await send(self._chunk("raw", {"raw": part.raw}))

    def _call_payload(self, call: dict[str, Any], args: Any) -> dict[str, Any]:
        payload = {"args": args, "toolCallId": call["toolCallId"], "toolName": call["toolName"]}
        # Mastra carries the provider's part metadata on tool chunks of generate() only
        if call.get("meta") and not self.streaming:
            payload["providerMetadata"] = call["meta"]
        return payload

    async def _step(self, index: int, send: Emit) -> bool:
        options = self._call_options()
        await send(
            self._chunk(
                "step-start",
                {
                    "messageId": self.message_id,
                    "request": {"body": options_body_placeholder(options)},
                    "warnings": [],
                    "startedAt": int(time.time() * 1000),
                },
            )
        )
        state = await self._call_model(send, options)
        calls = state["calls"]
        created_ms = int(time.time() * 1000)
        if index > 0 and self.assistant_parts:
            self.assistant_parts.append({"type": "step-start", "createdAt": created_ms})
            self.ui_parts.append(
                {
                    "type": "step-start",
                    "createdAt": created_ms,
                    "model": f"{self.provider_name}/{self.model.model_id}",
                }
            )
        step_content: list[dict[str, Any]] = []
        response_content: list[dict[str, Any]] = []
        if state["reasoning"]:
            step_content.append({"type": "reasoning", "text": state["reasoning"]})
        if state["text"]:
            text_part = {
                "type": "text",
                "text": state["text"],
                "providerOptions": {
                    "mastra": {"createdAt": created_ms},
                    **(state.get("text_meta") or {}),
                },
            }
            step_content.append(text_part)
            response_content.append(text_part)
            self.assistant_parts.append(
                {"type": "text", "text": state["text"], "createdAt": created_ms}
            )
            self.ui_parts.append(
                {
                    "type": "text",
                    "text": state["text"],
                    "providerMetadata": {
                        **(state.get("text_meta") or {}),
                        "mastra": {"createdAt": created_ms},
                    },
                }
            )
        step_calls: list[Chunk] = []
        for call in calls:
            args = _parse_args(call["raw"])
            call["args"] = args
            part = {
                "type": "tool-call",
                "toolCallId": call["toolCallId"],
                "toolName": call["toolName"],
                "input": args,
            }
            if call.get("meta"):
                part["providerOptions"] = call["meta"]
            step_content.append(part)
            response_content.append(part)
            chunk = self._chunk("tool-call", self._call_payload(call, args))
            step_calls.append(chunk)
            if not self.streaming:
                await send(chunk)
        self.tool_calls.extend(step_calls)
        pending = _PendingStep(
            index=index,
            state=state,
            calls=calls,
            created_ms=created_ms,
            step_content=step_content,
            response_content=response_content,
            step_calls=step_calls,
            outcomes=[_NOT_RUN] * len(calls),
        )
        return await self._finish_step(pending, send, None)

    async def _finish_step(
        self, pending: _PendingStep, send: Emit, decision: _Decision | None
    ) -> bool | None:
        """Run the step's tool calls and close the step; None when a call suspended the run."""
        if pending.calls and await self._run_tools(pending, send, decision):
            self.pending = pending
            return None
        self.pending = None
        index = pending.index
        state = pending.state
        calls = pending.calls
        created_ms = pending.created_ms
        step_content = pending.step_content
        response_content = pending.response_content
        step_calls = pending.step_calls
        outcomes = pending.outcomes
        step_results: list[Chunk] = []
        tool_message: list[dict[str, Any]] = []
        prompt_results: list[dict[str, Any]] = []
        for call, outcome in zip(calls, outcomes, strict=True):
            if outcome is None:  # client-side tool: no result
                continue
            prompt_results.append(
                {
                    "type": "tool-result",
                    "toolCallId": call["toolCallId"],
                    "toolName": call["toolName"],
                    "output": outcome.model_output,
                }
            )
            result_part = {
                "type": "tool-result",
                "toolCallId": call["toolCallId"],
                "toolName": call["toolName"],
                "input": call["args"],
                "output": outcome.model_output,
            }
            if call.get("meta"):
                result_part["providerOptions"] = call["meta"]
            if isinstance(self.tools.get(call["toolName"]), _SubAgentTool) and not outcome.is_error:
                # Mastra records the whole sub-agent result and sends the model only its text
                marker = {"mastra": {"modelOutput": outcome.model_output}}
                result_part["output"] = {"type": "json", "value": to_jsonable(outcome.output)}
                result_part["providerOptions"] = marker
                for part in step_content:
                    if part.get("toolCallId") == call["toolCallId"] and part["type"] == "tool-call":
                        part["providerOptions"] = marker
            step_content.append({k: v for k, v in result_part.items() if k != "providerOptions"})
            tool_message.append(result_part)
            if outcome.kind == "denied":
                invocation = {
                    "approval": outcome.output,
                    "args": call["args"],
                    "result": outcome.model_output["value"],
                    "state": "result",
                    "toolCallId": call["toolCallId"],
                    "toolName": call["toolName"],
                }
                self._add_invocation(invocation, created_ms, pending.resumed)
                continue
            if outcome.is_tool_error:
                failed = {
                    "args": call["args"],
                    "errorText": outcome.model_output.get("value"),
                    "state": "output-error",
                    "toolCallId": call["toolCallId"],
                    "toolName": call["toolName"],
                }
                self.assistant_parts.append(
                    {"type": "tool-invocation", "toolInvocation": failed, "createdAt": created_ms}
                )
                self.ui_parts.append(
                    _ui_tool_part(call, result_part, errorText=failed["errorText"])
                )
                continue
            payload = self._call_payload(call, call["args"])
            payload["result"] = to_jsonable(outcome.output)
            if isinstance(self.tools.get(call["toolName"]), _SubAgentTool):
                payload["providerMetadata"] = {"mastra": {"modelOutput": outcome.model_output}}
            step_results.append(self._chunk("tool-result", payload))
            invocation = {
                "args": call["args"],
                "result": payload["result"],
                "state": "result",
                "toolCallId": call["toolCallId"],
                "toolName": call["toolName"],
            }
            if call["toolCallId"] in pending.approved:
                invocation = {
                    "approval": {"approved": True, "id": call["toolCallId"]},
                    **invocation,
                }
            self._add_invocation(invocation, created_ms, pending.resumed)
            self.ui_parts.append(_ui_tool_part(call, result_part, output=payload["result"]))
        self.tool_results.extend(step_results)
        # the tools' data-* chunks follow the step's tool invocations in the message (Mastra 1.71)
        if pending.resumed:
            self._resumed_data.extend(pending.data_parts)
        else:
            self.assistant_parts.extend(pending.data_parts)
        self.ui_parts.extend(dict(p) for p in pending.data_parts)

        usage = _usage_dict(state["usage"])
        finish = state["finish"]
        response = state["response"]
        response_meta = {
            "id": getattr(response, "id", None) or f"msg-{generate_id(24)}",
            "modelId": getattr(response, "model_id", None) or self.model.model_id,
            "timestamp": iso_timestamp(getattr(response, "timestamp", None) or time.time()),
        }
        if getattr(response, "headers", None):
            response_meta["headers"] = response.headers
        model_messages: list[dict[str, Any]] = []
        if response_content:
            model_messages.append({"role": "assistant", "content": response_content})
        if tool_message:
            model_messages.append({"role": "tool", "content": tool_message})
        self.response_messages.extend(model_messages)
        body = state["request_body"]
        request = {"body": json.dumps(body, separators=(",", ":")) if body is not None else None}
        self.last_request = request
        step = {
            "content": step_content,
            "dynamicToolCalls": [],
            "dynamicToolResults": [],
            "files": [],
            "finishReason": finish,
            "providerMetadata": state["provider_metadata"] or {self.provider_name: {}},
            "reasoning": [{"type": "reasoning", "text": state["reasoning"]}]
            if state["reasoning"]
            else [],
            "reasoningText": state["reasoning"],
            "request": request,
            "response": {**response_meta, "messages": list(self.response_messages)},
            "sources": [],
            "staticToolCalls": [],
            "staticToolResults": [],
            "stepType": "initial" if index == 0 else "tool-result",
            "text": state["text"],
            "toolCalls": step_calls,
            "toolResults": step_results,
            "usage": usage,
            "warnings": state["warnings"],
        }
        self.steps.append(step)
        self.last_response = response_meta
        self.text = state["text"]
        self.finish_reason = finish
        self.warnings = list(state["warnings"])

        # next prompt: the assistant turn and the tool results
        if model_messages:
            assistant_content = [
                {k: v for k, v in p.items() if k != "providerOptions"} for p in response_content
            ]
            if assistant_content:
                self.prompt.append({"role": "assistant", "content": assistant_content})
            if prompt_results:
                self.prompt.append({"role": "tool", "content": prompt_results})
        continued = bool(calls) and all(o is not None for o in outcomes)
        continued = continued and index + 1 < self.opts.max_steps
        # the structured value is read when a step ends with answer text, before its step-finish
        self._answer += state["text"]
        await self._read_answer(send, finish)
        step_finish = self._step_finish_payload(step, usage, continued)
        await send(self._chunk("step-finish", step_finish))
        if self.opts.on_step_finish is not None:
            await _maybe_await(
                self.opts.on_step_finish(
                    {**step, "model": self.model.model_id, "runId": self.run_id}
                )
            )
        return continued

    def _add_invocation(self, invocation: dict[str, Any], created_ms: int, resumed: bool) -> None:
        part = {"type": "tool-invocation", "toolInvocation": invocation, "createdAt": created_ms}
        self.tool_invocations.append(invocation)
        self.assistant_parts.append(part)
        if resumed:
            self._resumed_parts.append(part)

    def _step_finish_payload(
        self, step: dict[str, Any], usage: dict[str, Any], continued: bool
    ) -> dict[str, Any]:
        return {
            "messageId": self.message_id,
            "stepResult": {
                "reason": step["finishReason"],
                "isContinued": continued,
                "warnings": step["warnings"],
            },
            "metadata": {
                **self.last_response,
                "modelMetadata": self._model_metadata(),
                "request": step["request"],
            },
            "output": {
                "text": step["text"],
                "toolCalls": [c["payload"] for c in step["toolCalls"]],
                "usage": usage,
            },
            "messages": {
                "all": [*self.input_messages, *self.response_messages],
                "user": list(self.input_messages),
                "nonUser": list(self.response_messages),
            },
            "processorRetryCount": 0,
        }

    def _memory_output_processors(self) -> bool:
        """Whether Mastra 1.71's memory adds output processors to this call (then the ``finish``
        chunk carries ``response``): semantic recall, or message history (``lastMessages`` not
        ``false`` or 0). A memory with only working memory adds none."""
        memory = self.agent.memory
        if memory is None:
            return False
        if self.memory_turn is not None:
            config = self.memory_turn.config
        elif hasattr(memory, "merged_config"):
            config = memory.merged_config((self.opts.memory or {}).get("options"))
        else:
            return True
        if config.semantic_recall is not None:
            return True
        return config.last_messages is not False and config.last_messages != 0

    def _finish_response(self) -> dict[str, Any]:
        """What Mastra 1.71 puts under ``response`` in the ``finish`` chunk when output
        processors ran (an agent with memory): the last response metadata, the response as
        model messages and as AI SDK v5 UI messages."""
        ui: list[dict[str, Any]] = []
        if self.ui_parts:
            metadata = {
                "modelId": self.model.model_id,
                "provider": self.provider_name,
                "createdAt": iso_timestamp(self.created),
            }
            if self.memory_turn is not None:  # the message was stamped with its thread
                if self.memory_turn.thread_id:
                    metadata["threadId"] = self.memory_turn.thread_id
                if self.memory_turn.resource_id:
                    metadata["resourceId"] = self.memory_turn.resource_id
            ui.append(
                {
                    "id": self.message_id,
                    "role": "assistant",
                    "metadata": metadata,
                    "parts": list(self.ui_parts),
                }
            )
        return {
            **self.last_response,
            "modelMetadata": self._model_metadata(),
            "messages": list(self.response_messages),
            "uiMessages": ui,
        }

    def _model_metadata(self) -> dict[str, Any]:
        return {
            "modelId": self.model.model_id,
            "modelProvider": self.provider_name,
            "modelVersion": "v2",
        }

    def _needs_approval(self, tool: Tool | None, call: dict[str, Any]) -> bool:
        """Mastra's rule: the call option OR the tool flag; a tool-level function decides alone."""
        question = MastraRecord(
            {
                "toolName": call["toolName"],
                "toolCallId": call["toolCallId"],
                "args": call["args"],
                "requestContext": self.opts.request_context,
            }
        )

        def ask(rule: Any) -> bool:
            if not callable(rule):
                return bool(rule)
            try:
                return bool(rule(question))
            except Exception:  # Mastra: a failing rule means "ask a human"
                return True

        own = getattr(tool, "require_approval", False)
        if callable(own):
            return ask(own)
        return ask(self.opts.require_tool_approval) or bool(own)

    def _may_suspend(self, calls: list[dict[str, Any]]) -> bool:
        """Whether any call could pause the run (then calls run one by one, as in Mastra)."""
        if self.opts.require_tool_approval:
            return True
        for call in calls:
            tool = self.tools.get(call["toolName"])
            if tool is not None and (
                tool.require_approval
                or tool.suspend_schema is not None
                or tool.resume_schema is not None
                or isinstance(tool, _SubAgentTool)  # a sub-agent's call may wait for a human
            ):
                return True
        return False

    async def _run_call(
        self,
        call: dict[str, Any],
        prompt_snapshot: list[dict[str, Any]],
        limit: asyncio.Semaphore,
        resume_data: Any = None,
        resumed: _Decision | None = None,
        pending: _PendingStep | None = None,
    ) -> tuple[ToolOutcome | None, Any]:
        """Run one tool call; returns the outcome and ``(payload, options)`` it suspended with
        (or _NOT_RUN)."""
        tool = self.tools.get(call["toolName"])
        if tool is None:
            error = AgentConfigError(
                f"Tool {call['toolName']} not found; the model can call: "
                + ", ".join(sorted(self.tools))
            )
            return ToolOutcome(
                tool_name=call["toolName"],
                tool_call_id=call["toolCallId"],
                input=call["args"],
                kind="error",
                output=None,
                model_output={"type": "error-text", "value": str(error)},
                error=error,
            ), _NOT_RUN
        if not tool.has_execute:
            return None, _NOT_RUN
        raw: Any = call["raw"]
        if self._resumable(tool) and isinstance(call["args"], Mapping):
            # a call that resumes a suspended one: resumeData goes to the tool, not its input
            args = dict(call["args"])
            given = args.pop("resumeData", None)
            args.pop("suspendedToolCallId", None)
            args.pop("suspendedToolRunId", None)
            if len(args) != len(call["args"]):
                raw = args
            if given is not None and resume_data is None:
                resume_data = given
        suspended: list[Any] = []

        async def suspend(payload: Any = None, options: Any = None) -> None:
            # Mastra's suspend() does not throw: the tool returns right after it
            suspended.append((payload, dict(options or {})))

        writer = _RunWriter(self, call, pending)
        context = ToolExecutionContext(
            request_context=self.opts.request_context,
            mastra=self.agent.get_mastra_instance(),
            abort_signal=self.abort or AbortSignal(),
            writer=writer,
            agent=AgentToolContext(
                agent_id=self.agent.id,
                tool_call_id=call["toolCallId"],
                messages=prompt_snapshot,
                thread_id=(self.opts.memory or {}).get("thread"),
                resource_id=(self.opts.memory or {}).get("resource"),
                suspend=suspend,
                resume_data=resume_data,
                suspend_payload=resumed.suspended_with if resumed is not None else None,
                suspend_options=resumed.meta if resumed is not None else None,
            ),
            run_id=self.run_id,
            resume_data=resume_data,
            suspend_payload=resumed.suspended_with if resumed is not None else None,
            suspend=suspend,
        )
        async with limit:
            outcome = await tool.run_for_model(
                raw,
                context,
                tool_name=call["toolName"],
                tool_call_id=call["toolCallId"],
                provider=self.model.provider,
                model_id=self.model.model_id,
            )
        if suspended and not outcome.is_error:
            return None, suspended[-1]
        if isinstance(tool, _SubAgentTool) and outcome.kind == "result":
            outcome.model_output = {"type": "text", "value": outcome.output["text"]}
        return outcome, _NOT_RUN

    async def _send_outcome(self, call: dict[str, Any], outcome: ToolOutcome, send: Emit) -> None:
        if outcome.kind == "denied":
            payload = {
                "approval": outcome.output,
                "args": call["args"],
                "toolCallId": call["toolCallId"],
                "toolName": call["toolName"],
            }
            await send(self._chunk("tool-output-denied", payload))
        elif outcome.is_tool_error:
            await send(
                self._chunk(
                    "tool-error",
                    {
                        "args": call["args"],
                        "error": outcome.error,
                        "toolCallId": call["toolCallId"],
                        "toolName": call["toolName"],
                    },
                )
            )
        else:
            payload = self._call_payload(call, call["args"])
            if isinstance(self.tools.get(call["toolName"]), _SubAgentTool):
                payload["providerMetadata"] = {"mastra": {"modelOutput": outcome.model_output}}
            payload["result"] = to_jsonable(outcome.output)
            await send(self._chunk("tool-result", payload))

    async def _suspend_call(
        self, pending: _PendingStep, index: int, suspended: Any, send: Emit
    ) -> None:
        """Pause the run at a call whose tool called ``suspend(payload, options)``."""
        call = pending.calls[index]
        suspend_with, options = suspended
        approval = options.pop("requireToolApproval", None)
        if _js_truthy(approval):
            await self._wait_for_delegated_approval(
                call, index, suspend_with, approval, options, send
            )
            return
        schema = options.pop("resumeSchema", None)
        if schema is None:
            schema = _resume_schema_text(self.tools.get(call["toolName"]))
        payload = {
            "args": call["args"],
            "resumeSchema": schema,
            "suspendPayload": to_jsonable(suspend_with),
            "toolCallId": call["toolCallId"],
            "toolName": call["toolName"],
        }
        await send(self._chunk("tool-call-suspended", payload))
        self.suspension = _Suspension("suspend", index, payload, to_jsonable(options))

    async def _wait_for_delegated_approval(
        self,
        call: dict[str, Any],
        index: int,
        suspend_with: Any,
        approval: Any,
        options: dict[str, Any],
        send: Emit,
    ) -> None:
        """Pause the run at a call whose tool suspended with ``requireToolApproval`` (a streamed
        sub-agent's call waits for approval): the approval chunk names the inner call's tool and
        arguments under the outer call's id; the decision goes to the tool on resume."""
        inner = approval if isinstance(approval, Mapping) else None
        if inner is None and isinstance(suspend_with, Mapping):
            nested = suspend_with.get("requireToolApproval")
            inner = nested if isinstance(nested, Mapping) else None
        tool_name = inner.get("toolName") if inner else None
        args = inner["args"] if inner and inner.get("args") is not None else call["args"]
        payload = {
            "args": args,
            "resumeSchema": _APPROVAL_RESUME_SCHEMA,
            "toolCallId": call["toolCallId"],
            "toolName": tool_name if tool_name is not None else call["toolName"],
        }
        await send(self._chunk("tool-call-approval", payload))
        options.pop("resumeSchema", None)
        meta = {**to_jsonable(options), "resumeSchema": _DELEGATED_APPROVAL_SCHEMA}
        if payload["toolName"] != call["toolName"] or args is not call["args"]:
            meta.update({"parentToolName": call["toolName"], "parentArgs": call["args"]})
        self.suspension = _Suspension("approval", index, payload, meta)

    async def _run_tools(
        self, pending: _PendingStep, send: Emit, decision: _Decision | None
    ) -> bool:
        """Run the calls of ``pending`` not run yet; True when one of them suspended the run."""
        calls = pending.calls
        outcomes = pending.outcomes
        limit = asyncio.Semaphore(self.opts.tool_call_concurrency)
        prompt_snapshot = pending.prompt_snapshot or list(self.prompt)
        pending.prompt_snapshot = prompt_snapshot
        todo = [i for i, o in enumerate(outcomes) if o is _NOT_RUN]
        if decision is None and not self._may_suspend([calls[i] for i in todo]):
            ran = await asyncio.gather(
                *(self._run_call(calls[i], prompt_snapshot, limit, pending=pending) for i in todo)
            )
            paused = False
            for i, (outcome, suspended) in zip(todo, ran, strict=True):
                if suspended is not _NOT_RUN:
                    # a tool without suspend/resume schemas called suspend(): the first one
                    # pauses the run, any other runs again on resume
                    if not paused:
                        await self._suspend_call(pending, i, suspended, send)
                        paused = True
                    continue
                outcomes[i] = outcome
                if outcome is not None:
                    await self._send_outcome(calls[i], outcome, send)
            return paused
        for i in todo:
            call = calls[i]
            tool = self.tools.get(call["toolName"])
            resume_data: Any = None
            resumed: _Decision | None = None
            if decision is not None and decision.index == i:
                resume_data = decision.resume_data
                resumed = decision
                # a delegated approval (a sub-agent's call) is decided by the tool it went to
                if decision.kind == "approval" and not decision.meta.get("delegatedRunId"):
                    approved = isinstance(resume_data, Mapping) and bool(
                        resume_data.get("approved")
                    )
                    if not approved:
                        reason = (
                            (resume_data or {}).get("reason")
                            if isinstance(resume_data, Mapping)
                            else None
                        )
                        text = reason or _DECLINED_TEXT
                        outcomes[i] = ToolOutcome(
                            tool_name=call["toolName"],
                            tool_call_id=call["toolCallId"],
                            input=call["args"],
                            kind="denied",
                            output={"approved": False, "id": call["toolCallId"], "reason": text},
                            model_output={"type": "text", "value": text},
                        )
                        await self._send_outcome(call, outcomes[i], send)
                        continue
                    pending.approved.add(call["toolCallId"])
                    resume_data = None  # the tool runs as if it had never paused
            elif self._needs_approval(tool, call):
                payload = {
                    "args": call["args"],
                    "resumeSchema": _APPROVAL_RESUME_SCHEMA,
                    "toolCallId": call["toolCallId"],
                    "toolName": call["toolName"],
                }
                await send(self._chunk("tool-call-approval", payload))
                self.suspension = _Suspension("approval", i, payload)
                return True
            outcome, suspended = await self._run_call(
                call, prompt_snapshot, limit, resume_data, resumed, pending
            )
            if suspended is not _NOT_RUN:
                await self._suspend_call(pending, i, suspended, send)
                return True
            outcomes[i] = outcome
            if outcome is not None:
                await self._send_outcome(call, outcome, send)
        return False

    async def _read_answer(self, send: Emit, finish_reason: str) -> None:
        """Read the structured value once there is answer text, and send ``object-result``; a
        failure is kept and raised when the run finishes (as it was before it was read here)."""
        if self._structured is None or self._answer_read or not self._answer.strip():
            return
        self._answer_read = True
        chunk: Chunk = {"type": "object-result", "runId": self.run_id, "from": "AGENT"}
        try:
            if finish_reason in ("length", "content-filter"):
                raise StructuredOutputError(
                    "Structured output was truncated because the model finished with reason "
                    f'"{finish_reason}".'
                )
            self.object = self._parse_object(self._answer)
        except StructuredOutputError as exc:
            # structuredOutput.errorStrategy: "strict" (the default) fails the run, "warn" logs
            # and leaves no object, "fallback" gives fallbackValue instead (Mastra 1.71)
            so = self.opts.structured_output or {}
            strategy = so.get("error_strategy")
            if strategy == "warn":
                _log.warning("%s", exc)
                return
            if strategy != "fallback":
                self._answer_error = exc
                return
            self.object = so.get("fallback_value")
            self._used_fallback = True
            chunk["metadata"] = {"fallback": True}
        await send({**chunk, "object": to_plain(self.object)})

    async def _finish(self, send: Emit) -> None:
        await self._read_answer(send, self.finish_reason)
        if self._answer_error is not None:
            raise self._answer_error
        total = _sum_usage(self.steps)
        last = self.steps[-1] if self.steps else None
        payload = self._step_finish_payload(last, total, False) if last else {}
        if payload:
            payload["output"]["steps"] = list(self.steps)
            if self._memory_output_processors():
                payload["response"] = self._finish_response()
        await send(self._chunk("finish", payload))
        if self.opts.on_finish is not None:
            await _maybe_await(self.opts.on_finish(self.output()))

    def _parse_object(self, text: str) -> Any:
        """The structured value of the answer ``text``, validated (StructuredOutputError if not)."""
        assert self._structured is not None
        schema, _ = self._structured
        compiled = compile_schema(schema)
        data = self._reader.final(text)
        if data is UNDEFINED:
            # Mastra reads text that is not JSON as undefined and fails validation (probed on 1.71)
            expected = compiled.root_type or "object"
            raise StructuredOutputError(
                "Structured output validation failed: "
                f"- root: Invalid input: expected {expected}, received undefined"
            )
        if isinstance(data, dict) and self._reader.fmt == "object":
            # Mastra reads a null sent for an optional field as absent (strict mode makes the
            # model send every key)
            required = set(to_json_schema(schema).get("required", []))
            data = {k: v for k, v in data.items() if v is not None or k in required}
        result = compiled.validate(data, apply_defaults=False)
        if not result.ok:
            # Mastra's words: "Structured output validation failed: - age: Invalid input: ..."
            problems = "\n".join(
                f"- {'.'.join(map(str, i.path)) or 'root'}: {i.message}" for i in result.issues
            )
            raise StructuredOutputError(f"Structured output validation failed: {problems}")
        return result.value

    # memory ------------------------------------------------------------------------------------
    async def load_memory(self) -> None:
        """Load the thread's memory into the prompt (Mastra's order: after ``context``, before the
        input) and add the working-memory tool."""
        spec = self.opts.memory or {}
        query = next(
            (
                "".join(p.get("text", "") for p in m["content"] if p.get("type") == "text")
                for m in reversed(self.input_messages)
                if m["role"] == "user"
            ),
            None,
        )
        turn = await self.agent.memory.prepare_turn(
            thread=spec.get("thread"),
            resource_id=spec.get("resource"),
            options=spec.get("options"),
            query=query,
        )
        self.memory_turn = turn
        self.remembered = list(turn.remembered)
        at = len(self.prompt) - len(self.input_messages)
        self.prompt[at:at] = [*turn.system, *normalize_input(turn.remembered)]
        if turn.tools:
            self.tools = {**self.tools, **turn.tools}
            self._tool_defs = self._tool_definitions()

    async def save_memory(self, send: Emit | None = None) -> None:
        """Save this call's input and response messages to the memory thread (and give a new
        thread its title when ``generate_title`` asks for one)."""
        inputs, answers = self._turn_db_messages(for_memory=True)
        new = [*inputs, *answers]
        await self.agent.memory.finish_turn(self.memory_turn, new)
        if self.memory_turn.config.generate_title:
            # Mastra asks for the title after the reply without waiting for it; here it is awaited
            # (asyncio.run would cancel a pending task): same requests, same order
            title = await self.agent.memory.generate_title(
                self.memory_turn,
                new,
                model=self.model,
                call=lambda fn: _maybe_await(
                    _call_dynamic(fn, self.opts.request_context, self.agent.get_mastra_instance())
                ),
            )
            emit_event = TitleConfig.parse(self.memory_turn.config.generate_title).emit_event
            if title and emit_event and self.streaming and send is not None:
                # probed on Mastra 1.71: between step-finish and finish, no runId/from
                await send(
                    {
                        "type": "data-thread-title",
                        "data": {"threadId": self.memory_turn.thread_id, "title": title},
                        "transient": True,
                    }
                )

    def _turn_db_messages(
        self, *, for_memory: bool = False
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The call's DB messages, made once per phase so their ids and times are stable.

        With memory they are stamped with the thread. A paused run saves its messages too and its
        resume saves them again (same ids: an update), as Mastra 1.71 does.
        """
        if self.memory_turn is None:
            if self._db_inputs is None:  # made once: a resumed run's result keeps their ids
                self._db_inputs = self._input_db_messages()
            return self._db_inputs, self._assistant_db_messages(for_memory=for_memory)
        where = {"threadId": self.memory_turn.thread_id, "resourceId": self.memory_turn.resource_id}
        if self._db_inputs is None:
            self._db_inputs = [{**m, **where} for m in self._input_db_messages()]
        answers = self._db_answers.get(for_memory)
        if answers is None:
            made = self._assistant_db_messages(for_memory=for_memory)
            answers = self._db_answers[for_memory] = [{**m, **where} for m in made]
        return self._db_inputs, answers

    # results -------------------------------------------------------------------------------------
    def _input_db_messages(self) -> list[dict[str, Any]]:
        """Context and input messages as Mastra DB messages (a tool turn merges into its call)."""
        ms = int(self.created * 1000)
        out: list[dict[str, Any]] = []
        source = [*normalize_input(self.opts.context or []), *self.input_messages]
        for message in source:
            role = message["role"]
            if role == "tool":
                target = out[-1] if out and out[-1]["role"] == "assistant" else None
                for part in message["content"]:
                    if part.get("type") != "tool-result" or target is None:
                        continue
                    value = part["output"].get("value")
                    for inv in target["content"].get("toolInvocations", []):
                        if inv["toolCallId"] == part["toolCallId"]:
                            inv["state"] = "result"
                            inv["result"] = value
                continue
            parts: list[dict[str, Any]] = []
            attachments: list[dict[str, Any]] = []
            invocations: list[dict[str, Any]] = []
            texts: list[str] = []
            for part in message["content"]:
                kind = part["type"]
                if kind == "text":
                    texts.append(part["text"])
                    parts.append({"createdAt": ms, "text": part["text"], "type": "text"})
                elif kind == "file":
                    data = part["data"]
                    url = (
                        data
                        if str(data).startswith(("data:", "http:", "https:"))
                        else (f"data:{part['mediaType']};base64,{data}")
                    )
                    file_part = {
                        "createdAt": ms,
                        "data": url,
                        "mimeType": part["mediaType"],
                        "type": "file",
                    }
                    if part.get("filename"):
                        file_part["filename"] = part["filename"]
                    parts.append(file_part)
                    attachments.append({"contentType": part["mediaType"], "url": url})
                elif kind == "tool-call":
                    inv = {
                        "args": part["input"],
                        "state": "call",
                        "toolCallId": part["toolCallId"],
                        "toolName": part["toolName"],
                    }
                    invocations.append(inv)
                    parts.append(
                        {"createdAt": ms, "toolInvocation": inv, "type": "tool-invocation"}
                    )
                elif kind == "reasoning":
                    parts.append(
                        {
                            "createdAt": ms,
                            "reasoning": part["text"],
                            "type": "reasoning",
                            "details": [{"type": "text", "text": part["text"]}],
                        }
                    )
            msg = db_message(
                role,
                parts,
                text="\n".join(texts) or None,  # Mastra joins a message's texts with newlines
                tool_invocations=invocations or None,
                created_at=self.created,
            )
            if attachments:
                msg["content"]["experimental_attachments"] = attachments
            out.append(msg)
        return out

    def _waiting_parts(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The tool-invocation parts of a suspended step and the metadata naming what waits."""
        pending, suspension = self.pending, self.suspension
        if pending is None or suspension is None:
            return [], {}
        parts = []
        for call, outcome in zip(pending.calls, pending.outcomes, strict=True):
            invocation: dict[str, Any] = {
                "args": call["args"],
                "state": "call",
                "toolCallId": call["toolCallId"],
                "toolName": call["toolName"],
            }
            if isinstance(outcome, ToolOutcome) and outcome.kind == "result":
                invocation["state"] = "result"
                invocation["result"] = to_jsonable(outcome.output)
            parts.append(
                {
                    "type": "tool-invocation",
                    "toolInvocation": invocation,
                    "createdAt": pending.created_ms,
                }
            )
        parts.extend(pending.data_parts)
        record = {
            **suspension.payload,
            **suspension.meta,
            "runId": self.run_id,
            "type": "approval" if suspension.kind == "approval" else "suspension",
        }
        key = "pendingToolApprovals" if suspension.kind == "approval" else "suspendedTools"
        return parts, {key: {record["toolCallId"]: record}}

    def _assistant_db_messages(self, *, for_memory: bool = False) -> list[dict[str, Any]]:
        """The response as DB messages: one, or two when the run was resumed (as Mastra 1.71).

        The result's second message repeats the resumed call's invocation after the answer; the
        one Mastra saves to memory does not (probed).
        """
        meta: dict[str, Any] = {"modelId": self.model.model_id, "provider": self.provider_name}
        parts = list(self.assistant_parts)
        if self.finish_reason == "suspended":
            waiting, extra = self._waiting_parts()
            parts += waiting
            meta.update(extra)
        if not parts:
            return []
        if self._paused_message is None:
            return [
                db_message(
                    "assistant",
                    parts,
                    text=self.text or None,
                    metadata=meta,
                    tool_invocations=list(self.tool_invocations) or None,
                    message_id=self.message_id,
                )
            ]
        paused_id, cut = self._paused_message
        resumed = list(self._resumed_parts)
        first = [p for p in parts[:cut]] + resumed + self._paused_data
        rest = [p for p in parts[cut:] if p not in resumed and p.get("type") != "step-start"]
        out = [db_message("assistant", first, metadata=meta, message_id=paused_id)]
        if rest:
            # Mastra repeats the resumed call's invocation at the end of the answer's message,
            # followed by what the resumed tool wrote with writer.custom()
            out.append(
                db_message(
                    "assistant",
                    rest + self._resumed_data
                    if for_memory
                    else rest + resumed + self._resumed_data,
                    text=self.text or None,
                    metadata=meta,
                    message_id=self.message_id,
                )
            )
        return out

    def output(self) -> AgentOutput:
        """The ``FullOutput`` of the finished run."""
        inputs, answers = self._turn_db_messages()
        total = _sum_usage(self.steps)
        response = {
            **self.last_response,
            "modelMetadata": self._model_metadata(),
            "messages": list(self.response_messages),
            "dbMessages": answers[-1:],
        }
        data: dict[str, Any] = {
            "files": [],
            "finishReason": self.finish_reason,
            "messages": [*self.remembered, *inputs, *answers],
            "providerMetadata": self.steps[-1]["providerMetadata"] if self.steps else None,
            "reasoning": [],
            "rememberedMessages": list(self.remembered),
            "request": self.last_request or {},
            "response": response,
            "runId": self.run_id,
            "sources": [],
            "steps": list(self.steps),
            "text": self.text,
            "toolCalls": list(self.tool_calls),
            "toolResults": list(self.tool_results),
            "totalUsage": total,
            "usage": dict(total),
            "usedFallbackValue": self._used_fallback,
            "warnings": list(self.warnings),
        }
        if self.object is not None:
            data["object"] = self.object
        if self.error is not None:
            data["error"] = self.error
        if self.finish_reason == "suspended" and self.suspension is not None:
            # Mastra 1.71's suspended FullOutput: no step closed, no usage, the waiting call
            payload = self.suspension.payload
            data["suspendPayload"] = payload
            data["resumeSchema"] = payload.get("resumeSchema")
            data["text"] = ""
            if not self.steps:
                data["usage"] = {}
                data["totalUsage"] = {"totalTokens": 0}
                data["request"] = {}
                data["response"] = {"dbMessages": answers[-1:]}
                del data["providerMetadata"]
        return AgentOutput(data)


def options_body_placeholder(options: CallOptions) -> dict[str, Any]:
    """What ``step-start`` shows of the request before the provider builds it."""
    return {"messages": list(options.prompt)}
