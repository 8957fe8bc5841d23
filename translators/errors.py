"""Input errors that name the file, line and field, never a traceback.

Every reader raises :class:`InputError` for input it cannot use; the CLI and the
Pulumi program print ``str(err)`` and exit non-zero, so nothing is planned from an
invalid document.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """An input document that cannot be translated.

    Attributes:
        file: path of the input file as given by the user.
        line: 1-based line of the offending node, or ``None`` if unknown.
        field: dotted field path (``managedNodeGroups[0].minSize``), or ``""``.
        message: what is wrong and, where known, how to fix it.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def field_path(path: tuple | list) -> str:
    """Render a path tuple ``("managedNodeGroups", 0, "minSize")`` as ``managedNodeGroups[0].minSize``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
