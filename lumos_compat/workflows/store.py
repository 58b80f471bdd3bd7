"""Snapshot persistence: the store protocol the runtime uses, and an in-memory store.

Any object with the four async methods of :class:`WorkflowSnapshotStore` works (the SQLite and
PostgreSQL stores of ``lumos_compat.storage`` implement them). Every save returns the snapshot's new
version; a save with ``expected_version`` that is not the stored version raises
``ConcurrentUpdateError``, which is how two resumes of one run are kept from both winning.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from lumos_compat.workflows.errors import ConcurrentUpdateError

__all__ = ["InMemoryWorkflowStore", "WorkflowSnapshotStore", "conflict_error_types"]


@runtime_checkable
class WorkflowSnapshotStore(Protocol):
    """The part of a Lumos store the workflow runtime needs."""

    async def save_workflow_snapshot(
        self,
        workflow_id: str,
        run_id: str,
        snapshot: dict[str, Any],
        *,
        resource_id: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Save ``snapshot``; return its new version."""
        ...

    async def load_workflow_snapshot(
        self, workflow_id: str, run_id: str
    ) -> tuple[dict[str, Any], int] | None:
        """The latest snapshot and its version, or ``None``."""
        ...

    async def list_workflow_runs(
        self,
        workflow_id: str | None = None,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int = 100,
    ) -> Any:
        """Stored runs, newest first."""
        ...

    async def delete_workflow_run(self, workflow_id: str, run_id: str) -> bool:
        """Forget a run; ``True`` when it existed."""
        ...


def conflict_error_types() -> tuple[type[BaseException], ...]:
    """The exception classes that mean "someone else saved this snapshot first"."""
    types: list[type[BaseException]] = [ConcurrentUpdateError]
    try:
        from lumos_compat import storage

        other = getattr(storage, "ConcurrentUpdateError", None)
        if isinstance(other, type) and issubclass(other, BaseException):
            types.append(other)
    except ImportError:
        pass
    return tuple(types)


class InMemoryWorkflowStore:
    """Snapshots in a dict of this process: the default when a workflow has no storage.

    Snapshots are kept as JSON text (as a database would keep them), so a run never shares
    objects with its stored copy and what is not JSON-able fails here as it would in SQLite.
    """

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str], tuple[str, int, str | None, int]] = {}
        self._lock = asyncio.Lock()
        self._clock = 0

    async def save_workflow_snapshot(
        self,
        workflow_id: str,
        run_id: str,
        snapshot: Mapping[str, Any],
        *,
        resource_id: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Save ``snapshot``; raise ``ConcurrentUpdateError`` if ``expected_version`` is stale."""
        key = (workflow_id, run_id)
        async with self._lock:
            current = self._runs.get(key)
            version = current[1] if current is not None else 0
            if expected_version is not None and expected_version != version:
                raise ConcurrentUpdateError(
                    f"workflow run {run_id!r} of {workflow_id!r} is at version {version}, "
                    f"not {expected_version}: another caller saved it first"
                )
            self._clock += 1
            created = current[3] if current is not None else self._clock
            keep_resource = resource_id if resource_id is not None else (current or (0, 0, None))[2]
            text = json.dumps(snapshot, ensure_ascii=False, allow_nan=False)
            self._runs[key] = (text, version + 1, keep_resource, created)
            return version + 1

    async def load_workflow_snapshot(
        self, workflow_id: str, run_id: str
    ) -> tuple[dict[str, Any], int] | None:
        """The latest snapshot (a copy) and its version, or ``None``."""
        found = self._runs.get((workflow_id, run_id))
        if found is None:
            return None
        return json.loads(found[0]), found[1]

    async def list_workflow_runs(
        self,
        workflow_id: str | None = None,
        resource_id: str | None = None,
        page: int = 0,
        per_page: int = 100,
    ) -> dict[str, Any]:
        """``{"runs": [{workflowName, runId, resourceId, snapshot}], "total": n}``, newest first."""
        rows = [
            (created, wf, run, snap, res)
            for (wf, run), (snap, _version, res, created) in self._runs.items()
            if (workflow_id is None or wf == workflow_id)
            and (resource_id is None or res == resource_id)
        ]
        rows.sort(key=lambda row: row[0], reverse=True)
        chosen = rows[page * per_page : (page + 1) * per_page]
        return {
            "runs": [
                {
                    "workflowName": wf,
                    "runId": run,
                    "resourceId": res,
                    "snapshot": json.loads(snap),
                }
                for _created, wf, run, snap, res in chosen
            ],
            "total": len(rows),
        }

    async def delete_workflow_run(self, workflow_id: str, run_id: str) -> bool:
        """Forget a run; ``True`` when it existed."""
        return self._runs.pop((workflow_id, run_id), None) is not None
