"""The workflow converter (converters/emit/workflows.py) on the weather-1x, modern-1x and legacy-0x
fixtures: snapshots of the emitted workflow modules, ruff and import checks, and runs of the
converted workflows with their TODO bodies filled in by the test.

The TODO functions are filled by swapping their code objects (``fn.__code__``): the workflow
built at import time holds references to those very function objects, so a plain attribute
patch of the module would not reach it. The stand-in bodies read what they need from the run's
request context (``trace`` collects the order in which they ran).
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from converters.emit import emit_project
from converters.ir import Diagnostic, Project
from converters.scan import scan_project
from lumos_compat import Mastra, RequestContext

REPO = Path(__file__).resolve().parents[2]
FIXTURES = ("weather-1x", "modern-1x", "legacy-0x")


@dataclass
class Ported:
    """One fixture converted into a directory."""

    project: Project
    out: Path
    package: str
    files: dict[str, str]
    workflow_modules: dict[str, str]  # source file -> dotted module
    diagnostics: list[Diagnostic]


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ported]:
    root = tmp_path_factory.mktemp("workflows")
    out: dict[str, Ported] = {}
    for fixture in FIXTURES:
        project = scan_project(REPO / "fixtures" / fixture)
        result = emit_project(project)
        assert not result.failed, result.diagnostics
        target = root / fixture
        files: dict[str, str] = {}
        for rel, data in result.files.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            if rel.endswith(".py"):
                files[rel] = data.decode("utf-8")
        modules = {w.file: result.modules[w.file] for w in project.workflows}
        out[fixture] = Ported(project, target, result.package, files, modules, result.diagnostics)
    return out


def _path(module: str, files: dict[str, str]) -> str:
    base = module.replace(".", "/")
    return f"{base}/__init__.py" if f"{base}/__init__.py" in files else f"{base}.py"


@pytest.fixture
def imported(ported: dict[str, Ported]) -> Iterator[Callable[[str], Ported]]:
    """Put a converted package on sys.path; forget it (and its modules) afterwards."""
    added: list[str] = []

    def add(fixture: str) -> Ported:
        conversion = ported[fixture]
        sys.path.insert(0, str(conversion.out))
        added.append(str(conversion.out))
        return conversion

    yield add
    for path in added:
        sys.path.remove(path)
        for name in list(sys.modules):
            if (getattr(sys.modules[name], "__file__", None) or "").startswith(path):
                del sys.modules[name]


# ---------------------------------------------------------------------------------------------
# shape of the emitted code
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURES)
def test_workflow_modules_match_snapshots(
    fixture: str, ported: dict[str, Ported], snapshot: SnapshotAssertion
) -> None:
    conversion = ported[fixture]
    assert conversion.workflow_modules, f"{fixture} has no workflow"
    paths = [_path(m, conversion.files) for m in sorted(set(conversion.workflow_modules.values()))]
    texts = {rel: conversion.files[rel] for rel in paths}
    assert texts == snapshot
    report = sorted(
        (d.rule, d.severity, d.message, str(d.loc))
        for d in conversion.diagnostics
        if d.rule.startswith("LM6")
    )
    assert report == snapshot(name="report")


@pytest.mark.parametrize("fixture", FIXTURES)
def test_workflow_modules_pass_ruff_and_import(
    fixture: str, ported: dict[str, Ported], imported: Callable[[str], Ported]
) -> None:
    conversion = imported(fixture)
    paths = [_path(m, conversion.files) for m in sorted(set(conversion.workflow_modules.values()))]
    for rel in paths:
        compile(conversion.files[rel], rel, "exec")
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *paths],
        cwd=conversion.out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    from lumos_compat.workflows import Step, Workflow

    for workflow in conversion.project.workflows:
        module = importlib.import_module(conversion.workflow_modules[workflow.file])
        built = next(v for v in vars(module).values() if isinstance(v, Workflow))
        assert built.committed
        assert built.id == workflow.id.value  # type: ignore[union-attr]
    for step in conversion.project.steps:
        module = importlib.import_module(conversion.workflow_modules.get(step.file, ""))
        found = [v for v in vars(module).values() if isinstance(v, Step)]
        assert step.id is not None and step.id.value in {s.id for s in found}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fixture", "key", "agent_key"),
    [
        ("weather-1x", "weatherWorkflow", None),
        ("modern-1x", "orderWorkflow", ("orderAgent", "fulfilOrder")),
        ("legacy-0x", "tripWorkflow", None),
    ],
)
def test_workflows_are_registered(
    fixture: str,
    key: str,
    agent_key: tuple[str, str] | None,
    imported: Callable[[str], Ported],
) -> None:
    conversion = imported(fixture)
    package = importlib.import_module(conversion.package)
    mastra = package.mastra
    assert isinstance(mastra, Mastra)
    workflow = mastra.get_workflow(key)
    assert workflow.committed
    if agent_key is not None:
        agent = mastra.get_agent(agent_key[0])
        assert agent.workflows[agent_key[1]] is workflow


def test_legacy_condition_is_translated_not_a_todo(ported: dict[str, Ported]) -> None:
    conversion = ported["legacy-0x"]
    module = next(iter(conversion.workflow_modules.values()))
    text = conversion.files[_path(module, conversion.files)]
    heat = text.split("async def heat_advisory_when", 1)[1].split("\n\n\n", 1)[0]
    assert "NotImplementedError" not in heat and "> 30" in heat
    summarize = text.split("async def summarize_when", 1)[1].split("\n\n\n", 1)[0]
    assert "NotImplementedError" not in summarize and '"planDays"' in summarize
    rain = text.split("async def rain_gear_when", 1)[1].split("\n\n\n", 1)[0]
    # a function `when`: through the body translator
    assert "NotImplementedError" not in rain and 'ctx.get_step_result("fetchForecast")' in rain


# ---------------------------------------------------------------------------------------------
# running the converted workflows
# ---------------------------------------------------------------------------------------------


def fill(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, body: Any) -> None:
    """Replace the body of ``module.name`` with ``body``'s (same function object).

    Step bodies, ``.map`` functions and conditions are translated from the TypeScript (checked
    against Node by tests/translate/test_step_differential.py and test_workflow_differential.py);
    here stand-ins that trace the order the graph runs them in take their place.
    """
    target = getattr(module, name)
    assert inspect.iscoroutinefunction(target), f"{name} is not an async function of the port"
    monkeypatch.setattr(target, "__code__", body.__code__)


# stand-in bodies: they may use only their argument and builtins (they run with the emitted
# module's globals)


async def _fetch_forecast(ctx: Any) -> Any:
    ctx.request_context.get("trace").append(("fetchForecast", dict(ctx.input_data)))
    return ctx.request_context.get("forecast")


async def _plan_days(ctx: Any) -> Any:
    trigger = ctx.get_init_data()
    forecast = ctx.get_step_result("fetchForecast")
    ctx.request_context.get("trace").append(("planDays", None))
    return {"plan": f"{trigger.days} days in {trigger.city} (max {forecast['maxTemp']})"}


async def _heat_advisory(ctx: Any) -> Any:
    ctx.request_context.get("trace").append(("heatAdvisory", None))
    return {"advisory": "indoor afternoons"}


async def _rain_gear(ctx: Any) -> Any:
    ctx.request_context.get("trace").append(("rainGear", None))
    return {"advice": "Pack an umbrella."}


async def _summarize(ctx: Any) -> Any:
    ctx.request_context.get("trace").append(("summarize", dict(ctx.input_data)))
    return {"summary": ctx.input_data["plan"].upper()}


async def _rain_gear_when(ctx: Any) -> bool:
    forecast = ctx.get_step_result("fetchForecast")
    return (forecast["rainChance"] if forecast is not None else 0) > 50


def _legacy_module(
    imported: Callable[[str], Ported], monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    conversion = imported("legacy-0x")
    module = importlib.import_module(next(iter(conversion.workflow_modules.values())))
    fill(monkeypatch, module, "fetch_forecast_execute", _fetch_forecast)
    fill(monkeypatch, module, "plan_days_execute", _plan_days)
    fill(monkeypatch, module, "heat_advisory_execute", _heat_advisory)
    fill(monkeypatch, module, "rain_gear_execute", _rain_gear)
    fill(monkeypatch, module, "summarize_execute", _summarize)
    fill(monkeypatch, module, "rain_gear_when", _rain_gear_when)
    return module


@pytest.mark.parametrize(
    ("forecast", "ran", "skipped"),
    [
        ({"maxTemp": 35, "rainChance": 20}, "heatAdvisory", "rainGear"),
        ({"maxTemp": 18, "rainChance": 80}, "rainGear", "heatAdvisory"),
    ],
)
async def test_legacy_workflow_runs_the_0x_graph(
    forecast: dict[str, int],
    ran: str,
    skipped: str,
    imported: Callable[[str], Ported],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _legacy_module(imported, monkeypatch)
    trace: list[tuple[str, Any]] = []
    run = await module.trip_workflow.create_run()
    result = await run.start(
        input_data={"city": "Lisbon", "days": 3},
        request_context=RequestContext({"trace": trace, "forecast": forecast}),
    )
    assert result.status == "success", result.get("error")
    order = [name for name, _ in trace]
    # variables: fetchForecast gets {city} from the trigger, summarize gets {plan} from planDays
    assert trace[0] == ("fetchForecast", {"city": "Lisbon"})
    assert order == ["fetchForecast", "planDays", ran, "summarize"]
    assert trace[-1] == ("summarize", {"plan": f"3 days in Lisbon (max {forecast['maxTemp']})"})
    legacy = result.legacy()
    results = legacy["results"]
    for step in ("fetchForecast", "planDays", ran, "summarize"):
        assert results[step]["status"] == "success", step
    assert skipped not in results
    assert results["summarize"]["output"] == {
        "summary": f"3 DAYS IN LISBON (MAX {forecast['maxTemp']})"
    }
    assert legacy["triggerData"] == {"city": "Lisbon", "days": 3}


async def test_legacy_status_condition_blocks_the_step_when_its_source_did_not_succeed(
    imported: Callable[[str], Ported], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _legacy_module(imported, monkeypatch)

    class Ctx:
        def get_step_result(self, step: str) -> Any:
            return None

    assert await module.summarize_when(Ctx()) is False
    assert await module.heat_advisory_when(Ctx()) is False

    class Succeeded:
        def get_step_result(self, step: str) -> Any:
            return {"plan": "p"} if step == "planDays" else {"maxTemp": 30}

    assert await module.summarize_when(Succeeded()) is True
    assert await module.heat_advisory_when(Succeeded()) is False  # $gt 30, not $gte


# modern-1x ------------------------------------------------------------------------------------


async def _validate_order(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("validate-order")
    data = ctx.input_data
    items = [{"sku": i.sku, "qty": i.qty} for i in data.items]
    return {"orderId": data.orderId, "items": items, "total": sum(i["qty"] * 9.5 for i in items)}


async def _check_stock(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("check-stock")
    return {"inStock": all(i.qty <= 10 for i in ctx.input_data.items)}


async def _check_fraud(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("check-fraud")
    trusted = ctx.request_context.get("trusted-customer") is True
    return {"riskScore": 0 if trusted else min(1, ctx.input_data.total / 1000)}


async def _decision_input(ctx: Any) -> Any:
    init = ctx.get_init_data()
    return {
        "orderId": init.orderId,
        "riskScore": ctx.input_data["check-fraud"]["riskScore"],
        "inStock": ctx.input_data["check-stock"]["inStock"],
    }


async def _manual_review_condition(ctx: Any) -> bool:
    return ctx.input_data["riskScore"] > 0.8


async def _auto_approve_condition(ctx: Any) -> bool:
    return ctx.input_data["riskScore"] <= 0.8


async def _manual_review(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("manual-review")
    if not ctx.resume_data:
        return await ctx.suspend({"orderId": ctx.input_data.orderId, "reason": "risk"})
    return {"approved": ctx.resume_data["approved"], "reviewer": ctx.resume_data["reviewer"]}


async def _auto_approve(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("auto-approve")
    return {"approved": ctx.input_data.inStock}


async def _gate(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("gate")
    decision = ctx.input_data.manual_review or ctx.input_data.auto_approve
    if decision is None or not decision.approved:
        return ctx.bail({"approved": False})
    return {"approved": True}


async def _items(ctx: Any) -> Any:
    return ctx.input_data["items"]


async def _reserve_item(ctx: Any) -> Any:
    ctx.request_context.get("trace").append(f"reserve {ctx.input_data.sku}")
    return {"sku": ctx.input_data.sku, "reserved": True}


async def _count(ctx: Any) -> Any:
    return {"reserved": len([r for r in ctx.input_data if r["reserved"]]), "attempts": 0}


async def _notify_warehouse(ctx: Any) -> Any:
    ctx.request_context.get("trace").append("notify-warehouse")
    attempts = ctx.input_data.attempts + 1
    return {
        "reserved": ctx.input_data.reserved,
        "attempts": attempts,
        "acknowledged": attempts >= ctx.request_context.get("ack-after"),
    }


async def _notify_warehouse_until(ctx: Any) -> bool:
    # Mastra hands the condition the step's raw output as inputData; lumos_compat re-validates
    # it against the step's input schema, which drops `acknowledged`: read the step result
    latest = ctx.get_step_result("notify-warehouse")
    return latest["acknowledged"] or ctx.iteration_count >= 3


def _modern_module(
    imported: Callable[[str], Ported], monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    conversion = imported("modern-1x")
    module = importlib.import_module(next(iter(conversion.workflow_modules.values())))
    for name, body in {
        "validate_order_execute": _validate_order,
        "check_stock_execute": _check_stock,
        "check_fraud_execute": _check_fraud,
        "order_workflow_map_1": _decision_input,
        "manual_review_condition": _manual_review_condition,
        "auto_approve_condition": _auto_approve_condition,
        "manual_review_execute": _manual_review,
        "auto_approve_execute": _auto_approve,
        "gate_execute": _gate,
        "order_workflow_map_2": _items,
        "reserve_item_execute": _reserve_item,
        "order_workflow_map_3": _count,
        "notify_warehouse_execute": _notify_warehouse,
        "notify_warehouse_until": _notify_warehouse_until,
    }.items():
        fill(monkeypatch, module, name, body)
    return module


ORDER = {"orderId": "o-1", "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 3}]}


async def test_modern_workflow_runs_the_chain(
    imported: Callable[[str], Ported], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _modern_module(imported, monkeypatch)
    trace: list[str] = []
    run = await module.order_workflow.create_run()
    result = await run.start(
        input_data=ORDER,
        request_context=RequestContext({"trace": trace, "trusted-customer": True, "ack-after": 2}),
    )
    assert result.status == "success", result.get("error")
    assert trace[0] == "validate-order"
    assert sorted(trace[1:3]) == ["check-fraud", "check-stock"]
    assert trace[3:] == [
        "auto-approve",
        "gate",
        "reserve a",
        "reserve b",
        "notify-warehouse",
        "notify-warehouse",
    ]
    steps = result.steps
    assert "manual-review" not in steps  # its branch condition was false
    for step_id in ("validate-order", "check-stock", "check-fraud", "auto-approve", "gate"):
        assert steps[step_id]["status"] == "success", step_id
    assert steps["mapping_order-fulfilment_1"]["output"] == {
        "items": ORDER["items"],
        "channel": "web",
    }
    assert steps["reserve-item"]["output"] == [
        {"sku": "a", "reserved": True},
        {"sku": "b", "reserved": True},
    ]
    assert steps["notify-warehouse"]["metadata"]["iterationCount"] == 2
    assert result.result == {"reserved": 2, "attempts": 2, "acknowledged": True}


async def test_modern_workflow_suspends_for_manual_review_and_resumes(
    imported: Callable[[str], Ported], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _modern_module(imported, monkeypatch)
    trace: list[str] = []
    big = {"orderId": "o-2", "items": [{"sku": "a", "qty": 10}] * 90}
    context = RequestContext({"trace": trace, "trusted-customer": False, "ack-after": 9})
    run = await module.order_workflow.create_run()
    suspended = await run.start(input_data=big, request_context=context)
    assert suspended.status == "suspended", suspended.get("error")
    assert suspended["suspended"] == [["manual-review"]]
    assert "auto-approve" not in suspended.steps
    rejected = await run.resume(
        step="manual-review",
        resume_data={"approved": False, "reviewer": "kim"},
        request_context=context,
    )
    assert rejected.status == "success", rejected.get("error")
    assert rejected.result == {"approved": False}  # gate bailed
    assert "reserve-item" not in rejected.steps
    assert trace.count("manual-review") == 2
    assert trace[-1] == "gate"


# legacy forms the fixture does not use ---------------------------------------------------------

LEGACY_FORMS = """\
import { Step, Workflow } from '@mastra/core/workflows';
import { z } from 'zod';

const a = new Step({ id: 'a', execute: async () => ({ n: 1 }) });
const b = new Step({ id: 'b', execute: async () => ({ n: 2 }) });
const c = new Step({ id: 'c', execute: async () => ({ n: 3 }) });
const e = new Step({ id: 'e', execute: async () => ({ n: 5 }) });

export const wf = new Workflow({ name: 'wf', triggerSchema: z.object({ kind: z.string() }) });
wf.step(a)
  .if({ and: [{ ref: { step: 'trigger', path: 'kind' }, query: { $in: ['x', 'y'] } },
              { not: { 'a.n': { $lte: 0 } } }] })
  .then(b)
  .then(e, { when: { or: [{ 'b.n': 2 }, { ref: { step: b, path: 'n' }, query: { $ne: 9 } }] } })
  .else()
  .then(c)
  .afterEvent('approved')
  .while({ ref: { step: c, path: 'n' }, query: { $lt: 3 } }, a)
  .commit();
"""


async def test_legacy_if_else_loops_events_and_query_operators(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "src" / "mastra").mkdir(parents=True)
    (root / "package.json").write_text('{"dependencies": {"@mastra/core": "^0.9.4"}}')
    (root / "src" / "mastra" / "index.ts").write_text(LEGACY_FORMS)
    project = scan_project(root)
    result = emit_project(project)
    assert not result.failed
    rel = next(
        r for r in result.files if r.endswith(".py") and b"create_workflow" in result.files[r]
    )
    text = result.files[rel].decode()
    assert 'return trigger_kind in ["x", "y"] and not (' in text
    assert "(b_result is not None and b_n == 2) or (" in text
    assert "return await e_when(ctx) and await wf_if_1(ctx)" in text  # e is on the .if path
    assert "return not await wf_if_1(ctx)" in text  # c is on the .else path
    assert ".dowhile(a, a_while)" in text
    rules = {d.rule for d in result.diagnostics}
    assert {"LM656", "LM657", "LM660"} <= rules
    namespace: dict[str, Any] = {}
    exec(compile(text, rel, "exec"), namespace)

    class Ctx:
        def __init__(self, kind: str, results: dict[str, Any]) -> None:
            self.kind, self.results = kind, results

        def get_init_data(self) -> Any:
            return {"kind": self.kind}

        def get_step_result(self, step: str) -> Any:
            return self.results.get(step)

    if_cond = namespace["wf_if_1"]
    assert await if_cond(Ctx("x", {"a": {"n": 1}})) is True
    assert await if_cond(Ctx("z", {"a": {"n": 1}})) is False  # $in
    assert await if_cond(Ctx("y", {"a": {"n": 0}})) is False  # not $lte 0
    assert await if_cond(Ctx("y", {})) is True  # not(missing source) is true, as in 0.x
    e_when = namespace["e_when"]
    assert await e_when(Ctx("x", {"b": {"n": 9}})) is False
    assert await e_when(Ctx("x", {"b": {"n": 2}})) is True
    assert await e_when(Ctx("x", {"b": {"n": 4}})) is True  # $ne 9
    assert await e_when(Ctx("x", {})) is False
