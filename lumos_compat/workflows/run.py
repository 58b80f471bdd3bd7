"""Running workflows: ``Run`` (start, resume, stream, watch, cancel, restart) and the engine.

The run's whole state is one JSON-able snapshot, saved to the store after every step (and on
suspend, failure and finish), so a run survives its process: another process can resume a
suspended run, or ``restart()`` one whose process died, and no completed step runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lumos_compat.request_context import RequestContext
from lumos_compat.results import MastraRecord
from lumos_compat.tools import AbortSignal, to_jsonable
from lumos_compat.workflows.errors import (
    WorkflowRunConflictError,
    WorkflowRunNotFoundError,
    WorkflowStateError,
    WorkflowValidationError,
)
from lumos_compat.workflows.step import Step, StepContext, _Signal, call_user, issue_lines
from lumos_compat.workflows.store import conflict_error_types
from lumos_compat.workflows.workflow import Entry, Workflow

__all__ = ["Run", "WorkflowResult", "WorkflowRunOutput"]

_ZERO_USAGE = {
    "inputTokens": 0,
    "outputTokens": 0,
    "totalTokens": 0,
    "cachedInputTokens": 0,
    "cacheCreationInputTokens": 0,
    "reasoningTokens": 0,
}


def _now_ms() -> int:
    return int(time.time() * 1000)


def error_record(exc: BaseException) -> dict[str, Any]:
    """An exception as Mastra serialises it: ``{"message", "name"}`` (Python ``Exception`` is ``Error``)."""
    name = "Error" if type(exc) is Exception else type(exc).__name__
    message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return {"message": message, "name": name}


class WorkflowResult(MastraRecord):
    """The result of ``run.start()``/``run.resume()`` in Mastra's ``WorkflowResult`` shape."""

    __slots__ = ()

    @property
    def status(self) -> str:
        """``success``, ``failed``, ``suspended`` or ``canceled``."""
        return self["status"]

    @property
    def result(self) -> Any:
        """The workflow's output (success only)."""
        return self.get("result")

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self["runId"]

    def legacy(self) -> dict[str, Any]:
        """The 0.x ``LegacyWorkflow`` result shape: ``{runId, results: {id: {status, output}}, ...}``.

        For code ported from the legacy API that reads ``result.results[step_id].output``.
        """
        results: dict[str, Any] = {}
        for step_id, record in self.get("steps", {}).items():
            if step_id == "input" or not isinstance(record, Mapping):
                continue
            status = record.get("status")
            item: dict[str, Any] = {"status": status}
            if status == "success":
                item["output"] = record.get("output")
            elif status == "failed":
                error = record.get("error")
                item["error"] = error.get("message") if isinstance(error, Mapping) else str(error)
            elif status == "suspended" and record.get("suspendPayload") is not None:
                item["suspendPayload"] = record.get("suspendPayload")
            results[step_id] = item
        out: dict[str, Any] = {"runId": self.get("runId"), "results": results}
        out["triggerData"] = self.get("input")
        if "result" in self:
            out["result"] = self["result"]
        out["activePaths"] = {
            p[0]: {"status": "suspended", "stepPath": p} for p in self.get("suspended", [])
        }
        out["timestamp"] = _now_ms()
        return MastraRecord(out)


@dataclass(slots=True)
class _Outcome:
    kind: str  # success | failed | suspended | bail | canceled
    output: Any = None
    error: BaseException | None = None
    paths: list[list[str]] = field(default_factory=list)
    payloads: dict[str, Any] = field(default_factory=dict)
    label: str | None = None


class _Canceled(Exception):
    pass


class _Execution:
    """One pass of the engine over a run's snapshot (start, resume or restart)."""

    def __init__(
        self,
        workflow: Workflow,
        snapshot: dict[str, Any],
        *,
        store: Any,
        version: int | None,
        request_context: RequestContext,
        emit: Callable[[dict[str, Any]], Any],
        abort_signal: AbortSignal,
        parent: _Execution | None = None,
        nested_key: str | None = None,
        resume: dict[str, Any] | None = None,
    ) -> None:
        self.workflow = workflow
        self.snapshot = snapshot
        self.store = store
        self.version = version
        self.request_context = request_context
        self._emit = emit
        self.abort_signal = abort_signal
        self.parent = parent
        self.nested_key = nested_key
        self.resume = resume
        self._lock = asyncio.Lock()
        self._init_cache: Any = _UNSET

    # snapshot views ----------------------------------------------------------------------------
    @property
    def run_id(self) -> str:
        return self.snapshot["runId"]

    @property
    def resource_id(self) -> str | None:
        return self.snapshot.get("resourceId")

    @property
    def steps(self) -> dict[str, Any]:
        return self.snapshot["context"]

    @property
    def state(self) -> Any:
        return self.snapshot["value"]

    @property
    def init_data_json(self) -> Any:
        return self.snapshot["input"]

    @property
    def current_input_json(self) -> Any:
        return self.snapshot["prevOutput"]

    @property
    def init_data(self) -> Any:
        if self._init_cache is _UNSET:
            raw = self.snapshot["input"]
            schema = self.workflow._input
            value = raw
            if schema is not None:
                checked = schema.validate(raw)
                value = checked.value if checked.ok else raw
            self._init_cache = value
        return self._init_cache

    def set_state(self, new_state: Any) -> None:
        data = to_jsonable(new_state)
        if isinstance(data, Mapping) and isinstance(self.snapshot.get("value"), Mapping):
            merged = dict(self.snapshot["value"])
            merged.update(data)
            self.snapshot["value"] = merged
        else:
            self.snapshot["value"] = data

    async def emit(self, event: dict[str, Any]) -> None:
        await self._emit(event)

    async def persist(self) -> None:
        """Save the snapshot (the top-level run's, with nested runs inside it)."""
        if self.parent is not None:
            self.parent.snapshot.setdefault("nested", {})[self.nested_key] = self.snapshot
            await self.parent.persist()
            return
        async with self._lock:
            self.snapshot["timestamp"] = _now_ms()
            try:
                self.version = await self.store.save_workflow_snapshot(
                    self.workflow.id,
                    self.run_id,
                    self.snapshot,
                    resource_id=self.resource_id,
                    expected_version=self.version,
                )
            except conflict_error_types() as exc:
                raise WorkflowRunConflictError(
                    f"run {self.run_id!r} of workflow {self.workflow.id!r} was changed by another "
                    f"caller while this one was running it ({exc}); this caller stops here"
                ) from exc

    # events ------------------------------------------------------------------------------------
    def _event(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"type": kind, "runId": self.run_id, "from": "WORKFLOW", "payload": payload}

    # the walk ----------------------------------------------------------------------------------
    async def run(self) -> _Outcome:
        """Execute entries from the snapshot's position to the end (or a stop)."""
        entries = self.workflow.entries
        try:
            while self.snapshot["position"] < len(entries):
                position = self.snapshot["position"]
                entry = entries[position]
                outcome = await self._run_entry(entry, self.snapshot["prevOutput"])
                if outcome.kind == "success":
                    self.snapshot["position"] = position + 1
                    self.snapshot["prevOutput"] = outcome.output
                    self.snapshot["current"] = {}
                    await self.persist()
                    continue
                return await self._finish(outcome)
            return await self._finish(_Outcome("success", self.snapshot["prevOutput"]))
        except _Canceled:
            return await self._finish(_Outcome("canceled"))

    async def _finish(self, outcome: _Outcome) -> _Outcome:
        snap = self.snapshot
        snap.pop("result", None)
        snap.pop("error", None)
        snap["suspended"] = []
        snap["suspendPayload"] = {}
        if outcome.kind in ("success", "bail"):
            snap["status"] = "success"
            snap["result"] = outcome.output
        elif outcome.kind == "failed":
            snap["status"] = "failed"
            snap["error"] = error_record(outcome.error or Exception("unknown error"))
        elif outcome.kind == "suspended":
            snap["status"] = "suspended"
            snap["suspended"] = outcome.paths
            snap["suspendPayload"] = outcome.payloads
        else:
            snap["status"] = "canceled"
        await self.persist()
        return outcome

    def _check_cancel(self) -> None:
        if self.abort_signal.aborted:
            raise _Canceled()

    async def _run_entry(self, entry: Entry, data: Any) -> _Outcome:
        self._check_cancel()
        if entry.kind == "step":
            step = entry.steps[0]
            # the walk saves the snapshot once the position has moved past this step
            return await self._run_step(step, data, in_path=True, persist=False)
        if entry.kind in ("parallel", "conditional"):
            return await self._run_group(entry, data)
        if entry.kind == "loop":
            return await self._run_loop(entry, data)
        return await self._run_foreach(entry, data)

    # one step ----------------------------------------------------------------------------------
    def _resume_for(self, step_id: str) -> dict[str, Any] | None:
        resume = self.resume
        if resume is not None and resume["path"] and resume["path"][0] == step_id:
            return resume
        return None

    async def _run_step(
        self,
        step: Any,
        data: Any,
        *,
        in_path: bool = False,
        iteration: int | None = None,
        persist: bool = True,
    ) -> _Outcome:
        step_id = step.id
        resume = self._resume_for(step_id)
        previous = self.steps.get(step_id)
        record: dict[str, Any] = {}
        call_id = str(uuid.uuid4())
        if (
            resume is not None
            and isinstance(previous, Mapping)
            and previous.get("status") == "suspended"
        ):
            data = previous.get("payload", data)
            record["payload"] = data
            record["startedAt"] = previous.get("startedAt", _now_ms())
            record["status"] = "running"
            if len(resume["path"]) == 1:
                record["resumePayload"] = resume["data"]
                record["resumedAt"] = _now_ms()
            suspend_data = previous.get("suspendPayload")
        else:
            record["payload"] = data
            record["startedAt"] = _now_ms()
            record["status"] = "running"
            suspend_data = None
        if in_path and step_id not in self.snapshot["stepExecutionPath"]:
            self.snapshot["stepExecutionPath"].append(step_id)
        self.steps[step_id] = record
        await self.emit(
            self._event(
                "workflow-step-start",
                {"stepName": step_id, "id": step_id, "stepCallId": call_id, **record},
            )
        )
        outcome = await self._attempt(
            step,
            data,
            resume=resume,
            suspend_data=suspend_data,
            iteration=iteration,
        )
        if outcome.kind in ("success", "bail"):
            record["status"] = "success"
            record["output"] = outcome.output
            record["endedAt"] = _now_ms()
            kind = "workflow-step-result"
        elif outcome.kind == "failed":
            record["status"] = "failed"
            record["error"] = error_record(outcome.error or Exception("unknown error"))
            record["endedAt"] = _now_ms()
            kind = "workflow-step-result"
        elif outcome.kind == "suspended":
            record["status"] = "suspended"
            record["suspendPayload"] = outcome.payloads.get(step_id)
            record["suspendedAt"] = _now_ms()
            if outcome.label:
                self.snapshot.setdefault("resumeLabels", {})[outcome.label] = step_id
            kind = "workflow-step-suspended"
        else:
            record["status"] = "canceled"
            record["endedAt"] = _now_ms()
            kind = "workflow-step-result"
        if iteration is not None:
            record["metadata"] = {"iterationCount": iteration}
        await self.emit(
            self._event(kind, {"stepName": step_id, "id": step_id, "stepCallId": call_id, **record})
        )
        if persist:
            await self.persist()
        if outcome.kind == "canceled":
            raise _Canceled()
        return outcome

    async def _attempt(
        self,
        step: Any,
        data: Any,
        *,
        resume: dict[str, Any] | None,
        suspend_data: Any,
        iteration: int | None = None,
    ) -> _Outcome:
        """Run a step's body with validation and retries; touch no record."""
        if isinstance(step, Workflow):
            return await self._run_nested(step, data, resume)
        value = data
        if self.workflow.validate_inputs:
            ok, value, issues = step.validate_input(data)
            if not ok:
                return _Outcome(
                    "failed",
                    error=WorkflowValidationError(
                        f"Step input validation failed: {issue_lines(issues)}"
                    ),
                )
        retries = (
            step.retries
            if step.retries is not None
            else int(self.workflow.retry_config.get("attempts", 0) or 0)
        )
        delay_ms = float(self.workflow.retry_config.get("delay", 0) or 0)
        resume_data = resume["data"] if resume is not None and len(resume["path"]) == 1 else None
        attempt = 0
        while True:
            ctx = StepContext(
                self,
                step.id,
                value,
                resume_data=resume_data,
                suspend_data=suspend_data,
                retry_count=attempt,
                iteration_count=iteration,
                suspend_schema=step._suspend,
            )
            try:
                result = await step.run(ctx)
            except asyncio.CancelledError:
                if self.abort_signal.aborted:  # run.cancel(): end as canceled, not as an error
                    return _Outcome("canceled")
                raise
            except Exception as exc:  # a failing step: retry or fail the run
                if attempt < retries:
                    attempt += 1
                    if delay_ms:
                        await asyncio.sleep(delay_ms / 1000)
                    continue
                return _Outcome("failed", error=exc)
            signal = (
                ctx.signal
                if ctx.signal is not None
                else (result if isinstance(result, _Signal) else None)
            )
            if signal is not None:
                if signal.kind == "suspend":
                    return _Outcome(
                        "suspended",
                        paths=[[step.id]],
                        payloads={step.id: signal.value["payload"]},
                        label=signal.value["label"],
                    )
                if signal.kind == "bail":
                    return _Outcome("bail", output=to_jsonable(signal.value))
                return _Outcome("canceled")
            return _Outcome("success", output=to_jsonable(result))

    async def _run_nested(
        self, inner: Workflow, data: Any, resume: dict[str, Any] | None
    ) -> _Outcome:
        nested = self.snapshot.setdefault("nested", {})
        if resume is not None and inner.id in nested:
            snapshot = nested[inner.id]
            inner_resume: dict[str, Any] | None = {
                "path": resume["path"][1:],
                "data": resume["data"],
            }
        else:
            raw = to_jsonable(data)
            if inner.validate_inputs and inner._input is not None:
                checked = inner._input.validate(raw)
                if not checked.ok:
                    return _Outcome(
                        "failed",
                        error=WorkflowValidationError(
                            f"Invalid input data: {issue_lines(checked.issues)}"
                        ),
                    )
            snapshot = _new_snapshot(
                inner,
                self.run_id,
                self.resource_id,
                raw,
                self.snapshot.get("value", {}),
                self.request_context,
            )
            inner_resume = None
        child = _Execution(
            inner,
            snapshot,
            store=self.store,
            version=None,
            request_context=self.request_context,
            emit=self._emit,
            abort_signal=self.abort_signal,
            parent=self,
            nested_key=inner.id,
            resume=inner_resume,
        )
        outcome = await child.run()
        if outcome.kind == "suspended":
            first = outcome.paths[0][0] if outcome.paths else None
            return _Outcome(
                "suspended",
                paths=[[inner.id, *p] for p in outcome.paths],
                payloads={inner.id: outcome.payloads.get(first) if first else None},
                label=outcome.label,
            )
        if outcome.kind == "bail":
            return _Outcome("success", output=outcome.output)
        return outcome

    # groups, loops, foreach ----------------------------------------------------------------------
    async def _run_group(self, entry: Entry, data: Any) -> _Outcome:
        current = self.snapshot.setdefault("current", {})
        if entry.kind == "conditional":
            chosen = current.get("branches")
            if chosen is None:
                chosen = []
                for index, cond in enumerate(entry.conditions):
                    ctx = StepContext(self, entry.steps[index].id, data)
                    try:
                        if await call_user(cond, ctx):
                            chosen.append(index)
                    except Exception as exc:  # a failing condition fails the run
                        return _Outcome("failed", error=exc)
                current["branches"] = chosen
                await self.persist()
            steps = [entry.steps[i] for i in chosen]
        else:
            steps = list(entry.steps)
        done: dict[str, Any] = current.setdefault("done", {})

        async def one(step: Any) -> _Outcome:
            if step.id in done:
                return _Outcome("success", output=done[step.id])
            record = self.steps.get(step.id)
            resuming = self._resume_for(step.id) is not None
            if (
                self.resume is not None
                and not resuming
                and isinstance(record, Mapping)
                and record.get("status") == "suspended"
            ):
                return _Outcome(
                    "suspended", paths=[[step.id]], payloads={step.id: record.get("suspendPayload")}
                )
            outcome = await self._run_step(step, data)
            if outcome.kind in ("success", "bail"):
                done[step.id] = outcome.output
            return outcome

        outcomes = await asyncio.gather(*(one(s) for s in steps))
        for outcome in outcomes:
            if outcome.kind == "failed":
                return outcome
        suspended = [o for o in outcomes if o.kind == "suspended"]
        if suspended:
            merged = _Outcome("suspended")
            for o in suspended:
                merged.paths.extend(o.paths)
                merged.payloads.update(o.payloads)
                merged.label = merged.label or o.label
            return merged
        for o in outcomes:
            if o.kind == "bail":
                return o
        return _Outcome(
            "success", output={s.id: o.output for s, o in zip(steps, outcomes, strict=True)}
        )

    async def _run_loop(self, entry: Entry, data: Any) -> _Outcome:
        step = entry.steps[0]
        cond = entry.conditions[0]
        current = self.snapshot.setdefault("current", {})
        if "input" not in current:
            previous = self.steps.get(step.id)
            if isinstance(previous, Mapping) and "payload" in previous:
                # Mastra 1.71 starts a loop from the input its step was last given when the run
                # already holds a result for that step id (there for resuming; a step used twice
                # in a workflow starts its second loop from its first use's last input), and
                # counts on from that result's iterations
                data = previous["payload"]
                counted = (previous.get("metadata") or {}).get("iterationCount")
                if isinstance(counted, int) and counted > 0:
                    current["iteration"] = counted
        iteration = int(current.get("iteration", 1))
        value = current.get("input", data)
        while True:
            current["iteration"] = iteration
            current["input"] = value
            outcome = await self._run_step(step, value, iteration=iteration)
            if outcome.kind != "success":
                return outcome
            self.resume = None
            # the condition sees the step's raw output, as in Mastra (no re-validation that
            # would drop keys the step's input schema does not name)
            ctx = StepContext(self, step.id, outcome.output, iteration_count=iteration)
            try:
                verdict = bool(await call_user(cond, ctx))
            except Exception as exc:  # a failing condition fails the run
                return _Outcome("failed", error=exc)
            again = verdict if entry.loop == "dowhile" else not verdict
            if not again:
                return outcome
            value = outcome.output
            iteration += 1

    async def _run_foreach(self, entry: Entry, data: Any) -> _Outcome:
        step = entry.steps[0]
        if not isinstance(data, list):
            return _Outcome(
                "failed",
                error=TypeError(
                    f"foreach step {step.id!r} expects the previous output to be a list, found {type(data).__name__}"
                ),
            )
        current = self.snapshot.setdefault("current", {})
        results: dict[str, Any] = current.setdefault("items", {})
        suspended_items: dict[str, Any] = current.setdefault("suspended", {})
        previous = self.steps.get(step.id)
        resume = self._resume_for(step.id)
        record: dict[str, Any] = {
            "payload": data,
            "startedAt": previous.get("startedAt")
            if resume and isinstance(previous, Mapping)
            else _now_ms(),
            "status": "running",
        }
        if resume is not None:
            record["resumePayload"] = resume["data"]
            record["resumedAt"] = _now_ms()
        self.steps[step.id] = record
        call_id = str(uuid.uuid4())
        await self.emit(
            self._event(
                "workflow-step-start",
                {"stepName": step.id, "id": step.id, "stepCallId": call_id, **record},
            )
        )
        semaphore = asyncio.Semaphore(entry.concurrency)
        wanted_index = resume.get("for_each_index") if resume else None
        completed = 0

        async def one(index: int, item: Any) -> _Outcome:
            nonlocal completed
            key = str(index)
            if key in results:
                return _Outcome("success", output=results[key])
            item_resume = None
            suspend_data = None
            if key in suspended_items:
                if resume is None or (wanted_index is not None and wanted_index != index):
                    return _Outcome(
                        "suspended", paths=[[step.id]], payloads={step.id: suspended_items[key]}
                    )
                item_resume = resume
                suspend_data = suspended_items[key]
            async with semaphore:
                self._check_cancel()
                outcome = await self._attempt(
                    step, item, resume=item_resume, suspend_data=suspend_data
                )
            if outcome.kind in ("success", "bail"):
                results[key] = outcome.output
                suspended_items.pop(key, None)
                completed += 1
                await self.emit(
                    self._event(
                        "workflow-step-progress",
                        {
                            "id": step.id,
                            "completedCount": len(results),
                            "totalCount": len(data),
                            "currentIndex": index,
                            "iterationStatus": "success",
                            "iterationOutput": outcome.output,
                        },
                    )
                )
                await self.persist()
            elif outcome.kind == "suspended":
                suspended_items[key] = outcome.payloads.get(step.id)
            return outcome

        outcomes = await asyncio.gather(*(one(i, item) for i, item in enumerate(data)))
        failed = next((o for o in outcomes if o.kind == "failed"), None)
        suspended = [o for o in outcomes if o.kind == "suspended"]
        if failed is not None:
            record["status"] = "failed"
            record["error"] = error_record(failed.error or Exception("unknown error"))
            record["endedAt"] = _now_ms()
            result: _Outcome = failed
            kind = "workflow-step-result"
        elif suspended:
            record["status"] = "suspended"
            record["suspendPayload"] = suspended[0].payloads.get(step.id)
            record["suspendedAt"] = _now_ms()
            result = _Outcome(
                "suspended", paths=[[step.id]], payloads={step.id: record["suspendPayload"]}
            )
            kind = "workflow-step-suspended"
        else:
            output = [results[str(i)] for i in range(len(data))]
            record["status"] = "success"
            record["output"] = output
            record["endedAt"] = _now_ms()
            result = _Outcome("success", output=output)
            kind = "workflow-step-result"
        await self.emit(
            self._event(kind, {"stepName": step.id, "id": step.id, "stepCallId": call_id, **record})
        )
        await self.persist()
        return result


class _Unset:
    pass


_UNSET = _Unset()


def _new_snapshot(
    workflow: Workflow,
    run_id: str,
    resource_id: str | None,
    raw_input: Any,
    state: Any,
    request_context: RequestContext,
) -> dict[str, Any]:
    return {
        "runId": run_id,
        "workflowId": workflow.id,
        "resourceId": resource_id,
        "status": "running",
        "input": raw_input,
        "context": {},
        "stepExecutionPath": [],
        "value": state if state is not None else {},
        "position": 0,
        "prevOutput": raw_input,
        "current": {},
        "suspended": [],
        "suspendPayload": {},
        "resumeLabels": {},
        "nested": {},
        "requestContext": to_jsonable(request_context.all),
        "timestamp": _now_ms(),
    }


def build_result(
    workflow: Workflow, snapshot: Mapping[str, Any], *, include_state: bool = False
) -> WorkflowResult:
    """The ``WorkflowResult`` of a snapshot, with Mastra's record rules applied.

    A step record keeps ``payload`` unless the step is a plain sequential step (``.then``,
    ``.map``, sleep) following another one or the start (its input is then the previous output).
    """
    records = copy.deepcopy(dict(snapshot["context"]))
    previous_kind: str | None = None
    for entry in workflow.entries:
        if entry.kind == "step" and previous_kind in (None, "step"):
            record = records.get(entry.steps[0].id)
            if isinstance(record, dict):
                record.pop("payload", None)
        previous_kind = entry.kind
    out: dict[str, Any] = {
        "status": snapshot["status"],
        "steps": {"input": copy.deepcopy(snapshot["input"]), **records},
        "input": copy.deepcopy(snapshot["input"]),
        "stepExecutionPath": list(snapshot["stepExecutionPath"]),
    }
    status = snapshot["status"]
    if status == "success":
        out["result"] = copy.deepcopy(snapshot.get("result"))
    elif status == "failed":
        out["error"] = dict(snapshot.get("error") or {})
    elif status == "suspended":
        out["suspended"] = copy.deepcopy(snapshot["suspended"])
        out["suspendPayload"] = copy.deepcopy(snapshot["suspendPayload"])
    out["runId"] = snapshot["runId"]
    if include_state:
        out["state"] = copy.deepcopy(snapshot.get("value"))
    return WorkflowResult(out)


def _watch_event(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stream event as ``run.watch`` callbacks see it (Mastra: step events, no runId/from/stepName)."""
    kind = event.get("type")
    if kind not in ("workflow-step-start", "workflow-step-result", "workflow-step-suspended"):
        return []
    payload = {k: v for k, v in event["payload"].items() if k != "stepName"}
    out = [{"type": kind, "payload": payload}]
    if kind == "workflow-step-result":
        out.append(
            {
                "type": "workflow-step-finish",
                "payload": {
                    "id": payload["id"],
                    "stepCallId": payload.get("stepCallId"),
                    "metadata": {},
                },
            }
        )
    return out


class WorkflowRunOutput:
    """What ``run.stream()`` returns: iterate it (or ``full_stream``) for events; ``await .result``."""

    def __init__(self, run: Run, runner: Callable[[Callable[[dict[str, Any]], Any]], Any]) -> None:
        self.run_id = run.run_id
        self.workflow_id = run.workflow.id
        self.status = "running"
        self.usage = dict(_ZERO_USAGE)
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._result: asyncio.Future[WorkflowResult] = asyncio.get_running_loop().create_future()

        async def push(event: dict[str, Any]) -> None:
            self._queue.put_nowait(event)

        async def drive() -> None:
            try:
                result = await runner(push)
                self.status = result["status"]
                self._result.set_result(result)
            except BaseException as exc:  # delivered through .result
                self.status = "failed"
                if not self._result.done():
                    self._result.set_exception(exc)
            finally:
                self._queue.put_nowait(None)

        self._task = asyncio.ensure_future(drive())

    @property
    def full_stream(self) -> AsyncIterator[dict[str, Any]]:
        """The run's events, as Mastra's ``fullStream``."""
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            event = await self._queue.get()
            if event is None:
                return
            yield MastraRecord(event)

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._events()

    @property
    def result(self) -> asyncio.Future[WorkflowResult]:
        """Awaitable final ``WorkflowResult``."""
        return self._result


class Run:
    """A run of a workflow: ``start``, ``resume``, ``stream``, ``watch``, ``cancel``, ``restart``."""

    def __init__(self, workflow: Workflow, run_id: str, resource_id: str | None) -> None:
        self.workflow = workflow
        self.run_id = run_id
        self.resource_id = resource_id
        self._watchers: list[Callable[[dict[str, Any]], Any]] = []
        self._abort = AbortSignal()
        self._task: asyncio.Task[Any] | None = None

    def __repr__(self) -> str:
        return f"Run(workflow={self.workflow.id!r}, run_id={self.run_id!r})"

    @property
    def workflow_id(self) -> str:
        """The workflow's id."""
        return self.workflow.id

    # watching ------------------------------------------------------------------------------------
    def watch(self, callback: Callable[[dict[str, Any]], Any]) -> Callable[[], None]:
        """Call ``callback(event)`` for each step event of this run; returns an unsubscribe function."""
        self._watchers.append(callback)

        def unwatch() -> None:
            if callback in self._watchers:
                self._watchers.remove(callback)

        return unwatch

    def _emitter(
        self, sink: Callable[[dict[str, Any]], Any] | None
    ) -> Callable[[dict[str, Any]], Any]:
        async def emit(event: dict[str, Any]) -> None:
            if sink is not None:
                await sink(event)
            if self._watchers:
                for watched in _watch_event(event):
                    for callback in list(self._watchers):
                        await call_user(callback, MastraRecord(watched))

        return emit

    # driving -------------------------------------------------------------------------------------
    async def _drive(
        self, execution: _Execution, emit: Callable[[dict[str, Any]], Any], include_state: bool
    ) -> WorkflowResult:
        await emit(execution._event("workflow-start", {"workflowId": self.workflow.id}))
        task = asyncio.ensure_future(execution.run())
        self._task = task
        try:
            outcome = await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():
                self._abort.abort()
                task.cancel()
            raise
        finally:
            self._task = None
        snapshot = execution.snapshot
        if outcome.kind == "canceled":
            await emit(execution._event("workflow-canceled", {}))
        finish: dict[str, Any] = {
            "workflowStatus": snapshot["status"],
            "metadata": {},
            "output": {"usage": dict(_ZERO_USAGE)},
        }
        if snapshot["status"] == "success":
            finish["finalWorkflowResult"] = snapshot.get("result")
        await emit(execution._event("workflow-finish", finish))
        return build_result(self.workflow, snapshot, include_state=include_state)

    async def _begin(
        self,
        emit: Callable[[dict[str, Any]], Any],
        input_data: Any,
        initial_state: Any,
        request_context: Any,
        include_state: bool,
    ) -> WorkflowResult:
        raw = to_jsonable(input_data)
        workflow = self.workflow
        if workflow.validate_inputs and workflow._input is not None:
            checked = workflow._input.validate(raw)
            if not checked.ok:
                raise WorkflowValidationError(f"Invalid input data: {issue_lines(checked.issues)}")
        rc = (
            request_context
            if isinstance(request_context, RequestContext)
            else RequestContext(request_context)
        )
        state = to_jsonable(initial_state) if initial_state is not None else {}
        snapshot = _new_snapshot(workflow, self.run_id, self.resource_id, raw, state, rc)
        self._abort = AbortSignal()
        execution = _Execution(
            workflow,
            snapshot,
            store=workflow.get_store(),
            version=None,
            request_context=rc,
            emit=emit,
            abort_signal=self._abort,
        )
        await execution.persist()
        return await self._drive(execution, emit, include_state)

    async def start(
        self,
        *,
        input_data: Any = None,
        initial_state: Any = None,
        request_context: Any = None,
        output_options: Mapping[str, Any] | None = None,
    ) -> WorkflowResult:
        """Run the workflow from the start and return its ``WorkflowResult``.

        Invalid input raises :class:`WorkflowValidationError` before any step runs.
        ``output_options={"include_state": True}`` adds the final ``state`` to the result.
        """
        return await self._begin(
            self._emitter(None),
            input_data,
            initial_state,
            request_context,
            _include_state(output_options),
        )

    def stream(
        self,
        *,
        input_data: Any = None,
        initial_state: Any = None,
        request_context: Any = None,
        output_options: Mapping[str, Any] | None = None,
    ) -> WorkflowRunOutput:
        """Start the run and stream its events (call from a running event loop)."""
        include = _include_state(output_options)
        return WorkflowRunOutput(
            self,
            lambda push: self._begin(
                self._emitter(push), input_data, initial_state, request_context, include
            ),
        )

    async def _load(self) -> tuple[dict[str, Any], int]:
        found = await self.workflow.get_store().load_workflow_snapshot(
            self.workflow.id, self.run_id
        )
        if found is None:
            raise WorkflowRunNotFoundError(
                f"No snapshot found for run {self.run_id!r} of workflow {self.workflow.id!r}: start it "
                "first, and give the workflow the same storage in every process that resumes it"
            )
        return found

    async def _continue(
        self,
        emit: Callable[[dict[str, Any]], Any],
        *,
        step: Any,
        resume_data: Any,
        label: str | None,
        for_each_index: int | None,
        request_context: Any,
        include_state: bool,
        restart: bool,
    ) -> WorkflowResult:
        snapshot, version = await self._load()
        status = snapshot.get("status")
        resume: dict[str, Any] | None = None
        if restart:
            if status != "running":
                raise WorkflowStateError(
                    f"run {self.run_id!r} of workflow {self.workflow.id!r} is {status!r}; restart() "
                    "continues only runs left 'running' by a process that stopped"
                )
        else:
            if status == "running":
                raise WorkflowRunConflictError(
                    f"run {self.run_id!r} of workflow {self.workflow.id!r} is already running: "
                    "another caller resumed it first (or its process stopped mid-run: use restart())"
                )
            if status != "suspended":
                raise WorkflowStateError(
                    f"This workflow run was not suspended: run {self.run_id!r} of workflow "
                    f"{self.workflow.id!r} is {status!r}; only a suspended run can be resumed"
                )
            path = _pick_path(snapshot, step, label)
            target = _find_step(self.workflow, path)
            data = to_jsonable(resume_data)
            if target is not None and isinstance(target, Step) and self.workflow.validate_inputs:
                data = target.validate_resume(data)
            resume = {"path": path, "data": data, "for_each_index": for_each_index}
            snapshot["status"] = "running"
        rc_source = (
            request_context if request_context is not None else snapshot.get("requestContext")
        )
        rc = rc_source if isinstance(rc_source, RequestContext) else RequestContext(rc_source)
        self._abort = AbortSignal()
        execution = _Execution(
            self.workflow,
            snapshot,
            store=self.workflow.get_store(),
            version=version,
            request_context=rc,
            emit=emit,
            abort_signal=self._abort,
            resume=resume,
        )
        try:
            await execution.persist()  # claims the run: a second resumer fails here
        except WorkflowRunConflictError:
            raise WorkflowRunConflictError(
                f"run {self.run_id!r} of workflow {self.workflow.id!r} is already being "
                f"{'restarted' if restart else 'resumed'} by another caller; only one resume of a suspension can win"
            ) from None
        return await self._drive(execution, emit, include_state)

    async def resume(
        self,
        *,
        step: Any = None,
        resume_data: Any = None,
        label: str | None = None,
        for_each_index: int | None = None,
        request_context: Any = None,
        output_options: Mapping[str, Any] | None = None,
    ) -> WorkflowResult:
        """Resume a suspended run from its stored snapshot (any process with the same store).

        ``step`` is a step, its id, or a path (list) for nested workflows; optional when exactly one
        step is suspended. Resume data is validated against the step's ``resume_schema``
        (``Invalid resume data: ...``). Raises :class:`WorkflowRunConflictError` when another
        caller resumed the same suspension first.
        """
        return await self._continue(
            self._emitter(None),
            step=step,
            resume_data=resume_data,
            label=label,
            for_each_index=for_each_index,
            request_context=request_context,
            include_state=_include_state(output_options),
            restart=False,
        )

    def resume_stream(
        self,
        *,
        step: Any = None,
        resume_data: Any = None,
        label: str | None = None,
        for_each_index: int | None = None,
        request_context: Any = None,
    ) -> WorkflowRunOutput:
        """Resume and stream the events (as ``stream`` does for ``start``)."""
        return WorkflowRunOutput(
            self,
            lambda push: self._continue(
                self._emitter(push),
                step=step,
                resume_data=resume_data,
                label=label,
                for_each_index=for_each_index,
                request_context=request_context,
                include_state=False,
                restart=False,
            ),
        )

    async def restart(self, *, request_context: Any = None) -> WorkflowResult:
        """Continue a run whose process stopped mid-run, from its last persisted step."""
        return await self._continue(
            self._emitter(None),
            step=None,
            resume_data=None,
            label=None,
            for_each_index=None,
            request_context=request_context,
            include_state=False,
            restart=True,
        )

    async def cancel(self) -> None:
        """Cancel the run: the current step's abort signal fires and the status becomes ``canceled``."""
        self._abort.abort()
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):  # the run's own task reports how it ended
                await asyncio.shield(task)
            return
        found = await self.workflow.get_store().load_workflow_snapshot(
            self.workflow.id, self.run_id
        )
        if found is not None and found[0].get("status") in ("suspended", "running"):
            snapshot, version = found
            snapshot["status"] = "canceled"
            await self.workflow.get_store().save_workflow_snapshot(
                self.workflow.id,
                self.run_id,
                snapshot,
                resource_id=self.resource_id,
                expected_version=version,
            )


def _include_state(options: Mapping[str, Any] | None) -> bool:
    if not options:
        return False
    return bool(options.get("include_state", options.get("includeState", False)))


def _step_key(step: Any) -> str:
    return step if isinstance(step, str) else str(getattr(step, "id", step))


def _pick_path(snapshot: Mapping[str, Any], step: Any, label: str | None) -> list[str]:
    paths: list[list[str]] = [list(p) for p in snapshot.get("suspended", [])]
    if label is not None:
        target = snapshot.get("resumeLabels", {}).get(label)
        if target is None:
            raise WorkflowStateError(
                f"no suspended step has the resume label {label!r}; labels: {sorted(snapshot.get('resumeLabels', {}))}"
            )
        step = target
    if step is None:
        if len(paths) == 1:
            return paths[0]
        raise WorkflowStateError(
            "several steps are suspended; pass step= to say which to resume: "
            + ", ".join(".".join(p) for p in paths)
        )
    wanted = (
        [_step_key(s) for s in step]
        if isinstance(step, Sequence) and not isinstance(step, str)
        else [_step_key(step)]
    )
    for path in paths:
        if (
            wanted == path
            or wanted == path[: len(wanted)]
            or (len(wanted) == 1 and wanted[0] == path[-1])
        ):
            return path
    raise WorkflowStateError(
        f"step {'.'.join(wanted)!r} is not suspended in this run; suspended: "
        + (", ".join(".".join(p) for p in paths) or "none")
    )


def _find_step(workflow: Workflow, path: list[str]) -> Any:
    current: Any = workflow
    for key in path:
        if not isinstance(current, Workflow):
            return None
        current = current.steps.get(key)
        if current is None:
            return None
    return current
