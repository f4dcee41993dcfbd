"""One list of scenarios (``scenarios.json``) that both fake SDKs must pass identically.

Each scenario gives the fake's starting state (``given``), calls made through ``ttminis.game``
(``[name, args, kwargs]``), the result of each call (``{"ok": value}``, ``{"error": error_code}``
or ``{"raises": "TypeError"}``), the answers ``on_late_answer`` heard (``late``, none unless
given) and the fake's state afterwards. ``tests/unit`` runs them against
the CPython fake; ``tests/browser`` against the JS fake, on Pyodide and on Brython.
"""
import json
from pathlib import Path

SCENARIOS = json.loads((Path(__file__).parent / "scenarios.json").read_text(encoding="utf-8"))
IDS = [s["name"] for s in SCENARIOS]

# The body of an async function, run as is in CPython and in the browser harness, with CALLS
# and PARALLEL defined in front of it and game/ttminis in scope.
RUNNER = '''
def is_plain(value):
    return value is None or isinstance(value, (bool, int, float, str, list, dict))

def outcome_of(error):
    if isinstance(error, ttminis.TTMinisError):
        return {"error": error.error_code}
    if isinstance(error, (TypeError, ValueError)):
        return {"raises": type(error).__name__}
    raise error

late = []
ttminis.on_late_answer(late.append)
started = []
for name, args, kwargs in CALLS:
    try:
        started.append(["value", getattr(game, name)(*args, **kwargs)])
    except Exception as e:
        started.append(["done", outcome_of(e)])
    if not PARALLEL:
        kind, value = started[-1]
        if kind == "value":
            try:
                started[-1] = ["done", {"ok": value if is_plain(value) else await value}]
            except Exception as e:
                started[-1] = ["done", outcome_of(e)]
results = []
for kind, value in started:
    if kind == "done":
        results.append(value)
        continue
    try:
        results.append({"ok": value if is_plain(value) else await value})
    except Exception as e:
        results.append(outcome_of(e))
return {"results": results, "late": late}
'''


def program(scenario):
    """Python source running the scenario's calls; its value is ``{"results": [...], "late": [...]}``."""
    calls = [[c[0], c[1], c[2] if len(c) > 2 else {}] for c in scenario["calls"]]
    return (f"CALLS = {calls!r}\nPARALLEL = {bool(scenario.get('parallel'))!r}\n"
            + RUNNER)


def expected_state(scenario, state):
    """The part of ``state`` the scenario makes claims about."""
    return {key: state.get(key) for key in scenario.get("state", {})}
