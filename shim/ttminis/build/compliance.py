"""TikTok's upload rules checked on a built bundle, and the size report.

Exports:
    scan(bundle, own_files) -> Report     findings; ``report.failures`` fail the build
    size_table(bundle) -> (lines, total_raw, total_gzip)

Our own JS must have no ``eval``, no ``Function`` constructor and no string timers; pages may load
scripts and styles only from the bundle (TikTok's SDK script excepted); no file may be empty.
Third-party runtime files are scanned too, but only listed: Pyodide's asm contains ``eval`` in
code paths a plain game never reaches, and Brython needs ``eval``/``Function`` to run at all.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .serve import TIKTOK_SDK_URL

_FORBIDDEN = {
    "eval()": re.compile(r"(?<![\w$.])eval\s*\("),
    "Function constructor": re.compile(r"(?<![\w$.])(?:new\s+)?Function\s*\("),
    "string timer": re.compile(r"\bset(?:Timeout|Interval)\s*\(\s*['\"`]"),
}
_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\])//[^\n]*", re.S)

MAX_ZIP_BYTES = 200 * 1024 * 1024
NATIVE_TOTAL_BYTES = 30 * 1024 * 1024
NATIVE_MAIN_PACKAGE_BYTES = 4 * 1024 * 1024


@dataclass
class Report:
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.sources.append(attrs["src"])
        if tag == "link" and (attrs.get("rel") or "").lower() == "stylesheet" and attrs.get("href"):
            self.sources.append(attrs["href"])


def _is_local(src: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I)


def scan(bundle: Path, own_files) -> Report:
    """Check the bundle; ``own_files`` are the bundle-relative paths of JS we wrote."""
    report = Report()
    own = set(own_files)
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if path.stat().st_size == 0:
            report.failures.append(f"{rel}: zero-byte file (TikTok rejects them)")
            continue
        if path.suffix in (".html", ".htm"):
            parser = _Sources()
            parser.feed(path.read_text(encoding="utf-8"))
            for src in parser.sources:
                if not _is_local(src) and src != TIKTOK_SDK_URL:
                    report.failures.append(f"{rel}: loads {src} from outside the bundle")
        if path.suffix in (".js", ".mjs"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if rel in own:
                text = _COMMENT.sub("", text)
            for what, pattern in _FORBIDDEN.items():
                count = len(pattern.findall(text))
                if not count:
                    continue
                if rel in own:
                    report.failures.append(f"{rel}: uses {what} ({count}x)")
                else:
                    report.notes.append(f"{rel} (third-party runtime): {count} match(es) for {what}")
    return report


def size_table(bundle: Path):
    rows, total_raw, total_gz = [], 0, 0
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        data = path.read_bytes()
        gz = len(gzip.compress(data, 6))
        total_raw += len(data)
        total_gz += gz
        rows.append((path.relative_to(bundle).as_posix(), len(data), gz))
    width = max([len(r[0]) for r in rows] + [5])
    lines = [f"  {'file'.ljust(width)}  {'raw':>10}  {'gzip':>10}"]
    lines += [f"  {name.ljust(width)}  {_size(raw):>10}  {_size(gz):>10}" for name, raw, gz in rows]
    lines.append(f"  {'total'.ljust(width)}  {_size(total_raw):>10}  {_size(total_gz):>10}")
    return lines, total_raw, total_gz


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MB"
