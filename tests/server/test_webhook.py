"""verify_webhook: the signature on the raw bytes first, constant time, a tolerance, typed errors."""
import json

import pytest

from ttminis.server.webhook import (REDEEM_SUCCESS, WebhookError, WebhookSignatureError, WebhookTimestampError,
                                    sign_webhook, verify_webhook)

SECRET = "client-secret-1"
NOW = 1_800_000_000


def body(**overrides):
    content = overrides.pop("content", json.dumps({"trade_order_id": "tt-1", "order_id": "ord-1", "is_sandbox": True}))
    data = {"client_key": "ck", "event": REDEEM_SUCCESS, "create_time": NOW - 5, "user_openid": "",
            "content": content, **overrides}
    return json.dumps(data).encode()


def test_a_valid_delivery_gives_the_event_with_its_content_parsed():
    raw = body()
    event = verify_webhook(raw, sign_webhook(raw, SECRET, NOW), SECRET, now=NOW + 10)
    assert (event.event, event.client_key, event.create_time) == (REDEEM_SUCCESS, "ck", NOW - 5)
    assert event.content == {"trade_order_id": "tt-1", "order_id": "ord-1", "is_sandbox": True}
    assert (event.trade_order_id, event.order_id, event.is_sandbox, event.user_openid) == ("tt-1", "ord-1", True, "")


def test_is_sandbox_may_be_absent():
    raw = body(content=json.dumps({"trade_order_id": "tt-1", "order_id": "ord-1"}))
    assert verify_webhook(raw, sign_webhook(raw, SECRET, NOW), SECRET, now=NOW).is_sandbox is False


def test_a_tampered_body_is_refused():
    raw = body()
    header = sign_webhook(raw, SECRET, NOW)
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_webhook(raw.replace(b"tt-1", b"tt-2"), header, SECRET, now=NOW)


def test_a_wrong_secret_is_refused():
    raw = body()
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_webhook(raw, sign_webhook(raw, "another-secret", NOW), SECRET, now=NOW)


def test_the_timestamp_is_part_of_what_is_signed():
    raw = body()
    signature = sign_webhook(raw, SECRET, NOW).split(",s=")[1]
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_webhook(raw, f"t={NOW + 1},s={signature}", SECRET, now=NOW)


@pytest.mark.parametrize("signed_at, expected", [(NOW - 301, "old"), (NOW + 301, "in the future")])
def test_outside_the_tolerance_is_refused_but_known_authentic(signed_at, expected):
    raw = body()
    with pytest.raises(WebhookTimestampError, match=expected) as caught:
        verify_webhook(raw, sign_webhook(raw, SECRET, signed_at), SECRET, now=NOW)
    assert isinstance(caught.value, WebhookSignatureError)
    assert caught.value.event.trade_order_id == "tt-1"      # authentic: the caller may confirm it


def test_the_tolerance_is_the_receivers_choice():
    raw = body()
    header = sign_webhook(raw, SECRET, NOW - 3000)
    assert verify_webhook(raw, header, SECRET, tolerance=3600, now=NOW).trade_order_id == "tt-1"


@pytest.mark.parametrize("header, why", [
    (None, "missing"), ("", "missing"), ("t=1", "s must be 64 hex"), ("s=" + "a" * 64, "t must be"),
    ("t=abc,s=" + "a" * 64, "t must be"), (f"t={NOW},s=xyz", "s must be 64 hex"),
    (f"t={NOW};s={'a' * 64}", "malformed"), (f"t={NOW},v1={'a' * 64}", "malformed"),
    (f"t={NOW},s={'a' * 64},s={'b' * 64}", "more than once"), (f"t={NOW},t={NOW},s={'a' * 64}", "more than once"),
    ("t=1,s=" + "a" * 600, "too long"),
])
def test_missing_or_malformed_headers_are_refused(header, why):
    with pytest.raises(WebhookSignatureError, match=why):
        verify_webhook(body(), header, SECRET, now=NOW)


def test_duplicate_s_is_refused_even_if_one_of_them_is_right():
    raw = body()
    good = sign_webhook(raw, SECRET, NOW).split(",s=")[1]
    with pytest.raises(WebhookSignatureError, match="more than once"):
        verify_webhook(raw, f"t={NOW},s={'0' * 64},s={good}", SECRET, now=NOW)


@pytest.mark.parametrize("raw, why", [
    (b"not json", "not JSON"), (b"[1, 2]", "JSON object"), (b"\xff\xfe", "not JSON"),
    (body(event=""), "'event'"), (body(client_key=None), "'client_key'"), (body(create_time="5"), "'create_time'"),
    (body(content="{not json"), "'content' is not a JSON string"), (body(content=json.dumps([1])), "JSON object"),
    (body(content=json.dumps({"order_id": "ord-1"})), "no trade_order_id"),
    (body(content=json.dumps({"trade_order_id": 5})), "'trade_order_id' must be a string"),
    (body(content=json.dumps({"trade_order_id": "tt", "is_sandbox": "yes"})), "'is_sandbox' must be a boolean"),
    (body(user_openid=7), "'user_openid'"),
])
def test_a_signed_body_that_is_not_tiktoks_json_is_refused(raw, why):
    with pytest.raises(WebhookError, match=why) as caught:
        verify_webhook(raw, sign_webhook(raw, SECRET, NOW), SECRET, now=NOW)
    assert not isinstance(caught.value, WebhookSignatureError)


def test_the_signature_is_checked_before_the_body_is_parsed():
    with pytest.raises(WebhookSignatureError):          # garbage with a wrong signature: a signature error
        verify_webhook(b"not json", sign_webhook(b"other", SECRET, NOW), SECRET, now=NOW)


def test_body_must_be_raw_bytes_and_the_secret_given():
    raw = body()
    with pytest.raises(TypeError, match="raw request bytes"):
        verify_webhook(raw.decode(), sign_webhook(raw, SECRET, NOW), SECRET, now=NOW)
    with pytest.raises(ValueError, match="client_secret"):
        verify_webhook(raw, sign_webhook(raw, SECRET, NOW), "", now=NOW)


def test_sign_webhook_makes_tiktoks_header_shape():
    header = sign_webhook(b"{}", SECRET, NOW)
    t, s = header.split(",")
    assert t == f"t={NOW}" and s.startswith("s=") and len(s) == 66
