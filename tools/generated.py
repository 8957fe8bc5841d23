"""One mechanism for the generated files: write them, or with ``--check`` say which are stale (CI runs every
generator with ``--check``)."""
from __future__ import annotations

import sys
from pathlib import Path


def sync(path: Path, text: str, check: bool, command: str) -> int:
    """Write ``text`` to ``path`` unless it already holds it; with ``check``, write nothing and report a stale file.

    Returns 1 when ``check`` finds ``path`` missing or different, else 0. ``command`` is what regenerates it
    (named in the message).
    """
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current == text:
        return 0
    if check:
        print(f"{path} is stale: run `{command}`", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
