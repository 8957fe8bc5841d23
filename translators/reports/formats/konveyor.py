"""Konveyor analyzer output (``output.yaml``, analyzer-lsp ``output/v1/konveyor``), for kantra's static
report and the Konveyor hub.

A list with one ruleset, ``eks-to-aks``. ``violations`` is keyed by rule id; each violation has the
rule title as ``description``, a ``category`` from the worst severity among its incidents (high →
``mandatory``, medium → ``optional``, low/info → ``potential``), ``effort`` story points from the
catalogue effort (low 1, medium 3, high 5), ``labels`` (``konveyor.io/source=eks``,
``konveyor.io/target=aks``, area, severity) and ``incidents`` with a ``file://`` URI of the absolute
path and the 1-based ``lineNumber``. Estate-wide findings are placed on the first input. Catalogue
rules no finding triggered are listed in ``unmatched``. Empty fields are left out, as the analyzer does.
No ``codeSnip`` is written: the analysed files are never read (they may hold Secret data).
"""
from __future__ import annotations

from typing import Any

from translators.reports.formats import (TOOL_NAME, ReportInput, estate_file, file_uri, rule_catalogue, rule_for, sorted_findings,
               worst_severity)

RULESET = TOOL_NAME
CATEGORIES = {"high": "mandatory", "medium": "optional", "low": "potential", "info": "potential"}
EFFORT_POINTS = {"low": 1, "medium": 3, "high": 5}
SOURCE_LABEL = "konveyor.io/source=eks"
TARGET_LABEL = "konveyor.io/target=aks"


def category(severity: str) -> str:
    """Konveyor category of a severity."""
    return CATEGORIES[severity]


def effort_points(effort: str) -> int:
    """Story points of a catalogue effort (unknown efforts count as low)."""
    return EFFORT_POINTS.get(effort, 1)


def _incident(r: ReportInput, f) -> dict[str, Any]:
    file = f.file or estate_file(r)
    inc: dict[str, Any] = {"uri": file_uri(file, r.base_dir) if file else "",
                           "message": f"{f.message}\n\nRemediation: {f.remediation}"}
    if f.file and f.line:
        inc["lineNumber"] = int(f.line)
    inc["variables"] = {"area": f.area, "estateWide": not f.file, "file": f.file, "severity": f.severity}
    return inc


def to_konveyor(r: ReportInput) -> list[dict[str, Any]]:
    """The analyzer output: ``[{name, description, tags, violations, unmatched}]`` (JSON/YAML-ready)."""
    grouped: dict[str, list] = {}
    for f in sorted_findings(r.findings):
        grouped.setdefault(f.rule_id, []).append(f)
    violations: dict[str, Any] = {}
    for rule_id in sorted(grouped):
        fs = grouped[rule_id]
        rule = rule_for(fs[0])
        worst = worst_severity([f.severity for f in fs])
        labels = {SOURCE_LABEL, TARGET_LABEL, f"eks-to-aks/area={rule.area}", f"eks-to-aks/severity={worst}"}
        if rule.blocking:
            labels.add("eks-to-aks/blocking=true")
        incidents = [_incident(r, f) for f in fs]
        incidents.sort(key=lambda i: (i["uri"], i["message"], i.get("lineNumber", 0)))
        v: dict[str, Any] = {"description": rule.title, "category": category(worst), "labels": sorted(labels),
                             "incidents": incidents}
        if r.information_uri:
            v["links"] = [{"url": f"{r.information_uri.rstrip('/')}/blob/main/docs/rules.md#{rule.id.lower()}",
                           "title": f"{rule.id}: {rule.title}"}]
        v["effort"] = effort_points(rule.effort)
        violations[rule_id] = v
    ruleset: dict[str, Any] = {
        "name": RULESET,
        "description": f"Amazon EKS to Azure AKS migration findings ({TOOL_NAME} {r.tool_version})",
        "tags": sorted({f"Area={f.area}" for f in r.findings}),
    }
    if violations:
        ruleset["violations"] = violations
    unmatched = sorted(set(rule_catalogue()) - set(grouped))
    if unmatched:
        ruleset["unmatched"] = unmatched
    if not ruleset["tags"]:
        del ruleset["tags"]
    return [ruleset]
