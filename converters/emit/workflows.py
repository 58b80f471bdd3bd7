"""Workflows and steps -> ``lumos_compat`` ``create_workflow(...)`` chains and ``create_step(...)``.

Three generations come in (``WorkflowNode.generation``):

- ``1.x`` and ``vnext`` (0.10-0.2x): ``createWorkflow({...}).then(...)...commit()`` becomes the same
  chain in Python. Inline functions (``.map(fn)``, ``.branch`` conditions, loop conditions,
  ``.sleep(fn)``) become module-level functions with a TODO body that keeps the original.
- ``legacy`` (0.x ``new Workflow({name, triggerSchema}).step(a).then(b).after(x)...``): the legacy
  step graph is laid out as a flat 1.x chain in source order. ``variables`` become ``.map``
  configs before the step; ``when`` conditions become condition functions for ``.branch``
  (``{ref, query}``, ``{'step.path': value}`` and ``and``/``or``/``not`` are translated in full,
  functions are TODOs); steps below a step whose object condition failed do not run, as in 0.x.

Step ``execute`` functions take the step context (``StepContext``); their bodies go through the
body translator (``converters.translate``) like tool bodies, and keep a TODO body with the original
TypeScript when they use something outside the translated subset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from converters.emit.context import Scope
from converters.emit.functions import todo_function
from converters.emit.names import NameAllocator, pascal_case, snake_case
from converters.emit.values import docstring_literal, emit_value, string_literal
from converters.ir import (
    ArrayValue,
    BoolValue,
    CallValue,
    FunctionValue,
    Loc,
    NullValue,
    NumberValue,
    ObjectValue,
    Opaque,
    RefValue,
    SchemaNode,
    StringValue,
    Value,
    WorkflowNode,
    WorkflowStepNode,
)
from converters.report import ConvertedItem
from converters.rules import define
from converters.schema_emit import PydanticModule, SchemaEmitError, schema_argument
from converters.translate.hook import emit_translated_step, emit_translated_workflow_function

__all__ = [
    "LM654",
    "LM655",
    "LM656",
    "LM657",
    "LM658",
    "LM659",
    "LM660",
    "LM661",
    "LM662",
    "WorkflowModels",
    "emit_step",
    "emit_workflow",
]

LM654 = define(
    "LM654",
    "A workflow step's execute body needs translating",
    "Translate the TypeScript kept in the comment into the body of the async Python function: "
    "read the step input from `ctx.input_data`, earlier results with `ctx.get_step_result(...)`, "
    "and return the output; then delete the raise.",
)
LM655 = define(
    "LM655",
    "A workflow condition or mapping function needs translating",
    "Translate the TypeScript kept in the comment into the body of the Python function (it gets "
    "the step context `ctx`: `ctx.input_data`, `ctx.get_step_result(...)`, `ctx.get_init_data()`, "
    "`ctx.iteration_count` in loops); then delete the raise.",
)
LM656 = define(
    "LM656",
    "A legacy workflow was converted to the 1.x step graph",
    "Check the converted chain: the legacy graph runs in source order (siblings without "
    "`variables` still run together); a step whose `when` is false does not run and has no "
    "entry in the result (0.x recorded it as skipped or failed); a failing step fails the run. "
    "Code that read `result.results[...]` reads `result.legacy()['results'][...]`.",
)
LM657 = define(
    "LM657",
    "A legacy workflow construct has no 1.x equivalent",
    "Events (`afterEvent`, `resumeWithEvent`) became suspend/resume in 1.x: make the step after "
    "the event suspend (`return await ctx.suspend(...)`) and resume the run with the event data.",
)
LM658 = define(
    "LM658",
    "A workflow or step option is not converted",
    "lumos_compat has no such option; port the behaviour by hand or drop it knowingly.",
)
LM659 = define(
    "LM659",
    "A 0.10-0.2x workflow API difference",
    "The port follows 1.x: `runtimeContext` is `ctx.request_context`, `runCount` is "
    "`ctx.retry_count`, `setState` is awaited, `createRun`/`createRunAsync` is "
    "`await workflow.create_run()`; input validation stays off as it was in 0.10-0.2x.",
)
LM660 = define(
    "LM660",
    "A legacy loop checks its condition after each pass",
    "`.while(cond, step)` / `.until(cond, step)` became `.dowhile(step, cond)` / "
    "`.dountil(step, cond)`: the step now runs once before the condition is first checked. "
    "Guard the loop with a `.branch` if the first pass must be conditional.",
)
LM661 = define(
    "LM661",
    "A workflow chain call could not be converted",
    "Write the call named in the message by hand in the Python chain (the original is kept in "
    "the comment above the workflow).",
)
LM662 = define(
    "LM662",
    "A workflow or step schema could not be emitted as a pydantic model",
    "Write the pydantic model by hand from the zod schema kept in the comment; the step runs "
    "without that schema until then.",
)

_SCHEMA_ROLES = (
    ("Input", "input_schema"),
    ("Output", "output_schema"),
    ("State", "state_schema"),
    ("Suspend", "suspend_schema"),
    ("Resume", "resume_schema"),
)
_STEP_KEYWORDS = {
    "Input": "input_schema",
    "Output": "output_schema",
    "State": "state_schema",
    "Suspend": "suspend_schema",
    "Resume": "resume_schema",
}
_QUERY_OPS = {
    "$eq": cst.Equal,
    "$ne": cst.NotEqual,
    "$gt": cst.GreaterThan,
    "$gte": cst.GreaterThanEqual,
    "$lt": cst.LessThan,
    "$lte": cst.LessThanEqual,
    "$in": cst.In,
    "$nin": cst.NotIn,
}
_ORDERING = {"$gt", "$gte", "$lt", "$lte"}
_PATH_PART = re.compile(r"[^.\[\]]+|\[(\d+)\]")


# ---------------------------------------------------------------------------------------------
# schemas
# ---------------------------------------------------------------------------------------------


class WorkflowModels:
    """Pydantic models for the steps and workflows of one module (added at the top of the module)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._types: dict[tuple[str, str], cst.BaseExpression | None] = {}
        # what create_step/create_workflow are given (see PydanticModule.schema_class)
        self._schemas: dict[tuple[str, str], cst.BaseExpression | None] = {}

    def _resolve(self, ref: str) -> SchemaNode:
        node = self.scope.ctx.project.schemas.get(ref)
        if node is None:
            raise SchemaEmitError(f"the schema {ref} was not found in the project")
        return node

    def prepare(self, steps: Sequence[WorkflowStepNode], workflows: Sequence[WorkflowNode]) -> None:
        """Build the models of ``steps`` and ``workflows`` and add them to the module."""
        builder = self.scope.builder
        taken = builder.names.taken() | _defined_classes(builder.body)
        module = PydanticModule(self._resolve, taken_names=sorted(taken))
        added = False
        owners: list[tuple[str, str, Loc, list[tuple[str, SchemaNode | None]]]] = []
        for step in steps:
            roles = [(role, getattr(step, attr)) for role, attr in _SCHEMA_ROLES]
            owners.append((step.binding, "Step", step.loc, roles))
        for workflow in workflows:
            roles = [
                ("Input", workflow.input_schema),
                ("Output", workflow.output_schema),
                ("State", workflow.state_schema),
            ]
            owners.append((workflow.binding, "Workflow", workflow.loc, roles))
        for binding, fallback, loc, roles in owners:
            base = pascal_case(binding, fallback=fallback)
            for role, node in roles:
                self._types[(binding, role)] = None
                if node is None:
                    continue
                class_name = builder.names.allocate(f"{base}{role}")
                try:
                    annotation = module.add_model(node, class_name)
                    chosen = module.schema_class(annotation, class_name, builder.names.allocate)
                except (SchemaEmitError, KeyError, ValueError) as exc:
                    self.scope.todo(
                        LM662, f"{class_name} of {binding}: {exc}", node.loc or loc, node.source
                    )
                    continue
                # the annotation is generated by schema_emit from class names and types
                self._types[(binding, role)] = cst.parse_expression(annotation)
                self._schemas[(binding, role)] = schema_argument(
                    self._types[(binding, role)], chosen, annotation
                )
                added = True
        if not added:
            return
        emitted = module.build()
        for import_module, names in emitted.imports.items():
            for name in sorted(names):
                if name:  # "" stands for `import module`
                    builder.import_from(import_module, name)
                else:
                    builder.import_module(import_module)
        for statement in emitted.statements:
            if isinstance(statement, cst.ClassDef):
                builder.names.reserve(statement.name.value)
            self.scope.add(statement)

    def type_of(self, binding: str, role: str) -> cst.BaseExpression | None:
        """The annotation of one schema of a prepared step or workflow (None: no schema)."""
        return self._types.get((binding, role))

    def schema_of(self, binding: str, role: str) -> cst.BaseExpression | None:
        """What the step or workflow is given as that schema (None: no schema)."""
        return self._schemas.get((binding, role))


def _defined_classes(body: Sequence[cst.BaseStatement]) -> set[str]:
    return {s.name.value for s in body if isinstance(s, cst.ClassDef)}


# ---------------------------------------------------------------------------------------------
# small libcst helpers
# ---------------------------------------------------------------------------------------------


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name))


def _call(
    func: cst.BaseExpression, *args: cst.BaseExpression, **kwargs: cst.BaseExpression
) -> cst.Call:
    return cst.Call(
        func=func,
        args=[cst.Arg(a) for a in args] + [_kw(k, v) for k, v in kwargs.items()],
    )


def _method(target: cst.BaseExpression, name: str, args: Sequence[cst.Arg]) -> cst.Call:
    return cst.Call(func=cst.Attribute(value=target, attr=cst.Name(name)), args=list(args))


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _and(parts: Sequence[cst.BaseExpression]) -> cst.BaseExpression:
    if not parts:
        return cst.Name("True")
    result = parts[0]
    for part in parts[1:]:
        result = cst.BooleanOperation(
            left=_paren(result, cst.Or), operator=cst.And(), right=_paren(part, cst.Or)
        )
    return result


def _or(parts: Sequence[cst.BaseExpression]) -> cst.BaseExpression:
    if not parts:
        return cst.Name("False")
    result = _paren(parts[0], cst.And)
    for part in parts[1:]:
        result = cst.BooleanOperation(left=result, operator=cst.Or(), right=_paren(part, cst.And))
    return result


def _paren(expr: cst.BaseExpression, weaker: type) -> cst.BaseExpression:
    """Parenthesise ``expr`` when it is a boolean operation with the weaker operator."""
    if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, weaker):
        return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expr


def _not(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, cst.BooleanOperation):
        expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.UnaryOperation(operator=cst.Not(), expression=expr)


def _compare(
    left: cst.BaseExpression, op: cst.BaseCompOp, right: cst.BaseExpression
) -> cst.Comparison:
    return cst.Comparison(
        left=left, comparisons=[cst.ComparisonTarget(operator=op, comparator=right)]
    )


def _assign(name: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(
        [cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)]
    )


def _async_def(
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression]],
    returns: cst.BaseExpression,
    body: Sequence[cst.BaseStatement],
    docstring: str | None,
) -> cst.FunctionDef:
    statements: list[cst.BaseStatement] = []
    if docstring:
        statements.append(cst.SimpleStatementLine([cst.Expr(docstring_literal(docstring))]))
    statements.extend(body)
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(
            params=[cst.Param(cst.Name(p), annotation=cst.Annotation(a)) for p, a in params]
        ),
        returns=cst.Annotation(returns),
        body=cst.IndentedBlock(body=statements),
        asynchronous=cst.Asynchronous(),
    )


def _where(loc: Loc | None) -> str:
    return f"{loc.file}:{loc.line}" if loc else "an unknown location"


def _text(value: Value | None) -> str | None:
    return value.value if isinstance(value, StringValue) else None


def _source(value: Value) -> str:
    if isinstance(value, FunctionValue | CallValue | Opaque):
        return value.source
    if isinstance(value, RefValue):
        return value.name
    return type(value).__name__


# ---------------------------------------------------------------------------------------------
# shared by both generations
# ---------------------------------------------------------------------------------------------


@dataclass
class _Emitter:
    """Emitting one workflow: the helper functions it needs go into the module before it."""

    scope: Scope
    node: WorkflowNode
    name: str
    models: WorkflowModels
    comments: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def wf_id(self) -> str:
        return _text(self.node.id) or self.node.binding

    @property
    def context_type(self) -> cst.Name:
        return cst.Name(self.scope.builder.import_from("lumos_compat", "StepContext"))

    def fresh(self, base: str) -> str:
        return self.scope.builder.names.allocate(base)

    def numbered(self, kind: str) -> str:
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return self.fresh(f"{snake_case(self.node.binding)}_{kind}_{n}")

    def step_ref(self, value: Value, what: str) -> cst.BaseExpression:
        """A step (or nested workflow) given as an argument of the chain."""
        if isinstance(value, CallValue) and value.callee.split(".")[-1] == "createStep":
            symbol = None
            if value.args and isinstance(value.args[0], RefValue):
                ref = value.args[0]
                symbol = self.scope.ctx.lookup(ref.target, ref.name)
            if symbol is not None and symbol.kind in ("agent", "tool"):
                create_step = self.scope.builder.import_from("lumos_compat", "create_step")
                return _call(
                    cst.Name(create_step), emit_value(value.args[0], self.scope, what=what)
                )
        return emit_value(value, self.scope, what=what)

    def todo_function(
        self,
        name: str,
        function: Value,
        *,
        returns: cst.BaseExpression,
        title: str,
        notes: Sequence[str] = (),
    ) -> str:
        """A module-level ``async def name(ctx)``: translated from ``function``, else a TODO."""
        loc = getattr(function, "loc", None) or self.node.loc
        why_not = None
        if isinstance(function, FunctionValue):
            why_not = emit_translated_workflow_function(
                self.scope,
                function,
                name=name,
                params=[("ctx", self.context_type)],
                returns=self.any_type(),
                generation=self.node.generation,
                input_schema=None,  # the previous output as it came, not validated
                file=self.node.file,
                what=f"{title} of workflow `{self.node.binding}`",
                fallback=self.node.loc,
            )
            if why_not is None:
                return name
        todo_function(
            self.scope,
            name=name,
            params=[("ctx", self.context_type)],
            returns=returns,
            rule=LM655,
            title=f"translate {title} ({_where(loc)})",
            loc=loc,
            source=_source(function),
            message=f"translate {title} of workflow `{self.node.binding}`"
            + (f" (not translated: {why_not})" if why_not else ""),
            is_async=True,
            notes=notes,
        )
        return name

    def condition(self, value: Value, base: str, title: str) -> cst.BaseExpression:
        """A condition argument: a TODO function for a function, a reference otherwise."""
        if isinstance(value, FunctionValue):
            name = self.fresh(base)
            return cst.Name(self.todo_function(name, value, returns=cst.Name("bool"), title=title))
        return emit_value(value, self.scope, what=f"{title} of workflow {self.node.binding}")

    def any_type(self) -> cst.Name:
        return cst.Name(self.scope.builder.import_from("typing", "Any"))

    def unconvertible(self, call: dict[str, Any], why: str) -> None:
        loc = call.get("loc") or self.node.loc
        self.scope.todo(
            LM661,
            f"workflow {self.node.binding}: `.{call['method']}(...)` {why}",
            loc,
            ", ".join(_source(a) for a in call.get("args", [])) or None,
        )

    def base_call(self, options: dict[str, cst.BaseExpression]) -> cst.Call:
        """``create_workflow(id=..., input_schema=..., ...)``."""
        node = self.node
        kwargs: dict[str, cst.BaseExpression] = {}
        kwargs["id"] = (
            emit_value(node.id, self.scope, what=f"id of workflow {node.binding}")
            if node.id is not None
            else string_literal(node.binding)
        )
        other = dict(node.other_options)
        other.pop("name", None)  # legacy name: the id
        description = other.pop("description", None)
        if description is not None:
            kwargs["description"] = emit_value(
                description, self.scope, what=f"description of workflow {node.binding}"
            )
        for role, keyword in (
            ("Input", "input_schema"),
            ("Output", "output_schema"),
            ("State", "state_schema"),
        ):
            schema = self.models.schema_of(node.binding, role)
            if schema is not None:
                kwargs[keyword] = schema
        retry = other.pop("retryConfig", None)
        if retry is not None:
            kwargs["retry_config"] = emit_value(
                retry, self.scope, what=f"retryConfig of workflow {node.binding}"
            )
        given = other.pop("options", None)
        if given is not None:
            kwargs["options"] = emit_value(
                given, self.scope, what=f"options of workflow {node.binding}", key_style="snake"
            )
        elif options:
            kwargs["options"] = cst.Dict(
                [cst.DictElement(string_literal(k), v) for k, v in options.items()]
            )
        steps = other.pop("steps", None)
        if isinstance(steps, ArrayValue):
            kwargs["steps"] = cst.List(
                [
                    cst.Element(self.step_ref(s, f"steps of workflow {node.binding}"))
                    for s in steps.items
                ]
            )
        elif steps is not None:
            other["steps"] = steps
        for key, value in other.items():
            self.option_todo(key, value)
        create = self.scope.builder.import_from("lumos_compat", "create_workflow")
        return _call(cst.Name(create), **kwargs)

    def option_todo(self, key: str, value: Value) -> None:
        rule = LM657 if key in ("events", "result") and self.node.generation == "legacy" else LM658
        why = {
            "events": "legacy events have no 1.x meaning (use suspend/resume)",
            "result": "the legacy result mapping has no 1.x meaning (add a final `.map` step)",
        }.get(key, "is not converted")
        self.scope.todo(
            rule,
            f"workflow {self.node.binding}: option `{key}` {why}",
            getattr(value, "loc", None) or self.node.loc,
            getattr(value, "source", None),
        )

    def finish(self, chain: cst.BaseExpression) -> None:
        self.scope.add(
            cst.SimpleStatementLine(
                [cst.Assign(targets=[cst.AssignTarget(cst.Name(self.name))], value=chain)]
            ),
            self.comments,
        )
        self.scope.ctx.converted.append(
            ConvertedItem(
                kind="workflow",
                name=self.node.binding,
                loc=self.node.loc,
                target=f"{self.scope.builder.module}:{self.name}",
            )
        )


# ---------------------------------------------------------------------------------------------
# 1.x and 0.10-0.2x chains
# ---------------------------------------------------------------------------------------------


def _map_config(em: _Emitter, value: ObjectValue, loc: Loc | None) -> cst.BaseExpression | None:
    """A ``.map({...})`` config as the runtime's dict, or None when a key cannot be converted."""
    elements: list[cst.BaseDictElement] = []
    if value.spreads:
        return None
    for key, spec in value.entries.items():
        if not isinstance(spec, ObjectValue) or spec.spreads:
            return None
        entries = spec.entries
        out: list[tuple[str, cst.BaseExpression]] = []
        if "step" in entries:
            source = entries["step"]
            if isinstance(source, ArrayValue):
                step_expr: cst.BaseExpression = cst.List(
                    [cst.Element(em.step_ref(s, f".map {key}")) for s in source.items]
                )
            else:
                step_expr = em.step_ref(source, f".map {key}")
            out.append(("step", step_expr))
        elif "value" in entries:
            out.append(("value", emit_value(entries["value"], em.scope, what=f".map {key}")))
        elif "initData" in entries:
            init = entries["initData"]
            is_self = isinstance(init, RefValue) and init.name == em.node.binding
            out.append(
                (
                    "init_data",
                    string_literal(em.wf_id)
                    if is_self
                    else emit_value(init, em.scope, what=f".map {key}"),
                )
            )
        elif "requestContextPath" in entries:
            out.append(
                (
                    "request_context_path",
                    emit_value(entries["requestContextPath"], em.scope, what=f".map {key}"),
                )
            )
        else:
            return None  # {template}, {fn} or something newer
        if "schema" in entries:
            em.scope.ctx.report(
                LM658,
                f"workflow {em.node.binding}: the `schema` of `.map` key `{key}` is not needed "
                "(the runtime does not check mapped values)",
                spec.loc or loc,
                severity="info",
            )
        if "path" in entries and "requestContextPath" not in entries:
            out.append(("path", emit_value(entries["path"], em.scope, what=f".map {key}.path")))
        elements.append(
            cst.DictElement(
                string_literal(key),
                cst.Dict([cst.DictElement(string_literal(k), v) for k, v in out]),
            )
        )
    return cst.Dict(elements)


def _chain_1x(em: _Emitter, chain: cst.BaseExpression) -> cst.BaseExpression:
    node = em.node
    for call in node.chain:
        method: str = call["method"]
        args: list[Value] = call["args"]
        loc: Loc | None = call.get("loc")
        if method in ("then", "agent", "tool") and args:
            step = em.step_ref(args[0], f".{method}() of workflow {node.binding}")
            if method in ("agent", "tool"):
                create_step = em.scope.builder.import_from("lumos_compat", "create_step")
                step = _call(cst.Name(create_step), step)
            chain = _method(chain, "then", [cst.Arg(step)])
        elif method == "parallel" and args and isinstance(args[0], ArrayValue):
            steps = [
                cst.Element(em.step_ref(s, f".parallel() of workflow {node.binding}"))
                for s in args[0].items
            ]
            chain = _method(chain, "parallel", [cst.Arg(cst.List(steps))])
        elif method == "branch" and args and isinstance(args[0], ArrayValue):
            pairs: list[cst.Element] = []
            for item in args[0].items:
                if not (isinstance(item, ArrayValue) and len(item.items) == 2):
                    em.unconvertible(call, "has a branch that is not [condition, step]")
                    pairs = []
                    break
                cond_value, step_value = item.items
                step_name = _step_binding(step_value)
                cond = em.condition(
                    cond_value,
                    f"{snake_case(step_name)}_condition"
                    if step_name
                    else f"{snake_case(node.binding)}_condition",
                    f"the branch condition of `{step_name or '?'}`",
                )
                step = em.step_ref(step_value, f".branch() of workflow {node.binding}")
                pairs.append(cst.Element(cst.Tuple([cst.Element(cond), cst.Element(step)])))
            if pairs:
                chain = _method(chain, "branch", [cst.Arg(cst.List(pairs))])
        elif method in ("dowhile", "dountil") and len(args) == 2:
            step_name = _step_binding(args[0]) or node.binding
            suffix = "while" if method == "dowhile" else "until"
            step = em.step_ref(args[0], f".{method}() of workflow {node.binding}")
            cond = em.condition(
                args[1],
                f"{snake_case(step_name)}_{suffix}",
                f"the `.{method}` condition of `{step_name}`",
            )
            chain = _method(chain, method, [cst.Arg(step), cst.Arg(cond)])
        elif method == "foreach" and args:
            step = em.step_ref(args[0], f".foreach() of workflow {node.binding}")
            foreach_args = [cst.Arg(step)]
            if len(args) > 1 and isinstance(args[1], ObjectValue):
                for key, value in args[1].entries.items():
                    if key == "concurrency":
                        foreach_args.append(
                            _kw(
                                "concurrency",
                                emit_value(value, em.scope, what="foreach concurrency"),
                            )
                        )
                    else:
                        em.unconvertible(call, f"option `{key}` is not converted")
            chain = _method(chain, "foreach", foreach_args)
        elif method == "map" and args:
            target = args[0]
            map_args: list[cst.Arg] = []
            if isinstance(target, FunctionValue):
                name = em.numbered("map")
                em.todo_function(name, target, returns=em.any_type(), title="the `.map` function")
                map_args.append(cst.Arg(cst.Name(name)))
            elif isinstance(target, ObjectValue):
                config = _map_config(em, target, loc)
                if config is None:
                    name = em.numbered("map")
                    em.todo_function(
                        name,
                        target,
                        returns=em.any_type(),
                        title="the `.map` config (a form the runtime has no mapping for)",
                        notes=["return the mapped value; the original config is below"],
                    )
                    map_args.append(cst.Arg(cst.Name(name)))
                else:
                    map_args.append(cst.Arg(config))
            else:
                map_args.append(cst.Arg(emit_value(target, em.scope, what=".map() argument")))
            if len(args) > 1 and isinstance(args[1], ObjectValue) and "id" in args[1].entries:
                map_args.append(
                    _kw("id", emit_value(args[1].entries["id"], em.scope, what=".map id"))
                )
            chain = _method(chain, "map", map_args)
        elif method in ("sleep", "sleepUntil") and args:
            py_method = "sleep" if method == "sleep" else "sleep_until"
            value = args[0]
            if isinstance(value, NumberValue):
                arg: cst.BaseExpression = emit_value(value, em.scope, what=".sleep()")
            else:
                name = em.numbered(py_method)
                returns = (
                    cst.Name("float")
                    if method == "sleep"
                    else cst.Attribute(
                        value=cst.Name(em.scope.builder.import_module("datetime")),
                        attr=cst.Name("datetime"),
                    )
                )
                em.todo_function(
                    name,
                    value,
                    returns=returns,
                    title=f"the `.{method}` argument",
                    notes=[
                        "return the milliseconds to wait"
                        if method == "sleep"
                        else "return the datetime to wait until"
                    ],
                )
                arg = cst.Name(name)
            chain = _method(chain, py_method, [cst.Arg(arg)])
        elif method == "commit":
            chain = _method(chain, "commit", [])
        elif method in ("waitForEvent", "sendEvent"):
            em.scope.todo(
                LM659,
                f"workflow {node.binding}: `.{method}(...)` was removed in 1.x; make the step "
                "suspend (`return await ctx.suspend(...)`) and resume the run with the event data",
                loc,
                ", ".join(_source(a) for a in args) or None,
            )
            if method == "waitForEvent" and len(args) > 1:
                step = em.step_ref(args[1], f".{method}() of workflow {node.binding}")
                chain = _method(chain, "then", [cst.Arg(step)])
        else:
            em.unconvertible(call, "is not a workflow builder method lumos_compat knows")
    return chain


def _step_binding(value: Value) -> str | None:
    if isinstance(value, RefValue):
        return value.name
    if isinstance(value, CallValue) and value.args and isinstance(value.args[0], RefValue):
        return value.args[0].name
    return None


# ---------------------------------------------------------------------------------------------
# legacy 0.x graphs
# ---------------------------------------------------------------------------------------------


@dataclass
class _LegacyStep:
    """One step of a legacy graph, with what decides whether and when it runs."""

    ref: Value
    step_id: str
    binding: str
    parents: tuple[str, ...]  # step ids; () is the trigger
    variables: ObjectValue | None = None
    when: Value | None = None
    branch: tuple[Value, bool] | None = None  # .if(cond) context: (cond, negated for else)
    loop: tuple[str, Value] | None = None  # ("dowhile" | "dountil", condition)
    loc: Loc | None = None
    # filled when laid out
    when_fn: str | None = None
    guards: list[tuple[str, bool]] = field(default_factory=list)  # (function, negated)


class _Untranslatable(Exception):
    """A condition form outside the translated subset."""


def _legacy_steps(em: _Emitter) -> list[_LegacyStep]:
    """The legacy chain as a list of steps with their parents, in source order."""
    node = em.node
    out: list[_LegacyStep] = []
    last: str | None = None
    after: tuple[str, ...] | None = None
    if_ctx: tuple[Value, bool] | None = None
    if_base: str | None = None
    pending_if_cond: Value | None = None

    def add(
        value: Value, parents: tuple[str, ...], opts: Value | None, loc: Loc | None
    ) -> _LegacyStep:
        step_id, binding = _legacy_identity(em, value)
        step = _LegacyStep(ref=value, step_id=step_id, binding=binding, parents=parents, loc=loc)
        if isinstance(opts, ObjectValue):
            for key, item in opts.entries.items():
                if key == "variables" and isinstance(item, ObjectValue):
                    step.variables = item
                elif key == "when":
                    step.when = item
                else:
                    em.scope.todo(
                        LM658,
                        f"workflow {node.binding}: option `{key}` of step {binding} is not converted",
                        getattr(item, "loc", None) or loc,
                        _source(item),
                    )
        step.branch = if_ctx
        out.append(step)
        return step

    for call in node.chain:
        method: str = call["method"]
        args: list[Value] = call["args"]
        loc: Loc | None = call.get("loc")
        opts = args[1] if len(args) > 1 else None
        if method == "step" and args:
            parents = after if after is not None else ()
            last = add(args[0], parents, opts, loc).step_id
        elif method == "then" and args:
            parents = (last,) if last is not None else ()
            if pending_if_cond is not None:
                if_ctx = (pending_if_cond, False)
                if_base = last
                pending_if_cond = None
            last = add(args[0], parents, opts, loc).step_id
        elif method == "after" and args:
            targets = args[0].items if isinstance(args[0], ArrayValue) else [args[0]]
            after = tuple(_legacy_identity(em, t)[0] for t in targets)
            last = after[0] if len(after) == 1 else None
            if_ctx = None
        elif method == "if" and args:
            pending_if_cond = args[0]
            if_base = last
            if len(args) > 1:  # .if(cond, ifStep, elseStep)
                if_ctx = (args[0], False)
                add(args[1], (if_base,) if if_base else (), None, loc)
                if len(args) > 2:
                    if_ctx = (args[0], True)
                    add(args[2], (if_base,) if if_base else (), None, loc)
                if_ctx = None
                pending_if_cond = None
        elif method == "else":
            if if_ctx is not None:
                if_ctx = (if_ctx[0], True)
                last = if_base
            else:
                em.unconvertible(call, "has no `.if()` before it")
        elif method in ("while", "until") and len(args) >= 2:
            parents = (last,) if last is not None else ()
            step = add(args[1], parents, None, loc)
            step.loop = ("dowhile" if method == "while" else "dountil", args[0])
            em.scope.ctx.report(
                LM660,
                f"workflow {node.binding}: `.{method}(cond, {step.binding})` became "
                f"`.{step.loop[0]}({snake_case(step.binding)}, cond)`",
                loc,
                severity="warning",
            )
            last = step.step_id
        elif method == "afterEvent":
            event = _text(args[0]) if args else None
            em.scope.todo(
                LM657,
                f"workflow {node.binding}: `.afterEvent({event or '...'})` has no 1.x meaning; the "
                "steps after it run without waiting (make the next step suspend and resume the run "
                "with the event data)",
                loc,
            )
        elif method == "commit":
            pass
        else:
            em.unconvertible(call, "is not a legacy workflow method lumos-migrate converts")
    return out


def _legacy_identity(em: _Emitter, value: Value) -> tuple[str, str]:
    """(step id, source binding) of a step given by reference or by id."""
    if isinstance(value, StringValue):
        return value.value, value.value
    if isinstance(value, RefValue):
        for step in em.scope.ctx.project.steps:
            if value.target and f"{step.file}#{step.binding}" == value.target:
                return (_text(step.id) or step.binding), step.binding
        for step in em.scope.ctx.project.steps:
            if step.binding == value.name:
                return (_text(step.id) or step.binding), step.binding
        return value.name, value.name
    return _source(value), _source(value)


@dataclass
class _ConditionBuilder:
    """Translates a legacy ``when`` object into statements and one boolean expression."""

    em: _Emitter
    names: NameAllocator = field(default_factory=lambda: NameAllocator({"ctx", "jsrt"}))
    statements: list[cst.BaseStatement] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    values: dict[tuple[str, str], str] = field(default_factory=dict)

    def source(self, step: Value | str) -> tuple[str, bool]:
        """The local name holding a step's result (or the trigger data); whether it is the trigger."""
        if isinstance(step, str):
            step_id = step
        elif isinstance(step, StringValue):
            step_id = step.value
        elif isinstance(step, RefValue):
            step_id = _legacy_identity(self.em, step)[0]
        else:
            raise _Untranslatable(f"a step given as `{_source(step)}`")
        if step_id not in self.sources:
            base = (
                "trigger_data"
                if step_id == "trigger"
                else f"{snake_case(step_id, fallback='step')}_result"
            )
            name = self.names.allocate(base)
            if step_id == "trigger":
                call = _method(cst.Name("ctx"), "get_init_data", [])
            else:
                call = _method(
                    cst.Name("ctx"), "get_step_result", [cst.Arg(string_literal(step_id))]
                )
            self.statements.append(_assign(name, call))
            self.sources[step_id] = name
        return self.sources[step_id], step_id == "trigger"

    def value(
        self, step: Value | str, path: str
    ) -> tuple[cst.BaseExpression, cst.BaseExpression | None]:
        """(the value at ``path``, the not-None test of its source or None for the trigger)."""
        source, trigger = self.source(step)
        guard = None if trigger else _compare(cst.Name(source), cst.IsNot(), cst.Name("None"))
        if path in ("", "."):
            return cst.Name(source), guard
        key = (source, path)
        if key not in self.values:
            parts: list[cst.Arg] = [cst.Arg(cst.Name(source))]
            for match in _PATH_PART.finditer(path):
                if match.group(1) is not None:
                    parts.append(cst.Arg(cst.Integer(match.group(1))))
                else:
                    parts.append(cst.Arg(string_literal(match.group(0))))
            jsrt = self.em.scope.builder.import_from("lumos_compat", "jsrt")
            read: cst.BaseExpression = cst.Call(
                func=cst.Attribute(value=cst.Name(jsrt), attr=cst.Name("get")), args=parts
            )
            if path == "status" and not trigger:
                # 0.x: only successful results are read, and their status is 'success'
                read = cst.BooleanOperation(
                    left=read, operator=cst.Or(), right=string_literal("success")
                )
            stem = source.removesuffix("_result").removesuffix("_data")
            name = self.names.allocate(f"{stem}_{snake_case(path, fallback='value')}")
            self.statements.append(_assign(name, read))
            self.values[key] = name
        return cst.Name(self.values[key]), guard

    def query(self, value: cst.BaseExpression, query: Value) -> list[cst.BaseExpression]:
        if not isinstance(query, ObjectValue) or query.spreads:
            return [_compare(value, cst.Equal(), self.literal(query))]
        tests: list[cst.BaseExpression] = []
        if not query.entries:
            raise _Untranslatable("an empty query")
        for op, operand in query.entries.items():
            if op not in _QUERY_OPS:
                raise _Untranslatable(f"the query operator `{op}`")
            if op in ("$in", "$nin") and not isinstance(operand, ArrayValue):
                raise _Untranslatable(f"`{op}` with a value that is not an array")
            if op in _ORDERING:
                tests.append(_compare(value, cst.IsNot(), cst.Name("None")))
            tests.append(_compare(value, _QUERY_OPS[op](), self.literal(operand)))
        return tests

    def literal(self, value: Value) -> cst.BaseExpression:
        if isinstance(value, StringValue | NumberValue | BoolValue | NullValue):
            return emit_value(value, self.em.scope, what="a `when` value")
        if isinstance(value, ArrayValue):
            return cst.List([cst.Element(self.literal(v)) for v in value.items])
        raise _Untranslatable(f"the value `{_source(value)}`")

    def condition(self, when: Value) -> cst.BaseExpression:
        """The boolean expression of a ``when`` object (0.x ``evaluateCondition``)."""
        if not isinstance(when, ObjectValue) or when.spreads:
            raise _Untranslatable(f"`{_source(when)}`")
        parts: list[cst.BaseExpression] = []
        entries = when.entries
        simple = next((k for k in entries if "." in k), None)
        if simple is not None:
            step_id, _, path = simple.partition(".")
            value, guard = self.value(step_id, path)
            parts.extend([guard] if guard is not None else [])
            parts.extend(self.query(value, entries[simple]))
        if "ref" in entries:
            ref = entries["ref"]
            if not isinstance(ref, ObjectValue) or "step" not in ref.entries:
                raise _Untranslatable("a `ref` without a step")
            path = _text(ref.entries.get("path")) or ""
            value, guard = self.value(ref.entries["step"], path)
            parts.extend([guard] if guard is not None else [])
            query = entries.get("query")
            if query is None:
                raise _Untranslatable("a `ref` without a `query`")
            parts.extend(self.query(value, query))
        if "not" in entries:
            parts = [_not(self.condition(entries["not"]))]  # 0.x: `not` replaces the base result
        if "and" in entries:
            items = entries["and"]
            if not isinstance(items, ArrayValue):
                raise _Untranslatable("`and` that is not an array")
            parts.append(_and([self.condition(c) for c in items.items]))
        if "or" in entries:
            items = entries["or"]
            if not isinstance(items, ArrayValue):
                raise _Untranslatable("`or` that is not an array")
            parts.append(_or([self.condition(c) for c in items.items]))
        known = {"ref", "query", "and", "or", "not"}
        extra = [k for k in entries if k not in known and k != simple]
        if extra:
            raise _Untranslatable(f"the condition keys {', '.join(extra)}")
        if not parts:
            raise _Untranslatable("an empty condition")
        return _and(parts)


def _legacy_when_function(em: _Emitter, name: str, when: Value, what: str) -> str:
    """A condition function for a legacy ``when``/``.if`` condition; returns its name."""
    loc = getattr(when, "loc", None)
    if isinstance(when, FunctionValue):
        return em.todo_function(
            name,
            when,
            returns=cst.Name("bool"),
            title=what,
            notes=[
                "0.x condition({ context }): context.getStepResult(id) is ctx.get_step_result(id),",
                "getStepResult('trigger') is ctx.get_init_data()",
            ],
        )
    builder = _ConditionBuilder(em)
    try:
        expr = builder.condition(when)
    except _Untranslatable as exc:
        return em.todo_function(
            name,
            when,
            returns=cst.Name("bool"),
            title=f"{what} (not translated: {exc})",
        )
    body = [*builder.statements, cst.SimpleStatementLine([cst.Return(expr)])]
    em.scope.add(
        _async_def(
            name,
            [("ctx", em.context_type)],
            cst.Name("bool"),
            body,
            f"{what[:1].upper()}{what[1:]} ({_where(loc)}), translated from its 0.x form.",
        )
    )
    return name


def _layout_legacy(em: _Emitter, steps: list[_LegacyStep]) -> None:
    """Give each step its condition functions: its own ``when`` and what its parents need."""
    by_id: dict[str, _LegacyStep] = {}
    if_functions: dict[int, str] = {}
    for step in steps:
        base = snake_case(step.binding, fallback="step")
        if step.when is not None:
            step.when_fn = _legacy_when_function(
                em, em.fresh(f"{base}_when"), step.when, f"the `when` of step {step.binding}"
            )
            step.guards.append((step.when_fn, False))
        if step.branch is not None:
            cond, negated = step.branch
            key = id(cond)
            if key not in if_functions:
                if_functions[key] = _legacy_when_function(
                    em,
                    em.numbered("if"),
                    cond,
                    f"the `.if()` condition of workflow {em.node.binding}",
                )
            step.guards.append((if_functions[key], negated))
        for parent_id in step.parents:
            parent = by_id.get(parent_id)
            if parent is None:
                continue
            inherited = list(parent.guards)
            if parent.when_fn is not None and isinstance(parent.when, FunctionValue):
                # 0.x: a step skipped by a function condition still runs the steps after it
                inherited = [g for g in inherited if g[0] != parent.when_fn]
            for guard in inherited:
                if guard not in step.guards:
                    step.guards.append(guard)
        by_id[step.step_id] = step


def _guard_expression(em: _Emitter, step: _LegacyStep) -> cst.BaseExpression | None:
    """The condition to run ``step`` under, as a function name (a combined one if needed)."""
    if not step.guards:
        return None
    if len(step.guards) == 1 and not step.guards[0][1]:
        return cst.Name(step.guards[0][0])
    name = em.fresh(f"{snake_case(step.binding, fallback='step')}_condition")
    terms: list[cst.BaseExpression] = []
    for fn, negated in step.guards:
        call: cst.BaseExpression = cst.Await(expression=_call(cst.Name(fn), cst.Name("ctx")))
        terms.append(_not(call) if negated else call)
    em.scope.add(
        _async_def(
            name,
            [("ctx", em.context_type)],
            cst.Name("bool"),
            [cst.SimpleStatementLine([cst.Return(_and(terms))])],
            f"Whether step {step.binding} runs: its own condition and those of the steps before it.",
        )
    )
    return cst.Name(name)


def _variables_config(em: _Emitter, step: _LegacyStep) -> cst.BaseExpression | None:
    """A legacy ``variables`` mapping as a ``.map`` config dict (None: not convertible)."""
    assert step.variables is not None
    elements: list[cst.BaseDictElement] = []
    for key, spec in step.variables.entries.items():
        if not isinstance(spec, ObjectValue) or "step" not in spec.entries:
            return None
        source = spec.entries["step"]
        path = spec.entries.get("path") or StringValue(value=".")
        inner: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(source, StringValue) and source.value == "trigger":
            inner.append(("init_data", string_literal(em.wf_id)))
        elif isinstance(source, StringValue):
            inner.append(("step", string_literal(source.value)))
        else:
            inner.append(("step", em.step_ref(source, f"variables.{key} of step {step.binding}")))
        inner.append(("path", emit_value(path, em.scope, what=f"variables.{key}.path")))
        elements.append(
            cst.DictElement(
                string_literal(key),
                cst.Dict([cst.DictElement(string_literal(k), v) for k, v in inner]),
            )
        )
    return cst.Dict(elements)


def _chain_legacy(em: _Emitter, chain: cst.BaseExpression) -> cst.BaseExpression:
    steps = _legacy_steps(em)
    _layout_legacy(em, steps)
    index = 0
    while index < len(steps):
        step = steps[index]
        if step.variables is not None or step.loop is not None:
            group = [step]
        else:
            group = [step]
            while (
                index + len(group) < len(steps)
                and steps[index + len(group)].parents == step.parents
                and steps[index + len(group)].variables is None
                and steps[index + len(group)].loop is None
            ):
                group.append(steps[index + len(group)])
        index += len(group)
        if step.variables is not None:
            config = _variables_config(em, step)
            if config is None:
                em.scope.todo(
                    LM661,
                    f"workflow {em.node.binding}: the `variables` of step {step.binding} could not be "
                    "converted to a `.map` config",
                    step.variables.loc or step.loc,
                    None,
                )
            else:
                chain = _method(chain, "map", [cst.Arg(config)])
        if step.loop is not None:
            kind, cond = step.loop
            suffix = "while" if kind == "dowhile" else "until"
            name = _legacy_when_function(
                em,
                em.fresh(f"{snake_case(step.binding, fallback='step')}_{suffix}"),
                cond,
                f"the `.{'while' if kind == 'dowhile' else 'until'}` condition of step {step.binding}",
            )
            if step.guards:
                em.scope.todo(
                    LM661,
                    f"workflow {em.node.binding}: the loop over {step.binding} runs whatever the "
                    "conditions of the steps before it (wrap it in a nested workflow under a .branch)",
                    step.loc,
                )
            target = em.step_ref(step.ref, f"loop step of workflow {em.node.binding}")
            chain = _method(chain, kind, [cst.Arg(target), cst.Arg(cst.Name(name))])
            continue
        plain = [s for s in group if not s.guards]
        guarded = [s for s in group if s.guards]
        refs = {id(s): em.step_ref(s.ref, f"step of workflow {em.node.binding}") for s in group}
        if len(plain) == 1:
            chain = _method(chain, "then", [cst.Arg(refs[id(plain[0])])])
        elif plain:
            chain = _method(
                chain, "parallel", [cst.Arg(cst.List([cst.Element(refs[id(s)]) for s in plain]))]
            )
        if guarded:
            pairs = []
            for s in guarded:
                cond_expr = _guard_expression(em, s)
                assert cond_expr is not None
                pairs.append(
                    cst.Element(cst.Tuple([cst.Element(cond_expr), cst.Element(refs[id(s)])]))
                )
            chain = _method(chain, "branch", [cst.Arg(cst.List(pairs))])
    return _method(chain, "commit", [])


# ---------------------------------------------------------------------------------------------
# public entry points
# ---------------------------------------------------------------------------------------------


def emit_workflow(node: WorkflowNode, scope: Scope, name: str, models: WorkflowModels) -> None:
    """Emit helper functions and ``name = create_workflow(...)....commit()`` for one workflow."""
    em = _Emitter(scope=scope, node=node, name=name, models=models)
    options: dict[str, cst.BaseExpression] = {}
    if node.generation == "legacy":
        # 0.x validated neither the trigger data nor step inputs
        options["validate_inputs"] = cst.Name("False")
        scope.ctx.report(
            LM656,
            f"legacy workflow `{node.binding}` was converted to a 1.x step graph; read its "
            "results with `result.legacy()`",
            node.loc,
            severity="warning",
        )
        em.comments.append(
            f"Converted from the legacy (0.x) workflow API [{LM656.id}]: read 0.x-shaped results "
            "with `result.legacy()`."
        )
        chain = _chain_legacy(em, em.base_call(options))
    else:
        if node.generation == "vnext":
            options["validate_inputs"] = cst.Name("False")
            scope.ctx.report(
                LM659,
                f"workflow `{node.binding}` uses the 0.10-0.2x API: input validation stays off "
                "(validate_inputs=False) as it was; runs are made with `await "
                "workflow.create_run()` (was createRun/createRunAsync)",
                node.loc,
                severity="info",
            )
        chain = _chain_1x(em, em.base_call(options))
    em.finish(chain)


def _legacy_step_targets(scope: Scope) -> set[str]:
    """``file#binding`` of every step a legacy workflow uses."""
    out: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, RefValue) and value.target:
            out.add(value.target)
        elif isinstance(value, ArrayValue):
            for item in value.items:
                visit(item)
        elif isinstance(value, ObjectValue):
            for item in value.entries.values():
                visit(item)

    for workflow in scope.ctx.project.workflows:
        if workflow.generation == "legacy":
            for call in workflow.chain:
                for arg in call["args"]:
                    visit(arg)
    return out


def _step_generation(scope: Scope, node: WorkflowStepNode) -> str:
    if f"{node.file}#{node.binding}" in _legacy_step_targets(scope):
        return "legacy"
    if scope.ctx.project.api_generation == "0.x":
        return "vnext"
    return "1.x"


def _execute_notes(generation: str, input_type: str | None) -> list[str]:
    what = f"a {input_type}" if input_type else "the previous output"
    if generation == "legacy":
        return [
            "0.x execute({ context, mastra, suspend, runtimeContext }) reads here as:",
            "context.inputData -> ctx.input_data (the step's `variables`),",
            "context.getStepResult(step) -> ctx.get_step_result(step),",
            "context.getStepResult('trigger') / context.triggerData -> ctx.get_init_data(),",
            "suspend() -> return await ctx.suspend(...), runtimeContext -> ctx.request_context.",
        ]
    notes = [
        f"inputData -> ctx.input_data ({what}), getStepResult -> ctx.get_step_result,",
        "getInitData() -> ctx.get_init_data(), suspend(...) -> return await ctx.suspend(...),",
        "bail(v) -> return ctx.bail(v), setState(s) -> await ctx.set_state(s), mastra -> ctx.mastra.",
    ]
    if generation == "vnext":
        notes.append(
            "0.10-0.2x: runtimeContext -> ctx.request_context, runCount -> ctx.retry_count."
        )
    else:
        notes.append("requestContext -> ctx.request_context, retryCount -> ctx.retry_count.")
    return notes


def emit_step(node: WorkflowStepNode, scope: Scope, name: str, models: WorkflowModels) -> None:
    """Emit the execute function and ``name = create_step(...)`` for one step."""
    create_step = scope.builder.import_from("lumos_compat", "create_step")
    other = dict(node.other_options)
    kwargs: dict[str, cst.BaseExpression] = {}
    args: list[cst.BaseExpression] = []
    if node.from_ is not None:  # createStep(agent) / createStep(tool)
        args.append(emit_value(node.from_, scope, what=f"the agent or tool of step {node.binding}"))
        for key in ("id", "retries"):
            if key in other:
                kwargs[key] = emit_value(
                    other.pop(key), scope, what=f"{key} of step {node.binding}"
                )
        if other:
            args.append(
                cst.Dict(
                    [
                        cst.DictElement(
                            string_literal(snake_case(k)),
                            emit_value(v, scope, what=f"{k} of step {node.binding}"),
                        )
                        for k, v in other.items()
                    ]
                )
            )
            other = {}
    else:
        generation = _step_generation(scope, node)
        kwargs["id"] = (
            emit_value(node.id, scope, what=f"id of step {node.binding}")
            if node.id is not None
            else string_literal(node.binding)
        )
        if node.description is not None:
            kwargs["description"] = emit_value(
                node.description, scope, what=f"description of step {node.binding}"
            )
        for role, keyword in _STEP_KEYWORDS.items():
            schema = models.schema_of(node.binding, role)
            if schema is not None:
                kwargs[keyword] = schema
        retries = other.pop("retries", None)
        retry_config = other.pop("retryConfig", None)
        if retries is not None:
            kwargs["retries"] = emit_value(retries, scope, what=f"retries of step {node.binding}")
        elif isinstance(retry_config, ObjectValue) and "attempts" in retry_config.entries:
            kwargs["retries"] = emit_value(
                retry_config.entries["attempts"],
                scope,
                what=f"retryConfig.attempts of {node.binding}",
            )
            if "delay" in retry_config.entries:
                scope.todo(
                    LM658,
                    f"step {node.binding}: retryConfig.delay is not converted (retries run at once)",
                    retry_config.loc or node.loc,
                )
        elif retry_config is not None:
            other["retryConfig"] = retry_config
        metadata = other.pop("metadata", None)
        if metadata is not None:
            kwargs["metadata"] = emit_value(
                metadata, scope, what=f"metadata of step {node.binding}"
            )
        func_name = scope.builder.names.allocate(f"{snake_case(node.binding)}_execute")
        ctx_type = cst.Name(scope.builder.import_from("lumos_compat", "StepContext"))
        output = models.type_of(node.binding, "Output")
        input_type = models.type_of(node.binding, "Input")
        returns = (
            output if output is not None else cst.Name(scope.builder.import_from("typing", "Any"))
        )
        loc = (node.execute.loc if node.execute else None) or node.loc
        message = f"translate the execute body of step `{node.binding}`"
        # converters.translate: write the body in Python when it is in the translated subset
        why_not = emit_translated_step(
            scope,
            node,
            name=func_name,
            params=[("ctx", ctx_type)],
            returns=cst.Name(scope.builder.import_from("typing", "Any")),
            generation=generation,
            # 1.x validates step input into the model; 0.x steps get their input unvalidated
            typed_input=generation == "1.x" and input_type is not None,
        )
        if why_not is not None:
            todo_function(
                scope,
                name=func_name,
                params=[("ctx", ctx_type)],
                returns=returns,
                rule=LM654,
                title=f"translate the body of {_where(loc)}",
                loc=loc,
                source=node.execute.source if node.execute else None,
                notes=_execute_notes(
                    generation,
                    cst.Module(body=[]).code_for_node(input_type)
                    if input_type is not None
                    else None,
                ),
                message=message,
                is_async=True,
                report=False,
            )
            scope.ctx.report(LM654, f"{message} (not translated: {why_not})", loc)
        kwargs["execute"] = cst.Name(func_name)
    for key, value in other.items():
        scope.todo(
            LM658,
            f"step {node.binding}: option `{key}` is not converted",
            getattr(value, "loc", None) or node.loc,
            getattr(value, "source", None),
        )
    scope.add(_assign(name, _call(cst.Name(create_step), *args, **kwargs)))
    scope.ctx.converted.append(
        ConvertedItem(
            kind="step", name=node.binding, loc=node.loc, target=f"{scope.builder.module}:{name}"
        )
    )
