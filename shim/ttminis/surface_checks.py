"""Argument checks for the game surface (files, images, sounds, the screen's description), apart from
``validation`` so that a game that never uses the surface never ships them (Brython bundles by import).

Errors name the function and the argument: ``TypeError`` for a wrong type, ``ValueError`` for a wrong
value, raised before anything reaches JavaScript.

Example::

    game_path("images.load", "path", "assets/coin.png", under="assets/")
    number("sound.load", "volume", 0.5, 0, 1)
"""
from __future__ import annotations


def game_path(method: str, name: str, value: object, under: str = "") -> str:
    """``value`` as a relative ``/``-separated path that stays inside its folder (and starts with
    ``under``, if given).

    Example::

        game_path("files.write_text", "name", "slots/1.txt")
    """
    if not isinstance(value, str):
        raise TypeError(f"{method}: {name} must be a str, got {type(value).__name__}")
    parts = value.split("/")
    if not value or value.startswith("/") or "\\" in value or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{method}: {name} must be a relative path such as 'assets/level1.json' "
                         f"(no leading '/', no '.' or '..' parts, no empty parts), got {value!r}")
    if under and not value.startswith(under):
        raise ValueError(f"{method}: {name} must be a file under your game's {under} folder "
                         f"(it ships there as a file), got {value!r}")
    return value


def number(method: str, name: str, value: object, low: float, high: float) -> float:
    """``value`` as an int or float in ``low..high``, not a bool.

    Example::

        number("screen.describe", "buttons[0] x", 12, -1e9, 1e9)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{method}: {name} must be a number, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{method}: {name} must be in {low}..{high}, got {value!r}")
    return value
