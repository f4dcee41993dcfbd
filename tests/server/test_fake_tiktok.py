"""The fake TikTok server follows TikTok's documentation (not ttminis): lifetimes, rotation, event
names and contents, closed payments, revoke's empty answer, authorization.removed."""
import json

import httpx
import pytest

from ttminis.server.fake_tiktok import ACCESS_TTL, REFRESH_TTL, FakeTikTokServer
from ttminis.server.webhook import AUTHORIZATION_REMOVED, REDEEM_SUCCESS, REFUND_TRACEBACK, verify_webhook


def token(tiktok, **form):
    return httpx.post(tiktok.url + "/v2/oauth/token/", data={"client_key": tiktok.client_key,
                                                             "client_secret": tiktok.client_secret, **form})


def create(tiktok, access, order_id="ord-1", amount=30):
    return httpx.post(tiktok.url + "/v2/minis/trade_order/create/", headers={"Authorization": "Bearer " + access},
                      json={"token_type": "BEANS", "token_amount": amount, "order_info": {
                          "order_id": order_id, "product_name": "Sword", "product_id": "sword", "quantity": 1,
                          "quantity_unit": "item", "order_url": "", "image_url": ""}}).json()["data"]["trade_order_id"]


@pytest.fixture
def held():
    """A fake whose webhooks are held, so a test reads exactly what TikTok would send."""
    with FakeTikTokServer(retry_delays=()) as tiktok:
        tiktok.default_plan.hold = True
        yield tiktok


def test_the_documented_lifetimes_are_the_defaults(held):
    assert (ACCESS_TTL, REFRESH_TTL) == (2 * 3600, 180 * 24 * 3600)
    answer = token(held, grant_type="authorization_code", code=held.issue_code()).json()
    assert (answer["expires_in"], answer["refresh_expires_in"]) == (7200, 180 * 86400)


def test_lifetimes_come_from_configuration():
    with FakeTikTokServer(access_ttl=60, refresh_ttl=600) as tiktok:
        answer = token(tiktok, grant_type="authorization_code", code=tiktok.issue_code()).json()
        assert (answer["expires_in"], answer["refresh_expires_in"]) == (60, 600)


def test_a_refresh_rotates_and_the_previous_refresh_token_stops_working(held):
    first = token(held, grant_type="authorization_code", code=held.issue_code()).json()
    second = token(held, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    again = token(held, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert token(held, grant_type="refresh_token", refresh_token=second["refresh_token"]).status_code == 200


def test_revoke_answers_an_empty_body(held):
    access = token(held, grant_type="authorization_code", code=held.issue_code()).json()["access_token"]
    answer = httpx.post(held.url + "/v2/oauth/revoke/", data={"client_key": held.client_key,
                                                              "client_secret": held.client_secret, "token": access})
    assert answer.status_code == 200 and answer.content == b""


def test_a_failed_or_cancelled_payment_cannot_be_paid_again(held):
    access = token(held, grant_type="authorization_code", code=held.issue_code()).json()["access_token"]
    for cancelled, order_id in ((False, "ord-f"), (True, "ord-c")):
        trade_order_id = create(held, access, order_id)
        held.fail_payment(trade_order_id, cancelled=cancelled)
        with pytest.raises(ValueError, match="create a new order"):
            held.pay(trade_order_id)
        query = httpx.post(held.url + "/v2/minis/trade_order/query/", headers={"Authorization": "Bearer " + access},
                           json={"trade_order_id": trade_order_id}).json()
        assert query["data"]["trade_order_status"] == "PENDING"          # the only other documented status


def test_events_have_tiktoks_names_and_documented_contents(held):
    access = token(held, grant_type="authorization_code", code=held.issue_code("player-1")).json()["access_token"]
    trade_order_id = create(held, access)
    held.pay(trade_order_id)
    held.refund(trade_order_id, 10)
    held.remove_authorization("player-1", reason=2)
    events = [verify_webhook(d.body, held.signed(d)[("Tiktok-Signature")], held.client_secret, now=held.clock())
              for d in held.take_held()]
    assert [(e.event, e.user_openid, e.content) for e in events] == [
        (REDEEM_SUCCESS, "", {"trade_order_id": trade_order_id, "order_id": "ord-1"}),
        (REFUND_TRACEBACK, "", {"trade_order_id": trade_order_id, "order_id": "ord-1", "is_sandbox": False,
                                "refund_amount": 10}),
        (AUTHORIZATION_REMOVED, "player-1", {"reason": 2})]
    assert all(set(json.loads(e.raw and json.dumps(e.raw))) == {"client_key", "event", "create_time", "user_openid",
                                                                "content"} for e in events)
    expired = create_attempt(held, access)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "access_token_invalid"


def create_attempt(tiktok, access):
    return httpx.post(tiktok.url + "/v2/minis/trade_order/create/", headers={"Authorization": "Bearer " + access},
                      json={"token_type": "BEANS", "token_amount": 30, "order_info": {
                          "order_id": "ord-x", "product_name": "Sword", "product_id": "sword"}})
