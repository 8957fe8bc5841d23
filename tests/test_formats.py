"""Report formats: the shared fixtures and helpers, then what holds across all formats, the quick-reference data
and every real rule rendered. Each format's own tests: test_formats_sarif, test_formats_konveyor,
test_formats_markdown and test_formats_json."""
from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import jsonschema
import pytest

import translators.findings as findings_mod
from translators.findings import Finding, Rule, finding
from translators.reports.formats import (AREAS, FORMATS, ReportInput, area_rows, quick_reference, render, to_json,
                                 to_konveyor, to_markdown, to_sarif)
from translators.reports.formats.jsonreport import report_schema
from translators.refdata import DATA

BASE = "/work/estate"
REAL_CATALOGUE = findings_mod.catalogue

# A fixed catalogue, so that these tests do not follow the real rule files as they change.
FAKE = {r.id: r for r in [
    Rule("IDN-001", "IAM service account needs a workload identity", "identity", "high", "high",
         "Create a managed identity with a federated credential.", blocking=True),
    Rule("CLX-002", "Region mapped", "cluster", "info", "low", "Check data residency; set `eks-to-aks:location`."),
    Rule("CLX-003", "Kubernetes version not supported on the AKS standard tier", "cluster", "high", "medium",
         "Use Premium with LTS (`eks-to-aks:useLts true`) or upgrade.", blocking=True),
    Rule("STX-003", "Customer-managed EBS key needs an Azure disk encryption set", "storage", "medium", "medium",
         "Create a Key Vault key and a disk encryption set | then reference it."),
    Rule("STX-004", "StorageClass parameter dropped", "storage", "low", "low", "Review the parameter."),
    Rule("OBS-008", "Control-plane log type has no AKS category", "observability", "low", "low",
         "Review whether another category covers the need."),
    Rule("INX-002", "Manifests loaded but not yet deployed", "cluster", "medium", "medium", "Apply them with care."),
    Rule("NET-009", "Security group for pods", "networking", "low", "high", "Write NetworkPolicies.", blocking=True),
    Rule("NET-010", "Unused rule", "networking", "info", "low", "Nothing."),
]}


@pytest.fixture(autouse=True)
def fake_catalogue(monkeypatch):
    monkeypatch.setattr(findings_mod, "catalogue", lambda: FAKE)


def catalogue():
    return FAKE


def _findings() -> list[Finding]:
    return [
        finding("CLX-003", "Kubernetes 1.25 is past AKS end of life", "eksctl.yaml", 4),
        finding("CLX-002", "us-east-1 -> eastus", "eksctl.yaml", 3),
        finding("IDN-001", "iam.serviceAccounts[0] backend/s3-reader", "eksctl.yaml", 22),
        finding("STX-003", "StorageClass gp3-enc names a KMS key | with a pipe", "manifests/storage.yaml", 7),
        finding("OBS-008", "log type 'controllerManager'", "eksctl.yaml", 30),
        finding("INX-002", "12 manifest objects read from manifests"),          # estate-wide: no file, no line
        finding("STX-004", "StorageClass in an absolute path", f"{BASE}/manifests/abs.yaml", 2),
        finding("NET-009", "SecurityGroupPolicy web/sgp", "manifests/net.yaml", 5),
    ]


@pytest.fixture()
def report() -> ReportInput:
    return ReportInput(findings=_findings(), counts={"translated": 3, "passthrough": 1, "dropped": 2},
                       inputs=["eksctl.yaml", "manifests"], tool_version="0.1.0", base_dir=BASE)


# -------------------------------------------------------------------- SARIF schema subset (shared)
# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) the log uses, with their required
# properties and enums, plus GitHub code scanning's needs (a location with artifactLocation.uri and
# region.startLine on every result).
_MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}
SARIF_SUBSET = {
    "type": "object",
    "required": ["$schema", "version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "pattern": r"sarif-schema-2\.1\.0\.json$"},
        "runs": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["tool", "results"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "version", "rules"],
                    "properties": {"name": {"const": "eks-to-aks"}, "rules": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "name", "shortDescription", "fullDescription", "help",
                                     "defaultConfiguration", "properties"],
                        "properties": {
                            "id": {"type": "string", "pattern": r"^[A-Z]{3}-\d{3}$"},
                            "shortDescription": _MESSAGE, "fullDescription": _MESSAGE, "help": _MESSAGE,
                            "defaultConfiguration": {"type": "object", "required": ["level"], "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]}}},
                            "properties": {"type": "object", "required": ["tags", "precision", "severity"],
                                           "properties": {"tags": {"type": "array", "items": {"type": "string"}},
                                                          "precision": {"enum": ["very-high", "high", "medium",
                                                                                 "low"]}}},
                        }}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["ruleId", "ruleIndex", "level", "message", "locations"],
                    "properties": {
                        "ruleIndex": {"type": "integer", "minimum": 0},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": _MESSAGE,
                        "locations": {"type": "array", "minItems": 1, "items": {
                            "type": "object", "required": ["physicalLocation"], "properties": {
                                "physicalLocation": {
                                    "type": "object", "required": ["artifactLocation", "region"], "properties": {
                                        "artifactLocation": {"type": "object", "required": ["uri"]},
                                        "region": {"type": "object", "required": ["startLine"], "properties": {
                                            "startLine": {"type": "integer", "minimum": 1}}}}}}}},
                        "properties": {"type": "object", "required": ["severity"]},
                    }}},
            }}},
    },
}


# ---------------------------------------------------------------------------------- all formats

def test_outputs_are_deterministic_whatever_the_finding_order(report):
    shuffled = list(report.findings)
    random.Random(7).shuffle(shuffled)
    other = ReportInput(shuffled, dict(reversed(list(report.counts.items()))), report.inputs,
                        report.tool_version, report.base_dir)
    for fmt in FORMATS:
        assert render(report, fmt) == render(other, fmt) == render(report, fmt)
        assert render(report, fmt).endswith("\n")
    assert json.loads(render(report, "sarif")) == to_sarif(report)
    with pytest.raises(ValueError):
        render(report, "html")


def test_no_secret_value_reaches_any_report(tmp_path):
    value = "hunter2-Sup3r-S3cret-value"
    encoded = base64.b64encode(value.encode()).decode()
    manifest = tmp_path / "secret.yaml"
    manifest.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-connection\n"
                        f"data:\n  password: {encoded}\nstringData:\n  token: {value}\n", encoding="utf-8")
    # findings name the Secret and its keys only, as the analysers do
    fs = [finding("CLX-002", "Secret db-connection key 'password' is consumed by env DB_PASSWORD",
                  "secret.yaml", 6),
          finding("INX-002", "Secret db-connection keys password, token read", "secret.yaml", 8)]
    r = ReportInput(fs, {"translated": 0, "passthrough": 1, "dropped": 0}, [str(manifest)], base_dir=str(tmp_path))
    for fmt in FORMATS:
        text = render(r, fmt)
        assert value not in text and encoded not in text, fmt
        assert "password" in text  # the key name is reported
    assert value not in json.dumps(to_konveyor(r)) + json.dumps(to_sarif(r, all_rules=True))


# ------------------------------------------------------------------------------ quick reference data

def test_quick_reference_table_data():
    path = DATA / "quick_reference.csv"
    assert path.read_text(encoding="utf-8").startswith("# provenance:")
    rows = quick_reference()
    assert [r["area"] for r in rows if r["source"] == "quick-reference-table"] == [
        "identity", "storage", "secrets", "ingress", "networking", "registry", "observability", "backup"]
    assert len({r["area"] for r in rows}) == len(rows)
    for r in rows:
        assert r["area"] in AREAS
        assert r["eks_component"] and r["aks_equivalent"]
        if r["source"] == "quick-reference-table":
            assert r["typical_effort"] in ("low", "medium", "high")
            assert r["typical_blocking"] in ("yes", "partial", "no")
    seed = {r["area"]: (r["eks_component"], r["aks_equivalent"], r["typical_effort"], r["typical_blocking"])
            for r in rows}
    assert seed["identity"] == ("IRSA", "Workload Identity", "high", "yes")
    assert seed["registry"] == ("ECR", "ACR", "low", "yes")
    assert seed["observability"] == ("CloudWatch", "Azure Monitor", "medium", "no")


def test_area_rows_effort_is_the_highest_among_findings():
    fs = [finding("CLX-002", "a", "x.yaml", 1), finding("CLX-003", "b", "x.yaml", 2)]
    row = next(r for r in area_rows(fs) if r.area == "cluster")
    efforts = [catalogue()[i].effort for i in ("CLX-002", "CLX-003")]
    assert row.effort == max(efforts, key=("low", "medium", "high").index)
    assert row.findings == 2


def test_formats_do_not_import_pulumi():
    import subprocess
    import sys

    code = ("import sys, translators.reports.formats\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'pulumi')))\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


# ------------------------------------------------------------------------ with the real catalogue

def test_every_real_rule_renders_in_every_format(monkeypatch):
    monkeypatch.setattr(findings_mod, "catalogue", REAL_CATALOGUE)
    rules = REAL_CATALOGUE()
    fs = [finding(rid, f"finding for {rid}", "eksctl.yaml", i + 1) for i, rid in enumerate(sorted(rules))]
    r = ReportInput(fs, {"translated": 1}, ["eksctl.yaml"], base_dir=BASE)
    jsonschema.Draft202012Validator(report_schema()).validate(to_json(r))
    log = to_sarif(r, all_rules=True)
    jsonschema.Draft202012Validator(SARIF_SUBSET).validate(log)
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(rules)
    assert set(to_konveyor(r)[0]["violations"]) == set(rules) and "unmatched" not in to_konveyor(r)[0]
    md = to_markdown(r)
    assert all(f"**{rid}**" in md for rid in rules)
