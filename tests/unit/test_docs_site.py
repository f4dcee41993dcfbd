"""The documentation site: built with --strict (as `make test` builds it), a broken link or anchor fails."""
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def build(root):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(root / "site")], cwd=root, capture_output=True, text=True, timeout=300,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})


def copy_of_the_site(tmp_path):
    for name in ("mkdocs.yml", "README.md", "BENCHMARKS.md"):
        shutil.copy2(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    (tmp_path / "shim").symlink_to(REPO / "shim")
    (tmp_path / "tests").symlink_to(REPO / "tests")      # pages include files the tests run (snippets)
    return tmp_path


def test_a_broken_anchor_or_link_fails_the_strict_build(tmp_path):
    root = copy_of_the_site(tmp_path)
    page = root / "docs" / "index.md"
    original = page.read_text()
    page.write_text(original + "\nSee [the shapes](using.md#no-such-section).\n")
    broken_anchor = build(root)
    assert broken_anchor.returncode != 0 and "no-such-section" in broken_anchor.stdout + broken_anchor.stderr
    page.write_text(original + "\nSee [gone](gone.md).\n")
    broken_link = build(root)
    assert broken_link.returncode != 0 and "gone.md" in broken_link.stdout + broken_link.stderr
