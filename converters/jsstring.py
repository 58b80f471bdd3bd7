"""JavaScript string semantics for the static evaluator.

JavaScript strings are sequences of UTF-16 code units: ``s.length``, ``s[i]``, ``s.slice()`` and
``s.substring()`` count units, not code points, and ``String(n)`` prints numbers its own way. The
helpers here compute exactly what Node computes, or raise ``NotExact`` when the result cannot be a
Python ``str`` (a lone half of a surrogate pair), so the evaluator keeps the expression opaque
rather than guess.
"""

from __future__ import annotations

import math

__all__ = [
    "NotExact",
    "js_at",
    "js_char_at",
    "js_index",
    "js_length",
    "js_number_string",
    "js_repeat",
    "js_slice",
    "js_substring",
    "js_trim",
]

# ECMAScript WhiteSpace and LineTerminator: what trim() removes (Python's isspace() differs: it
# includes U+001C..U+001F and U+0085, and leaves U+FEFF)
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class NotExact(ValueError):
    """The JavaScript result cannot be represented exactly (a lone surrogate)."""


def _units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _from_units(units: bytes) -> str:
    try:
        return units.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise NotExact("the result splits a surrogate pair") from exc


def js_length(text: str) -> int:
    """``text.length``: the number of UTF-16 code units."""
    return len(_units(text)) // 2


def js_index(text: str, index: int) -> str | None:
    """``text[index]``; None for ``undefined`` (out of range)."""
    if index < 0 or index >= js_length(text):
        return None
    units = _units(text)
    return _from_units(units[2 * index : 2 * index + 2])


def js_char_at(text: str, index: int) -> str:
    """``text.charAt(index)``: ``""`` out of range."""
    found = js_index(text, index)
    return "" if found is None else found


def js_at(text: str, index: int) -> str | None:
    """``text.at(index)``: negative indexes count from the end; None for ``undefined``."""
    if index < 0:
        index += js_length(text)
    return js_index(text, index)


def _relative(index: float, length: int) -> int:
    if math.isnan(index):
        return 0
    if index < 0:
        return max(length + int(index), 0) if index != -math.inf else 0
    return min(int(index), length) if index != math.inf else length


def js_slice(text: str, start: float = 0, end: float | None = None) -> str:
    """``text.slice(start, end)`` (negative positions count from the end)."""
    length = js_length(text)
    lo = _relative(start, length)
    hi = length if end is None else _relative(end, length)
    if hi <= lo:
        return ""
    return _from_units(_units(text)[2 * lo : 2 * hi])


def js_substring(text: str, start: float = 0, end: float | None = None) -> str:
    """``text.substring(start, end)`` (negative and NaN positions are 0; the ends may swap)."""
    length = js_length(text)

    def clamp(value: float) -> int:
        if math.isnan(value) or value < 0:
            return 0
        return length if value == math.inf else min(int(value), length)

    lo, hi = clamp(start), (length if end is None else clamp(end))
    if lo > hi:
        lo, hi = hi, lo
    return _from_units(_units(text)[2 * lo : 2 * hi])


def js_repeat(text: str, count: float) -> str:
    """``text.repeat(count)``; raises ValueError where JavaScript throws a RangeError."""
    if math.isnan(count):
        count = 0
    if count < 0 or count == math.inf:
        raise ValueError("Invalid count value")
    return text * int(count)


def js_trim(text: str, *, start: bool = True, end: bool = True) -> str:
    """``trim()``, ``trimStart()``, ``trimEnd()`` with JavaScript's whitespace set."""
    if start:
        text = text.lstrip(_JS_SPACE)
    if end:
        text = text.rstrip(_JS_SPACE)
    return text


def js_number_string(value: float) -> str:
    """``String(value)`` for a JavaScript number (Number::toString with radix 10)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) < 2**53:
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    if number < 0:
        return "-" + js_number_string(-number)
    # repr() gives the shortest digits that round-trip, as JavaScript does; only the layout differs
    mantissa, _, exp_text = repr(number).partition("e")
    exponent = int(exp_text) if exp_text else 0
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + exponent - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    body = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{body}e{sign}{abs(e)}"
