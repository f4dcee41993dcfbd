"""The drawing recorder's two halves agree (ttminis/drawing.py records, web/surface/ttminis-surface.js replays),
and a value that is not a number becomes what JavaScript's ToNumber makes of it. The recorder itself runs on
Pyodide: tests/shared/drawing_contract.py drives it on every engine."""
import json
import math
import re

import pytest

from ttminis import drawing
from ttminis.build import node
from ttminis.build.package import WEB

SURFACE = WEB / "surface" / "ttminis-surface.js"


def js_table(name):
    source = SURFACE.read_text()
    body = re.search(rf"var {name} = \[(.*?)\];\n\n", source, re.S).group(1)
    return body


def test_the_opcodes_are_the_same_list_on_both_sides():
    names = re.findall(r'"(\w+)"', js_table("DRAW_OP_NAMES"))
    assert tuple(names) == drawing.OPS


def test_each_op_reads_as_many_numbers_as_python_records():
    # [name, argc, handler] in DRAW_OPS, in order: the count each Python method appends after its opcode
    counts = [int(c) for c in re.findall(r'^\s*\["\w+", (-?\d+),', js_table("DRAW_OPS"), re.M)]
    assert len(counts) == len(drawing.OPS)
    recorded = {"fillRect": 4, "clearRect": 4, "strokeRect": 4, "rect": 4, "moveTo": 2, "lineTo": 2, "beginPath": 0,
                "closePath": 0, "save": 0, "restore": 0, "translate": 2, "scale": 2, "rotate": 1, "transform": 6,
                "setTransform": 6, "resetTransform": 0, "quadraticCurveTo": 4, "bezierCurveTo": 6, "arc": 6,
                "arcTo": 5, "ellipse": 8, "roundRect": 5, "fill": 2, "stroke": 2, "clip": 2, "fillText": 3,
                "fillTextMax": 4, "strokeText": 3, "strokeTextMax": 4, "drawImage3": 3, "drawImage5": 5,
                "drawImage9": 9, "setNumber": 2, "setString": 2, "setObject": 2, "setLineDash": -1,
                "putImageData3": 3, "putImageData7": 7, "fillRects": 5, "drawImages": 6}
    assert dict(zip(drawing.OPS, counts)) == recorded


def test_the_hot_methods_record_their_opcode_and_numbers(monkeypatch):
    monkeypatch.setitem(drawing._state, "scheduled", True)      # no JavaScript here to schedule a flush in
    drawing._ops.clear()
    context = drawing.Context2D.__new__(drawing.Context2D)
    drawing.Context2D.fillRect(context, 1, 2.5, 3, 4)
    drawing.Context2D.rotate(context, 0.5)
    drawing.Context2D.save(context)
    assert drawing._ops == [drawing.OPS.index("fillRect"), 1, 2.5, 3, 4, drawing.OPS.index("rotate"), 0.5,
                            drawing.OPS.index("save")]
    drawing._ops.clear()


@pytest.mark.parametrize("value, expected", [
    (5, 5.0), (2.5, 2.5), (True, 1.0), (False, 0.0), ("7", 7.0), (" 8.5 ", 8.5), ("", 0.0), ("0x10", 16.0),
    ("Infinity", math.inf), ("-Infinity", -math.inf), ("x", math.nan), (None, math.nan), ([1], math.nan),
    (10 ** 400, math.inf), ("inf", math.nan),
])
def test_a_value_that_is_not_a_number_becomes_what_javascript_makes_of_it(value, expected):
    got = drawing._number(value)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_javascript_agrees_on_those_numbers():
    values = ["7", " 8.5 ", "", "0x10", "Infinity", "-Infinity", "x", "inf", "infinity", "1e3", "0b11", "-0x10", "0o7"]
    script = ("console.log(JSON.stringify(JSON.parse(process.argv[1]).map((v) => { const n = Number(v); "
              "return Number.isFinite(n) ? n : String(n); })))")
    proc = node.run(["-e", script, json.dumps(values)], capture_output=True, text=True)

    def shown(n):
        return n if math.isfinite(n) else "NaN" if math.isnan(n) else "Infinity" if n > 0 else "-Infinity"
    assert json.loads(proc.stdout) == [shown(drawing._number(v)) for v in values]
