"""Versioned JSON report, described by ``data/report_schema.json`` (JSON Schema draft 2020-12).

Shape (``schemaVersion`` ``1.0``; a change that drops or renames a field bumps the major)::

    {
      "schemaVersion": "1.0",
      "tool": {"name": "eks-to-aks", "version": "0.1.0"},
      "inputs": ["cluster.yaml", "manifests/"],
      "counts": {"translated": 3, "passthrough": 1, "dropped": 2, "total": 6},   # {} for cluster-only runs
      "summary": {"findings": 4, "bySeverity": {"high": 1, ...}, "blocking": true,
                  "blockingRules": ["CLU-003"]},
      "areas": [{"area", "category", "eksComponent", "aksEquivalent", "findings", "effort", "blocking",
                 "blockingRules", "typicalEffort", "typicalBlocking"}],
      "findings": [{"ruleId", "title", "severity", "area", "message", "file", "line", "remediation",
                    "blocking"}],                       # in report order (severity, file, line, rule)
      "rules": [{"id", "title", "area", "severity", "effort", "blocking", "remediation"}],  # used, by id
      "workloads": [{"kind", "namespace", "name", "file", "line", "verdict", "reasons", "steps"}]  # 1.1, optional
    }
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from translators.findings import SEVERITIES
from translators.reports.formats import TOOL_NAME, ReportInput, area_rows, counts_total, is_blocking, rule_for, rules_used, sorted_findings

SCHEMA_VERSION = "1.1"


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    """The JSON Schema of :func:`to_json`'s output (``data/report_schema.json``)."""
    from translators.refdata import DATA

    return json.loads((DATA / "report_schema.json").read_text(encoding="utf-8"))


def to_json(r: ReportInput) -> dict[str, Any]:
    """The report as a JSON-ready dict following ``data/report_schema.json``."""
    findings = sorted_findings(r.findings)
    blocking_rules = sorted({f.rule_id for f in findings if is_blocking(f)})
    counts: dict[str, int] = {k: int(v) for k, v in sorted(r.counts.items())}
    if counts:
        counts["total"] = counts_total(r.counts)
    doc = {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": r.tool_version},
        "inputs": list(r.inputs),
        "counts": counts,
        "summary": {
            "findings": len(findings),
            "bySeverity": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
            "blocking": bool(blocking_rules),
            "blockingRules": blocking_rules,
        },
        "areas": [row.as_json() for row in area_rows(findings)],
        "findings": [{**f.as_json(), "title": rule_for(f).title, "blocking": is_blocking(f)} for f in findings],
        "rules": [{"id": rule.id, "title": rule.title, "area": rule.area, "severity": rule.severity,
                   "effort": rule.effort, "blocking": rule.blocking, "remediation": rule.remediation}
                  for rule in rules_used(findings)],
    }
    if r.verdicts:
        doc["workloads"] = [v.as_json() for v in r.verdicts]
    return doc
