"""Workflows: Mastra 1.x ``createWorkflow``/``createStep`` semantics, durable suspend and resume.

from lumos_compat.workflows import create_step, create_workflow

add_one = create_step(id="add-one", input_schema=Num, output_schema=Num,
                      execute=lambda ctx: {"value": ctx.input_data.value + 1})
workflow = create_workflow(id="wf", input_schema=Num, output_schema=Num).then(add_one).commit()
run = await workflow.create_run()
result = await run.start(input_data={"value": 1})
result.status, result.result, result.steps, result.to_mastra()
"""

from lumos_compat.workflows.errors import (
    ConcurrentUpdateError,
    WorkflowConfigError,
    WorkflowError,
    WorkflowRunConflictError,
    WorkflowRunNotFoundError,
    WorkflowStateError,
    WorkflowValidationError,
)
from lumos_compat.workflows.run import Run, WorkflowResult, WorkflowRunOutput, build_result
from lumos_compat.workflows.step import Step, StepContext, StepWriter, create_step
from lumos_compat.workflows.store import InMemoryWorkflowStore, WorkflowSnapshotStore
from lumos_compat.workflows.tool import WorkflowTool
from lumos_compat.workflows.workflow import Workflow, create_workflow

__all__ = [
    "ConcurrentUpdateError",
    "InMemoryWorkflowStore",
    "Run",
    "Step",
    "StepContext",
    "StepWriter",
    "Workflow",
    "WorkflowConfigError",
    "WorkflowError",
    "WorkflowResult",
    "WorkflowRunConflictError",
    "WorkflowRunNotFoundError",
    "WorkflowRunOutput",
    "WorkflowSnapshotStore",
    "WorkflowStateError",
    "WorkflowTool",
    "WorkflowValidationError",
    "build_result",
    "create_step",
    "create_workflow",
]
