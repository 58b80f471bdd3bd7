"""Dynamic agent arguments (``({ requestContext, mastra }) => ...``) through the body translator."""

from __future__ import annotations

import asyncio
from typing import Any

import libcst as cst

from converters.ir import FunctionValue, Loc
from converters.translate import NotTranslated, TranslatedDynamic, translate_dynamic
from converters.translate import pyexpr as px
from converters.translate.types import STR
from lumos_compat import RequestContext, jsrt


def _translate(source: str, *, is_async: bool = False, imported: Any = None) -> Any:
    module = f"import {{ COMPANY }} from './config';\nexport const a = new Agent({{\n  instructions: {source},\n}});\n"
    column = module.splitlines()[2].index(source[:5]) + 1
    fn = FunctionValue(
        params=[],
        source=source,
        body_source="",
        is_async=is_async,
        loc=Loc(file="src/a.ts", line=3, column=column),
    )
    return translate_dynamic(fn, module_source=module, file="src/a.ts", imported=imported)


def _run(result: TranslatedDynamic, **kwargs: Any) -> Any:
    function = cst.FunctionDef(
        name=cst.Name("instructions"),
        params=cst.Parameters([cst.Param(cst.Name(p)) for p in result.params]),
        body=cst.IndentedBlock(result.body),
        asynchronous=cst.Asynchronous() if result.is_async else None,
    )
    namespace: dict[str, Any] = {"jsrt": jsrt}
    exec(cst.Module(body=[function]).code, namespace)
    value = namespace["instructions"](**kwargs)
    return asyncio.run(value) if result.is_async else value


def test_request_context_reads_and_imported_constants() -> None:
    def imported(name: str) -> Any:
        return (px.string("Northwind"), STR) if name == "COMPANY" else None

    result = _translate(
        "({ requestContext }) => {\n"
        "    const name = requestContext.get('userName') ?? 'there';\n"
        "    return `Hi ${name} from ${COMPANY}`;\n  }",
        imported=imported,
    )
    assert isinstance(result, TranslatedDynamic), result
    assert result.params == ["request_context"] and not result.is_async
    rc = RequestContext({"userName": "Ana"})
    assert _run(result, request_context=rc) == "Hi Ana from Northwind"
    assert _run(result, request_context=RequestContext()) == "Hi there from Northwind"


def test_renamed_context_mastra_and_async_are_kept() -> None:
    result = _translate(
        "async ({ requestContext: rc, mastra }) => (mastra ? rc.get('a') : 'none')", is_async=True
    )
    assert isinstance(result, TranslatedDynamic), result
    assert result.params == ["request_context", "mastra"] and result.is_async
    assert _run(result, request_context=RequestContext({"a": "x"}), mastra=object()) == "x"
    assert _run(result, request_context=RequestContext({"a": "x"}), mastra=None) == "none"


def test_outside_the_subset_names_the_construct_and_line() -> None:
    unknown_import = _translate("() => `Hi ${COMPANY}`")
    assert isinstance(unknown_import, NotTranslated)
    assert "COMPANY" in unknown_import.construct and unknown_import.loc.line == 3
    plain_param = _translate("(ctx) => ctx.requestContext.get('a')")
    assert isinstance(plain_param, NotTranslated)
    assert "only `{ requestContext, mastra }`" in plain_param.construct
    other_key = _translate("({ threadId }) => threadId")
    assert isinstance(other_key, NotTranslated) and "threadId" in other_key.construct
