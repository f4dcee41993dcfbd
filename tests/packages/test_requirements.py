"""requirements.txt is resolved with pip for Pyodide's platform; what cannot be met says what to do, an older
version is never packed silently, and the distribution list names every one packed."""
import subprocess
import sys
import tarfile

import pytest

from ttminis.build import BuildError
from ttminis.build.requirements import PLATFORM, Options, resolve

from tests.packages.conftest import make_wheel

QUIET = {"log": lambda *_: None}
TAG = f"cp314-cp314-{PLATFORM}"


def game(tmp_path, requirements, main="print('hi')\n"):
    folder = tmp_path / "game"
    folder.mkdir(exist_ok=True)
    (folder / "main.py").write_text(main)
    (folder / "requirements.txt").write_text(requirements)
    return folder


def sdist(folder, name, version):
    path = folder / f"{name}-{version}.tar.gz"
    with tarfile.open(path, "w:gz"):
        pass
    return path


def test_a_requirement_with_no_pyodide_wheel_says_to_give_pyodide_s_own_wheels(tmp_path):
    with pytest.raises(BuildError) as e:
        resolve(game(tmp_path, "numpy\n"), **QUIET)
    assert str(e.value) == (f"numpy: no {PLATFORM} wheel on the package index; give Pyodide's own wheels "
                            "with --find-links DIR")


def test_a_name_no_index_knows_is_not_reported_as_a_missing_wheel(tmp_path):
    with pytest.raises(BuildError) as e:
        resolve(game(tmp_path, "ttminis-no-such-package-xyzzy\n"), **QUIET)
    assert str(e.value).startswith("ttminis-no-such-package-xyzzy: no such package on the package index")


def test_find_links_gives_wheels_the_index_lacks_and_they_are_listed(tmp_path):
    links = tmp_path / "wheels"
    links.mkdir()
    make_wheel(links, "ttpyodideonly", "3.1", TAG,
               {"ttpyodideonly/__init__.py": b"", "ttpyodideonly/_fast.cpython-314-wasm32-emscripten.so": b"\0asm"})
    folder = game(tmp_path, "ttpyodideonly\n")
    with pytest.raises(BuildError, match="ttpyodideonly: no such package"):
        resolve(folder, **QUIET)
    resolved = resolve(folder, Options(find_links=(str(links),)), **QUIET)
    [line] = resolved.lines()
    assert line.split()[:5] == ["ttpyodideonly", "3.1", "compiled", "(1", "extension"]
    assert resolved.extension_modules() == ["ttpyodideonly/_fast.cpython-314-wasm32-emscripten.so"]
    assert resolved.compiled_modules() == {"ttpyodideonly"}


def test_an_older_version_is_never_packed_silently(tmp_path):
    links = tmp_path / "wheels"
    links.mkdir()
    make_wheel(links, "ttolder", "1.0")             # a wheel Pyodide can use ...
    sdist(links, "ttolder", "2.0")                  # ... but the newest release has none
    options = Options(find_links=(str(links),))
    with pytest.raises(BuildError) as e:
        resolve(game(tmp_path, "ttolder\n"), options, **QUIET)
    assert (f"ttolder: packed 1.0, not the newest 2.0: ttolder 2.0 has no {PLATFORM} wheel (nor a pure-Python "
            "one)") in str(e.value)
    assert "--accept-older" in str(e.value) and "ttolder==" in str(e.value)
    accepted = resolve(game(tmp_path, "ttolder\n"), Options(find_links=(str(links),), accept_older=True), **QUIET)
    assert [d.version for d in accepted.distributions] == ["1.0"]
    assert any("warn  ttolder: packed 1.0, not the newest 2.0" in line for line in accepted.lines())
    pinned = resolve(game(tmp_path, "ttolder==1.0\n"), options, **QUIET)     # asked for: not silent
    assert [d.version for d in pinned.distributions] == ["1.0"] and pinned.older == []


def test_a_zip_build_fails_on_an_import_no_requirement_provides_and_accepts_compiled_ones(tmp_path):
    main = "import msgpack\nimport numpy\n"
    folder = game(tmp_path, "msgpack\n", main)
    proc = subprocess.run([sys.executable, "-m", "ttminis", "build", str(folder), "--zip", "--out",
                           str(tmp_path / "out"), "--app-id", "tt0123456789"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "main.py:2: import numpy" in proc.stderr
    assert "import msgpack" not in proc.stderr          # a requirement with compiled code provides it
    assert not (tmp_path / "out.zip").exists()


def test_index_url_is_the_package_index_pip_resolves_from(tmp_path):
    index = tmp_path / "simple"
    (index / "ttindexed").mkdir(parents=True)
    wheel = make_wheel(index / "ttindexed", "ttindexed", "2.5", TAG,
                       {"ttindexed/__init__.py": b"", "ttindexed/_c.cpython-314-wasm32-emscripten.so": b"\0asm"})
    (index / "ttindexed" / "index.html").write_text(f'<a href="{wheel.name}">{wheel.name}</a>\n')
    folder = game(tmp_path, "ttindexed\n")
    resolved = resolve(folder, Options(index_url=index.as_uri()), **QUIET)
    assert [(d.name, d.version, d.pure) for d in resolved.distributions] == [("ttindexed", "2.5", False)]
