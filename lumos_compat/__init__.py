"""lumos_compat: the runtime that Python code ported from Mastra imports."""

from typing import TYPE_CHECKING, Any

from lumos_compat.agent import Agent
from lumos_compat.errors import (
    AgentConfigError,
    AgentResumeError,
    LumosError,
    MissingApiKeyError,
    ModelCallError,
    StructuredOutputError,
    ToolValidationError,
)
from lumos_compat.mastra import Mastra, MastraLookupError
from lumos_compat.memory import Memory
from lumos_compat.options import LegacyOptionWarning
from lumos_compat.request_context import RequestContext
from lumos_compat.results import AgentOutput, MastraRecord
from lumos_compat.stream import AgentStream
from lumos_compat.tools import (
    AbortSignal,
    Tool,
    ToolExecutionContext,
    create_tool,
    is_validation_error,
)

if TYPE_CHECKING:
    from lumos_compat.storage import PostgresStore, SqliteStore
    from lumos_compat.workflows import (
        Step,
        StepContext,
        Workflow,
        WorkflowResult,
        create_step,
        create_workflow,
    )

# workflows and stores load on first use: `import lumos_compat` stays fast for agent-only code
_LAZY = frozenset(
    {"Step", "StepContext", "Workflow", "WorkflowResult", "create_step", "create_workflow"}
)


def __getattr__(name: str) -> Any:
    """Import the workflow names on first access (PEP 562)."""
    if name in _LAZY:
        from lumos_compat import workflows

        value = getattr(workflows, name)
        globals()[name] = value
        return value
    if name in ("PostgresStore", "SqliteStore"):
        from lumos_compat import storage

        value = getattr(storage, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lumos_compat' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "AbortSignal",
    "Agent",
    "AgentConfigError",
    "AgentOutput",
    "AgentResumeError",
    "AgentStream",
    "LegacyOptionWarning",
    "LumosError",
    "Mastra",
    "MastraLookupError",
    "MastraRecord",
    "Memory",
    "MissingApiKeyError",
    "ModelCallError",
    "PostgresStore",
    "RequestContext",
    "SqliteStore",
    "Step",
    "StepContext",
    "StructuredOutputError",
    "Tool",
    "ToolExecutionContext",
    "ToolValidationError",
    "Workflow",
    "WorkflowResult",
    "create_step",
    "create_tool",
    "create_workflow",
    "is_validation_error",
]
