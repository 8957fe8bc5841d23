"""Konveyor analyzer output: the ruleset, violations by category and effort, incidents."""
from __future__ import annotations

import yaml

import builders_formats
from builders_formats import BASE, catalogue
from translators.findings import finding
from translators.reports.formats import ReportInput, render, to_konveyor
from translators.reports.formats.konveyor import EFFORT_POINTS

fake_catalogue = builders_formats.fake_catalogue  # autouse: the fixed catalogue, bound so it applies here
report = builders_formats.report  # the shared ReportInput fixture (bound, not imported: ruff F811 at use)


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
