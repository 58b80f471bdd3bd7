"""``new Agent({...})`` as ``AgentNode`` (0.x and 1.x forms)."""

from __future__ import annotations

import re
from dataclasses import replace

from converters.evaluate import node_loc
from converters.extract import (
    ConfigEntry,
    ExtractContext,
    config_entries,
    config_object,
    entry_map,
    is_await,
    one_value,
)
from converters.extract.models import model_spec
from converters.ir import (
    AgentNode,
    FunctionValue,
    Loc,
    ObjectValue,
    Opaque,
    RefValue,
    TemplateValue,
    Value,
)
from converters.project import Site, unwrap
from converters.rules import define

__all__ = ["DEFAULT_OPTION_KEYS", "extract_agent", "extract_unrolled_agents"]

RULE_AGENT_FACTORY = define(
    "LM201",
    "Agent built inside a function or loop that could not be unrolled",
    "Factory calls with arguments known statically and loops over known constants become one "
    "agent each; this one could not (the message says why). Write the agents at module level in "
    "the ported code, or make the arguments constants.",
)
RULE_DYNAMIC_INSTRUCTIONS = define(
    "LM202",
    "Instructions computed by a function at run time",
    "The function is translated to a Python function of the request context (LM262) when it is "
    "inside the translated subset; otherwise LM251 leaves a TODO to port by hand.",
)
RULE_OPAQUE_INSTRUCTIONS = define(
    "LM203",
    "Instructions could not be read statically",
    "Write the instructions text into the ported agent by hand.",
)
RULE_AGENT_SPREAD = define(
    "LM204",
    "Agent config spreads a value that could not be resolved",
    "Add the options that spread supplies to the ported agent by hand.",
)
RULE_DYNAMIC_TOOLS = define(
    "LM207",
    "Agent tools are not a literal map",
    "The tools come from a call or function (e.g. an MCP client); wire them up in the ported agent.",
)
RULE_TOP_LEVEL_AWAIT = define(
    "LM208",
    "Top-level await in an agent config",
    "The ported module must compute this value at import time or lazily; check the emitted TODO.",
)
RULE_NO_MODEL = define(
    "LM209",
    "Agent has no model",
    "Mastra requires a model; add one to the ported agent.",
)

# in order of preference for AgentNode.default_options; the others stay in other_options
DEFAULT_OPTION_KEYS = (
    "defaultOptions",
    "defaultVNextStreamOptions",
    "defaultGenerateOptions",
    "defaultStreamOptions",
    "defaultGenerateOptionsLegacy",
    "defaultStreamOptionsLegacy",
)
_MAPS = ("agents", "workflows")


def extract_agent(ctx: ExtractContext, path: str, site: Site) -> AgentNode | None:
    """The AgentNode of an agent site, or None (with a diagnostic) for agents built in functions."""
    loc = node_loc(path, site.node)
    if site.context != "top":
        _report_unrolled(ctx, path, site, loc)
        return None
    agent = AgentNode(binding=site.binding, file=path, exported=site.exported, loc=loc)
    found = config_object(ctx, path, site.node)
    if found is None:
        ctx.diag(
            RULE_AGENT_SPREAD,
            "todo",
            f"agent `{site.binding}` at {loc} has no object literal config",
            loc,
        )
        return agent
    cfg_path, cfg = found
    entries, unknown = config_entries(ctx, cfg_path, cfg)
    for value in unknown:
        agent.spreads.append(value)
        ctx.diag(
            RULE_AGENT_SPREAD,
            "todo",
            f"agent `{site.binding}` spreads `{_src(value)}`, which could not be resolved",
            value.loc or loc,
        )
    other: dict[str, Value] = {}
    for key, entry in entries.items():
        if is_await(entry.node) and not (
            key == "tools" and _MCP_LIST_TOOLS.match(ctx.syntax(entry.path).text(entry.node))
        ):
            ctx.diag(
                RULE_TOP_LEVEL_AWAIT,
                "todo",
                f"agent `{site.binding}`: `{key}` is computed with top-level await",
                node_loc(entry.path, entry.node),
            )
        if key in ("id", "name", "description"):
            setattr(agent, key, ctx.value(entry.path, entry.node))
        elif key == "instructions":
            agent.instructions = _instructions(ctx, site, entry)
        elif key == "model":
            agent.model = model_spec(ctx, entry.path, entry.node)
        elif key == "tools":
            _tools(ctx, site, agent, entry)
        elif key in _MAPS:
            values, rest = entry_map(ctx, entry)
            setattr(agent, key, values)
            if rest:
                other[key] = one_value(rest)  # type: ignore[assignment]
        elif key == "memory":
            agent.memory = ctx.value(entry.path, entry.node)
        elif key in DEFAULT_OPTION_KEYS:
            other[key] = ctx.value(entry.path, entry.node)
            _option_schemas(ctx, site, entry, other[key])
        else:
            other[key] = ctx.value(entry.path, entry.node)
    for key in DEFAULT_OPTION_KEYS:
        if key in other:
            agent.default_options = other.pop(key)
            break
    agent.other_options = other
    if agent.model is None and not unknown:
        ctx.diag(RULE_NO_MODEL, "warning", f"agent `{site.binding}` at {loc} has no model", loc)
    return agent


def _report_unrolled(ctx: ExtractContext, path: str, site: Site, loc: Loc) -> None:
    """Say why an agent built in a function or loop was not unrolled (nothing if it was)."""
    unroller = ctx.evaluator.unroller
    if site.context == "loop":
        plan = unroller.loop_of(path, site)
        if plan is not None and plan.problem is None:
            return
        why = plan.problem if plan is not None else "the loop is not at module level"
        message = f"agent built inside a loop at {loc} was not converted: {why}"
    else:
        if unroller.is_called(path, site):
            return  # each module-level call became an agent (failed calls are reported there)
        message = (
            f"agent built inside a function (a factory) at {loc} was not converted: no "
            "module-level `const x = factory(...)` call with arguments known statically"
        )
    ctx.diag(RULE_AGENT_FACTORY, "todo", message, loc)


def extract_unrolled_agents(ctx: ExtractContext, path: str) -> list[AgentNode]:
    """The agents of a file's module-level factory calls and loops, one per call or iteration."""
    unroller = ctx.evaluator.unroller
    unrolled = []
    for call in unroller.factory_calls(path):
        if call.agent is None:
            ctx.diag(
                RULE_AGENT_FACTORY,
                "todo",
                f"agent `{call.binding}` is built by `{call.function}(...)`, which could not be "
                f"unrolled: {call.problem}",
                call.loc,
            )
            continue
        unrolled.append(call.agent)
    for plan in unroller.loops(path):
        unrolled.extend(plan.agents)
    agents: list[AgentNode] = []
    for item in unrolled:
        site = replace(item.site, binding=item.binding, context="top", exported=item.exported)
        with ctx.evaluator.bound(item.bindings):
            agent = extract_agent(ctx, item.site_file, site)
        if agent is not None:
            agent.file = item.file
            agent.loc = item.loc
            agent.container, agent.container_key = item.container, item.key
            agents.append(agent)
    return agents


def _instructions(ctx: ExtractContext, site: Site, entry: ConfigEntry) -> Value:
    value = ctx.value(entry.path, entry.node)
    loc = node_loc(entry.path, entry.node)
    if isinstance(value, FunctionValue):
        ctx.diag(
            RULE_DYNAMIC_INSTRUCTIONS,
            "info",
            f"agent `{site.binding}`: instructions are computed by a function at run time",
            loc,
        )
    elif isinstance(value, Opaque) or (
        isinstance(value, TemplateValue) and any(isinstance(p, Opaque) for p in value.parts)
    ):
        reason = value.reason if isinstance(value, Opaque) else _first_opaque_reason(value)
        ctx.diag(
            RULE_OPAQUE_INSTRUCTIONS,
            "todo",
            f"agent `{site.binding}`: instructions could not be read statically ({reason})",
            loc,
        )
    return value


def _first_opaque_reason(value: TemplateValue) -> str:
    for part in value.parts:
        if isinstance(part, Opaque):
            return f"`{part.source}`: {part.reason}"
    return "unknown part"


def _tools(ctx: ExtractContext, site: Site, agent: AgentNode, entry: ConfigEntry) -> None:
    values, rest = entry_map(ctx, entry)
    agent.tools = values
    if rest:
        agent.tools_source = one_value(rest)
        if _MCP_LIST_TOOLS.match(_full_src(agent.tools_source)):
            return  # the emitter wires MCP tools (converters/emit/mcp.py) or reports LM260
        ctx.diag(
            RULE_DYNAMIC_TOOLS,
            "todo",
            f"agent `{site.binding}`: tools come from `{_src(agent.tools_source)}`, not a literal map",
            node_loc(entry.path, entry.node),
        )


_MCP_LIST_TOOLS = re.compile(
    r"^\s*(?:await\s+)?[A-Za-z_$][\w$]*\s*\.\s*(?:listTools|getTools)\s*\(\s*\)\s*$"
)


def _full_src(value: Value | None) -> str:
    source = getattr(value, "source", None)
    return source if isinstance(source, str) else ""


def _src(value: Value | None) -> str:
    if value is None:
        return ""
    source = getattr(value, "source", None)
    if isinstance(source, str):
        return " ".join(source.split())[:60]
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else value.kind


# option keys whose value is a zod schema: structuredOutput.schema (1.x), output (0.x)
_SCHEMA_OPTION_KEYS = ("output", "experimental_output")


def _option_schemas(ctx: ExtractContext, site: Site, entry: ConfigEntry, value: Value) -> None:
    """Read the zod schemas of default options (``structuredOutput.schema``, 0.x ``output``) into
    named schemas, and put a ``RefValue`` to each in ``value`` in place of the zod call."""
    if not isinstance(value, ObjectValue):
        return
    path, node = ctx.resolve_node(entry.path, entry.node)
    node = unwrap(node) or node
    if node.type != "object":
        return
    entries, _ = config_entries(ctx, path, node)
    for key in _SCHEMA_OPTION_KEYS:
        if key in entries and key in value.entries:
            value.entries[key] = _schema_ref(ctx, site, entries[key], value.entries[key], key)
    structured = entries.get("structuredOutput")
    holder = value.entries.get("structuredOutput")
    if structured is None or not isinstance(holder, ObjectValue) or "schema" not in holder.entries:
        return
    inner_path, inner = ctx.resolve_node(structured.path, structured.node)
    inner = unwrap(inner) or inner
    if inner.type != "object":
        return
    inner_entries, _ = config_entries(ctx, inner_path, inner)
    if "schema" in inner_entries:
        holder.entries["schema"] = _schema_ref(
            ctx, site, inner_entries["schema"], holder.entries["schema"], "structuredOutput"
        )


def _schema_ref(
    ctx: ExtractContext, site: Site, entry: ConfigEntry, value: Value, role: str
) -> Value:
    """A reference to the named schema of an option's zod expression (``value`` if it is not one)."""
    if isinstance(value, RefValue) and value.target in ctx.schemas:
        return value
    schema = ctx.schema(entry.path, entry.node)
    if schema.type == "opaque":
        return value
    if schema.type == "ref" and schema.ref is not None:
        return RefValue(name=schema.source_name or schema.ref, target=schema.ref, loc=schema.loc)
    name = f"{site.binding or 'agent'}{role[0].upper()}{role[1:]}"
    qualified = f"{entry.path}#{name}"
    if schema.source_name is None:
        schema = schema.model_copy(update={"source_name": name})
    ctx.register_schema(qualified, schema)
    return RefValue(name=name, target=qualified, loc=schema.loc)
