"""Run the zod callback cases under Node: ``python -m tests.translate.record_zod_callbacks``.

Writes ``tests/data/zod_callbacks/recorded.json``: for every case and input, what the function
returned (``undefined`` as ``{"undefined": true}``) and the issues given to ``ctx.addIssue``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.translate.zod_callback_cases import CASES

OUT = Path(__file__).resolve().parents[1] / "data" / "zod_callbacks" / "recorded.json"

_RUNNER = r"""
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const c of cases) {
  const fn = eval(c.source);
  out[c.name] = c.inputs.map((input) => {
    const issues = [];
    const ctx = { addIssue: (i) => { issues.push(typeof i === "string" ? { message: i } : i); } };
    const value = fn(input === null && c.type.endsWith("?") ? undefined : input, ctx);
    return { input, value: value === undefined ? { undefined: true } : value, issues };
  });
}
process.stdout.write(JSON.stringify(out, null, 1));
"""


def main() -> int:
    """Record and write the file."""
    done = subprocess.run(
        ["node", "-e", _RUNNER],
        input=json.dumps(CASES),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return 1
    data = {
        "about": "zod callback cases (tests/translate/zod_callback_cases.py) run by Node; "
        "python -m tests.translate.record_zod_callbacks",
        "results": json.loads(done.stdout),
    }
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"recorded {len(CASES)} cases into {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
