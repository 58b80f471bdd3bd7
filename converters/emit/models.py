"""Model specs to Python: router strings, provider calls, custom endpoints, dynamic models."""

from __future__ import annotations

import libcst as cst

from converters.emit.context import Scope
from converters.emit.dynamic import emit_dynamic_function
from converters.emit.functions import todo_function
from converters.emit.names import snake_case
from converters.emit.values import emit_value, string_literal
from converters.ir import ModelSpec, StringValue
from converters.rules import define

__all__ = ["LM253", "LM254", "LM255", "LM256", "emit_model"]

LM253 = define(
    "LM253",
    "A dynamic model function needs translating",
    "Write the Python function body: take the RequestContext, return a model spec "
    '(a router string such as "openai/gpt-4o", or a provider call).',
)
LM254 = define(
    "LM254",
    "A model could not be converted",
    "Replace the placeholder function with a model spec: a router string, a provider call from "
    "lumos_compat.providers, or a dict {id, url, api_key}.",
)
LM255 = define(
    "LM255",
    "A model fallback list was reduced to its first model",
    "lumos_compat has no model fallback list yet; keep the first model or choose one by hand.",
)
LM256 = define(
    "LM256",
    "A provider without a lumos_compat factory became a router string",
    "Check that the router string 'provider/model' reaches the same provider and that its API key "
    "variable is set.",
)

# provider -> (factory for provider("model"), factory taking settings)
_PROVIDERS: dict[str, tuple[str | None, str]] = {
    "openai": ("openai", "create_openai"),
    "anthropic": ("anthropic", "create_anthropic"),
    "google": ("google", "create_google_generative_ai"),
    "openai-compatible": (None, "create_openai_compatible"),
    "openaiCompatible": (None, "create_openai_compatible"),
}
_SETTING_NAMES = {
    "baseURL": "base_url",
    "baseUrl": "base_url",
    "apiKey": "api_key",
    "organization": "organization",
    "project": "project",
    "headers": "headers",
    "name": "name",
}
_CUSTOM_KEYS = {
    "id": "id",
    "providerId": "provider_id",
    "modelId": "model_id",
    "url": "url",
    "apiKey": "api_key",
    "headers": "headers",
    "api": "api",
}


def _providers_import(scope: Scope, name: str) -> cst.Name:
    return cst.Name(scope.builder.import_from("lumos_compat.providers", name))


def _dynamic(scope: Scope, spec: ModelSpec, agent: str, rule_dynamic: bool) -> cst.BaseExpression:
    name = scope.builder.names.allocate(f"{snake_case(agent)}_model")
    why_not = "no function"
    if rule_dynamic and spec.function is not None:
        why_not = emit_dynamic_function(
            scope,
            spec.function,
            name=name,
            returns=cst.Name(scope.builder.import_from("typing", "Any")),
            what=f"the model function of agent `{agent}`",
            loc=spec.loc,
        )
        if why_not is None:
            return cst.Name(name)
    rc = scope.builder.import_from("lumos_compat", "RequestContext")
    any_ = scope.builder.import_from("typing", "Any")
    if rule_dynamic:
        rule, title = LM253, f"translate the model function of agent {agent}"
        message = f"translate the model function of agent `{agent}` (not translated: {why_not})"
    else:
        rule, title = LM254, f"the model of agent {agent} could not be converted"
        message = f"the model of agent `{agent}` could not be converted; give a model spec"
    todo_function(
        scope,
        name=name,
        params=[("request_context", cst.Name(rc))],
        returns=cst.Name(any_),
        rule=rule,
        title=title,
        loc=spec.loc,
        source=spec.function.source if spec.function else spec.source,
        message=message,
    )
    return cst.Name(name)


def emit_model(spec: ModelSpec, scope: Scope, *, agent: str) -> cst.BaseExpression:
    """The ``model=`` argument of an agent."""
    what = f"model of agent {agent}"
    if spec.form == "router" and spec.model_id is not None:
        return emit_value(spec.model_id, scope, what=what)
    if spec.form == "custom":
        elements = [
            cst.DictElement(
                string_literal(_CUSTOM_KEYS.get(key, key)),
                emit_value(value, scope, what=f"{what}.{key}"),
            )
            for key, value in spec.settings.items()
        ]
        if spec.model_id is not None and "id" not in spec.settings:
            elements.insert(
                0,
                cst.DictElement(string_literal("id"), emit_value(spec.model_id, scope, what=what)),
            )
        return cst.Dict(elements)
    if spec.form == "dynamic":
        return _dynamic(scope, spec, agent, rule_dynamic=True)
    if spec.form == "fallback" and spec.fallbacks:
        others = ", ".join(f.source for f in spec.fallbacks[1:]) or "none"
        scope.ctx.report(
            LM255,
            f"{what}: fallback list reduced to its first model (dropped: {others})",
            spec.loc,
            severity="warning",
        )
        scope.pending.append(
            f"TODO(lumos-migrate): fallback models not kept: {others} ({spec.loc}) [{LM255.id}]"
        )
        return emit_model(spec.fallbacks[0], scope, agent=agent)
    if spec.form == "provider_call" and spec.provider and spec.model_id is not None:
        factories = _PROVIDERS.get(spec.provider)
        model_arg = cst.Arg(emit_value(spec.model_id, scope, what=what))
        if factories is None:
            if spec.settings or not isinstance(spec.model_id, StringValue):
                return _dynamic(scope, spec, agent, rule_dynamic=False)
            router = f"{spec.provider}/{spec.model_id.value}"
            scope.ctx.report(
                LM256,
                f"{what}: `{spec.source}` became the router string {router!r}",
                spec.loc,
                severity="warning",
            )
            return string_literal(router)
        plain, create = factories
        provider: cst.BaseExpression
        if spec.settings or plain is None:
            settings = [
                cst.Arg(
                    emit_value(value, scope, what=f"{what}.{key}"),
                    keyword=cst.Name(_SETTING_NAMES.get(key) or snake_case(key)),
                )
                for key, value in spec.settings.items()
            ]
            provider = cst.Call(func=_providers_import(scope, create), args=settings)
        else:
            provider = _providers_import(scope, plain)
        if spec.api in {"chat", "responses"}:
            provider = cst.Attribute(value=provider, attr=cst.Name(spec.api))
        return cst.Call(func=provider, args=[model_arg])
    return _dynamic(scope, spec, agent, rule_dynamic=False)
