"""Rule ids: every diagnostic lumos-migrate reports names one, documented in docs/migration/rules.md.

A module that reports something declares its rules at import time with ``define``; ``all_rules``
imports the modules that declare rules and returns the registry. Ranges:

- LM1xx project and parsing       - LM5xx memory and storage
- LM2xx agents and models          - LM6xx workflows
- LM3xx tools                      - LM7xx MCP
- LM4xx schemas (zod)              - LM8xx the Mastra instance; LM9xx emitting and writing
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["Rule", "all_rules", "define", "docs_link"]

DOCS_BASE = "docs/migration/rules.md"

_REGISTRY: dict[str, Rule] = {}

# modules that declare rules; all_rules() imports them so the registry is complete
_RULE_MODULES = (
    "converters.project",
    "converters.evaluate",
    "converters.extract",
    "converters.scan",
    "converters.zod",
    "converters.schema_emit",
    "converters.emit",
    "converters.report",
    "converters.writer",
    "converters.cli",
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of finding: its id, a one-line title, and what a person does about it."""

    id: str
    title: str
    fix: str

    @property
    def link(self) -> str:
        """Where the rule is explained."""
        return docs_link(self.id)


def define(id: str, title: str, fix: str) -> Rule:
    """Declare a rule (idempotent for the same id and title)."""
    existing = _REGISTRY.get(id)
    if existing is not None:
        if existing.title != title:
            raise ValueError(f"rule {id} declared twice: {existing.title!r} and {title!r}")
        return existing
    rule = Rule(id, title, fix)
    _REGISTRY[id] = rule
    return rule


def docs_link(rule_id: str) -> str:
    """The documentation anchor of a rule."""
    return f"{DOCS_BASE}#{rule_id.lower()}"


def all_rules() -> list[Rule]:
    """Every declared rule, sorted by id."""
    for name in _RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module not written yet declares nothing
            if exc.name != name:
                raise
    return sorted(_REGISTRY.values(), key=lambda r: r.id)
