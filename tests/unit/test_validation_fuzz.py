"""Hostile input never gets past validation: hypothesis-generated arguments on CPython, plus the
fixed sample (tests/shared/junk.py) that tests/browser/test_validation_sample.py runs in Chromium.

Every refused call raises TypeError or ValueError naming the JS method and the field, and the
fake SDK receives nothing; every accepted call reaches the SDK as exactly the plain data given.
"""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ttminis import testing
from tests.shared.junk import FIELDS, SAMPLE, VALID, acceptable
import ttminis
from ttminis import game

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(), st.binary(max_size=8),
    st.sampled_from(["BEANS", "beans", " BEANS", "", "  ", "tier-1", "\u0000", "\U0001F3AE", 2 ** 31 - 1, 2 ** 31,
                     2 ** 53 - 1, 2 ** 53, object(), {1, 2}, frozenset(), 1j, print]))
junk = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.none()), inner, max_size=4)), max_leaves=12)


def call(method, kwargs, tiktok):
    """Make the call (in its own event loop, settled before returning); what the SDK received."""
    before = len(tiktok.calls)

    async def settled():
        try:
            await getattr(game, method)(**kwargs)
        except ttminis.TTMinisError:
            pass     # the fake may refuse the call (an unknown order...): validation let it through
    tiktok.run(settled)
    received = tiktok.calls[before:]
    assert len(received) == 1
    return received[0]["options"]


def expected_options(kwargs):
    drop_none = lambda v: ({k: drop_none(x) for k, x in v.items() if x is not None} if isinstance(v, dict)   # noqa: E731
                           else [drop_none(x) for x in v] if isinstance(v, (list, tuple)) else v)
    return {k: drop_none(v) for k, v in kwargs.items() if v is not None}


def check(method, kwargs, tiktok):
    js_name, _fields = FIELDS[method]
    bad = [field for field, value in kwargs.items() if not acceptable(field, value)]
    before = len(tiktok.calls)
    if bad:
        with pytest.raises((TypeError, ValueError)) as info:
            call(method, kwargs, tiktok)
        message = str(info.value)
        assert js_name in message and any(field in message for field in bad), message
        assert len(tiktok.calls) == before, "a refused call reached the SDK"
    else:
        options = call(method, kwargs, tiktok)
        sent = expected_options(kwargs)
        sent.setdefault("type", "BEANS") if method in ("check_balance", "navigate_to_balance") else None
        assert options == sent


@pytest.fixture(scope="module")
def tiktok():
    fake = testing.install()
    fake.balance = 10 ** 9
    yield fake
    testing.uninstall()


@pytest.mark.parametrize("method", list(FIELDS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_field_values_are_refused_or_sent_exactly(tiktok, method, data):
    _js, fields = FIELDS[method]
    field = data.draw(st.sampled_from(list(fields)), label="field")
    kwargs = {k: v for k, v in VALID.items() if k in fields}
    kwargs[field] = data.draw(junk, label="value")
    check(method, kwargs, tiktok)


@pytest.mark.parametrize("method", list(FIELDS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.dictionaries(st.from_regex(r"\A[a-z][a-z_]{0,8}\Z").filter(
    lambda k: k not in ("success", "fail", "complete", "timeout", "amount", "type", "tier_id", "trade_order_id",
                        "log_extra")), junk, max_size=3))
def test_generated_extra_fields_pass_only_as_plain_data(tiktok, method, extra):
    _js, fields = FIELDS[method]
    kwargs = {k: v for k, v in VALID.items() if k in fields}
    kwargs.update(extra)
    check(method, kwargs, tiktok)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(junk, min_size=1, max_size=4))
def test_generated_positional_junk_for_pay_never_reaches_the_sdk_unless_valid(tiktok, args):
    before = len(tiktok.calls)

    async def settled():
        try:
            await game.pay(*args)
        except ttminis.TTMinisError:
            pass
    try:
        tiktok.run(settled)
    except (TypeError, ValueError) as e:
        assert "pay" in str(e)
        assert len(tiktok.calls) == before
    else:
        first = args[0]
        assert isinstance(first, dict) or (isinstance(first, str) and first.strip())
        assert len(tiktok.calls) == before + 1


@pytest.mark.parametrize("source, method, field", SAMPLE, ids=[s[0][:60] for s in SAMPLE])
def test_fixed_sample_is_refused_naming_method_and_field(tiktok, source, method, field):
    before = len(tiktok.calls)
    namespace = {"game": game}
    with pytest.raises((TypeError, ValueError)) as info:
        exec(source, namespace)
    assert FIELDS[method][0] in str(info.value) and field in str(info.value)
    assert len(tiktok.calls) == before
