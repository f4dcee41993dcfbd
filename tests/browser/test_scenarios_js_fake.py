"""The shared scenarios (tests/shared/scenarios.json) against the JS fake, on Pyodide and Brython.

``tests/unit/test_scenarios_cpython_fake.py`` runs the same list against the CPython fake.
"""
import pytest

from tests.shared.scenarios import IDS, SCENARIOS, expected_state, program

pytestmark = pytest.mark.browser

SET_UP = """(given) => {
  const fake = TTMinisFake;
  if (given.balance !== undefined) fake.wallet.balance = given.balance;
  Object.entries(given.orders || {}).forEach(([id, amount]) => fake.backend.createOrder(amount, id));
  (given.script || []).forEach(([method, behaviour]) => fake.script(method, behaviour));
  if (given.default_ad) fake.ads.default = given.default_ad;
  if (given.next_ad) fake.ads.next = given.next_ad;
  if (given.unsupported) { given.unsupported.forEach((m) => fake.unsupported.add(m)); fake.install(); }
}"""
STATE = """() => {
  const fake = TTMinisFake;
  return {balance: fake.wallet.balance,
          orders: Object.fromEntries(Object.entries(fake.wallet.orders).map(([k, v]) => [k, v.status])),
          visits: fake.visits.length, progress: fake.progress, logins: fake.logins,
          storage: Object.fromEntries([...fake.storage].map(([k, v]) => [k, JSON.parse(v)])),
          calls: fake.calls.length, pay_calls: fake.callsOf('pay').length};
}"""


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_js_fake_passes_the_shared_scenario(harness, scenario):
    harness.js(SET_UP, scenario.get("given", {}))
    outcome = harness.py(program(scenario))
    assert outcome["results"] == scenario["results"]
    assert outcome["late"] == scenario.get("late", [])
    assert expected_state(scenario, harness.js(STATE)) == scenario.get("state", {})
