"""Real work with four requirements that have compiled code (Pyodide wheels of msgpack, pydantic 2 with
pydantic-core, jiter, simplejson); the results in ``GameGlobal.packagesResult`` (JSON) on every target."""
import json

import jiter
import msgpack
import pydantic
import simplejson

import js


class Player(pydantic.BaseModel):
    name: str
    score: int
    tags: list[str] = []


def run():
    packed = msgpack.packb({"name": "ada", "scores": [1, 2, 300], "pi": 3.5, "raw": b"\x00\xff"})
    unpacked = msgpack.unpackb(packed)
    player = Player.model_validate({"name": "ada", "score": "42", "tags": ["a"]})
    try:
        Player.model_validate({"name": "bob", "score": "many"})
        invalid = None
    except pydantic.ValidationError as e:
        invalid = [[list(err["loc"]), err["type"]] for err in e.errors()]
    parsed = jiter.from_json(b'{"a": [1, 2.5, "x", null, true], "big": 12345678901234567890}')
    dumped = simplejson.dumps({"b": 1, "a": [1.5, None]}, sort_keys=True)
    return {
        "msgpack": {"bytes": len(packed), "back": {k: (v.hex() if isinstance(v, bytes) else v)
                                                   for k, v in unpacked.items()},
                    "compiled": msgpack.Packer.__module__},
        "pydantic": {"version": pydantic.VERSION, "player": player.model_dump(), "invalid": invalid,
                     "core": pydantic.__dict__.get("__pydantic_core_version__", None)},
        "jiter": {"parsed": {"a": parsed["a"], "big": str(parsed["big"])}},
        "simplejson": {"dumped": dumped, "speedups": simplejson._speedups is not None
                       if hasattr(simplejson, "_speedups") else None,
                       "loaded": simplejson.loads('{"x": [1, 2]}')},
    }


result = run()
where = js.globalThis
where.packagesResult = json.dumps(result)
