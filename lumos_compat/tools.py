"""Tools: ``create_tool``/``Tool``, the execution context, and running a tool for the model.

A tool runs the way Mastra 1.x runs it (observed against real Mastra 1.71):

- the model's arguments are validated against ``input_schema``; a failure is *returned* to the
  model as a JSON tool result ``{"error": true, "message": "Tool input validation failed for <id>.
  Please fix the following errors and try again:\\n- a: <message>\\n\\nProvided arguments: {...}",
  "validationErrors": {"errors": [], "fields": {...}}}``, never raised;
- ``execute`` gets the validated input (a model instance for pydantic schemas, defaults filled);
- an exception in ``execute`` goes back as an ``error-text`` tool output whose text is the
  exception message (``"boom"``);
- with an ``output_schema`` an invalid result is replaced by ``{"error": true, "message": "Tool
  output validation failed for <id>. The tool returned invalid output:\\n...", ...}``;
- results go back as JSON text with JavaScript's number formatting, a plain string as is.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from lumos_compat.errors import ToolValidationError
from lumos_compat.llm import ToolDefinition
from lumos_compat.request_context import RequestContext
from lumos_compat.schema import (
    CompiledSchema,
    SchemaLike,
    ValidationIssue,
    ValidationResult,
    compile_schema,
    format_js_number,
    from_js_json,
)
from lumos_compat.schema_compat import apply_provider_compat, compat_layer_for

__all__ = [
    "AbortSignal",
    "AgentToolContext",
    "Tool",
    "ToolExecutionContext",
    "ToolOutcome",
    "ToolStream",
    "WorkflowToolContext",
    "create_tool",
    "is_validation_error",
    "to_jsonable",
    "to_model_json",
]

# ---------------------------------------------------------------------------------------------
# JSON as JavaScript writes it
# ---------------------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """A JSON-able copy of ``value``: pydantic models dumped in JSON mode, integral floats as ints."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    elif not isinstance(value, (str, int, float, bool, type(None), dict, list)):
        value = to_jsonable_python(value, by_alias=True, fallback=str)
    return _js_values(value)


def _js_values(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer() and abs(value) < 1e16:
            return int(value)
        return value
    if isinstance(value, dict):
        return {str(k): _js_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_js_values(v) for v in value]
    if isinstance(value, BaseModel):
        return _js_values(value.model_dump(mode="json", by_alias=True))
    if isinstance(value, (str, int, bool, type(None))):
        return value
    return _js_values(to_jsonable_python(value, by_alias=True, fallback=str))


def _stringify(value: Any, indent: str, level: int) -> str:
    if value is None or value is True or value is False:
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "null"
        return format_js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        if not value:
            return "[]"
        if not indent:
            return "[" + ",".join(_stringify(v, indent, level + 1) for v in value) + "]"
        inner = "\n" + indent * (level + 1)
        parts = [_stringify(v, indent, level + 1) for v in value]
        return "[" + inner + ("," + inner).join(parts) + "\n" + indent * level + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        sep = ": " if indent else ":"
        parts = [
            json.dumps(str(k), ensure_ascii=False) + sep + _stringify(v, indent, level + 1)
            for k, v in value.items()
        ]
        if not indent:
            return "{" + ",".join(parts) + "}"
        inner = "\n" + indent * (level + 1)
        return "{" + inner + ("," + inner).join(parts) + "\n" + indent * level + "}"
    return _stringify(_js_values(value), indent, level)


def to_model_json(value: Any) -> str:
    """The text the model sees for a tool result: ``JSON.stringify`` semantics, a string as is.

    Pydantic models are dumped in JSON mode; ``5.0`` prints as ``5``; no spaces; non-ASCII kept.
    """
    if isinstance(value, str):
        return value
    return _stringify(to_jsonable(value), "", 0)


def _pretty_for_message(value: Any, max_length: int = 200) -> str:
    """``JSON.stringify(value, null, 2)`` cut at 200 characters, as Mastra's error messages show it."""
    try:
        text = _stringify(to_jsonable(value), "  ", 0)
    except Exception:
        return "[Unable to serialize data]"
    if len(text) <= max_length:
        return text
    return text[:max_length] + "... (truncated)"


# ---------------------------------------------------------------------------------------------
# execution context
# ---------------------------------------------------------------------------------------------


class AbortSignal:
    """A cancellation flag like the web ``AbortSignal``: ``aborted``, ``reason``, ``await wait()``."""

    __slots__ = ("_event", "reason")

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.reason: Any = None

    @property
    def aborted(self) -> bool:
        """Whether :meth:`abort` was called."""
        return self._event.is_set()

    def abort(self, reason: Any = None) -> None:
        """Signal cancellation."""
        if not self._event.is_set():
            self.reason = reason if reason is not None else "This operation was aborted"
            self._event.set()

    def throw_if_aborted(self) -> None:
        """Raise ``asyncio.CancelledError`` when aborted."""
        if self.aborted:
            raise asyncio.CancelledError(str(self.reason))

    async def wait(self) -> None:
        """Wait until aborted."""
        await self._event.wait()


class _Done:
    """An already finished awaitable, so ``writer.write(x)`` works with or without ``await``."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return None
        yield  # pragma: no cover


class ToolStream:
    """The ``writer`` of a tool: ``write(data)`` streams tool output, ``custom(chunk)`` a data part.

    ``write`` emits ``{"type": "tool-output", "runId", "from": "USER", "payload": {"output": data,
    "toolCallId", "toolName"}}``; ``custom`` emits the chunk as given (its type must start with
    ``data-``). Every chunk is kept in ``chunks`` and handed to ``sink`` when one is set.
    """

    def __init__(
        self,
        *,
        tool_call_id: str | None = None,
        tool_name: str | None = None,
        run_id: str | None = None,
        sink: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        self.tool_call_id = tool_call_id
        self.tool_name = tool_name
        self.run_id = run_id
        self.sink = sink
        self.chunks: list[dict[str, Any]] = []

    def _emit(self, chunk: dict[str, Any]) -> _Done:
        self.chunks.append(chunk)
        if self.sink is not None:
            self.sink(chunk)
        return _Done()

    def write(self, data: Any) -> _Done:
        """Stream a piece of tool output."""
        return self._emit(
            {
                "type": "tool-output",
                "runId": self.run_id,
                "from": "USER",
                "payload": {
                    "output": to_jsonable(data),
                    "toolCallId": self.tool_call_id,
                    "toolName": self.tool_name,
                },
            }
        )

    def custom(self, chunk: Mapping[str, Any]) -> _Done:
        """Stream a custom data part, e.g. ``{"type": "data-progress", "data": {...}}``."""
        chunk_type = chunk.get("type") if isinstance(chunk, Mapping) else None
        if not isinstance(chunk_type, str) or not chunk_type.startswith("data-"):
            raise ToolValidationError(
                f"writer.custom() expects a chunk whose type starts with 'data-', found {chunk_type!r}: "
                "use e.g. {'type': 'data-progress', 'data': {...}}."
            )
        return self._emit(to_jsonable(dict(chunk)))


async def _no_suspend(payload: Any = None, options: Any = None) -> None:
    raise ToolValidationError(
        "suspend() is only available when the tool runs inside an agent or a workflow that "
        "supports suspension; this call has no suspend handler."
    )


@dataclass(slots=True)
class AgentToolContext:
    """``context.agent``: present when an agent runs the tool."""

    agent_id: str
    tool_call_id: str
    messages: list[Any] = field(default_factory=list)
    thread_id: str | None = None
    resource_id: str | None = None
    suspend: Callable[..., Awaitable[Any]] = _no_suspend
    resume_data: Any = None
    suspend_payload: Any = None  # what the tool gave suspend() before this resume
    suspend_options: dict[str, Any] | None = None  # the options it gave suspend() with it


@dataclass(slots=True)
class WorkflowToolContext:
    """``context.workflow``: present when the tool runs as a workflow step."""

    run_id: str
    workflow_id: str
    state: Any = None
    set_state: Callable[[Any], Any] | None = None
    suspend: Callable[..., Awaitable[Any]] = _no_suspend
    resume_data: Any = None
    suspend_payload: Any = None


@dataclass(slots=True)
class ToolExecutionContext:
    """What ``execute(input, context)`` gets: Mastra 1.x's ``ToolExecutionContext`` in snake_case.

    ``request_context`` is always a :class:`RequestContext` (a dict given is wrapped).
    """

    request_context: RequestContext = field(default_factory=RequestContext)
    mastra: Any = None
    abort_signal: AbortSignal = field(default_factory=AbortSignal)
    writer: ToolStream | None = None
    agent: AgentToolContext | None = None
    workflow: WorkflowToolContext | None = None
    run_id: str | None = None
    memory: Any = None
    tracing_context: Any = None
    resume_data: Any = None
    suspend_payload: Any = None
    suspend: Callable[..., Awaitable[Any]] = _no_suspend

    def __post_init__(self) -> None:
        if not isinstance(self.request_context, RequestContext):
            self.request_context = RequestContext(self.request_context)
        if self.abort_signal is None:
            self.abort_signal = AbortSignal()

    @property
    def tool_call_id(self) -> str | None:
        """The model's id for this call (agent runs only)."""
        return self.agent.tool_call_id if self.agent is not None else None

    @property
    def messages(self) -> list[Any]:
        """The conversation so far (agent runs only; else empty)."""
        return self.agent.messages if self.agent is not None else []

    @property
    def thread_id(self) -> str | None:
        """The memory thread of the agent call, if any."""
        return self.agent.thread_id if self.agent is not None else None

    @property
    def resource_id(self) -> str | None:
        """The memory resource of the agent call, if any."""
        return self.agent.resource_id if self.agent is not None else None


# ---------------------------------------------------------------------------------------------
# outcomes and validation errors
# ---------------------------------------------------------------------------------------------

OutcomeKind = Literal[
    "result", "input-validation-error", "output-validation-error", "error", "denied"
]


@dataclass(slots=True)
class ToolOutcome:
    """What running a tool for the model produced.

    ``kind``: ``result`` (success), ``input-validation-error`` / ``output-validation-error``
    (Mastra sends these as a normal JSON tool *result*), or ``error`` (``execute`` raised; Mastra
    sends a tool *error*), or ``denied`` (a human declined the call; ``output`` is the approval
    record and the model gets the reason as text). ``is_error`` is true for all but ``result``. ``output`` is the value
    Mastra reports as the result (the validation-error dict for validation failures, ``None``
    for errors). ``model_output`` is the AI SDK tool output sent back to the model:
    ``{"type": "text" | "json" | "error-text", "value": ...}``; ``model_text`` its text form for
    chat-completions ``tool`` messages.
    """

    tool_name: str
    tool_call_id: str | None
    input: Any
    kind: OutcomeKind
    output: Any
    model_output: dict[str, Any]
    error: BaseException | None = None
    input_parse_failed: bool = False

    @property
    def is_error(self) -> bool:
        """Whether anything went wrong (validation or an exception)."""
        return self.kind != "result"

    @property
    def is_tool_error(self) -> bool:
        """Whether Mastra records this as a ``tool-error`` (``execute`` raised), not a result."""
        return self.kind == "error"

    @property
    def model_text(self) -> str:
        """The text of the tool message the model gets next (chat completions ``content``)."""
        kind = self.model_output["type"]
        value = self.model_output["value"]
        if kind in ("text", "error-text"):
            return str(value)
        return to_model_json(value)


def _formatted_errors(issues: list[ValidationIssue]) -> dict[str, Any]:
    result: dict[str, Any] = {"errors": [], "fields": {}}
    for issue in issues:
        if not issue.path:
            result["errors"].append(issue.message)
            continue
        current = result
        for index, segment in enumerate(issue.path):
            key = str(segment)
            fields = current["fields"]
            if key not in fields:
                fields[key] = {"errors": [], "fields": {}}
            if index == len(issue.path) - 1:
                fields[key]["errors"].append(issue.message)
            else:
                current = fields[key]
    return result


def _issue_lines(issues: list[ValidationIssue]) -> str:
    return "\n".join(
        f"- {'.'.join(str(p) for p in issue.path) or 'root'}: {issue.message}" for issue in issues
    )


def _input_error(tool_id: str, issues: list[ValidationIssue], provided: Any) -> dict[str, Any]:
    return {
        "error": True,
        "message": (
            f"Tool input validation failed for {tool_id}. Please fix the following errors and try "
            f"again:\n{_issue_lines(issues)}\n\nProvided arguments: {_pretty_for_message(provided)}"
        ),
        "validationErrors": _formatted_errors(issues),
    }


def _output_error(tool_id: str, issues: list[ValidationIssue], returned: Any) -> dict[str, Any]:
    return {
        "error": True,
        "message": (
            f"Tool output validation failed for {tool_id}. The tool returned invalid output:\n"
            f"{_issue_lines(issues)}\n\nReturned output: {_pretty_for_message(returned)}"
        ),
        "validationErrors": _formatted_errors(issues),
    }


def _snake_error(error: dict[str, Any]) -> dict[str, Any]:
    return {
        "error": True,
        "message": error["message"],
        "validation_errors": error["validationErrors"],
    }


def is_validation_error(value: Any) -> bool:
    """Whether ``value`` is a tool validation-error result (``{"error": True, ...}``)."""
    return (
        isinstance(value, Mapping)
        and value.get("error") is True
        and ("validation_errors" in value or "validationErrors" in value)
    )


# ---------------------------------------------------------------------------------------------
# input normalisation (Mastra's retries before reporting a validation error)
# ---------------------------------------------------------------------------------------------


def _strip_nullish(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [None if item is None else _strip_nullish(item) for item in value]
    if isinstance(value, dict):
        return {k: _strip_nullish(v) for k, v in value.items() if v is not None}
    return value


def _strip_nullish_at(value: Any, paths: set[str], current: str = "") -> Any:
    if isinstance(value, list):
        return [
            _strip_nullish_at(item, paths, f"{current}.{i}" if current else str(i))
            for i, item in enumerate(value)
        ]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            path = f"{current}.{key}" if current else str(key)
            if item is None and path in paths:
                continue
            out[key] = _strip_nullish_at(item, paths, path)
        return out
    return value


def _value_at(data: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
    current = data
    for segment in path:
        if (isinstance(current, dict) and segment in current) or (
            isinstance(current, list) and isinstance(segment, int) and segment < len(current)
        ):
            current = current[segment]
        else:
            return False, None
    return True, current


# ---------------------------------------------------------------------------------------------
# Tool
# ---------------------------------------------------------------------------------------------

ExecuteFn = Callable[..., Any]


def _execute_arity(fn: ExecuteFn) -> int:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return 2
    positional = 0
    for param in signature.parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            return 2
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            positional += 1
    return min(positional, 2)


def _is_async(fn: ExecuteFn) -> bool:
    if inspect.iscoroutinefunction(fn):
        return True
    call = getattr(fn, "__call__", None)  # noqa: B004 - callable objects with async __call__
    return call is not None and inspect.iscoroutinefunction(call)


class Tool:
    """A tool an agent can offer the model (Mastra's ``createTool`` / ``new Tool``).

    ``input_schema``/``output_schema``/``suspend_schema``/``resume_schema`` are pydantic model
    classes, JSON Schema dicts, or ``None``. ``execute`` may be sync (run in a worker thread) or
    async, and take ``(input)`` or ``(input, context)``.
    """

    def __init__(
        self,
        *,
        id: str,
        description: str = "",
        input_schema: SchemaLike = None,
        output_schema: SchemaLike = None,
        execute: ExecuteFn | None = None,
        suspend_schema: SchemaLike = None,
        resume_schema: SchemaLike = None,
        request_context_schema: SchemaLike = None,
        require_approval: bool | Callable[..., Any] = False,
        title: str | None = None,
        strict: bool | None = None,
        provider_options: dict[str, Any] | None = None,
        to_model_output: Callable[[Any], Any] | None = None,
        mcp: dict[str, Any] | None = None,
        mastra: Any = None,
    ) -> None:
        if not isinstance(id, str) or not id:
            raise ToolValidationError(
                f"A tool needs a non-empty string id, found {id!r}: pass create_tool(id='my-tool', ...)."
            )
        if execute is not None and not callable(execute):
            raise ToolValidationError(
                f"execute of tool {id!r} must be a function, found {type(execute).__name__}."
            )
        self.id = id
        self.description = description
        self.title = title
        self.strict = strict
        self.provider_options = provider_options
        self.to_model_output = to_model_output
        self.mcp = mcp
        self.mastra = mastra
        self.require_approval = require_approval
        self.input_schema = input_schema
        self.output_schema = output_schema
        self.suspend_schema = suspend_schema
        self.resume_schema = resume_schema
        self.request_context_schema = request_context_schema
        self._input = compile_schema(input_schema) if input_schema is not None else None
        self._output = compile_schema(output_schema) if output_schema is not None else None
        self._suspend = compile_schema(suspend_schema) if suspend_schema is not None else None
        self._resume = compile_schema(resume_schema) if resume_schema is not None else None
        self._execute = execute
        self._arity = _execute_arity(execute) if execute is not None else 0
        self._is_async = _is_async(execute) if execute is not None else False
        self._empty_schema = compile_schema(None).json_schema
        self._schema_cache: dict[tuple[str, str], dict[str, Any]] = {}

    def __repr__(self) -> str:
        return f"Tool(id={self.id!r})"

    # schemas for the model --------------------------------------------------------------------
    @property
    def has_execute(self) -> bool:
        """Whether the tool runs on the server (client-side tools have no ``execute``)."""
        return self._execute is not None

    @property
    def compiled_input_schema(self) -> CompiledSchema | None:
        """The prepared input schema, if any."""
        return self._input

    @property
    def parameters(self) -> dict[str, Any]:
        """The JSON Schema Mastra sends for this tool over chat completions (no provider rewrite)."""
        if self._input is None:
            return self._empty_schema
        return self._input.json_schema

    def json_schema_for(
        self, provider: str | None = None, model_id: str | None = None
    ) -> dict[str, Any]:
        """The JSON Schema Mastra sends to this provider and model (cached; do not mutate)."""
        if self._input is None:
            return self._empty_schema
        if self.strict is False or not provider:
            return self._input.json_schema
        key = (provider, model_id or "")
        cached = self._schema_cache.get(key)
        if cached is None:
            cached = apply_provider_compat(self._input.json_schema, provider, model_id or "")
            self._schema_cache[key] = cached
        return cached

    def to_tool_definition(
        self, name: str, provider: str | None = None, model_id: str | None = None
    ) -> ToolDefinition:
        """The tool as offered to a model; ``name`` is the key of the agent's tools map."""
        return ToolDefinition(
            name=name,
            description=self.description,
            input_schema=self.json_schema_for(provider, model_id),
            provider_options=self.provider_options,
            strict=self.strict,
        )

    # validation ---------------------------------------------------------------------------------
    def _validate_input(
        self, raw: Any, layer: str | None = None
    ) -> tuple[bool, Any, list[ValidationIssue]]:
        schema = self._input
        if schema is None:
            return True, raw, []

        def check(data: Any) -> ValidationResult:
            return schema.validate_tool_input(data, layer=layer)

        data = raw
        if data is None:
            if schema.root_type == "object":
                data = {}
            elif schema.root_type == "array":
                data = []
        first = check(data)
        if first.ok:
            return True, first.value, []
        # stringified JSON for object/array properties
        props = schema.base_json_schema.get("properties")
        if isinstance(data, dict) and isinstance(props, dict):
            coerced = dict(data)
            changed = False
            for key, value in data.items():
                prop = props.get(key)
                if not isinstance(value, str) or not isinstance(prop, dict):
                    continue
                wants = prop.get("type")
                trimmed = value.strip()
                if (wants == "array" and trimmed.startswith("[")) or (
                    wants == "object" and trimmed.startswith("{")
                ):
                    try:
                        parsed = from_js_json(value)
                    except ValueError:
                        continue
                    if (wants == "array" and isinstance(parsed, list)) or (
                        wants == "object" and isinstance(parsed, dict)
                    ):
                        coerced[key] = parsed
                        changed = True
            if changed:
                retry = check(coerced)
                if retry.ok:
                    return True, retry.value, []
        # null sent for optional fields
        failing: set[str] = set()
        for issue in first.issues:
            if not issue.path:
                continue
            found, value = _value_at(data, issue.path)
            if not found or value is None:
                failing.add(".".join(str(p) for p in issue.path))
        stripped = _strip_nullish_at(raw, failing) if failing else _strip_nullish(raw)
        if stripped is None:
            stripped = (
                {} if schema.root_type == "object" else [] if schema.root_type == "array" else None
            )
        retry = check(stripped)
        if retry.ok:
            return True, retry.value, []
        # a "prompt" property given under another name
        if (
            isinstance(props, dict)
            and "prompt" in props
            and isinstance(data, dict)
            and data.get("prompt") is None
        ):
            alias = next(
                (data[k] for k in ("query", "message", "input") if isinstance(data.get(k), str)),
                None,
            )
            if alias is not None:
                retry = check({**data, "prompt": alias})
                if retry.ok:
                    return True, retry.value, []
        return False, None, first.issues

    def _validate_output(self, output: Any) -> tuple[bool, Any, list[ValidationIssue]]:
        schema = self._output
        if schema is None:
            return True, output, []
        if schema.kind == "pydantic" and isinstance(output, schema.schema):  # type: ignore[arg-type]
            return True, output, []
        data = to_jsonable(output) if isinstance(output, BaseModel) else output
        result = schema.validate(data, apply_defaults=False)
        if result.ok:
            return True, result.value, []
        return False, None, result.issues

    # running --------------------------------------------------------------------------------------
    async def _call(self, value: Any, context: ToolExecutionContext) -> Any:
        fn = self._execute
        assert fn is not None
        args: tuple[Any, ...] = (value, context)[: self._arity]
        if self._is_async:
            return await fn(*args)
        result = await asyncio.to_thread(fn, *args)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def execute(
        self, input: Any = None, context: ToolExecutionContext | Mapping[str, Any] | None = None
    ) -> Any:
        """Call the tool directly, like Mastra's ``tool.execute(input, context)``.

        Invalid input or output is *returned* as ``{"error": True, "message": ...,
        "validation_errors": {...}}`` (see :func:`is_validation_error`); exceptions propagate.
        """
        if self._execute is None:
            raise ToolValidationError(
                f"Tool {self.id!r} has no execute function (a client-side tool); it cannot be called."
            )
        ctx = _as_context(context)
        ok, value, issues = self._validate_input(input)
        if not ok:
            return _snake_error(_input_error(self.id, issues, input))
        output = await self._call(value, ctx)
        ok, checked, issues = self._validate_output(output)
        if not ok:
            return _snake_error(_output_error(self.id, issues, output))
        return checked

    async def run_for_model(
        self,
        raw_args: str | Mapping[str, Any] | None,
        context: ToolExecutionContext | None = None,
        *,
        tool_name: str | None = None,
        tool_call_id: str | None = None,
        provider: str | None = None,
        model_id: str | None = None,
    ) -> ToolOutcome:
        """Run the tool for a model's tool call; never raises for bad input or a failing execute.

        ``raw_args`` is the argument JSON text the model sent or an already parsed dict. Text that
        does not parse is treated as ``{}`` (as Mastra does), with ``input_parse_failed`` set.
        ``provider``/``model_id`` name the model: Mastra validates through the schema
        compatibility layer it applies for that model (unless the tool sets ``strict=False``).
        """
        name = tool_name or self.id
        ctx = context if context is not None else ToolExecutionContext()
        call_id = tool_call_id if tool_call_id is not None else ctx.tool_call_id
        parse_failed = False
        if isinstance(raw_args, str):
            text = raw_args.strip()
            if not text:
                args: Any = {}
            else:
                try:
                    args = from_js_json(text)
                except ValueError:
                    args = {}
                    parse_failed = True
        elif isinstance(raw_args, Mapping):
            args = dict(raw_args)
        else:
            args = raw_args
        if isinstance(args, list):  # Mastra spreads array arguments into an object
            args = {str(i): item for i, item in enumerate(args)}

        def outcome(
            kind: OutcomeKind,
            output: Any,
            model_output: dict[str, Any],
            error: BaseException | None = None,
        ) -> ToolOutcome:
            return ToolOutcome(
                tool_name=name,
                tool_call_id=call_id,
                input=args,
                kind=kind,
                output=output,
                model_output=model_output,
                error=error,
                input_parse_failed=parse_failed,
            )

        layer = None
        if provider and self.strict is not False:
            layer = compat_layer_for(provider, model_id or "")
        ok, value, issues = self._validate_input(args, layer)
        if not ok:
            payload = _input_error(name, issues, args)
            return outcome(
                "input-validation-error",
                payload,
                {"type": "json", "value": payload},
                ToolValidationError(payload["message"]),
            )
        if self._execute is None:
            error = ToolValidationError(
                f"Tool {name!r} has no execute function; a client-side tool must be run by the caller."
            )
            return outcome("error", None, {"type": "error-text", "value": str(error)}, error)
        try:
            result = await self._call(value, ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the model gets the message, the caller the exception
            return outcome("error", None, {"type": "error-text", "value": _error_text(exc)}, exc)
        ok, checked, issues = self._validate_output(result)
        if not ok:
            payload = _output_error(self.id, issues, result)
            return outcome(
                "output-validation-error",
                payload,
                {"type": "json", "value": payload},
                ToolValidationError(payload["message"]),
            )
        if self.to_model_output is not None:
            model_output = self.to_model_output(checked)
            if not (
                isinstance(model_output, dict)
                and "type" in model_output
                and "value" in model_output
            ):
                model_output = {"type": "json", "value": to_jsonable(model_output)}
            return outcome("result", checked, model_output)
        if isinstance(checked, str):
            return outcome("result", checked, {"type": "text", "value": checked})
        return outcome("result", checked, {"type": "json", "value": to_jsonable(checked)})


def _error_text(exc: BaseException) -> str:
    message = str(exc)
    if isinstance(exc, KeyError) and exc.args:
        message = str(exc.args[0])
    return message


def _as_context(context: ToolExecutionContext | Mapping[str, Any] | None) -> ToolExecutionContext:
    if context is None:
        return ToolExecutionContext()
    if isinstance(context, ToolExecutionContext):
        return context
    if isinstance(context, Mapping):
        return ToolExecutionContext(**dict(context))
    raise ToolValidationError(
        f"context must be a ToolExecutionContext or a dict of its fields, found {type(context).__name__}."
    )


def create_tool(
    *,
    id: str,
    description: str = "",
    input_schema: SchemaLike = None,
    output_schema: SchemaLike = None,
    execute: ExecuteFn | None = None,
    suspend_schema: SchemaLike = None,
    resume_schema: SchemaLike = None,
    request_context_schema: SchemaLike = None,
    require_approval: bool | Callable[..., Any] = False,
    title: str | None = None,
    strict: bool | None = None,
    provider_options: dict[str, Any] | None = None,
    to_model_output: Callable[[Any], Any] | None = None,
    mcp: dict[str, Any] | None = None,
    mastra: Any = None,
) -> Tool:
    """Create a tool (Mastra's ``createTool``); the keywords are those of :class:`Tool`."""
    return Tool(
        id=id,
        description=description,
        input_schema=input_schema,
        output_schema=output_schema,
        execute=execute,
        suspend_schema=suspend_schema,
        resume_schema=resume_schema,
        request_context_schema=request_context_schema,
        require_approval=require_approval,
        title=title,
        strict=strict,
        provider_options=provider_options,
        to_model_output=to_model_output,
        mcp=mcp,
        mastra=mastra,
    )
