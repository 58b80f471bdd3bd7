"""``new Agent({...})`` -> ``Agent(id=, name=, description=, instructions=, model=, ...)``."""

from __future__ import annotations

import libcst as cst

from converters.emit.context import Scope
from converters.emit.dynamic import emit_dynamic_function
from converters.emit.functions import todo_function
from converters.emit.mcp import mcp_tools_call
from converters.emit.memory import inline_memory, memory_expression
from converters.emit.models import emit_model
from converters.emit.names import pascal_case, snake_case
from converters.emit.tools import LM354
from converters.emit.values import emit_value, is_read_file, string_literal
from converters.ir import (
    AgentNode,
    CallValue,
    FunctionValue,
    MemoryNode,
    ObjectValue,
    Opaque,
    RefValue,
    SchemaNode,
    Value,
)
from converters.report import ConvertedItem
from converters.rules import define
from converters.schema_emit import PydanticModule, SchemaEmitError

__all__ = ["LM251", "LM252", "emit_agent", "emit_agent_container"]

LM251 = define(
    "LM251",
    "An instructions function needs translating",
    "Write the body of the Python instructions function: it receives the RequestContext and "
    "returns a string (or a list of strings), as the TypeScript function did.",
)
LM252 = define(
    "LM252",
    "Instructions could not be converted",
    "Replace the placeholder function with the instructions text, or translate the expression "
    "kept in the comment.",
)
LM257 = define(
    "LM257",
    "An agent option is not converted",
    "lumos_compat.Agent has no such option yet; port the behaviour by hand or drop it knowingly.",
)
LM258 = define(
    "LM258",
    "A 0.x option name was renamed to its 1.x name",
    "Nothing to do unless you relied on the 0.x behaviour; check the renamed option.",
)
LM259 = define(
    "LM259",
    "A spread in new Agent({...}) could not be resolved",
    "Add the spread options to the Agent(...) call by hand.",
)
LM260 = define(
    "LM260",
    "An agent's tools are not a literal map",
    "Build the tools dict by hand (for MCP tools, once the MCP client is ported).",
)
LM261 = define(
    "LM261",
    "An agent has no model",
    "Give the agent a model: a router string such as 'openai/gpt-4o' or a provider call.",
)
# 0.x per-call option names that 1.x moved (generate() silently ignores the 0.x names)
_MODEL_SETTINGS_0X = {
    "temperature": "temperature",
    "maxTokens": "max_output_tokens",
    "topP": "top_p",
    "topK": "top_k",
    "presencePenalty": "presence_penalty",
    "frequencyPenalty": "frequency_penalty",
    "stopSequences": "stop_sequences",
    "seed": "seed",
}
_MEMORY_0X = {"threadId": "thread", "resourceId": "resource", "memoryOptions": "options"}
_DEFAULT_OPTIONS_0X = (
    "defaultGenerateOptions",
    "defaultStreamOptions",
    "defaultVNextStreamOptions",
)


def _pair(key: str, value: cst.BaseExpression) -> cst.DictElement:
    return cst.DictElement(string_literal(key), value)


def _default_options(value: Value, scope: Scope, agent: AgentNode) -> cst.BaseExpression:
    what = f"default options of agent {agent.binding}"
    if not isinstance(value, ObjectValue):
        return emit_value(value, scope, what=what)
    out: list[cst.BaseDictElement] = []
    model_settings: list[cst.DictElement] = []
    memory: list[cst.DictElement] = []

    def renamed(old: str, new: str) -> None:
        scope.ctx.report(
            LM258, f"{what}: 0.x option `{old}` became `{new}`", value.loc, severity="info"
        )

    for key, item in value.entries.items():
        sub = f"{what}.{key}"
        if key in _MODEL_SETTINGS_0X:
            model_settings.append(_pair(_MODEL_SETTINGS_0X[key], emit_value(item, scope, what=sub)))
            renamed(key, f"model_settings.{_MODEL_SETTINGS_0X[key]}")
        elif key in _MEMORY_0X:
            memory.append(_pair(_MEMORY_0X[key], emit_value(item, scope, what=sub)))
            renamed(key, f"memory.{_MEMORY_0X[key]}")
        elif key == "runtimeContext":
            out.append(_pair("request_context", emit_value(item, scope, what=sub)))
            renamed(key, "request_context")
        elif key in {"output", "experimental_output"}:
            schema = cst.Dict([_pair("schema", _schema_value(item, scope, agent, what=sub))])
            out.append(_pair("structured_output", schema))
            renamed(key, "structured_output.schema")
        elif key == "structuredOutput" and isinstance(item, ObjectValue):
            out.append(
                _pair(
                    "structured_output",
                    cst.Dict(
                        [
                            _pair(
                                snake_case(k),
                                _schema_value(v, scope, agent, what=f"{sub}.{k}")
                                if k == "schema"
                                else emit_value(v, scope, what=f"{sub}.{k}"),
                            )
                            for k, v in item.entries.items()
                        ]
                    ),
                )
            )
        elif key == "modelSettings" and isinstance(item, ObjectValue):
            model_settings.extend(
                _pair(snake_case(k), emit_value(v, scope, what=f"{sub}.{k}"))
                for k, v in item.entries.items()
            )
        elif key == "memory" and isinstance(item, ObjectValue):
            memory.extend(
                _pair(snake_case(k), emit_value(v, scope, what=f"{sub}.{k}"))
                for k, v in item.entries.items()
            )
        else:
            # providerOptions and the like keep their inner keys: they go to the provider as is
            out.append(_pair(snake_case(key), emit_value(item, scope, what=sub)))
    if model_settings:
        out.append(_pair("model_settings", cst.Dict(model_settings)))
    if memory:
        out.append(_pair("memory", cst.Dict(memory)))
    for spread in value.spreads:
        expr = emit_value(spread, scope, what=f"{what} (spread)")
        if not (isinstance(expr, cst.Name) and expr.value == "None"):
            out.append(cst.StarredDictElement(expr))
    return cst.Dict(out)


def _schema_value(value: Value, scope: Scope, agent: AgentNode, *, what: str) -> cst.BaseExpression:
    """A structured-output schema: a pydantic model emitted into this module for a named zod
    schema of the project, otherwise the value as ``emit_value`` converts it."""
    schemas = scope.ctx.project.schemas
    if not isinstance(value, RefValue) or value.target not in schemas:
        return emit_value(value, scope, what=what)
    builder = scope.builder
    ref = SchemaNode(type="ref", ref=value.target, source_name=value.name, loc=value.loc)
    module = PydanticModule(schemas.__getitem__, taken_names=sorted(builder.names.taken()))
    class_name = f"{pascal_case(agent.binding, fallback='Agent')}Output"
    try:
        annotation = module.add_model(ref, class_name)
        # the runtime takes a model class: a RootModel for an array or a scalar schema
        schema_class = module.schema_class(annotation, class_name, builder.names.allocate)
    except (SchemaEmitError, KeyError, ValueError) as exc:
        scope.todo(LM354, f"{what}: {exc}", value.loc or agent.loc)
        return cst.Name("None")
    emitted = module.build()
    for import_module, names in emitted.imports.items():
        for name in sorted(names):
            if name:  # "" stands for `import module`
                builder.import_from(import_module, name)
            else:
                builder.import_module(import_module)
    for statement in emitted.statements:
        scope.add(statement)
    for statement in emitted.statements:
        if isinstance(statement, cst.ClassDef):
            builder.names.reserve(statement.name.value)
    if schema_class is None:  # a schema the converter could not read (reported where read)
        return cst.Name("None")
    return cst.parse_expression(schema_class)


def _instructions(
    value: Value, scope: Scope, agent: AgentNode, *, single: bool
) -> cst.BaseExpression:
    what = f"instructions of agent {agent.binding}"
    needs_function = isinstance(value, FunctionValue | Opaque) or (
        isinstance(value, CallValue) and not is_read_file(value)
    )
    if not needs_function:
        return emit_value(value, scope, what=what)
    snake = snake_case(agent.binding)
    name = scope.builder.names.allocate(
        *(["instructions"] if single else []), f"{snake}_instructions"
    )
    if isinstance(value, FunctionValue):
        why_not = emit_dynamic_function(
            scope,
            value,
            name=name,
            returns=cst.Name("str"),
            what=f"the instructions function of agent `{agent.binding}`",
            loc=agent.loc,
        )
        if why_not is None:
            return cst.Name(name)
    rc = scope.builder.import_from("lumos_compat", "RequestContext")
    if isinstance(value, FunctionValue):
        rule, title = LM251, f"translate the instructions function of agent {agent.binding}"
        message = (
            f"translate the instructions function of agent `{agent.binding}` "
            f"(not translated: {why_not})"
        )
    else:
        rule, title = LM252, f"the instructions of agent {agent.binding} could not be converted"
        message = f"the instructions of agent `{agent.binding}` could not be converted"
    todo_function(
        scope,
        name=name,
        params=[("request_context", cst.Name(rc))],
        returns=cst.Name("str"),
        rule=rule,
        title=title,
        loc=value.loc or agent.loc,
        source=value.source,
        message=message,
    )
    return cst.Name(name)


def _mapping(
    entries: dict[str, Value], source: Value | None, scope: Scope, what: str, agent: AgentNode
) -> cst.BaseExpression | None:
    elements: list[cst.BaseDictElement] = []
    if source is not None and what == "tools":
        from_mcp = mcp_tools_call(source, entries, scope, agent)
        if from_mcp is not None:
            return from_mcp
    if source is not None:
        if isinstance(source, Opaque | CallValue | FunctionValue):
            scope.todo(
                LM260,
                f"{what} of agent {agent.binding} come from `{source.source}`",
                source.loc or agent.loc,
            )
        else:
            expr = emit_value(source, scope, what=f"{what} of agent {agent.binding}")
            if not (isinstance(expr, cst.Name) and expr.value == "None"):
                elements.append(cst.StarredDictElement(expr))
    for key, item in entries.items():
        expr = emit_value(item, scope, what=f"{what}.{key} of agent {agent.binding}")
        if isinstance(expr, cst.Name) and expr.value == "None":
            continue  # already reported with a TODO; do not hand None to the runtime
        elements.append(cst.DictElement(string_literal(key), expr))
    if not elements:
        return None
    return cst.Dict(elements)


def emit_agent(agent: AgentNode, scope: Scope, name: str, *, single: bool = True) -> None:
    """Emit ``name = Agent(...)`` for one agent, with TODOs for what could not be converted.

    ``single``: the module defines one agent (its instructions function may be plain ``instructions``).
    """
    args: list[cst.Arg] = []

    def arg(keyword: str, value: cst.BaseExpression | None) -> None:
        if value is not None:
            args.append(cst.Arg(value, keyword=cst.Name(keyword)))

    for keyword, value in (
        ("id", agent.id),
        ("name", agent.name),
        ("description", agent.description),
    ):
        if value is not None:
            arg(keyword, emit_value(value, scope, what=f"{keyword} of agent {agent.binding}"))
    if agent.instructions is not None:
        arg("instructions", _instructions(agent.instructions, scope, agent, single=single))
    if agent.model is not None:
        arg("model", emit_model(agent.model, scope, agent=agent.binding))
    else:
        scope.todo(LM261, f"agent {agent.binding} has no model", agent.loc, severity="warning")
    arg("tools", _mapping(agent.tools, agent.tools_source, scope, "tools", agent))
    arg("agents", _mapping(agent.agents, None, scope, "agents", agent))
    arg("workflows", _mapping(agent.workflows, None, scope, "workflows", agent))
    inline = agent.memory if isinstance(agent.memory, MemoryNode) else inline_memory(agent, scope)
    if inline is not None:
        arg("memory", memory_expression(inline, scope, f"memory of agent {agent.binding}"))
    elif agent.memory is not None:
        arg("memory", emit_value(agent.memory, scope, what=f"memory of agent {agent.binding}"))
    defaults = agent.default_options
    for old in _DEFAULT_OPTIONS_0X:
        if old in agent.other_options:
            if defaults is None:
                defaults = agent.other_options[old]
                scope.ctx.report(
                    LM258,
                    f"agent {agent.binding}: 0.x option `{old}` became `default_options`",
                    agent.loc,
                    severity="info",
                )
            else:
                scope.todo(
                    LM257,
                    f"agent {agent.binding}: `{old}` not merged into default_options",
                    agent.loc,
                    agent.other_options[old].source
                    if isinstance(agent.other_options[old], FunctionValue | Opaque | CallValue)
                    else None,
                )
    if defaults is not None:
        arg("default_options", _default_options(defaults, scope, agent))
    for key, value in agent.other_options.items():
        if key in _DEFAULT_OPTIONS_0X:
            continue
        source = getattr(value, "source", None)
        scope.todo(
            LM257,
            f"agent {agent.binding}: option `{key}` is not converted",
            getattr(value, "loc", None) or agent.loc,
            source,
        )
    for spread in agent.spreads:
        scope.todo(
            LM259,
            f"agent {agent.binding}: spread `...{getattr(spread, 'source', getattr(spread, 'name', '?'))}` "
            "not resolved",
            getattr(spread, "loc", None) or agent.loc,
        )
    agent_cls = scope.builder.import_from("lumos_compat", "Agent")
    scope.add(
        cst.SimpleStatementLine(
            [
                cst.Assign(
                    targets=[cst.AssignTarget(cst.Name(name))],
                    value=cst.Call(func=cst.Name(agent_cls), args=args),
                )
            ]
        )
    )
    scope.ctx.converted.append(
        ConvertedItem(
            kind="agent", name=agent.binding, loc=agent.loc, target=f"{scope.builder.module}:{name}"
        )
    )


def emit_agent_container(
    scope: Scope, container: str, entries: list[tuple[str | None, str]]
) -> None:
    """``translators = {"translator_de": translator_de, ...}`` (or a list, for ``push``): the
    module-level object a loop filled with agents, for code that imports it."""
    name = scope.builder.names.allocate(snake_case(container))
    value: cst.BaseExpression
    if all(key is not None for key, _ in entries):
        value = cst.Dict(
            [cst.DictElement(string_literal(key or ""), cst.Name(agent)) for key, agent in entries]
        )
    else:
        value = cst.List([cst.Element(cst.Name(agent)) for _, agent in entries])
    scope.add(
        cst.SimpleStatementLine(
            [cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)]
        )
    )
