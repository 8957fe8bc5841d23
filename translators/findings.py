"""Findings: what did not translate cleanly, each tied to a catalogue rule.

A finding is created only through :func:`finding`, which looks the rule up in the
catalogue (``data/rules/*.yaml``) so that the rule id, area, severity and
remediation come from one place. Severities follow the seed catalogue's scale:
``high`` (the application breaks), ``medium`` (degraded), ``low`` (a
configuration change), plus ``info`` for translations worth knowing about.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.refdata import derived_rows

SEVERITIES = ("high", "medium", "low", "info")


@dataclass(frozen=True)
class Rule:
    """One catalogue entry (see ``data/rules.yaml``)."""

    id: str
    title: str
    area: str
    severity: str
    effort: str
    remediation: str
    blocking: bool = False
    doc: str = ""  # Microsoft Learn page the rule comes from (preflight rules), or ""


@dataclass(frozen=True)
class Finding:
    """One reported item.

    Attributes:
        rule_id: stable catalogue id, e.g. ``CMP-004``.
        severity: one of :data:`SEVERITIES`.
        message: what was found in this input, in one sentence.
        file: source file, or ``""`` for findings about the estate as a whole.
        line: 1-based source line, or ``None``.
        remediation: what a human should do.
        area: the seed's area (compute, identity, storage, ...).
    """

    rule_id: str
    severity: str
    message: str
    file: str
    line: int | None
    remediation: str
    area: str

    def as_json(self) -> dict[str, Any]:
        """The finding in the plan/report JSON shape."""
        return {
            "ruleId": self.rule_id,
            "severity": self.severity,
            "area": self.area,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "remediation": self.remediation,
        }

    def sort_key(self) -> tuple:
        return (SEVERITIES.index(self.severity), self.file, self.line or 0, self.rule_id, self.message)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Rule]:
    """All rules keyed by id, loaded once from ``data/rules/*.yaml`` (one file per area).

    Raises:
        ValueError: a rule id appears twice or has an unknown severity.
    """
    rules: dict[str, Rule] = {}
    for rid, body in derived_rows("rules.json"):  # data/rules/*.yaml, or their derived copy when current
        if rid in rules:
            raise ValueError(f"rule {rid} is defined twice")
        if body["severity"] not in SEVERITIES:
            raise ValueError(f"rules.yaml {rid}: bad severity {body['severity']!r}")
        rules[rid] = Rule(id=rid, title=body["title"], area=body["area"], severity=body["severity"],
                          effort=body.get("effort", "low"), remediation=body["remediation"].strip(),
                          blocking=bool(body.get("blocking", False)), doc=str(body.get("doc", "")))
    return rules


def finding(rule_id: str, message: str, file: str = "", line: int | None = None,
            severity: str | None = None) -> Finding:
    """Build a :class:`Finding` for catalogue rule ``rule_id``.

    Raises:
        KeyError: ``rule_id`` is not in the catalogue (a programming error, caught by tests).
    """
    rule = catalogue()[rule_id]
    return Finding(rule_id, severity or rule.severity, message, file, line, rule.remediation, rule.area)


class Findings(list):
    """A list of :class:`Finding` with a helper to add one located in a :class:`SourceDoc`."""

    def add(self, rule_id: str, message: str, doc: Any = None, path: tuple = (),
            severity: str | None = None) -> Finding:
        """Append a finding for ``rule_id``; ``doc``/``path`` give file and line."""
        file = doc.file if doc is not None else ""
        line = doc.line_of(*path) if doc is not None else None
        f = finding(rule_id, message, file, line, severity)
        self.append(f)
        return f
