"""The Agent: Mastra 1.x's ``new Agent({...})`` with ``generate()`` and ``stream()``.

One loop serves both calls. It assembles the prompt in Mastra's order (instructions, input system
messages, ``system``, ``context``, memory, input), calls the model up to ``max_steps`` times, runs the
tool calls of each step concurrently, and emits Mastra's chunk sequence (``start``, ``step-start``,
``text-delta``, ``tool-call``, ``tool-result``, ``step-finish``, ``finish``...). ``generate`` collects
the chunks into Mastra's ``FullOutput`` shape; ``stream`` hands them out as they come.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from lumos_compat.errors import AgentConfigError, ModelCallError, StructuredOutputError
from lumos_compat.llm import CallOptions, LanguageModel, ModelUsage, StreamPart, ToolDefinition
from lumos_compat.memory.title import TitleConfig
from lumos_compat.messages import db_message, iso_timestamp, normalize_input, system_messages
from lumos_compat.options import ExecutionOptions, normalize_options
from lumos_compat.providers import resolve_model
from lumos_compat.providers._base import generate_id
from lumos_compat.request_context import RequestContext
from lumos_compat.results import AgentOutput, to_plain
from lumos_compat.schema import compile_schema, to_json_schema
from lumos_compat.schema_compat import structured_output_schema
from lumos_compat.stream import AgentStream
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

Chunk = dict[str, Any]
Emit = Callable[[Chunk], Awaitable[None]]

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


def _close_partial_json(text: str) -> Any:
    """Parse a JSON prefix by closing open strings and brackets; None if it cannot be read yet."""
    stack: list[str] = []
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
    candidate = text + ('"' if in_string else "")
    candidate = candidate.rstrip().rstrip(",").rstrip(":")
    candidate += "".join(reversed(stack))
    try:
        return json.loads(candidate)
    except json.JSONDecodeError:
        return None


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
        result = await self.agent.generate(
            [*conversation, {"role": "user", "content": args.get("prompt", "")}], **options
        )
        return {
            "text": result.text,
            "subAgentThreadId": args.get("threadId") or str(uuid.uuid4()),
            "subAgentResourceId": args.get("resourceId") or f"{self.parent.id}-{self.key}",
            "subAgentToolResults": [c["payload"] for c in result["toolResults"]],
        }


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
        run = _Run(self, model, instructions, tools, normalize_input(messages), opts, streaming)
        if opts.memory is not None:
            self.get_memory()
            await run.load_memory()
        return run


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
        self.tool_invocations: list[dict[str, Any]] = []
        self.text = ""
        self.finish_reason = "unknown"
        self.object: Any = None
        self.error: BaseException | None = None
        self.last_response: dict[str, Any] = {}
        self.last_request: Any = None
        self.created = time.time()
        self._structured = self._structured_schema()
        self._tool_defs = self._tool_definitions()
        self.memory_turn: Any = None
        self.remembered: list[dict[str, Any]] = []
        self._db_turn: tuple[list[dict[str, Any]], dict[str, Any] | None] | None = None

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
        # for OpenAI providers Mastra rewrites the schema for strict mode
        return schema, structured_output_schema(to_json_schema(schema), self.model.provider)

    def _tool_definitions(self) -> list[ToolDefinition] | None:
        if not self.tools:
            return None
        return [
            tool.to_tool_definition(name, self.model.provider, self.model.model_id)
            for name, tool in self.tools.items()
        ]

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
            prompt=list(self.prompt),  # a snapshot: the loop appends to self.prompt
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

    def _chunk(self, type_: str, payload: dict[str, Any]) -> Chunk:
        return {"type": type_, "runId": self.run_id, "from": "AGENT", "payload": payload}

    # the loop ------------------------------------------------------------------------------------
    async def execute(self, emit: Emit | None) -> None:
        """Run the loop, passing every chunk to ``emit`` (and ``on_chunk``)."""
        on_chunk = self.opts.on_chunk

        async def send(chunk: Chunk) -> None:
            if on_chunk is not None and chunk["type"] in _ON_CHUNK_TYPES:
                await _maybe_await(on_chunk(chunk))
            if emit is not None:
                await emit(chunk)

        try:
            await send(self._chunk("start", {"id": self.agent.id, "messageId": self.message_id}))
            max_steps = self.opts.max_steps
            for index in range(max_steps):
                if self.abort is not None and self.abort.aborted:
                    raise _Aborted
                more = await self._step(index, send)
                if not more:
                    break
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
                await send(self._chunk("text-delta", {"id": part.id, "text": delta}))
                if self._structured is not None:
                    partial = _close_partial_json(state["text"])
                    if partial is not None:
                        await send(
                            {
                                "type": "object",
                                "runId": self.run_id,
                                "from": "AGENT",
                                "object": partial,
                            }
                        )
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

        outcomes = await self._run_tools(calls, send) if calls else []
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
            self.tool_invocations.append(invocation)
            self.assistant_parts.append(
                {"type": "tool-invocation", "toolInvocation": invocation, "createdAt": created_ms}
            )
        self.tool_results.extend(step_results)

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
        step_finish = self._step_finish_payload(step, usage, continued)
        await send(self._chunk("step-finish", step_finish))
        if self.opts.on_step_finish is not None:
            await _maybe_await(
                self.opts.on_step_finish(
                    {**step, "model": self.model.model_id, "runId": self.run_id}
                )
            )
        return continued

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

    def _model_metadata(self) -> dict[str, Any]:
        return {
            "modelId": self.model.model_id,
            "modelProvider": self.provider_name,
            "modelVersion": "v2",
        }

    async def _run_tools(self, calls: list[dict[str, Any]], send: Emit) -> list[ToolOutcome | None]:
        limit = asyncio.Semaphore(self.opts.tool_call_concurrency)
        prompt_snapshot = list(self.prompt)

        async def run(call: dict[str, Any]) -> ToolOutcome | None:
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
                )
            if not tool.has_execute:
                return None
            writer = ToolStream()
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
                ),
                run_id=self.run_id,
            )
            async with limit:
                outcome = await tool.run_for_model(
                    call["raw"],
                    context,
                    tool_name=call["toolName"],
                    tool_call_id=call["toolCallId"],
                )
            if isinstance(tool, _SubAgentTool) and outcome.kind == "result":
                outcome.model_output = {"type": "text", "value": outcome.output["text"]}
            return outcome

        outcomes = await asyncio.gather(*(run(c) for c in calls))
        for call, outcome in zip(calls, outcomes, strict=True):
            if outcome is None:
                continue
            if outcome.is_tool_error:
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
                payload["result"] = to_jsonable(outcome.output)
                await send(self._chunk("tool-result", payload))
        return list(outcomes)

    async def _finish(self, send: Emit) -> None:
        if self._structured is not None and self.text:
            self.object = self._parse_object(self.text)
            await send(
                {
                    "type": "object-result",
                    "runId": self.run_id,
                    "from": "AGENT",
                    "object": to_plain(self.object),
                }
            )
        total = _sum_usage(self.steps)
        last = self.steps[-1] if self.steps else None
        payload = self._step_finish_payload(last, total, False) if last else {}
        if payload:
            payload["output"]["steps"] = list(self.steps)
        await send(self._chunk("finish", payload))
        if self.opts.on_finish is not None:
            await _maybe_await(self.opts.on_finish(self.output()))

    def _parse_object(self, text: str) -> Any:
        assert self._structured is not None
        schema, _ = self._structured
        compiled = compile_schema(schema)
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            # Mastra reads text that is not JSON as undefined and fails validation (probed on 1.71)
            expected = compiled.root_type or "object"
            raise StructuredOutputError(
                "Structured output validation failed: "
                f"- root: Invalid input: expected {expected}, received undefined"
            ) from None
        # Mastra reads a null sent for an optional field as absent (strict mode makes the model
        # send every key)
        required = set(to_json_schema(schema).get("required", []))
        if isinstance(data, dict):
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
        inputs, assistant = self._turn_db_messages()
        new = [*inputs, *([assistant] if assistant else [])]
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

    def _turn_db_messages(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """The call's DB messages, made once so their ids are stable (stamped with the thread)."""
        if self._db_turn is None or self.memory_turn is None:
            inputs = self._input_db_messages()
            assistant = self._assistant_db_message()
            if self.memory_turn is not None:
                where = {
                    "threadId": self.memory_turn.thread_id,
                    "resourceId": self.memory_turn.resource_id,
                }
                inputs = [{**m, **where} for m in inputs]
                assistant = {**assistant, **where} if assistant else None
                self._db_turn = (inputs, assistant)
            return inputs, assistant
        return self._db_turn

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
            text = ""
            for part in message["content"]:
                kind = part["type"]
                if kind == "text":
                    text += part["text"]
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
                text=text or None,
                tool_invocations=invocations or None,
                created_at=self.created,
            )
            if attachments:
                msg["content"]["experimental_attachments"] = attachments
            out.append(msg)
        return out

    def _assistant_db_message(self) -> dict[str, Any] | None:
        if not self.assistant_parts:
            return None
        return db_message(
            "assistant",
            list(self.assistant_parts),
            text=self.text or None,
            metadata={"modelId": self.model.model_id, "provider": self.provider_name},
            tool_invocations=list(self.tool_invocations) or None,
            message_id=self.message_id,
        )

    def output(self) -> AgentOutput:
        """The ``FullOutput`` of the finished run."""
        inputs, assistant = self._turn_db_messages()
        total = _sum_usage(self.steps)
        response = {
            **self.last_response,
            "modelMetadata": self._model_metadata(),
            "messages": list(self.response_messages),
            "dbMessages": [assistant] if assistant else [],
        }
        data: dict[str, Any] = {
            "files": [],
            "finishReason": self.finish_reason,
            "messages": [*self.remembered, *inputs, *([assistant] if assistant else [])],
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
            "usedFallbackValue": False,
            "warnings": list(self.warnings),
        }
        if self.object is not None:
            data["object"] = self.object
        if self.error is not None:
            data["error"] = self.error
        return AgentOutput(data)


def options_body_placeholder(options: CallOptions) -> dict[str, Any]:
    """What ``step-start`` shows of the request before the provider builds it."""
    return {"messages": list(options.prompt)}
