"""Report-format builders shared by the test_formats* modules: a fixed rule catalogue (autouse fixture), a sample
set of findings, the ReportInput fixture built from them and the SARIF 2.1.0 schema subset the log must meet."""
from __future__ import annotations

import pytest

import translators.findings as findings_mod
from translators.findings import Finding, Rule, finding
from translators.reports.formats import ReportInput

BASE = "/work/estate"  # the base directory of the sample report
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
    """Autouse: findings read the fixed catalogue FAKE instead of the real rule files."""
    monkeypatch.setattr(findings_mod, "catalogue", lambda: FAKE)


def catalogue():
    """The fixed catalogue the formats see while fake_catalogue applies."""
    return FAKE


def sample_findings() -> list[Finding]:
    """Findings of the sample report: located, estate-wide and absolute-path ones, a pipe in a message."""
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
    """The sample ReportInput: sample_findings, counts, inputs and BASE as its base directory."""
    return ReportInput(findings=sample_findings(), counts={"translated": 3, "passthrough": 1, "dropped": 2},
                       inputs=["eksctl.yaml", "manifests"], tool_version="0.1.0", base_dir=BASE)


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
