"""Writing the translated estate for GitOps users: one YAML file per object, plus the report.

Files are named ``NNN-<kind>-<namespace>-<name>.yaml`` in the order they are applied
(Namespaces and CRDs first). Kubernetes ``Secret`` values are never written: keys are
kept with empty values and the annotation ``eks-to-aks.io/values-redacted: "true"``;
move the values to Key Vault (see the findings) or create the Secrets out of band. Secret-looking values in
plain fields (``translators.checks.plain_secrets``) are emptied the same way.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from translators.checks.plain_secrets import redacted

from .plan import AksPlan
from .report import render_findings

REDACTED = "eks-to-aks.io/values-redacted"


def redact_secret(manifest: dict[str, Any]) -> dict[str, Any]:
    """A copy of a ``v1/Secret`` with every ``data``/``stringData`` value emptied (keys kept); any other field
    holding values (``binaryData``, see ``translators.secrets.secret_value_fields``) emptied too."""
    from .secrets import secret_value_fields

    out = copy.deepcopy(manifest)
    for key in secret_value_fields(out):
        out[key] = {k: "" for k in out[key]} if isinstance(out[key], dict) else ""
    md = out.setdefault("metadata", {})
    md.setdefault("annotations", {})[REDACTED] = "true"
    return out


def file_name(index: int, manifest: dict[str, Any]) -> str:
    """``007-deployment-shop-catalog-api.yaml``: apply order, kind, namespace, name (filesystem-safe)."""
    md = manifest.get("metadata") or {}
    parts = [str(manifest.get("kind", "object")), str(md.get("namespace") or ""), str(md.get("name") or "")]
    stem = "-".join(re.sub(r"[^a-z0-9.-]+", "-", p.lower()).strip("-") for p in parts if p)
    return f"{index:03d}-{stem}.yaml"


def migration_artefacts(plan: AksPlan) -> dict[str, str]:
    """Side files for the data and image moves, by file name (empty when there is nothing to move).

    * ``image-copy-plan.sh``: ``az acr import`` per ECR (or mirrored) image;
    * ``velero-change-image-name.yaml``: Velero's RestoreItemAction ConfigMap for image prefixes;
    * ``velero-change-storage-class.yaml``: Velero's ConfigMap for renamed StorageClasses (only if one changes);
    * ``secrets-migration.sh``: one command per secret, copying the value without printing it.
    """
    wl = plan.workloads
    if wl is None:
        return {}
    from .registry_images import image_copy_plan, velero_image_configmap
    from .storage import storage_class_mapping, velero_storage_class_configmap

    opts = wl.context.options
    files: dict[str, str] = {}
    pairs = sorted((opts.get("imageCopyPlan") or {}).items())
    if pairs:
        lines = ["#!/usr/bin/env bash", "# Copy every image the manifests now pull from ACR (az login + aws credentials).",
                 "set -euo pipefail"]
        lines += [f"# {c['source']} -> {c['target']}\n{c['command']}" for c in image_copy_plan(pairs)]
        files["image-copy-plan.sh"] = "\n".join(lines) + "\n"
        files["velero-change-image-name.yaml"] = yaml.safe_dump(velero_image_configmap(pairs), sort_keys=False)
    renamed = {k: v for k, v in storage_class_mapping(wl.context).items() if k != v}
    if renamed:
        files["velero-change-storage-class.yaml"] = yaml.safe_dump(velero_storage_class_configmap(renamed),
                                                                   sort_keys=False)
    moves = opts.get("secretsMigration") or []
    if moves:
        lines = ["#!/usr/bin/env bash", "# Copy each AWS secret into Key Vault; values are never printed.",
                 "set -euo pipefail"]
        lines += [f"# {m['awsName']}{' [' + m['jsonKey'] + ']' if m.get('jsonKey') else ''} -> {m['keyVaultName']}"
                  f"\n{m['command']}" for m in moves]
        files["secrets-migration.sh"] = "\n".join(lines) + "\n"
    return files


def write_translation(plan: AksPlan, out: Path) -> int:
    """Write every emitted object, the migration side files (:func:`migration_artefacts`) and
    ``report.txt`` / ``findings.json`` under ``out``; returns the file count."""
    out.mkdir(parents=True, exist_ok=True)
    objects = plan.workloads.objects if plan.workloads else []
    n = 0
    for i, manifest in enumerate(objects, start=1):
        if manifest.get("kind") == "Secret" and manifest.get("apiVersion") == "v1":
            manifest = redact_secret(manifest)
        manifest = redacted(manifest)  # secret-looking values in plain fields (env, args, ConfigMaps, annotations)
        (out / file_name(i, manifest)).write_text(
            yaml.safe_dump(manifest, sort_keys=False, default_flow_style=False, allow_unicode=True), encoding="utf-8")
        n += 1
    extras = migration_artefacts(plan)
    for fname, text in extras.items():
        (out / fname).write_text(text, encoding="utf-8")
    n += len(extras)
    (out / "report.txt").write_text(render_findings(plan.findings) + "\n", encoding="utf-8")
    counts = plan.workloads.counts if plan.workloads else {}
    (out / "findings.json").write_text(json.dumps({"counts": counts, "findings": [f.as_json() for f in plan.findings]},
                                                  indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return n + 2
