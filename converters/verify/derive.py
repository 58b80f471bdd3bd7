"""Default scenarios for every agent, derived from what real Mastra reports about it.

For each agent: a plain reply; each tool called once with arguments generated from its JSON Schema;
parallel tool calls; the step limit reached; structured output when the agent's default options ask
for it; a streamed tool round trip (a streamed reply when the agent has no tools).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from converters.verify.scenario import Scenario
from lumos_compat.testing import ScriptToolCall, Turn

__all__ = ["AgentInfo", "ModelInfo", "ToolInfo", "default_scenarios", "sample"]

USER_MESSAGE = "Hello! Please help me with a quick check."
SUB_AGENT_PROMPT = "Please handle this request."


class ModelInfo(BaseModel):
    """The agent's model as Mastra configured it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    kind: Literal["router", "dynamic", "config", "provider"]
    spec: str | None = None
    provider: str | None = None
    model_id: str = Field(default="model", alias="modelId")


class ToolInfo(BaseModel):
    """A tool the agent offers, as the model sees it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    description: str = ""
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None


class AgentInfo(BaseModel):
    """One agent of the Mastra project, described by the Node harness."""

    model_config = ConfigDict(extra="ignore")

    key: str
    id: str
    name: str | None = None
    model: ModelInfo
    mode: Literal["openai-router", "chat"]
    tools: dict[str, ToolInfo] = Field(default_factory=dict)
    agents: list[str] = Field(default_factory=list)
    max_steps: int | None = None
    structured_output: dict[str, Any] | None = None
    problems: list[str] = Field(default_factory=list)
    # the agent API real Mastra ran: "0.x" for a 0.x project's AI SDK v4 model (legacy generate)
    api: Literal["1.x", "0.x"] = "1.x"


_FORMATS = {
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "date-time": "2024-01-02T03:04:05.000Z",
    "date": "2024-01-02",
    "time": "03:04:05",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
}


def _deref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return node if isinstance(node, dict) else {}
    return schema


def sample(schema: Any, root: Any = None, depth: int = 0) -> Any:
    """A deterministic value valid for ``schema`` in the common cases (no regex solving)."""
    if not isinstance(schema, dict) or depth > 8:
        return "example"
    root = root if isinstance(root, dict) else schema
    schema = _deref(schema, root)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return sample((non_null or options)[0], root, depth + 1)
    if isinstance(schema.get("allOf"), list) and schema["allOf"]:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            part = _deref(part, root) if isinstance(part, dict) else {}
            merged.setdefault("properties", {}).update(part.get("properties", {}))
            merged.setdefault("required", []).extend(part.get("required", []))
        merged["type"] = "object"
        return sample(merged, root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "string":
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS:
            return _FORMATS[fmt]
        text = "example"
        min_len = schema.get("minLength")
        if isinstance(min_len, int) and min_len > len(text):
            text = text + "x" * (min_len - len(text))
        max_len = schema.get("maxLength")
        if isinstance(max_len, int) and max_len < len(text):
            text = text[: max(max_len, 0)]
        return text
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        value: float = 1
        if isinstance(low, (int, float)):
            value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
        if isinstance(high, (int, float)) and value > high:
            value = high
        if kind == "integer" or float(value).is_integer():
            return int(value)
        return value
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "array":
        items = schema.get("items")
        if isinstance(schema.get("prefixItems"), list):
            return [sample(i, root, depth + 1) for i in schema["prefixItems"]]
        count = max(1, int(schema.get("minItems") or 1))
        if isinstance(schema.get("maxItems"), int):
            count = min(count, schema["maxItems"])
        return [sample(items, root, depth + 1) for _ in range(count)]
    if kind == "object":
        out: dict[str, Any] = {}
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, prop in props.items():
                out[name] = sample(prop, root, depth + 1)
        return out
    return "example"


def _tool_call(index: int, name: str, arguments: Any) -> ScriptToolCall:
    return ScriptToolCall(id=f"call_{index}", name=name, arguments=arguments)


def _output_for(tool: ToolInfo) -> Any:
    if tool.output_schema:
        return sample(tool.output_schema)
    return {"ok": True, "tool": tool.id}


def _arguments(key: str, agent: AgentInfo) -> Any:
    if key in agent.tools:
        schema = agent.tools[key].input_schema
        return sample(schema) if schema else {}
    return {"prompt": SUB_AGENT_PROMPT}


def default_scenarios(agent: AgentInfo) -> list[Scenario]:
    """The scenarios every agent gets without writing any."""
    tool_keys = list(agent.tools)
    plain_tools = [k for k in tool_keys if not k.startswith("agent-")]
    sub_keys = [f"agent-{k}" for k in agent.agents]
    outputs = {k: _output_for(agent.tools[k]) for k in plain_tools}
    out = [
        Scenario(
            name="plain-reply",
            description="a plain text answer, no tools",
            agent=agent.key,
            messages=USER_MESSAGE,
            script=[Turn(text="Hello! This is a plain answer from the model.")],
        )
    ]
    if agent.api == "0.x":
        out.append(
            Scenario(
                name="legacy-options",
                description="0.x option names: top-level temperature and maxTokens",
                agent=agent.key,
                messages=USER_MESSAGE,
                options={"temperature": 0.3, "maxTokens": 64},
                script=[Turn(text="An answer under 0.x options.")],
            )
        )
    for key in [*plain_tools, *sub_keys]:
        script = [Turn(tool_calls=[_tool_call(1, key, _arguments(key, agent))])]
        if key in sub_keys:
            script.append(Turn(text="The sub-agent's answer."))
        script.append(Turn(text=f"Done with {key}."))
        out.append(
            Scenario(
                name=f"tool-{key}",
                description=f"the model calls {key} once with arguments from its JSON Schema",
                agent=agent.key,
                messages=USER_MESSAGE,
                script=script,
                tool_outputs={k: v for k, v in outputs.items() if k == key},
            )
        )
    if plain_tools:
        pair = plain_tools[:2] if len(plain_tools) > 1 else [plain_tools[0], plain_tools[0]]
        calls = [_tool_call(i + 1, k, _arguments(k, agent)) for i, k in enumerate(pair)]
        out.append(
            Scenario(
                name="parallel-tools",
                description=f"two tool calls in one step ({', '.join(pair)})",
                agent=agent.key,
                messages=USER_MESSAGE,
                script=[Turn(tool_calls=calls), Turn(text="Both tools answered.")],
                tool_outputs={k: outputs[k] for k in pair},
            )
        )
        first = plain_tools[0]
        args = _arguments(first, agent)
        out.append(
            Scenario(
                name="step-limit",
                description="the model keeps calling a tool until maxSteps (2) stops the loop",
                agent=agent.key,
                messages=USER_MESSAGE,
                options={"maxSteps": 2},
                script=[
                    Turn(tool_calls=[_tool_call(1, first, args)]),
                    Turn(tool_calls=[_tool_call(2, first, args)]),
                ],
                tool_outputs={first: outputs[first]},
            )
        )
        out.append(
            Scenario(
                name="stream-tool-roundtrip",
                description=f"stream: a call of {first}, then streamed text",
                agent=agent.key,
                method="stream",
                messages=USER_MESSAGE,
                script=[
                    Turn(tool_calls=[_tool_call(1, first, args)]),
                    Turn(text="Streamed answer after the tool."),
                ],
                tool_outputs={first: outputs[first]},
            )
        )
    else:
        out.append(
            Scenario(
                name="stream-reply",
                description="stream: a plain streamed answer (the agent has no tools)",
                agent=agent.key,
                method="stream",
                messages=USER_MESSAGE,
                script=[Turn(text="A streamed answer in a few words.")],
            )
        )
    if agent.structured_output is not None:
        out.append(
            Scenario(
                name="structured-output",
                description="the agent's default structuredOutput: the model answers JSON",
                agent=agent.key,
                messages=USER_MESSAGE,
                script=[Turn(text=json.dumps(sample(agent.structured_output)))],
            )
        )
    return out
