"""ttminis as a user gets it: the README's install and first hour, run as written, from a copy of the
checkout, in a fresh venv with no checkout on the path.

The README's "Install" block runs in a folder holding a copy of the checkout named ``ttminis`` (its
``make -C ttminis wheel`` builds the wheel there, and the copy is what is installed, so the checkout is
left untouched); its "Your first hour" block then runs line by line in that venv: ``ttminis new``, the
starter's own tests, the preview (``--serve``, on a free port instead of 8000, stopped once it serves the
page), ``ttminis simulate`` and the upload zip with ``TIKTOK_APP_ID`` set. The pinned runtimes and Node
tools come from the shared cache (``~/.cache/ttminis``).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STUB_PACKAGES = {"js-stubs", "pyodide-stubs", "browser-stubs", "javascript-stubs"}
APP_ID = "tt0a1b2c3d4e5f6789"


def run(args, cwd, env, timeout=600):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def readme_block(section):
    """The sh block under the README's ``## <section>`` heading, as lines without their comments."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", part, re.S).group(1)
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    """The README's install, run as written: a venv ``venv`` holding the wheel ``make wheel`` built (and
    pytest), and an environment without the checkout or the suite's own venv."""
    home = tmp_path_factory.mktemp("user")
    checkout = home / "ttminis"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md", "Makefile"):
        shutil.copy2(REPO / name, checkout / name)
    shutil.copytree(REPO / "shim", checkout / "shim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    suite_bin = str(Path(sys.executable).parent)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS") and not key.startswith("PYTEST_")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != suite_bin)
    script = "set -e\n" + "\n".join(readme_block("Install")) + "\nwhich ttminis\n"
    where = run(["bash", "-c", script], cwd=home, env=env, timeout=900).strip().splitlines()[-1]
    venv = home / "venv"
    assert where == str(venv / "bin" / "ttminis")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    return home, venv, env


@pytest.fixture(scope="module")
def wheel(user):
    home, _venv, _env = user
    (found,) = (home / "ttminis" / "dist").glob("ttminis-*.whl")
    return found


def test_the_wheel_holds_ttminis_and_stub_only_packages_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        top = set(zf.read(top_level).decode().split())
        entry_points = zf.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert top == {"ttminis"} | STUB_PACKAGES
    roots = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert roots == {"ttminis"} | STUB_PACKAGES
    for name in names:      # a -stubs folder can never be imported: it must hold stubs only
        if name.split("/")[0] in STUB_PACKAGES:
            assert name.endswith((".pyi", "/py.typed")), name
    assert "ttminis = ttminis.build.cli:command" in entry_points
    assert "ttminis = ttminis.pytest_plugin" in entry_points
    assert "ttminis/build/starter-game/main.py" in names and "ttminis/py.typed" in names


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_until_it_answers(command, cwd, env, port):
    """``ttminis build --serve`` runs until stopped: start it, fetch its page, stop it with Ctrl+C's signal."""
    process = subprocess.Popen(["bash", "-c", f"exec {command} --port {port}"], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in process.stdout:
            if f"http://127.0.0.1:{port}/" in line:
                break
        else:
            raise AssertionError(f"{command} ended without serving (exit {process.wait()})")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as page:
            assert page.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def test_the_readmes_first_hour_works_as_written(user):
    home, venv, env = user
    python = venv / "bin" / "python"
    where = run([python, "-c", "import ttminis; print(ttminis.__file__)"], cwd=home, env=env).strip()
    assert where.startswith(str(venv)) and str(REPO) not in where

    env = {**env, "TIKTOK_APP_ID": APP_ID}
    cwd = home
    lines = readme_block("Your first hour")
    assert any(line.startswith("ttminis build --zip") for line in lines)
    for line in lines:
        if line.startswith("cd "):
            cwd = cwd / line[3:]
        elif "--serve" in line:
            serve_until_it_answers(line, cwd, env, free_port())
        else:
            run(["bash", "-c", line], cwd=cwd, env=env, timeout=900)
    game = home / "mygame"
    assert (game / "dist" / "mygame-native" / "game.json").is_file() and (game / "frame.png").is_file()
    with zipfile.ZipFile(game / "dist" / "mygame-native.zip") as zf:
        assert "game.json" in zf.namelist()
        assert f'"appid": "{APP_ID}"' in zf.read("project.config.json").decode()


def test_from_the_wheel_the_web_bundle_builds_too(user):
    home, venv, env = user
    if not (home / "mygame").is_dir():
        run(["ttminis", "new", "mygame"], cwd=home, env=env)
    html = run(["ttminis", "build", "--target", "html"], cwd=home / "mygame", env=env)
    assert "Built " in html and (home / "mygame" / "dist" / "mygame" / "index.html").is_file()


def test_the_starter_type_checks_with_the_installed_stubs(user):
    home, venv, env = user
    if not (home / "mygame").is_dir():
        run(["ttminis", "new", "mygame"], cwd=home, env=env)
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "mypy>=1.10"],
        cwd=home, env=env)
    checked = run([venv / "bin" / "python", "-m", "mypy", "--strict", "--no-incremental", "main.py", "rules.py"],
                  cwd=home / "mygame", env=env)
    assert "Success" in checked
