"""Servers the differential tests share: loopback HTTP servers per fixture and the fake LLM."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lumos_compat.testing import FakeLLMServer
from tests.translate.loopback import LoopbackServer
from tests.translate.step_cases import AGENT_REPLY


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, LoopbackServer]]:
    """One loopback server per fixture, started on first use, stopped with the module."""
    started: dict[str, LoopbackServer] = {}
    yield started
    for server in started.values():
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLMServer]:
    """The fake LLM the agents of steps and workflows answer from (always ``AGENT_REPLY``)."""
    with FakeLLMServer([AGENT_REPLY], loop=True) as server:
        yield server
