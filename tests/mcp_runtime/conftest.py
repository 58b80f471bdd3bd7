"""Shared set-up of the MCP tests: the Python test server and a skip when the SDK is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="the MCP tests need the 'mcp' extra: pip install -e '.[mcp]'")

SERVER = Path(__file__).resolve().parent / "py_server.py"


def stdio_server(**extra: object) -> dict[str, object]:
    """The server definition of ``py_server.py`` run by this interpreter."""
    return {"command": sys.executable, "args": [str(SERVER)], **extra}
