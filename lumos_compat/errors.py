"""The exception hierarchy of the runtime: everything raised on purpose derives from ``LumosError``."""

from __future__ import annotations

__all__ = [
    "AgentConfigError",
    "AgentResumeError",
    "LumosError",
    "MissingApiKeyError",
    "ModelCallError",
    "RealModelRequestBlocked",
    "StructuredOutputError",
    "ToolValidationError",
]


class LumosError(Exception):
    """Base class of every error lumos_compat raises on purpose."""


class AgentConfigError(LumosError, ValueError):
    """An agent, tool or model was configured in a way that cannot work."""


class AgentResumeError(LumosError):
    """A resume, approve or decline call named a run or tool call that is not suspended."""


class MissingApiKeyError(LumosError):
    """A provider needs an API key and the environment variable that holds it is not set."""

    def __init__(self, env_var: str, model_id: str) -> None:
        self.env_var = env_var
        self.model_id = model_id
        super().__init__(
            f"Could not find API key process.env.{env_var} for model id {model_id}: "
            f"set the environment variable {env_var}, or pass api_key= to the model."
        )


class ModelCallError(LumosError):
    """A model provider answered with an error, or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        url: str | None = None,
        response_body: str | None = None,
        is_retryable: bool = False,
    ) -> None:
        self.status_code = status_code
        self.url = url
        self.response_body = response_body
        self.is_retryable = is_retryable
        super().__init__(message)


class ToolValidationError(LumosError, ValueError):
    """A tool's input or output did not match its schema."""


class StructuredOutputError(LumosError, ValueError):
    """The model's structured output did not parse or did not match the schema."""


class RealModelRequestBlocked(LumosError):
    """A test tried to reach a real model provider while real requests are blocked."""
