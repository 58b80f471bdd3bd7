"""Python names for TypeScript names: snake_case, valid identifiers, unique within a scope."""

from __future__ import annotations

import builtins
import keyword
import re

__all__ = ["NameAllocator", "pascal_case", "snake_case"]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")
# names emitted modules import or define themselves; a user binding must not shadow them
_RESERVED = frozenset(
    {
        "Agent",
        "Any",
        "BaseModel",
        "Field",
        "Mastra",
        "Path",
        "RequestContext",
        "ToolExecutionContext",
        "create_tool",
        "os",
    }
)

# Python's builtins: a module-level `list` or `any` (a tool named so) would shadow the builtin
# for every emitted line after it, so such a name gets a trailing underscore (`any_`)
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name.replace("$", "_"))]


def snake_case(name: str, *, fallback: str = "value") -> str:
    """``weatherAgent`` / ``weather-agent`` -> ``weather_agent``, always a valid identifier."""
    words = _words(name)
    result = "_".join(words) or fallback
    if result[0].isdigit():
        result = f"{fallback}_{result}"
    if keyword.iskeyword(result) or keyword.issoftkeyword(result):
        result += "_"
    return result


def pascal_case(name: str, *, fallback: str = "Model") -> str:
    """``weatherTool`` -> ``WeatherTool``, always a valid identifier."""
    words = _words(name)
    result = "".join(w[:1].upper() + w[1:] for w in words) or fallback
    if result[0].isdigit():
        result = f"{fallback}{result}"
    return result


class NameAllocator:
    """Hands out identifiers unique within one Python module."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken: set[str] = set(_RESERVED) | (taken or set())
        self._defined: set[str] = set(taken or set())

    def is_taken(self, name: str) -> bool:
        """Whether ``name`` is already used in this scope."""
        return name in self._taken

    def reserve(self, name: str) -> None:
        """Mark ``name`` as used (e.g. an imported name)."""
        self._taken.add(name)
        self._defined.add(name)

    def taken(self) -> set[str]:
        """Every name in use (a copy)."""
        return set(self._taken)

    def is_defined(self, name: str) -> bool:
        """Whether ``name`` was handed out or reserved (the built-in reserved names do not count)."""
        return name in self._defined

    def allocate(self, *candidates: str) -> str:
        """The first candidate not yet taken, else the first with the smallest free ``_<n>`` suffix.

        A builtin's name is never handed out: ``any`` is asked for as ``any_``."""
        for candidate in candidates:
            if candidate in _BUILTINS:
                candidate += "_"
            if candidate not in self._taken:
                self._taken.add(candidate)
                self._defined.add(candidate)
                return candidate
        base = candidates[0]
        n = 2
        while f"{base}_{n}" in self._taken:
            n += 1
        name = f"{base}_{n}"
        self._taken.add(name)
        self._defined.add(name)
        return name
