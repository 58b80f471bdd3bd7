"""Python names for TypeScript identifiers (``weatherCode`` -> ``weather_code``)."""

from __future__ import annotations

import functools
import keyword
import re

__all__ = ["snake_case"]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9]|\b|_|$)|[A-Z]?[a-z0-9]+|[A-Z]+|\d+")


@functools.lru_cache(maxsize=4096)
def snake_case(name: str, *, fallback: str = "value") -> str:
    """``weatherCode`` / ``weather-code`` / ``URLPath`` -> ``weather_code`` / ``url_path``."""
    words = [w.lower() for w in _WORD.findall(name.replace("$", "_"))]
    result = "_".join(words) or fallback
    if result[0].isdigit():
        result = f"{fallback}_{result}"
    if keyword.iskeyword(result) or keyword.issoftkeyword(result):
        result += "_"
    return result
