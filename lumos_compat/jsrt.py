"""JavaScript semantics that plain Python does not spell in one expression, for translated tool bodies.

``lumos-migrate`` translates TypeScript tool and step bodies to Python (``converters.translate``).
Where the types are known it writes plain Python; these few helpers cover the values whose type
is not known statically (JSON from the network) and the places where JavaScript's rules differ
from Python's: ``String(x)`` and template literals print ``5`` for ``5.0``, JavaScript truthiness
treats ``[]`` and ``{}`` as true, ``JSON.stringify`` writes no spaces, and ``URLSearchParams``
escapes a different set of characters than ``urllib.parse.urlencode``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from lumos_compat.schema import format_js_number
from lumos_compat.tools import to_jsonable

__all__ = [
    "form_encode",
    "get",
    "join",
    "js_str",
    "json_stringify",
    "math_max",
    "math_min",
    "parse_float",
    "parse_int",
    "plain",
    "str_get",
    "to_number",
    "truthy",
]

# characters application/x-www-form-urlencoded leaves as they are (WHATWG URL standard)
_FORM_SAFE = "*-._"


def js_str(value: Any) -> str:
    """``String(value)``: numbers as JavaScript prints them, ``true``/``false``, ``null``."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_js_number(value)
    if isinstance(value, list | tuple):
        return ",".join("" if item is None else js_str(item) for item in value)
    if isinstance(value, Mapping | BaseModel):
        return "[object Object]"
    return str(value)


def get(value: Any, *keys: str | int) -> Any:
    """``value?.[k1]?.[k2]``: None when a step is null, a key is missing or an index is out of range."""
    for key in keys:
        if value is None:
            return None
        if isinstance(value, Mapping):
            value = value.get(key)
        elif (
            isinstance(value, list | tuple | str)
            and isinstance(key, int)
            and not isinstance(key, bool)
        ):
            value = value[key] if 0 <= key < len(value) else None
        elif isinstance(value, list | tuple | str) and key == "length":
            value = len(value)
        elif isinstance(value, BaseModel) and isinstance(key, str):
            value = getattr(value, key, None)
        else:
            return None
    return value


def str_get(value: Any, *keys: str | int) -> str:
    """``String(value?.[k1]?.[k2])``: ``undefined`` where the chain stops or a key is missing.

    ``get`` answers None for both null and a missing key; printed, JavaScript tells them apart.
    """
    for key in keys:
        if value is None:
            return "undefined"
        if isinstance(value, Mapping):
            if key not in value:
                return "undefined"
            value = value[key]
        elif (
            isinstance(value, list | tuple | str)
            and isinstance(key, int)
            and not isinstance(key, bool)
        ):
            if not 0 <= key < len(value):
                return "undefined"
            value = value[key]
        elif isinstance(value, list | tuple | str) and key == "length":
            value = len(value)
        elif isinstance(value, BaseModel) and isinstance(key, str):
            fields = type(value).model_fields
            name = next((n for n, f in fields.items() if (f.alias or n) == key), key)
            if name not in fields and key not in (value.model_extra or {}):
                return "undefined"
            item = getattr(value, name, None)
            if item is None and name not in value.model_fields_set:
                return "undefined"  # an optional field that was not given
            value = item
        else:
            return "undefined"
    return js_str(value)


def join(items: Iterable[Any], separator: str = ",") -> str:
    """``items.join(separator)``: null and undefined items as empty strings."""
    return separator.join("" if item is None else js_str(item) for item in items)


_JS_WHITESPACE = " \t\n\r\v\f\u00a0\ufeff\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def to_number(value: Any) -> float:
    """``Number(value)``: ``""`` is 0, text that is not a number is NaN, ``0x`` prefixes read."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return math.nan
    text = value.strip(_JS_WHITESPACE)
    if text == "":
        return 0.0
    if re.fullmatch(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+", text):
        return float(int(text, 0))
    match = _DECIMAL.fullmatch(text)
    if match is None:
        return math.nan
    return float(text.replace("Infinity", "inf"))


def math_max(*values: Any) -> float:
    """``Math.max(...values)``: -Infinity for no values, NaN when one is not a number."""
    result = -math.inf
    for value in values:
        number = to_number(value)
        if number != number:
            return math.nan
        result = max(result, number)
    return result


def math_min(*values: Any) -> float:
    """``Math.min(...values)``: Infinity for no values, NaN when one is not a number."""
    result = math.inf
    for value in values:
        number = to_number(value)
        if number != number:
            return math.nan
        result = min(result, number)
    return result


def parse_float(value: Any) -> float:
    """``parseFloat(value)``: the longest decimal prefix, NaN when there is none."""
    text = js_str(value).lstrip(_JS_WHITESPACE)
    match = _DECIMAL.match(text)
    if match is None:
        return math.nan
    return float(match.group(0).replace("Infinity", "inf"))


def parse_int(value: Any) -> float:
    """``parseInt(value, 10)``: the leading decimal digits, NaN when there are none."""
    text = js_str(value).lstrip(_JS_WHITESPACE)
    match = re.match(r"[+-]?\d+", text)
    if match is None:
        return math.nan
    return float(int(match.group(0)))


def truthy(value: Any) -> bool:
    """JavaScript truthiness: ``[]`` and ``{}`` are true, ``NaN`` is false."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):
        return value == value and value != 0  # NaN != NaN
    return True


def json_stringify(value: Any, indent: int | None = None) -> str:
    """``JSON.stringify(value)`` (or with an indent): no spaces, ``5`` for ``5.0``, non-ASCII kept."""
    data = to_jsonable(plain(value))
    if indent:
        return json.dumps(data, ensure_ascii=False, indent=indent)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def plain(value: Any) -> Any:
    """The object JavaScript sees for a validated value: a model as a dict of the keys it was given.

    Keys are the schema's (aliases), optional fields that were left out stay out (as after zod
    parsing), fields filled from a default are there. Other values are returned as they are.
    """
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if not isinstance(value, BaseModel):
        return value
    out: dict[str, Any] = {}
    for name, info in type(value).model_fields.items():
        item = getattr(value, name)
        if name not in value.model_fields_set and item is None:
            continue
        out[info.alias or name] = plain(item)
    for key, item in (value.model_extra or {}).items():
        out[key] = plain(item)
    return out


def form_encode(params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """``new URLSearchParams(params).toString()``: ``+`` for spaces, JavaScript's safe characters."""
    pairs = params.items() if isinstance(params, Mapping) else params
    return "&".join(
        f"{_form_quote(js_str(key))}={_form_quote(js_str(value))}" for key, value in pairs
    )


def _form_quote(text: str) -> str:
    # quote() never escapes "~"; the form serializer does
    return quote(text, safe=_FORM_SAFE + " ").replace("~", "%7E").replace(" ", "+")
