"""The server half against TikTok's own documentation, not against our fake.

The bodies below are TikTok's documented webhook examples byte for byte (the reference file
``tiktok-server-api.md`` quotes them with their addresses), and the signatures are HMAC-SHA256
digests computed by another implementation (``openssl dgst -sha256 -hmac your_client_secret`` over
``t + "." + body``), pasted as constants: a change to what is signed, or how, fails these tests.
"""
import json

import httpx
import pytest
from sqlalchemy import text, update

from ttminis.server import store as store_module
from ttminis.server.testing import running_backend
from ttminis.server.fake_tiktok import FakeTikTokServer
from ttminis.server.webhook import (REDEEM_SUCCESS, REFUND_FAIL, REFUND_SUCCESS, REFUND_TRACEBACK,
                                    AUTHORIZATION_REMOVED, WebhookSignatureError, sign_webhook, verify_webhook)

SECRET = "your_client_secret"
SUCCESS_BODY = (b'{"client_key":"your_client_key","event":"minis.trade_order.redeem.success","create_time":1615338610,'
                b'"user_openid":"","content":"{\\"trade_order_id\\":\\"TOID667700996\\",\\"order_id\\":\\"order_id_as_'
                b'in_your_system\\"}"}')
SUCCESS_T, SUCCESS_S = 1615338610, "967524306253be8c778d1ea3830ffd9bd69e8b995d4fe8fb6b7a473a902df745"
REFUND_BODY = (b'{"client_key":"your_client_key","event":"minis.trade_order.redeem.refund_traceback",'
               b'"create_time":1744946518,"user_openid":"","content":"{\\"trade_order_id\\":\\"TOID2157c5ba03\\",'
               b'\\"order_id\\":\\"order_id_as_in_your_system\\",\\"is_sandbox\\":true,\\"refund_amount\\":80}"}')
REFUND_T, REFUND_S = 1744946518, "a27680f16dd1100f65ffbfc507ae9602ff48fdb6ce2a8ccf97eae3b1339efaf4"
REMOVED_BODY = (b'{"client_key":"your_client_key","event":"authorization.removed","create_time":1633174587,'
                b'"user_openid":"act-player-1","content":"{\\"reason\\":1}"}')
REMOVED_T, REMOVED_S = 1633174587, "f22c0c4b958887ec26dd55d570be686d16629126cf5f2c7574510c15b59955ec"
# the same success body signed over t + ":" + body: what a wrong message format would produce
COLON_S = "7aee88086ea249f71fdb225c5c92bb8587292acbb2a579c0228afd9e92778b1b"


def test_the_event_names_are_tiktoks_with_redeem_in_each():
    assert REDEEM_SUCCESS == "minis.trade_order.redeem.success"
    assert REFUND_TRACEBACK == "minis.trade_order.redeem.refund_traceback"
    assert REFUND_SUCCESS == "minis.trade_order.redeem.refund_success"
    assert REFUND_FAIL == "minis.trade_order.redeem.refund_fail"
    assert AUTHORIZATION_REMOVED == "authorization.removed"


@pytest.mark.parametrize("body, t, s", [(SUCCESS_BODY, SUCCESS_T, SUCCESS_S), (REFUND_BODY, REFUND_T, REFUND_S),
                                        (REMOVED_BODY, REMOVED_T, REMOVED_S)])
def test_signing_matches_an_independent_hmac_sha256_of_t_dot_body(body, t, s):
    assert sign_webhook(body, SECRET, t) == f"t={t},s={s}"
    assert verify_webhook(body, f"t={t},s={s}", SECRET, now=t).create_time == t


def test_a_signature_over_another_message_format_is_refused():
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_webhook(SUCCESS_BODY, f"t={SUCCESS_T},s={COLON_S}", SECRET, now=SUCCESS_T)


def test_the_documented_success_example_parses_without_is_sandbox():
    event = verify_webhook(SUCCESS_BODY, f"t={SUCCESS_T},s={SUCCESS_S}", SECRET, now=SUCCESS_T)
    assert (event.event, event.user_openid, event.trade_order_id, event.order_id, event.is_sandbox) == (
        REDEEM_SUCCESS, "", "TOID667700996", "order_id_as_in_your_system", False)


def test_the_documented_refund_example_parses_with_its_refund_amount():
    event = verify_webhook(REFUND_BODY, f"t={REFUND_T},s={REFUND_S}", SECRET, now=REFUND_T)
    assert (event.event, event.trade_order_id, event.is_sandbox, event.refund_amount) == (
        REFUND_TRACEBACK, "TOID2157c5ba03", True, 80)


def put_order(store, order_id, trade_order_id, price, status="pending", open_id="player-1"):
    """An order as if our backend had created it at TikTok with the example's ids."""
    order = store.begin_order(open_id, {"id": "shield", "name": "Shield", "price": price})
    with store.engine.begin() as conn:
        conn.execute(update(store_module.orders).where(store_module.orders.c.order_id == order.order_id)
                     .values(order_id=order_id, trade_order_id=trade_order_id, status=status))


@pytest.fixture
def documented_backend(database_url):
    """A backend with the documentation's client key and secret, accepting the examples' old timestamps."""
    refunds = []
    with FakeTikTokServer("your_client_key", SECRET) as tiktok, running_backend(
            tiktok, database_url, tolerance=10**10, sandbox=True, refund=refunds.append) as backend:
        backend.refunds = refunds
        yield backend


def post(backend, body, t, s):
    return httpx.post(backend.url + "/webhook", content=body, timeout=10,
                      headers={"Tiktok-Signature": f"t={t},s={s}", "Content-Type": "application/json"})


def test_the_documented_success_example_grants_the_order(documented_backend):
    backend = documented_backend
    put_order(backend.store, "order_id_as_in_your_system", "TOID667700996", 30)
    response = post(backend, SUCCESS_BODY, SUCCESS_T, SUCCESS_S)
    assert response.status_code == 200 and response.json()["outcome"] == "granted"
    assert backend.store.order_for_trade("TOID667700996").status == "granted"


def test_the_documented_refund_example_takes_the_item_back_and_reaches_the_hook(documented_backend):
    """Finding 1: the real event name was answered 200 'ignored' and never reached the refund hook."""
    backend = documented_backend
    put_order(backend.store, "order_id_as_in_your_system", "TOID2157c5ba03", 80, status="granted")
    response = post(backend, REFUND_BODY, REFUND_T, REFUND_S)
    assert response.status_code == 200, response.text
    assert backend.store.order_for_trade("TOID2157c5ba03").status == "refunded"
    assert [(r.trade_order_id, r.amount) for r in backend.refunds] == [("TOID2157c5ba03", 80)]
