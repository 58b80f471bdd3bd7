"""State shared while emitting: the symbol table, diagnostics, and the module being written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

import libcst as cst

from converters.emit.module import ModuleBuilder, source_comment_lines
from converters.evaluate import trusted_model
from converters.ir import Diagnostic, Loc, Project, Severity
from converters.report import ConvertedItem
from converters.rules import Rule, docs_link

__all__ = ["EmitContext", "Scope", "Symbol"]

_SEVERITIES = frozenset(get_args(Severity))


@dataclass(frozen=True)
class Symbol:
    """Where a TypeScript binding lives in the ported package."""

    module: str  # dotted Python module
    name: str  # Python name in that module
    kind: str  # "tool", "agent", "memory", "workflow", "step", "mcp", "mastra"


@dataclass
class EmitContext:
    """Everything the per-construct emitters share for one project."""

    project: Project
    package: str
    symbols: dict[str, Symbol] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    converted: list[ConvertedItem] = field(default_factory=list)
    # project-relative asset path -> package-relative POSIX path of its copy (e.g. "prompts/x.md")
    assets: dict[str, str] = field(default_factory=dict)
    # prompt files read relative to the working directory -> their copy under the ported
    # project's root (the same relative path: run the port from that root, as Mastra runs)
    working_dir_assets: dict[str, str] = field(default_factory=dict)
    # things made on first use and shared by the emitters (e.g. an evaluator over the source)
    lazy: dict[str, Any] = field(default_factory=dict)
    # convert --bridge: untranslated tool bodies call the TypeScript tool over MCP
    bridge: bool = False

    def lookup(self, target: str | None, name: str) -> Symbol | None:
        """The symbol a reference points at: by ``file#name`` target, else by a unique name."""
        if target and target in self.symbols:
            return self.symbols[target]
        matches = {s for key, s in self.symbols.items() if key.rsplit("#", 1)[-1] == name}
        if len(matches) == 1:
            return matches.pop()
        return None

    def report(
        self,
        rule: Rule,
        message: str,
        loc: Loc | None,
        *,
        severity: str = "todo",
    ) -> Diagnostic:
        """Record a finding for the report."""
        if severity not in _SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        # a finding per tool body of a project: built without validation, as its values are
        # already of their fields' types (str from the rule and the emitter, a Loc or None);
        # the same fields and fields-set as ``Diagnostic(rule=..., ..., hint=rule.fix)``
        diagnostic = trusted_model(
            Diagnostic,
            {
                "rule": rule.id,
                "severity": severity,
                "message": message,
                "loc": loc,
                "hint": rule.fix,
            },
            {"rule", "severity", "message", "loc", "hint"},
        )
        self.diagnostics.append(diagnostic)
        return diagnostic


@dataclass
class Scope:
    """Emitting into one module: a builder plus comments waiting for the next statement."""

    ctx: EmitContext
    builder: ModuleBuilder
    pending: list[str] = field(default_factory=list)

    def todo(
        self,
        rule: Rule,
        message: str,
        loc: Loc | None,
        source: str | None = None,
        *,
        severity: str = "todo",
    ) -> None:
        """Report a finding and leave a ``TODO(lumos-migrate)`` comment before the next statement."""
        self.ctx.report(rule, message, loc, severity=severity)
        where = f" ({loc})" if loc else ""
        self.pending.append(f"TODO(lumos-migrate): {message}{where} [{rule.id}]")
        self.pending.append(f"  see {docs_link(rule.id)}")
        if source:
            self.pending.extend("  " + line for line in source_comment_lines(source, limit=40))

    def add(self, statement: cst.BaseStatement, comments: list[str] | None = None) -> None:
        """Add a statement to the module, preceded by pending TODO comments and ``comments``."""
        pending = self.pending
        if pending:
            self.pending = []
            self.builder.add(statement, [*(comments or ()), *pending])
        else:  # most statements: no list to build (the builder only reads the comments)
            self.builder.add(statement, comments or ())
