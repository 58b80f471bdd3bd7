"""Workflows: ``create_workflow`` and the builder (``.then``, ``.parallel``, ``.branch``, ...).

The builder records a list of entries; :mod:`lumos_compat.workflows.run` executes them. A committed
workflow is itself a step: ``.then(inner_workflow)`` nests it (its result is one step record).
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from lumos_compat.schema import SchemaLike, compile_schema
from lumos_compat.workflows.errors import WorkflowConfigError
from lumos_compat.workflows.step import ConditionFn, Step, StepContext, call_user
from lumos_compat.workflows.store import InMemoryWorkflowStore

__all__ = ["Workflow", "create_workflow"]

EntryKind = Literal["step", "parallel", "conditional", "loop", "foreach"]


@dataclass(slots=True)
class Entry:
    """One node of the step graph."""

    kind: EntryKind
    steps: list[Any]
    conditions: list[ConditionFn] = field(default_factory=list)
    loop: Literal["dowhile", "dountil"] | None = None
    concurrency: int = 1


def _path_get(value: Any, path: str) -> Any:
    if path in ("", "."):
        return value
    current = value
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit():
            index = int(part)
            current = current[index] if index < len(current) else None
        else:
            current = getattr(current, part, None)
        if current is None:
            return None
    return current


def _mapping_execute(workflow_id: str, config: Mapping[str, Any]) -> Callable[[StepContext], Any]:
    """A ``.map({...})`` config as an execute function."""
    for key, spec in config.items():
        if not isinstance(spec, Mapping):
            raise WorkflowConfigError(
                f".map() config of workflow {workflow_id!r}: key {key!r} must be a dict like "
                "{'step': step, 'path': 'field'}, {'value': v}, {'init_data': workflow, 'path': ...} "
                f"or {{'request_context_path': 'key'}}; found {type(spec).__name__}"
            )

    async def execute(ctx: StepContext) -> Any:
        out: dict[str, Any] = {}
        for key, spec in config.items():
            path = str(spec.get("path", "."))
            if "value" in spec:
                out[key] = spec["value"]
            elif "step" in spec:
                source = spec["step"]
                sources = source if isinstance(source, (list, tuple)) else [source]
                found = None
                for candidate in sources:
                    found = ctx.get_step_result(candidate)
                    if found is not None:
                        break
                out[key] = _path_get(found, path)
            elif "init_data" in spec or "initData" in spec:
                out[key] = _path_get(ctx._execution.init_data_json, path)
            elif "request_context_path" in spec or "requestContextPath" in spec:
                rc_path = str(spec.get("request_context_path", spec.get("requestContextPath")))
                out[key] = _path_get(ctx.request_context.all, rc_path)
            elif "fn" in spec:
                out[key] = await call_user(spec["fn"], ctx)
            else:
                raise WorkflowConfigError(
                    f".map() config of workflow {workflow_id!r}: key {key!r} has none of "
                    "'step', 'value', 'init_data', 'request_context_path', 'fn'"
                )
        return out

    return execute


class Workflow:
    """A workflow (Mastra's ``createWorkflow``): a step graph built with chained methods."""

    kind = "workflow"

    def __init__(
        self,
        *,
        id: str,
        input_schema: SchemaLike = None,
        output_schema: SchemaLike = None,
        state_schema: SchemaLike = None,
        description: str | None = None,
        retry_config: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        steps: Sequence[Any] | None = None,
        storage: Any = None,
        mastra: Any = None,
    ) -> None:
        if not isinstance(id, str) or not id:
            raise WorkflowConfigError(
                f"A workflow needs a non-empty string id, found {id!r}: create_workflow(id='my-workflow', ...)"
            )
        self.id = id
        self.description = description
        self.input_schema = input_schema
        self.output_schema = output_schema
        self.state_schema = state_schema
        self.retry_config = dict(retry_config or {})
        self.options = dict(options or {})
        self.validate_inputs = bool(
            self.options.get("validate_inputs", self.options.get("validateInputs", True))
        )
        self.storage = storage
        self.mastra = mastra
        self.entries: list[Entry] = []
        self.committed = False
        self.retries: int | None = None
        self.resume_schema = None
        self.suspend_schema = None
        self._input = compile_schema(input_schema) if input_schema is not None else None
        self._map_count = 0
        self._default_store: InMemoryWorkflowStore | None = None
        self.step_registry: dict[str, Any] = {s.id: s for s in (steps or [])}

    def __repr__(self) -> str:
        return f"Workflow(id={self.id!r})"

    # wiring ----------------------------------------------------------------------------------
    def register_mastra(self, mastra: Any) -> None:
        """Called by ``Mastra`` when the workflow is registered."""
        self.mastra = mastra

    def get_store(self) -> Any:
        """The snapshot store: ``storage=``, else the Mastra instance's storage, else in-memory."""
        if self.storage is not None:
            return self.storage
        mastra_store = getattr(self.mastra, "storage", None)
        if mastra_store is not None and hasattr(mastra_store, "save_workflow_snapshot"):
            return mastra_store
        if self._default_store is None:
            self._default_store = InMemoryWorkflowStore()
        return self._default_store

    @property
    def steps(self) -> dict[str, Any]:
        """Every step of the graph by id (nested workflows as one step)."""
        out = dict(self.step_registry)
        for entry in self.entries:
            for step in entry.steps:
                out[step.id] = step
        return out

    def _add(self, entry: Entry) -> Workflow:
        for step in entry.steps:
            if not isinstance(step, (Step, Workflow)):
                raise WorkflowConfigError(
                    f"workflow {self.id!r}: expected a step made by create_step() or a workflow, "
                    f"found {type(step).__name__} ({step!r})"
                )
        self.entries.append(entry)
        return self

    # builder ----------------------------------------------------------------------------------
    def then(self, step: Step | Workflow) -> Workflow:
        """Run ``step`` next; it gets the previous output."""
        return self._add(Entry("step", [step]))

    def parallel(self, steps: Sequence[Step | Workflow]) -> Workflow:
        """Run ``steps`` concurrently; the next input is ``{step_id: output}``."""
        if not steps:
            raise WorkflowConfigError(f"workflow {self.id!r}: .parallel() needs at least one step")
        return self._add(Entry("parallel", list(steps)))

    def branch(self, branches: Sequence[tuple[ConditionFn, Step | Workflow]]) -> Workflow:
        """Run every step whose condition is true, concurrently; next input ``{step_id: output}``."""
        if not branches:
            raise WorkflowConfigError(
                f"workflow {self.id!r}: .branch() needs [(condition, step), ...]"
            )
        conds = [c for c, _ in branches]
        steps = [s for _, s in branches]
        return self._add(Entry("conditional", steps, conditions=conds))

    def dowhile(self, step: Step | Workflow, condition: ConditionFn) -> Workflow:
        """Run ``step`` again while ``condition`` (on its output) is true."""
        return self._add(Entry("loop", [step], conditions=[condition], loop="dowhile"))

    def dountil(self, step: Step | Workflow, condition: ConditionFn) -> Workflow:
        """Run ``step`` again until ``condition`` (on its output) is true."""
        return self._add(Entry("loop", [step], conditions=[condition], loop="dountil"))

    def foreach(
        self,
        step: Step | Workflow,
        options: Mapping[str, Any] | None = None,
        *,
        concurrency: int | None = None,
    ) -> Workflow:
        """Run ``step`` on each item of the previous output (a list); results in input order."""
        conc = (
            concurrency if concurrency is not None else int((options or {}).get("concurrency", 1))
        )
        if conc < 1:
            raise WorkflowConfigError(
                f"workflow {self.id!r}: foreach concurrency must be >= 1, found {conc}"
            )
        return self._add(Entry("foreach", [step], concurrency=conc))

    def map(
        self,
        mapping: Callable[[StepContext], Any] | Mapping[str, Any],
        options: Mapping[str, Any] | None = None,
        *,
        id: str | None = None,
    ) -> Workflow:
        """Transform the previous output with a function of the context, or a mapping config.

        The step's id is ``mapping_<workflow id>_<n>`` unless ``id`` is given.
        """
        step_id = id or (options or {}).get("id") or f"mapping_{self.id}_{self._map_count}"
        self._map_count += 1
        if callable(mapping):
            fn = mapping

            async def execute(ctx: StepContext) -> Any:
                return await call_user(fn, ctx)

        elif isinstance(mapping, Mapping):
            execute = _mapping_execute(self.id, mapping)
        else:
            raise WorkflowConfigError(
                f"workflow {self.id!r}: .map() takes a function or a mapping config dict, found {type(mapping).__name__}"
            )
        return self.then(Step(id=str(step_id), execute=execute, component="MAPPING"))

    def sleep(self, duration: float | Callable[[StepContext], Any]) -> Workflow:
        """Wait ``duration`` milliseconds (or a function of the context returning them)."""

        async def execute(ctx: StepContext) -> Any:
            ms = await call_user(duration, ctx) if callable(duration) else duration
            await asyncio.sleep(max(0.0, float(ms or 0)) / 1000)
            return ctx._execution.current_input_json

        return self.then(Step(id=f"sleep_{uuid.uuid4()}", execute=execute, component="SLEEP"))

    def sleep_until(self, when: _dt.datetime | Callable[[StepContext], Any]) -> Workflow:
        """Wait until ``when`` (a datetime, or a function of the context returning one)."""

        async def execute(ctx: StepContext) -> Any:
            target = await call_user(when, ctx) if callable(when) else when
            if not isinstance(target, _dt.datetime):
                raise WorkflowConfigError(
                    f"sleep_until expects a datetime, found {type(target).__name__}"
                )
            now = _dt.datetime.now(target.tzinfo) if target.tzinfo else _dt.datetime.now()
            await asyncio.sleep(max(0.0, (target - now).total_seconds()))
            return ctx._execution.current_input_json

        return self.then(Step(id=f"sleep_{uuid.uuid4()}", execute=execute, component="SLEEP"))

    def commit(self) -> Workflow:
        """Finish the graph (required before running, as in Mastra)."""
        if not self.entries:
            raise WorkflowConfigError(
                f"workflow {self.id!r} has no steps: add .then(step) before .commit()"
            )
        self.committed = True
        return self

    # runs -------------------------------------------------------------------------------------
    async def create_run(self, *, run_id: str | None = None, resource_id: str | None = None) -> Any:
        """A run of this workflow (async, as in Mastra 1.x); ``run_id`` defaults to a new UUID."""
        from lumos_compat.workflows.run import Run

        if not self.committed:
            raise WorkflowConfigError(
                f"workflow {self.id!r} is not committed: call .commit() after the last step"
            )
        return Run(self, run_id or str(uuid.uuid4()), resource_id)

    async def list_workflow_runs(
        self, *, resource_id: str | None = None, page: int = 0, per_page: int = 100
    ) -> Any:
        """Stored runs of this workflow."""
        return await self.get_store().list_workflow_runs(self.id, resource_id, page, per_page)

    async def get_workflow_run_by_id(self, run_id: str) -> dict[str, Any] | None:
        """The stored snapshot of a run, or ``None``."""
        found = await self.get_store().load_workflow_snapshot(self.id, run_id)
        return found[0] if found is not None else None

    async def delete_workflow_run_by_id(self, run_id: str) -> bool:
        """Delete a stored run; ``True`` when it existed."""
        return bool(await self.get_store().delete_workflow_run(self.id, run_id))

    async def execute(self, input_data: Any = None, **kw: Any) -> Any:
        """Start a new run and return its result (a shortcut for create_run + start)."""
        run = await self.create_run()
        return await run.start(input_data=input_data, **kw)


def create_workflow(
    *,
    id: str,
    input_schema: SchemaLike = None,
    output_schema: SchemaLike = None,
    state_schema: SchemaLike = None,
    description: str | None = None,
    retry_config: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    steps: Sequence[Any] | None = None,
    storage: Any = None,
) -> Workflow:
    """Create a workflow (Mastra's ``createWorkflow``); chain steps and finish with ``.commit()``.

    ``options={"validate_inputs": False}`` turns input validation off (on by default, as in 1.x).
    ``storage=`` is a snapshot store; by default the Mastra instance's storage, else in-memory.
    """
    return Workflow(
        id=id,
        input_schema=input_schema,
        output_schema=output_schema,
        state_schema=state_schema,
        description=description,
        retry_config=retry_config,
        options=options,
        steps=steps,
        storage=storage,
    )
