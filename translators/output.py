"""Writing the translated estate for GitOps users: one YAML file per object, plus the report.

Files are named ``NNN-<kind>-<namespace>-<name>.yaml`` in the order they are applied
(Namespaces and CRDs first). Kubernetes ``Secret`` values are never written: keys are
kept with empty values and the annotation ``eks-to-aks.io/values-redacted: "true"``;
move the values to Key Vault (see the findings) or create the Secrets out of band.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from .plan import AksPlan
from .report import render_findings

REDACTED = "eks-to-aks.io/values-redacted"


def redact_secret(manifest: dict[str, Any]) -> dict[str, Any]:
    """A copy of a ``v1/Secret`` with every ``data``/``stringData`` value emptied (keys kept)."""
    out = copy.deepcopy(manifest)
    for key in ("data", "stringData"):
        if isinstance(out.get(key), dict):
            out[key] = {k: "" for k in out[key]}
    md = out.setdefault("metadata", {})
    md.setdefault("annotations", {})[REDACTED] = "true"
    return out


def file_name(index: int, manifest: dict[str, Any]) -> str:
    """``007-deployment-shop-catalog-api.yaml``: apply order, kind, namespace, name (filesystem-safe)."""
    md = manifest.get("metadata") or {}
    parts = [str(manifest.get("kind", "object")), str(md.get("namespace") or ""), str(md.get("name") or "")]
    stem = "-".join(re.sub(r"[^a-z0-9.-]+", "-", p.lower()).strip("-") for p in parts if p)
    return f"{index:03d}-{stem}.yaml"


def write_translation(plan: AksPlan, out: Path) -> int:
    """Write every emitted object and ``report.txt`` / ``findings.json`` under ``out``; returns the file count."""
    out.mkdir(parents=True, exist_ok=True)
    objects = plan.workloads.objects if plan.workloads else []
    n = 0
    for i, manifest in enumerate(objects, start=1):
        if manifest.get("kind") == "Secret" and manifest.get("apiVersion") == "v1":
            manifest = redact_secret(manifest)
        (out / file_name(i, manifest)).write_text(
            yaml.safe_dump(manifest, sort_keys=False, default_flow_style=False, allow_unicode=True), encoding="utf-8")
        n += 1
    (out / "report.txt").write_text(render_findings(plan.findings) + "\n", encoding="utf-8")
    counts = plan.workloads.counts if plan.workloads else {}
    (out / "findings.json").write_text(json.dumps({"counts": counts, "findings": [f.as_json() for f in plan.findings]},
                                                  indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return n + 2
