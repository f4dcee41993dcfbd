"""The fixed sample of hostile calls (tests/shared/junk.py), refused in the browser on both runtimes.

Same cases as the CPython run in tests/unit/test_validation_fuzz.py: each raises TypeError or
ValueError naming the JS method and the field, and the fake SDK receives nothing.
"""
import pytest

from tests.shared.junk import FIELDS, SAMPLE

pytestmark = pytest.mark.browser

RUN_SAMPLE = """
out = []
for source in SOURCES:
    try:
        exec(source, {"game": game})
        out.append(["accepted"])
    except (TypeError, ValueError) as e:
        out.append([type(e).__name__, str(e)])
    except Exception as e:
        out.append(["other", type(e).__name__, str(e)])
return out
"""


def test_the_fixed_sample_is_refused_before_the_sdk(harness):
    outcomes = harness.py(f"SOURCES = {[source for source, _m, _f in SAMPLE]!r}\n" + RUN_SAMPLE)
    assert len(outcomes) == len(SAMPLE) > 200
    for (source, method, field), outcome in zip(SAMPLE, outcomes):
        assert outcome[0] in ("TypeError", "ValueError"), (source, outcome)
        assert FIELDS[method][0] in outcome[1] and field in outcome[1], (source, outcome)
    assert harness.calls() == []
