"""Workflows and steps: ``createWorkflow(...)...commit()`` chains, ``createStep(...)``, and the legacy
``new Workflow({ name, triggerSchema }).step(...).then(...)`` / ``new Step({...})`` API."""

from __future__ import annotations

from typing import Any, Literal

from converters.evaluate import function_value, node_loc
from converters.extract import ExtractContext, config_entries, config_object
from converters.extract.tools import execute_function
from converters.ir import Value, WorkflowNode, WorkflowStepNode
from converters.project import Site, unwrap
from converters.rules import define
from converters.ts import Node

__all__ = ["extract_step", "extract_workflow"]

RULE_WORKFLOW_FACTORY = define(
    "LM601",
    "Workflow or step built inside a function or loop",
    "Create workflows and steps at module level in the ported code.",
)
RULE_LEGACY_WORKFLOW = define(
    "LM602",
    "Legacy (0.x) workflow API",
    "Legacy Workflow/Step graphs have no 1.x equivalent; rewrite them with createWorkflow/createStep.",
)
RULE_NOT_COMMITTED = define(
    "LM603",
    "Workflow chain without .commit()",
    "Mastra requires .commit() after the last step; check the workflow definition.",
)
RULE_WORKFLOW_CONFIG = define(
    "LM604",
    "Workflow or step config could not be read completely",
    "Finish the options named in the message by hand.",
)

_SCHEMAS = {
    "inputSchema": "input_schema",
    "outputSchema": "output_schema",
    "stateSchema": "state_schema",
}
_STEP_SCHEMAS = {
    **_SCHEMAS,
    "resumeSchema": "resume_schema",
    "suspendSchema": "suspend_schema",
}
_LEGACY_METHODS = frozenset({"step", "after", "if", "else", "while", "until", "afterEvent"})


def _chain(ctx: ExtractContext, path: str, top: Node) -> tuple[Node, list[dict[str, Any]]]:
    """The innermost call/new of a builder chain and the chained method calls in order."""
    calls: list[dict[str, Any]] = []
    current = unwrap(top) or top
    while current.type == "call_expression":
        fn = unwrap(current.child_by_field_name("function"))
        if fn is None or fn.type != "member_expression":
            break
        prop = fn.child_by_field_name("property")
        args_node = current.child_by_field_name("arguments")
        args = (
            [a for a in args_node.named_children if a.type != "comment"]
            if args_node is not None
            else []
        )
        calls.append(
            {
                "method": ctx.syntax(path).text(prop) if prop is not None else "?",
                "args": [ctx.value(path, a) for a in args],
                "loc": node_loc(path, prop or current),
            }
        )
        obj = fn.child_by_field_name("object")
        if obj is None:
            break
        current = unwrap(obj) or obj
    calls.reverse()
    return current, calls


def _statement_chains(ctx: ExtractContext, path: str, binding: str) -> list[dict[str, Any]]:
    """Chains written as separate top-level statements: ``wf.step(a).then(b).commit();``."""
    syntax = ctx.syntax(path)
    calls: list[dict[str, Any]] = []
    for stmt in syntax.root.named_children:
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        expr = unwrap(stmt.named_children[0])
        if expr is None or expr.type != "call_expression":
            continue
        base, chain = _chain(ctx, path, expr)
        if base.type == "identifier" and syntax.text(base) == binding:
            calls.extend(chain)
    return calls


def extract_workflow(ctx: ExtractContext, path: str, site: Site) -> WorkflowNode | None:
    """The WorkflowNode of a ``createWorkflow`` chain or a ``new Workflow``."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        ctx.diag(
            RULE_WORKFLOW_FACTORY, "todo", f"workflow built inside a {site.context} at {loc}", loc
        )
        return None
    base, chain = _chain(ctx, path, site.node)
    if not site.inline:
        chain.extend(_statement_chains(ctx, path, site.binding))
    generation: Literal["1.x", "vnext", "legacy"]
    if site.kind == "workflow":
        generation = "1.x" if ctx.generation == "1.x" else "vnext"
    else:
        generation = "1.x"
    workflow = WorkflowNode(binding=site.binding, file=path, generation=generation, loc=loc)
    found = config_object(ctx, path, base)
    other: dict[str, Value] = {}
    keys: set[str] = set()
    if found is not None:
        cfg_path, cfg = found
        entries, unknown = config_entries(ctx, cfg_path, cfg)
        keys = set(entries)
        for value in unknown:
            ctx.diag(
                RULE_WORKFLOW_CONFIG,
                "todo",
                f"workflow `{site.binding}` spreads an unresolved value",
                value.loc or loc,
            )
        for key, entry in entries.items():
            if key in _SCHEMAS:
                setattr(
                    workflow,
                    _SCHEMAS[key],
                    ctx.schema(entry.path, unwrap(entry.node) or entry.node),
                )
            elif key == "triggerSchema":
                workflow.input_schema = ctx.schema(entry.path, unwrap(entry.node) or entry.node)
            elif key == "id":
                workflow.id = ctx.value(entry.path, entry.node)
            elif key == "name" and "id" not in entries:
                workflow.id = ctx.value(entry.path, entry.node)
                other[key] = workflow.id
            else:
                other[key] = ctx.value(entry.path, entry.node)
    workflow.other_options = other
    workflow.chain = chain
    if site.kind == "legacy_workflow" and (
        site.callee == "LegacyWorkflow"
        or "triggerSchema" in keys
        or ("name" in keys and "id" not in keys)
        or any(c["method"] in _LEGACY_METHODS for c in chain)
        or (ctx.generation == "0.x" and "inputSchema" not in keys)
    ):
        workflow.generation = "legacy"
        ctx.diag(
            RULE_LEGACY_WORKFLOW,
            "todo",
            f"workflow `{site.binding}` at {loc} uses the legacy Workflow/Step API",
            loc,
        )
    if chain and chain[-1]["method"] != "commit" and workflow.generation != "legacy":
        ctx.diag(
            RULE_NOT_COMMITTED,
            "warning",
            f"workflow `{site.binding}` at {loc} is never committed",
            loc,
        )
    return workflow


def extract_step(ctx: ExtractContext, path: str, site: Site) -> WorkflowStepNode | None:
    """The WorkflowStepNode of a ``createStep``/``new Step`` site."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        ctx.diag(RULE_WORKFLOW_FACTORY, "todo", f"step built inside a {site.context} at {loc}", loc)
        return None
    step = WorkflowStepNode(binding=site.binding, file=path, loc=loc)
    found = config_object(ctx, path, site.node)
    other: dict[str, Value] = {}
    if found is None:
        args_node = site.node.child_by_field_name("arguments")
        args = (
            [a for a in args_node.named_children if a.type != "comment"]
            if args_node is not None
            else []
        )
        if args:
            step.from_ = ctx.value(path, args[0])
            second = config_object(ctx, path, site.node, 1)
            if second is not None:
                entries, _ = config_entries(ctx, *second)
                other = {k: ctx.value(e.path, e.node) for k, e in entries.items()}
        step.other_options = other
        return step
    cfg_path, cfg = found
    entries, unknown = config_entries(ctx, cfg_path, cfg)
    for value in unknown:
        ctx.diag(
            RULE_WORKFLOW_CONFIG,
            "todo",
            f"step `{site.binding}` spreads an unresolved value",
            value.loc or loc,
        )
    for key, entry in entries.items():
        if key in _STEP_SCHEMAS:
            setattr(
                step, _STEP_SCHEMAS[key], ctx.schema(entry.path, unwrap(entry.node) or entry.node)
            )
        elif key in ("id", "description"):
            setattr(step, key, ctx.value(entry.path, entry.node))
        elif key == "execute":
            fn_path, fn_node = execute_function(ctx, entry.path, entry.node)
            if fn_node is None:
                other[key] = ctx.value(entry.path, entry.node)
            else:
                step.execute = function_value(ctx.syntax(fn_path), fn_path, fn_node)
        else:
            other[key] = ctx.value(entry.path, entry.node)
    step.other_options = other
    return step
