"""The html bundle on Pyodide runs requirements with compiled code (their extension modules loaded before
main.py), on a first visit and on the start that restores the kept snapshot; Brython refuses them at build
time, naming each."""
import pytest

from ttminis.build import BuildError, build
from ttminis.build.serve import CSP_BY_RUNTIME, BundleServer
from ttminis.build.targets.html import FAKE

from tests.packages.conftest import GAME, check_result

QUIET = {"log": lambda *_: None}


@pytest.fixture(scope="module")
def html_bundle(packages_dist):
    return build(GAME, packages_dist / "html", target="html", runtime="pyodide", **QUIET)


@pytest.mark.browser
def test_the_html_bundle_runs_msgpack_pydantic_jiter_and_simplejson(browser, html_bundle):
    with BundleServer(html_bundle.out, CSP_BY_RUNTIME["pyodide"]) as server:
        context = browser.new_context()
        context.add_init_script(path=str(FAKE))
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        try:
            for start in ("first visit", "restored"):      # the second start restores the kept snapshot
                page.goto(server.url)
                page.wait_for_function("() => typeof window.packagesResult === 'string' || "
                                       "(window.ttminisLoader && ttminisLoader.state === 'error')", timeout=120000)
                assert page.evaluate("() => ttminisLoader.errors") == []
                assert page.evaluate("() => ttminisLoader.timings.snapshot") == start
                check_result(page.evaluate("() => window.packagesResult"))
                if start == "first visit":
                    page.wait_for_function("() => ttminisLoader.snapshotKept && ttminisLoader.snapshotKept.done",
                                           timeout=60000)
                    assert page.evaluate("() => ttminisLoader.snapshotKept.status") == "kept for the next start"
            assert problems == []
        finally:
            context.close()


def test_the_html_build_reports_every_distribution_it_packed(html_bundle):
    report = "\n".join(html_bundle.report)
    for name, kind in (("msgpack", "compiled"), ("pydantic", "pure"), ("pydantic-core", "compiled"),
                       ("jiter", "compiled"), ("simplejson", "compiled"), ("typing-extensions", "pure")):
        line = next(ln for ln in html_bundle.report if ln.split()[:1] == [name])
        assert kind in line and "MB wheel" in line, report
    assert "pydantic           2." in report


def test_a_brython_build_with_a_compiled_requirement_fails_naming_it(packages_dist):
    with pytest.raises(BuildError) as e:
        build(GAME, packages_dist / "brython", target="html", runtime="brython", **QUIET)
    message = str(e.value)
    for name in ("msgpack", "pydantic-core", "jiter", "simplejson"):
        assert name in message
    assert "pydantic " not in message.replace("pydantic-core", "")     # pure: not named
    assert "--runtime pyodide" in message


def test_ttminis_build_prints_the_distribution_list(packages_dist):
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "ttminis", "build", str(GAME), "--target", "html", "--no-snapshot",
                           "--out", str(packages_dist / "html-cli")], capture_output=True, text=True,
                          cwd=packages_dist)
    assert proc.returncode == 0, proc.stderr
    assert "Python packages from requirements.txt (for Pyodide's pyemscripten_2026_0_wasm32):" in proc.stdout
    for name in ("msgpack", "pydantic", "pydantic-core", "jiter", "simplejson"):
        assert any(line.split()[:1] == [name] for line in proc.stdout.splitlines()), proc.stdout
