"""Report formats: what holds across all formats, the quick-reference data and every real rule rendered. The
shared fixtures and helpers are in builders_formats; each format's own tests: test_formats_sarif,
test_formats_konveyor, test_formats_markdown and test_formats_json."""
from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import jsonschema
import pytest

import builders_formats
import translators.findings as findings_mod
from builders_formats import BASE, REAL_CATALOGUE, SARIF_SUBSET, catalogue
from translators.findings import finding
from translators.reports.formats import (AREAS, FORMATS, ReportInput, area_rows, quick_reference, render, to_json,
                                         to_konveyor, to_markdown, to_sarif)
from translators.reports.formats.jsonreport import report_schema
from translators.refdata import DATA

fake_catalogue = builders_formats.fake_catalogue  # autouse: the fixed catalogue, bound so it applies here
report = builders_formats.report  # the shared ReportInput fixture (bound, not imported: ruff F811 at use)


# -------------------------------------------------------------------- SARIF schema subset (shared)


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
