"""docs/native.md's simulator sample, read from the page and run as written, in a folder holding
``dist/mygame-native`` (docs/testing.md's example game, built for the native runtime)."""
import shutil

from tests.shared.docs import example_game, sample


def test_the_simulator_sample_runs_as_written(tmp_path, tmp_path_factory, monkeypatch, capsys,
                                              _ttminis_native_packages):
    game = example_game(tmp_path_factory)
    shutil.copytree(_ttminis_native_packages.package(game), tmp_path / "dist" / "mygame-native")
    monkeypatch.chdir(tmp_path)
    exec(compile(sample("native.md", "from ttminis.simulator import Session, run_once"),
                 "docs/native.md:simulator", "exec"), {})
    assert (tmp_path / "frame.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "first-frame.png").read_bytes()[:4] == b"\x89PNG"
    assert capsys.readouterr().out.startswith("True {")          # outcome.ok, then its timings
