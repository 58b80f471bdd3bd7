"""The Node side: run the packaged harness (real Mastra under Node) and talk to it.

The harness (``converters/verify/harness/verify.mjs``) installs ``@mastra/core``, zod and tsx into a
cache folder on first use, loads the Mastra project's agents through tsx and answers ``run``
commands on stdin with one framed JSON line on stdout each.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import subprocess
import threading
from collections import deque
from importlib.resources import files
from pathlib import Path
from typing import Any

from converters.verify.errors import VerifyError

__all__ = [
    "DEFAULT_MASTRA_0X_VERSION",
    "DEFAULT_MASTRA_VERSION",
    "EXIT_INSTALL_FAILED",
    "EXIT_LOAD_FAILED",
    "EXIT_TOOL_MISSING",
    "HarnessError",
    "NodeHarness",
    "NodeMissing",
    "default_home",
    "harness_script",
    "pinned_version",
]

DEFAULT_MASTRA_VERSION = "1.71.0"
# the Mastra a 0.x project is verified with (the last 0.x release; see harness/cache.mjs)
DEFAULT_MASTRA_0X_VERSION = "0.24.9"
# exit codes of verify.mjs (see its header)
EXIT_LOAD_FAILED = 3
EXIT_TOOL_MISSING = 4
EXIT_INSTALL_FAILED = 5

READY_TIMEOUT_SECONDS = 900.0  # the first run installs from npm
RUN_TIMEOUT_SECONDS = 120.0
NODE_HELP = (
    "Install Node.js 20 or newer with npm (https://nodejs.org/en/download; "
    "`apt-get install nodejs npm` on Debian/Ubuntu, `brew install node` on macOS, "
    "`actions/setup-node` in GitHub Actions), or set LUMOS_NODE to the node binary."
)


class HarnessError(VerifyError):
    """The Node harness failed: install, project load, or a broken conversation."""

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class NodeMissing(HarnessError):
    """Node or npm is not installed (or not where LUMOS_NODE / LUMOS_NPM say)."""

    node_missing = True


def harness_script() -> Path:
    """The path of the packaged ``verify.mjs``."""
    return Path(str(files("converters.verify").joinpath("harness", "verify.mjs")))


def is_0x(version: str) -> bool:
    """Whether a @mastra/core version is of the 0.x generation."""
    return version.lstrip("v^~=").startswith("0.")


def pinned_version(project: Path) -> str:
    """The @mastra/core version to verify ``project`` with, by the generation the scan detects.

    A 1.x project gets ``LUMOS_MASTRA_VERSION`` or 1.71.0; a 0.x project (its package.json range or
    lockfile says 0.x) ``LUMOS_MASTRA_0X_VERSION`` or 0.24.9, the last 0.x release.
    """
    from converters.scan import build_context

    _, version = build_context(project)
    if version.generation == "0.x":
        return os.environ.get("LUMOS_MASTRA_0X_VERSION") or DEFAULT_MASTRA_0X_VERSION
    return os.environ.get("LUMOS_MASTRA_VERSION") or DEFAULT_MASTRA_VERSION


def default_home(version: str = DEFAULT_MASTRA_VERSION) -> Path:
    """The npm cache folder: ``LUMOS_MASTRA_HOME`` (``LUMOS_MASTRA_0X_HOME`` for a 0.x version) or
    ``~/.cache/lumos-compat/mastra-<version>``."""
    given = os.environ.get("LUMOS_MASTRA_0X_HOME" if is_0x(version) else "LUMOS_MASTRA_HOME")
    if given:
        return Path(given).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lumos-compat" / f"mastra-{version}"


def find_node() -> str:
    """The node binary, or :class:`NodeMissing` saying how to install it."""
    wanted = os.environ.get("LUMOS_NODE", "node")
    found = shutil.which(wanted)
    if found is None:
        raise NodeMissing(
            f"Node.js was not found (looked for {wanted!r} on PATH). lumos-migrate verify runs the "
            f"Mastra project with real Mastra under Node. {NODE_HELP}",
            EXIT_TOOL_MISSING,
        )
    return found


class NodeHarness:
    """One harness process for one Mastra project; a context manager."""

    def __init__(
        self,
        project: Path,
        server_url: str,
        *,
        home: Path | None = None,
        mastra_version: str = DEFAULT_MASTRA_VERSION,
        entry: str | None = None,
    ) -> None:
        self.project = project.resolve()
        self.server_url = server_url
        self.home = home or default_home(mastra_version)
        self.mastra_version = mastra_version
        self.entry = entry
        self._nonce = secrets.token_hex(8)
        self._prefix = f"@@lumos-verify:{self._nonce}@@ "
        self._proc: subprocess.Popen[str] | None = None
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=200)
        self._threads: list[threading.Thread] = []
        self.ready: dict[str, Any] = {}

    # lifecycle ---------------------------------------------------------------------------------
    def start(self) -> dict[str, Any]:
        """Start Node, wait until the project is loaded; return the ``ready`` message."""
        node = find_node()
        cmd = [
            node,
            str(harness_script()),
            "--project",
            str(self.project),
            "--server",
            self.server_url,
            "--nonce",
            self._nonce,
            "--home",
            str(self.home),
            "--mastra-version",
            self.mastra_version,
        ]
        if self.entry:
            cmd += ["--entry", self.entry]
        env = dict(os.environ)
        env["NO_COLOR"] = "1"
        try:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=env,
            )
        except OSError as exc:
            raise NodeMissing(f"cannot start Node ({node}): {exc}. {NODE_HELP}", 4) from exc
        self._threads = [
            threading.Thread(target=self._read_stdout, name="verify-node-out", daemon=True),
            threading.Thread(target=self._read_stderr, name="verify-node-err", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        message = self._next(READY_TIMEOUT_SECONDS, "loading the Mastra project")
        if message.get("type") != "ready":
            raise HarnessError(f"the Node harness sent {message!r} instead of 'ready'")
        self.ready = message
        return message

    def close(self) -> None:
        """Ask the harness to exit and wait for it (killed after a few seconds)."""
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write('{"cmd":"exit"}\n')
                proc.stdin.flush()
                proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> NodeHarness:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # conversation ------------------------------------------------------------------------------
    def run(self, scenario: dict[str, Any]) -> dict[str, Any]:
        """Run one scenario (its wire form) and return what Mastra produced."""
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise HarnessError("the Node harness is not running")
        try:
            proc.stdin.write(json.dumps({"cmd": "run", "scenario": scenario}) + "\n")
            proc.stdin.flush()
        except OSError as exc:
            raise self._died(f"sending scenario {scenario.get('name')!r}") from exc
        message = self._next(RUN_TIMEOUT_SECONDS, f"running scenario {scenario.get('name')!r}")
        if message.get("type") != "result":
            raise HarnessError(f"the Node harness answered {message!r}")
        return message

    @property
    def stderr_tail(self) -> str:
        """The last lines the harness (and the project) wrote on stderr."""
        return "".join(self._stderr)

    def _read_stdout(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(self._prefix):
                try:
                    self._messages.put(json.loads(line[len(self._prefix) :]))
                except json.JSONDecodeError:
                    self._stderr.append(f"(unreadable harness message) {line[:300]}\n")
        self._messages.put(None)

    def _read_stderr(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stderr is not None
        for line in proc.stderr:
            self._stderr.append(line)

    def _next(self, timeout: float, doing: str) -> dict[str, Any]:
        try:
            message = self._messages.get(timeout=timeout)
        except queue.Empty:
            self.close()
            raise HarnessError(
                f"the Node harness did not answer within {timeout:.0f}s while {doing}; "
                f"its stderr ends with:\n{self.stderr_tail[-3000:]}"
            ) from None
        if message is None:
            raise self._died(doing)
        return message

    def _died(self, doing: str) -> HarnessError:
        proc = self._proc
        code: int | None = None
        if proc is not None:
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        tail = self.stderr_tail.strip()[-4000:]
        kind = NodeMissing if code == EXIT_TOOL_MISSING else HarnessError
        return kind(f"the Node harness stopped (exit {code}) while {doing}:\n{tail}", code)
