# Type stubs for Pyodide's `js` module (shipped with ttminis, stub-only: nothing here is importable).
# Every JavaScript global is a JsProxy whose attributes are JavaScript values: typed as Any.
from typing import Any

console: Any
globalThis: Any
Object: Any
Array: Any
Function: Any
Reflect: Any
Promise: Any
JSON: Any
Uint8Array: Any

def __getattr__(name: str) -> Any: ...
