"""Canvas drawing that crosses to JavaScript once per frame: the 2D context ``screen.context()`` gives on Pyodide.

Each canvas call from Python is a crossing into JavaScript, and without JIT (iPhones) a crossing costs about
as much as 30 lines of the game's own Python. So the context records calls instead: ``fillRect``,
``drawImage``, paths, transforms, text, ``save``/``restore`` and property sets (``fillStyle = ...``) are
appended to one flat list of numbers (an opcode, then its arguments; strings and JS objects by index into
two small tables), shared by every recording context. JavaScript replays it on the real contexts
(``ttminis-surface.js``: ``drawingReplay``) in one call:

* at the end of each animation frame (``frames``), or, outside frames, in a microtask scheduled by the first
  call recorded after a flush;
* at once before any read: ``getImageData``, ``measureText``, ``isPointInPath``, ``getTransform``, a
  property read (``ctx.fillStyle`` is what the canvas says: ``"#ff0000"`` after ``"red"``), ``toDataURL``,
  ``createLinearGradient``/``createPattern`` (they return JS objects) and ``canvas.width = ...``;
* when you call ``flush()`` (``screen.flush()``).

Game code does not change. Arguments the canvas throws on (a negative radius, something that is not an
image in ``drawImage``) raise at the game's own line, as ``ValueError``/``TypeError``; what the canvas
silently ignores (NaN, an unknown colour) stays ignored. A call the canvas still refuses when it is replayed
(a broken image) raises ``RuntimeError`` at the next flush, naming the call. A str where a number goes is
made a number as JavaScript would (``"5"`` is 5, ``"x"`` NaN); a property value or text the buffer cannot
hold (not a str or number) makes that one call directly, after a flush.

The batch calls ``fillRects(xs, ys, width, height)`` and ``drawImages(image, xs, ys, width=None,
height=None)`` draw many identical sprites from two sequences of numbers (``array('f')``, ``array('d')``,
a memoryview or a list) in one recorded call.

Brython (previews only) keeps drawing directly: ``screen.context()`` is the canvas's own context there.

Exports:
    Context2D       the recording context (``screen.context()``)
    Canvas          a canvas seen from Python (``screen.canvas()``, ``ctx.canvas``): width/height set
                    through it flush first; ``.handle`` is the JS canvas
    CanvasObject    a gradient or pattern (``ctx.createLinearGradient(...)``); ``.handle`` is the JS object
    flush()         replay everything recorded now; raises a replay error left by an earlier flush
    recorded()      how many numbers wait in the buffer (0 right after a flush)

Example::

    from ttminis import screen

    ctx = screen.context()
    ctx.fillStyle = "#123456"
    for x, y in positions:
        ctx.fillRect(x, y, 8, 8)          # recorded: nothing crosses yet
    ctx.getImageData(0, 0, 1, 1)          # flushes, then reads what the canvas has
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import Any, Callable, JSValue, Sequence

from . import target
from .backend import ffi

# The opcodes, in the order of OPS in ttminis-surface.js (a test keeps them equal; drawingInit checks it).
OPS = ("fillRect", "clearRect", "strokeRect", "rect", "moveTo", "lineTo", "beginPath", "closePath", "save",
       "restore", "translate", "scale", "rotate", "transform", "setTransform", "resetTransform",
       "quadraticCurveTo", "bezierCurveTo", "arc", "arcTo", "ellipse", "roundRect", "fill", "stroke", "clip",
       "fillText", "fillTextMax", "strokeText", "strokeTextMax", "drawImage3", "drawImage5", "drawImage9",
       "setNumber", "setString", "setObject", "setLineDash", "putImageData3", "putImageData7", "fillRects",
       "drawImages")
_OP = {name: code for code, name in enumerate(OPS)}
_SET_NUMBER, _SET_STRING, _SET_OBJECT = _OP["setNumber"], _OP["setString"], _OP["setObject"]
SLOT = 64          # a context's opcodes are slot * SLOT + op: the first context's are the bare ops

# The properties a recording context sets, by kind; PROPS is their order (the index crosses, not the name).
NUMBER_PROPS = ("lineWidth", "miterLimit", "lineDashOffset", "globalAlpha", "shadowBlur", "shadowOffsetX",
                "shadowOffsetY")
STRING_PROPS = ("font", "textAlign", "textBaseline", "direction", "lineCap", "lineJoin",
                "globalCompositeOperation", "shadowColor", "filter", "imageSmoothingQuality", "letterSpacing",
                "wordSpacing", "fontKerning", "fontStretch", "fontVariantCaps", "textRendering")
STYLE_PROPS = ("fillStyle", "strokeStyle")
FLAG_PROPS = ("imageSmoothingEnabled",)
PROPS = NUMBER_PROPS + STRING_PROPS + STYLE_PROPS + FLAG_PROPS
_PROP = {name: index for index, name in enumerate(PROPS)}

# Calls that return what the canvas has: they flush, then ask the real context.
READS = ("getImageData", "measureText", "isPointInPath", "isPointInStroke", "getTransform", "getLineDash",
         "getContextAttributes", "createImageData", "isContextLost")

_ops: list[Any] = []               # the buffer: opcodes and numbers, flat
_strings: list[str] = []           # this flush's strings; _ops hold their index
_string_index: dict[str, int] = {}
_objects: list[JSValue] = []       # this flush's JS objects (images, gradients, paths, typed arrays)
_object_index: dict[int, int] = {}
_contexts: list[Context2D] = []    # by slot
_state: dict[str, Any] = {"scheduled": False, "in_frame": False, "error": None, "js": None, "JsProxy": ()}
_struct = __import__("struct")     # by name: Brython's bundler would bundle it (this module never runs there)
_pack = _struct.pack


def recorded() -> int:
    """How many numbers wait in the buffer (0 right after a flush).

    Example::

        drawing.recorded()      # 5 after one fillRect
    """
    return len(_ops)


def flush() -> None:
    """Replay everything recorded, in order, on the real contexts; then raise the first error a replay
    met since the last flush (``RuntimeError`` naming the call), if any.

    Example::

        ctx.fillRect(0, 0, 10, 10)
        drawing.flush()           # the rectangle is on the canvas now
    """
    if _ops:
        _replay()
    error = _state["error"]
    if error is not None:
        _state["error"] = None
        raise error


def _replay() -> None:
    """Send the buffer to JavaScript in one call; a replay error is kept for the next ``flush``.

    Where ``drawingMemory`` confirmed CPython's layout, JavaScript reads the list where it lies in the wasm
    memory (no packing); otherwise, or when the list holds something else than floats and ints, it is packed
    into bytes here."""
    helpers = _js()
    count = len(_ops)
    strings = helpers["to_js"](_strings) if _strings else None
    objects = helpers["to_js"](_objects) if _objects else None
    try:
        outcome = helpers["replay_list"](id(_ops), count, strings, objects) if helpers["fast"] else -1
        if outcome == -1:
            try:
                data = _pack("%dd" % count, *_ops)
            except (_struct.error, TypeError, OverflowError):
                data = _pack("%dd" % count, *[_number(value) for value in _ops])
            outcome = helpers["replay"](helpers["to_js"](data), strings, objects)
    finally:
        _ops.clear()
        _strings.clear()
        _string_index.clear()
        _objects.clear()
        _object_index.clear()
    if not isinstance(outcome, int) and _state["error"] is None:
        name, kind, message = (str(part) for part in outcome)
        _state["error"] = RuntimeError(f"ctx.{name}: the canvas refused it when it was drawn (the call was "
                                       f"recorded earlier and replayed at the flush): {kind}: {message}")


def _js() -> dict[str, Any]:
    """The JS functions a flush calls, looked up at first use (a build-time snapshot carries no JS object)."""
    helpers: dict[str, Any] | None = _state["js"]
    if helpers is None:
        from pyodide.ffi import JsProxy, create_proxy, to_js

        _state["JsProxy"] = JsProxy
        surface = target.surface()
        surface.drawingInit(to_js(list(OPS)), to_js(list(PROPS)), SLOT)
        helpers = {"replay": surface.drawingReplay, "replay_list": surface.drawingReplayList,
                   "schedule": surface.drawingSchedule, "fast": _memory_layout_checked(surface),
                   "to_js": lambda value: to_js(value, create_pyproxies=False), "flush": create_proxy(_scheduled)}
        _state["js"] = helpers
    return helpers


def _memory_layout_checked(surface: JSValue) -> bool:
    """Whether JavaScript reads a list of floats and ints in the wasm memory as Python sees it (checked on
    values that cover every case it decodes, both digit sizes of an int)."""
    probe: list[Any] = [1.5, 0, 7, -3, 40000, True, False, -2.25e300, 2 ** 40, -(2 ** 31), float("inf"), 0.1]
    try:
        from pyodide.ffi import to_js

        module = __import__("pyodide_js")._module       # Pyodide's own API object: its Emscripten module
        return bool(surface.drawingMemory(module, id(float), id(int), id(bool), id(probe),
                                          to_js([float(value) for value in probe])))
    except Exception:
        return False


def _schedule() -> None:
    """The first call recorded after a flush: replay at the frame's end, or else in a microtask."""
    if _state["in_frame"] or _state["scheduled"]:
        return
    _state["scheduled"] = True
    helpers = _js()
    helpers["schedule"](helpers["flush"])


def _scheduled() -> None:
    _state["scheduled"] = False
    if _ops:
        _replay()


def frame_begin() -> None:
    """The frame loop is about to run the game's frame: it flushes at its end, so nothing is scheduled."""
    _state["in_frame"] = True


def frame_end(raise_errors: bool = True) -> None:
    """The game's frame is over: replay it (``frames`` calls this; errors raise unless told not to)."""
    _state["in_frame"] = False
    if raise_errors:
        flush()
    elif _ops:
        _replay()


# ---- what crosses: numbers, strings, objects --------------------------------------------------------------

def _number(value: object) -> float:
    """What JavaScript's ToNumber makes of a Python value as Pyodide hands it over (NaN: the canvas ignores)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            if text[:2].lower() in ("0x", "0o", "0b"):
                return float(int(text, 0))
            if text.lower() in ("inf", "-inf", "+inf", "nan", "infinity", "-infinity", "+infinity"):
                return float({"Infinity": "inf", "-Infinity": "-inf", "+Infinity": "inf"}.get(text, "nan"))
            return float(text)
        except ValueError:
            return float("nan")
    return float("nan")


def _string(value: str) -> int:
    index = _string_index.get(value)
    if index is None:
        index = _string_index[value] = len(_strings)
        _strings.append(value)
    return index


def _handle(value: object) -> JSValue:
    """The JS object behind ``value`` (an ``images.Image``, a ``Canvas``, a ``CanvasObject``, a JS object)."""
    if _is_js(value):
        return value
    handle = getattr(value, "handle", None)
    return value if handle is None else handle


def _object(method: str, name: str, value: object, what: str) -> int:
    handle = _handle(value)
    if not _is_js(handle):
        raise TypeError(f"ctx.{method}: {name} must be {what}, got {type(value).__name__} "
                        "(the canvas throws TypeError)")
    key = id(handle)
    index = _object_index.get(key)
    if index is None:
        index = _object_index[key] = len(_objects)
        _objects.append(handle)
    return index


def _is_js(value: object) -> bool:
    return isinstance(value, _state["JsProxy"])


def _check_radius(method: str, name: str, value: object) -> None:
    number = value if type(value) is float or type(value) is int else _number(value)
    if number < 0:
        raise ValueError(f"ctx.{method}: {name} must be >= 0 (the canvas throws IndexSizeError), got {value!r}")


def _direct(context: Context2D, method: str, args: Sequence[object]) -> JSValue:
    """Flush, then make the call on the real context: for reads and for arguments the buffer cannot hold."""
    flush()
    return _call(context.handle, method, args)


def _call(handle: JSValue, method: str, args: Sequence[object]) -> JSValue:
    from pyodide.ffi import JsException
    converted = [_js()["to_js"](arg) if isinstance(arg, (list, tuple, dict)) else _handle(arg) for arg in args]
    try:
        return getattr(handle, method)(*converted)
    except JsException as e:
        raise _python_error(method, e) from None


def _python_error(method: str, e: Any) -> Exception:
    error = getattr(e, "js_error", e)
    kind = str(getattr(error, "name", "") or "Error")
    message = f"ctx.{method}: {kind}: {getattr(error, 'message', e)}"
    if kind == "TypeError":
        return TypeError(message)
    if kind in ("IndexSizeError", "RangeError", "SyntaxError", "NotSupportedError"):
        return ValueError(message)
    return RuntimeError(message)


# ---- the recording context ----------------------------------------------------------------------------------
# The hot calls are methods made from closures holding their opcode (a class per context slot, the first
# context's being Context2D itself): a call is one Python call and a few list appends, which the interpreter
# does inline, with nothing looked up inside. Context2D has no __getattr__: it would keep the interpreter from
# specialising every attribute lookup on it, and cost each call about a tenth.

def _op0(code: int) -> Callable[[Any], None]:
    ops = _ops

    def call(self: Any) -> None:
        if not ops:
            _schedule()
        ops.append(code)
    return call


def _op1(code: int) -> Callable[[Any, float], None]:
    ops = _ops

    def call(self: Any, a: float) -> None:
        if not ops:
            _schedule()
        ops.append(code)
        ops.append(a)
    return call


def _op2(code: int) -> Callable[[Any, float, float], None]:
    ops = _ops

    def call(self: Any, a: float, b: float) -> None:
        if not ops:
            _schedule()
        ops.append(code)
        ops.append(a)
        ops.append(b)
    return call


def _op4(code: int) -> Callable[[Any, float, float, float, float], None]:
    ops = _ops

    def call(self: Any, a: float, b: float, c: float, d: float) -> None:
        if not ops:
            _schedule()
        ops.append(code)
        ops.append(a)
        ops.append(b)
        ops.append(c)
        ops.append(d)
    return call


def _op6(code: int) -> Callable[[Any, float, float, float, float, float, float], None]:
    ops = _ops

    def call(self: Any, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        if not ops:
            _schedule()
        ops.append(code)
        ops.append(a)
        ops.append(b)
        ops.append(c)
        ops.append(d)
        ops.append(e)
        ops.append(f)
    return call


_SIMPLE = {"fillRect": _op4, "clearRect": _op4, "strokeRect": _op4, "rect": _op4, "moveTo": _op2, "lineTo": _op2,
           "beginPath": _op0, "closePath": _op0, "save": _op0, "restore": _op0, "translate": _op2, "scale": _op2,
           "rotate": _op1, "transform": _op6, "resetTransform": _op0, "quadraticCurveTo": _op4,
           "bezierCurveTo": _op6}


def _methods(slot: int) -> dict[str, Any]:
    """The hot methods of the context in ``slot``, their opcodes built in."""
    made = {}
    for name, make in _SIMPLE.items():
        method: Any = make(slot * SLOT + _OP[name])
        method.__name__ = method.__qualname__ = name
        method.__doc__ = f"ctx.{name}(...): recorded, replayed at the next flush."
        made[name] = method
    return made


class _Property:
    """A context property: setting it is recorded; reading it flushes and asks the canvas."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.index = _PROP[name]
        self.kind = ("number" if name in NUMBER_PROPS else "string" if name in STRING_PROPS
                     else "style" if name in STYLE_PROPS else "flag")

    def __get__(self, context: Context2D | None, owner: object = None) -> Any:
        if context is None:
            return self
        flush()
        return ffi.get(context.handle, self.name)

    def __set__(self, context: Context2D, value: Any) -> None:
        ops = _ops
        base = context.slot * SLOT
        kind = self.kind
        if kind == "number":
            if type(value) is float or type(value) is int:
                if not ops:
                    _schedule()
                ops += (base + _SET_NUMBER, self.index, value)
                return
        elif type(value) is str and kind != "flag":
            if not ops:
                _schedule()
            ops += (base + _SET_STRING, self.index, _string(value))
            return
        elif kind == "flag":
            if not ops:
                _schedule()
            ops += (base + _SET_NUMBER, self.index, 1.0 if value else 0.0)
            return
        elif kind == "style" and _is_js(_handle(value)):
            if not ops:
                _schedule()
            ops += (base + _SET_OBJECT, self.index, _object("fillStyle", self.name, value, "a colour, gradient or pattern"))
            return
        flush()            # anything else is converted (or ignored) by JavaScript itself, in order
        setattr(context.handle, self.name, _handle(value))


class Context2D:
    """A 2D context that records its calls (see the module's docstring); ``handle`` is the real JS context.

    Example::

        ctx = screen.context()
        ctx.fillStyle = "red"
        ctx.fillRect(10, 10, 20, 20)
        ctx.fillStyle                 # '#ff0000' (flushes first)
    """

    __slots__ = ("handle", "slot", "_canvas")
    fillRect: Callable[[float, float, float, float], None]
    clearRect: Callable[[float, float, float, float], None]
    strokeRect: Callable[[float, float, float, float], None]
    rect: Callable[[float, float, float, float], None]
    moveTo: Callable[[float, float], None]
    lineTo: Callable[[float, float], None]
    beginPath: Callable[[], None]
    closePath: Callable[[], None]
    save: Callable[[], None]
    restore: Callable[[], None]
    translate: Callable[[float, float], None]
    scale: Callable[[float, float], None]
    rotate: Callable[[float], None]
    transform: Callable[[float, float, float, float, float, float], None]
    resetTransform: Callable[[], None]
    quadraticCurveTo: Callable[[float, float, float, float], None]
    bezierCurveTo: Callable[[float, float, float, float, float, float], None]

    def __init__(self, handle: JSValue, canvas: Canvas | None = None) -> None:
        self.handle = handle
        self.slot = len(_contexts)
        self._canvas = canvas
        _js()             # drawingInit runs before the first context registers
        target.call("drawingContext", self.slot, handle)
        _contexts.append(self)

    def __repr__(self) -> str:
        return f"<ttminis recording 2D context {self.slot}>"

    def __eq__(self, other: object) -> bool:
        return self is other or (other is not None and ffi.same(self.handle, _handle(other)))

    def __hash__(self) -> int:
        return id(self)

    @property
    def canvas(self) -> Canvas:
        """The context's canvas (its ``width``/``height`` set through it flush first)."""
        if self._canvas is None:
            self._canvas = Canvas(ffi.get(self.handle, "canvas"), self)
        return self._canvas

    def _record(self, op: str, values: tuple[object, ...]) -> None:
        if not _ops:
            _schedule()
        _ops.append(self.slot * SLOT + _OP[op])
        _ops.extend(values)

    # ---- calls with checks, strings or objects -------------------------------------------------------------
    def setTransform(self, *args: Any) -> None:
        """``setTransform(a, b, c, d, e, f)`` is recorded; ``setTransform(matrix)``/``()`` are made directly."""
        if len(args) == 6:
            self._record("setTransform", args)
        else:
            _direct(self, "setTransform", args)

    def arc(self, x: float, y: float, radius: float, start: float, end: float, counterclockwise: bool = False) -> None:
        """``arc``; a negative radius raises ``ValueError`` here (the canvas throws IndexSizeError)."""
        _check_radius("arc", "radius", radius)
        self._record("arc", (x, y, radius, start, end, 1.0 if counterclockwise else 0.0))

    def arcTo(self, x1: float, y1: float, x2: float, y2: float, radius: float) -> None:
        _check_radius("arcTo", "radius", radius)
        self._record("arcTo", (x1, y1, x2, y2, radius))

    def ellipse(self, x: float, y: float, radius_x: float, radius_y: float, rotation: float, start: float,
                end: float, counterclockwise: bool = False) -> None:
        _check_radius("ellipse", "radiusX", radius_x)
        _check_radius("ellipse", "radiusY", radius_y)
        self._record("ellipse", (x, y, radius_x, radius_y, rotation, start, end, 1.0 if counterclockwise else 0.0))

    def roundRect(self, x: float, y: float, width: float, height: float, radii: Any = 0) -> None:
        """``roundRect`` with one radius is recorded; a list of radii is made directly."""
        if type(radii) is float or type(radii) is int:
            if radii < 0:
                raise ValueError(f"ctx.roundRect: radii must be >= 0 (the canvas throws RangeError), got {radii!r}")
            self._record("roundRect", (x, y, width, height, radii))
        else:
            _direct(self, "roundRect", (x, y, width, height, radii))

    def _path_op(self, op: str, args: tuple[Any, ...]) -> None:
        if op == "stroke" and (len(args) > 1 or (args and isinstance(args[0], str))):
            _direct(self, op, args)        # the canvas takes no fill rule here: let it say so
            return
        path, rule = -1, -1
        if args and not isinstance(args[0], str):
            path = _object(op, "path", args[0], "a Path2D")
            args = args[1:]
        if args:
            if not isinstance(args[0], str) or len(args) > 1:
                _direct(self, op, args if path < 0 else (_objects[path], *args))
                return
            if args[0] not in ("nonzero", "evenodd"):
                raise TypeError(f"ctx.{op}: fillRule must be 'nonzero' or 'evenodd', got {args[0]!r} "
                                "(the canvas throws TypeError)")
            rule = _string(args[0])
        self._record(op, (path, rule))

    def fill(self, *args: Any) -> None:
        """``fill()``, ``fill(rule)``, ``fill(path)``, ``fill(path, rule)``."""
        self._path_op("fill", args)

    def stroke(self, *args: Any) -> None:
        """``stroke()`` or ``stroke(path)``."""
        self._path_op("stroke", args)

    def clip(self, *args: Any) -> None:
        """``clip()``, ``clip(rule)``, ``clip(path)``, ``clip(path, rule)``."""
        self._path_op("clip", args)

    def fillText(self, text: str, x: float, y: float, max_width: float | None = None) -> None:
        """``fillText(text, x, y[, maxWidth])``."""
        self._text("fillText", text, x, y, max_width)

    def strokeText(self, text: str, x: float, y: float, max_width: float | None = None) -> None:
        self._text("strokeText", text, x, y, max_width)

    def _text(self, op: str, text: Any, x: float, y: float, max_width: float | None) -> None:
        if type(text) is not str:
            _direct(self, op, (text, x, y) if max_width is None else (text, x, y, max_width))
        elif max_width is None:
            self._record(op, (_string(text), x, y))
        else:
            self._record(op + "Max", (_string(text), x, y, max_width))

    def drawImage(self, image: Any, *args: float) -> None:
        """``drawImage(image, dx, dy)``, ``(image, dx, dy, dw, dh)`` or ``(image, sx, sy, sw, sh, dx, dy, dw, dh)``;
        ``image`` an ``images.Image``, a ``Canvas`` or a JS image/canvas (else ``TypeError`` here)."""
        index = _object("drawImage", "image", image, "an image or a canvas (images.load(...).handle, a canvas)")
        if len(args) not in (2, 4, 8):
            raise TypeError(f"ctx.drawImage: takes the image and 2, 4 or 8 numbers, got {len(args)} "
                            "(the canvas throws TypeError)")
        self._record(f"drawImage{len(args) + 1}", (index, *args))

    def putImageData(self, data: Any, *args: float) -> None:
        """``putImageData(imageData, dx, dy[, dirtyX, dirtyY, dirtyWidth, dirtyHeight])``."""
        index = _object("putImageData", "imagedata", data, "an ImageData (ctx.getImageData / createImageData)")
        if len(args) not in (2, 6):
            raise TypeError(f"ctx.putImageData: takes the ImageData and 2 or 6 numbers, got {len(args)}")
        self._record(f"putImageData{len(args) + 1}", (index, *args))

    def setLineDash(self, segments: Sequence[float]) -> None:
        """``setLineDash([on, off, ...])``."""
        if not isinstance(segments, (list, tuple)):
            _direct(self, "setLineDash", (segments,))
            return
        self._record("setLineDash", (len(segments), *segments))

    # ---- many identical sprites in one call --------------------------------------------------------------
    def fillRects(self, xs: Any, ys: Any, width: float, height: float) -> None:
        """Fill ``len(xs)`` rectangles of one size at (xs[i], ys[i]) in the current fill style: one recorded
        call, whatever the count. ``xs``, ``ys``: ``array('f')``/``array('d')``, memoryviews or lists.

        Example::

            ctx.fillRects(array('f', xs), array('f', ys), 8, 8)
        """
        a, b, count = _coordinates("fillRects", xs, ys)
        self._record("fillRects", (a, b, count, width, height))

    def drawImages(self, image: Any, xs: Any, ys: Any, width: float | None = None, height: float | None = None) -> None:
        """Draw ``image`` at (xs[i], ys[i]) for every i, at its size or ``width`` x ``height``: one recorded call.

        Example::

            ctx.drawImages(coin, array('f', xs), array('f', ys), 16, 16)
        """
        index = _object("drawImages", "image", image, "an image or a canvas (images.load(...), a canvas)")
        a, b, count = _coordinates("drawImages", xs, ys)
        nan = float("nan")
        self._record("drawImages", (index, a, b, count, nan if width is None else width,
                                    nan if height is None else height))

    # ---- reads and object makers: flush, then ask the canvas ---------------------------------------------
    def getImageData(self, *args: Any) -> JSValue:
        return _direct(self, "getImageData", args)

    def measureText(self, text: str) -> JSValue:
        return _direct(self, "measureText", (text,))

    def isPointInPath(self, *args: Any) -> bool:
        return bool(_direct(self, "isPointInPath", args))

    def isPointInStroke(self, *args: Any) -> bool:
        return bool(_direct(self, "isPointInStroke", args))

    def getTransform(self) -> JSValue:
        return _direct(self, "getTransform", ())

    def getLineDash(self) -> list[float]:
        dashes: list[float] = ffi.to_py(_direct(self, "getLineDash", ()))
        return dashes

    def createImageData(self, *args: Any) -> JSValue:
        return _call(self.handle, "createImageData", args)

    def createLinearGradient(self, x0: float, y0: float, x1: float, y1: float) -> CanvasObject:
        return CanvasObject(_direct(self, "createLinearGradient", (x0, y0, x1, y1)))

    def createRadialGradient(self, x0: float, y0: float, r0: float, x1: float, y1: float, r1: float) -> CanvasObject:
        return CanvasObject(_direct(self, "createRadialGradient", (x0, y0, r0, x1, y1, r1)))

    def createConicGradient(self, start: float, x: float, y: float) -> CanvasObject:
        return CanvasObject(_direct(self, "createConicGradient", (start, x, y)))

    def createPattern(self, image: Any, repetition: str | None) -> CanvasObject | None:
        made = _direct(self, "createPattern", (image, repetition))
        return None if made is None else CanvasObject(made)

    def call(self, method: str, *args: Any) -> JSValue:
        """Any other method of the real context (``reset``, ``drawFocusIfNeeded`` ...), after a flush.

        Example::

            ctx.call("reset")
        """
        return _direct(self, method, args)


for _name in PROPS:
    setattr(Context2D, _name, _Property(_name))
for _name, _method in _methods(0).items():
    setattr(Context2D, _name, _method)
_classes: dict[int, type[Context2D]] = {0: Context2D}


def _context(slot: int, handle: JSValue, canvas: Canvas | None) -> Context2D:
    """A new recording context in ``slot``: a Context2D whose hot methods carry that slot's opcodes."""
    if slot not in _classes:
        _classes[slot] = type("Context2D", (Context2D,), {"__slots__": (), **_methods(slot)})
    return _classes[slot](handle, canvas)


def _coordinates(method: str, xs: Any, ys: Any) -> tuple[int, int, int]:
    """Two equal-length sequences of numbers as two Float64Arrays in the object table."""
    arrays = []
    for name, values in (("xs", xs), ("ys", ys)):
        try:
            view = memoryview(values)
        except TypeError:
            view = None
        if view is not None and view.format in ("d", "f") and view.ndim == 1:
            data = view.tobytes() if view.format == "d" else _pack("%dd" % len(view), *view)
        else:
            try:
                items = list(values)
                data = _pack("%dd" % len(items), *items)
            except (TypeError, _struct.error):
                raise TypeError(f"ctx.{method}: {name} must be numbers (array('f'), array('d'), a memoryview "
                                f"or a list), got {type(values).__name__}") from None
        arrays.append(data)
    if len(arrays[0]) != len(arrays[1]):
        raise ValueError(f"ctx.{method}: xs and ys must have the same length, got {len(arrays[0]) // 8} and "
                         f"{len(arrays[1]) // 8}")
    to_js = _js()["to_js"]
    indexes = []
    for data in arrays:
        _objects.append(to_js(data))
        indexes.append(len(_objects) - 1)
    return indexes[0], indexes[1], len(arrays[0]) // 8


class CanvasObject:
    """A gradient or pattern the context made; ``handle`` is the JS object. ``addColorStop`` flushes first,
    so drawings recorded before it keep the stops they had.

    Example::

        sky = ctx.createLinearGradient(0, 0, 0, 800)
        sky.addColorStop(0, "#0af")
        ctx.fillStyle = sky
    """

    def __init__(self, handle: JSValue) -> None:
        self.handle = handle

    def addColorStop(self, offset: float, color: str) -> None:
        flush()
        _call(self.handle, "addColorStop", (offset, color))

    def setTransform(self, *args: Any) -> None:
        flush()
        _call(self.handle, "setTransform", args)


class Canvas:
    """A canvas seen from Python: ``width``/``height`` (setting one clears the canvas and resets its context:
    recorded drawing is flushed first), ``getContext("2d")`` (the recording context), ``toDataURL`` (after a
    flush); ``handle`` is the JS canvas, and anything else is the JS canvas's own.

    Example::

        screen.canvas().width       # 780 on a 390-pixel-wide screen at pixel ratio 2
    """

    def __init__(self, handle: JSValue, context: Context2D | None = None) -> None:
        object.__setattr__(self, "handle", handle)
        object.__setattr__(self, "_context", context)

    def __eq__(self, other: object) -> bool:
        return self is other or (other is not None and ffi.same(self.handle, _handle(other)))

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return "<ttminis canvas>"

    def getContext(self, kind: str, *args: Any) -> Any:
        if kind == "2d":
            if self._context is None:
                made = _context(len(_contexts), _call(self.handle, "getContext", (kind, *args)), self)
                object.__setattr__(self, "_context", made)
            return self._context
        return _call(self.handle, "getContext", (kind, *args))

    def toDataURL(self, *args: Any) -> str:
        flush()
        return str(_call(self.handle, "toDataURL", args))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.handle, name)

    def __setattr__(self, name: str, value: Any) -> None:
        flush()
        setattr(self.handle, name, value)


def screen_context(handle: JSValue, canvas_handle: JSValue) -> Context2D:
    """The recording context of the screen (made once, by ``screen.context()``)."""
    if not _contexts:
        from . import frames
        frames._drawing[:] = [frame_begin, frame_end]
        canvas = Canvas(canvas_handle)
        context = Context2D(handle, canvas)
        object.__setattr__(canvas, "_context", context)
    return _contexts[0]
