# Type stubs for the parts of Pyodide's `pyodide` package a ttminis game uses (shipped with ttminis,
# stub-only and partial: a module missing here falls back to an installed pyodide-py).
from typing import Any

__version__: str

def __getattr__(name: str) -> Any: ...
