"""The whole TTMinis.game SDK by its four call shapes, on Pyodide AND Brython in Chromium.

Options-style methods (login, storage, missions, progress), synchronous methods (canIUse, *Sync),
listener pairs (onShow/offShow ...), factories (rewarded and interstitial ads), and the rule for
methods ttminis has never heard of. Each test checks what the fake SDK received and what Python got.
"""
import pytest

from ttminis.errors import ERROR_SDK_THREW, ERROR_UNAVAILABLE

pytestmark = pytest.mark.browser


# -- options style -------------------------------------------------------------------------------

def test_silent_login_yields_a_code_in_both_styles(harness):
    assert harness.py("return (await game.login())['code']") == "fake-login-code-1"
    events = harness.py("""
r = Recorder()
game.login(**r.callbacks())
await r.done
return r.events
""")
    assert events == [["success", {"code": "fake-login-code-2", "isLogin": True}], ["complete", []]]
    first, second = harness.calls("login")
    assert first["keys"] == ["success", "fail"] and first["plain"]
    assert second["keys"] == ["success", "fail"]   # complete is run by ttminis itself


def test_storage_persists_for_the_page_and_a_missing_key_fails(harness):
    value = harness.py("""
await game.set_storage("progress", {"level": 3, "items": ["sword", None], "ratio": 0.5})
got = await game.get_storage("progress")
await game.remove_storage(key="progress")
try:
    await game.getStorage({"key": "progress"})
except ttminis.TTMinisError as e:
    return [got, e.error_code, e.error_extra]
""")
    assert value == [{"data": {"level": 3, "items": ["sword", None], "ratio": 0.5}}, 90000005, {"key": "progress"}]
    assert harness.calls("setStorage")[0]["options"] == {
        "key": "progress", "data": {"level": 3, "items": ["sword", None], "ratio": 0.5}}
    assert harness.calls("setStorage")[0]["plain"]


def test_missions_and_shortcut_give_their_reward_once(harness):
    assert harness.py("""
before = await game.get_shortcut_mission_reward()
await game.add_shortcut()
first = await game.getShortcutMissionReward()
second = await game.get_shortcut_mission_reward()
await game.start_entrance_mission()
entrance = await game.get_entrance_mission_reward()
return [before, first, second, entrance]
""") == [{"canReceiveReward": False}, {"canReceiveReward": True}, {"canReceiveReward": False},
         {"canReceiveReward": True}]


def test_set_loading_progress_both_styles_and_checks_its_range(harness):
    assert harness.py("""
r = Recorder()
game.set_loading_progress(0.5, complete=r.complete)
await r.done
return await game.setLoadingProgress(progress=1)
""") == {}
    assert harness.js("() => TTMinisFake.progress") == [0.5, 1]
    info = harness.py_raises("game.set_loading_progress(1.5)")
    assert info["type"] == "ValueError" and "setLoadingProgress: progress must be in 0..1" in info["message"]
    assert len(harness.calls("setLoadingProgress")) == 2


# -- synchronous ---------------------------------------------------------------------------------

def test_sync_methods_return_python_values(harness):
    values = harness.py("""
game.set_storage_sync("best", {"score": 12, "name": "ana"})
return [game.get_storage_sync("best"), game.getStorageSync("nothing"), game.get_system_info_sync(),
        game.get_menu_button_bounding_client_rect(), game.can_i_use("pay"), game.canIUse("noSuchApi")]
""")
    stored, missing, info, rect, can_pay, can_nothing = values
    assert stored == {"score": 12, "name": "ana"}
    assert missing == ""
    assert info["platform"] == "devtools" and info["screenWidth"] == 390
    assert rect == {"left": 300, "top": 48, "width": 80, "height": 32, "right": 380, "bottom": 80}
    assert can_pay is True and can_nothing is False


def test_a_sync_method_that_throws_raises_ttminiserror(harness):
    info = harness.py_raises("game.set_storage_sync('', 1)")
    assert info["type"] == "TTMinisError"
    assert info["error_code"] == ERROR_SDK_THREW
    assert "setStorageSync" in info["message"] and "non-empty string" in info["message"]


def test_sync_arguments_are_checked_before_the_sdk(harness):
    info = harness.py_raises("game.set_storage_sync('k', {1: 'x'})")
    assert info["type"] == "TypeError" and "setStorageSync: argument 2 keys must be str" in info["message"]
    assert harness.calls("setStorageSync") == []


# -- listener pairs ------------------------------------------------------------------------------

def test_listener_gets_the_payload_as_a_dict_and_a_removed_listener_is_gone(harness):
    harness.py("""
seen = []

@game.on_show
def resumed(payload):
    seen.append(payload)

game.on_hide(lambda payload: seen.append(["hidden", payload]))
ttminis.__test_seen = seen
ttminis.__test_resumed = resumed
""")
    assert harness.js("() => [TTMinisFake.listenerCount('Show'), TTMinisFake.listenerCount('Hide')]") == [1, 1]
    harness.js("() => { TTMinisFake.trigger('Hide'); TTMinisFake.trigger('Show', {scene: '1001', query: {from: 'feed'}}); }")
    assert harness.py("return ttminis.__test_seen") == [["hidden", {}], {"scene": "1001", "query": {"from": "feed"}}]
    harness.py("game.off_show(ttminis.__test_resumed)")
    assert harness.js("() => TTMinisFake.listenerCount('Show')") == 0
    harness.js("() => TTMinisFake.trigger('Show', {scene: 'again'})")
    assert harness.py("return len(ttminis.__test_seen)") == 2
    harness.py("game.off_hide()")
    assert harness.js("() => TTMinisFake.listenerCount('Hide')") == 0


def test_the_same_callable_registered_twice_is_one_listener(harness):
    harness.py("""
def handler(payload):
    pass
game.on_show(handler)
game.onShow(handler)
""")
    assert harness.js("() => TTMinisFake.listenerCount('Show')") == 1
    harness.py("game.off_show()")
    assert harness.js("() => TTMinisFake.listenerCount('Show')") == 0


def test_touch_and_keyboard_listeners_work_by_name(harness):
    harness.py("""
ttminis.__test_keys = []
game.on_key_down(lambda p: ttminis.__test_keys.append(p["key"]))
game.onTouchStart(lambda p: ttminis.__test_keys.append(len(p["touches"])))
""")
    harness.js("() => { TTMinisFake.trigger('KeyDown', {key: 'ArrowUp', code: 'ArrowUp'});"
               " TTMinisFake.trigger('TouchStart', {touches: [{clientX: 1, clientY: 2}], changedTouches: []}); }")
    assert harness.py("game.off_key_down(); game.off_touch_start(); return ttminis.__test_keys") == ["ArrowUp", 1]
    assert harness.js("() => TTMinisFake.listenerCount('KeyDown') + TTMinisFake.listenerCount('TouchStart')") == 0


def test_a_listener_that_is_not_callable_is_refused(harness):
    info = harness.py_raises("game.on_show(42)")
    assert info["type"] == "TypeError" and "onShow: listener must be callable" in info["message"]
    assert harness.js("() => TTMinisFake.listenerCount('Show')") == 0


# -- factories: ads ------------------------------------------------------------------------------

@pytest.mark.parametrize("ending, expected", [("watch", True), ("skip", False)])
def test_rewarded_ad_says_whether_the_player_watched_to_the_end(harness, ending, expected):
    harness.js(f"() => {{ TTMinisFake.ads.next = '{ending}'; }}")
    assert harness.py("return await game.watch_rewarded_ad('unit-1')") is expected
    (ad_call,) = harness.calls("createRewardedVideoAd")
    assert ad_call["options"] == {"adUnitId": "unit-1"}
    assert harness.js("() => TTMinisFake.ads.created.map((ad) => ad.listenerCount('Close'))") == [0]


def test_ads_next_is_one_shot_and_a_wrong_ending_is_refused_naming_the_field(harness):
    harness.js("() => { TTMinisFake.ads.next = 'skip'; }")
    assert harness.py("return [await game.watch_rewarded_ad('unit-1'), await game.watch_rewarded_ad('unit-1')]") \
        == [False, True]
    assert harness.js("() => { try { TTMinisFake.ads.next = 'skp'; return 'accepted'; } catch (e) { return e.message; } }") \
        == 'ads.next must be one of watch, skip, error, never, got "skp"'
    assert harness.js("() => [TTMinisFake.ads.next, TTMinisFake.ads.default]") == ["watch", "watch"]


def test_rewarded_ad_that_fails_to_show_raises(harness):
    harness.js("() => { TTMinisFake.ads.next = 'error'; }")
    info = harness.py_raises("await game.watch_rewarded_ad('unit-1')")
    assert info["type"] == "TTMinisError" and info["error_code"] == 90000003
    assert harness.js("() => TTMinisFake.ads.created[0].listenerCount('Close')") == 0


def test_ad_object_shows_once_and_manages_its_listeners(harness):
    result = harness.py("""
ad = game.create_interstitial_ad("inter-1")
closed = new_future()
ad.on_close(lambda p: closed.set_result(p))
first = await ad.show()
payload = await closed
try:
    await ad.show()
except ttminis.TTMinisError as e:
    again = e.error_code
ad.release_listeners()
return [first, payload, again]
""")
    assert result == [{}, {"isEnded": True}, 90000004]
    assert harness.js("() => TTMinisFake.ads.created[0].listenerCount('Close')") == 0


def test_factory_checks_its_options(harness):
    info = harness.py_raises("game.create_rewarded_video_ad('')")
    assert info["type"] == "ValueError" and "adUnitId must be a non-empty str" in info["message"]
    info = harness.py_raises("game.create_interstitial_ad('x', success=print)")
    assert info["type"] == "TypeError" and "use the object's listeners" in info["message"]
    assert harness.calls() == []


# -- methods ttminis has never heard of -----------------------------------------------------------

NEW_METHODS = """() => {
  const g = TTMinis.game, seen = (window.newMethodCalls = []);
  g.shareScore = (o) => { seen.push(['shareScore', Object.keys(o)]); queueMicrotask(() => o.success({shared: o.score})); };
  g.getBatterySync = (x) => { seen.push(['getBatterySync', x]); return {level: 0.5}; };
  const fns = [];
  g.onWind = (fn) => { fns.push(fn); };
  g.offWind = (fn) => { fns.splice(fns.indexOf(fn), 1); };
  window.blowWind = (p) => fns.slice().forEach((fn) => fn(p));
  window.windCount = () => fns.length;
  g.createBanner = (o) => ({ unit: o.adUnitId, show: () => Promise.resolve({shown: true}), hide: () => 7 });
}"""


def test_unknown_methods_work_by_the_shape_of_their_name(harness):
    harness.js(NEW_METHODS)
    harness.py("""
ttminis.__test_wind = []
game.on_wind(ttminis.__test_wind.append)
""")
    harness.js("() => window.blowWind({speed: 3})")
    result = harness.py("""
shared = await game.share_score(score=10)
battery = game.get_battery_sync("now")
banner = game.create_banner(adUnitId="b-1")
shown = await banner.show()
hidden = banner.hide()
game.off_wind(ttminis.__test_wind.append)
return [shared, battery, ttminis.__test_wind, shown, hidden]
""")
    assert result == [{"shared": 10}, {"level": 0.5}, [{"speed": 3}], {"shown": True}, 7]
    assert harness.js("() => window.newMethodCalls") == [["shareScore", ["score", "success", "fail"]],
                                                        ["getBatterySync", "now"]]
    assert harness.js("() => window.windCount()") == 0


def test_a_method_the_client_lacks_raises_unavailable_naming_it(harness):
    harness.js("() => { TTMinisFake.unsupported.add('addShortcut'); TTMinisFake.install(); }")
    for call in ("game.add_shortcut()", "game.no_such_method_sync()", "game.on_no_such_event(print)",
                 "game.create_no_such_thing()", "game.no_such_method()"):
        info = harness.py_raises(call)
        assert info["type"] == "TTMinisUnavailable", call
        assert info["error_code"] == ERROR_UNAVAILABLE
    lacking = harness.py_raises("game.add_shortcut()")["message"]
    assert "TTMinis.game.addShortcut" in lacking and "has no such method" in lacking
    assert "TTMinis.game.noSuchMethodSync" in harness.py_raises("game.no_such_method_sync()")["message"]


def test_a_method_present_but_denied_by_can_i_use_raises_unavailable(harness):
    harness.js("() => { TTMinisFake.install(); TTMinisFake.unsupported.add('startEntranceMission'); }")
    assert harness.js("() => typeof TTMinis.game.startEntranceMission") == "function"
    info = harness.py_raises("await game.start_entrance_mission()")
    assert info["type"] == "TTMinisUnavailable" and "TTMinis.game.startEntranceMission" in info["message"]
    assert "its canIUse says so" in info["message"]       # not "no such method": it is there, but denied
    assert harness.calls("startEntranceMission") == []
