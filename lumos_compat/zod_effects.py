"""zod refinements, transforms and fallbacks as pydantic wrap validators, with zod 4's semantics.

``lumos-migrate`` translates the function given to ``.refine``, ``.superRefine``, ``.transform``,
``z.preprocess`` and the value given to ``.catch`` into a validator that calls one of these::

    @field_validator("capacity", mode="wrap")
    @classmethod
    def _refine_capacity(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        def check(n):
            return n % 2 == 0

        return refine(value, handler, check, "capacity must be even")

What zod does, and these helpers do too:

- a refinement runs after the schema it refines, also when that schema only found problems that
  do not stop zod (a string too short, a number out of bounds, a failed format or an earlier
  refinement), so both messages are reported; a wrong type or a missing value stops it;
- its failure is an issue with code ``custom``, the message given (``"Invalid input"`` without
  one) and the path given, relative to the refined value;
- a transform runs only when the value is valid, and returns the new value;
- ``.catch(x)`` turns any failure of the value into ``x``.

Issues travel as pydantic errors of type ``custom`` (``lumos_compat.schema`` reports their
message as is), so a tool's validation error reads as Mastra's.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from lumos_compat.jsrt import js_str, to_number, truthy

__all__ = [
    "RefinementContext",
    "catch",
    "coerce",
    "pipe",
    "preprocess",
    "refine",
    "super_refine",
    "transform",
]

DEFAULT_MESSAGE = "Invalid input"

# pydantic error types for zod checks that let later checks run (zod marks them `continue`)
_CONTINUABLE = frozenset(
    {
        "custom",
        "string_too_short",
        "string_too_long",
        "too_short",
        "too_long",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "multiple_of",
        "string_pattern_mismatch",
        "value_error",
        "url_parsing",
        "url_syntax_violation",
        "uuid_parsing",
        "uuid_version",
    }
)

Handler = Callable[[Any], Any]
Path = Sequence[str | int]


class RefinementContext:
    """The ``ctx`` of ``.superRefine((value, ctx) => ...)``: collects the issues it adds."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.issues: list[tuple[tuple[str | int, ...], str]] = []

    def add_issue(self, issue: dict[str, Any] | str) -> None:
        """``ctx.addIssue({ code: "custom", message, path })`` (or a message alone)."""
        if isinstance(issue, str):
            self.issues.append(((), issue))
            return
        message = issue.get("message")
        path = tuple(issue.get("path") or ())
        self.issues.append((path, message if isinstance(message, str) else DEFAULT_MESSAGE))


def _details(exc: ValidationError) -> list[InitErrorDetails]:
    out: list[InitErrorDetails] = []
    for error in exc.errors(include_url=False):
        ctx = dict(error.get("ctx") or {})
        kind = error["type"]
        if kind == "custom" or "error" in ctx:
            custom = PydanticCustomError(
                kind,
                error["msg"].removeprefix("Value error, "),
                {k: v for k, v in ctx.items() if k != "error"},
            )
            out.append(InitErrorDetails(type=custom, loc=error["loc"], input=error["input"]))
        else:
            out.append(InitErrorDetails(type=kind, loc=error["loc"], input=error["input"], ctx=ctx))  # type: ignore[typeddict-item]
    return out


def _issue(path: Path, message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("custom", message), loc=tuple(path), input=value
    )


def _plain(value: Any) -> bool:
    """JSON whose parsed form is the value itself (no object inside)."""
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return not isinstance(value, dict)


def _validated(
    value: Any, handler: Handler, model: type[BaseModel] | None
) -> tuple[Any, ValidationError | None]:
    """The value the schema gave, or the input and the errors that let a refinement run;
    raises the errors that stop zod."""
    try:
        return handler(value), None
    except ValidationError as exc:
        if not all(e["type"] in _CONTINUABLE for e in exc.errors(include_url=False)):
            raise
        if _plain(value):
            return value, exc
        if model is not None and isinstance(value, dict):
            # an object whose fields only failed checks: zod refines the values it parsed
            return model.model_construct(**value), exc
        raise


def _finish(result: Any, failed: ValidationError | None, issues: list[InitErrorDetails]) -> Any:
    if failed is None and not issues:
        return result
    details = (_details(failed) if failed is not None else []) + issues
    raise ValidationError.from_exception_data("refinement", details)


def refine(
    value: Any,
    handler: Handler,
    check: Callable[[Any], Any],
    message: str | None = None,
    path: Path = (),
    *,
    model: type[BaseModel] | None = None,
) -> Any:
    """``.refine(check, message | { message, path })``: an issue when ``check`` is falsy.
    ``model`` is the class of an object-level refinement (``cls`` of a model validator)."""
    result, failed = _validated(value, handler, model)
    issues = []
    if not truthy(check(result)):  # JavaScript truthiness, as zod reads the answer
        issues.append(_issue(path, message or DEFAULT_MESSAGE, result))
    return _finish(result, failed, issues)


def super_refine(
    value: Any,
    handler: Handler,
    check: Callable[[Any, RefinementContext], Any],
    *,
    model: type[BaseModel] | None = None,
) -> Any:
    """``.superRefine((value, ctx) => ...)``: every ``ctx.addIssue`` becomes an issue."""
    result, failed = _validated(value, handler, model)
    ctx = RefinementContext(result)
    check(result, ctx)
    issues = [_issue(path, message, result) for path, message in ctx.issues]
    return _finish(result, failed, issues)


def transform(value: Any, handler: Handler, function: Callable[..., Any]) -> Any:
    """``.transform(function)``: the value the function returns, once the value is valid."""
    result = handler(value)
    if function.__code__.co_argcount > 1:
        ctx = RefinementContext(result)
        out = function(result, ctx)
        if ctx.issues:
            raise ValidationError.from_exception_data(
                "transform", [_issue(path, message, result) for path, message in ctx.issues]
            )
        return out
    return function(result)


def preprocess(value: Any, handler: Handler, function: Callable[[Any], Any]) -> Any:
    """``z.preprocess(function, schema)``: the schema validates what the function returns."""
    return handler(function(value))


def pipe(value: Any, handler: Handler, schema: Any) -> Any:
    """``.pipe(schema)``: the valid value (or what a transform made of it) checked by ``schema``,
    a type pydantic validates (strictly, as zod does not coerce)."""
    result = handler(value)
    try:
        return TypeAdapter(schema).validate_python(result, strict=True)
    except ValidationError as exc:
        raise ValidationError.from_exception_data("pipe", _details(exc)) from None


# what JavaScript's String.prototype.trim removes: WhiteSpace and LineTerminator
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_STRING_OVERWRITES: dict[str, Callable[[str], str]] = {
    "trim": lambda s: s.strip(_JS_SPACE),
    "toLowerCase": str.lower,
    "toUpperCase": str.upper,
}


def coerce(value: Any, handler: Handler, conversion: str) -> Any:
    """``z.coerce.number()`` / ``.string()`` / ``.boolean()``: the input converted as
    JavaScript's ``Number``/``String``/``Boolean`` do, then validated; ``.trim()``,
    ``.toLowerCase()``, ``.toUpperCase()``: a string rewritten before the schema's checks."""
    if conversion in _STRING_OVERWRITES:
        if isinstance(value, str):  # else the schema reports the wrong type
            value = _STRING_OVERWRITES[conversion](value)
        return handler(value)
    if conversion == "Number":
        converted: Any = to_number(value)
        if isinstance(converted, float) and math.isnan(converted):
            raise ValidationError.from_exception_data(
                "coerce", [_issue((), "Invalid input: expected number, received NaN", value)]
            )
        if isinstance(converted, float) and converted.is_integer():
            converted = int(converted)
    elif conversion == "String":
        converted = js_str(value)
    else:
        converted = truthy(value)
    return handler(converted)


def catch(value: Any, handler: Handler, fallback: Any) -> Any:
    """``.catch(fallback)``: any failure of the value gives ``fallback`` instead."""
    try:
        return handler(value)
    except ValidationError:
        return copy.deepcopy(fallback)
