"""Steps: ``create_step`` and the context object a step's ``execute`` receives.

A step's ``execute`` takes **one** argument, the :class:`StepContext` (Mastra passes one object
too): ``input_data``, ``get_step_result``, ``get_init_data``, ``suspend``, ``resume_data``,
``suspend_data``, ``state``, ``set_state``, ``bail``, ``abort``, ``retry_count``,
``request_context``, ``writer``, ``mastra``, ``run_id``, ``workflow_id``. It may be sync or async.
Suspend and bail the way Mastra code does: ``return await ctx.suspend({...})``,
``return ctx.bail(value)``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from lumos_compat.request_context import RequestContext
from lumos_compat.results import MastraRecord
from lumos_compat.schema import CompiledSchema, SchemaLike, ValidationIssue, compile_schema
from lumos_compat.tools import AbortSignal, Tool, to_jsonable
from lumos_compat.workflows.errors import WorkflowConfigError, WorkflowValidationError

if TYPE_CHECKING:
    from lumos_compat.workflows.run import _Execution

__all__ = [
    "Step",
    "StepContext",
    "StepWriter",
    "create_step",
    "issue_lines",
]

StepExecute = Callable[["StepContext"], Any]


def readable(value: Any) -> Any:
    """Dict data as a :class:`MastraRecord` (``data.value`` and ``data["value"]`` both work)."""
    if type(value) is dict:
        return MastraRecord(value)
    return value


def issue_lines(issues: list[ValidationIssue]) -> str:
    """Mastra's issue list: ``\\n- value: Invalid input: expected number, received string``."""
    return "".join(
        f"\n- {'.'.join(str(p) for p in issue.path) or 'root'}: {issue.message}" for issue in issues
    )


class _Signal:
    """What ``suspend``/``bail`` return: awaitable (``await ctx.suspend(...)``) or returned as is."""

    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any) -> None:
        self.kind = kind
        self.value = value

    def __await__(self) -> Generator[Any, None, _Signal]:
        return self
        yield  # pragma: no cover - makes this a generator

    def __repr__(self) -> str:
        return f"<workflow {self.kind} signal>"


class StepWriter:
    """``ctx.writer``: custom events from inside a step (``workflow-step-output`` in the stream)."""

    __slots__ = ("_emit", "_step_id")

    def __init__(self, emit: Callable[[dict[str, Any]], Any], step_id: str) -> None:
        self._emit = emit
        self._step_id = step_id

    async def write(self, data: Any) -> None:
        """Send ``data`` to the run's stream, wrapped as Mastra wraps step output."""
        await self._emit(
            {
                "type": "workflow-step-output",
                "payload": {"output": to_jsonable(data), "stepName": self._step_id},
            }
        )

    async def custom(self, chunk: Mapping[str, Any]) -> None:
        """Send a custom chunk (``{"type": "data-...", ...}``) to the run's stream."""
        await self._emit(
            {
                "type": "workflow-step-output",
                "payload": {"output": to_jsonable(dict(chunk)), "stepName": self._step_id},
            }
        )


class StepContext:
    """The one object a step's ``execute`` (and a condition or ``.map`` function) receives."""

    def __init__(
        self,
        execution: _Execution,
        step_id: str,
        input_data: Any,
        *,
        resume_data: Any = None,
        suspend_data: Any = None,
        retry_count: int = 0,
        iteration_count: int | None = None,
        suspend_schema: CompiledSchema | None = None,
    ) -> None:
        self._execution = execution
        self._step_id = step_id
        self._suspend_schema = suspend_schema
        self.input_data = readable(input_data)
        """The step's input: the previous step's output, validated against ``input_schema``."""
        self.resume_data = resume_data
        """What ``run.resume(resume_data=...)`` passed (``None`` on the first run)."""
        self.suspend_data = suspend_data
        """The payload the step suspended with, when it runs again after a resume."""
        self.retry_count = retry_count
        """How many times this step already failed and was retried (0 on the first attempt)."""
        self.iteration_count = iteration_count
        """In a loop condition: the number of passes so far (from 1)."""
        self.signal: _Signal | None = None

    # read-only views ------------------------------------------------------------------------
    @property
    def run_id(self) -> str:
        """The run's id."""
        return self._execution.run_id

    @property
    def workflow_id(self) -> str:
        """The workflow's id."""
        return self._execution.workflow.id

    @property
    def resource_id(self) -> str | None:
        """The run's resource id, if any."""
        return self._execution.resource_id

    @property
    def request_context(self) -> RequestContext:
        """The request context given to ``run.start``."""
        return self._execution.request_context

    @property
    def mastra(self) -> Any:
        """The ``Mastra`` instance the workflow is registered with, if any."""
        return self._execution.workflow.mastra

    @property
    def abort_signal(self) -> AbortSignal:
        """Aborted when the run is cancelled."""
        return self._execution.abort_signal

    @property
    def state(self) -> Any:
        """The workflow state (a dict; see ``set_state``)."""
        return self._execution.state

    @property
    def writer(self) -> StepWriter:
        """Writes custom chunks to the run's stream."""
        return StepWriter(self._execution.emit, self._step_id)

    # Mastra functions -------------------------------------------------------------------------
    def get_init_data(self) -> Any:
        """The workflow's input (validated: a model instance for a pydantic ``input_schema``)."""
        return readable(self._execution.init_data)

    def get_step_result(self, step: Any) -> Any:
        """The output of an earlier step (a step object or its id); ``None`` if it did not succeed."""
        step_id = step if isinstance(step, str) else getattr(step, "id", None)
        if step_id == "input":
            return readable(self._execution.init_data)
        record = self._execution.steps.get(step_id) if isinstance(step_id, str) else None
        if isinstance(record, Mapping) and record.get("status") == "success":
            return readable(record.get("output"))
        return None

    async def set_state(self, new_state: Any) -> None:
        """Merge ``new_state`` into the workflow state (async, as in Mastra 1.x)."""
        self._execution.set_state(new_state)

    def suspend(
        self, payload: Any = None, options: Mapping[str, Any] | None = None, **kw: Any
    ) -> _Signal:
        """Suspend the step with ``payload``: ``return await ctx.suspend({...})``.

        The payload is validated against the step's ``suspend_schema``. ``resume_label=`` (or
        ``{"resumeLabel": ...}``) names the suspension for ``run.resume(label=...)``.
        """
        data = to_jsonable(payload) if payload is not None else None
        if self._suspend_schema is not None:
            checked = self._suspend_schema.validate(
                data if data is not None else {}, apply_defaults=True
            )
            if not checked.ok:
                raise WorkflowValidationError(
                    f"Invalid suspend data: {issue_lines(checked.issues)}"
                )
        label = kw.get("resume_label") or (options or {}).get("resumeLabel")
        self.signal = _Signal("suspend", {"payload": data, "label": label})
        return self.signal

    def bail(self, result: Any = None) -> _Signal:
        """End the whole workflow now, successfully, with ``result``: ``return ctx.bail(value)``."""
        self.signal = _Signal("bail", result)
        return self.signal

    def abort(self) -> None:
        """Cancel the run (its status becomes ``canceled``)."""
        self.signal = _Signal("abort", None)
        self._execution.abort_signal.abort()

    def __repr__(self) -> str:
        return f"StepContext(step={self._step_id!r}, run_id={self.run_id!r})"


async def call_user(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a sync or async user function; await what it returns if it is awaitable."""
    result = fn(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


class Step:
    """A unit of work in a workflow (Mastra's ``createStep``).

    Schemas are pydantic model classes, JSON Schema dicts or ``None``. With a pydantic
    ``input_schema`` the step gets a model instance as ``input_data``; outputs are recorded as
    JSON-able data (pydantic results are dumped).
    """

    kind = "step"

    def __init__(
        self,
        *,
        id: str,
        execute: StepExecute,
        description: str | None = None,
        input_schema: SchemaLike = None,
        output_schema: SchemaLike = None,
        state_schema: SchemaLike = None,
        suspend_schema: SchemaLike = None,
        resume_schema: SchemaLike = None,
        request_context_schema: SchemaLike = None,
        retries: int | None = None,
        metadata: Mapping[str, Any] | None = None,
        component: str | None = None,
    ) -> None:
        if not isinstance(id, str) or not id:
            raise WorkflowConfigError(
                f"A step needs a non-empty string id, found {id!r}: create_step(id='my-step', ...)"
            )
        if not callable(execute):
            raise WorkflowConfigError(
                f"Step {id!r} needs an execute function taking the step context, found {type(execute).__name__}."
            )
        self.id = id
        self.description = description
        self.input_schema = input_schema
        self.output_schema = output_schema
        self.state_schema = state_schema
        self.suspend_schema = suspend_schema
        self.resume_schema = resume_schema
        self.request_context_schema = request_context_schema
        self.retries = retries
        self.metadata = dict(metadata or {})
        self.component = component
        self.execute = execute
        self._input = compile_schema(input_schema) if input_schema is not None else None
        self._suspend = compile_schema(suspend_schema) if suspend_schema is not None else None
        self._resume = compile_schema(resume_schema) if resume_schema is not None else None
        self._is_async = inspect.iscoroutinefunction(execute) or inspect.iscoroutinefunction(
            getattr(execute, "__call__", None)  # noqa: B004
        )

    def __repr__(self) -> str:
        return f"Step(id={self.id!r})"

    def validate_input(self, data: Any) -> tuple[bool, Any, list[ValidationIssue]]:
        """Check ``data`` against ``input_schema``; the validated value or the issues."""
        if self._input is None:
            return True, data, []
        result = self._input.validate(data)
        return result.ok, result.value, result.issues

    def validate_resume(self, data: Any) -> Any:
        """Check resume data; raise ``Invalid resume data: ...`` as Mastra does."""
        if self._resume is None:
            return data
        result = self._resume.validate(data)
        if not result.ok:
            raise WorkflowValidationError(f"Invalid resume data: {issue_lines(result.issues)}")
        return to_jsonable(result.value)

    async def run(self, context: StepContext) -> Any:
        """Call ``execute`` with the context (sync functions run in a worker thread)."""
        if self._is_async:
            return await self.execute(context)
        result = await asyncio.to_thread(self.execute, context)
        if inspect.isawaitable(result):
            result = await result
        return result


class _PromptInput(BaseModel):
    prompt: str


class _TextOutput(BaseModel):
    text: str


_PROMPT_SCHEMA = {
    "type": "object",
    "properties": {"prompt": {"type": "string"}},
    "required": ["prompt"],
    "additionalProperties": False,
}
_TEXT_SCHEMA = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
    "additionalProperties": False,
}


def _agent_step(agent: Any, options: Mapping[str, Any]) -> Step:
    structured = options.get("structured_output") or options.get("structuredOutput")
    output_schema = (structured or {}).get("schema") if isinstance(structured, Mapping) else None

    async def execute(ctx: StepContext) -> Any:
        data = ctx.input_data
        prompt = data.get("prompt") if isinstance(data, Mapping) else getattr(data, "prompt", data)
        call: dict[str, Any] = {"request_context": ctx.request_context}
        if output_schema is not None:
            call["structured_output"] = {"schema": output_schema}
        result = await agent.generate(prompt, **call)
        if output_schema is not None:
            return to_jsonable(result.object)
        return {"text": result.text}

    return Step(
        id=str(options.get("id") or agent.id),
        description=getattr(agent, "description", None),
        input_schema=_PROMPT_SCHEMA,
        output_schema=output_schema if output_schema is not None else _TEXT_SCHEMA,
        execute=execute,
        retries=options.get("retries"),
        component="AGENT",
    )


def _tool_step(tool: Tool, options: Mapping[str, Any]) -> Step:
    from lumos_compat.tools import ToolExecutionContext, WorkflowToolContext

    async def execute(ctx: StepContext) -> Any:
        async def suspend(payload: Any = None, opts: Any = None) -> Any:
            return ctx.suspend(payload, opts)

        tool_ctx = ToolExecutionContext(
            request_context=ctx.request_context,
            mastra=ctx.mastra,
            abort_signal=ctx.abort_signal,
            run_id=ctx.run_id,
            resume_data=ctx.resume_data,
            suspend_payload=ctx.suspend_data,
            suspend=suspend,
            workflow=WorkflowToolContext(
                run_id=ctx.run_id,
                workflow_id=ctx.workflow_id,
                state=ctx.state,
                set_state=ctx._execution.set_state,
                suspend=suspend,
                resume_data=ctx.resume_data,
                suspend_payload=ctx.suspend_data,
            ),
        )
        result = await tool.execute(ctx.input_data, tool_ctx)
        if ctx.signal is not None:
            return ctx.signal
        return result

    return Step(
        id=str(options.get("id") or tool.id),
        description=tool.description,
        input_schema=tool.input_schema,
        output_schema=tool.output_schema,
        suspend_schema=tool.suspend_schema,
        resume_schema=tool.resume_schema,
        execute=execute,
        retries=options.get("retries"),
        component="TOOL",
    )


def create_step(
    source: Any = None,
    options: Mapping[str, Any] | None = None,
    *,
    id: str | None = None,
    description: str | None = None,
    input_schema: SchemaLike = None,
    output_schema: SchemaLike = None,
    state_schema: SchemaLike = None,
    suspend_schema: SchemaLike = None,
    resume_schema: SchemaLike = None,
    request_context_schema: SchemaLike = None,
    retries: int | None = None,
    metadata: Mapping[str, Any] | None = None,
    execute: StepExecute | None = None,
) -> Step:
    """Create a step (Mastra's ``createStep``).

    ``create_step(id=..., input_schema=..., output_schema=..., execute=fn)`` makes a step from a
    function; ``create_step(agent)`` a step with input ``{prompt}`` and output ``{text}`` (or the
    ``structured_output`` schema given in ``options``); ``create_step(tool)`` a step with the tool's
    schemas that runs the tool.
    """
    opts = dict(options or {})
    if id is not None:
        opts.setdefault("id", id)
    if retries is not None:
        opts.setdefault("retries", retries)
    if source is not None:
        if isinstance(source, Tool):
            return _tool_step(source, opts)
        if callable(getattr(source, "generate", None)) and hasattr(source, "id"):
            return _agent_step(source, opts)
        raise WorkflowConfigError(
            f"create_step(source) expects an Agent or a Tool, found {type(source).__name__}; "
            "for a function, call create_step(id=..., execute=fn)."
        )
    if id is None or execute is None:
        raise WorkflowConfigError(
            "create_step needs id= and execute= (or an agent or tool as its first argument); "
            f"found id={id!r}, execute={'set' if execute is not None else 'missing'}."
        )
    return Step(
        id=id,
        description=description,
        input_schema=input_schema,
        output_schema=output_schema,
        state_schema=state_schema,
        suspend_schema=suspend_schema,
        resume_schema=resume_schema,
        request_context_schema=request_context_schema,
        retries=retries,
        metadata=metadata,
        execute=execute,
    )


ConditionFn = Callable[[StepContext], bool | Awaitable[bool]]
