"""Functions whose body a person must write: a TODO comment with the original, then a raise."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from converters.emit.context import Scope
from converters.emit.module import comment_lines, source_comment_lines
from converters.emit.values import docstring_literal, string_literal
from converters.ir import Loc
from converters.rules import Rule, docs_link

__all__ = ["todo_function"]


def todo_function(
    scope: Scope,
    *,
    name: str,
    params: Sequence[tuple[str, cst.BaseExpression | None]],
    returns: cst.BaseExpression | None,
    rule: Rule,
    title: str,
    loc: Loc | None,
    source: str | None,
    message: str,
    is_async: bool = False,
    docstring: str | None = None,
    report: bool = True,
    notes: Sequence[str] = (),
) -> None:
    """Add ``def name(...) -> ...:`` whose body is the TODO comment block and ``raise NotImplementedError``.

    ``title`` is the first comment line after ``TODO(lumos-migrate)``; ``source`` the original
    TypeScript kept below it; ``message`` the text of the exception (and of the report entry).
    """
    if report:
        scope.ctx.report(rule, message, loc)
    lines = [f"TODO(lumos-migrate): {title} [{rule.id}]", f"  see {docs_link(rule.id)}"]
    lines.extend(f"  {note}" for note in notes)
    if source:
        lines.extend("  " + line if line else "" for line in source_comment_lines(source))
    where = f" ({loc.file}:{loc.line})" if loc else ""
    raise_stmt = cst.SimpleStatementLine(
        [
            cst.Raise(
                exc=cst.Call(
                    func=cst.Name("NotImplementedError"),
                    args=[cst.Arg(string_literal(f"lumos-migrate {rule.id}: {message}{where}"))],
                )
            )
        ],
        leading_lines=comment_lines(lines),
    )
    body: list[cst.BaseStatement] = []
    if docstring:
        body.append(cst.SimpleStatementLine([cst.Expr(docstring_literal(docstring))]))
    body.append(raise_stmt)
    scope.add(
        cst.FunctionDef(
            name=cst.Name(name),
            params=_parameters(params),
            returns=cst.Annotation(returns) if returns is not None else None,
            body=cst.IndentedBlock(body=body),
            asynchronous=cst.Asynchronous() if is_async else None,
        )
    )


def _parameters(params: Sequence[tuple[str, cst.BaseExpression | None]]) -> cst.Parameters:
    """Parameters; names ``*args`` and ``**kwargs`` become the star parameters."""
    plain: list[cst.Param] = []
    star: cst.Param | None = None
    star_kwarg: cst.Param | None = None
    for name, annotation in params:
        param = cst.Param(
            name=cst.Name(name.lstrip("*")),
            annotation=cst.Annotation(annotation) if annotation is not None else None,
        )
        if name.startswith("**"):
            star_kwarg = param
        elif name.startswith("*"):
            star = param
        else:
            plain.append(param)
    return cst.Parameters(
        params=plain, star_arg=star or cst.MaybeSentinel.DEFAULT, star_kwarg=star_kwarg
    )
