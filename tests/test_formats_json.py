"""Versioned JSON report: validation against its schema, rejection of bad documents, cluster-only runs."""
from __future__ import annotations

import json

import jsonschema

import builders_formats
from translators.findings import Finding, finding
from translators.reports.formats import ReportInput, to_json
from translators.reports.formats.jsonreport import report_schema

fake_catalogue = builders_formats.fake_catalogue  # autouse: the fixed catalogue, bound so it applies here
report = builders_formats.report  # the shared ReportInput fixture (bound, not imported: ruff F811 at use)


def test_json_report_validates_against_the_schema(report):
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    doc = to_json(report)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["schemaVersion"] == "1.1"
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
