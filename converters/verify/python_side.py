"""The Python side: import the ported package, point its agents at the fake server, run scenarios."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from converters.verify.derive import AgentInfo
from converters.verify.errors import VerifyError
from lumos_compat import Agent, Mastra
from lumos_compat.providers import resolve_model
from lumos_compat.request_context import RequestContext
from lumos_compat.testing import FakeLLMServer
from lumos_compat.tools import Tool, to_jsonable

__all__ = ["PortError", "PortedProject", "package_location"]


class PortError(VerifyError):
    """The ported package could not be found or imported."""


def package_location(path: Path) -> tuple[Path, str]:
    """``(sys.path entry, package name)`` for a package folder or a ``lumos-migrate convert`` output."""
    path = path.resolve()
    if (path / "__init__.py").is_file():
        return path.parent, path.name
    candidates = sorted(p.parent.name for p in path.glob("*/__init__.py"))
    pyproject = path / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data = {}
        name = str(data.get("project", {}).get("name", "")).replace("-", "_")
        if name in candidates:
            return path, name
    if len(candidates) == 1:
        return path, candidates[0]
    found = ", ".join(candidates) or "none"
    raise PortError(
        f"{path}: expected a Python package folder (with __init__.py) or the output folder of "
        f"`lumos-migrate convert` holding exactly one package; packages found: {found}"
    )


class PortedProject:
    """The ported package's agents, by the keys of its ``Mastra`` instance (or their ids)."""

    def __init__(self, path: Path) -> None:
        self.root, self.package = package_location(path)
        self.agents: dict[str, Agent] = {}
        self._modules_before: set[str] = set()

    def load(self) -> dict[str, Agent]:
        """Import the package and collect its agents."""
        self._forget_package()  # a package of the same name imported from elsewhere
        self._modules_before = set(sys.modules)
        sys.path.insert(0, str(self.root))
        # imported from the ported project's root, as the harness loads the Mastra project from
        # its root: prompt files read relative to process.cwd() are found the same way
        cwd = os.getcwd()
        try:
            os.chdir(self.root)
            module = importlib.import_module(self.package)
        except Exception as exc:
            raise PortError(
                f"importing the ported package {self.package!r} from {self.root} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        finally:
            os.chdir(cwd)
        mastra = next((v for v in vars(module).values() if isinstance(v, Mastra)), None)
        if mastra is not None:
            self.agents = dict(mastra.list_agents())
        else:
            self.agents = self._module_agents(module)
        return self.agents

    def _module_agents(self, package: ModuleType) -> dict[str, Agent]:
        found: dict[str, Agent] = {}
        modules = [package]
        for info in pkgutil.walk_packages(getattr(package, "__path__", []), f"{package.__name__}."):
            try:
                modules.append(importlib.import_module(info.name))
            except Exception as exc:
                raise PortError(
                    f"importing {info.name} failed: {type(exc).__name__}: {exc}"
                ) from exc
        for module in modules:
            for value in vars(module).values():
                if isinstance(value, Agent):
                    found.setdefault(value.id, value)
        return found

    def _forget_package(self) -> None:
        for name in [
            n for n in sys.modules if n == self.package or n.startswith(f"{self.package}.")
        ]:
            del sys.modules[name]
        importlib.invalidate_caches()

    def unload(self) -> None:
        """Forget the imported modules and the sys.path entry."""
        for name in set(sys.modules) - self._modules_before:
            if name == self.package or name.startswith(f"{self.package}."):
                del sys.modules[name]
        if str(self.root) in sys.path:
            sys.path.remove(str(self.root))

    def match(self, info: AgentInfo) -> Agent | None:
        """The ported twin of a Mastra agent: same registry key, else same id."""
        if info.key in self.agents:
            return self.agents[info.key]
        return next((a for a in self.agents.values() if a.id == info.id), None)


class ScriptedTools:
    """Replaces tool executes at the boundary with the current scenario's scripted outputs."""

    def __init__(self) -> None:
        self.scenario: dict[str, Any] | None = None
        self.inputs: list[dict[str, Any]] = []
        self._keys: dict[int, set[str]] = {}
        self._wrapped: set[int] = set()

    def wrap(self, tools: Mapping[str, Any]) -> None:
        """Wrap every tool of a tools map (in place; idempotent)."""
        for key, tool in tools.items():
            if not isinstance(tool, Tool) or not tool.has_execute:
                continue
            self._keys.setdefault(id(tool), set()).add(key)
            if id(tool) in self._wrapped:
                continue
            self._wrapped.add(id(tool))
            original = tool._execute
            original_arity, original_async = tool._arity, tool._is_async

            async def scripted(
                value: Any,
                context: Any,
                _tool: Tool = tool,
                _original: Any = original,
                _arity: int = original_arity,
                _async: bool = original_async,
            ) -> Any:
                key = self._key_for(_tool, context)
                self.inputs.append({"tool": key, "input": to_jsonable(value)})
                outputs = (self.scenario or {}).get("tool_outputs") or {}
                if key in outputs:
                    scripted_value = outputs[key]
                    if (
                        isinstance(scripted_value, dict)
                        and list(scripted_value) == ["throws"]
                        and isinstance(scripted_value["throws"], str)
                    ):
                        raise Exception(scripted_value["throws"])
                    return json.loads(json.dumps(scripted_value))
                args = (value, context)[:_arity]
                result = _original(*args)
                if _async or hasattr(result, "__await__"):
                    result = await result
                return result

            tool._execute = scripted
            tool._arity = 2
            tool._is_async = True

    def _key_for(self, tool: Tool, context: Any) -> str:
        keys = self._keys.get(id(tool), set())
        scenario = self.scenario or {}
        call_id = getattr(context, "tool_call_id", None)
        if call_id:
            for turn in scenario.get("script") or []:
                for call in turn.get("tool_calls") or []:
                    if call.get("id") == call_id and call.get("name") in keys:
                        return str(call["name"])
        outputs = scenario.get("tool_outputs") or {}
        for key in sorted(keys):
            if key in outputs:
                return key
        if tool.id in outputs:
            return tool.id
        return sorted(keys)[0] if keys else tool.id


def _port_model_id(agent: Agent, fallback: str) -> str:
    """The model id the port configured (so a wrong id in the port shows up), else Mastra's."""
    spec = agent.model
    if callable(spec) and not hasattr(spec, "model_id"):
        return fallback
    try:
        return str(resolve_model(spec).model_id) or fallback
    except Exception:
        return fallback


def point_at_server(
    agent: Agent, info: AgentInfo, server: FakeLLMServer, tools: ScriptedTools, seen: set[int]
) -> None:
    """Point the agent (and its sub-agents) at the fake server and wrap its tools."""
    if id(agent) in seen:
        return
    seen.add(id(agent))
    spec = agent.model
    if info.mode == "openai-router" and isinstance(spec, str) and spec.startswith("openai/"):
        new_spec: Any = spec  # re-resolved below, now that OPENAI_BASE_URL points at the server
    else:
        new_spec = server.model(_port_model_id(agent, info.model.model_id))
    agent.model = new_spec
    agent._static_model = resolve_model(new_spec)
    source = agent.tools
    if callable(source):
        original = source

        async def scripted_tools(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if hasattr(result, "__await__"):
                result = await result
            tools.wrap(result or {})
            return result

        agent.tools = scripted_tools
    elif source:
        tools.wrap(source)
    for sub in agent.list_agents().values():
        sub_info = info.model_copy(update={"mode": "chat"})
        point_at_server(sub, sub_info, server, tools, seen)


@contextmanager
def no_real_network() -> Iterator[None]:
    """Refuse requests to any host but loopback while the port runs (when the runtime supports it)."""
    try:
        from lumos_compat.providers._http import block_real_requests
    except ImportError:  # pragma: no cover - older runtime
        yield
        return
    with block_real_requests():
        yield


async def run_port(agent: Agent, scenario: dict[str, Any], tools: ScriptedTools) -> dict[str, Any]:
    """Run one scenario with the ported agent; the output mirrors the Node harness's."""
    tools.scenario = scenario
    tools.inputs = []
    options = dict(scenario.get("options") or {})
    if isinstance(options.get("requestContext"), dict):
        options["requestContext"] = RequestContext(options["requestContext"])
    out: dict[str, Any] = {}
    try:
        with no_real_network():
            if scenario["method"] == "generate":
                result = await agent.generate(scenario["messages"], options)
                out["result"] = result.to_mastra()
            else:
                stream = await agent.stream(scenario["messages"], options)
                out["chunks"] = [c.to_mastra() async for c in stream.full_stream]
                out["result"] = (await stream.get_full_output()).to_mastra()
    except Exception as exc:
        out["thrown"] = {"$error": type(exc).__name__, "message": str(exc)}
    finally:
        tools.scenario = None
    out["tool_inputs"] = tools.inputs
    return json.loads(json.dumps(out, default=lambda o: {"$unserialisable": repr(o)}))
