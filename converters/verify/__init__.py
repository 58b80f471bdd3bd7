"""The compatibility suite behind ``lumos-migrate verify``: real Mastra as the oracle.

The same scenarios run on the Mastra project under real ``@mastra/core`` (a Node harness shipped in
``converters/verify/harness``) and on its Python port under ``lumos_compat``, each against a
loopback fake LLM server with the same script; the requests the model received and the results
must be identical.
"""

from converters.verify.compare import Difference
from converters.verify.derive import AgentInfo, default_scenarios
from converters.verify.errors import EXIT_NODE_MISSING, VerifyError
from converters.verify.node import DEFAULT_MASTRA_VERSION, HarnessError, NodeMissing
from converters.verify.python_side import PortError
from converters.verify.run import Outcome, VerifyReport, verify
from converters.verify.scenario import Scenario, ScenarioError, load_scenarios

__all__ = [
    "DEFAULT_MASTRA_VERSION",
    "EXIT_NODE_MISSING",
    "AgentInfo",
    "Difference",
    "HarnessError",
    "NodeMissing",
    "Outcome",
    "PortError",
    "Scenario",
    "ScenarioError",
    "VerifyError",
    "VerifyReport",
    "default_scenarios",
    "load_scenarios",
    "verify",
]
