"""Safe text for generated shell scripts and messages: quoting, comments, and printable display.

Every value that comes from the input (image references, secret names, JSON keys) reaches a generated
script only as a :func:`quote`-d word (single quotes, or bash's ``$'...'`` for control characters),
and a script comment only through :func:`comment`, which escapes line breaks and control characters
so that no value can end the comment and start a command.
"""
from __future__ import annotations

import re
import shlex

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SHOWN_MAX = 200  # characters of an input value shown in a message


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, limit: int = SHOWN_MAX) -> str:
    """``text`` with line breaks, control and bidi-override characters escaped (``\\n`` → ``\\x0a``),
    cut to ``limit`` characters (``...`` appended): safe inside a one-line message, report or comment."""
    out = _UNPRINTABLE.sub(_escape, str(text))
    return out if len(out) <= limit else out[:limit] + "..."


def shown(text: str) -> str:
    """:func:`printable` in double quotes, for naming an input value in a finding message."""
    return '"' + printable(text) + '"'


def quote(value: str) -> str:
    """``value`` as one bash word that expands to exactly ``value``: :func:`shlex.quote` (``'...'``), or
    ANSI-C quoting (``$'...'``, bash) when it holds line breaks or control characters, so that every
    command of a generated script stays on one line."""
    value = str(value)
    if not _UNPRINTABLE.search(value):
        return shlex.quote(value)
    body = value.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _UNPRINTABLE.sub(_escape, body) + "'"


def comment(text: str) -> str:
    """A one-line shell comment (``# ...``) holding ``text`` with every line break escaped."""
    return "# " + printable(text, limit=1000)


def script(header: str, entries: list[tuple[str, str]]) -> str:
    """A bash script: shebang, ``header`` as a comment, ``set -euo pipefail``, then per entry a comment
    line (escaped with :func:`comment`) and its command (already quoted by the caller)."""
    lines = ["#!/usr/bin/env bash", comment(header), "set -euo pipefail"]
    for note, command in entries:
        lines += [comment(note), command]
    return "\n".join(lines) + "\n"
