"""The project layer: file discovery, the module graph, construct sites and version detection.

``discover_files`` lists the source files of a Mastra project (ignore globs apply);
``ModuleGraph`` parses each file once (lazily, cached), summarises its imports and exports, and
resolves a name used in one file to where it is defined, across relative imports, ``index`` barrels,
``export * from``, renamed re-exports, namespace imports and ``tsconfig.json`` path aliases.
``ModuleGraph.sites`` finds the Mastra constructs of a file (``new Agent``, ``createTool``, ...),
and ``detect_version`` decides whether the project is written against Mastra 0.x or 1.x.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Literal

from converters.ir import Diagnostic, Loc, SourceFile
from converters.rules import define
from converters.ts import Node, Syntax, language_for_path, parse, share

__all__ = [
    "DEFAULT_IGNORES",
    "ImportBinding",
    "ModuleGraph",
    "ModuleInfo",
    "ParsedFile",
    "Site",
    "SiteKind",
    "Symbol",
    "TsConfigPaths",
    "VersionInfo",
    "detect_version",
    "discover_files",
    "load_tsconfig",
    "parse_jsonc",
]

RULE_SYNTAX = define(
    "LM101",
    "Syntax error in a source file",
    "Fix the syntax error at the reported location; the rest of the file was read where possible.",
)
RULE_DECODE = define(
    "LM102",
    "Source file is not UTF-8 or could not be read",
    "Re-encode the file as UTF-8 (or add it to --ignore if it is not part of the project).",
)
RULE_UNRESOLVED_IMPORT = define(
    "LM103",
    "Relative import or path alias does not resolve to a project file",
    "Check the import path; constants and schemas imported from it could not be followed.",
)
RULE_TSCONFIG = define(
    "LM104",
    "tsconfig.json could not be read",
    "Fix the tsconfig.json syntax; path aliases (`@/...`) from it were not applied.",
)
RULE_VERSION = define(
    "LM105",
    "Mastra version could not be determined from package.json or a lockfile",
    "Add @mastra/core to package.json dependencies; the API generation was guessed from imports.",
)
RULE_LARGE_FILE = define(
    "LM106",
    "Source file too large to scan",
    "The file was skipped (probably generated or bundled); add it to --ignore to silence this.",
)

DEFAULT_IGNORES: list[str] = [
    "node_modules/**",
    "dist/**",
    "build/**",
    ".mastra/**",
    ".git/**",
    "**/*.d.ts",
    ".next/**",
    "coverage/**",
]

SOURCE_SUFFIXES = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
_RESOLVE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_JS_TO_TS = {
    ".js": (".ts", ".tsx"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}
MAX_FILE_SIZE = 4 * 1024 * 1024
DEFAULT_KEY = "*default*"  # the local name of an ``export default <expression>``

# ---------------------------------------------------------------------------------------------
# Ignore globs and file discovery
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob (``**`` any depth, ``*`` within a segment, ``?``) to a regex."""
    anchored = pattern.startswith("/")
    pat = pattern.lstrip("/")
    out: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    prefix = "" if anchored or pat.startswith("**") else "(?:.*/)?"
    return re.compile("^" + prefix + "".join(out) + "$")


def _ignored(rel: str, patterns: Iterable[str]) -> bool:
    return any(_glob_regex(p).match(rel) for p in patterns)


def _dir_ignored(rel_dir: str, patterns: Iterable[str]) -> bool:
    return any(p.endswith("/**") and _glob_regex(p[:-3]).match(rel_dir) for p in patterns)


def discover_files(root: Path, ignore: Iterable[str] = DEFAULT_IGNORES) -> list[str]:
    """Project-relative POSIX paths of the source files under ``root``, sorted."""
    patterns = list(ignore)
    found: list[str] = []
    root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        kept = []
        for d in sorted(dirnames):
            sub = f"{rel_dir}/{d}" if rel_dir else d
            if not _dir_ignored(sub, patterns):
                kept.append(d)
        dirnames[:] = kept
        for name in filenames:
            if not name.endswith(SOURCE_SUFFIXES) or language_for_path(name) is None:
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not _ignored(rel, patterns):
                found.append(rel)
    found.sort()
    return found


# ---------------------------------------------------------------------------------------------
# tsconfig.json (JSON with comments and trailing commas, ``extends``, ``paths``)
# ---------------------------------------------------------------------------------------------


def parse_jsonc(text: str) -> object:
    """Parse JSON with ``//`` and ``/* */`` comments and trailing commas (tsconfig, bun.lock)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    cleaned = re.sub(r",(\s*[}\]])", r"\1", "".join(out))
    return json.loads(cleaned)


@dataclass(frozen=True)
class TsConfigPaths:
    """The module resolution options of one tsconfig: absolute base dir and ``paths`` patterns."""

    config: Path
    base_url: Path | None
    paths: tuple[tuple[str, tuple[str, ...]], ...]
    paths_base: Path


def load_tsconfig(path: Path, diagnostics: list[Diagnostic], root: Path) -> TsConfigPaths:
    """Read a tsconfig.json and the configs it extends; errors become LM104 diagnostics."""
    base_url: Path | None = None
    paths: dict[str, tuple[str, ...]] = {}
    paths_base: Path | None = None
    chain: list[Path] = []
    current: Path | None = path
    seen: set[Path] = set()
    while current is not None and current not in seen and len(chain) < 10:
        seen.add(current)
        chain.append(current)
        data = _read_tsconfig(current, diagnostics, root)
        ext = data.get("extends") if isinstance(data, dict) else None
        if isinstance(ext, list):
            ext = ext[0] if ext else None
        current = None
        if isinstance(ext, str) and ext.startswith("."):
            target = chain[-1].parent / ext
            if target.is_dir():
                target = target / "tsconfig.json"
            elif not target.exists() and not target.name.endswith(".json"):
                target = target.with_name(target.name + ".json")
            current = target.resolve() if target.is_file() else None
    # apply from the most basic config to the most specific
    for cfg in reversed(chain):
        data = _read_tsconfig(cfg, [], root)
        opts = data.get("compilerOptions") if isinstance(data, dict) else None
        if not isinstance(opts, dict):
            continue
        if isinstance(opts.get("baseUrl"), str):
            base_url = (cfg.parent / opts["baseUrl"]).resolve()
        if isinstance(opts.get("paths"), dict):
            paths = {
                str(k): tuple(str(v) for v in vs if isinstance(v, str))
                for k, vs in opts["paths"].items()
                if isinstance(vs, list)
            }
            paths_base = cfg.parent.resolve()
    resolved_base = base_url or paths_base or path.parent.resolve()
    return TsConfigPaths(path, base_url, tuple(paths.items()), resolved_base)


def _read_tsconfig(path: Path, diagnostics: list[Diagnostic], root: Path) -> dict[str, object]:
    try:
        data = parse_jsonc(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        diagnostics.append(
            Diagnostic(
                rule=RULE_TSCONFIG.id,
                severity="warning",
                message=f"could not read {rel}: {exc}",
                loc=Loc(file=rel, line=1, column=1),
                hint=RULE_TSCONFIG.fix,
            )
        )
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------
# Per-file summary: imports, exports, top-level declarations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportBinding:
    """One local name bound by an import: the module specifier and the imported name.

    ``name`` is the exported name, ``"default"``, or ``"*"`` for a namespace import.
    """

    module: str
    name: str


@dataclass(slots=True)
class ModuleInfo:
    """What a file imports, exports and declares at its top level."""

    imports: dict[str, ImportBinding] = field(default_factory=dict)
    # exported name -> local name (DEFAULT_KEY for ``export default <expression>``)
    exports: dict[str, str] = field(default_factory=dict)
    # exported name -> (specifier, imported name or "*")
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)
    star_reexports: list[str] = field(default_factory=list)
    # local name -> declarator / declaration node (DEFAULT_KEY -> the default expression)
    declarations: dict[str, Node] = field(default_factory=dict)
    specifiers: list[tuple[str, Node]] = field(default_factory=list)


_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)


def unwrap(node: Node | None) -> Node | None:
    """Strip parentheses, ``as``, ``satisfies``, ``!`` and ``<T>`` assertions around an expression."""
    while node is not None and node.type in _WRAPPERS:
        inner = node.named_children[0] if node.type != "type_assertion" else node.named_children[-1]
        if node.type == "parenthesized_expression":
            inner = node.named_children[0] if node.named_children else None
        node = inner
    return node


def string_literal(syntax: Syntax, node: Node | None) -> str | None:
    """The value of a plain string literal (quotes and escapes handled), else None."""
    if node is None or node.type != "string":
        return None
    raw = syntax.text(node)
    if len(raw) < 2:
        return ""
    return _unescape(raw[1:-1])


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "u" and body[i + 2 : i + 3] == "{":
            end = body.find("}", i)
            out.append(chr(int(body[i + 3 : end], 16)))
            i = end + 1
        elif nxt == "u":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif nxt == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif nxt == "\n":
            i += 2
        else:
            out.append(nxt)
            i += 2
    return "".join(out)


def unescape_js(body: str) -> str:
    """Apply JavaScript string escapes (``\\n``, ``\\u00e9``, ...) to the body of a literal."""
    try:
        return _unescape(body)
    except ValueError:
        return body


def summarize(syntax: Syntax) -> ModuleInfo:
    """Read the imports, exports and top-level declarations of a parsed file."""
    info = ModuleInfo()
    for stmt in syntax.root.named_children:
        kind = stmt.type
        if kind == "import_statement":
            _summarize_import(syntax, stmt, info)
        elif kind == "export_statement":
            _summarize_export(syntax, stmt, info)
        elif kind in ("lexical_declaration", "variable_declaration"):
            _declare(syntax, stmt, info, exported=False)
        elif kind in (
            "function_declaration",
            "generator_function_declaration",
            "class_declaration",
            "abstract_class_declaration",
            "enum_declaration",
        ):
            name = stmt.child_by_field_name("name")
            if name is not None:
                info.declarations[syntax.text(name)] = stmt
    return info


def _summarize_import(syntax: Syntax, stmt: Node, info: ModuleInfo) -> None:
    source = string_literal(syntax, stmt.child_by_field_name("source"))
    if source is None:
        return
    info.specifiers.append((source, stmt))
    for clause in stmt.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                info.imports[syntax.text(part)] = ImportBinding(source, "default")
            elif part.type == "namespace_import":
                ident = part.named_children[-1] if part.named_children else None
                if ident is not None:
                    info.imports[syntax.text(ident)] = ImportBinding(source, "*")
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    if name is not None and alias is not None:
                        imported = string_literal(syntax, name) or syntax.text(name)
                        info.imports[syntax.text(alias)] = ImportBinding(source, imported)


def _summarize_export(syntax: Syntax, stmt: Node, info: ModuleInfo) -> None:
    source = string_literal(syntax, stmt.child_by_field_name("source"))
    declaration = stmt.child_by_field_name("declaration")
    value = stmt.child_by_field_name("value")
    if source is not None:
        info.specifiers.append((source, stmt))
    if declaration is not None:
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            _declare(syntax, declaration, info, exported=True)
        else:
            name = declaration.child_by_field_name("name")
            if name is not None:
                local = syntax.text(name)
                info.declarations[local] = declaration
                is_default = any(c.type == "default" for c in stmt.children)
                info.exports["default" if is_default else local] = local
        return
    if value is not None:
        value = unwrap(value)
        if value is not None and value.type == "identifier":
            info.exports["default"] = syntax.text(value)
        elif value is not None:
            info.exports["default"] = DEFAULT_KEY
            info.declarations[DEFAULT_KEY] = value
        return
    clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
    namespace = next((c for c in stmt.named_children if c.type == "namespace_export"), None)
    if clause is not None:
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            name_node = spec.child_by_field_name("name")
            alias_node = spec.child_by_field_name("alias") or name_node
            if name_node is None or alias_node is None:
                continue
            name = string_literal(syntax, name_node) or syntax.text(name_node)
            alias = string_literal(syntax, alias_node) or syntax.text(alias_node)
            if source is not None:
                info.reexports[alias] = (source, name)
            else:
                info.exports[alias] = name
    elif namespace is not None and source is not None:
        ident = namespace.named_children[-1] if namespace.named_children else None
        if ident is not None:
            info.reexports[syntax.text(ident)] = (source, "*")
    elif source is not None:
        info.star_reexports.append(source)


def _declare(syntax: Syntax, decl: Node, info: ModuleInfo, *, exported: bool) -> None:
    for declarator in decl.named_children:
        if declarator.type != "variable_declarator":
            continue
        name = declarator.child_by_field_name("name")
        if name is None:
            continue
        value = unwrap(declarator.child_by_field_name("value"))
        if name.type == "identifier":
            local = syntax.text(name)
            info.declarations[local] = declarator
            if exported:
                info.exports[local] = local
            required = _require_source(syntax, value)
            if required is not None:
                info.imports[local] = ImportBinding(required, "*")
                info.declarations.pop(local, None)
        elif name.type == "object_pattern":
            required = _require_source(syntax, value)
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    key = local = syntax.text(prop)
                elif prop.type == "pair_pattern":
                    k = prop.child_by_field_name("key")
                    v = prop.child_by_field_name("value")
                    if k is None or v is None or v.type != "identifier":
                        continue
                    key, local = syntax.text(k), syntax.text(v)
                else:
                    continue
                if required is not None:
                    info.imports[local] = ImportBinding(required, key)
                else:
                    info.declarations[local] = declarator
                if exported:
                    info.exports[local] = local


def _require_source(syntax: Syntax, value: Node | None) -> str | None:
    """``require('x')`` -> ``'x'``."""
    if value is None or value.type != "call_expression":
        return None
    fn = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if fn is None or syntax.text(fn) != "require" or args is None or not args.named_children:
        return None
    return string_literal(syntax, args.named_children[0])


# ---------------------------------------------------------------------------------------------
# Construct sites: where a file builds Mastra things
# ---------------------------------------------------------------------------------------------

SiteKind = Literal[
    "agent",
    "tool",
    "mastra",
    "memory",
    "storage",
    "workflow",
    "step",
    "legacy_workflow",
    "legacy_step",
    "mcp",
]

# (imported name, how it is used) -> kind
_CONSTRUCTS: dict[tuple[str, bool], SiteKind] = {
    ("Agent", True): "agent",
    ("createTool", False): "tool",
    ("Tool", True): "tool",
    ("Mastra", True): "mastra",
    ("Memory", True): "memory",
    ("createWorkflow", False): "workflow",
    ("Workflow", True): "legacy_workflow",
    ("LegacyWorkflow", True): "legacy_workflow",
    ("createStep", False): "step",
    ("Step", True): "legacy_step",
    ("LegacyStep", True): "legacy_step",
    ("MCPClient", True): "mcp",
    ("MCPConfiguration", True): "mcp",
    ("MastraMCPClient", True): "mcp",
}
_STORAGE_RE = re.compile(r"^[A-Z][A-Za-z0-9]*(Store|Vector|Storage)$")
_SITE_NAME_RE = (
    "^(Agent|createTool|Tool|Mastra|Memory|createWorkflow|Workflow|LegacyWorkflow|createStep|"
    "Step|LegacyStep|MCPClient|MCPConfiguration|MastraMCPClient|[A-Z][A-Za-z0-9]*(Store|Vector|Storage))$"
)
# Every name _SITE_NAME_RE matches contains one of these words, and no two of them can overlap
# (none starts inside another), so a plain search of the source finds every such name.
_SITE_WORDS_RE = re.compile(rb"Agent|Tool|Mastra|Memory|Workflow|Step|MCP|Stor|Vector")
_SITE_NAME_PATTERN = re.compile(_SITE_NAME_RE)
# what _named_sites finds; the query is kept as the definition (and for tests)
_SITE_QUERY = f"""
((new_expression constructor: (identifier) @name) @site (#match? @name "{_SITE_NAME_RE}"))
((new_expression constructor: (member_expression property: (property_identifier) @name)) @site
  (#match? @name "{_SITE_NAME_RE}"))
((call_expression function: (identifier) @name) @site (#match? @name "{_SITE_NAME_RE}"))
((call_expression function: (member_expression property: (property_identifier) @name)) @site
  (#match? @name "{_SITE_NAME_RE}"))
"""
_ALL_CALLS_QUERY = """
(new_expression constructor: [(identifier) (member_expression)] @name) @site
(call_expression function: [(identifier) (member_expression)] @name) @site
"""
_FUNCTIONS = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
        "class_body",
    }
)
_LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
_PASS_THROUGH = _WRAPPERS | {"await_expression"}


def _named_sites(syntax: Syntax) -> list[Node]:
    """The calls and ``new`` expressions ``_SITE_QUERY`` matches, in the order it returns them
    (by the position of the name), found from the construct words in the source text instead
    of a walk of the whole tree: most of a file is never looked at."""
    root = syntax.root
    sites: list[Node] = []
    seen: set[int] = set()
    for word in _SITE_WORDS_RE.finditer(syntax.source):
        name = root.descendant_for_byte_range(word.start(), word.end())
        if name is None or name.start_byte in seen:
            continue
        kind = name.type
        if kind == "identifier":
            callee = name
        elif kind == "property_identifier":
            callee = name.parent
            if (
                callee is None
                or callee.type != "member_expression"
                or callee.child_by_field_name("property") != name
            ):
                continue
        else:
            continue
        seen.add(name.start_byte)
        site = callee.parent
        if site is None:
            continue
        site_kind = site.type
        if site_kind == "new_expression":
            if site.child_by_field_name("constructor") != callee:
                continue
        elif site_kind != "call_expression" or site.child_by_field_name("function") != callee:
            continue
        if _SITE_NAME_PATTERN.search(syntax.text(name)) is None:
            continue
        sites.append(site)
    return sites


@dataclass(slots=True)
class Site:
    """One Mastra construct in a file.

    ``node`` is the ``new``/call expression (for ``createWorkflow`` the whole builder chain up to
    its outermost call); ``context`` is ``top`` (module level, bound to a const or inline in
    another top-level value), ``function`` (built in a function: a factory) or ``loop``.
    ``binding`` is the const name, ``"default"`` for ``export default``, or a name made from the
    object key the construct sits under (unique in the file) for inline constructs.
    """

    kind: SiteKind
    node: Node
    callee: str
    module: str
    binding: str
    context: Literal["top", "function", "loop"]
    exported: bool = False
    inline: bool = False
    top_level_await: bool = False


@dataclass(frozen=True, slots=True)
class Symbol:
    """Where a name resolves to.

    ``local``: a top-level declaration ``name`` in project file ``file`` (``node`` is its
    declarator or declaration); ``namespace``: the whole module ``file``; ``external``: ``name``
    imported from npm module ``module``.
    """

    kind: Literal["local", "namespace", "external"]
    name: str
    file: str | None = None
    module: str | None = None
    node: Node | None = None


@dataclass(slots=True)
class ParsedFile:
    """A file of the project, parsed once: its syntax, summary and parse diagnostics."""

    path: str
    syntax: Syntax | None
    info: ModuleInfo
    source: SourceFile | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _sites: list[Site] | None = None
    _site_index: dict[int, Site] | None = None


def _loc(path: str, node: Node) -> Loc:
    line, col = Syntax.position(node)
    end_line, end_col = Syntax.end_position(node)
    return Loc(file=path, line=line, column=col, end_line=end_line, end_column=end_col)


# "not cached yet" (None is a cached answer)
_UNKNOWN = object()


class ModuleGraph:
    """The project's files and the names they import from each other.

    Files are parsed on first use and cached; nothing here raises on bad input.
    """

    def __init__(
        self,
        root: Path,
        paths: Iterable[str],
        *,
        tsconfigs: dict[str, TsConfigPaths] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.paths: set[str] = set(paths)
        self.diagnostics: list[Diagnostic] = []
        self._files: dict[str, ParsedFile] = {}
        self._by_syntax: dict[int, str] = {}
        if tsconfigs is None:
            tsconfigs = self._find_tsconfigs()
        self.tsconfigs = tsconfigs
        self._resolve_cache: dict[tuple[str, str], str | None] = {}
        # what resolve_local / resolve_export answered (path, name) with when called afresh
        # (without a ``_seen`` set): it depends only on the files, which never change
        self._local_cache: dict[tuple[str, str], Symbol | None] = {}
        # alias specifiers resolved through a tsconfig (kept alive by self.tsconfigs): id -> path
        self._alias_cache: dict[tuple[int, str], str | None] = {}
        self._tsconfig_by_dir: dict[str, TsConfigPaths | None] = {}
        self._export_cache: dict[tuple[str, str], Symbol | None] = {}

    # -- files --------------------------------------------------------------------------------

    def _find_tsconfigs(self) -> dict[str, TsConfigPaths]:
        dirs = {str(PurePosixPath(p).parent) for p in self.paths} | {"."}
        found: dict[str, TsConfigPaths] = {}
        checked: set[str] = set()
        for d in sorted(dirs):
            current = PurePosixPath(d)
            while True:
                key = str(current)
                if key in checked:
                    break
                checked.add(key)
                candidate = self.root / key / "tsconfig.json"
                if candidate.is_file():
                    found[key] = load_tsconfig(candidate, self.diagnostics, self.root)
                if key == ".":
                    break
                current = current.parent
        return found

    def tsconfig_for(self, path: str) -> TsConfigPaths | None:
        """The nearest tsconfig.json above a file, if any."""
        directory = path.rpartition("/")[0]
        found = self._tsconfig_by_dir.get(directory, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._tsconfig_by_dir[directory] = self._nearest_tsconfig(path)
        return found  # type: ignore[return-value]

    def _nearest_tsconfig(self, path: str) -> TsConfigPaths | None:
        current = PurePosixPath(path).parent
        while True:
            cfg = self.tsconfigs.get(str(current))
            if cfg is not None:
                return cfg
            if str(current) == ".":
                return None
            current = current.parent

    def get(self, path: str) -> ParsedFile | None:
        """The parsed file (parsing it on first use); None if it is not a project file."""
        cached = self._files.get(path)
        if cached is not None:
            return cached
        if path not in self.paths:
            return None
        parsed = self._load(path)
        self._files[path] = parsed
        if parsed.syntax is not None:
            self._by_syntax[id(parsed.syntax)] = path
        return parsed

    def path_of(self, syntax: Syntax) -> str | None:
        """The project-relative path a Syntax was parsed from."""
        return self._by_syntax.get(id(syntax))

    def _load(self, path: str) -> ParsedFile:
        language = language_for_path(path) or "ts"
        full = self.root / path
        diagnostics: list[Diagnostic] = []
        try:
            data = full.read_bytes()
        except OSError as exc:
            diagnostics.append(_diag(RULE_DECODE, "error", f"could not read {path}: {exc}", path))
            return ParsedFile(path, None, ModuleInfo(), None, diagnostics)
        if len(data) > MAX_FILE_SIZE:
            diagnostics.append(
                _diag(
                    RULE_LARGE_FILE,
                    "warning",
                    f"{path} is {len(data)} bytes (limit {MAX_FILE_SIZE}); skipped",
                    path,
                )
            )
            return ParsedFile(path, None, ModuleInfo(), None, diagnostics)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            diagnostics.append(
                Diagnostic(
                    rule=RULE_DECODE.id,
                    severity="error",
                    message=f"{path} is not valid UTF-8 (byte {exc.start}: {exc.reason}); skipped",
                    loc=Loc(file=path, line=line, column=column),
                    hint=RULE_DECODE.fix,
                )
            )
            return ParsedFile(path, None, ModuleInfo(), None, diagnostics)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        syntax = parse(data, language)
        share(syntax)  # the emitter reads this file again when translating its functions
        errors = syntax.errors() if syntax.has_errors else []
        for site in errors:
            if site.missing:
                what = f"missing `{site.text}`"
            elif site.end_line is not None and site.end_line > site.line:
                what = (
                    f"could not parse `{_short(site.text)}` (lines {site.line}-{site.end_line}); "
                    "constructs in that range were skipped"
                )
            else:
                what = f"unexpected `{_short(site.text)}`"
            diagnostics.append(
                Diagnostic(
                    rule=RULE_SYNTAX.id,
                    severity="error",
                    message=f"syntax error in {path} at {site.line}:{site.column}: {what}",
                    loc=Loc(
                        file=path,
                        line=site.line,
                        column=site.column,
                        end_line=site.end_line,
                        end_column=site.end_column,
                    ),
                    hint=RULE_SYNTAX.fix,
                )
            )
        info = summarize(syntax)
        mastra_imports = sorted(
            {b.module for b in info.imports.values() if b.module.startswith("@mastra/")}
        )
        source = SourceFile(
            path=path,
            language=language,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            parse_errors=len(errors),
            mastra_imports=mastra_imports,
        )
        parsed = ParsedFile(path, syntax, info, source, diagnostics)
        for specifier, stmt in info.specifiers:
            if (
                self._is_project_specifier(path, specifier)
                and self.resolve(path, specifier) is None
            ):
                diagnostics.append(
                    Diagnostic(
                        rule=RULE_UNRESOLVED_IMPORT.id,
                        severity="warning",
                        message=f"import {specifier!r} in {path} does not resolve to a project file",
                        loc=_loc(path, stmt),
                        hint=RULE_UNRESOLVED_IMPORT.fix,
                    )
                )
        return parsed

    # -- specifiers ---------------------------------------------------------------------------

    def _is_project_specifier(self, path: str, specifier: str) -> bool:
        if specifier.startswith((".", "/")):
            return True
        cfg = self.tsconfig_for(path)
        if cfg is None:
            return False
        return any(_alias_match(pattern, specifier) is not None for pattern, _ in cfg.paths)

    def resolve(self, from_path: str, specifier: str) -> str | None:
        """The project file an import specifier names, or None (npm module or missing file)."""
        key = (from_path, specifier)
        if key in self._resolve_cache:
            return self._resolve_cache[key]
        result = self._resolve(from_path, specifier)
        self._resolve_cache[key] = result
        return result

    def _resolve(self, from_path: str, specifier: str) -> str | None:
        if specifier.startswith("."):
            base = PurePosixPath(from_path).parent / specifier
            return self._probe(_normalize(str(base)))
        if specifier.startswith("/"):
            return None
        cfg = self.tsconfig_for(from_path)
        if cfg is None:
            return None
        # the answer depends on the tsconfig, not on the importing file: many files share one
        key = (id(cfg), specifier)
        found = self._alias_cache.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._alias_cache[key] = self._resolve_alias(cfg, specifier)
        return found  # type: ignore[return-value]

    def _resolve_alias(self, cfg: TsConfigPaths, specifier: str) -> str | None:
        for pattern, targets in cfg.paths:
            star = _alias_match(pattern, specifier)
            if star is None:
                continue
            for target in targets:
                candidate = (cfg.paths_base / target.replace("*", star)).resolve()
                rel = self._relative(candidate)
                if rel is not None:
                    found = self._probe(rel)
                    if found is not None:
                        return found
        if cfg.base_url is not None:
            rel = self._relative((cfg.base_url / specifier).resolve())
            if rel is not None:
                return self._probe(rel)
        return None

    def _relative(self, candidate: Path) -> str | None:
        try:
            return candidate.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def _probe(self, base: str) -> str | None:
        if base.startswith(".."):
            return None
        if base in self.paths:
            return base
        suffix = PurePosixPath(base).suffix
        if suffix in _JS_TO_TS:
            stem = base[: -len(suffix)]
            for ts_suffix in _JS_TO_TS[suffix]:
                if stem + ts_suffix in self.paths:
                    return stem + ts_suffix
        for ext in _RESOLVE_SUFFIXES:
            if base + ext in self.paths:
                return base + ext
        for ext in _RESOLVE_SUFFIXES:
            candidate = f"{base}/index{ext}" if base not in ("", ".") else f"index{ext}"
            if candidate in self.paths:
                return candidate
        return None

    # -- names --------------------------------------------------------------------------------

    def resolve_local(
        self, path: str, name: str, _seen: set[tuple[str, str]] | None = None
    ) -> Symbol | None:
        """What a top-level name of a file refers to (its declaration, or through its import)."""
        if _seen is not None:
            return self._resolve_local(path, name, _seen)
        key = (path, name)
        found = self._local_cache.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._local_cache[key] = self._resolve_local(path, name, None)
        return found  # type: ignore[return-value]

    def _resolve_local(
        self, path: str, name: str, _seen: set[tuple[str, str]] | None
    ) -> Symbol | None:
        parsed = self.get(path)
        if parsed is None:
            return None
        info = parsed.info
        node = info.declarations.get(name)
        if node is not None:
            return Symbol("local", name, file=path, node=node)
        binding = info.imports.get(name)
        if binding is None:
            return None
        target = self.resolve(path, binding.module)
        if target is None:
            return Symbol("external", binding.name, module=binding.module)
        if binding.name == "*":
            return Symbol("namespace", name, file=target)
        return self.resolve_export(target, binding.name, _seen)

    def resolve_export(
        self, path: str, name: str, _seen: set[tuple[str, str]] | None = None
    ) -> Symbol | None:
        """What ``import { name } from '<path>'`` refers to, following re-exports and barrels."""
        if _seen is not None:
            return self._resolve_export(path, name, _seen)
        key = (path, name)
        found = self._export_cache.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._export_cache[key] = self._resolve_export(path, name, set())
        return found  # type: ignore[return-value]

    def _resolve_export(self, path: str, name: str, seen: set[tuple[str, str]]) -> Symbol | None:
        if (path, name) in seen or len(seen) > 64:
            return None
        seen.add((path, name))
        parsed = self.get(path)
        if parsed is None:
            return None
        info = parsed.info
        local = info.exports.get(name)
        if local is not None:
            if local == DEFAULT_KEY:
                return Symbol("local", DEFAULT_KEY, file=path, node=info.declarations.get(local))
            return self.resolve_local(path, local, seen)
        re_export = info.reexports.get(name)
        if re_export is not None:
            spec, imported = re_export
            target = self.resolve(path, spec)
            if target is None:
                return Symbol("external", imported, module=spec)
            if imported == "*":
                return Symbol("namespace", name, file=target)
            return self.resolve_export(target, imported, seen)
        if name == "default":
            return None
        for spec in info.star_reexports:
            target = self.resolve(path, spec)
            if target is None:
                continue
            found = self.resolve_export(target, name, seen)
            if found is not None:
                return found
        return None

    def origin(self, path: str, callee: Node, syntax: Syntax) -> tuple[str, str] | None:
        """The npm ``(module, exported name)`` a callee (``X`` or ``ns.X``) resolves to."""
        if callee.type == "identifier":
            sym = self.resolve_local(path, syntax.text(callee))
            if sym is not None and sym.kind == "external" and sym.module is not None:
                return sym.module, sym.name
            return None
        if callee.type == "member_expression":
            obj = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if obj is None or prop is None or obj.type != "identifier":
                return None
            sym = self.resolve_local(path, syntax.text(obj))
            if sym is None:
                return None
            if sym.kind == "external" and sym.module is not None and sym.name in ("*", "default"):
                return sym.module, syntax.text(prop)
            if sym.kind == "namespace" and sym.file is not None:
                inner = self.resolve_export(sym.file, syntax.text(prop))
                if inner is not None and inner.kind == "external" and inner.module is not None:
                    return inner.module, inner.name
        return None

    # -- construct sites ----------------------------------------------------------------------

    def sites(self, path: str) -> list[Site]:
        """The Mastra constructs of a file, in source order (computed once per file)."""
        parsed = self.get(path)
        if parsed is None or parsed.syntax is None:
            return []
        if parsed._sites is None:
            parsed._sites = self._find_sites(parsed)
            parsed._site_index = {s.node.id: s for s in parsed._sites}
        return parsed._sites

    def site_at(self, path: str, node: Node) -> Site | None:
        """The construct site whose node is ``node`` (or whose chain starts with it)."""
        self.sites(path)
        parsed = self._files.get(path)
        if parsed is None or parsed._site_index is None:
            return None
        return parsed._site_index.get(node.id)

    def _find_sites(self, parsed: ParsedFile) -> list[Site]:
        syntax = parsed.syntax
        assert syntax is not None
        info = parsed.info
        # local aliases of constructs (import { Agent as A }) need the generic query
        aliased = any(
            local != b.name
            and (
                (b.name, True) in _CONSTRUCTS
                or (b.name, False) in _CONSTRUCTS
                or _STORAGE_RE.match(b.name) is not None
            )
            for local, b in info.imports.items()
        )
        candidates = (
            [match["site"][0] for match in syntax.matches(_ALL_CALLS_QUERY)]
            if aliased
            else _named_sites(syntax)
        )
        found: list[tuple[Node, SiteKind, str, str]] = []
        for site_node in candidates:
            callee = site_node.child_by_field_name(
                "constructor" if site_node.type == "new_expression" else "function"
            )
            if callee is None:
                continue
            origin = self.origin(parsed.path, callee, syntax)
            if origin is None:
                continue
            module, name = origin
            if not module.startswith("@mastra/"):
                continue
            is_new = site_node.type == "new_expression"
            kind = _CONSTRUCTS.get((name, is_new))
            if kind is None and is_new and _STORAGE_RE.match(name) and name != "Memory":
                kind = "storage"
            if kind is None:
                continue
            found.append((site_node, kind, name, module))
        found.sort(key=lambda t: t[0].start_byte)
        used = set(info.declarations)
        sites: list[Site] = []
        enclosing: list[Site] = []
        for node, kind, name, module in found:
            top = _chain_top(node) if kind in ("workflow", "legacy_workflow") else node
            site = self._describe_site(syntax, info, node, top, kind, name, module, used, enclosing)
            sites.append(site)
        return sites

    def _describe_site(
        self,
        syntax: Syntax,
        info: ModuleInfo,
        node: Node,
        top: Node,
        kind: SiteKind,
        name: str,
        module: str,
        used: set[str],
        enclosing: list[Site],
    ) -> Site:
        current = top
        top_await = False
        parent = current.parent
        while parent is not None and parent.type in _PASS_THROUGH:
            if parent.type == "await_expression":
                top_await = True
            current, parent = parent, parent.parent
        binding: str | None = None
        exported = False
        inline = False
        key: str | None = None
        if parent is not None and parent.type == "variable_declarator":
            name_node = parent.child_by_field_name("name")
            if name_node is not None and name_node.type == "identifier":
                binding = syntax.text(name_node)
                exported = binding in info.exports.values()
        elif parent is not None and parent.type == "export_statement":
            binding, exported = "default", True
        else:
            inline = True
            if parent is not None and parent.type == "pair":
                k = parent.child_by_field_name("key")
                if k is not None:
                    key = string_literal(syntax, k) or syntax.text(k)
        context: Literal["top", "function", "loop"] = "top"
        anc = parent
        while anc is not None:
            if anc.type in _FUNCTIONS:
                context = "function"
                break
            if anc.type in _LOOPS:
                context = "loop"
                break
            anc = anc.parent
        if context != "top":
            top_await = False
        if binding is None:
            outer = next(
                (
                    s
                    for s in reversed(enclosing)
                    if s.node.start_byte <= top.start_byte < s.node.end_byte
                ),
                None,
            )
            base = _identifier_from(key) if key else kind.split("_")[-1]
            generic = ("memory", "storage", "vector", "default", "model", "mcp", "step", "tool")
            if base in generic and outer is not None:
                base = outer.binding + base[:1].upper() + base[1:]
            binding = base
            n = 2
            while binding in used:
                binding = f"{base}{n}"
                n += 1
        if inline or binding != "default":
            used.add(binding)
        site = Site(
            kind=kind,
            node=top,
            callee=name,
            module=module,
            binding=binding,
            context=context,
            exported=exported,
            inline=inline,
            top_level_await=top_await,
        )
        enclosing.append(site)
        return site


def _identifier_from(key: str) -> str:
    parts = re.split(r"[^A-Za-z0-9_$]+", key)
    out = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    if not out or out[0].isdigit():
        out = "_" + out
    return out


def _chain_top(node: Node) -> Node:
    """For ``createWorkflow(...).then(a).commit()``, the outermost call of the chain."""
    current = node
    while True:
        parent = current.parent
        if parent is None or parent.type != "member_expression":
            return current
        grand = parent.parent
        if grand is None or grand.type != "call_expression":
            return current
        current = grand


def _normalize(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append("..")
        else:
            parts.append(part)
    return "/".join(parts)


def _alias_match(pattern: str, specifier: str) -> str | None:
    """The ``*`` part of a tsconfig ``paths`` pattern matched by a specifier, or None."""
    if "*" not in pattern:
        return "" if pattern == specifier else None
    prefix, _, suffix = pattern.partition("*")
    if specifier.startswith(prefix) and specifier.endswith(suffix):
        return specifier[len(prefix) : len(specifier) - len(suffix)]
    return None


def _short(text: str) -> str:
    text = text.replace("\n", " ").strip()
    return text if len(text) <= 40 else text[:37] + "..."


def _diag(
    rule: object, severity: Literal["info", "warning", "todo", "error"], message: str, path: str
) -> Diagnostic:
    rule_id = getattr(rule, "id", str(rule))
    return Diagnostic(
        rule=rule_id,
        severity=severity,
        message=message,
        loc=Loc(file=path, line=1, column=1),
        hint=getattr(rule, "fix", None),
    )


# ---------------------------------------------------------------------------------------------
# Version detection
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """The project's @mastra/core version (range or exact), the API generation, and why."""

    version: str | None
    generation: Literal["0.x", "1.x"]
    reason: str


_PACKAGE = "@mastra/core"


def _generation_of(spec: str) -> Literal["0.x", "1.x"] | None:
    """0.x or 1.x from a version or range (``^0.10.5``, ``~1.2``, ``>=0.9 <1``, ``1.0.0-beta.3``)."""
    m = re.search(r"(?<![\w.])v?(\d+)\.(\d+|x|\*)", spec) or re.search(
        r"(?<![\w.])v?(\d+)(?![\w.])", spec
    )
    if m is None:
        return None
    major = int(m.group(1))
    return "0.x" if major == 0 else "1.x"


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _package_jsons(root: Path, paths: Iterable[str]) -> list[Path]:
    dirs = {PurePosixPath(p).parent for p in paths}
    candidates = [root / "package.json"]
    for d in sorted(dirs, key=lambda p: (len(p.parts), str(p))):
        current = d
        while str(current) != ".":
            candidates.append(root / str(current) / "package.json")
            current = current.parent
    out: list[Path] = []
    seen: set[Path] = set()
    for c in candidates:
        if c not in seen and c.is_file():
            seen.add(c)
            out.append(c)
    return out


def _pnpm_catalog(root: Path, name: str) -> str | None:
    """Resolve ``catalog:`` / ``catalog:<name>`` for @mastra/core from pnpm-workspace.yaml."""
    text = _read_text(root / "pnpm-workspace.yaml")
    if text is None:
        return None
    section: list[str] = []  # path of keys by indentation
    indents: list[int] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#") or line.lstrip().startswith("-"):
            continue
        indent = len(line) - len(line.lstrip())
        key, sep, value = line.strip().partition(":")
        if not sep:
            continue
        key = key.strip().strip("'\"")
        value = value.strip().strip("'\"")
        while indents and indents[-1] >= indent:
            indents.pop()
            section.pop()
        if key == _PACKAGE and value:
            if name == "" and section == ["catalog"]:
                return value
            if name == "" and section == ["catalogs", "default"]:
                return value
            if name and section == ["catalogs", name]:
                return value
        if not value:
            section.append(key)
            indents.append(indent)
    return None


def _lockfile_version(root: Path) -> tuple[str, str] | None:
    """(exact version, lockfile name) of @mastra/core from the first lockfile that has it."""
    text = _read_text(root / "package-lock.json")
    if text is not None:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            pkgs = data.get("packages")
            if isinstance(pkgs, dict):
                entry = pkgs.get(f"node_modules/{_PACKAGE}")
                if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                    return entry["version"], "package-lock.json"
            deps = data.get("dependencies")
            if isinstance(deps, dict):
                entry = deps.get(_PACKAGE)
                if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                    return entry["version"], "package-lock.json"
    text = _read_text(root / "pnpm-lock.yaml")
    if text is not None:
        m = re.search(
            r"^\s*['\"]?@mastra/core['\"]?:\s*\n\s*specifier:[^\n]*\n\s*version:\s*['\"]?([0-9][^\s('\"]*)",
            text,
            re.M,
        )
        if m is None:
            m = re.search(r"^\s*['\"]?/?@mastra/core[@/]([0-9][^\s(:'\"]*)", text, re.M)
        if m is not None:
            return m.group(1), "pnpm-lock.yaml"
    text = _read_text(root / "yarn.lock")
    if text is not None:
        m = re.search(r'^"?@mastra/core@[^\n]*:\s*\n\s+version:?\s+"?([0-9][^"\s]*)', text, re.M)
        if m is not None:
            return m.group(1), "yarn.lock"
    text = _read_text(root / "bun.lock")
    if text is not None:
        m = re.search(r'"@mastra/core":\s*\[\s*"@mastra/core@([0-9][^"]*)"', text)
        if m is not None:
            return m.group(1), "bun.lock"
    return None


_ZERO_X_MODULES = (
    "@mastra/core/runtime-context",
    "@mastra/core/di",
    "@mastra/core/workflows/legacy",
    "@mastra/core/workflows/vNext",
)
_ZERO_X_NAMES = frozenset(
    {"MCPConfiguration", "MastraMCPClient", "RuntimeContext", "LegacyWorkflow", "LegacyStep"}
)


def detect_version(root: Path, graph: ModuleGraph) -> VersionInfo:
    """Decide 0.x vs 1.x: package.json (and pnpm catalogs), then lockfiles, then import style."""
    for pkg in _package_jsons(root, graph.paths):
        text = _read_text(pkg)
        if text is None:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        rel = pkg.relative_to(root).as_posix()
        for section in ("dependencies", "devDependencies", "peerDependencies"):
            deps = data.get(section)
            spec = deps.get(_PACKAGE) if isinstance(deps, dict) else None
            if not isinstance(spec, str):
                continue
            if spec.startswith("catalog:"):
                resolved = _pnpm_catalog(root, spec[len("catalog:") :].strip())
                if resolved is not None:
                    gen = _generation_of(resolved)
                    if gen is not None:
                        return VersionInfo(
                            resolved,
                            gen,
                            f"{rel}: {_PACKAGE} {spec} -> pnpm-workspace.yaml catalog {resolved}",
                        )
            gen = _generation_of(spec)
            if gen is not None:
                return VersionInfo(spec, gen, f"{rel}: {_PACKAGE} {spec}")
    locked = _lockfile_version(root)
    if locked is not None:
        version, lockfile = locked
        gen = _generation_of(version)
        if gen is not None:
            return VersionInfo(version, gen, f"{lockfile}: {_PACKAGE} {version}")
    return _version_from_imports(graph)


def _version_from_imports(graph: ModuleGraph) -> VersionInfo:
    root_imports: list[str] = []
    subpath = False
    for path in sorted(graph.paths):
        parsed = graph.get(path)
        if parsed is None:
            continue
        for local, b in parsed.info.imports.items():
            if b.module in _ZERO_X_MODULES or (
                b.module.startswith("@mastra/") and b.name in _ZERO_X_NAMES
            ):
                return VersionInfo(
                    None,
                    "0.x",
                    f"no version found; assumed 0.x from `{b.name}` imported from {b.module} in {path}",
                )
            if b.module == _PACKAGE and b.name not in ("Mastra", "*", "default"):
                root_imports.append(f"`{local}` in {path}")
            elif b.module.startswith(_PACKAGE + "/"):
                subpath = True
    if root_imports:
        return VersionInfo(
            None,
            "0.x",
            f"no version found; assumed 0.x from root @mastra/core imports ({root_imports[0]})",
        )
    if subpath:
        return VersionInfo(None, "1.x", "no version found; assumed 1.x from subpath imports")
    return VersionInfo(None, "1.x", "no version found and no @mastra/core imports; assumed 1.x")
