"""Plain-text rendering of the offline plan: a ``pulumi preview``-style resource tree and findings.

Pure formatting over plain data (no Pulumi import): ``resources`` are dicts with
``type``, ``name``, ``parent`` (logical name of the parent, ``""`` for the stack) and
``parentType`` (type token of the parent).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any
from collections.abc import Iterable

from translators.findings import SEVERITIES, Finding


def render_tree(resources: list[dict[str, Any]], project: str, stack: str) -> str:
    """The resource tree with ``+`` create markers, as ``pulumi preview`` prints it."""
    children: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in resources:
        children[(r.get("parentType", "pulumi:pulumi:Stack"), r["parent"])].append(r)
    width = max([len(r["type"]) for r in resources] + [20]) + 8
    lines = [f"Previewing update ({stack}):", "",
             f"     {'Type':<{width}} {'Name':<24} Plan",
             f" +   {'pulumi:pulumi:Stack':<{width}} {project + '-' + stack:<24} create"]

    def walk(parent: tuple[str, str], prefix: str) -> None:
        kids = children.get(parent, [])
        for i, r in enumerate(kids):
            last = i == len(kids) - 1
            branch = ("└─ " if last else "├─ ")
            label = prefix + branch + r["type"]
            lines.append(f" +   {label:<{width}} {r['name']:<24} create")
            walk((r["type"], r["name"]), prefix + ("   " if last else "│  "))

    walk(("pulumi:pulumi:Stack", ""), "")
    lines += ["", "Resources:", f"    + {len(resources) + 1} to create"]
    return "\n".join(lines)


def render_findings(findings: Iterable[Finding]) -> str:
    """Findings grouped by severity (high first), each with file:line, message and remediation."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.severity].append(f)
    total = sum(len(v) for v in groups.values())
    lines = [f"Findings: {total} (" + ", ".join(f"{len(groups[s])} {s}" for s in SEVERITIES) + ")"]
    for sev in SEVERITIES:
        if not groups[sev]:
            continue
        lines += ["", f"{sev.upper()} ({len(groups[sev])})"]
        for f in groups[sev]:
            where = f"{f.file}:{f.line}" if f.line else f.file or "(estate)"
            lines.append(f"  [{f.rule_id}] {where}")
            lines.append(f"      {f.message}")
            if sev in ("high", "medium"):
                lines.append(f"      fix: {f.remediation}")
    return "\n".join(lines)
