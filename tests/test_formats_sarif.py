"""SARIF 2.1.0 log: structure, rules and their indexes, locations, levels and fingerprints."""
from __future__ import annotations

import json

import jsonschema

import builders_formats
from builders_formats import BASE, SARIF_SUBSET, catalogue, sample_findings
from translators.findings import Finding, finding
from translators.reports.formats import ReportInput, to_sarif

fake_catalogue = builders_formats.fake_catalogue  # autouse: the fixed catalogue, bound so it applies here
report = builders_formats.report  # the shared ReportInput fixture (bound, not imported: ruff F811 at use)


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
    r = ReportInput(sample_findings(), {}, ["eksctl.yaml"], base_dir=BASE)
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
    r = ReportInput(sample_findings()[:1], {}, ["eksctl.yaml"], information_uri="https://example.org/eks-to-aks")
    driver = to_sarif(r)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/eks-to-aks"
    assert driver["rules"][0]["helpUri"] == "https://example.org/eks-to-aks/blob/main/docs/rules.md#clx-003"
