"""Options of ``generate()`` / ``stream()``: Mastra 1.x names, in snake_case or camelCase.

Options arrive as keyword arguments in snake_case or as a dict in Mastra's camelCase (so code ported
line by line keeps working). The 0.x names that Mastra 1.x silently ignores are mapped to their 1.x
meaning here, with a warning naming the new form: silent loss is what users hate most in a migration.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lumos_compat.errors import AgentConfigError

__all__ = [
    "DEFAULT_MAX_STEPS",
    "ExecutionOptions",
    "LegacyOptionWarning",
    "ModelSettings",
    "normalize_options",
]

DEFAULT_MAX_STEPS = 5
DEFAULT_TOOL_CALL_CONCURRENCY = 10


class LegacyOptionWarning(DeprecationWarning):
    """A Mastra 0.x option name was given; it was mapped to its 1.x meaning."""


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


@dataclass(slots=True)
class ModelSettings:
    """Sampling settings forwarded to the provider (AI SDK v5 names)."""

    temperature: float | None = None
    max_output_tokens: int | None = None
    top_p: float | None = None
    top_k: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    stop_sequences: list[str] | None = None
    seed: int | None = None
    max_retries: int | None = None
    headers: dict[str, str] | None = None


_MODEL_SETTING_NAMES = frozenset(ModelSettings.__slots__)  # type: ignore[attr-defined]


@dataclass(slots=True)
class ExecutionOptions:
    """The options of one ``generate``/``stream`` call, normalised."""

    max_steps: int = DEFAULT_MAX_STEPS
    tool_choice: Any = None
    active_tools: list[str] | None = None
    instructions: Any = None
    system: Any = None
    context: list[dict[str, Any]] | None = None
    model_settings: ModelSettings = field(default_factory=ModelSettings)
    structured_output: dict[str, Any] | None = None
    on_step_finish: Callable[..., Any] | None = None
    on_finish: Callable[..., Any] | None = None
    on_chunk: Callable[..., Any] | None = None
    on_error: Callable[..., Any] | None = None
    on_abort: Callable[..., Any] | None = None
    request_context: Any = None
    run_id: str | None = None
    abort_signal: Any = None
    tool_call_concurrency: int = DEFAULT_TOOL_CALL_CONCURRENCY
    memory: dict[str, Any] | None = None
    toolsets: dict[str, Mapping[str, Any]] | None = None
    client_tools: Mapping[str, Any] | None = None
    provider_options: dict[str, Any] | None = None
    model: Any = None
    include_raw_chunks: bool = False
    require_tool_approval: Any = False
    auto_resume_suspended_tools: bool = False
    warnings: list[str] = field(default_factory=list)


_KNOWN = frozenset(ExecutionOptions.__slots__) - {"warnings"}  # type: ignore[attr-defined]

# Mastra 0.x names -> (1.x path, explanation). Applied only when the 1.x form is not also given.
_LEGACY = {
    "output": "structured_output",
    "experimental_output": "structured_output",
    "temperature": "model_settings.temperature",
    "max_tokens": "model_settings.max_output_tokens",
    "top_p": "model_settings.top_p",
    "top_k": "model_settings.top_k",
    "presence_penalty": "model_settings.presence_penalty",
    "frequency_penalty": "model_settings.frequency_penalty",
    "stop_sequences": "model_settings.stop_sequences",
    "seed": "model_settings.seed",
    "thread_id": "memory.thread",
    "resource_id": "memory.resource",
    "memory_options": "memory.options",
    "runtime_context": "request_context",
}

_NEW_FORM = {
    "output": "structuredOutput={'schema': ...} (structured_output=)",
    "experimental_output": "structuredOutput={'schema': ...} (structured_output=)",
    "temperature": "modelSettings={'temperature': ...} (model_settings=)",
    "max_tokens": "modelSettings={'maxOutputTokens': ...} (model_settings=)",
    "thread_id": "memory={'thread': ..., 'resource': ...}",
    "resource_id": "memory={'thread': ..., 'resource': ...}",
    "memory_options": "memory={'options': ...}",
    "runtime_context": "requestContext= (request_context=)",
}

# options Mastra accepts that this runtime does not act on; accepted and reported, never dropped
_IGNORED = frozenset(
    {
        "stop_when",
        "save_per_step",
        "scorers",
        "return_scorer_data",
        "tracing_options",
        "tracing_context",
        "input_processors",
        "output_processors",
        "error_processors",
        "max_processor_retries",
        "prepare_step",
        "format",
        "telemetry",
    }
)


def _model_settings(value: Any) -> ModelSettings:
    if value is None:
        return ModelSettings()
    if isinstance(value, ModelSettings):
        return value
    if not isinstance(value, Mapping):
        raise AgentConfigError(f"model_settings must be a dict, got {type(value).__name__}")
    out = ModelSettings()
    for key, val in value.items():
        name = _snake(key)
        if name == "max_tokens":
            name = "max_output_tokens"
        if name == "abort_signal":
            continue
        if name not in _MODEL_SETTING_NAMES:
            raise AgentConfigError(
                f"unknown model setting {key!r}; expected one of "
                + ", ".join(sorted(_MODEL_SETTING_NAMES))
            )
        setattr(out, name, val)
    return out


def _structured(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping) and "schema" in value:
        return {_snake(k): v for k, v in value.items()}
    # a bare schema (pydantic class or JSON Schema dict), as 0.x `output:` took it
    return {"schema": value}


def _memory(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise AgentConfigError("memory must be a dict like {'thread': 'id', 'resource': 'user'}")
    return {_snake(k): v for k, v in value.items()}


def normalize_options(
    defaults: Mapping[str, Any] | None,
    given: Mapping[str, Any] | None,
    kwargs: Mapping[str, Any],
) -> ExecutionOptions:
    """Merge agent defaults, a camelCase options dict and snake_case keyword arguments."""
    merged: dict[str, Any] = {}
    spelled: dict[str, str] = {}  # normalised name -> the name as the caller wrote it
    for source in (defaults, given, kwargs):
        if not source:
            continue
        for key, value in source.items():
            name = _snake(key)
            spelled[name] = key
            if name == "model_settings" and isinstance(merged.get(name), Mapping):
                merged[name] = {**merged[name], **(value or {})}
            else:
                merged[name] = value

    opts = ExecutionOptions()
    legacy: dict[str, Any] = {}
    for name, value in merged.items():
        if name in _LEGACY:
            legacy[name] = value
        elif name in _IGNORED:
            if value is not None:
                message = (
                    f"option {spelled.get(name, name)!r} is accepted but has no effect in "
                    "lumos_compat; remove it or port its behaviour by hand"
                )
                warnings.warn(message, UserWarning, stacklevel=4)
                opts.warnings.append(message)
        elif name not in _KNOWN:
            raise AgentConfigError(
                f"unknown option {name!r} for generate()/stream(); see the Mastra 1.x option names"
            )
        elif name == "model_settings":
            opts.model_settings = _model_settings(value)
        elif name == "structured_output":
            opts.structured_output = _structured(value)
        elif name == "memory":
            opts.memory = _memory(value)
        elif name == "max_steps":
            if value is not None:
                # a whole float is a JavaScript number (``Number(process.env.MAX_STEPS)``) as ported
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise AgentConfigError(f"max_steps must be a positive integer, got {value!r}")
                opts.max_steps = value
        elif name == "tool_call_concurrency":
            if isinstance(value, Mapping):
                value = value.get("limit", DEFAULT_TOOL_CALL_CONCURRENCY)
            opts.tool_call_concurrency = max(1, int(value or DEFAULT_TOOL_CALL_CONCURRENCY))
        elif name == "context":
            opts.context = list(value) if value else None
        else:
            setattr(opts, name, value)

    for name, value in legacy.items():
        if value is None:
            continue
        target = _LEGACY[name]
        message = (
            f"{spelled.get(name, name)!r} is a Mastra 0.x option that Mastra 1.x ignores; "
            "lumos_compat maps it to "
            f"{_NEW_FORM.get(name, target)}. Use the 1.x form."
        )
        warnings.warn(message, LegacyOptionWarning, stacklevel=4)
        opts.warnings.append(message)
        if target == "structured_output":
            if opts.structured_output is None:
                opts.structured_output = _structured(value)
        elif target.startswith("model_settings."):
            attr = target.split(".", 1)[1]
            if getattr(opts.model_settings, attr) is None:
                setattr(opts.model_settings, attr, value)
        elif target.startswith("memory."):
            key = target.split(".", 1)[1]
            mem = dict(opts.memory or {})
            mem.setdefault(key, value)
            opts.memory = mem
        elif target == "request_context" and opts.request_context is None:
            opts.request_context = value
    return opts
