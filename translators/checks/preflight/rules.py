"""Preflight rules: the ``data/preflight_rules.csv`` table, the vendored ARM excerpt
(``data/arm_containerservice_2025-09-01.json``), :class:`PreflightOptions` and the reporter the checks share."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.findings import Findings, catalogue, finding
from translators.plan import AksPlan
from translators.refdata import DATA, read_table

ARM_SCHEMA = "arm_containerservice_2025-09-01.json"


@dataclass(frozen=True)
class PreflightRule:
    """One row of ``data/preflight_rules.csv``: ``id`` (catalogue id), ``condition`` (name used in this module),
    ``doc`` (Microsoft Learn URL), ``auto_fix``, ``fixed_severity`` (severity reported after a fix, or ``""``)."""

    id: str
    condition: str
    doc: str
    auto_fix: bool
    fixed_severity: str


@dataclass
class PreflightOptions:
    """``audit_admin_only``: keep ``kube-audit-admin`` rather than ``kube-audit`` when both are planned;
    ``as_of``: date for the AKS version calendar (default today)."""

    audit_admin_only: bool = False
    as_of: dt.date | None = None


@lru_cache(maxsize=1)
def preflight_rules() -> dict[str, PreflightRule]:
    """Condition name → :class:`PreflightRule` (``data/preflight_rules.csv``).

    Raises:
        ValueError: a row names a rule missing from the catalogue or a condition twice.
    """
    out: dict[str, PreflightRule] = {}
    rules = catalogue()
    for r in read_table("preflight_rules.csv"):
        if r["rule_id"] not in rules or r["condition"] in out:
            raise ValueError(f"preflight_rules.csv: bad row {r['rule_id']} {r['condition']}")
        out[r["condition"]] = PreflightRule(r["rule_id"], r["condition"], r["doc_url"], r["auto_fix"] == "yes",
                                            r["fixed_severity"])
    return out


@lru_cache(maxsize=1)
def arm_schema() -> dict[str, Any]:
    """The vendored ARM excerpt (``data/arm_containerservice_2025-09-01.json``): agent pool and managed cluster
    patterns, ranges and enums."""
    return json.loads((DATA / ARM_SCHEMA).read_text(encoding="utf-8"))


class _Report:
    """Adds preflight findings to ``findings`` (file: the plan's source file, no line)."""

    def __init__(self, plan: AksPlan, findings: Findings):
        self.file = plan.source_file
        self.findings = findings

    def fixed(self, condition: str, message: str) -> None:
        rule = preflight_rules()[condition]
        assert rule.auto_fix, condition
        self.findings.append(finding(rule.id, message, self.file, None, rule.fixed_severity or None))

    def failed(self, condition: str, message: str) -> None:
        self.findings.append(finding(preflight_rules()[condition].id, message, self.file, None))
