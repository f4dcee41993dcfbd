"""What every benchmark script ends with: the machine line, then the tables printed and written as Markdown.

Example::

    lines += ["", machine("Chromium at /usr/bin/chromium")]
    emit(lines, args.markdown)
"""
import os
import platform
from pathlib import Path


def machine(engines):
    """One line naming the machine and the engines the numbers come from."""
    return (f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores; {engines}.")


def emit(lines, markdown=None):
    """Print the tables; also write them to ``markdown`` (a path) when given."""
    text = "\n".join(lines)
    print(text)
    if markdown:
        Path(markdown).write_text(text + "\n", encoding="utf-8")
