"""Sounds and music from the game's ``assets/`` folder: play, loop, stop.

native: ``TTMinis.game.createInnerAudioContext()`` on the package path; html: the page's audio
(``<audio>``; a browser may hold sounds back until the first tap, and ttminis starts them then).
Muted while hidden: when TikTok hides the game every playing sound pauses, and the looping ones
(music) resume on ``onShow``; a one-shot sound played while hidden is dropped.

Exports:
    load(path, loop=False, volume=1.0) -> Sound
    Sound      .play(), .pause(), .stop(), .loop, .volume, .playing, .release()

Example::

    from ttminis import sound

    music = sound.load("assets/music.mp3", loop=True, volume=0.5)
    coin = sound.load("assets/coin.wav")
    music.play()
    coin.play()          # on every tap: starts again from the beginning
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # names for type checkers only: a game never loads typing (see _types.pyi)
    from ._types import JSValue

from . import target
from .backend import ffi
from .surface_checks import game_path, number


class Sound:
    """One sound; ``play`` it as often as you like.

    Example::

        jump = sound.load("assets/jump.wav")
        jump.play()
    """

    def __init__(self, path: str, record: JSValue) -> None:
        self.path = path
        self._record = record

    def play(self) -> None:
        """Play from where it was paused, or from the start.

        Example::

            music.play()
        """
        ffi.invoke(self._record, "play", [])

    def pause(self) -> None:
        """Pause; ``play`` continues from here.

        Example::

            music.pause()
        """
        ffi.invoke(self._record, "pause", [])

    def stop(self) -> None:
        """Stop and go back to the start.

        Example::

            music.stop()
        """
        ffi.invoke(self._record, "stop", [])

    @property
    def playing(self) -> bool:
        """Whether it is playing (or, for music, would be if the game were not hidden)."""
        return bool(ffi.get(self._record, "playing"))

    @property
    def loop(self) -> bool:
        return bool(ffi.get(self._record, "loop"))

    @loop.setter
    def loop(self, value: bool) -> None:
        ffi.invoke(self._record, "setLoop", [bool(value)])

    @property
    def volume(self) -> float:
        return float(ffi.get(self._record, "volume"))

    @volume.setter
    def volume(self, value: float) -> None:
        ffi.invoke(self._record, "setVolume", [number("Sound.volume", "volume", value, 0, 1)])

    def release(self) -> None:
        """Stop it and free what the target holds for it (it cannot play afterwards).

        Example::

            music.release()
        """
        ffi.invoke(self._record, "release", [])


def load(path: str, loop: bool = False, volume: float = 1.0) -> Sound:
    """A sound from ``path`` (under ``assets/``); ``loop=True`` for music.

    Example::

        music = sound.load("assets/music.mp3", loop=True)
    """
    game_path("sound.load", "path", path, under="assets/")
    number("sound.load", "volume", volume, 0, 1)
    return Sound(path, target.call("loadSound", path, bool(loop), volume))
