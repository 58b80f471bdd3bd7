"""zod callbacks (refine, superRefine, transform, preprocess) checked against JavaScript.

Each case is an arrow function as written in a zod chain, the type of the value zod passes it
(``str``, ``int``, ``float``, ``list[str]``, ``json``) and inputs. ``record_zod_callbacks`` runs them
under Node (plain JavaScript: no types in the sources) and stores what each returned and the
issues ``ctx.addIssue`` received; ``test_zod_callbacks`` runs the Python translations on the same
inputs.
"""

from __future__ import annotations

CASES: list[dict[str, object]] = [
    {"name": "regex-test", "source": "(v) => /[0-9]/.test(v)", "type": "str",
     "inputs": ["abc", "a1", ""]},
    {"name": "regex-test-flags", "source": "(v) => /^ab+c$/i.test(v)", "type": "str",
     "inputs": ["ABBC", "abc", "ac", "xabc"]},
    {"name": "even", "source": "(n) => n % 2 === 0", "type": "int", "inputs": [4, 3, -3, 0, -4]},
    {"name": "upper", "source": "(value) => value.toUpperCase()", "type": "str",
     "inputs": ["abc", "ÄbC", ""]},
    {"name": "split-or-empty", "source": "(raw) => (raw ? raw.split(',') : [])", "type": "str?",
     "inputs": ["a,b", "", None]},
    {"name": "set-size", "type": "list[str]", "ctx": True,
     "source": "(emails, ctx) => { if (new Set(emails).size !== emails.length) { "
               "ctx.addIssue({ code: 'custom', message: 'attendees must be unique' }); } }",
     "inputs": [["a", "b"], ["a", "a"], []]},
    {"name": "issue-expression", "type": "float", "ctx": True,
     "source": "(v, ctx) => { if (v > 10) ctx.addIssue({ code: 'custom', message: `too big: ${v}`, path: ['x', 0] }); }",
     "inputs": [5, 11.5]},
    {"name": "issue-arrow-body", "type": "str", "ctx": True,
     "source": "(v, ctx) => ctx.addIssue({ code: 'custom', message: v })",
     "inputs": ["always"]},
    {"name": "issue-string", "type": "str", "ctx": True,
     "source": "(v, ctx) => { if (v.length === 0) ctx.addIssue('empty'); }",
     "inputs": ["", "a"]},
    {"name": "to-number", "source": "(s) => Number(s)", "type": "str",
     "inputs": ["12", " 3.5 ", "x", ""]},
    {"name": "string-of", "source": "(v) => String(v)", "type": "json",
     "inputs": [5, 1.5, True, None, "s"]},
    {"name": "length", "source": "(s) => s.length", "type": "str", "inputs": ["abc", ""]},
    {"name": "block-return", "type": "list[str]",
     "source": "(tags) => { const seen = tags.filter((t) => t.length > 1); return seen.join('|'); }",
     "inputs": [["a", "bb", "ccc"], []]},
]  # fmt: skip
