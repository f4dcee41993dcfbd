"""Tokens never reach a log line: a logging filter that redacts them, wherever the record came from.

Exports:
    redact(text) -> text          TikTok tokens (``act.…``, ``rft.…``), bearer values and SQL
                                  parameter lists replaced by ``***``
    RedactingFilter               a ``logging.Filter`` applying ``redact`` to the message, its
                                  arguments and the formatted traceback
    install(*logger_names)        put one on ``ttminis.server``, uvicorn's and SQLAlchemy's loggers

The store's engines are made with ``hide_parameters=True``, so a failed statement's message holds
no values; this filter is the second line, for anything else that formats a token into a message.

Example::

    install()          # done by create_app
    logging.getLogger("ttminis.server").error("failed: %s", "act.abc123")     # "failed: act.***"
"""
from __future__ import annotations

import logging
import re

_PATTERNS = [
    (re.compile(r"\b(act|rft|clt)\.[A-Za-z0-9!*._~+/=-]+"), r"\1.***"),          # TikTok's token shapes
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9!*._~+/=-]+"), r"\1***"),
    (re.compile(r"(?i)((?:access|refresh)_token['\"]?\s*[:=]\s*['\"]?)[^'\"&\s,)]+"), r"\1***"),
    (re.compile(r"\[parameters: .*?\]\n?", re.S), "[parameters: ***]"),
]
DEFAULT_LOGGERS = ("ttminis.server", "uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy",
                   "sqlalchemy.engine", "starlette", "asyncio")


def redact(text: str) -> str:
    """``text`` with tokens replaced.

    Example::

        redact("refresh_token=rft.abc")      # 'refresh_token=***'
    """
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record it sees: message, arguments and traceback text redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:           # a bad format string: keep what we have, redacted
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install(*logger_names: str) -> RedactingFilter:
    """Attach the redacting filter (once) to each named logger (default: ours, uvicorn's,
    SQLAlchemy's, Starlette's, asyncio's) and to the root logger's handlers."""
    for name in logger_names or DEFAULT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return _FILTER
