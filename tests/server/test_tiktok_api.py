"""TikTokAPI against the fake TikTok server over real HTTP: typed results, typed errors, safe retries."""
import socket
import threading

import pytest

from ttminis.server.tiktok_api import (AccessTokenInvalid, DuplicateOrderId, InternalError, InvalidParameters,
                                       OAuthError, OrderNotFound, OrderOutcomeUnknown, OrderRequest, RateLimited,
                                       TikTokAPI, TikTokUnreachable)
from ttminis.testing import FakeTikTok


def run(coroutine):
    """Await it in a fresh loop on a worker thread (a browser session keeps a loop in this one)."""
    return FakeTikTok.run(lambda: coroutine)


def api_for(tiktok, **options):
    return TikTokAPI(tiktok.client_key, tiktok.client_secret, base_url=tiktok.url, backoff=0.01, **options)


def sword(order_id="ord-1"):
    return OrderRequest(order_id=order_id, amount=30, product_id="sword", product_name="Sword")


def test_login_code_exchange_refresh_and_revoke(tiktok):
    async def scenario():
        async with api_for(tiktok) as api:
            tokens = await api.exchange_code(tiktok.issue_code("player-7"))
            fresh = await api.refresh(tokens.refresh_token)
            await api.revoke(fresh.access_token)
            with pytest.raises(AccessTokenInvalid):
                await api.query_order(fresh.access_token, "tt-x")
            return tokens, fresh
    tokens, fresh = run(scenario())
    assert tokens.open_id == fresh.open_id == "player-7"
    assert tokens.expires_in == 2 * 3600 and tokens.refresh_expires_in == 180 * 86400     # TikTok's documented lifetimes
    assert fresh.access_token != tokens.access_token
    assert "act." not in repr(tokens) and "rft." not in repr(tokens)


def test_a_code_works_once_and_oauth_errors_are_typed(tiktok):
    async def scenario():
        async with api_for(tiktok) as api:
            code = tiktok.issue_code()
            await api.exchange_code(code)
            with pytest.raises(OAuthError) as again:
                await api.exchange_code(code)
            return again.value
    error = run(scenario())
    assert error.code == "invalid_grant" and error.log_id and error.http_status == 400


def test_a_wrong_client_secret_is_an_oauth_error_without_the_secret_in_it(tiktok):
    async def scenario():
        async with TikTokAPI(tiktok.client_key, "wrong-secret-value", base_url=tiktok.url) as api:
            with pytest.raises(OAuthError) as caught:
                await api.exchange_code(tiktok.issue_code())
            return caught.value
    error = run(scenario())
    assert error.code == "invalid_client" and "wrong-secret-value" not in str(error)


def test_create_and_query_an_order(tiktok):
    async def scenario():
        async with api_for(tiktok) as api:
            token = (await api.exchange_code(tiktok.issue_code("p1"))).access_token
            trade_order_id = await api.create_order(token, sword())
            before = await api.query_order(token, trade_order_id)
            tiktok.pay(trade_order_id)
            after = await api.query_order(token, trade_order_id)
            return trade_order_id, before, after
    trade_order_id, before, after = run(scenario())
    assert tiktok.orders[trade_order_id]["amount"] == 30
    assert (before.status, before.paid, after.status, after.paid) == ("PENDING", False, "SUCCESS", True)


def test_tiktoks_codes_become_typed_exceptions(tiktok):
    async def scenario():
        async with api_for(tiktok, retries=0) as api:
            token = (await api.exchange_code(tiktok.issue_code())).access_token
            await api.create_order(token, sword("ord-dup"))
            with pytest.raises(DuplicateOrderId) as duplicate:
                await api.create_order(token, sword("ord-dup"))
            with pytest.raises(OrderNotFound) as missing:
                await api.query_order(token, "tt-nope")
            tiktok.fail_next("create", 40001000, 400)
            with pytest.raises(InvalidParameters):
                await api.create_order(token, sword("ord-2"))
            tiktok.fail_next("query", "rate_limit_exceeded", 429)
            with pytest.raises(RateLimited):
                await api.query_order(token, "tt-nope")
            tiktok.expire_access_tokens()
            with pytest.raises(AccessTokenInvalid) as expired:
                await api.query_order(token, "tt-nope")
            return duplicate.value, missing.value, expired.value
    duplicate, missing, expired = run(scenario())
    assert duplicate.code == 20021002 and missing.code == 20011002
    assert expired.http_status == 401 and expired.code == "access_token_invalid"


def test_bad_arguments_are_refused_before_anything_is_sent(tiktok):
    async def scenario():
        async with api_for(tiktok) as api:
            with pytest.raises(ValueError, match="amount"):
                await api.create_order("token", OrderRequest("ord-1", 0, "sword", "Sword"))
            with pytest.raises(ValueError, match="product_id"):
                await api.create_order("token", OrderRequest("ord-1", 5, "", "Sword"))
            with pytest.raises(ValueError, match="code"):
                await api.exchange_code("")
    run(scenario())
    assert tiktok.calls == []


def test_query_is_retried_after_an_internal_error_or_a_rate_limit(tiktok):
    async def scenario():
        async with api_for(tiktok, retries=2) as api:
            token = (await api.exchange_code(tiktok.issue_code())).access_token
            trade_order_id = await api.create_order(token, sword())
            tiktok.fail_next("query", 50001000, 500)
            tiktok.fail_next("query", "rate_limit_exceeded", 429)
            return await api.query_order(token, trade_order_id)
    assert run(scenario()).status == "PENDING"
    assert [c[0] for c in tiktok.calls].count("query") == 3


def test_create_retried_after_an_internal_error_that_did_create_fails_clearly(tiktok):
    async def scenario():
        async with api_for(tiktok, retries=2) as api:
            token = (await api.exchange_code(tiktok.issue_code())).access_token
            tiktok.fail_next("create", 50001000, 500, after_create=True)
            with pytest.raises(OrderOutcomeUnknown, match="abandon this order id"):
                await api.create_order(token, sword("ord-ambiguous"))
    run(scenario())
    assert len(tiktok.orders) == 1       # one trade order, never two


def test_create_retried_after_an_internal_error_that_did_not_create_succeeds(tiktok):
    async def scenario():
        async with api_for(tiktok, retries=1) as api:
            token = (await api.exchange_code(tiktok.issue_code())).access_token
            tiktok.fail_next("create", 50001000, 500)
            return await api.create_order(token, sword())
    assert run(scenario()) in tiktok.orders


def test_internal_errors_past_the_retries_are_raised(tiktok):
    async def scenario():
        async with api_for(tiktok, retries=1) as api:
            token = (await api.exchange_code(tiktok.issue_code())).access_token
            tiktok.fail_next("query", 50001000, 500)
            tiktok.fail_next("query", 50001000, 500)
            with pytest.raises(InternalError):
                await api.query_order(token, "tt-1")
    run(scenario())


@pytest.fixture
def silent_server():
    """Accepts connections, reads the request and never answers (a request lost in flight)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", held
    stop.set()
    listener.close()
    for conn in held:
        conn.close()


def test_a_create_without_an_answer_is_an_unknown_outcome_and_not_retried(silent_server):
    url, held = silent_server

    async def scenario():
        async with TikTokAPI("ck", "secret", base_url=url, timeout=0.3, retries=3, backoff=0.01) as api:
            with pytest.raises(OrderOutcomeUnknown, match="no answer"):
                await api.create_order("token", sword())
    run(scenario())
    assert len(held) == 1        # sent once: never a blind retry


def test_a_query_without_an_answer_is_retried_then_unreachable(silent_server):
    url, held = silent_server

    async def scenario():
        async with TikTokAPI("ck", "secret", base_url=url, timeout=0.3, retries=1, backoff=0.01) as api:
            with pytest.raises(TikTokUnreachable):
                await api.query_order("token", "tt-1")
    run(scenario())
    assert len(held) == 2


def test_a_refused_connection_is_unreachable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]       # closed again: nothing listens there

    async def scenario():
        async with TikTokAPI("ck", "secret", base_url=f"http://127.0.0.1:{port}", retries=1, backoff=0.01) as api:
            with pytest.raises(TikTokUnreachable, match="could not connect"):
                await api.create_order("token", sword())
    run(scenario())


def test_revoke_accepts_tiktoks_empty_answer(tiktok):
    """Finding 7: TikTok documents revoke's answer as empty; an empty body used to raise."""
    async def scenario():
        async with api_for(tiktok) as api:
            tokens = await api.exchange_code(tiktok.issue_code("player-8"))
            return await api.revoke(tokens.access_token)
    assert run(scenario()) is None


def test_check_redeem_amounts_says_whether_every_price_is_legal():
    from ttminis.server.fake_tiktok import FakeTikTokServer
    with FakeTikTokServer(legal_amounts=[11, 19, 999]) as tiktok:
        async def scenario():
            async with api_for(tiktok) as api:
                token = (await api.exchange_code(tiktok.issue_code())).access_token
                return (await api.check_redeem_amounts(token, [11, 19, 999]),
                        await api.check_redeem_amounts(token, [11, 30]))
        assert run(scenario()) == (True, False)


def test_check_redeem_amounts_refuses_what_is_not_a_list_of_whole_beans(tiktok):
    async def scenario():
        async with api_for(tiktok) as api:
            with pytest.raises(ValueError, match="amounts must be a non-empty list of ints >= 1"):
                await api.check_redeem_amounts("act.x", [1.5])
    run(scenario())


def test_get_tier_infos_gives_each_tier_with_its_price_and_currency():
    from ttminis.server.fake_tiktok import FakeTikTokServer
    from ttminis.server.tiktok_api import TierInfo, TierInvalid
    tier = {"tier_name": "70 Beans", "token_type": "BEANS", "token_amount": 70, "price": "0.99",
            "currency": "USD", "symbol": "$"}
    with FakeTikTokServer(tiers={"tier-1": tier}) as tiktok:
        async def scenario():
            async with api_for(tiktok) as api:
                token = (await api.exchange_code(tiktok.issue_code())).access_token
                with pytest.raises(TierInvalid):
                    await api.get_tier_infos(token, ["tier-9"])
                return await api.get_tier_infos(token, ["tier-1"])
        assert run(scenario()) == {"tier-1": TierInfo("tier-1", "70 Beans", "BEANS", 70, "0.99", "USD", "$")}
