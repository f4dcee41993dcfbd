"""Every download shows its progress on stderr — what, bytes, total — also inside a pytest session
(a user's first `python -m pytest` downloads the runtimes and tools and must not sit silent)."""
import subprocess
import sys
import textwrap

import pytest

from ttminis.build import runtimes

# A stand-in registry client: writes 3 MB into the folder it is given, as npm or pip would.
CLIENT = [sys.executable, "-c", "import sys, pathlib; pathlib.Path(sys.argv[1], 'pkg.tgz').write_bytes(b'x' * 3_000_000)"]


def test_a_download_says_what_how_many_bytes_and_of_what_total(tmp_path, monkeypatch):
    lines = []
    monkeypatch.setattr(runtimes, "progress_output", lines.append)
    runtimes.run_with_progress([*CLIENT, str(tmp_path)], tmp_path, "pyodide 314.0.7 via npm", print,
                               total=6_488_647)
    assert lines[0] == "[ttminis] downloading pyodide 314.0.7 via npm: 0.0 MB of 6.5 MB\n"
    assert lines[-1].startswith("[ttminis] downloaded pyodide 314.0.7 via npm: 3.0 MB in ")


def test_without_a_known_total_it_says_so_far(tmp_path, monkeypatch):
    lines = []
    monkeypatch.setattr(runtimes, "progress_output", lines.append)
    runtimes.run_with_progress([*CLIENT, str(tmp_path)], tmp_path, "ttminis's Node tools via npm", print)
    assert lines[0] == "[ttminis] downloading ttminis's Node tools via npm: 0.0 MB so far\n"


def test_a_failed_download_says_why_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(runtimes, "progress_output", lambda text: None)
    with pytest.raises(runtimes.FetchError, match=r"^cannot fetch thing \(offline and not cached\?\): nope$"):
        runtimes.run_with_progress([sys.executable, "-c", "import sys; sys.exit('nope')"], tmp_path, "thing", print)


def test_the_pinned_sizes_are_the_pinned_files_sizes():
    for artifact in runtimes.RUNTIMES.values():
        cached = runtimes.cache_root() / "downloads" / artifact.package_file
        if cached.exists():              # verified against the sha256 when it was fetched
            assert cached.stat().st_size == artifact.size


def test_inside_a_pytest_session_progress_gets_past_the_output_capture(tmp_path):
    (tmp_path / "test_user.py").write_text(textwrap.dedent(f"""
        from pathlib import Path
        from ttminis.build import runtimes

        def test_first_run(tmp_path):
            runtimes.run_with_progress({[*CLIENT, "FOLDER"]!r}[:-1] + [str(tmp_path)], tmp_path, "the runtimes", print)
    """))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_user.py")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[ttminis] downloading the runtimes: 0.0 MB so far" in run.stderr
    assert "[ttminis] downloaded the runtimes: 3.0 MB in " in run.stderr
