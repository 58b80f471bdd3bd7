"""``RequestContext``: Mastra's typed map of per-request values (1.x; ``RuntimeContext`` in 0.x).

Agents hand it to dynamic instructions, models and tools; tools read it as ``context.request_context``.
It keeps insertion order like a JavaScript ``Map``.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

__all__ = [
    "MASTRA_RESOURCE_ID_KEY",
    "MASTRA_THREAD_ID_KEY",
    "RequestContext",
]

MASTRA_RESOURCE_ID_KEY = "mastra__resourceId"
"""Reserved key: when set, it forces the memory resource id of a call."""

MASTRA_THREAD_ID_KEY = "mastra__threadId"
"""Reserved key: when set, it forces the memory thread id of a call."""


class RequestContext:
    """A map of request-scoped values, with Mastra's method names (``set``, ``get``, ``has``, ...).

    ``RequestContext({"user": "u1"})`` or ``RequestContext([("user", "u1")])`` pre-fill it.
    It also behaves as a Python mapping: ``ctx["user"]``, ``"user" in ctx``, ``len(ctx)``, iteration
    over keys.
    """

    __slots__ = ("_data",)

    def __init__(
        self,
        initial: Mapping[str, Any] | Iterable[tuple[str, Any]] | RequestContext | None = None,
    ) -> None:
        self._data: dict[str, Any] = {}
        if initial is None:
            return
        if isinstance(initial, RequestContext):
            self._data.update(initial._data)
        elif isinstance(initial, Mapping):
            self._data.update(initial)
        else:
            for pair in initial:
                try:
                    key, value = pair
                except (TypeError, ValueError):
                    raise TypeError(
                        "RequestContext(iterable) expects (key, value) pairs, "
                        f"found {pair!r}; pass a dict or a list of 2-tuples"
                    ) from None
                self._data[key] = value

    # Mastra API -------------------------------------------------------------------------------
    def set(self, key: str, value: Any) -> None:
        """Set ``key`` to ``value``."""
        self._data[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` (``None``, JavaScript's ``undefined``) when absent."""
        return self._data.get(key, default)

    def has(self, key: str) -> bool:
        """Whether ``key`` is set."""
        return key in self._data

    def delete(self, key: str) -> bool:
        """Remove ``key``; ``True`` if it was set."""
        return self._data.pop(key, _MISSING) is not _MISSING

    def clear(self) -> None:
        """Remove every key."""
        self._data.clear()

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order."""
        return self._data.keys()

    def values(self) -> ValuesView[Any]:
        """The values, in insertion order."""
        return self._data.values()

    def entries(self) -> ItemsView[str, Any]:
        """``(key, value)`` pairs, in insertion order."""
        return self._data.items()

    def items(self) -> ItemsView[str, Any]:
        """Alias of :meth:`entries` for Python code."""
        return self._data.items()

    def size(self) -> int:
        """How many keys are set."""
        return len(self._data)

    def for_each(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(value, key, self)`` for each entry, like ``Map.prototype.forEach``.

        A callback taking fewer parameters gets only the first ones.
        """
        arity = _arity(callback)
        for key, value in list(self._data.items()):
            args = (value, key, self)[:arity]
            callback(*args)

    def to_json(self) -> dict[str, Any]:
        """A plain dict of the entries (Mastra's ``toJSON``)."""
        return dict(self._data)

    @property
    def all(self) -> dict[str, Any]:
        """A plain dict of the entries (Mastra's ``all`` getter)."""
        return dict(self._data)

    # Python mapping protocol -----------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RequestContext):
            return self._data == other._data
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RequestContext({self._data!r})"


_MISSING = object()


def _arity(fn: Callable[..., Any]) -> int:
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 3
    count = 0
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            return 3
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            count += 1
    return min(count, 3)
