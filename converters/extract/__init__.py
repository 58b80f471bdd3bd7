"""Extractors: from the construct sites of one file to IR nodes (one module per Mastra construct).

``extract_file(ctx, path)`` is a pure function of the file and the ``ExtractContext`` (module graph,
evaluator, API generation); ``converters.scan.scan_project`` runs it over every file.

Naming contract for emitters: every construct that is built at module level, whether bound to a
``const`` or written inline inside another config (``agents: { helper: new Agent(...) }``,
``memory: new Memory(...)``), becomes one node in its ``Project`` list with a ``binding``; every
use of it is a ``RefValue`` whose ``target`` is ``"<file>#<binding>"``. Storage and vector
constructors are the exception: they appear in place as ``StorageNode``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from converters.evaluate import Evaluator, node_loc
from converters.ir import (
    AgentNode,
    ArrayValue,
    Diagnostic,
    Loc,
    MastraNode,
    McpClientNode,
    MemoryNode,
    ObjectValue,
    Opaque,
    RefValue,
    SchemaNode,
    ToolNode,
    Value,
    WorkflowNode,
    WorkflowStepNode,
)
from converters.project import ModuleGraph, Site, string_literal, unwrap
from converters.rules import Rule, define
from converters.ts import Node, Syntax, pair_parts

__all__ = [
    "ConfigEntry",
    "ExtractContext",
    "FileExtraction",
    "config_entries",
    "config_object",
    "extract_file",
]

RULE_INTERNAL = define(
    "LM199",
    "Internal error while reading a construct",
    "Please report it with the construct's source; the construct was skipped.",
)

_ZOD_MODULES = frozenset({"zod", "zod/v3", "zod/v4", "zod/mini", "zod/v4-mini"})


@dataclass(slots=True)
class ConfigEntry:
    """One property of a config object: the file it is written in and its value expression."""

    path: str
    key: str
    node: Node
    key_node: Node
    value: Value | None = None  # known in advance (agents a module-level loop stored)


# the identifiers the evaluator resolves by their text alone (``Evaluator.resolve_identifier``)
_NAME_KINDS = frozenset({"identifier", "shorthand_property_identifier"})
_UNRESOLVED = object()


class ExtractContext:
    """Everything an extractor needs: the module graph, an evaluator, the API generation.

    It is also the ``ZodContext`` that ``converters.zod.zod_to_schema`` reads schemas with.
    """

    def __init__(
        self,
        graph: ModuleGraph,
        *,
        generation: Literal["0.x", "1.x"] = "1.x",
        evaluator: Evaluator | None = None,
    ) -> None:
        self.graph = graph
        self.generation: Literal["0.x", "1.x"] = generation
        self.evaluator = evaluator or Evaluator(graph)
        self.diagnostics: list[Diagnostic] = []
        self.schemas: dict[str, SchemaNode] = {}
        self._schema_cache: dict[tuple[str, int], SchemaNode] = {}
        self._zod_names: dict[int, set[str]] = {}
        # what resolve_identifier found for a top-level name of a file (one entry a name used)
        self._resolved: dict[tuple[str, str], tuple[Syntax, Node, str] | None] = {}
        self._loc_syntax: Syntax | None = None
        self._loc_path = "<unknown>"

    # -- ZodContext ---------------------------------------------------------------------------

    def resolve_identifier(
        self, syntax: Syntax, identifier: Node
    ) -> tuple[Syntax, Node, str] | None:
        """Follow a name (across imports) to its initializer: (Syntax, node, "<file>#<name>")."""
        path = self.graph.path_of(syntax)
        if path is None:
            return None
        key: tuple[str, str] | None = None
        if identifier.type in _NAME_KINDS:  # a plain name resolves the same wherever it is used
            key = (path, syntax.text(identifier))
            cached = self._resolved.get(key, _UNRESOLVED)
            if cached is not _UNRESOLVED:
                return cached  # type: ignore[return-value]
        found = self.evaluator.resolve_identifier(path, identifier)
        result: tuple[Syntax, Node, str] | None = None
        if found is not None:
            file, node, qualified = found
            parsed = self.graph.get(file)
            if parsed is not None and parsed.syntax is not None:
                result = parsed.syntax, node, qualified
        if key is not None:
            self._resolved[key] = result
        return result

    def loc(self, syntax: Syntax, node: Node) -> Loc:
        """The location of a node of a project file."""
        if syntax is not self._loc_syntax:  # the zod reader asks for many nodes of one file
            path = self.graph.path_of(syntax)
            if path is None:
                return node_loc("<unknown>", node)
            self._loc_path = path
            self._loc_syntax = syntax
        return node_loc(self._loc_path, node)

    def loc_file(self, syntax: Syntax) -> str | None:
        """The file ``loc`` names for nodes of ``syntax`` (None when it is not a project file):
        the zod reader builds those locations itself (``node_loc``)."""
        return self.graph.path_of(syntax)

    def zod_names(self, syntax: Syntax) -> set[str]:
        """Local names bound to the zod namespace in a file (imports or ``require``)."""
        cached = self._zod_names.get(id(syntax))
        if cached is not None:
            return cached
        path = self.graph.path_of(syntax)
        parsed = self.graph.get(path) if path is not None else None
        if parsed is None:
            return set()
        names = {
            local
            for local, b in parsed.info.imports.items()
            if b.module in _ZOD_MODULES and b.name in ("z", "*", "default")
        }
        self._zod_names[id(syntax)] = names
        return names

    def report(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic."""
        self.diagnostics.append(diagnostic)

    def register_schema(self, qualified_name: str, node: SchemaNode) -> None:
        """Store a named schema (``Project.schemas``)."""
        self.schemas[qualified_name] = node

    def lookup_schema(self, qualified_name: str) -> SchemaNode | None:
        """A named schema stored before."""
        return self.schemas.get(qualified_name)

    # -- helpers for extractors ---------------------------------------------------------------

    def syntax(self, path: str) -> Syntax:
        """The Syntax of a project file that is known to parse."""
        parsed = self.graph.get(path)
        assert parsed is not None and parsed.syntax is not None, path
        return parsed.syntax

    def value(self, path: str, node: Node | None) -> Value:
        """Evaluate an expression."""
        return self.evaluator.evaluate(path, node)

    def diag(
        self,
        rule: Rule,
        severity: Literal["info", "warning", "todo", "error"],
        message: str,
        loc: Loc | None,
    ) -> None:
        """Report a finding of ``rule``."""
        self.diagnostics.append(
            Diagnostic(rule=rule.id, severity=severity, message=message, loc=loc, hint=rule.fix)
        )

    def schema(self, path: str, node: Node) -> SchemaNode:
        """The SchemaNode of a schema expression (zod, JSON Schema object, or a name of one)."""
        path, node = self._schema_expression(path, node)
        key = (path, node.id)
        cached = self._schema_cache.get(key)
        if cached is not None:
            return cached
        syntax = self.syntax(path)
        try:
            from converters.zod import zod_to_schema
        except ImportError:  # the zod converter is optional at this layer
            result = SchemaNode(
                type="opaque",
                source=syntax.text(node),
                reason="zod converter not available",
                loc=node_loc(path, node),
            )
        else:
            try:
                result = zod_to_schema(syntax, node, self)
            except Exception as exc:  # a bug there must not stop the scan
                from converters.zod import opaque_finding

                reason = (
                    "schema nested too deeply to read"
                    if isinstance(exc, RecursionError)
                    else f"zod converter failed: {type(exc).__name__}: {exc}"
                )
                source = syntax.text(node)
                result = SchemaNode(
                    type="opaque", source=source, reason=reason, loc=node_loc(path, node)
                )
                self.report(opaque_finding(reason, source, result.loc))
        self._schema_cache[key] = result
        return result

    def _schema_expression(self, path: str, node: Node) -> tuple[str, Node]:
        """``step.inputSchema`` / ``tool.outputSchema``: the schema expression in that config."""
        for _ in range(8):
            node = unwrap(node) or node
            if node.type != "member_expression":
                break
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None or not self.syntax(path).text(prop).endswith("Schema"):
                break
            obj_path, target = self.resolve_node(path, obj)
            if target.type not in ("call_expression", "new_expression"):
                break
            found = config_object(self, obj_path, target)
            if found is None:
                break
            entries, _ = config_entries(self, *found)
            entry = entries.get(self.syntax(path).text(prop))
            if entry is None:
                break
            path, node = entry.path, entry.node
        return path, node

    def resolve_node(self, path: str, node: Node) -> tuple[str, Node]:
        """Follow identifiers (and ``ns.name``) to the expression they are bound to."""
        current_path, current = path, unwrap(node) or node
        for _ in range(16):
            if current.type not in (
                "identifier",
                "shorthand_property_identifier",
                "member_expression",
            ):
                break
            found = self.evaluator.resolve_identifier(current_path, current)
            if found is None:
                break
            current_path, current, _ = found
            current = unwrap(current) or current
        return current_path, current


@dataclass(slots=True)
class FileExtraction:
    """What one file contributes to the Project."""

    path: str
    tools: list[ToolNode] = field(default_factory=list)
    agents: list[AgentNode] = field(default_factory=list)
    workflows: list[WorkflowNode] = field(default_factory=list)
    steps: list[WorkflowStepNode] = field(default_factory=list)
    memories: list[MemoryNode] = field(default_factory=list)
    mcp_clients: list[McpClientNode] = field(default_factory=list)
    mastras: list[MastraNode] = field(default_factory=list)


def config_object(
    ctx: ExtractContext, path: str, site_node: Node, index: int = 0
) -> tuple[str, Node] | None:
    """The object literal passed as argument ``index`` to a constructor/call (following a name)."""
    args_node = site_node.child_by_field_name("arguments")
    if args_node is None:
        return None
    args = [a for a in args_node.named_children if a.type != "comment"]
    if len(args) <= index:
        return None
    arg_path, arg = ctx.resolve_node(path, args[index])
    arg = unwrap(arg) or arg
    if arg.type != "object":
        return None
    return arg_path, arg


def config_entries(
    ctx: ExtractContext, path: str, obj: Node, *, _depth: int = 0
) -> tuple[dict[str, ConfigEntry], list[Value]]:
    """The properties of a config object, known spreads merged in (across files).

    Returns the entries by key (later keys win, as in JavaScript) and the values of spreads that
    could not be resolved to an object literal.
    """
    syntax = ctx.syntax(path)
    entries: dict[str, ConfigEntry] = {}
    unknown: list[Value] = []
    kinds = syntax.kinds
    for child in obj.named_children:
        kind = child.kind_id
        if kind == kinds.pair:
            key_node, value = pair_parts(child, syntax.clean)
            if key_node is None or value is None:
                continue
            key = _key_text(syntax, key_node)
            if key is None:
                unknown.append(ctx.value(path, child))
                continue
            entries[key] = ConfigEntry(path, key, value, key_node)
        elif kind == kinds.shorthand_property_identifier:
            key = syntax.text(child)
            entries[key] = ConfigEntry(path, key, child, child)
        elif kind == kinds.spread_element:
            inner = child.named_children[0] if child.named_children else None
            if inner is None:
                continue
            spread_path, spread = ctx.resolve_node(path, inner)
            filled = _loop_filled(ctx, path, inner, spread_path, spread)
            if spread.type == "object" and _depth < 8:
                sub, sub_unknown = config_entries(ctx, spread_path, spread, _depth=_depth + 1)
                entries.update(sub)
                unknown.extend(sub_unknown)
                entries.update(filled)
            else:
                unknown.append(ctx.value(path, inner))
        elif child.type == "method_definition":
            name = child.child_by_field_name("name")
            if name is not None:
                key = _key_text(syntax, name) or syntax.text(name)
                entries[key] = ConfigEntry(path, key, child, name)
    return entries, unknown


def _loop_filled(
    ctx: ExtractContext, path: str, inner: Node, spread_path: str, spread: Node
) -> dict[str, ConfigEntry]:
    """Entries a module-level loop stored into the object a spread names (``...translators``)."""
    if spread.type != "object":
        return {}
    value = ctx.value(path, inner)
    if not isinstance(value, ObjectValue):
        return {}
    found: dict[str, ConfigEntry] = {}
    for key, item in value.entries.items():
        if isinstance(item, RefValue) and item.loc is None:  # stored by a loop, not written here
            found[key] = ConfigEntry(spread_path, key, spread, spread, value=item)
    return found


def _key_text(syntax: Syntax, node: Node) -> str | None:
    if node.type in ("property_identifier", "private_property_identifier", "number"):
        return syntax.text(node)
    if node.type == "string":
        return string_literal(syntax, node)
    return None


def entry_map(ctx: ExtractContext, entry: ConfigEntry) -> tuple[dict[str, Value], list[Value]]:
    """A ``{ key: value }`` config entry (tools, agents, workflows) as values by key, plus the
    parts that are not a literal map (unknown spreads, or the whole value)."""
    entry_path, node = ctx.resolve_node(entry.path, entry.node)
    if node.type != "object":
        return {}, [ctx.value(entry.path, entry.node)]
    sub, unknown = config_entries(ctx, entry_path, node)
    return {
        k: e.value if e.value is not None else ctx.value(e.path, e.node) for k, e in sub.items()
    }, unknown


def one_value(values: list[Value]) -> Value | None:
    """None, the single value, or an ArrayValue of several."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return ArrayValue(items=values)


def is_await(node: Node) -> bool:
    """Whether an expression (under parentheses/casts) is an ``await``."""
    current = node
    while current is not None and current.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    ):
        current = current.named_children[0] if current.named_children else None
    return current is not None and current.type == "await_expression"


def opaque_site(ctx: ExtractContext, path: str, site: Site, reason: str) -> Opaque:
    """An Opaque value for a whole construct site."""
    return Opaque(
        source=ctx.syntax(path).text(site.node), reason=reason, loc=node_loc(path, site.node)
    )


def extract_file(ctx: ExtractContext, path: str) -> FileExtraction:
    """Extract every Mastra construct of one file (pure in the file and the context)."""
    from converters.extract import agents, mastra, mcp, memory, tools, workflows

    out = FileExtraction(path)
    for site in ctx.graph.sites(path):
        try:
            if site.kind == "agent":
                node = agents.extract_agent(ctx, path, site)
                if node is not None:
                    out.agents.append(node)
            elif site.kind == "tool":
                tool = tools.extract_tool(ctx, path, site)
                if tool is not None:
                    out.tools.append(tool)
            elif site.kind == "mastra":
                m = mastra.extract_mastra(ctx, path, site)
                if m is not None:
                    out.mastras.append(m)
            elif site.kind == "memory":
                mem = memory.extract_memory(ctx, path, site)
                if mem is not None:
                    out.memories.append(mem)
            elif site.kind in ("workflow", "legacy_workflow"):
                wf = workflows.extract_workflow(ctx, path, site)
                if wf is not None:
                    out.workflows.append(wf)
            elif site.kind in ("step", "legacy_step"):
                step = workflows.extract_step(ctx, path, site)
                if step is not None:
                    out.steps.append(step)
            elif site.kind == "mcp":
                client = mcp.extract_mcp(ctx, path, site)
                if client is not None:
                    out.mcp_clients.append(client)
        except Exception as exc:  # an extractor bug must not lose the rest of the project
            ctx.diagnostics.append(
                Diagnostic(
                    rule=RULE_INTERNAL.id,
                    severity="error",
                    message=f"internal error reading {site.kind} `{site.binding}` in {path}: {type(exc).__name__}: {exc}",
                    loc=node_loc(path, site.node),
                    hint=RULE_INTERNAL.fix,
                )
            )
    try:
        unrolled = agents.extract_unrolled_agents(ctx, path)
    except Exception as exc:  # an unrolling bug must not lose the rest of the project
        ctx.diagnostics.append(
            Diagnostic(
                rule=RULE_INTERNAL.id,
                severity="error",
                message=f"internal error unrolling agents in {path}: {type(exc).__name__}: {exc}",
                loc=None,
                hint=RULE_INTERNAL.fix,
            )
        )
    else:
        if unrolled:
            out.agents.extend(unrolled)
            out.agents.sort(key=lambda a: (a.loc.line, a.loc.column))
    return out


# The construct modules declare their rules at import time; importing them here makes
# ``converters.rules.all_rules()`` (which imports this package) see every rule.
from converters.extract import (  # noqa: E402
    agents,
    mastra,
    mcp,
    memory,
    models,
    tools,
    workflows,
)

__all__ += ["agents", "mastra", "mcp", "memory", "models", "tools", "workflows"]
