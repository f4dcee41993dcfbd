#!/usr/bin/env python3
"""Write the two games bench/drawing.py starts: an empty one, and one whose main.py imports a 5,000-line module.

    python bench/big_game.py OUT [--lines 5000]

Both stamp ``firstLineEpoch`` (epoch ms) once their imports are done: for the big game that is after its
module was imported, so a start that compiles the module's source pays for it there. The module is plain
game-like code (classes, functions, constants, dict and list literals), generated, the same every time.
"""
import argparse
from pathlib import Path

STAMP = "import js\n\njs.globalThis.firstLineEpoch = js.Date.now()\n"


def module_source(lines: int) -> str:
    """About ``lines`` lines of varied Python, deterministic."""
    out = ['"""A generated module of game-like code (bench/big_game.py)."""', "import math", ""]
    i = 0
    while len(out) < lines - 12:
        out += [f"class Sprite{i}:",
                f'    """Sprite kind {i}."""',
                f"    SPEED = {i % 7 + 1}.5",
                f"    COLOURS = ({i % 255}, {(i * 3) % 255}, {(i * 7) % 255})",
                "",
                "    def __init__(self, x, y):",
                "        self.x, self.y = x, y",
                f"        self.frames = [{', '.join(str((i + k) % 9) for k in range(6))}]",
                "",
                "    def step(self, dt):",
                "        self.x = (self.x + self.SPEED * dt) % 360",
                f"        if self.y > {100 + i % 500}:",
                "            self.y -= math.sin(self.x) * dt",
                "        return self.x, self.y",
                "",
                f"def score_{i}(points, bonus={i % 5}):",
                f'    table = {{"a": {i}, "b": {i * 2}, "c": "{i:x}"}}',
                "    return points * table['a'] + bonus if points > 0 else 0",
                "",
                ""]
        i += 1
    out.append(f"KINDS = [{', '.join(f'Sprite{k}' for k in range(min(i, 50)))}]")
    return "\n".join(out[:lines]) + "\n"


def write(out: Path, lines: int = 5000) -> tuple[Path, Path]:
    """``out/empty-game`` and ``out/big-game``; returns both folders."""
    empty, big = out / "empty-game", out / "big-game"
    for folder in (empty, big):
        folder.mkdir(parents=True, exist_ok=True)
    (empty / "main.py").write_text(STAMP)
    (big / "levels.py").write_text(module_source(lines))
    (big / "main.py").write_text("import js\n\nimport levels  # noqa: F401\n\n"
                                 "js.globalThis.firstLineEpoch = js.Date.now()\n")
    return empty, big


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=5000)
    args = parser.parse_args()
    for folder in write(Path(args.out), args.lines):
        print(folder)


if __name__ == "__main__":
    main()
