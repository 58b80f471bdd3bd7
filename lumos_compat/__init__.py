"""lumos_compat: the runtime that Python code ported from Mastra imports."""

from lumos_compat.agent import Agent
from lumos_compat.errors import (
    AgentConfigError,
    LumosError,
    MissingApiKeyError,
    ModelCallError,
    StructuredOutputError,
    ToolValidationError,
)
from lumos_compat.mastra import Mastra, MastraLookupError
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

__version__ = "0.1.0"

__all__ = [
    "AbortSignal",
    "Agent",
    "AgentConfigError",
    "AgentOutput",
    "AgentStream",
    "LegacyOptionWarning",
    "LumosError",
    "Mastra",
    "MastraLookupError",
    "MastraRecord",
    "MissingApiKeyError",
    "ModelCallError",
    "RequestContext",
    "StructuredOutputError",
    "Tool",
    "ToolExecutionContext",
    "ToolValidationError",
    "create_tool",
    "is_validation_error",
]
