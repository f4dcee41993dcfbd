"""TikTok's rules checked on a built package, and the size report.

Exports:
    UPLOAD_RULES       what TikTok's upload scan forbids in JavaScript (eval, the Function
                       constructor, string timers) and the fake SDK, which must never be uploaded
    NATIVE_RULES       what the native runtime cannot run (ES modules — in every file, third-party
                       included —, the DOM, fetch/XHR, Worker, wasm compiled from bytes); the native
                       target scans with UPLOAD_RULES + NATIVE_RULES
    scan(bundle, own_files, rules=UPLOAD_RULES, log=print) -> Report
    Report             ``failures`` (the package breaks a rule), ``notes``, ``rules_failed``,
                       ``failures_besides(*rule_ids)``
    size_table(bundle) -> (lines, total_raw, total_gzip)

The JavaScript is parsed, not searched: ``compliance_scan.js`` runs acorn (pinned in the Node
tools, ``node.py``) over every JS file of the package in one Node process, so strings, comments,
regular expressions and template literals are never mistaken for code, and ``eval``/``Function``
are caught however they are reached (``window.Function(``, ``(0, eval)(…)``, ``globalThis["eval"]``,
``new Function``, ``(() => {}).constructor``, a variable holding ``globalThis``…; the header of
``compliance_scan.js`` lists what is and is not caught). A rule set is data: each rule is a dict
with an ``id``, a ``what`` for the report and one or more matchers (see ``compliance_scan.js``);
``"anywhere": True`` makes it fail third-party files too.

Our own JS breaking a rule fails the build's report; third-party runtime files are only noted
(Pyodide's asm holds ``eval`` on paths a plain game never takes; Brython needs ``eval`` and
``Function`` to run at all) — except the fake SDK, which fails any package that holds it. Pages may
load scripts and styles only from the package (TikTok's SDK script excepted); no file may be empty.
Each file's findings are cached by the hash of its bytes, the rules and the scanner, so the pinned
runtimes are parsed once per machine.

Example::

    report = scan(Path("dist/shop"), ["ttminis-loader.js"])
    report.failures        # [] when the package may be uploaded
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable

from . import node, runtimes
from .package import BuildError
from .serve import TIKTOK_SDK_URL

SCANNER = Path(__file__).resolve().parent / "compliance_scan.js"
FAKE_RULE = "fake-sdk"

UPLOAD_RULES = (
    {"id": "eval", "what": "eval()", "globals": ["eval"]},
    {"id": "function-constructor", "what": "the Function constructor", "globals": ["Function"],
     "harmless_members": {"Function": ["prototype"]}, "function_constructors": True},
    {"id": "string-timer", "what": "a string timer (setTimeout/setInterval with code in a string)",
     "string_argument_to": ["setTimeout", "setInterval"]},
    {"id": FAKE_RULE, "what": "the fake TikTok SDK (TTMinisFake): a --dev build is for previews, never upload it",
     "assigns_globals": ["TTMinisFake"], "anywhere": True},
)

NATIVE_RULES = (
    {"id": "es-module", "what": "ES module syntax (import, export, import(), import.meta): the native "
     "runtime loads CommonJS with require()", "anywhere": True,
     "syntax": ["ImportDeclaration", "ImportExpression", "ImportMeta", "ExportNamedDeclaration",
                "ExportDefaultDeclaration", "ExportAllDeclaration"]},
    {"id": "dom", "what": "the DOM (document, window): the native runtime has none", "globals": ["document", "window"], "typeof_ok": True},
    {"id": "network", "what": "fetch/XMLHttpRequest: the native runtime has only TTMinis.game.request",
     "globals": ["fetch", "XMLHttpRequest"], "typeof_ok": True},
    {"id": "worker", "what": "Worker: the native runtime has none", "globals": ["Worker"], "typeof_ok": True},
    {"id": "wasm-from-bytes", "what": "WebAssembly compiled from bytes: the native runtime takes a path "
     "(TTWebAssembly)",
     "members": [["WebAssembly", name] for name in ("compile", "compileStreaming", "instantiate",
                                                     "instantiateStreaming", "Module", "validate")]},
)

# One meaning of MB everywhere, as TikTok's limits read: 10^6 bytes (also native_layout.MB); kB = 10^3.
MB = 1_000_000
KB = 1_000
MAX_ZIP_BYTES = 200 * MB
NATIVE_TOTAL_BYTES = 30 * MB
NATIVE_MAIN_PACKAGE_BYTES = 4 * MB
_JS_SUFFIXES = (".js", ".mjs", ".cjs")


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rules_failed: set[str] = field(default_factory=set)
    _failure_rules: list[str | None] = field(default_factory=list, repr=False)

    def fail(self, message: str, rule_id: str | None = None) -> None:
        self.failures.append(message)
        self._failure_rules.append(rule_id)
        if rule_id is not None:
            self.rules_failed.add(rule_id)

    def failures_besides(self, *rule_ids: str) -> list[str]:
        """The failures not due to ``rule_ids`` (a --dev build holds the fake: that one is expected)."""
        return [f for f, rule in zip(self.failures, self._failure_rules) if rule not in rule_ids]


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        src, href = found.get("src"), found.get("href")
        if tag == "script" and src:
            self.sources.append(src)
        if tag == "link" and (found.get("rel") or "").lower() == "stylesheet" and href:
            self.sources.append(href)


def _is_local(src: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I)


def scan(bundle: Path, own_files: Iterable[str], rules: Iterable[dict[str, Any]] = UPLOAD_RULES,
         log: Callable[[str], object] = print) -> Report:
    """Check the package; ``own_files`` are the package-relative paths of JS we wrote.

    Raises ``node.NodeMissing`` (one line: install Node.js) when Node is not installed.

    Example::

        scan(Path("dist/shop"), ["ttminis-loader.js"], UPLOAD_RULES + NATIVE_RULES)
    """
    report = Report()
    own = set(own_files)
    scripts: list[tuple[str, Path]] = []
    for path in sorted(p for p in Path(bundle).rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if path.stat().st_size == 0:
            report.fail(f"{rel}: zero-byte file (TikTok rejects them)")
            continue
        if path.suffix in (".html", ".htm"):
            parser = _Sources()
            parser.feed(path.read_text(encoding="utf-8"))
            for src in parser.sources:
                if not _is_local(src) and src != TIKTOK_SDK_URL:
                    report.fail(f"{rel}: loads {src} from outside the bundle")
        if path.suffix in _JS_SUFFIXES:
            scripts.append((rel, path))
    by_id = {rule["id"]: rule for rule in rules}
    for rel, found in _scan_scripts(scripts, rules, log).items():
        mine = rel in own
        if found["error"] and mine:
            report.fail(f"{rel}: could not be parsed as JavaScript ({found['error']})")
        elif found["error"]:
            report.notes.append(f"{rel} (third-party): could not be parsed as JavaScript ({found['error']})")
        for rule_id, count in sorted(found["count"].items()):
            rule = by_id[rule_id]
            if mine or rule.get("anywhere"):
                shown = [f for f in found["findings"] if f["rule"] == rule_id]
                where = "; ".join(f"{f['line']}:{f['column']} `{f['text']}`" for f in shown)
                more = f" (+{count - len(shown)} more)" if count > len(shown) else ""
                report.fail(f"{rel}: uses {rule['what']} at {where}{more}", rule_id)
            else:
                report.notes.append(f"{rel} (third-party runtime): {count} use(s) of {rule['what']}")
    return report


def _scan_scripts(scripts: list[tuple[str, Path]], rules: Iterable[dict[str, Any]],
                  log: Callable[[str], object]) -> dict[str, dict[str, Any]]:
    """{relative path: {"findings", "count", "error"}} for each script: cached, else one Node run."""
    matchers = json.dumps([{k: v for k, v in rule.items() if k != "what"} for rule in rules], sort_keys=True)
    salt = hashlib.sha256(SCANNER.read_bytes() + matchers.encode()).hexdigest()
    cache = runtimes.cache_root() / "compliance"
    results: dict[str, dict[str, Any]] = {}
    missing: list[tuple[str, Path, Path]] = []
    for rel, path in scripts:
        key = hashlib.sha256(salt.encode() + path.read_bytes()).hexdigest()[:32]
        cached = cache / f"{key}.json"
        if cached.is_file():
            results[rel] = json.loads(cached.read_text(encoding="utf-8"))
        else:
            missing.append((rel, path, cached))
    if missing:
        request = {"rules": json.loads(matchers),
                   "files": [{"name": rel, "path": str(path)} for rel, path, _ in missing]}
        proc = node.run([str(SCANNER)], log=log, input=json.dumps(request), capture_output=True, text=True)
        try:
            answered = json.loads(proc.stdout)["files"]
        except (ValueError, KeyError):
            raise BuildError("the compliance scanner (Node.js + acorn) failed: "
                             + ((proc.stderr or proc.stdout).strip().splitlines() or ["no output"])[-1]) from None
        cache.mkdir(parents=True, exist_ok=True)
        for rel, _path, cached in missing:
            results[rel] = answered[rel]
            partial = cached.with_name(f".{cached.name}.{os.getpid()}")
            partial.write_text(json.dumps(answered[rel]), encoding="utf-8")
            os.replace(partial, cached)      # another build reading it sees all of it or nothing
    return results


def size_table(bundle: Path) -> tuple[list[str], int, int]:
    rows: list[tuple[str, int, int]] = []
    total_raw, total_gz = 0, 0
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


def human_size(n: int) -> str:
    """Bytes as a person reads them, MB = 10^6 bytes (TikTok's limits), kB = 10^3.

    Example::

        human_size(4_000_000)    # '4.00 MB'
    """
    return f"{n / KB:.1f} kB" if n < MB else f"{n / MB:.2f} MB"


_size = human_size
