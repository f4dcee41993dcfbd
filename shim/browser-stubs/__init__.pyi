# Type stubs for Brython's `browser` module (shipped with ttminis, stub-only). JavaScript values are Any.
from typing import Any

from . import aio as aio

window: Any
document: Any
console: Any
self: Any

def alert(message: object) -> None: ...
def bind(target: Any, events: str) -> Any: ...
def __getattr__(name: str) -> Any: ...
