"""The fixed sample of hostile SDK answer-sequences (``tests/shared/answers.py``) on TikTok's native
runtime, in the strict simulator: the same plans as in Chromium (``tests/browser/test_answers_sample.py``)
— odd payloads, SDK calls that throw and then answer, awaits cancelled and then answered — through
the native package's own ttminis-ffi.js and the simulator's fake SDK.

Each call settles exactly once with what ``expected(plan)`` says, the answer after a throw or a
cancellation reaches ``on_late_answer`` once, nothing is thrown into the SDK, and only the calls
nobody answered stay pending (their pay orders locked). No violation, uncaught or console error.
"""
import ast
import json
from pathlib import Path

import pytest

from tests.shared.answers import (FAKE_DONE, FAKE_THROWN, RUN_AFTER, SAMPLE, SCRIPT_FAKE, as_run_on,
                                  check_page_results, page_program)
from ttminis.build import build
from ttminis.simulator import READY, Session

HARNESS = Path(__file__).resolve().parents[1] / "browser" / "harness_game"
TIMEOUT = 0.3


@pytest.fixture(scope="module")
def harness_session(native_dist):
    package = build(HARNESS, native_dist / "harness-native-answers", target="native", log=lambda *_: None).out
    with Session(package) as session:
        session.wait_for(READY)
        session.wait_for("typeof ttminisHarness !== 'undefined'")
        yield session


def run_python(session, source):
    text = session.eval(f"new Promise((resolve) => ttminisHarness.run({source!r}, resolve))", timeout=120)
    result = ast.literal_eval(text)
    assert result["ok"], result
    return result["value"]


def test_every_answer_sequence_in_the_sample_settles_each_call_exactly_once_on_native(harness_session):
    plans = as_run_on("pyodide", SAMPLE)
    harness_session.eval(f"({SCRIPT_FAKE})({json.dumps(plans)})")
    events = run_python(harness_session, page_program(plans, TIMEOUT))
    harness_session.wait_for(f"({FAKE_DONE})({json.dumps([len(p['steps']) for p in plans])})")
    after = run_python(harness_session, RUN_AFTER)
    check_page_results(plans, events, harness_session.eval(f"({FAKE_THROWN})()"), after)
    report = harness_session.report()
    assert report["violations"] == [] and report["errors"] == []
    assert [c for c in report["console"] if c["level"] == "error"] == []
