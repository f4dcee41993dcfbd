"""The desktop preview's life: the game starts when the first viewer connects (its first seconds are
seen), restart starts it afresh, and SIGTERM stops it as Ctrl+C does, leaving no temporary folder and no
simulator behind."""
import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ttminis.simulator.preview import Preview

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shop_package(_ttminis_native_packages):
    return _ttminis_native_packages.package(REPO / "examples" / "shop")


def test_the_game_starts_when_the_first_viewer_connects(shop_package):
    with Preview(shop_package, port=0) as running:
        assert running.session.eval("typeof ttminisLoader") == "undefined", "nobody is watching yet"
        assert running.session.report()["frames"] == 0
        with urllib.request.urlopen(running.url + "state", timeout=60) as answer:      # the page's first poll
            assert "state" in json.loads(answer.read())
        running.wait_until_ready()
        assert running.session.eval("ttminisLoader.state") == "ready"


def test_restart_starts_the_game_afresh(shop_package):
    with Preview(shop_package, port=0) as running:
        running.wait_until_ready()
        first = running.session
        running.action("restart")
        assert running.session is not first
        running.wait_until_ready()
        assert running.session.eval("ttminisLoader.state") == "ready"


def test_sigterm_removes_the_temporary_folder_and_stops_the_simulator(shop_package):
    script = ("import sys\nfrom ttminis.simulator.preview import Preview\n"
              "preview = Preview(sys.argv[1], port=0)\n"
              "announce = lambda: print(preview.user_data, preview.session._process.pid, flush=True)\n"
              "try:\n    preview.serve_forever(ready=announce)\nexcept KeyboardInterrupt:\n"
              "    print('stopped', flush=True)\n")
    process = subprocess.Popen([sys.executable, "-c", script, str(shop_package)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    folder, node_pid = process.stdout.readline().split()
    assert Path(folder).is_dir() and Path(folder).name.startswith("ttminis-preview-")
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0 and out.strip() == "stopped", err
    assert not Path(folder).exists()
    assert not Path(f"/proc/{node_pid}").exists() or "zombie" in Path(f"/proc/{node_pid}/status").read_text().lower()
