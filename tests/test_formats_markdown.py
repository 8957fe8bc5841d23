"""Markdown report: the quick-reference table, the counts line and findings grouped by severity."""
from __future__ import annotations

import builders_formats
from builders_formats import BASE, catalogue
from translators.findings import SEVERITIES
from translators.reports.formats import ReportInput, is_blocking, quick_reference, to_markdown

fake_catalogue = builders_formats.fake_catalogue  # autouse: the fixed catalogue, bound so it applies here
report = builders_formats.report  # the shared ReportInput fixture (bound, not imported: ruff F811 at use)


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
