"""The Markdown report's "Prerequisites" section (operators and CRDs the estate needs, and how the stack provides
them)."""
from __future__ import annotations

from translators.reports.formats import ReportInput, render
from translators.plan import Prerequisite


def test_the_example_report_lists_its_prerequisites(example_plan):
    text = render(ReportInput(findings=example_plan.findings, counts={}, inputs=[],
                              prerequisites=example_plan.deploy.prerequisites), "markdown")
    section = text.split("## Prerequisites", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("| `")]
    assert len(rows) == len(example_plan.deploy.prerequisites)
    velero = next(r for r in rows if r.startswith("| `velero.io`"))
    assert "Helm chart" in velero and "provides it" in velero and "kubernetes-helm" in velero
    nap = next(r for r in rows if r.startswith("| `karpenter.sh`"))
    assert "AKS add-on" in nap and "node-autoprovision" in nap


def test_unprovided_prerequisites_stand_out_and_no_section_without_any():
    missing = Prerequisite("widgets.acme.io", "Widget", "none", "no known operator", "", 2)
    text = render(ReportInput(findings=[], counts={}, inputs=[], prerequisites=[missing]), "markdown")
    assert "| `widgets.acme.io` | Widget | 2 | nothing on AKS | **not provided** |" in text
    assert "## Prerequisites" not in render(ReportInput(findings=[], counts={}, inputs=[]), "markdown")
