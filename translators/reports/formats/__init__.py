"""Report formats over one analysis: Markdown, SARIF 2.1.0, Konveyor analyzer output and versioned JSON.

Every renderer is a pure function of a :class:`ReportInput` plus the findings catalogue
(``data/rules/*.yaml``) and the quick-reference table (``data/quick_reference.csv``). They never
read the analysed files (so no manifest content, in particular no Secret data, can reach a report),
never import Pulumi, and produce the same output for the same input: findings are ordered by
:meth:`Finding.sort_key`, rules by id, areas by the quick-reference order.

Usage::

    from translators.reports.formats import ReportInput, render
    text = render(ReportInput(findings, counts, inputs, base_dir=str(Path.cwd())), "sarif")
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from collections.abc import Callable
from urllib.parse import quote

from translators import findings as _findings
from translators.findings import SEVERITIES, Finding, Rule
from translators.refdata import read_table
from translators.plan import Prerequisite

TOOL_NAME = "eks-to-aks"
EFFORTS = ("low", "medium", "high")
#: The areas a catalogue rule may belong to (the seed's sections, plus ``cluster``).
AREAS = ("identity", "storage", "secrets", "ingress", "networking", "observability", "registry", "backup",
         "compute", "service mesh", "database", "ci/cd", "cluster", "preflight",
         "scheduling")
FORMATS = ("markdown", "sarif", "konveyor", "json")


@dataclass
class ReportInput:
    """Everything a report is rendered from.

    Attributes:
        findings: the analysis' findings (any order; renderers sort them).
        counts: ``{"translated": n, "passthrough": n, "dropped": n}`` objects, or ``{}`` for a
            cluster-only run.
        inputs: the input files/folders analysed, in command-line order (the first one, normally the
            eksctl ClusterConfig, locates estate-wide findings in SARIF and Konveyor output).
        tool_version: version written into SARIF/Konveyor/JSON.
        base_dir: directory that relative finding paths are relative to (normally the working
            directory). SARIF URIs are made relative to it (``uriBaseId`` ``%SRCROOT%``); Konveyor's
            ``file://`` URIs resolve against it. ``""``: the process' working directory for Konveyor,
            and absolute paths stay absolute ``file://`` URIs in SARIF.
        information_uri: the project's home page (absolute URL). When set, SARIF gets
            ``informationUri`` and per-rule ``helpUri`` (``<uri>/blob/main/docs/rules.md#<id>``), and
            Konveyor violations a link to the same place.
        prerequisites: operators and CRDs the estate's custom resources need on AKS, with how the stack
            provides them (``AksPlan.deploy.prerequisites``; the Markdown report's "Prerequisites" section).
    """

    findings: list[Finding]
    counts: dict[str, int]
    inputs: list[str]
    tool_version: str = "0.1.0"
    base_dir: str = ""
    information_uri: str = ""
    prerequisites: list[Prerequisite] = field(default_factory=list)
    #: per-workload deployability verdicts (``translators.plan.WorkloadVerdict``); empty: no verdict table
    verdicts: list[Any] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------

def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in report order: severity (high first), file, line, rule id, message."""
    return sorted(findings, key=Finding.sort_key)


def rule_catalogue() -> dict[str, Rule]:
    """The findings catalogue (looked up at call time, so tests can substitute one)."""
    return _findings.catalogue()


def rule_for(f: Finding) -> Rule:
    """The catalogue rule of ``f``; a stand-in built from the finding when its id is not catalogued."""
    rule = rule_catalogue().get(f.rule_id)
    if rule is not None:
        return rule
    return Rule(id=f.rule_id, title=f.rule_id, area=f.area, severity=f.severity, effort="low",
                remediation=f.remediation)


def rules_used(findings: list[Finding]) -> list[Rule]:
    """The distinct rules of ``findings``, sorted by id."""
    return sorted({f.rule_id: rule_for(f) for f in findings}.values(), key=lambda r: r.id)


def is_blocking(f: Finding) -> bool:
    """A finding blocks the migration when its rule is ``blocking: true`` or it is high severity."""
    rule = rule_for(f)
    return rule.blocking or f.severity == "high" or rule.severity == "high"


def max_effort(efforts: list[str]) -> str:
    """The highest of ``efforts`` (``low < medium < high``); ``""`` for none."""
    known = [e for e in efforts if e in EFFORTS]
    return max(known, key=EFFORTS.index) if known else ""


def worst_severity(severities: list[str]) -> str:
    """The most severe of ``severities`` (``high`` first)."""
    return min(severities, key=SEVERITIES.index)


def counts_total(counts: dict[str, int]) -> int:
    """Sum of the object counts."""
    return sum(int(v) for v in counts.values())


def fingerprint(f: Finding) -> str:
    """A stable id for ``f`` that ignores its line (so edits above it keep the same alert)."""
    return hashlib.sha256("\0".join((f.rule_id, f.file, f.message)).encode("utf-8")).hexdigest()[:32]


def _posix(path: str) -> str:
    return path.replace("\\", "/")


def estate_file(r: ReportInput) -> str:
    """Where estate-wide findings (``file == ""``) are located: the first input, or ``""``."""
    return r.inputs[0] if r.inputs else ""


def relative_uri(path: str, base_dir: str) -> tuple[str, bool]:
    """``(uri, relative)`` for SARIF: a relative, percent-encoded POSIX path when ``path`` is
    relative or lies below ``base_dir``; else an absolute ``file://`` URI."""
    p = _posix(path)
    base = _posix(base_dir).rstrip("/")
    if posixpath.isabs(p):
        if base and (p == base or p.startswith(base + "/")):
            p = posixpath.relpath(p, base)
        else:
            return file_uri(p, ""), False
    p = posixpath.normpath(p)
    if p.startswith("../") and base:
        return file_uri(p, base_dir), False
    return quote(p, safe="/"), True


def display_path(path: str, base_dir: str) -> str:
    """``path`` relative to ``base_dir`` when it lies below it (shorter, machine-independent), else as given."""
    p, base = _posix(path), _posix(base_dir).rstrip("/")
    if base and posixpath.isabs(p) and p.startswith(base + "/"):
        return posixpath.relpath(p, base)
    return path


def file_uri(path: str, base_dir: str) -> str:
    """``file:///abs/path`` for ``path`` (resolved against ``base_dir``, else the working directory)."""
    p = _posix(path)
    if not posixpath.isabs(p):
        p = posixpath.join(_posix(base_dir) if base_dir else _posix(os.getcwd()), p)
    p = posixpath.normpath(p)
    if not p.startswith("/"):  # a Windows drive path, C:/x
        p = "/" + p
    return "file://" + quote(p, safe="/:")


@dataclass(frozen=True)
class AreaRow:
    """One row of the per-estate quick-reference view.

    ``effort`` is the highest catalogue effort among the area's findings (``""`` when it has none);
    ``blocking`` is true when any of them is blocking (see :func:`is_blocking`). ``typical_*`` come from
    the seed's Quick Reference Table (empty for areas it does not list).
    """

    area: str
    category: str
    eks_component: str
    aks_equivalent: str
    typical_effort: str
    typical_effort_detail: str
    typical_blocking: str
    source: str
    findings: int = 0
    effort: str = ""
    blocking: bool = False
    blocking_rules: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {"area": self.area, "category": self.category, "eksComponent": self.eks_component,
                "aksEquivalent": self.aks_equivalent, "findings": self.findings, "effort": self.effort or None,
                "blocking": self.blocking, "blockingRules": list(self.blocking_rules),
                "typicalEffort": self.typical_effort or None, "typicalBlocking": self.typical_blocking or None}


@lru_cache(maxsize=1)
def quick_reference() -> tuple[dict[str, str], ...]:
    """Rows of ``data/quick_reference.csv`` in file order."""
    return tuple(read_table("quick_reference.csv"))


def area_rows(findings: list[Finding]) -> list[AreaRow]:
    """The quick-reference view filled from these findings.

    One row per area that has findings, plus every area of the seed's Quick Reference Table (shown
    with 0 findings). Order: the CSV's order, then other areas alphabetically.
    """
    by_area: dict[str, list[Finding]] = {}
    for f in findings:
        by_area.setdefault(f.area, []).append(f)
    ref = {row["area"]: row for row in quick_reference()}
    order = [row["area"] for row in quick_reference()]
    shown = [a for a in order if a in by_area or ref[a]["source"] == "quick-reference-table"]
    shown += sorted(a for a in by_area if a not in ref)
    rows = []
    for area in shown:
        row = ref.get(area, {})
        fs = by_area.get(area, [])
        blockers = tuple(sorted({f.rule_id for f in fs if is_blocking(f)}))
        rows.append(AreaRow(
            area=area, category=row.get("category", area), eks_component=row.get("eks_component", ""),
            aks_equivalent=row.get("aks_equivalent", ""), typical_effort=row.get("typical_effort", ""),
            typical_effort_detail=row.get("typical_effort_detail", ""),
            typical_blocking=row.get("typical_blocking", ""), source=row.get("source", ""),
            findings=len(fs), effort=max_effort([rule_for(f).effort for f in fs]),
            blocking=bool(blockers), blocking_rules=blockers))
    return rows


def render(r: ReportInput, fmt: str) -> str:
    """The report as file text: ``markdown``; ``sarif`` and ``json`` as indented JSON with sorted keys;
    ``konveyor`` as the analyzer's ``output.yaml``. Always ends with a newline.

    Raises:
        ValueError: unknown ``fmt``.
    """
    if fmt == "markdown":
        return to_markdown(r)
    if fmt in ("sarif", "json"):
        doc = to_sarif(r) if fmt == "sarif" else to_json(r)
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "konveyor":
        import yaml

        return yaml.safe_dump(to_konveyor(r), sort_keys=False, allow_unicode=True, default_flow_style=False,
                              width=1000)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


RENDERERS: dict[str, Callable[[ReportInput], Any]]

from translators.reports.formats.jsonreport import to_json  # noqa: E402  (the submodules import ReportInput from above)
from translators.reports.formats.konveyor import to_konveyor  # noqa: E402
from translators.reports.formats.markdown import rules_markdown, to_markdown  # noqa: E402
from translators.reports.formats.sarif import to_sarif  # noqa: E402

RENDERERS = {"markdown": to_markdown, "sarif": to_sarif, "konveyor": to_konveyor, "json": to_json}

__all__ = ["AREAS", "FORMATS", "RENDERERS", "ReportInput", "AreaRow", "area_rows", "render", "rules_markdown",
           "to_json", "to_konveyor", "to_markdown", "to_sarif"]
