"""The plain text scan an upload review could run over a native package, with issue 21's patterns as written.

Kept apart from ``ttminis.build.native_pyodide.FLAGGED`` on purpose: the build's own list could drift, and
these are what the package must pass.

Example::

    assert flagged_texts("dist/mygame-native") == {}
"""
import re
from pathlib import Path

PATTERNS = [r"(?<![\w$.])eval\s*\(", r"(?<![\w$.])(?:new\s+)?Function\s*\(", r"(?<![\w$.])document\s*\.",
            r"(?<![\w$.])window\s*\.", r"\bXMLHttpRequest\b", r"\bnew\s+Worker\b", r"(?<![\w$.])fetch\s*\("]


def flagged_texts(package) -> dict[str, list[tuple[int, str]]]:
    """{package path: [(line, matched text)]} for every .js file of ``package`` (comments included) with a hit.

    Raises AssertionError when the package holds no bundled Pyodide: the third-party runtime must be scanned.
    """
    scripts = sorted(Path(package).rglob("*.js"))
    assert any(p.name == "pyodide-native.js" for p in scripts), f"no pyodide-native.js in {package}"
    found = {}
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        hits = [(text.count("\n", 0, m.start()) + 1, m.group(0)) for pattern in PATTERNS
                for m in re.finditer(pattern, text)]
        if hits:
            found[path.relative_to(package).as_posix()] = sorted(hits)
    return found
