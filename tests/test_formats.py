"""Report formats: Markdown, SARIF 2.1.0, Konveyor analyzer output and the versioned JSON report."""
from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import jsonschema
import pytest
import yaml

import translators.findings as findings_mod
from translators.findings import SEVERITIES, Finding, Rule, finding
from translators.formats import (AREAS, FORMATS, ReportInput, area_rows, is_blocking, quick_reference, render,
                                 to_json, to_konveyor, to_markdown, to_sarif)
from translators.formats.jsonreport import report_schema
from translators.formats.konveyor import EFFORT_POINTS
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


# ------------------------------------------------------------------------------------------- SARIF
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


def test_sarif_is_structurally_valid(report):
    log = to_sarif(report)
    jsonschema.Draft202012Validator(SARIF_SUBSET).validate(log)
    assert json.loads(json.dumps(log)) == log  # plain JSON


def test_sarif_rule_index_points_at_the_rule_and_rules_are_the_used_ones(report):
    run = to_sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted({f.rule_id for f in report.findings})
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    rule = rules[ids.index("CLX-003")]
    cat = catalogue()["CLX-003"]
    assert rule["shortDescription"]["text"] == cat.title
    assert rule["help"]["text"] == cat.remediation
    assert rule["name"] == "KubernetesVersionNotSupportedOnTheAKSStandardTier"
    assert rule["properties"]["severity"] == cat.severity and rule["properties"]["blocking"] is cat.blocking


def test_sarif_all_rules_lists_the_catalogue():
    r = ReportInput(_findings(), {}, ["eksctl.yaml"], base_dir=BASE)
    run = to_sarif(r, all_rules=True)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [x["id"] for x in rules] == sorted(catalogue())
    assert all(rules[res["ruleIndex"]]["id"] == res["ruleId"] for res in run["results"])


def test_sarif_locations_levels_and_severity(report):
    results = to_sarif(report)["runs"][0]["results"]
    assert len(results) == len(report.findings)
    by_msg = {res["message"]["text"]: res for res in results}
    expected_level = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
    for f in report.findings:
        res = by_msg[f.message]
        assert res["level"] == expected_level[f.severity]
        assert res["properties"]["severity"] == f.severity
        phys = res["locations"][0]["physicalLocation"]
        if f.file and f.line:
            assert phys["region"]["startLine"] == f.line
    loc = by_msg["StorageClass gp3-enc names a KMS key | with a pipe"]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "manifests/storage.yaml", "uriBaseId": "%SRCROOT%"}
    # an absolute path below base_dir becomes relative
    loc = by_msg["StorageClass in an absolute path"]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "manifests/abs.yaml", "uriBaseId": "%SRCROOT%"}
    # an estate-wide finding is placed on the first input, line 1
    res = by_msg["12 manifest objects read from manifests"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "eksctl.yaml"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert res["properties"]["estateWide"] is True
    # fingerprints are stable and ignore the line
    moved = Finding(**{**vars(report.findings[0]), "line": 99})
    again = to_sarif(ReportInput([moved], {}, ["eksctl.yaml"], base_dir=BASE))["runs"][0]["results"][0]
    assert again["partialFingerprints"] == by_msg[moved.message]["partialFingerprints"]


def test_sarif_paths_outside_the_base_are_file_uris():
    f = finding("CLX-002", "x", "/elsewhere/my cluster.yaml", 2)
    loc = to_sarif(ReportInput([f], {}, [], base_dir=BASE))["runs"][0]["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "file:///elsewhere/my%20cluster.yaml"}


def test_sarif_uncatalogued_rule_gets_a_stand_in():
    f = Finding("ZZZ-999", "low", "made up", "a.yaml", 1, "do something", "cluster")
    run = to_sarif(ReportInput([f], {}, ["a.yaml"]))["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "ZZZ-999"
    assert run["results"][0]["level"] == "note"


def test_sarif_information_uri_adds_help_uri():
    r = ReportInput(_findings()[:1], {}, ["eksctl.yaml"], information_uri="https://example.org/eks-to-aks")
    driver = to_sarif(r)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/eks-to-aks"
    assert driver["rules"][0]["helpUri"] == "https://example.org/eks-to-aks/blob/main/docs/rules.md#clx-003"


# ---------------------------------------------------------------------------------------- Konveyor

def test_konveyor_ruleset_violations_category_and_effort(report):
    out = to_konveyor(report)
    assert isinstance(out, list) and len(out) == 1
    rs = out[0]
    assert rs["name"] == "eks-to-aks"
    assert set(rs["violations"]) == {f.rule_id for f in report.findings}
    assert list(rs["violations"]) == sorted(rs["violations"])
    cat_of = {"high": "mandatory", "medium": "optional", "low": "potential", "info": "potential"}
    assert EFFORT_POINTS == {"low": 1, "medium": 3, "high": 5}
    for rid, v in rs["violations"].items():
        rule = catalogue()[rid]
        sev = [f.severity for f in report.findings if f.rule_id == rid][0]
        assert v["category"] == cat_of[sev]
        assert v["effort"] == EFFORT_POINTS[rule.effort]
        assert v["description"] == rule.title
        assert "konveyor.io/source=eks" in v["labels"] and "konveyor.io/target=aks" in v["labels"]
        assert isinstance(v["effort"], int) and v["incidents"]
    assert rs["violations"]["CLX-003"]["category"] == "mandatory"
    assert rs["violations"]["CLX-002"]["category"] == "potential"
    assert rs["violations"]["STX-003"]["category"] == cat_of[catalogue()["STX-003"].severity]
    assert rs["unmatched"] == sorted(set(catalogue()) - {f.rule_id for f in report.findings})


def test_konveyor_incidents_have_absolute_file_uris_and_lines(report):
    v = to_konveyor(report)[0]["violations"]
    inc = v["STX-003"]["incidents"][0]
    assert inc["uri"] == f"file://{BASE}/manifests/storage.yaml"
    assert inc["lineNumber"] == 7
    assert inc["message"].startswith("StorageClass gp3-enc names a KMS key | with a pipe")
    assert catalogue()["STX-003"].remediation in inc["message"]
    assert v["STX-004"]["incidents"][0]["uri"] == f"file://{BASE}/manifests/abs.yaml"
    estate = v["INX-002"]["incidents"][0]
    assert estate["uri"] == f"file://{BASE}/eksctl.yaml" and "lineNumber" not in estate
    assert all("codeSnip" not in i for vio in v.values() for i in vio["incidents"])


def test_konveyor_worst_severity_decides_the_category():
    fs = [finding("CLX-002", "a", "x.yaml", 1), finding("CLX-002", "b", "x.yaml", 2, severity="high")]
    v = to_konveyor(ReportInput(fs, {}, ["x.yaml"], base_dir=BASE))[0]["violations"]["CLX-002"]
    assert v["category"] == "mandatory"
    assert [i["lineNumber"] for i in v["incidents"]] == [1, 2]


def test_konveyor_yaml_round_trips(report):
    assert yaml.safe_load(render(report, "konveyor")) == to_konveyor(report)


# ---------------------------------------------------------------------------------------- Markdown

def test_markdown_quick_reference_rows_for_present_areas(report):
    md = to_markdown(report)
    assert md.startswith("# EKS to AKS migration report\n")
    assert md.index("## Quick reference") < md.index("## Counts") < md.index("## Findings")
    assert "| Area | EKS component | AKS equivalent | Findings | Effort | Blocking? | Typical (seed) |" in md
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.strip().strip("|").split("|")]
            for line in md.splitlines() if line.startswith("| ") and not line.startswith("| Area")}
    present = {f.area for f in report.findings}
    assert present <= set(rows)
    ref = {row["area"]: row for row in quick_reference()}
    for area in present:
        cells = rows[area]
        fs = [f for f in report.findings if f.area == area]
        assert cells[1] == ref[area]["eks_component"] and cells[2] == ref[area]["aks_equivalent"]
        assert cells[3] == str(len(fs))
        assert cells[5].startswith("**yes**") == any(is_blocking(f) for f in fs)
    assert rows["identity"][1:3] == ["IRSA", "Workload Identity"]
    assert rows["identity"][5] == "**yes** (IDN-001)"   # IDN-001 is high severity
    assert "CLX-003" in rows["cluster"][5]
    assert rows["networking"][4:6] == ["high", "**yes** (NET-009)"]   # low severity, rule marked blocking
    assert rows["storage"][4:6] == ["medium", "no"]
    # the seed's table areas are listed even without findings
    assert rows["registry"][1:4] == ["ECR", "ACR", "0"] and rows["registry"][5] == "no"


def test_markdown_counts_line_has_the_correct_total(report):
    md = to_markdown(report)
    assert "**Objects:** 3 translated, 1 passed through, 2 dropped with a finding (6 total)" in md
    md = to_markdown(ReportInput([], {"translated": 10, "dropped": 5, "passthrough": 0}, []))
    assert "10 translated, 0 passed through, 5 dropped with a finding (15 total)" in md
    assert "none counted (cluster-only run)" in to_markdown(ReportInput([], {}, ["eksctl.yaml"]))


def test_markdown_findings_grouped_by_severity_with_location_rule_and_remediation(report):
    md = to_markdown(report)
    heads = [md.index(f"### {s.capitalize()} (") for s in SEVERITIES if any(f.severity == s for f in report.findings)]
    assert heads == sorted(heads)
    assert f"## Findings ({len(report.findings)})" in md
    for f in report.findings:
        rule = catalogue()[f.rule_id]
        where = f"{f.file.removeprefix(BASE + '/')}:{f.line}" if f.file else "(estate)"
        line = f"- **{f.rule_id}** {rule.title} · `{where}`"
        assert line in md
        block = md[md.index(line):].split("\n- ", 1)[0]
        assert "Remediation: " + " ".join(rule.remediation.split()).replace("|", "\\|") in block
    assert "names a KMS key \\| with a pipe" in md   # escaped: no broken Markdown
    assert "us-east-1 -\\> eastus" in md
    assert "`manifests/abs.yaml:2`" in md and BASE not in md   # shown relative to base_dir


# -------------------------------------------------------------------------------------------- JSON

def test_json_report_validates_against_the_schema(report):
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    doc = to_json(report)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["schemaVersion"] == "1.0"
    assert doc["counts"] == {"translated": 3, "passthrough": 1, "dropped": 2, "total": 6}
    assert doc["inputs"] == ["eksctl.yaml", "manifests"]
    assert [f["ruleId"] for f in doc["findings"]] == [f.rule_id for f in sorted(report.findings,
                                                                                  key=Finding.sort_key)]
    assert [r["id"] for r in doc["rules"]] == sorted({f.rule_id for f in report.findings})
    assert doc["summary"]["findings"] == len(report.findings)
    assert sum(doc["summary"]["bySeverity"].values()) == len(report.findings)
    assert doc["summary"]["blocking"] is True and "CLX-003" in doc["summary"]["blockingRules"]
    assert {a["area"] for a in doc["areas"]} >= {f.area for f in report.findings}


def test_json_schema_rejects_bad_documents(report):
    validator = jsonschema.Draft202012Validator(report_schema())
    doc = to_json(report)
    bad = json.loads(json.dumps(doc))
    bad["findings"][0]["severity"] = "critical"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(doc))
    bad["findings"][0]["secretValue"] = "x"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(doc))
    del bad["schemaVersion"]
    assert not validator.is_valid(bad)


def test_json_cluster_only_run_has_empty_counts():
    doc = to_json(ReportInput([finding("CLX-002", "x", "eksctl.yaml", 3)], {}, ["eksctl.yaml"]))
    jsonschema.Draft202012Validator(report_schema()).validate(doc)
    assert doc["counts"] == {}


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

    code = ("import sys, translators.formats\n"
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
