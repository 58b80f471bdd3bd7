"""Working memory: the system message Mastra injects and the ``updateWorkingMemory`` tool.

A markdown template gives a tool taking ``{memory: string}`` that replaces the stored text; a schema
(pydantic model or JSON Schema) gives a tool taking ``{memory: <object>}`` whose value is deep-merged
into the stored JSON (``null`` deletes a key, arrays are replaced), as in Mastra 1.x.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from lumos_compat.memory.config import DEFAULT_WORKING_MEMORY_TEMPLATE, WorkingMemoryConfig
from lumos_compat.schema import fix_typeless_properties, is_pydantic_model, to_json_schema
from lumos_compat.tools import Tool

__all__ = [
    "TOOL_NAME",
    "deep_merge",
    "instruction",
    "read_only_instruction",
    "template_of",
    "working_memory_tool",
]

TOOL_NAME = "updateWorkingMemory"

_MARKDOWN_DESCRIPTION = (
    "Update the working memory with new information. Any data not included will be overwritten. "
    "Always pass data as string to the memory field. Never pass an object."
)
_SCHEMA_DESCRIPTION = (
    "Update the working memory with new information. Data is merged with existing memory - only "
    "include fields you want to add or update. To preserve existing data, omit the field entirely. "
    "Arrays are replaced entirely when provided, so pass the complete array or omit it to keep the "
    "existing values."
)


def template_of(config: WorkingMemoryConfig) -> tuple[str, str]:
    """``(format, content)``: ``("json", schema JSON)`` or ``("markdown", template)``."""
    if config.schema is not None:
        schema = to_json_schema(config.schema)
        return "json", json.dumps(schema, separators=(",", ":"))
    return "markdown", (config.template or DEFAULT_WORKING_MEMORY_TEMPLATE).strip()


def _empty_from_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The empty object Mastra shows as the JSON template (its ``generateEmptyFromSchema``)."""
    if schema.get("type") != "object" or not schema.get("properties"):
        return {}
    out: dict[str, Any] = {}
    for key, prop in schema["properties"].items():
        kind = prop.get("type") if isinstance(prop, Mapping) else None
        if isinstance(prop, Mapping) and "default" in prop:
            out[key] = prop["default"]
        elif kind == "object" and prop.get("properties"):
            out[key] = _empty_from_schema(prop)
        elif kind == "object":
            out[key] = {}
        elif kind == "string":
            out[key] = ""
        elif kind == "array":
            out[key] = []
        elif kind in ("number", "integer"):
            out[key] = 0
        elif kind == "boolean":
            out[key] = False
        else:
            out[key] = None
    return out


def _strip_optional_nulls(value: Any, schema: Mapping[str, Any]) -> Any:
    """Drop ``null`` values of optional keys before validation, as Mastra does."""
    if isinstance(value, list):
        items = schema.get("items")
        return [
            _strip_optional_nulls(v, items if isinstance(items, Mapping) else {}) for v in value
        ]
    if isinstance(value, Mapping):
        props = schema.get("properties") or {}
        required = schema.get("required") or []
        return {
            k: _strip_optional_nulls(v, props.get(k) or {})
            for k, v in value.items()
            if not (v is None and k not in required)
        }
    return value


class _SchemaWorkingMemoryTool(Tool):
    """The schema variant: Mastra offers it with ``strict: false`` and sends its JSON Schema as
    built (the outer object is not closed), validating only the ``memory`` value."""

    def __init__(self, wrapped: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(strict=False, **kwargs)
        self._wrapped = fix_typeless_properties(wrapped)

    @property
    def parameters(self) -> dict[str, Any]:
        return self._wrapped

    def json_schema_for(
        self, provider: str | None = None, model_id: str | None = None
    ) -> dict[str, Any]:
        return self._wrapped


def instruction(fmt: str, content: str, data: str | None) -> str:
    """The ``WORKING_MEMORY_SYSTEM_INSTRUCTION`` system message text."""
    is_json = fmt == "json"
    kind = "JSON" if is_json else "Markdown"
    empty = _empty_from_schema(json.loads(content)) if is_json else None
    has_empty = isinstance(empty, dict) and len(empty) > 0
    rules = (
        ""
        if is_json
        else "5. IMPORTANT: When calling updateWorkingMemory, the only valid parameter is the memory "
        "field. DO NOT pass an object.\n6. IMPORTANT: ALWAYS pass the data you want to store in the "
        "memory field as a string. DO NOT pass an object.\n7. IMPORTANT: Data must only be sent as a "
        "string no matter which format is used."
    )
    template = (
        "" if is_json else f"<working_memory_template>\n{content}\n</working_memory_template>"
    )
    return (
        "WORKING_MEMORY_SYSTEM_INSTRUCTION:\n"
        "Store and update any conversation-relevant information by calling the updateWorkingMemory "
        "tool. If information might be referenced again - store it!\n\n"
        "Guidelines:\n"
        "1. Store anything that could be useful later in the conversation\n"
        "2. Update proactively when information changes, no matter how small\n"
        f"3. Use {kind} format for all data\n"
        "4. Act naturally - don't mention this system to users. Even though you're storing this "
        "information that doesn't make it your primary focus. Do not ask them generally for "
        '"information about yourself"\n'
        f"{rules}\n\n\n{template}\n\n"
        f"{'When working with json data, the object format below represents the template:' if has_empty else ''}\n"
        f"{json.dumps(empty, separators=(',', ':')) if has_empty else ''}\n\n"
        f"<working_memory_data>\n{'null' if data is None else data}\n</working_memory_data>\n\n"
        "Notes:\n"
        "- Update memory whenever referenced information changes\n"
        "- If you're unsure whether to store something, store it (eg if the user tells you "
        "information about themselves, call updateWorkingMemory immediately to update it)\n"
        "- This system is here so that you can maintain the conversation when your context window "
        "is very short. Update your working memory because you may need it to maintain the "
        "conversation without the full conversation history\n"
        "- Do not remove empty sections - you must include the empty sections along with the ones "
        "you're filling in\n"
        "- REMEMBER: the way you update your working memory is by calling the updateWorkingMemory "
        f"tool with the entire {kind} content. The system will store it for you. The user will not "
        "see it.\n"
        "- IMPORTANT: You MUST call updateWorkingMemory in every response to a prompt where you "
        "received relevant information.\n"
        f"- IMPORTANT: Preserve the {kind} formatting structure above while updating the content."
    )


def read_only_instruction(data: str | None) -> str:
    """The read-only variant (``read_only=True``): context without the tool."""
    return (
        "WORKING_MEMORY_SYSTEM_INSTRUCTION (READ-ONLY):\n"
        "The following is your working memory - persistent information about the user and "
        "conversation collected over previous interactions. This data is provided for context to "
        "help you maintain continuity.\n\n"
        f"<working_memory_data>\n{data or 'No working memory data available.'}\n"
        "</working_memory_data>\n\n"
        "Guidelines:\n"
        "1. Use this information to provide personalized and contextually relevant responses\n"
        "2. Act naturally - don't mention this system to users. This information should inform "
        "your responses without being explicitly referenced\n"
        "3. This memory is read-only in the current session - you cannot update it\n\n"
        "Notes:\n"
        "- This system is here so that you can maintain the conversation when your context window "
        "is very short\n"
        "- The user will not see the working memory data directly"
    )


def deep_merge(existing: Any, update: Any) -> dict[str, Any]:
    """Mastra's merge: objects merge recursively, ``None`` deletes, arrays and scalars replace."""
    base = dict(existing) if isinstance(existing, Mapping) else {}
    if not isinstance(update, Mapping) or not update:
        return base
    for key, value in update.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, Mapping):
            base[key] = deep_merge(base.get(key), value)
        else:
            base[key] = value
    return base


def _normalise_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def working_memory_tool(
    config: WorkingMemoryConfig,
    get: Callable[[], Awaitable[str | None]],
    put: Callable[[str], Awaitable[None]],
) -> Tool:
    """The ``updateWorkingMemory`` tool, bound to one thread/resource through ``get``/``put``."""
    fmt, content = template_of(config)
    inner: dict[str, Any] = {}
    if fmt == "json":
        inner = dict(json.loads(content))
        inner.pop("$schema", None)
        schema: dict[str, Any] = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "description": "The JSON formatted working memory content to store.",
            "properties": {"memory": inner},
            "required": ["memory"],
        }
    else:
        schema = {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "memory": {
                    "type": "string",
                    "description": "The Markdown formatted working memory content to store. This "
                    "MUST be a string. Never pass an object.",
                }
            },
            "required": ["memory"],
        }

    model = config.schema if is_pydantic_model(config.schema) else None

    def _parsed(value: Any) -> Any:
        # zod's parse output: keys in schema order, unknown keys dropped, optional nulls gone
        if not isinstance(value, Mapping):
            return value
        value = _strip_optional_nulls(value, inner)
        if model is None:
            return value
        return model.model_validate(value).model_dump(
            mode="json", by_alias=True, exclude_unset=True
        )

    async def execute(input: Any) -> dict[str, Any]:
        value = input.get("memory") if isinstance(input, Mapping) else None
        if fmt == "json":
            if value is None:
                return {
                    "success": True,
                    "message": "No memory data provided, existing memory unchanged.",
                }
            existing_raw = await get()
            try:
                existing = json.loads(existing_raw) if existing_raw else None
            except json.JSONDecodeError:
                existing = None
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except json.JSONDecodeError as exc:
                    raise ValueError(
                        f"Failed to parse working memory input as JSON: {exc}. Raw input: "
                        f"{value[:500]}"
                    ) from exc
            value = _parsed(value)
            await put(json.dumps(deep_merge(existing, value), separators=(",", ":")))
            return {"success": True}
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        existing_raw = await get()
        if existing_raw:
            template = _normalise_ws(content)
            if _normalise_ws(text) == template and _normalise_ws(existing_raw) != template:
                return {
                    "success": False,
                    "message": "Attempted to replace existing working memory with empty "
                    "template. Update skipped to prevent data loss.",
                }
        await put(text)
        return {"success": True}

    if fmt == "json":
        return _SchemaWorkingMemoryTool(
            schema,
            id="update-working-memory",
            description=_SCHEMA_DESCRIPTION,
            input_schema=schema,
            execute=execute,
        )
    return Tool(
        id="update-working-memory",
        description=_MARKDOWN_DESCRIPTION,
        input_schema=schema,
        execute=execute,
    )
