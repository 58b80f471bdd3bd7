"""Re-run the fixture verification and rewrite the counts and areas of ``expectations.json``.

    LUMOS_MASTRA_HOME=/tmp/mastra-scratch python -m tests.verify.refresh_expectations [fixture ...]

Reasons already written are kept for the areas that still differ; a new difference gets
``"kind": "TODO"`` and an empty reason, which ``test_every_listed_difference_has_a_reason``
rejects until a person explains it. Review the diff of the file before committing.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from converters.cli import app
from converters.verify import verify
from tests.verify.fixture_projects import (
    CONVERT_EXIT,
    ENTRIES,
    FIXTURE_ENV,
    FIXTURES,
    prepare_fixture,
)

PATH = Path(__file__).with_name("expectations.json")


async def _findings(name: str, tmp: Path) -> tuple[dict[str, int], dict[str, set[str]]]:
    project = prepare_fixture(name, tmp / "src")
    port = tmp / "port"
    converted = CliRunner().invoke(app, ["convert", str(project), "--out", str(port)])
    if converted.exit_code != CONVERT_EXIT.get(name, 0):
        raise SystemExit(f"{name}: convert failed:\n{converted.output}")
    report = await verify(project, port, entry=ENTRIES.get(name))
    areas = {
        f"{o.agent}/{o.scenario}": {d.path.split(".")[0].split("[")[0] for d in o.differences}
        for o in report.outcomes
        if o.status != "identical"
    }
    return report.counts, areas


def main(names: list[str]) -> int:
    """Refresh the named fixtures (all when none are named)."""
    os.environ.update(FIXTURE_ENV)
    doc = json.loads(PATH.read_text("utf-8"))
    for name in names or FIXTURES:
        with tempfile.TemporaryDirectory() as tmp:
            counts, areas = asyncio.run(_findings(name, Path(tmp)))
        old = doc["fixtures"].get(name, {}).get("differences", {})
        new: dict[str, dict[str, dict[str, str]]] = {}
        for key, found in sorted(areas.items()):
            new[key] = {
                area: old.get(key, {}).get(area, {"kind": "TODO", "reason": ""})
                for area in sorted(found)
            }
        doc["fixtures"][name] = {"counts": counts, "differences": new}
        print(f"{name}: {counts}")
    PATH.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
