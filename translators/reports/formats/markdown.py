"""Markdown report (for a pull request, a wiki page or a ticket) and the rules catalogue page.

Layout of :func:`to_markdown`: title and inputs, the quick-reference view filled from this estate
(one row per area), the object counts, then the findings grouped by severity, each with
``file:line``, rule id and title, message and remediation.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from translators.findings import SEVERITIES, Rule
from translators.reports.formats import AREAS, ReportInput, area_rows, counts_total, display_path, rule_for, sorted_findings

#: Display names of the known count keys, in display order.
COUNT_LABELS = (("translated", "translated"), ("passthrough", "passed through"),
                ("dropped", "dropped with a finding"))

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape(text: str) -> str:
    """``text`` as literal Markdown on one line: special characters backslash-escaped, newlines spaced."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def cell(text: str) -> str:
    """Catalogue Markdown (backticks kept) made safe for a table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def location(file: str, line: int | None) -> str:
    """``file:line``, ``file``, or ``(estate)`` for findings about the estate as a whole."""
    if not file:
        return "(estate)"
    return f"{file}:{line}" if line else file


def counts_line(counts: dict[str, int]) -> str:
    """``**Objects:** 3 translated, 1 passed through, 2 dropped with a finding (6 total)``."""
    if not counts:
        return "**Objects:** none counted (cluster-only run)"
    known = dict(COUNT_LABELS)
    keys = [k for k, _ in COUNT_LABELS if k in counts] + sorted(k for k in counts if k not in known)
    parts = [f"{int(counts[k])} {known.get(k, k)}" for k in keys]
    return f"**Objects:** {', '.join(parts)} ({counts_total(counts)} total)"


def _typical(row) -> str:
    if not row.typical_effort:
        return "–"
    detail = f" ({row.typical_effort_detail})" if row.typical_effort_detail else ""
    blocking = f"; blocking: {row.typical_blocking}" if row.typical_blocking else ""
    return f"{row.typical_effort}{detail}{blocking}"


def quick_reference_table(r: ReportInput) -> list[str]:
    """The quick-reference view for this estate as Markdown table lines."""
    lines = ["| Area | EKS component | AKS equivalent | Findings | Effort | Blocking? | Typical (seed) |",
             "|---|---|---|---:|---|---|---|"]
    for row in area_rows(r.findings):
        blocking = "no"
        if row.blocking:
            blocking = "**yes** (" + ", ".join(row.blocking_rules) + ")"
        lines.append("| " + " | ".join([
            cell(row.area), cell(row.eks_component or "–"), cell(row.aks_equivalent or "–"),
            str(row.findings), row.effort or "–", blocking, cell(_typical(row))]) + " |")
    return lines


PROVIDED_BY = {"aks-addon": "AKS add-on", "aks-extension": "AKS cluster extension", "helm": "Helm chart",
               "estate": "CRD in the estate", "none": "nothing on AKS"}


def prerequisites_section(r: ReportInput) -> list[str]:
    """The "Prerequisites" section: one row per operator/CRD the custom resources need, with what provides it
    and whether this stack does (``[]`` when the estate needs none)."""
    if not r.prerequisites:
        return []
    out = ["## Prerequisites", "", "Operators and CRDs the estate's custom resources need on AKS, and how this stack "
           "provides them (objects whose prerequisite is not provided are not deployed: PRE-052).", "",
           "| API group | Kind | Objects | Provided by | This stack | How | Doc |", "|---|---|---|---|---|---|---|"]
    for p in r.prerequisites:
        doc = f"[Learn]({p.doc})" if p.doc else ""
        out.append(f"| `{cell(p.group)}` | {cell(p.kind)} | {p.objects} | {PROVIDED_BY.get(p.provider, p.provider)} "
                   f"| {'provides it' if p.provided else '**not provided**'} | {cell(p.how)} | {doc} |")
    return out + [""]


VERDICT_LABELS = {"runs": "runs", "runs-after-steps": "runs after the listed steps", "cannot-run": "**cannot run**"}


def verdict_table(r: ReportInput) -> list[str]:
    """The per-workload verdict table (``## Workloads``) as Markdown lines, ``[]`` without verdicts. Cannot-run
    workloads first, then runs-after-steps, then runs; each with its reasons or the rule ids of its steps."""
    if not r.verdicts:
        return []
    order = {"cannot-run": 0, "runs-after-steps": 1, "runs": 2}
    vs = sorted(r.verdicts, key=lambda v: (order.get(v.verdict, 3), v.namespace or "", v.kind, v.name))
    n = {k: sum(1 for v in vs if v.verdict == k) for k in order}
    out = ["## Workloads", "", f"{n['runs']} run, {n['runs-after-steps']} run after the listed steps, "
           f"{n['cannot-run']} cannot run on the planned cluster. The steps are the findings below with these rule "
           "ids, on the workload or on what it uses (its ServiceAccount, Secrets, ConfigMaps, claims, node group).",
           "",
           "| Workload | Verdict | Why / steps first |", "|---|---|---|"]
    for v in vs:
        name = f"{v.kind}/{v.namespace + '/' if v.namespace else ''}{v.name}"
        if v.reasons:
            why = "; ".join(v.reasons)
        else:
            why = ", ".join(dict.fromkeys(s.split(" ", 1)[0] for s in v.steps)) or "–"
        out.append(f"| {escape(name)} | {VERDICT_LABELS.get(v.verdict, escape(v.verdict))} | {escape(why)} |")
    return out + [""]


def to_markdown(r: ReportInput) -> str:
    """The whole report as Markdown (ends with a newline). Finding files below ``r.base_dir`` are shown
    relative to it."""
    findings = sorted_findings(r.findings)
    out = ["# EKS to AKS migration report", ""]
    if r.inputs:
        out.append("Inputs: " + ", ".join(f"`{cell(i).replace('`', '')}`" for i in r.inputs))
    tool = f"[eks-to-aks]({r.information_uri})" if r.information_uri else "eks-to-aks"
    out += [f"Tool: {tool} {escape(r.tool_version)}", ""]
    out += verdict_table(r)
    out += ["## Quick reference", ""]
    out += quick_reference_table(r)
    out += ["", "Effort is the highest catalogue effort among the area's findings; an area blocks when one of "
                "its findings is high severity or its rule is marked blocking.", "",
            "## Counts", "", counts_line(r.counts), ""]
    out += prerequisites_section(r)
    groups: dict[str, list] = defaultdict(list)
    for f in findings:
        groups[f.severity].append(f)
    summary = ", ".join(f"{len(groups[s])} {s}" for s in SEVERITIES)
    out += [f"## Findings ({len(findings)})", "", summary]
    for sev in SEVERITIES:
        if not groups[sev]:
            continue
        out += ["", f"### {sev.capitalize()} ({len(groups[sev])})", ""]
        for f in groups[sev]:
            rule = rule_for(f)
            where = location(display_path(f.file, r.base_dir), f.line).replace("`", "")
            out.append(f"- **{escape(f.rule_id)}** {escape(rule.title)} · `{where}`")
            out.append(f"  - {escape(f.message)}")
            out.append(f"  - Remediation: {cell(f.remediation)}")
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------------------
# docs/rules.md
# --------------------------------------------------------------------------------------------------

RULES_DOC_HEADER = ("<!-- Generated by tools/gen_rules_doc.py from translators/data/rules/*.yaml; do not edit. "
                    "Regenerate with `python tools/gen_rules_doc.py`. -->")


def rules_markdown(rules: Iterable[Rule]) -> str:
    """The findings catalogue as Markdown: one table per area (id, title, severity, effort, blocking,
    remediation), areas in :data:`AREAS` order then any others alphabetically."""
    by_area: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_area[rule.area].append(rule)
    areas = [a for a in AREAS if a in by_area] + sorted(a for a in by_area if a not in AREAS)
    total = sum(len(v) for v in by_area.values())
    out = [RULES_DOC_HEADER, "", "# Findings rules", "",
           f"{total} rules in {len(areas)} areas. Severity: high (the application breaks), medium (degraded), "
           "low (a configuration change), info (a translation worth knowing about). Effort: low, medium, high. "
           "Blocking rules stop a migration until handled.", ""]
    for area in areas:
        out += [f"## {area}", "", "| Id | Title | Severity | Effort | Blocking | Remediation |",
                "|---|---|---|---|---|---|"]
        for rule in sorted(by_area[area], key=lambda x: x.id):
            out.append(f"| <a id=\"{rule.id.lower()}\"></a>{rule.id} | {cell(rule.title)} | {rule.severity} | "
                       f"{rule.effort} | {'yes' if rule.blocking else 'no'} | {cell(rule.remediation)}"
                       + (f" Source: <{rule.doc}> |" if rule.doc else " |"))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
