"""The ``Mastra`` instance: a registry of agents, tools and workflows (Mastra's ``new Mastra({...})``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from lumos_compat.errors import LumosError

__all__ = ["Mastra", "MastraLookupError"]


class MastraLookupError(LumosError, KeyError):
    """An agent, tool or workflow was asked for by a key or id that is not registered."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class Mastra:
    """Agents, workflows and tools registered by key, as in Mastra 1.x."""

    def __init__(
        self,
        *,
        agents: Mapping[str, Any] | None = None,
        workflows: Mapping[str, Any] | None = None,
        tools: Mapping[str, Any] | None = None,
        storage: Any = None,
        memory: Mapping[str, Any] | None = None,
        vectors: Mapping[str, Any] | None = None,
        logger: Any = None,
        mcp_servers: Mapping[str, Any] | None = None,
        **other: Any,
    ) -> None:
        self._agents: dict[str, Any] = {}
        self._workflows: dict[str, Any] = {}
        self._tools: dict[str, Any] = {}
        self.storage = storage
        self.memory: dict[str, Any] = {}
        self.vectors = dict(vectors or {})
        self.logger = logger
        self.mcp_servers = dict(mcp_servers or {})
        self.options = other
        for key, mem in (memory or {}).items():
            self.add_memory(mem, key)
        for key, tool in (tools or {}).items():
            self.add_tool(tool, key)
        for key, agent in (agents or {}).items():
            self.add_agent(agent, key)
        for key, workflow in (workflows or {}).items():
            self.add_workflow(workflow, key)

    # registration ------------------------------------------------------------------------------
    def add_agent(self, agent: Any, key: str | None = None) -> None:
        """Register an agent under ``key`` (default: its id); its tools are registered by id."""
        self._agents[key or agent.id] = agent
        register = getattr(agent, "register_mastra", None)
        if register is not None:
            register(self)
        tools = getattr(agent, "tools", None)
        if isinstance(tools, Mapping):
            for tool in tools.values():
                self._tools.setdefault(tool.id, tool)

    def add_memory(self, memory: Any, key: str | None = None) -> None:
        """Register a memory under ``key`` (default: its id); one without storage of its own
        uses this instance's storage, as in Mastra 1.x."""
        name = key or getattr(memory, "id", None)
        if not name:
            raise MastraLookupError("add_memory needs a key or a memory with an id")
        if name in self.memory:
            return
        register = getattr(memory, "register_storage", None)
        if self.storage is not None and register is not None and not memory.has_own_storage:
            register(self.storage)
        self.memory[name] = memory

    def get_memory(self, key: str) -> Any:
        """The memory registered under ``key``."""
        try:
            return self.memory[key]
        except KeyError:
            raise MastraLookupError(f"Memory with key {key} not found") from None

    def list_memory(self) -> dict[str, Any]:
        """Every registered memory by key."""
        return dict(self.memory)

    def add_workflow(self, workflow: Any, key: str | None = None) -> None:
        """Register a workflow under ``key`` (default: its id)."""
        self._workflows[key or workflow.id] = workflow
        register = getattr(workflow, "register_mastra", None)
        if register is not None:
            register(self)

    def add_tool(self, tool: Any, key: str | None = None) -> None:
        """Register a tool under ``key`` (default: its id)."""
        self._tools[key or tool.id] = tool

    # lookups -------------------------------------------------------------------------------------
    def get_agent(self, key: str) -> Any:
        """The agent registered under ``key`` (Mastra looks agents up by registry key)."""
        try:
            return self._agents[key]
        except KeyError:
            raise MastraLookupError(f"Agent with name {key} not found") from None

    def get_agent_by_id(self, agent_id: str) -> Any:
        """The agent whose id is ``agent_id`` (falls back to the registry key, as Mastra does)."""
        for agent in self._agents.values():
            if agent.id == agent_id:
                return agent
        if agent_id in self._agents:
            return self._agents[agent_id]
        raise MastraLookupError(f"Agent with id {agent_id} not found")

    def list_agents(self) -> dict[str, Any]:
        """Every agent by registry key."""
        return dict(self._agents)

    def get_workflow(self, key: str) -> Any:
        """The workflow registered under ``key``."""
        try:
            return self._workflows[key]
        except KeyError:
            raise MastraLookupError(f"Workflow with ID {key} not found") from None

    def get_workflow_by_id(self, workflow_id: str) -> Any:
        """The workflow whose id is ``workflow_id``."""
        for workflow in self._workflows.values():
            if getattr(workflow, "id", None) == workflow_id:
                return workflow
        raise MastraLookupError(f"Workflow with ID {workflow_id} not found")

    def list_workflows(self) -> dict[str, Any]:
        """Every workflow by registry key."""
        return dict(self._workflows)

    def get_tool(self, key: str) -> Any:
        """The tool registered under ``key``."""
        try:
            return self._tools[key]
        except KeyError:
            raise MastraLookupError(f"Tool with name {key} not found") from None

    def get_tool_by_id(self, tool_id: str) -> Any:
        """The tool whose id is ``tool_id``."""
        for tool in self._tools.values():
            if getattr(tool, "id", None) == tool_id:
                return tool
        raise MastraLookupError(f"Tool with id {tool_id} not found")

    def list_tools(self) -> dict[str, Any]:
        """Every tool by registry key."""
        return dict(self._tools)

    def get_storage(self) -> Any:
        """The storage given to the instance."""
        return self.storage

    def get_logger(self) -> Any:
        """The logger given to the instance."""
        return self.logger

    @staticmethod
    def generate_id() -> str:
        """A new random id."""
        return str(uuid.uuid4())
