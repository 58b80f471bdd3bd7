"""Shared setup for the compatibility-suite tests: real Node and Mastra are needed."""

from __future__ import annotations

import os
import shutil

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``needs_node`` when Node is absent, except in CI where it must be there."""
    if shutil.which(os.environ.get("LUMOS_NODE", "node")) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="Node.js is not installed (CI has it)")
    for item in items:
        if "needs_node" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``needs_node`` marker."""
    config.addinivalue_line("markers", "needs_node: runs real Mastra under Node")
