"""An agent's ``model`` as a ``ModelSpec``: router strings, AI SDK provider calls, custom
OpenAI-compatible objects, functions (dynamic) and fallback lists."""

from __future__ import annotations

from converters.evaluate import function_value, node_loc
from converters.extract import ExtractContext, config_entries
from converters.ir import (
    EnvValue,
    ModelSpec,
    ObjectValue,
    StringValue,
    TemplateValue,
    Value,
)
from converters.project import unwrap
from converters.rules import define
from converters.ts import Node

__all__ = ["PROVIDER_FACTORIES", "model_spec"]

RULE_MODEL_OPAQUE = define(
    "LM205",
    "Model could not be read statically",
    "Write the model as a router string ('openai/gpt-4o') or a provider call in the ported agent.",
)
RULE_MODEL_DYNAMIC = define(
    "LM206",
    "Model chosen by a function at run time",
    "The function is translated to a Python function of the request context (LM262) when it is "
    "inside the translated subset; otherwise LM253 leaves a TODO to port by hand.",
)

# npm module -> provider name of its default provider instance
_PROVIDER_MODULES = {
    "@ai-sdk/openai": "openai",
    "@ai-sdk/anthropic": "anthropic",
    "@ai-sdk/google": "google",
    "@ai-sdk/google-vertex": "vertex",
    "@ai-sdk/azure": "azure",
    "@ai-sdk/mistral": "mistral",
    "@ai-sdk/groq": "groq",
    "@ai-sdk/deepseek": "deepseek",
    "@ai-sdk/xai": "xai",
    "@ai-sdk/cohere": "cohere",
    "@ai-sdk/perplexity": "perplexity",
    "@ai-sdk/togetherai": "togetherai",
    "@ai-sdk/fireworks": "fireworks",
    "@ai-sdk/cerebras": "cerebras",
    "@ai-sdk/amazon-bedrock": "bedrock",
    "@openrouter/ai-sdk-provider": "openrouter",
    "ollama-ai-provider": "ollama",
    "ollama-ai-provider-v2": "ollama",
}
# provider factory function -> provider name
PROVIDER_FACTORIES = {
    "createOpenAI": "openai",
    "createOpenAICompatible": "openai-compatible",
    "createAnthropic": "anthropic",
    "createGoogleGenerativeAI": "google",
    "createAzure": "azure",
    "createMistral": "mistral",
    "createGroq": "groq",
    "createDeepSeek": "deepseek",
    "createXai": "xai",
    "createOpenRouter": "openrouter",
    "createOllama": "ollama",
    "createAmazonBedrock": "bedrock",
}
_API_METHODS = {
    "chat": "chat",
    "chatModel": "chat",
    "responses": "responses",
    "messages": "messages",
    "languageModel": None,
}


def model_spec(ctx: ExtractContext, path: str, node: Node, *, _depth: int = 0) -> ModelSpec:
    """Read a ``model:`` expression (following names across files)."""
    syntax = ctx.syntax(path)
    source = syntax.text(node)
    loc = node_loc(path, node)
    inner = unwrap(node) or node
    if _depth > 8:
        return ModelSpec(form="opaque", source=source, loc=loc)
    if inner.type in ("identifier", "shorthand_property_identifier", "member_expression"):
        target_path, target = ctx.resolve_node(path, inner)
        if target is not inner:
            spec = model_spec(ctx, target_path, target, _depth=_depth + 1)
            return spec.model_copy(update={"source": source, "loc": loc})
    if inner.type in ("arrow_function", "function_expression", "function"):
        fn = function_value(syntax, path, inner)
        ctx.diag(RULE_MODEL_DYNAMIC, "info", f"the model is chosen by a function at {loc}", loc)
        return ModelSpec(form="dynamic", function=fn, source=source, loc=loc)
    if inner.type == "array":
        fallbacks: list[ModelSpec] = []
        for item in inner.named_children:
            if item.type == "comment":
                continue
            item_u = unwrap(item) or item
            if item_u.type == "object":
                entries, _ = config_entries(ctx, path, item_u)
                model_entry = entries.pop("model", None)
                if model_entry is None:
                    fallbacks.append(
                        ModelSpec(form="opaque", source=syntax.text(item), loc=node_loc(path, item))
                    )
                    continue
                spec = model_spec(ctx, model_entry.path, model_entry.node, _depth=_depth + 1)
                settings = dict(spec.settings)
                settings.update({k: ctx.value(e.path, e.node) for k, e in entries.items()})
                fallbacks.append(spec.model_copy(update={"settings": settings}))
            else:
                fallbacks.append(model_spec(ctx, path, item_u, _depth=_depth + 1))
        return ModelSpec(form="fallback", fallbacks=fallbacks, source=source, loc=loc)
    if inner.type == "object":
        entries, _ = config_entries(ctx, path, inner)
        values = {k: ctx.value(e.path, e.node) for k, e in entries.items()}
        model_id = values.pop("id", None)
        provider = None
        if model_id is None and "modelId" in values:
            model_id = values.pop("modelId")
            pid = values.pop("providerId", None)
            provider = pid.value if isinstance(pid, StringValue) else None
        if provider is None:
            provider = _router_provider(model_id)
        api = values.get("api")
        return ModelSpec(
            form="custom",
            provider=provider,
            model_id=model_id,
            api=api.value
            if isinstance(api, StringValue) and api.value in ("chat", "responses")
            else None,  # type: ignore[arg-type]
            settings=values,
            source=source,
            loc=loc,
        )
    if inner.type == "call_expression":
        spec = _provider_call(ctx, path, inner, source, loc)
        if spec is not None:
            return spec
    value = ctx.value(path, inner)
    if isinstance(value, StringValue | TemplateValue | EnvValue):
        return ModelSpec(
            form="router", provider=_router_provider(value), model_id=value, source=source, loc=loc
        )
    ctx.diag(
        RULE_MODEL_OPAQUE,
        "todo",
        f"model `{_short(source)}` at {loc} is not a form lumos-migrate reads",
        loc,
    )
    return ModelSpec(form="opaque", source=source, loc=loc, model_id=value)


def _router_provider(value: Value | None) -> str | None:
    if isinstance(value, StringValue):
        head, sep, _ = value.value.partition("/")
        return head if sep else None
    if isinstance(value, TemplateValue) and value.parts and isinstance(value.parts[0], StringValue):
        head, sep, _ = value.parts[0].value.partition("/")
        return head if sep else None
    if isinstance(value, EnvValue) and value.default is not None:
        return _router_provider(value.default)
    return None


def _provider_call(
    ctx: ExtractContext, path: str, call: Node, source: str, loc
) -> ModelSpec | None:  # type: ignore[no-untyped-def]
    syntax = ctx.syntax(path)
    callee = unwrap(call.child_by_field_name("function"))
    args_node = call.child_by_field_name("arguments")
    if callee is None or args_node is None:
        return None
    args = [a for a in args_node.named_children if a.type != "comment"]
    model_id = ctx.value(path, args[0]) if args else None
    settings: dict[str, Value] = {}
    if len(args) > 1:
        settings["options"] = ctx.value(path, args[1])
    method: str | None = None
    provider_node = callee
    if callee.type == "member_expression":
        prop = callee.child_by_field_name("property")
        obj = callee.child_by_field_name("object")
        if prop is None or obj is None:
            return None
        method = syntax.text(prop)
        if method not in _API_METHODS:
            return None
        provider_node = unwrap(obj) or obj
    found = _provider_of(ctx, path, provider_node)
    if found is None:
        return None
    provider, factory_settings = found
    settings = {**factory_settings, **settings}
    api = _API_METHODS.get(method) if method else None
    return ModelSpec(
        form="provider_call",
        provider=provider,
        model_id=model_id,
        api=api,  # type: ignore[arg-type]
        settings=settings,
        source=source,
        loc=loc,
    )


def _provider_of(
    ctx: ExtractContext, path: str, node: Node, depth: int = 0
) -> tuple[str, dict[str, Value]] | None:
    """(provider name, factory settings) for ``openai``, ``createOpenAI({...})`` or a const of it."""
    if depth > 6:
        return None
    syntax = ctx.syntax(path)
    node = unwrap(node) or node
    if node.type == "identifier":
        sym = ctx.graph.resolve_local(path, syntax.text(node))
        if sym is None:
            return None
        if sym.kind == "external" and sym.module is not None:
            if sym.name in PROVIDER_FACTORIES:
                return None  # the factory itself is not a provider
            provider = _PROVIDER_MODULES.get(sym.module)
            if provider is None and sym.module.startswith("@ai-sdk/"):
                provider = sym.module.split("/", 1)[1]
            return (provider, {}) if provider else None
        target_path, target = ctx.resolve_node(path, node)
        if target is not node:
            return _provider_of(ctx, target_path, target, depth + 1)
        return None
    if node.type == "call_expression":
        fn = unwrap(node.child_by_field_name("function"))
        if fn is None or fn.type != "identifier":
            return None
        sym = ctx.graph.resolve_local(path, syntax.text(fn))
        if sym is None or sym.kind != "external" or sym.name not in PROVIDER_FACTORIES:
            return None
        args_node = node.child_by_field_name("arguments")
        args = (
            [a for a in args_node.named_children if a.type != "comment"]
            if args_node is not None
            else []
        )
        settings: dict[str, Value] = {}
        if args:
            value = ctx.value(path, args[0])
            settings = dict(value.entries) if isinstance(value, ObjectValue) else {"options": value}
        return PROVIDER_FACTORIES[sym.name], settings
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
