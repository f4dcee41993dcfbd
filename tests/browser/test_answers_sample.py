"""The fixed sample of hostile SDK answer-sequences (``tests/shared/answers.py``), on Pyodide AND
Brython in Chromium: real JS values — extra arguments, cycles, getters and Proxies that throw,
functions, BigInts, odd codes — passed to ttminis's real callbacks by the JS fake; SDK calls that
throw and then answer; awaits cancelled and then answered.

All the sample's calls run at once. Each must settle exactly once with what ``expected(plan)``
says, the answer after a throw or a cancellation must reach ``on_late_answer`` once, nothing may
be thrown into the SDK (the fake records it) or reported as an error, and what stays pending is
exactly the calls nobody answered (their pay orders locked). Brython cannot cancel an await (its
``aio.Future`` has no ``cancel``): there the cancelled plans run uncancelled. Hypothesis explores far
more plans on CPython (``tests/unit/test_answers_property.py``); the native simulator runs the same
sample (``tests/native/test_answers_sample_native.py``).
"""
import pytest

from tests.shared.answers import (FAKE_DONE, FAKE_THROWN, RUN_AFTER, SAMPLE, SCRIPT_FAKE, as_run_on,
                                  check_page_results, page_program)

pytestmark = pytest.mark.browser
TIMEOUT = 0.3


def test_every_answer_sequence_in_the_sample_settles_each_call_exactly_once(harness):
    plans = as_run_on(harness.runtime, SAMPLE)
    harness.js(SCRIPT_FAKE, plans)
    events = harness.py(page_program(plans, TIMEOUT))
    harness.page.wait_for_function(FAKE_DONE, arg=[len(p["steps"]) for p in plans])
    after = harness.py(RUN_AFTER)
    check_page_results(plans, events, harness.js(FAKE_THROWN), after)
    assert harness.js("() => window.ttminisLoader.errors") == []
