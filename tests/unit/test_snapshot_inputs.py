"""What a snapshot depends on and holds, decided on the host: the imports made at build time, the cut standard
library, and the cache key (a new snapshot whenever anything that goes into it changes)."""
import io
import zipfile
from pathlib import Path

import pytest

from ttminis.build import snapshot
from ttminis.build.native_pyodide import RuntimeParts


def test_imports_are_found_at_any_depth_and_in_any_syntax():
    source = ("import json, os.path as p\nfrom ttminis import game\nfrom . import sibling\n"
              "def later():\n    import random  # lazily\n    from collections.abc import Mapping\n"
              "type Alias = list[int]   # Python 3.12+ syntax the host's parser may not know\n")
    assert snapshot.imports_of([source]) == ["collections.abc", "json", "os.path", "random", "ttminis"]


def test_a_name_imported_from_a_package_is_tried_as_a_submodule():
    code = [("main.py", b"from ttminis import game, screen as s\nfrom os import (path,\n    sep)\nimport ttminis.screen\n")]
    assert snapshot.build_imports(code, {"main"}) == ["?os.path", "?os.sep", "?ttminis.game",
                                                      "os", "ttminis", "ttminis.screen"]


def test_the_game_s_own_modules_never_run_at_build_time():
    code = [("main.py", b"import shop\nimport json\nimport this\nfrom helpers.util import x\n"),
            ("shop.py", b"import random\n"), ("helpers/util.py", b"import bisect\n"),
            ("ttminis/sdk.py", b"import asyncio\n")]        # a library's own imports come with it
    assert snapshot.build_imports(code, {"main", "shop", "helpers"}) == ["bisect", "json", "random"]


def stdlib_zip(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return out.getvalue()


STDLIB = {
    "json/__init__.py": "from .decoder import JSONDecoder\n",
    "json/decoder.py": "import re\n",
    "json/tool.py": "import argparse\n",
    "re/__init__.py": "from . import _compiler\n",
    "re/_compiler.py": "",
    "argparse.py": "def _lazy():\n    import gettext\n",
    "gettext.py": "",
    "tomllib/__init__.py": "",
    "encodings/__init__.py": "",
    "encodings/latin_1.py": "",
}


def test_the_standard_library_keeps_what_is_loaded_and_what_its_sources_import():
    full = stdlib_zip(STDLIB)
    modules = snapshot._stdlib_modules(full)
    kept = snapshot._closure(snapshot._expand({"json", "encodings"}, modules), full, modules)
    assert kept == {"json", "json.decoder", "json.tool", "re", "re._compiler", "argparse", "gettext",
                    "encodings", "encodings.latin_1"}
    trimmed = zipfile.ZipFile(io.BytesIO(snapshot.trim_stdlib(full, kept)))
    assert "tomllib/__init__.py" not in trimmed.namelist()
    assert trimmed.read("json/decoder.py") == b"import re\n"


@pytest.fixture
def inputs(tmp_path):
    """Files standing in for Pyodide's and the native bundle's, to compute keys from."""
    runtime = tmp_path / "pyodide"
    runtime.mkdir()
    (runtime / "python_stdlib.zip").write_bytes(stdlib_zip(STDLIB))
    bundle, wasm = tmp_path / "pyodide-native.js", tmp_path / "pyodide.asm.wasm.br"
    bundle.write_text("bundle v1")
    wasm.write_bytes(b"wasm v1")
    parts = RuntimeParts(bundle=bundle, wasm_br=wasm, modules={}, error_module=None, trampoline=None,
                         stdlib=runtime / "python_stdlib.zip", lock_info={})
    code = [("main.py", b"import json\nSPEED = 1\n"), ("ttminis/sdk.py", b"x = 1\n"), ("req.py", b"y = 1\n")]
    return {"parts": parts, "runtime": runtime, "code": code}


def key(inputs, target="native", code=None, keep=()):
    return snapshot.key(target, code or inputs["code"], {"main"}, keep, inputs["parts"], inputs["runtime"])


def test_a_new_snapshot_whenever_ttminis_a_requirement_pyodide_or_the_imports_change(inputs):
    base = key(inputs)
    changed_code = [(rel, data + b"# changed\n") if rel != "main.py" else (rel, data) for rel, data in inputs["code"]]
    assert key(inputs, code=changed_code) != base                               # ttminis and the requirement
    assert key(inputs, code=[("main.py", b"import json\nimport random\n")] + inputs["code"][1:]) != base
    assert key(inputs, target="html") != base
    assert key(inputs, keep=["tomllib"]) != base
    Path(inputs["parts"].bundle).write_text("bundle v2")                       # Pyodide's JS, ttminis's boot
    assert key(inputs) != base
    Path(inputs["parts"].bundle).write_text("bundle v1")
    inputs["parts"].wasm_br.write_bytes(b"wasm v2")                             # Pyodide's wasm
    assert key(inputs) != base


def test_the_game_s_own_code_counts_only_through_what_it_imports(inputs):
    same_imports = [("main.py", b"import json\nSPEED = 2  # the game never runs at build time\n")]
    assert key(inputs, code=same_imports + inputs["code"][1:]) == key(inputs)


def test_the_snapshot_brotli_quality_is_checked(monkeypatch):
    monkeypatch.setenv("TTMINIS_SNAPSHOT_BROTLI", "12")
    with pytest.raises(snapshot.BuildError, match="TTMINIS_SNAPSHOT_BROTLI must be a brotli quality 1..11"):
        snapshot.brotli_quality()
