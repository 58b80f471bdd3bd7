"""Suspended agent runs in storage, so another process can approve, decline or resume them.

Mastra 1.71 keeps a paused agent run as a workflow snapshot named ``agentic-loop`` (keyed by the run
id) in the storage of the ``Mastra`` instance the agent is registered on, and deletes it when the
run finishes. This module does the same with the snapshot store of ``lumos_compat.storage``: a run
that pauses is saved as JSON, a resume claims it (a versioned save, so two resumes cannot both go
on), and the finished run's snapshot is deleted. Without storage, runs wait in the agent's process.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lumos_compat.errors import AgentResumeError
from lumos_compat.llm import ModelUsage, ResponseMetadata
from lumos_compat.options import ExecutionOptions, ModelSettings
from lumos_compat.request_context import RequestContext
from lumos_compat.tools import ToolOutcome

if TYPE_CHECKING:
    from lumos_compat.agent import Agent, _Run

__all__ = ["WORKFLOW_ID", "claim", "forget", "restore", "save", "snapshot_store"]

WORKFLOW_ID = "agentic-loop"  # Mastra's workflow name for an agent run's snapshot

# the run's state that is plain data (saved as is)
_DATA_FIELDS = (
    "run_id",
    "message_id",
    "created",
    "prompt",
    "input_messages",
    "steps",
    "tool_calls",
    "tool_results",
    "response_messages",
    "assistant_parts",
    "tool_invocations",
    "text",
    "warnings",
    "last_response",
    "last_request",
    "remembered",
    "_resumed_parts",
    "_paused_data",
    "_resumed_data",
    "_db_inputs",
)
# options that are plain data; functions and classes come back from the resume call's options
_OPTION_FIELDS = (
    "max_steps",
    "tool_choice",
    "active_tools",
    "memory",
    "provider_options",
    "run_id",
    "tool_call_concurrency",
    "include_raw_chunks",
)


def snapshot_store(agent: Agent) -> Any:
    """The storage of the agent's Mastra instance, if it can keep snapshots."""
    mastra = agent.get_mastra_instance()
    storage = getattr(mastra, "storage", None) if mastra is not None else None
    if storage is not None and hasattr(storage, "save_workflow_snapshot"):
        return storage
    return None


def _outcome_data(outcome: Any) -> Any:
    from lumos_compat.agent import _NOT_RUN

    if outcome is _NOT_RUN:
        return {"notRun": True}
    if outcome is None:
        return None
    data = {f.name: getattr(outcome, f.name) for f in dataclasses.fields(outcome)}
    error = data.pop("error")
    data["error"] = None if error is None else {"name": type(error).__name__, "text": str(error)}
    return {"outcome": data}


def _outcome_from(data: Any) -> Any:
    from lumos_compat.agent import _NOT_RUN

    if data is None:
        return None
    if data.get("notRun"):
        return _NOT_RUN
    fields = dict(data["outcome"])
    error = fields.pop("error")
    return ToolOutcome(**fields, error=RuntimeError(error["text"]) if error else None)


def _to_snapshot(run: _Run) -> dict[str, Any]:
    pending, suspension = run.pending, run.suspension
    assert pending is not None and suspension is not None
    state = dict(pending.state)
    for key in ("usage", "response"):
        if dataclasses.is_dataclass(state.get(key)):
            state[key] = dataclasses.asdict(state[key])
    opts = run.opts
    options = {name: getattr(opts, name) for name in _OPTION_FIELDS}
    options["model_settings"] = dataclasses.asdict(opts.model_settings)
    if isinstance(opts.require_tool_approval, bool):
        options["require_tool_approval"] = opts.require_tool_approval
    else:  # a function cannot be saved: Mastra then asks for approval of every call
        options["require_tool_approval"] = bool(opts.require_tool_approval)
    return {
        "status": "suspended",
        "agentId": run.agent.id,
        "model": opts.model if isinstance(opts.model, str) else None,
        "requestContext": dict(run.opts.request_context or {}),
        "options": options,
        "run": {name: getattr(run, name) for name in _DATA_FIELDS},
        "pausedMessage": list(run._paused_message) if run._paused_message else None,
        "pending": {
            "index": pending.index,
            "state": state,
            "calls": pending.calls,
            "createdMs": pending.created_ms,
            "stepContent": pending.step_content,
            "responseContent": pending.response_content,
            "stepCalls": pending.step_calls,
            "outcomes": [_outcome_data(o) for o in pending.outcomes],
            "promptSnapshot": pending.prompt_snapshot,
            "approved": sorted(pending.approved),
            "resumed": pending.resumed,
            "dataParts": pending.data_parts,
        },
        "suspension": {
            "kind": suspension.kind,
            "index": suspension.index,
            "payload": suspension.payload,
            "meta": suspension.meta,
        },
    }


async def save(run: _Run) -> bool:
    """Save a run that just paused; False (with a warning) when its state is not plain data."""
    store = snapshot_store(run.agent)
    if store is None:
        return False
    snapshot = _to_snapshot(run)
    try:
        snapshot = json.loads(json.dumps(snapshot))
    except (TypeError, ValueError) as exc:
        warnings.warn(
            f"run {run.run_id} of agent {run.agent.id!r} paused but cannot be saved to storage "
            f"({exc}); it can be resumed in this process only",
            UserWarning,
            stacklevel=2,
        )
        return False
    resource = (run.opts.memory or {}).get("resource")
    await store.save_workflow_snapshot(WORKFLOW_ID, run.run_id, snapshot, resource_id=resource)
    return True


async def claim(
    agent: Agent, run_id: str, method: str, check: Callable[[dict[str, Any]], None]
) -> dict[str, Any] | None:
    """Take a stored suspended run for one resume: its snapshot, or None when none is stored.

    ``check`` sees the waiting call's payload first and may raise to leave the run untouched.
    Raises when the stored run is not suspended (finished, or taken by another resume).
    """
    from lumos_compat.workflows.store import conflict_error_types

    store = snapshot_store(agent)
    if store is None or not run_id:
        return None
    loaded = await store.load_workflow_snapshot(WORKFLOW_ID, run_id)
    if loaded is None:
        return None
    snapshot, version = loaded
    if snapshot.get("status") != "suspended":
        raise AgentResumeError(
            f'Agent "{agent.name or agent.id}" {method}(): run "{run_id}" is not suspended any '
            f"more (status {snapshot.get('status')!r}); another resume took it."
        )
    check(snapshot["suspension"]["payload"])
    try:
        await store.save_workflow_snapshot(
            WORKFLOW_ID,
            run_id,
            {**snapshot, "status": "running"},
            resource_id=(snapshot["options"].get("memory") or {}).get("resource"),
            expected_version=version,
        )
    except conflict_error_types() as exc:
        raise AgentResumeError(
            f'Agent "{agent.name or agent.id}" {method}(): run "{run_id}" was just resumed by '
            "another caller."
        ) from exc
    return snapshot


async def forget(run: _Run) -> None:
    """Delete the snapshot of a run that finished."""
    store = snapshot_store(run.agent)
    if store is not None:
        await store.delete_workflow_run(WORKFLOW_ID, run.run_id)


async def restore(agent: Agent, snapshot: dict[str, Any]) -> _Run:
    """Rebuild a paused run from its snapshot, with the agent's current tools and model."""
    from lumos_compat.agent import _PendingStep, _Run, _Suspension
    from lumos_compat.providers import resolve_model

    saved = snapshot["options"]
    opts = ExecutionOptions()
    for name in _OPTION_FIELDS:
        setattr(opts, name, saved.get(name))
    opts.model_settings = ModelSettings(**saved["model_settings"])
    opts.require_tool_approval = saved.get("require_tool_approval", False)
    opts.request_context = RequestContext(snapshot.get("requestContext") or {})
    model_spec = snapshot.get("model")
    opts.model = model_spec
    model = (
        resolve_model(model_spec)
        if model_spec is not None
        else await agent.get_model(opts.request_context)
    )
    tools = await agent.list_tools(opts.request_context)
    if opts.active_tools is not None:
        tools = {k: v for k, v in tools.items() if k in set(opts.active_tools)}
    run = _Run(agent, model, None, tools, [], opts, False)
    for name, value in snapshot["run"].items():
        setattr(run, name, value)
    paused = snapshot.get("pausedMessage")
    run._paused_message = (paused[0], paused[1]) if paused else None
    p = snapshot["pending"]
    state = dict(p["state"])
    if isinstance(state.get("usage"), dict):
        state["usage"] = ModelUsage(**state["usage"])
    if isinstance(state.get("response"), dict):
        state["response"] = ResponseMetadata(**state["response"])
    run.pending = _PendingStep(
        index=p["index"],
        state=state,
        calls=p["calls"],
        created_ms=p["createdMs"],
        step_content=p["stepContent"],
        response_content=p["responseContent"],
        step_calls=p["stepCalls"],
        outcomes=[_outcome_from(o) for o in p["outcomes"]],
        prompt_snapshot=p["promptSnapshot"],
        approved=set(p["approved"]),
        resumed=p["resumed"],
        data_parts=p.get("dataParts") or [],
    )
    s = snapshot["suspension"]
    run.suspension = _Suspension(s["kind"], s["index"], s["payload"], s.get("meta") or {})
    run.finish_reason = "suspended"
    run.persisted = True
    if opts.memory is not None and agent.memory is not None:
        # the prompt already holds what memory gave it; this reopens the turn to save it later
        turn = await agent.memory.prepare_turn(
            thread=opts.memory.get("thread"),
            resource_id=opts.memory.get("resource"),
            options=opts.memory.get("options"),
            query=None,
        )
        run.memory_turn = turn
        if turn.tools:
            run.tools = {**run.tools, **turn.tools}
            run._tool_defs = run._tool_definitions()
    return run
