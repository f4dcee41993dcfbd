"""Every request to the backend gets a JSON answer, never a plain-text 500, whatever its body and headers."""
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ttminis.server.testing import running_backend

from test_backend import Player, inventory_hook


@pytest.fixture(scope="module")
def sqlite_backend(tmp_path_factory):
    from ttminis.server.fake_tiktok import FakeTikTokServer
    with FakeTikTokServer(retry_delays=(0.05,)) as tiktok, running_backend(
            tiktok, f"sqlite:///{tmp_path_factory.mktemp('bad') / 'orders.db'}", grant=inventory_hook) as backend:
        backend.tiktok = tiktok
        backend.session = Player(backend, tiktok).session
        yield backend


def is_json(response):
    try:
        body = response.json()
    except ValueError:
        return False
    return response.headers.get("content-type", "").startswith("application/json") and isinstance(body, dict)


@pytest.mark.parametrize("path, raw", [
    ("/login", b'{"code": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),        # RecursionError
    ("/login", b"[" * 5000 + b"]" * 5000),
    ("/login", b'{"code": "\\ud800"}'),                                        # a lone surrogate
    ("/orders", b'{"product_id": "\\udfff"}'),
    ("/webhook", b"[" * 5000 + b"]" * 5000),
])
def test_deep_nesting_and_lone_surrogates_get_a_json_4xx(sqlite_backend, path, raw):
    """Finding 10: these were plain-text 500s."""
    headers = {"Authorization": "Bearer " + sqlite_backend.session, "Content-Type": "application/json"}
    response = httpx.post(sqlite_backend.url + path, content=raw, headers=headers, timeout=30)
    assert 400 <= response.status_code < 500 and is_json(response), (response.status_code, response.text[:200])


def test_a_refund_hook_that_raises_gets_a_json_500_and_tiktok_retries(tiktok, database_url):
    """Finding 10: a raising refund hook answered a plain-text 500."""
    calls = []

    def refund(r):
        calls.append(r)
        if len(calls) == 1:
            raise RuntimeError("the game's refund hook failed")
    with running_backend(tiktok, database_url, grant=inventory_hook, refund=refund) as backend:
        player = Player(backend, tiktok)
        order = player.order()
        tiktok.pay(order["trade_order_id"])
        tiktok.wait_for(lambda: tiktok.acknowledged(order["trade_order_id"]))
        tiktok.refund(order["trade_order_id"])
        tiktok.wait_for(tiktok.settled)
        statuses = [a["status"] for a in tiktok.attempts(order["trade_order_id"])]
        assert statuses == [200, 500, 200]
        assert player.status(order["order_id"]) == "refunded" and len(calls) == 2


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=20)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["code", "product_id", "event", "content", "client_key", "create_time"]),
                    json_values, max_size=4).map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=1, max_value=3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=1, max_value=6000).map(lambda n: b'{"code": ' + b"9" * n + b"}"),
    st.text(max_size=50).map(lambda t: json.dumps({"code": t, "product_id": t}).encode("utf-8", "surrogatepass")),
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/login", "/orders", "/webhook", "/orders/x", "/products", "/health", "/nowhere"]),
       method=st.sampled_from(["POST", "GET", "PUT"]), body=bodies,
       content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
       authorization=st.one_of(st.none(), header_text, st.just("session")),
       signature=st.one_of(st.none(), header_text))
def test_every_request_gets_a_json_answer(sqlite_backend, path, method, body, content_type, authorization, signature):
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if authorization is not None:
        headers["Authorization"] = "Bearer " + sqlite_backend.session if authorization == "session" else authorization
    if signature is not None:
        headers["Tiktok-Signature"] = signature
    response = httpx.request(method, sqlite_backend.url + path, content=body,
                             headers={k: v.encode("latin-1") for k, v in headers.items()}, timeout=30)
    assert is_json(response), (response.status_code, response.text[:200])
    assert response.status_code < 500 or path in ("/orders",), (response.status_code, response.text[:200])
