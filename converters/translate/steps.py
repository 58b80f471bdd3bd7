"""Workflow step bodies: what a step's ``execute`` receives, mapped to ``lumos_compat.StepContext``.

Mastra hands a step one object (1.x and 0.10-0.2x ``createStep``: ``{ inputData, getStepResult,
getInitData, suspend, resumeData, bail, setState, requestContext, mastra, ... }``; the legacy 0.x
``new Step``: ``{ context: { inputData, getStepResult, triggerData }, mastra, suspend,
runtimeContext }``). The port's execute takes the ``StepContext`` ``ctx`` and reads the same things
from it: ``ctx.input_data``, ``ctx.get_step_result("id")``, ``return await ctx.suspend({...})``,
``return ctx.bail(value)``, ``ctx.mastra.get_agent("name")``. Everything else is outside the subset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from converters.translate import pyexpr as px
from converters.translate.types import (
    ANY,
    INT,
    JSON,
    LEGACY_STEP_CONTEXT,
    NONE,
    REQUEST_CONTEXT,
    STR,
    Ty,
)
from converters.ts import Node

if TYPE_CHECKING:
    from converters.translate.translator import E, FunctionTranslator

__all__ = ["STEP_KINDS", "StepEnv", "step_call", "step_member", "step_method_call"]

# the types this module gives meaning to
STEP_KINDS = frozenset(
    {
        "step_context",
        "legacy_step_context",
        "step_fn",
        "step_writer",
        "mastra",
        "agent",
        "agent_result",
        "agent_stream",
    }
)

_MASTRA = Ty("mastra", nullable=True)  # None when the workflow is not registered with a Mastra
_SIGNAL = Ty("signal")


@dataclass(frozen=True)
class StepEnv:
    """What the translator knows about the step being translated."""

    generation: str  # "1.x", "vnext" (0.10-0.2x createStep) or "legacy" (0.x new Step)
    input_ty: Ty
    ctx: str = "ctx"
    # TypeScript bindings of the project's steps -> their ids (getStepResult(step) reads by id)
    step_ids: dict[str, str] = field(default_factory=dict)


# StepContext attributes by the Mastra names of the execute argument's properties
_VALUES: dict[str, tuple[str, Ty]] = {
    "resumeData": ("resume_data", JSON),
    "suspendData": ("suspend_data", JSON),
    "state": ("state", JSON),
    "requestContext": ("request_context", REQUEST_CONTEXT),
    "runtimeContext": ("request_context", REQUEST_CONTEXT),
    "mastra": ("mastra", _MASTRA),
    "runId": ("run_id", STR),
    "workflowId": ("workflow_id", STR),
    "resourceId": ("resource_id", Ty("str", nullable=True)),
    "retryCount": ("retry_count", INT),
    "iterationCount": ("iteration_count", INT),  # loop conditions
    "runCount": ("retry_count", INT),  # 0.10-0.2x
    "writer": ("writer", Ty("step_writer")),
    "abortSignal": ("abort_signal", ANY),
}
_FUNCTIONS = {"getStepResult", "getInitData", "suspend", "bail", "abort", "setState"}
# the legacy top level: { context, mastra, suspend, runtimeContext, runId }
_LEGACY_TOP = {"mastra", "runtimeContext", "runId"}
_LEGACY_FUNCTIONS = {"suspend"}


def _ctx(t: FunctionTranslator) -> cst.BaseExpression:
    assert t.step is not None
    return cst.Name(t.step.ctx)


def step_member(
    t: FunctionTranslator, base: cst.BaseExpression, bty: Ty, key: str, node: Node
) -> E:
    """``params.key`` for the step argument (and ``context.key`` in a legacy step)."""
    assert t.step is not None
    if bty.kind == "step_context":
        if t.step.generation == "legacy":
            if key == "context":
                return base, LEGACY_STEP_CONTEXT
            if key in _LEGACY_TOP:
                attr, ty = _VALUES[key]
                return px.attr(base, attr), ty
            if key in _LEGACY_FUNCTIONS:
                return base, Ty("step_fn", tag=key)
            raise t.fail(f"the legacy step argument property `{key}`", node)
        if key == "inputData":
            return px.attr(base, "input_data"), t.step.input_ty
        if key in _VALUES:
            attr, ty = _VALUES[key]
            return px.attr(base, attr), ty
        if key in _FUNCTIONS:
            return base, Ty("step_fn", tag=key)
        raise t.fail(f"the step argument property `{key}`", node)
    if bty.kind == "legacy_step_context":
        if key == "inputData":
            return px.attr(base, "input_data"), t.step.input_ty
        if key == "triggerData":
            return _init_data(t), JSON
        if key == "getStepResult":
            return base, Ty("step_fn", tag="legacyGetStepResult")
        raise t.fail(f"the legacy step context property `{key}`", node)
    if bty.kind == "agent_result":
        if key == "text":
            return px.attr(base, "text"), STR
        if key == "object":
            t.use("jsrt")
            return px.call("jsrt.plain", px.attr(base, "object")), JSON
        raise t.fail(f"the agent result property `{key}`", node)
    if bty.kind == "agent_stream":
        if key == "textStream":
            return px.attr(base, "text_stream"), Ty("async_iter", item=STR)
        raise t.fail(f"the agent stream property `{key}`", node)
    if bty.kind == "step_fn":
        raise t.fail(f"a property of the step function `{bty.tag}`", node)
    raise t.fail(f"the property `{key}` of {t.short(node)}", node)


def _init_data(t: FunctionTranslator) -> cst.BaseExpression:
    # the workflow input as JavaScript sees it (a pydantic input schema gives a model instance)
    t.use("jsrt")
    return px.call("jsrt.plain", px.call(px.attr(_ctx(t), "get_init_data")))


def _step_id(t: FunctionTranslator, arg: Node, node: Node) -> cst.BaseExpression:
    assert t.step is not None
    while arg.type in ("as_expression", "non_null_expression", "parenthesized_expression"):
        arg = arg.named_children[0]
    if arg.type == "string":
        return px.string(t.string_value(arg))
    if arg.type == "identifier" and t.is_module_name(t.text(arg)):
        step_id = t.step.step_ids.get(t.text(arg))
        if step_id is not None:
            return px.string(step_id)
    if arg.type == "member_expression":  # getStepResult(steps.fetch) and the like
        raise t.fail(f"getStepResult of {t.short(arg)}", node)
    raise t.fail(f"getStepResult of {t.short(arg)}, which is not a step of the project", node)


def step_call(t: FunctionTranslator, node: Node, tag: str, args: list[Node]) -> E:
    """A call of one of the step functions (``getStepResult``, ``suspend``, ``bail``...)."""
    ctx = _ctx(t)
    if any(a.type == "spread_element" for a in args):
        raise t.fail(f"a spread argument in {t.short(node)}", node)
    if tag in ("getStepResult", "legacyGetStepResult"):
        if len(args) != 1:
            raise t.fail(f"{t.short(node)} with {len(args)} arguments", node)
        step_id = _step_id(t, args[0], node)
        if (
            tag == "legacyGetStepResult"
            and isinstance(step_id, cst.SimpleString)
            and step_id.evaluated_value == "trigger"
        ):
            return _init_data(t), JSON
        return px.call(px.attr(ctx, "get_step_result"), step_id), JSON
    if tag == "getInitData":
        if args:
            raise t.fail(f"{t.short(node)} with arguments", node)
        return _init_data(t), JSON
    values = [t.expr(a)[0] for a in args]
    if tag == "suspend":
        if len(values) > 2:
            raise t.fail(f"{t.short(node)} with {len(values)} arguments", node)
        return px.call(px.attr(ctx, "suspend"), *values), Ty("awaitable", item=_SIGNAL)
    if tag == "bail":
        if len(values) > 1:
            raise t.fail(f"{t.short(node)} with {len(values)} arguments", node)
        return px.call(px.attr(ctx, "bail"), *values), _SIGNAL
    if tag == "abort":
        if values:
            raise t.fail(f"{t.short(node)} with arguments", node)
        return px.call(px.attr(ctx, "abort")), NONE
    if tag == "setState":
        if len(values) != 1:
            raise t.fail(f"{t.short(node)} with {len(values)} arguments", node)
        return px.call(px.attr(ctx, "set_state"), *values), Ty("awaitable", item=NONE, tag="step")
    raise t.fail(f"the step function `{tag}`", node)


def step_method_call(
    t: FunctionTranslator,
    node: Node,
    base: cst.BaseExpression,
    bty: Ty,
    method: str,
    args: list[Node],
) -> E:
    """A method of the step argument, the Mastra instance, an agent or the step's writer."""
    if bty.kind in ("step_context", "legacy_step_context"):
        _, fty = step_member(t, base, bty, method, node)
        if fty.kind != "step_fn":
            raise t.fail(f"calling the step argument property `{method}`", node)
        return step_call(t, node, fty.tag, args)
    if any(a.type == "spread_element" for a in args):
        raise t.fail(f"a spread argument in {t.short(node)}", node)
    if bty.kind == "mastra" and method == "getAgent" and len(args) == 1:
        name, nty = t.expr(args[0])
        if nty.kind != "str":
            raise t.fail("getAgent with a name not known to be a string", node)
        return px.call(px.attr(base, "get_agent"), name), Ty("agent")
    if bty.kind == "agent" and method in ("generate", "stream"):
        if len(args) != 1:
            raise t.fail(f"agent.{method} with options (only the messages are translated)", node)
        value, _ = t.expr(args[0])
        result = Ty("agent_result") if method == "generate" else Ty("agent_stream")
        return px.call(px.attr(base, method), value), Ty("awaitable", item=result)
    if bty.kind == "step_writer" and method in ("write", "custom") and len(args) == 1:
        value, _ = t.expr(args[0])
        return px.call(px.attr(base, method), value), Ty("awaitable", item=NONE, tag="step")
    what = {"mastra": "the Mastra instance", "agent": "an agent", "step_writer": "the writer"}
    raise t.fail(f"the method `{method}` of {what.get(bty.kind, t.short(node))}", node)
