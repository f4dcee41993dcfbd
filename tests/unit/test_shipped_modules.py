"""What ships inside every game stays light: no ttminis module that ships imports ``typing``.

Brython bundles every module a shipped file imports (conditional imports included), and ``typing``
pulls in ~3 MB of Brython's standard library. Type-only names come from ``ttminis/_types.pyi`` (a stub
with no module behind it) under ``if TYPE_CHECKING:``, where ``TYPE_CHECKING = False`` is defined locally.
"""
import ast

import pytest

from ttminis.build.package import shim_files

HEAVY = {"typing", "typing_extensions", "collections.abc", "dataclasses", "inspect"}


@pytest.mark.parametrize("runtime", ["pyodide", "brython"])
def test_no_shipped_module_imports_typing(runtime):
    for rel, path in shim_files(runtime):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            heavy = [n for n in names if n in HEAVY]
            assert not heavy, f"{rel}:{node.lineno} imports {heavy}: a game would load (Brython: bundle) it"


def test_type_only_names_come_from_a_stub_that_never_ships():
    shipped = {rel.name for rel, _ in shim_files("pyodide")} | {rel.name for rel, _ in shim_files("brython")}
    assert "_types.pyi" not in shipped and "_types.py" not in shipped
