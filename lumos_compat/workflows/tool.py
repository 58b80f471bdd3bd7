"""An agent's ``workflows`` offered to the model as tools named ``workflow-<key>`` (as Mastra does).

The tool's input is ``{"inputData": <workflow input schema>, "initialState"?: <state schema>}``
(extra keys allowed); it returns ``{"result", "runId"}`` on success and ``{"error", "runId"}`` on
failure, like Mastra 1.71's ``listWorkflowTools``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumos_compat.schema import to_json_schema
from lumos_compat.tools import Tool, ToolExecutionContext

__all__ = ["WorkflowTool", "workflow_tool_schema"]

# Mastra adds these to every workflow tool so the model can resume a suspended run.
_RESUME_PROPERTIES: dict[str, Any] = {
    "suspendedToolCallId": {
        "type": ["string", "null"],
        "description": "The toolCallId of the suspended tool to resume",
    },
    "suspendedToolRunId": {
        "type": ["string", "null"],
        "description": "The runId of the suspended tool",
    },
    "resumeData": {
        "type": ["string", "number", "integer", "boolean", "object", "null"],
        "description": "The resumeData object created from the resumeSchema of suspended tool",
    },
}


def workflow_tool_schema(workflow: Any) -> dict[str, Any]:
    """The JSON Schema of a ``workflow-<key>`` tool's input."""
    properties: dict[str, Any] = {
        "inputData": _plain(to_json_schema(workflow.input_schema))
        if workflow.input_schema is not None
        else {"type": "object", "additionalProperties": True}
    }
    if workflow.state_schema is not None:
        properties["initialState"] = _plain(to_json_schema(workflow.state_schema))
    properties.update(_RESUME_PROPERTIES)
    return {
        "type": "object",
        "properties": properties,
        "required": ["inputData"],
        "additionalProperties": True,
        "$schema": "http://json-schema.org/draft-07/schema#",
    }


def _plain(schema: Mapping[str, Any]) -> dict[str, Any]:
    # Mastra keeps each nested schema's own "$schema" key first, as it converts them one by one
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        **{k: v for k, v in schema.items() if k != "$schema"},
    }


class WorkflowTool(Tool):
    """A workflow run as a tool call: starts a run and returns its result or error."""

    def __init__(self, key: str, workflow: Any) -> None:
        super().__init__(
            id=f"workflow-{key}",
            description=workflow.description or f"Workflow: {key}",
            input_schema=workflow_tool_schema(workflow),
            execute=self._run_workflow,
        )
        self.key = key
        self.workflow = workflow

    async def _run_workflow(self, input: Any, context: ToolExecutionContext) -> Any:
        args = dict(input) if isinstance(input, Mapping) else {}
        resume_run = args.get("suspendedToolRunId")
        if args.get("resumeData") is not None and resume_run:
            run = await self.workflow.create_run(run_id=resume_run, resource_id=context.resource_id)
            result = await run.resume(
                resume_data=args["resumeData"], request_context=context.request_context
            )
            return self._answer(run.run_id, result)
        run = await self.workflow.create_run(resource_id=context.resource_id)
        result = await run.start(
            input_data=args.get("inputData"),
            initial_state=args.get("initialState"),
            request_context=context.request_context,
        )
        return self._answer(run.run_id, result)

    @staticmethod
    def _answer(run_id: str, result: Any) -> dict[str, Any]:
        status = result["status"]
        if status == "success":
            return {"result": result.get("result") or result.to_mastra(), "runId": run_id}
        if status == "failed":
            error = result.get("error") or {}
            return {"error": error.get("message") or "Workflow execution failed", "runId": run_id}
        if status == "suspended":
            path = result["suspended"][0]
            return {
                "runId": run_id,
                "suspended": [".".join(p) for p in result["suspended"]],
                "suspendPayload": result["steps"].get(path[0], {}).get("suspendPayload"),
                "message": (
                    f"Workflow suspended at step {'.'.join(path)}; call the tool again with "
                    f"suspendedToolRunId={run_id!r} and resumeData to continue"
                ),
            }
        return {"error": f"Workflow ended with status {status}", "runId": run_id}
