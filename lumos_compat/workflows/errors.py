"""Errors raised by the workflow runtime; all derive from :class:`lumos_compat.LumosError`."""

from __future__ import annotations

from lumos_compat.errors import LumosError

__all__ = [
    "ConcurrentUpdateError",
    "WorkflowConfigError",
    "WorkflowError",
    "WorkflowRunConflictError",
    "WorkflowRunNotFoundError",
    "WorkflowStateError",
    "WorkflowValidationError",
]


class WorkflowError(LumosError):
    """Base class of the workflow runtime's errors."""


class WorkflowConfigError(WorkflowError, ValueError):
    """A step or workflow was built in a way that cannot run (missing execute, bad graph, ...)."""


class WorkflowValidationError(WorkflowError, ValueError):
    """Workflow input, resume data or state did not match its schema.

    The message has Mastra's form: ``Invalid input data: \\n- value: Invalid input: expected
    number, received string``.
    """


class WorkflowRunNotFoundError(WorkflowError, LookupError):
    """No snapshot of the run exists in the store (resume or restart of an unknown run)."""


class WorkflowStateError(WorkflowError, RuntimeError):
    """The run is not in a state that allows the operation (resume of a run that is not suspended)."""


class ConcurrentUpdateError(WorkflowError, RuntimeError):
    """A snapshot was saved with an ``expected_version`` that is no longer current.

    The built-in in-memory store raises this one; ``lumos_compat.storage`` raises its own class of
    the same name, and the runtime treats both alike.
    """


class WorkflowRunConflictError(WorkflowError, RuntimeError):
    """Two callers tried to resume (or restart) the same run at once; this one lost."""
