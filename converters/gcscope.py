"""Keep Python's cyclic garbage collector off the long-lived objects of a conversion.

A conversion keeps many objects alive until it ends (syntax trees, the IR, the libcst trees of
every emitted module) while it allocates many short-lived ones; each full collection walks all of
them again, about a third of the convert time. Inside ``young_objects_only()`` the objects that
exist at the start and at each ``checkpoint()`` are frozen (``gc.freeze``), so collections walk
only what was made since; young garbage is still collected as usual. The freeze is undone when
the scope ends (nothing is leaked: frozen garbage is collected by the next full collection).
Forked workers inherit the frozen heap, so their collector does not touch (and copy) its pages.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["checkpoint", "young_objects_only"]

_active = False
# allocations between young collections (Python's default is 700): a conversion allocates
# millions of small objects, few of them in cycles
_YOUNG_THRESHOLD = 20_000


@contextmanager
def young_objects_only() -> Iterator[None]:
    """Freeze the heap for the duration (a no-op when the collector is off or already frozen)."""
    global _active
    if _active or not gc.isenabled() or gc.get_freeze_count():
        yield  # someone else manages the collector: leave it alone
        return
    _active = True
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        _active = False
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def checkpoint() -> None:
    """Inside ``young_objects_only()``: freeze what exists now (e.g. after each file)."""
    if _active:
        gc.freeze()
