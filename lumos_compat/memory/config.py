"""Memory options with Mastra 1.x defaults, read from snake_case or Mastra's camelCase.

=====================  ===========================  =========================================
option                 1.x default                  accepted forms
=====================  ===========================  =========================================
``last_messages``      10                           int, or False (no history)
``semantic_recall``    off                          bool, or {top_k, message_range, scope,
                                                    threshold, filter} (defaults 4, {1, 1},
                                                    "resource")
``working_memory``     disabled                     {enabled, scope ("resource"), template
                                                    (markdown) | schema (pydantic / JSON Schema)}
``generate_title``     False                        bool or {model, instructions}
``read_only``          False                        bool
=====================  ===========================  =========================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lumos_compat.errors import AgentConfigError

__all__ = [
    "DEFAULT_WORKING_MEMORY_TEMPLATE",
    "MemoryConfig",
    "SemanticRecallConfig",
    "WorkingMemoryConfig",
    "parse_config",
]

Scope = Literal["resource", "thread"]

DEFAULT_WORKING_MEMORY_TEMPLATE = (
    "\n# User Information\n- **First Name**: \n- **Last Name**: \n- **Location**: \n"
    "- **Occupation**: \n- **Interests**: \n- **Goals**: \n- **Events**: \n- **Facts**: \n"
    "- **Projects**: \n"
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _keys(value: Mapping[str, Any]) -> dict[str, Any]:
    return {_snake(str(k)): v for k, v in value.items()}


@dataclass(frozen=True, slots=True)
class SemanticRecallConfig:
    """Semantic recall: how many hits, how much context around each, over which scope."""

    top_k: int = 4
    before: int = 1
    after: int = 1
    scope: Scope = "resource"
    threshold: float | None = None
    filter: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class WorkingMemoryConfig:
    """Working memory: a markdown template or a schema, per resource (default) or per thread."""

    enabled: bool = False
    scope: Scope = "resource"
    template: str | None = None
    schema: Any = None


@dataclass(frozen=True, slots=True)
class MemoryConfig:
    """Everything that decides what memory loads and saves for a call."""

    last_messages: int | Literal[False] = 10
    semantic_recall: SemanticRecallConfig | None = None
    working_memory: WorkingMemoryConfig = field(default_factory=WorkingMemoryConfig)
    generate_title: bool | Mapping[str, Any] = False
    read_only: bool = False


def _semantic(value: Any, base: SemanticRecallConfig | None) -> SemanticRecallConfig | None:
    if value is None:
        return base
    if value is False:
        return None
    if value is True:
        return base or SemanticRecallConfig()
    if not isinstance(value, Mapping):
        raise AgentConfigError(
            f"semantic_recall must be True/False or a dict like {{'top_k': 4, 'message_range': 1}}, "
            f"got {value!r}"
        )
    v = _keys(value)
    cfg = base or SemanticRecallConfig()
    rng = v.get("message_range")
    before, after = cfg.before, cfg.after
    if isinstance(rng, int):
        before = after = rng
    elif isinstance(rng, Mapping):
        before = int(rng.get("before", before))
        after = int(rng.get("after", after))
    scope = v.get("scope", cfg.scope)
    if scope not in ("resource", "thread"):
        raise AgentConfigError(
            f"semantic_recall scope must be 'resource' or 'thread', got {scope!r}"
        )
    return SemanticRecallConfig(
        top_k=int(v.get("top_k", cfg.top_k)),
        before=before,
        after=after,
        scope=scope,
        threshold=v.get("threshold", cfg.threshold),
        filter=v.get("filter", cfg.filter),
    )


def _working(value: Any, base: WorkingMemoryConfig) -> WorkingMemoryConfig:
    if value is None:
        return base
    if isinstance(value, bool):
        return replace(base, enabled=value)
    if not isinstance(value, Mapping):
        raise AgentConfigError(
            "working_memory must be a dict like {'enabled': True, 'template': '# Profile ...'}"
        )
    v = _keys(value)
    if v.get("template") is not None and v.get("schema") is not None:
        raise AgentConfigError("working_memory takes a template or a schema, not both")
    if "use" in v and v["use"] == "text-stream":
        raise AgentConfigError(
            "working_memory use='text-stream' was removed in Mastra 1.x; working memory is "
            "updated through the updateWorkingMemory tool"
        )
    scope = v.get("scope", base.scope)
    if scope not in ("resource", "thread"):
        raise AgentConfigError(
            f"working_memory scope must be 'resource' or 'thread', got {scope!r}"
        )
    return WorkingMemoryConfig(
        enabled=bool(v.get("enabled", base.enabled)),
        scope=scope,
        template=v.get("template", base.template if v.get("schema") is None else None),
        schema=v.get("schema", base.schema if v.get("template") is None else None),
    )


def parse_config(value: Any, base: MemoryConfig | None = None) -> MemoryConfig:
    """Options (dict, camelCase or snake_case, or a MemoryConfig) merged over ``base``."""
    base = base or MemoryConfig()
    if value is None:
        return base
    if isinstance(value, MemoryConfig):
        return value
    if not isinstance(value, Mapping):
        raise AgentConfigError(f"memory options must be a dict, got {type(value).__name__}")
    v = _keys(value)
    if (
        "threads" in v
        and isinstance(v["threads"], Mapping)
        and "generate_title" in _keys(v["threads"])
    ):
        raise AgentConfigError(
            "threads.generateTitle moved in Mastra 1.x: pass generate_title=... at the top level"
        )
    last = v.get("last_messages", base.last_messages)
    if last is not False and (not isinstance(last, int) or isinstance(last, bool) or last < 0):
        raise AgentConfigError(f"last_messages must be a number of messages or False, got {last!r}")
    return MemoryConfig(
        last_messages=last,
        semantic_recall=_semantic(v.get("semantic_recall"), base.semantic_recall),
        working_memory=_working(v.get("working_memory"), base.working_memory),
        generate_title=v.get("generate_title", base.generate_title),
        read_only=bool(v.get("read_only", base.read_only)),
    )
