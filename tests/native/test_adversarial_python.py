"""The strict simulator, tried from a game's Python: one built game carries every attempt and runs those the
test picks at start (one, or all of them in one start). Each is caught by the game and still recorded, naming
main.py and the attempt's own line; on both hosts (Node and JavaScriptCore).
"""
import json
import re
from pathlib import Path

import pytest

from ttminis.build import build
from ttminis.simulator import Session

GAME = Path(__file__).parent / "adversarial_game"
LINES = {m.group(1): number for number, line in enumerate((GAME / "main.py").read_text().splitlines(), 1)
         if (m := re.search(r"# attempt: (.+)$", line))}
FUNCTION = "function-constructor"
KINDS = {"eval": "eval", "Function": FUNCTION, "a built-in's constructor": FUNCTION, "the global object": FUNCTION,
         "the canvas": FUNCTION, "the 2D context": FUNCTION, "readdirSync's array": FUNCTION,
         "a string timer": "string-timer", "fetch": "forbidden-global",
         "fetch by a computed name": "forbidden-global", "document": "forbidden-global",
         "process": "forbidden-global", "toBuffer": "canvas-extra", "require": "node-module",
         "WebAssembly": "forbidden-global", "run_js": "eval"}


@pytest.fixture(scope="module")
def adversarial_package(tmp_path_factory):
    # The build's scan of the game's Python would refuse js.eval and the like: allowed here, as a warning, so
    # the simulator's own refusals are what is tested.
    return build(GAME, tmp_path_factory.mktemp("adversarial") / "native", target="native",
                 allow_js_code_generation=True, log=lambda *_: None).out


@pytest.fixture(params=["node", "jsc"])
def engine(request):
    return request.param


def run(package, name, engine="node"):
    session = Session(package, start=False, engine=engine)
    session.eval(f"GameGlobal.ttminisAttempt = {name!r}")
    session.start()
    return session


def test_every_attempt_has_a_line():
    assert set(KINDS) == set(LINES)


def test_an_attempt_picked_at_start_is_recorded_with_the_py_file_and_line(adversarial_package, engine):
    with run(adversarial_package, "eval", engine) as session:
        assert session.wait_for("GameGlobal.attemptOutcome") == "caught JsException"
        assert [(v["kind"], v.get("file"), v.get("line"), v.get("python")) for v in session.violations] \
            == [("eval", "main.py", LINES["eval"], True)]


def test_every_attempt_from_python_is_recorded_with_the_py_file_and_line(adversarial_package, engine):
    """All of them in one start (one boot per engine instead of fifteen), each on its own line."""
    names = sorted(KINDS)
    with run(adversarial_package, "|".join(names), engine) as session:
        outcomes = json.loads(session.wait_for("GameGlobal.attemptOutcomes"))
        recorded = {(v["kind"], v.get("file"), v.get("line"), v.get("python")) for v in session.violations}
    for name in names:
        assert outcomes[name].startswith("caught"), (name, outcomes[name])
        assert (KINDS[name], "main.py", LINES[name], True) in recorded, (name, recorded)


def test_the_clean_control_records_nothing(adversarial_package, engine):
    with run(adversarial_package, "none", engine) as session:
        outcome = session.wait_for("GameGlobal.attemptOutcome")
        assert outcome == repr(repr([False, None, None, None, ["a.txt"]]))
        assert session.wait_for("ttminisLoader.state !== 'loading'")
        assert session.eval("ttminisLoader.state") == "ready"
        assert session.violations == []
        detected_line = next(n for n, line in enumerate((GAME / "main.py").read_text().splitlines(), 1)
                             if line.strip().startswith("detected = "))
        assert [c["text"] for c in session.report()["console"] if c["level"] == "warn"] == [
            f"[ttminis simulator] main.py:{detected_line}: hasattr(js, \"document\") is True in the simulator for "
            "a global TikTok's runtime lacks (false on a phone): test with getattr(js, \"document\", None) is not None"]
