"""Typed views of untrusted YAML/JSON values, for code that reads nested manifest fields.

``x if isinstance(x, dict) else {}`` written inline does not narrow the type of ``obj.get(key)`` for a type
checker (the call is evaluated twice); these helpers evaluate it once and return the precise type.
"""
from __future__ import annotations

from typing import Any


def as_dict(x: Any) -> dict[str, Any]:
    """``x`` itself if it is a mapping, else a new ``{}``."""
    return x if isinstance(x, dict) else {}


def as_list(x: Any) -> list[Any]:
    """``x`` itself if it is a list, else a new ``[]``."""
    return x if isinstance(x, list) else []
