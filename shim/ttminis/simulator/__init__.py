"""ttminis's stand-in for TikTok's native runtime, from Python: run a native package headless and drive it.

Exports:
    Session(package, strict=True, user_data=None, start=True, pixel_ratio=2, user_data_quota=None)
                          a running package you can drive
    run_once(package, strict=True, png=None, timeout=60) -> Outcome   run until main.py is done, then stop
    simulate(package, png=None, strict=True, out=print) -> int   ``run_once`` printed (the CLI's core)
    SimulatorError        the simulator could not do what was asked (timeout, JS error, no Node ...)

The package runs in a Node ``vm`` realm holding exactly the globals TikTok documents (ECMAScript built-ins,
``console``, timers, ``requestAnimationFrame``, ``GameGlobal``, ``require``, ``TTMinis``, ``TTWebAssembly``)
with code generation from strings and WebAssembly from bytes switched off (``web/simulator/``).
``strict=False`` (lenient) adds the globals nobody documents (``WebAssembly``, ``TextDecoder``,
``TextEncoder``, ``performance``, ``crypto``, ``queueMicrotask``), so "needs a polyfill" can be told from
"broken". Any use of what the runtime lacks is recorded in ``violations`` and fails ``Outcome.ok``.
``TTMinis.game`` is ttminis's one fake SDK (``web/fake/fake-ttminis.js``: wallet, orders, scripted
outcomes, the ``TTMinisFake`` control object) plus the native-only APIs (``createCanvas`` on a real 2D
canvas, touch listeners, ``getFileSystemManager``, ``loadSubpackage`` with progress,
``env.USER_DATA_PATH`` (with an optional storage limit), ``createImage``, a silent
``createInnerAudioContext`` whose play/pause/stop are recorded, and ``getSystemInfoSync`` for a
390x844 phone, or 844x390 for a landscape ``game.json``, at ``pixel_ratio``).

Nothing here sleeps to synchronise: ``wait_for`` polls the condition inside Node, every few milliseconds.

Example::

    with Session("dist/shop-native", start=False) as game:
        game.eval("TTMinisFake.backend.createOrder(30, 'order-1')")
        game.start()
        game.wait_for("ttminisLoader.state === 'ready'")
        game.tap(120, 300)
        game.save_frame("frame.png")
        assert not game.violations
"""
from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..build import node
from ..build.package import WEB

HOST = WEB / "simulator" / "host.js"
REALM = WEB / "simulator" / "realm.js"
FAKE = WEB / "fake" / "fake-ttminis.js"
READY = "typeof ttminisLoader !== 'undefined' && ttminisLoader.state !== 'loading'"
_ANSWER_MARGIN_S = 30


class SimulatorError(RuntimeError):
    """The simulator could not do what was asked; the message says what and why."""


class Session:
    """A native package running in the simulator, driven from Python; close it (or use ``with``).

    ``start=False`` lets you prepare the fake (orders, scripted outcomes) before game.js runs; ``env`` adds
    environment variables for the Node process (``{"TZ": "Asia/Tokyo"}``: the realm's clock zone).

    Example::

        with Session("dist/mygame-native") as game:
            game.wait_for("ttminisLoader.state === 'ready'")
            print(game.eval("TTMinisFake.wallet.balance"))
    """

    def __init__(self, package: str | os.PathLike[str], *, strict: bool = True,
                 user_data: str | os.PathLike[str] | None = None, start: bool = True,
                 pixel_ratio: float = 2, user_data_quota: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.package = Path(package).resolve()
        if not (self.package / "game.json").is_file() or not (self.package / "game.js").is_file():
            raise SimulatorError(f"{package}: not a native package (no game.js and game.json); build one with "
                                 "`ttminis build GAME` (native is the default)")
        self.strict = strict
        self._own_user_data = user_data is None
        self.user_data = Path(tempfile.mkdtemp(prefix="ttminis-user-data-")) if user_data is None else Path(user_data)
        self.user_data.mkdir(parents=True, exist_ok=True)
        config = {"package": str(self.package), "mode": "strict" if strict else "lenient",
                  "userData": str(self.user_data), "fake": str(FAKE), "realm": str(REALM),
                  "pixelRatio": pixel_ratio, "userDataQuota": user_data_quota}
        env = {**os.environ, **(env or {}), "NODE_PATH": str(node.tools())}
        self._process = subprocess.Popen(
            [node.node_binary(), "--experimental-vm-modules", str(HOST), json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            bufsize=1)
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[str] = []
        self._next_id = 1
        threading.Thread(target=self._read_answers, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self._receive(0, 30)
        self.started = False
        if start:
            self.start()

    # ---- the protocol ---------------------------------------------------------------------------------------
    def _read_answers(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:
                self._stderr.append(line)
        self._answers.put(None)

    def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line)

    def _receive(self, request_id: int, timeout: float) -> Any:
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise SimulatorError(f"the simulator did not answer within {timeout:.0f} s "
                                 "(is the game stuck in a loop?)") from None
        if answer is None:
            raise SimulatorError("the simulator stopped: " + "".join(self._stderr[-20:]).strip())
        if answer.get("id") != request_id:
            raise SimulatorError(f"the simulator answered {answer.get('id')} instead of {request_id}")
        if not answer["ok"]:
            raise SimulatorError(answer["error"])
        return answer["value"]

    def _call(self, op: str, timeout: float = _ANSWER_MARGIN_S, **params: Any) -> Any:
        if self._process.poll() is not None:
            raise SimulatorError("the simulator is not running: " + "".join(self._stderr[-20:]).strip())
        request_id = self._next_id
        self._next_id += 1
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"id": request_id, "op": op, **params}) + "\n")
        self._process.stdin.flush()
        return self._receive(request_id, timeout)

    # ---- driving ----------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Run the package's game.js (once)."""
        self._call("start")
        self.started = True

    def eval(self, expr: str, timeout: float = _ANSWER_MARGIN_S) -> Any:
        """The value of a JS expression in the realm, as JSON data (promises awaited, for up to ``timeout``
        seconds; undefined -> None).

        ``TTMinisFake`` names the fake SDK's control object.

        Example::

            session.eval("TTMinisFake.callsOf('pay').length")     # 1
        """
        return self._call("eval", timeout=timeout, expr=expr)

    def wait_for(self, expr: str, timeout: float = 60) -> Any:
        """Wait until the JS expression is truthy (checked inside Node every few ms); returns its value.

        Raises SimulatorError at the timeout, or at once if the package reports an error (uncaught, or
        console.error) while the expression is still false.

        Example::

            session.wait_for("ttminisLoader.state === 'ready'", timeout=30)
        """
        return self._call("wait", timeout=timeout + _ANSWER_MARGIN_S, expr=expr, timeout_ms=int(timeout * 1000))

    def touch(self, kind: str, points: Iterable[Sequence[float]]) -> int:
        """Deliver a touch event: ``kind`` start/move/end/cancel, ``points`` [(x, y) or (x, y, id)].

        Returns how many listeners got it. Example::

            session.touch("start", [(10, 20)])
        """
        pts = [{"x": p[0], "y": p[1], "id": p[2] if len(p) > 2 else 0} for p in points]
        return int(self._call("touch", type=kind, touches=pts))

    def tap(self, x: float, y: float) -> None:
        """A one-finger tap at (x, y): onTouchStart, then onTouchEnd.

        Example::

            session.tap(195, 420)
        """
        self.touch("start", [(x, y)])
        self.touch("end", [(x, y)])

    def show(self, query: dict[str, Any] | None = None) -> None:
        """Fire onShow listeners (the app came back), with ``{scene, query}``."""
        self._call("trigger", event="Show", payload={"scene": "fake", "query": query or {}})

    def hide(self) -> None:
        """Fire onHide listeners (the app went to the background)."""
        self._call("trigger", event="Hide", payload={})

    def next_frame(self) -> int:
        """Wait for the next animation frame to run; returns the frame count."""
        return int(self._call("nextFrame"))

    def run_frames(self, count: int) -> int:
        """Run ``count`` animation frames now, back to back (the event loop turns between them, but
        nobody waits 1/60 s); returns the frame count. For soaks and for tests that need many frames.

        Example::

            session.run_frames(600)      # ten seconds of game time
        """
        return int(self._call("frames", timeout=_ANSWER_MARGIN_S + count / 100, count=int(count)))

    def frame_png(self) -> bytes | None:
        """The on-screen canvas as PNG bytes (None before the first createCanvas())."""
        return self.frame_image("png")

    def frame_image(self, format: str = "png", quality: int = 80) -> bytes | None:
        """The on-screen canvas as ``"png"`` or ``"jpeg"`` bytes (None before the first createCanvas()).

        Example::

            session.frame_image("jpeg", quality=70)
        """
        data = self._call("frame", format=format, quality=quality)
        return None if data is None else base64.b64decode(data)

    def save_frame(self, path: str | os.PathLike[str]) -> Path:
        """Write the current frame as a PNG file; SimulatorError if nothing was drawn on screen yet."""
        data = self.frame_png()
        if data is None:
            raise SimulatorError("no on-screen canvas yet: the package has not called TTMinis.game.createCanvas()")
        written = Path(path)
        written.write_bytes(data)
        return written

    def report(self) -> dict[str, Any]:
        """Everything recorded so far: violations, console, errors, canvases, subpackages, files, wasm, ..."""
        report: dict[str, Any] = self._call("report")
        return report

    @property
    def violations(self) -> list[dict[str, Any]]:
        """Uses of what TikTok's native runtime lacks, each {kind, detail, at}."""
        return list(self.report()["violations"])

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Uncaught exceptions and unhandled rejections in the realm, each {where, error, at}."""
        return list(self.report()["errors"])

    @property
    def console_errors(self) -> list[str]:
        """Text of every console.error call."""
        return [c["text"] for c in self.report()["console"] if c["level"] == "error"]

    def close(self) -> None:
        """Stop the simulator (and remove its temporary user-data folder)."""
        if self._process.poll() is None:
            try:
                self._call("close", timeout=5)
            except (SimulatorError, OSError):
                pass
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if self._own_user_data:
            shutil.rmtree(self.user_data, ignore_errors=True)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Outcome:
    """What one run did: ``state`` (ready/error/loading), ``ok``, the loader's ``progress``/``timings``/
    ``errors``, the simulator's ``report``, and ``png`` (the first frame, bytes or None)."""
    state: str
    progress: float
    timings: dict[str, float]
    loader_errors: list[str]
    report: dict[str, Any]
    png: bytes | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state == "ready" and not self.problems


def run_once(package: str | os.PathLike[str], *, strict: bool = True, png: str | os.PathLike[str] | None = None,
             timeout: float = 60) -> Outcome:
    """Run a package built by ttminis until main.py is done (or failed) and one frame has passed; stop.

    Example::

        outcome = run_once("dist/shop-native", png="first-frame.png")
        outcome.ok, outcome.timings["mainDone"]
    """
    with Session(package, strict=strict) as session:
        session.wait_for(READY, timeout=timeout)
        loader = session.eval("({state: ttminisLoader.state, progress: ttminisLoader.progress, "
                              "timings: ttminisLoader.timings, errors: ttminisLoader.errors})")
        session.next_frame()
        image = session.frame_png()
        report = session.report()
    problems = [f"violation: {v['kind']}: {v['detail']}" for v in report["violations"]]
    problems += [f"uncaught error ({e['where']}): {e['error'].splitlines()[0]}" for e in report["errors"]]
    if png is not None and image is not None:
        Path(png).write_bytes(image)
    return Outcome(state=loader["state"], progress=loader["progress"], timings=loader["timings"],
                   loader_errors=loader["errors"], report=report, png=image, problems=problems)


def simulate(package: str | os.PathLike[str], *, png: str | os.PathLike[str] | None = None, strict: bool = True,
             out: Callable[[str], object] = print) -> int:
    """Run ``package`` once and print what it did; 0 if it ran cleanly, 1 if not (``ttminis simulate``).

    Example::

        simulate("dist/shop-native", png="frame.png")
    """
    try:
        outcome = run_once(package, strict=strict, png=png)
    except (SimulatorError, node.NodeMissing) as e:
        out(f"error: {e}")
        return 2
    report = outcome.report
    out(f"{package}: {outcome.state} in the {'strict' if strict else 'lenient'} simulator "
        f"({report['elapsed']} ms, progress {outcome.progress})")
    out(f"  subpackages loaded: {', '.join(s['name'] for s in report['subpackages']) or 'none'}; "
        f"wasm files compiled: {len(report['wasm'])}; canvases: {report['canvases']}")
    if outcome.timings:
        out("  timings (ms since boot): " + json.dumps(outcome.timings))
    for entry in report["console"]:
        out(f"  console.{entry['level']}: {entry['text']}")
    for error in outcome.loader_errors:
        out("  game error: " + error.replace("\n", "\n    "))
    for problem in outcome.problems:
        out(f"  FAIL  {problem}")
    if png is not None:
        out(f"  first frame: {png}" if outcome.png else "  first frame: none (nothing on screen)")
    return 0 if outcome.ok else 1
