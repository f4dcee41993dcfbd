# Type stubs for Brython's `javascript` module (shipped with ttminis, stub-only).
from typing import Any

NULL: Any
UNDEFINED: Any
JSON: Any
Math: Any
Date: Any
RegExp: Any

def py2js(source: str, name: str = ...) -> str: ...
def __getattr__(name: str) -> Any: ...
