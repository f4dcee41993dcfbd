"""The shared scenarios (tests/shared/scenarios.json) against the CPython fake, ``ttminis.testing``.

``tests/browser/test_scenarios_js_fake.py`` runs the same list against the JS fake on Pyodide and
Brython: passing both proves the two fakes agree.
"""
import pytest

import ttminis
from tests.shared.scenarios import IDS, SCENARIOS, expected_state, program
from ttminis import game, testing


def set_up(fake, given):
    fake.balance = given.get("balance", fake.balance)
    for order_id, amount in given.get("orders", {}).items():
        fake.create_order(amount, order_id)
    for method, behaviour in given.get("script", []):
        fake.script(method, behaviour)
    if "default_ad" in given:
        fake.default_ad = given["default_ad"]
    if "next_ad" in given:
        fake.next_ad = given["next_ad"]
    fake.unsupported.update(given.get("unsupported", []))


def state_of(fake):
    return {"balance": fake.balance, "orders": {k: v["status"] for k, v in fake.orders.items()},
            "visits": len(fake.visits), "progress": fake.progress, "logins": fake.logins,
            "storage": fake.storage, "calls": len(fake.calls), "pay_calls": len(fake.calls_of("pay"))}


def run_program(source):
    namespace = {"game": game, "ttminis": ttminis}
    exec("async def scenario():\n" + "\n".join("    " + line for line in source.splitlines()), namespace)
    return testing.FakeTikTok.run(namespace["scenario"])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_cpython_fake_passes_the_shared_scenario(ttminis_wallet, scenario):
    set_up(ttminis_wallet, scenario.get("given", {}))
    outcome = run_program(program(scenario))
    assert outcome["results"] == scenario["results"]
    assert outcome["late"] == scenario.get("late", [])
    assert expected_state(scenario, state_of(ttminis_wallet)) == scenario.get("state", {})
