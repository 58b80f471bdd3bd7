"""The differential cases: which fixture tools run, on which inputs, against which HTTP answers.

Inputs come from each tool's input schema (``schema_inputs``: a typical value, then one field at a
time through its edge values) plus hand-written edge cases; HTTP answers are loopback routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from converters.ir import Project, SchemaNode, ToolNode, WorkflowStepNode
from tests.translate.loopback import Route

__all__ = ["FIXTURE_CASES", "MAX_INPUTS", "FixtureCases", "schema_inputs"]

MAX_INPUTS = 8
_MISSING = object()


@dataclass(frozen=True)
class FixtureCases:
    """The tools of one fixture that are run, extra inputs per tool binding, and the routes."""

    fixture: str
    tools: tuple[str, ...]
    routes: tuple[Route, ...] = ()
    extra_inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    request_context: dict[str, dict[str, Any]] = field(default_factory=dict)


def _typical(node: SchemaNode, resolve: Callable[[str], SchemaNode], key: str = "") -> Any:
    kind = node.type
    c = node.constraints
    if kind == "ref" and node.ref:
        return _typical(resolve(node.ref), resolve, key)
    if node.has_default and node.default is not None:
        return node.default
    if kind == "string":
        if c.get("format") == "url" or key == "url":
            return "https://news.example.org/story"
        text = "Paris Texas"
        if "length" in c:
            return ("abcdefghijklmnop" * 4)[: c["length"]]
        if "min_length" in c and len(text) < c["min_length"]:
            text = text * c["min_length"]
        return text
    if kind in ("number", "integer"):
        value: float = 12 if kind == "integer" or c.get("int") else 12.5
        low = c.get("minimum", c.get("exclusive_minimum"))
        high = c.get("maximum", c.get("exclusive_maximum"))
        if high is not None and value > high:
            value = high
        if low is not None and value < low:
            value = low
        return value
    if kind == "boolean":
        return True
    if kind in ("enum", "literal"):
        return node.values[0]
    if kind == "array":
        assert node.items is not None
        first = _typical(node.items, resolve, key)
        return [first, _variant(node.items, resolve, first)]
    if kind == "object":
        return {k: _typical(v, resolve, k) for k, v in node.properties.items()}
    if kind == "record":
        return {"alpha": 1, "beta": 2}
    raise ValueError(f"no sample for a {kind} schema")


def _variant(node: SchemaNode, resolve: Callable[[str], SchemaNode], first: Any) -> Any:
    edges = _edges(node, resolve)
    return next((e for e in edges if e is not _MISSING and e != first), first)


def _edges(node: SchemaNode, resolve: Callable[[str], SchemaNode]) -> list[Any]:
    kind = node.type
    c = node.constraints
    if kind == "ref" and node.ref:
        return _edges(resolve(node.ref), resolve)
    out: list[Any] = []
    if kind == "string":
        if "length" in c:
            out = []
        elif c.get("format") == "url":
            out = ["https://news.example.org/a%20b?x=1"]
        else:
            out = ["", "  São Paulo & Co/?#=  ", "Nowhere", "x"]
            lo, hi = c.get("min_length", 0), c.get("max_length", 10**6)
            out = [s for s in out if lo <= len(s) <= hi]
    elif kind in ("number", "integer"):
        integral = kind == "integer" or c.get("int")
        candidates: list[float] = [0, 1, 7, 100, -3] if integral else [0, 0.1, 1234.5678, -2.5, 3]
        for bound in ("minimum", "maximum"):
            if bound in c:
                candidates.append(c[bound])

        def ok(v: float) -> bool:
            if "minimum" in c and v < c["minimum"]:
                return False
            if "maximum" in c and v > c["maximum"]:
                return False
            if "exclusive_minimum" in c and v <= c["exclusive_minimum"]:
                return False
            return not ("exclusive_maximum" in c and v >= c["exclusive_maximum"])

        out = [v for v in candidates if ok(v)]
    elif kind == "boolean":
        out = [False]
    elif kind in ("enum",):
        out = list(node.values[1:])
    elif kind == "array":
        out = [] if c.get("min_items") else [[]]
    if node.optional or node.has_default or node.nullish:
        out.append(_MISSING)
    return out


def schema_inputs(tool: ToolNode | WorkflowStepNode, project: Project) -> list[dict[str, Any]]:
    """Inputs for a tool (or step): a typical one, then each top-level field through its edges."""
    schema = tool.input_schema
    if schema is None or schema.type != "object":
        return [{}]

    def resolve(ref: str) -> SchemaNode:
        return project.schemas[ref]

    base = _typical(schema, resolve)
    inputs = [base]
    for key, prop in schema.properties.items():
        for edge in _edges(prop, resolve):
            variant = dict(base)
            if edge is _MISSING:
                variant.pop(key, None)
            else:
                variant[key] = edge
            if variant not in inputs:
                inputs.append(variant)
    return inputs[:MAX_INPUTS]


_WEATHER_ROUTES = (
    Route(path="/v1/search", query={"name": "Nowhere"}, json={"generationtime_ms": 0.2}),
    Route(
        path="/v1/search",
        json={"results": [{"latitude": 48.0, "longitude": 2.35, "name": "Paris", "id": 1}]},
    ),
    Route(
        path="/v1/forecast",
        json={
            "current": {
                "time": "2025-01-01T12:00",
                "temperature_2m": 3.0,
                "apparent_temperature": -0.5,
                "relative_humidity_2m": 81,
                "wind_speed_10m": 12.25,
                "wind_gusts_10m": 30.0,
                "weather_code": 63,
            }
        },
    ),
)

FIXTURE_CASES: tuple[FixtureCases, ...] = (
    FixtureCases("weather-1x", ("weatherTool",), _WEATHER_ROUTES),
    FixtureCases(
        "modern-1x",
        ("lookupOrderTool", "refundTool"),
        (
            Route(
                path="/eu/orders/ORD-1",
                json={"orderId": "ORD-1", "status": "shipped", "items": [{"sku": "A", "qty": 2}]},
            ),
            Route(
                path="/us/orders/ORD-1",
                json={"orderId": "ORD-1", "status": "pending", "items": []},
            ),
            Route(path="/refunds", json={"id": "RF-7"}),
        ),
        extra_inputs={"lookupOrderTool": [{"orderId": "ORD-1"}]},
        request_context={"lookupOrderTool": {"region": "us"}, "refundTool": {"tier": "enterprise"}},
    ),
    FixtureCases(
        "sub-agents",
        ("webSearchTool", "fetchPageTool", "wordCountTool", "styleGuideTool"),
        (
            Route(
                path="/api",
                json={"results": [{"title": "A", "url": "https://a.example", "snippet": "s"}]},
            ),
            Route(path="/story", text="<html><body><h1>Title</h1><p>Some <b>bold</b> text.</p>"),
            Route(path="/a%20b", text="<p>spaced path</p>"),
        ),
        extra_inputs={
            "wordCountTool": [{"text": "  one\ttwo\n\nthree  "}, {"text": "   "}],
        },
    ),
    FixtureCases(
        "tool-zoo",
        ("batchTool", "profileTool", "signupTool", "primitivesTool", "notifyTool"),
        extra_inputs={
            "batchTool": [
                {
                    "ids": ["a", "b", "c"],
                    "tags": ["x"],
                    "matrix": [[1, 2], [3]],
                    "point": [1, 2],
                    "labelledPoint": ["p", 1, 2],
                    "scores": {"a": 1},
                    "limits": {"cpu": 2, "memory": 512},
                }
            ],
            "profileTool": [{"userId": "u1", "middleName": None}],
            "signupTool": [
                {
                    "email": "ada@example.com",
                    "homepage": "https://ada.example.com",
                    "inviteCode": "123e4567-e89b-12d3-a456-426614174000",
                    "username": "ada_l",
                    "pin": "123456",
                    "birthDate": "2000-01-01T00:00:00Z",
                    "age": 30,
                    "discount": 0.5,
                    "referrals": 3,
                }
            ],
            "primitivesTool": [
                {
                    "label": "l",
                    "ratio": 0.5,
                    "count": 3,
                    "enabled": True,
                    "nothing": None,
                    "anything": [1, "two"],
                    "mystery": {"a": 1},
                }
            ],
            "notifyTool": [
                {
                    "channel": "sms",
                    "tone": "formal",
                    "priority": "urgent",
                    "severity": 2,
                    "kind": "notification",
                    "version": 2,
                    "dryRun": False,
                }
            ],
        },
    ),
    FixtureCases(
        "translatable-tools",
        (
            "slugifyTool",
            "textStatsTool",
            "loanTool",
            "summaryStatsTool",
            "inventoryTool",
            "gradeTool",
            "createTicketTool",
            "searchDocsTool",
        ),
        (
            Route(
                path="/api/tickets",
                method="POST",
                body_contains="refuse",
                status=422,
                text="subject rejected",
            ),
            Route(
                path="/api/tickets",
                method="POST",
                status=201,
                json={"id": 4711, "status": "open", "assignee": {"name": "Ada"}},
            ),
            Route(path="/api/articles", query={"locale": "xx"}, status=404, json={}),
            Route(path="/api/articles", query={"locale": "de"}, json={"articles": "oops"}),
            Route(
                path="/api/articles",
                json={
                    "articles": [
                        {"title": "Reset a password", "score": 0.9},
                        {"title": "Two-factor login"},
                        {"title": "Close an account", "score": "high"},
                        {"title": "Billing", "score": 2.0},
                    ],
                    "total": 12,
                },
            ),
        ),
        extra_inputs={
            "slugifyTool": [
                {"title": "  Hello, World! Ünïcode & more  ", "maxLength": 5, "separator": "_"},
                {"title": "!!!"},
            ],
            "textStatsTool": [
                {"text": "The cat. The dog! the END?", "ignoreCase": False},
                {"text": ""},
                {"text": "It's it's ITS."},
            ],
            "loanTool": [
                {"principal": 250000, "yearlyRatePercent": 3.5, "years": 25},
                {"principal": 1000, "yearlyRatePercent": 0, "years": 1},
            ],
            "summaryStatsTool": [
                {"values": []},
                {"values": [1, 2, 3, 4]},
                {"values": [-1.5, 2.25]},
            ],
            "inventoryTool": [
                {
                    "items": [
                        {"sku": "A", "name": "Apples", "qty": 0, "price": 0.5},
                        {
                            "sku": "B",
                            "name": "Bowls",
                            "qty": 3,
                            "price": 12.99,
                            "tags": ["fragile"],
                        },
                        {"sku": "C", "name": "Cups", "qty": 40, "price": 2, "tags": []},
                    ],
                    "reorderBelow": 4,
                },
                {"items": []},
            ],
            "gradeTool": [
                {"score": 100},
                {"score": 89.99, "student": "  Ada  "},
                {"score": 59.5, "student": ""},
                {"score": 0, "student": "Bob"},
            ],
            "createTicketTool": [
                {"subject": "Printer on fire", "body": "Help «quickly»", "tags": ["hw", "urgent"]},
                {"subject": "please refuse", "body": "x", "priority": "high"},
            ],
            "searchDocsTool": [
                {"query": "password reset & 2FA", "limit": 2},
                {"query": "x", "locale": "xx"},
                {"query": "y", "locale": "de"},
                {"query": "~*tilde*~", "limit": 20},
            ],
        },
        request_context={"inventoryTool": {"currency": "USD"}},
    ),
)
