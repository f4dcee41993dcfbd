"""Settlement rules on Pyodide AND Brython in Chromium, each against real JS answers.

An SDK that passes a second argument to ``success``/``fail``, payloads Pyodide or Brython cannot
convert, odd error codes; the order lock, ``release_order`` and late answers; rewarded ads that
never close, fail, or whose ``show()`` returns nothing; listener removal that fails half-way, and
listeners on a replaced SDK object. CPython runs the same rules in ``tests/unit/test_settlement_cpython.py``.
"""
import pytest

from ttminis.errors import ERROR_IN_FLIGHT, ERROR_RELEASED, ERROR_SDK_THREW, ERROR_TIMEOUT, ERROR_UNKNOWN

pytestmark = pytest.mark.browser

BOTH_STYLES = """
from ttminis import calls
r = Recorder()
game.recharge("tier-1", timeout=5, **r.callbacks())
await r.done
try:
    awaited = ["success", await game.recharge("tier-1", timeout=5)]
except ttminis.TTMinisError as e:
    awaited = ["fail", e.error_code, e.error_msg]
return [r.events, awaited, len(calls._pending)]
"""


def script_answers(h, method, kind, args_js, times=2):
    """The next ``times`` calls of ``method`` answer ``kind(...args)``, ``args_js`` a JS expression."""
    h.js(f"() => {{ for (let i = 0; i < {times}; i++) TTMinisFake.script({method!r}, "
         f"{{answers: [{{kind: {kind!r}, args: {args_js}}}]}}); }}")


def test_success_with_a_second_argument_settles_both_styles(harness):
    script_answers(harness, "recharge", "success", "[{is_success: true}, {extra: 'second'}]")
    events, awaited, pending = harness.py(BOTH_STYLES)
    assert events == [["success", {"is_success": True}], ["complete", []]]
    assert awaited == ["success", {"is_success": True}] and pending == 0
    assert [c["thrown"] for c in harness.calls("recharge")] == [[], []]


def test_fail_with_a_second_argument_settles_both_styles(harness):
    script_answers(harness, "recharge", "fail", "[{error: {error_code: 7, error_msg: 'no'}}, 'second', 3]")
    events, awaited, pending = harness.py(BOTH_STYLES)
    assert events == [["fail", {"error": {"error_code": 7, "error_msg": "no", "error_extra": {}}}], ["complete", []]]
    assert awaited == ["fail", 7, "no"] and pending == 0
    assert [c["thrown"] for c in harness.calls("recharge")] == [[], []]


@pytest.mark.parametrize("payload_js, code, message", [
    ("Object.defineProperty({}, 'error', {enumerable: true, get() { throw new Error('x'); }})",
     ERROR_UNKNOWN, "the SDK reported a failure without details"),
    ("(() => { const e = {error_code: 3, error_msg: 'cyclic'}; e.self = e; return {error: e}; })()", 3, "cyclic"),
    ("new Proxy({}, {get() { throw new Error('g'); }, ownKeys() { throw new Error('k'); }})",
     ERROR_UNKNOWN, "the SDK reported a failure without details"),
    ("{error: {error_code: '--5', error_msg: 'odd'}}", ERROR_UNKNOWN, "odd"),
    ("{error: {error_code: '\u00b2', error_msg: 'odd'}}", ERROR_UNKNOWN, "odd"),
    ("{errMsg: 'pay:fail', errNo: 1e300}", int(1e300), "pay:fail"),
], ids=["getter throws", "cycle", "proxy throws", "code --5", "code superscript two", "code 1e300"])
def test_a_failure_ttminis_cannot_convert_or_parse_still_settles(harness, payload_js, code, message):
    script_answers(harness, "recharge", "fail", f"[{payload_js}]")
    events, awaited, pending = harness.py(BOTH_STYLES)
    assert [e[0] for e in events] == ["fail", "complete"]
    assert events[0][1]["error"]["error_code"] == code and events[0][1]["error"]["error_msg"] == message
    assert awaited == ["fail", code, message] and pending == 0
    assert [c["thrown"] for c in harness.calls("recharge")] == [[], []]


def test_a_success_payload_that_cannot_be_converted_is_still_a_success(harness):
    script_answers(harness, "recharge", "success",
                   "[(() => { const o = {tier_id: 't'}; o.self = o; return o; })()]")
    events, awaited, pending = harness.py(BOTH_STYLES)
    assert events == [["success", {"tier_id": "t", "self": None}], ["complete", []]]
    assert awaited == ["success", {"tier_id": "t", "self": None}] and pending == 0


# -- the order lock (item 5) -------------------------------------------------------------------------

def test_the_lock_lifts_when_the_late_answer_arrives_and_the_game_hears_it(harness):
    harness.js("() => { TTMinisFake.backend.createOrder(10, 'late-1'); TTMinisFake.script('pay', {delay: 150}); }")
    result = harness.py("""
late = []
ttminis.on_late_answer(late.append)
try:
    await game.pay("late-1", timeout=0.02)
except ttminis.TTMinisTimeout as e:
    first = e.error_code
try:
    await game.pay("late-1")
except ttminis.TTMinisError as e:
    refused = e.error_code
await until(lambda: late)
try:
    await game.pay("late-1")              # reaches the SDK: the order was paid by the late answer
except ttminis.TTMinisError as e:
    again = e.error_code
return [first, refused, late, again]
""")
    assert result == [ERROR_TIMEOUT, ERROR_IN_FLIGHT,
                      [{"method": "pay", "trade_order_id": "late-1", "outcome": "success", "payload": {}}],
                      90000001]
    assert len(harness.calls("pay")) == 2
    assert harness.js("() => TTMinisFake.wallet.balance") == 90


def test_an_sdk_that_throws_while_the_pay_is_looked_up_fails_it_and_leaves_no_lock(harness):
    harness.js("""() => { TTMinisFake.backend.createOrder(10, 'broken-1'); window.__realGame = TTMinis.game;
        Object.defineProperty(TTMinis, 'game', {configurable: true, get() { throw new Error('game is broken'); }}); }""")
    try:
        first = harness.py("""
from ttminis import calls
try:
    await game.pay("broken-1")
    outcome = ["success"]
except ttminis.TTMinisError as e:
    outcome = [e.error_code, e.error_msg]
return outcome + [len(calls._pending), sorted(calls._orders_in_flight)]
""")
    finally:
        harness.js("() => Object.defineProperty(TTMinis, 'game', {configurable: true, writable: true, "
                   "enumerable: true, value: window.__realGame})")
    assert first[0] == ERROR_SDK_THREW and "game is broken" in first[1] and first[2:] == [0, []]
    assert harness.calls("pay") == []
    assert harness.py('await game.pay("broken-1")\nreturn "paid"') == "paid", "the order was never locked"
    assert harness.js("() => TTMinisFake.wallet.balance") == 90


def test_release_order_settles_a_waiting_pay_and_refuses_its_id(harness):
    harness.js("() => { TTMinisFake.backend.createOrder(10, 'gone-1'); TTMinisFake.script('pay', {delay: 100}); }")
    result = harness.py("""
late = []
ttminis.on_late_answer(late.append)
waiting = game.pay("gone-1")
released = game.release_order("gone-1")
try:
    await waiting
except ttminis.TTMinisError as e:
    first = e.error_code
r = Recorder()
game.pay("gone-1", **r.callbacks())
await r.done
await until(lambda: late)
return [released, first, r.events[0][1]["error"]["error_code"], late[0]["outcome"]]
""")
    assert result == [True, ERROR_RELEASED, ERROR_RELEASED, "success"]
    assert len(harness.calls("pay")) == 1, "a released order never reaches the SDK again"


# -- rewarded ads (item 4) ------------------------------------------------------------------------------

def test_an_ad_that_never_closes_times_out_and_its_listeners_go(harness):
    harness.js("() => { TTMinisFake.ads.next = 'never'; }")
    info = harness.py_raises("await game.watch_rewarded_ad('unit-1', timeout=0.05)")
    assert info["type"] == "TTMinisTimeout" and info["error_code"] == ERROR_TIMEOUT
    assert harness.js("() => ['Close', 'Error'].map((e) => TTMinisFake.ads.created[0].listenerCount(e))") == [0, 0]


HAND_MADE_AD = """(how) => {
  TTMinis.game.createRewardedVideoAd = () => {
    const listeners = {Close: [], Error: []};
    const ad = window.handMadeAd = {listeners};
    ['Close', 'Error'].forEach((e) => {
      ad['on' + e] = (fn) => listeners[e].push(fn);
      ad['off' + e] = (fn) => listeners[e].splice(listeners[e].indexOf(fn), 1);
    });
    ad.show = () => {
      if (how === 'throw') throw new Error('no fill');
      setTimeout(() => how === 'close' ? listeners.Close.forEach((fn) => fn({isEnded: true}))
                                       : listeners.Error.forEach((fn) => fn({errCode: 1004, errMsg: 'no ad'})), 1);
      return undefined;      // an SDK whose show() returns no promise
    };
    return ad;
  };
}"""


@pytest.mark.parametrize("how, expected", [("close", ["success", True]), ("error", ["fail", 1004]),
                                           ("throw", ["fail", ERROR_SDK_THREW])])
def test_an_ad_whose_show_returns_nothing_or_throws_settles_once(harness, how, expected):
    harness.js(HAND_MADE_AD, how)
    assert harness.py("""
try:
    return ["success", await game.watch_rewarded_ad("unit-1", timeout=5)]
except ttminis.TTMinisError as e:
    return ["fail", e.error_code]
""") == expected
    assert harness.js("() => [handMadeAd.listeners.Close.length, handMadeAd.listeners.Error.length]") == [0, 0]


# -- listeners (item 4) ---------------------------------------------------------------------------------

def test_off_tries_every_listener_and_leaves_the_refused_one_working(harness):
    harness.py("""
ttminis.__test_seen = []
for i in range(3):
    game.on_show(lambda p, i=i: ttminis.__test_seen.append(i))
""")
    harness.js("""() => { const g = TTMinis.game, off = g.offShow, second = TTMinisFake.listeners.Show[1];
      g.offShow = (fn) => { if (fn === second) throw new Error('bridge down'); off(fn); }; }""")
    info = harness.py_raises("game.off_show()")
    assert info["type"] == "TTMinisError" and info["error_code"] == ERROR_SDK_THREW
    assert "1 listener(s) could not be removed" in info["message"]
    assert harness.js("() => TTMinisFake.listenerCount('Show')") == 1
    harness.js("() => TTMinisFake.trigger('Show', {scene: 'still'})")     # its proxy is alive
    assert harness.py("return [ttminis.__test_seen, game._listeners.count()]") == [[1], 1]


def test_the_same_listener_is_registered_on_a_new_sdk_object(harness):
    harness.py("""
def handler(payload):
    pass
ttminis.__test_handler = handler
game.on_show(handler)
""")
    harness.js("""() => { const fns = window.newSdkShow = [];
      window.TTMinis = {game: {onShow: (fn) => fns.push(fn), offShow: (fn) => fns.splice(fns.indexOf(fn), 1)}}; }""")
    harness.py("game.on_show(ttminis.__test_handler)")
    assert harness.js("() => [window.newSdkShow.length, TTMinisFake.listenerCount('Show')]") == [1, 1]
    harness.py("game.off_show(ttminis.__test_handler)")
    assert harness.js("() => [window.newSdkShow.length, TTMinisFake.listenerCount('Show')]") == [0, 0]
