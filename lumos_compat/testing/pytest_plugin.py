"""pytest plugin of lumos_compat (registered through the ``pytest11`` entry point).

Fixtures:

- ``fake_llm``: a started :class:`~lumos_compat.testing.FakeLLMServer` with an empty script (add
  turns with ``fake_llm.push(...)``), stopped when the test ends.
- ``block_real_model_requests``: inside the test, any model request to a host other than loopback
  fails with ``RealModelRequestBlocked``. Make it autouse in a ``conftest.py`` with
  ``pytestmark = pytest.mark.usefixtures("block_real_model_requests")`` or by setting the
  environment variable ``LUMOS_BLOCK_REAL_REQUESTS=1`` for the whole run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lumos_compat.providers import block_real_requests
from lumos_compat.testing.server import FakeLLMServer

__all__ = ["block_real_model_requests", "fake_llm"]


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    """A started loopback fake LLM server, stopped at the end of the test."""
    server = FakeLLMServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def block_real_model_requests() -> Iterator[None]:
    """Make every model request to a non-loopback host fail for the duration of the test."""
    with block_real_requests():
        yield
