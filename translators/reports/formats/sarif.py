"""SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.

One run, tool ``eks-to-aks``; ``tool.driver.rules`` holds the catalogue rules the findings use (or
the whole catalogue), sorted by id, and each result points at its rule with ``ruleId`` and
``ruleIndex``. Levels: high → ``error``, medium → ``warning``, low/info → ``note``; the finding's
own severity is kept in ``properties.severity``.

GitHub code scanning shows a result only when it has a location with an artifact URI (relative, or
absolute ``file://``) and a ``region.startLine``; so every result gets one. Findings without a line
start at line 1, and estate-wide findings (no file) are placed on the first input (the eksctl
ClusterConfig). ``partialFingerprints`` ignores the line so that edits above a finding keep its alert.
"""
from __future__ import annotations

import re
from typing import Any

from translators.findings import Rule
from translators.reports.formats import (TOOL_NAME, ReportInput, estate_file, fingerprint, relative_uri, rule_catalogue, rule_for,
               rules_used, sorted_findings)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "eksToAksFinding/v1"
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}


def level(severity: str) -> str:
    """SARIF ``level`` of a severity."""
    return LEVELS[severity]


def rule_name(title: str) -> str:
    """A PascalCase identifier from a rule title (``Region not set`` → ``RegionNotSet``)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _descriptor(rule: Rule, information_uri: str) -> dict[str, Any]:
    blocking = ", blocking" if rule.blocking else ""
    d: dict[str, Any] = {
        "id": rule.id,
        "name": rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title} ({rule.area}; severity {rule.severity}, effort {rule.effort}"
                                    f"{blocking})."},
        "help": {"text": rule.remediation, "markdown": f"**Remediation.** {rule.remediation}"},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": sorted({"eks-to-aks", "migration", rule.area}), "precision": "high",
                       "severity": rule.severity, "area": rule.area, "effort": rule.effort,
                       "blocking": rule.blocking},
    }
    if information_uri:
        d["helpUri"] = f"{information_uri.rstrip('/')}/blob/main/docs/rules.md#{rule.id.lower()}"
    return d


def _location(file: str, line: int | None, base_dir: str) -> dict[str, Any]:
    uri, relative = relative_uri(file, base_dir)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = SRCROOT
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": max(int(line or 1), 1)}}}


def to_sarif(r: ReportInput, all_rules: bool = False) -> dict[str, Any]:
    """The SARIF 2.1.0 log (a JSON-ready dict).

    Args:
        r: the report input.
        all_rules: list every catalogue rule in ``tool.driver.rules``, not only those the findings use.
    """
    findings = sorted_findings(r.findings)
    used = rules_used(findings)
    if all_rules:
        merged = {rule.id: rule for rule in rule_catalogue().values()}
        merged.update({rule.id: rule for rule in used})
        rules = sorted(merged.values(), key=lambda x: x.id)
    else:
        rules = used
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for f in findings:
        file = f.file or estate_file(r)
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": level(f.severity),
            "message": {"text": f.message},
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
            "properties": {"severity": f.severity, "area": f.area, "title": rule_for(f).title,
                           "remediation": f.remediation, "estateWide": not f.file},
        }
        if file:
            result["locations"] = [_location(file, f.line if f.file else None, r.base_dir)]
        results.append(result)
    driver: dict[str, Any] = {"name": TOOL_NAME, "version": r.tool_version, "semanticVersion": r.tool_version,
                              "rules": [_descriptor(rule, r.information_uri) for rule in rules]}
    if r.information_uri:
        driver["informationUri"] = r.information_uri
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }
