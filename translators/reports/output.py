"""Writing the translated estate for GitOps users: one YAML file per object, plus the report.

Files are named ``NNN-<kind>-<namespace>-<name>.yaml`` in the order they are applied
(Namespaces and CRDs first). Kubernetes ``Secret`` values are never written: keys are
kept with empty values and the annotation ``eks-to-aks.io/values-redacted: "true"``;
move the values to Key Vault (see the findings) or create the Secrets out of band. Secret-looking values in
plain fields (:mod:`translators.secrets.plain`) are emptied the same way.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from translators.plan import AksPlan, SecretMigration
from translators.reports.text import render_findings

REDACTED = "eks-to-aks.io/values-redacted"


def redact_secret(manifest: dict[str, Any]) -> dict[str, Any]:
    """A copy of a ``v1/Secret`` with every ``data``/``stringData`` value emptied (keys kept); any other field
    holding values (``binaryData``, see :func:`translators.secrets.translate.secret_value_fields`) emptied too."""
    from translators.secrets.translate import secret_value_fields

    out = copy.deepcopy(manifest)
    for key in secret_value_fields(out):
        out[key] = {k: "" for k in out[key]} if isinstance(out[key], dict) else ""
    md = out.setdefault("metadata", {})
    md.setdefault("annotations", {})[REDACTED] = "true"
    return out


STEM_MAX = 200  # characters of kind-namespace-name kept in a file name (file systems allow 255 bytes)


def file_name(index: int, manifest: dict[str, Any]) -> str:
    """``007-deployment-shop-catalog-api.yaml``: apply order, kind, namespace, name (filesystem-safe).

    A stem longer than :data:`STEM_MAX` characters (a 253-character object name) is cut and ends with
    8 hex digits of its sha256 digest, so the name stays under the file systems' 255-byte limit.
    """
    md = manifest.get("metadata") or {}
    parts = [str(manifest.get("kind", "object")), str(md.get("namespace") or ""), str(md.get("name") or "")]
    stem = "-".join(re.sub(r"[^a-z0-9.-]+", "-", p.lower()).strip("-") for p in parts if p) or "object"
    if len(stem) > STEM_MAX:
        stem = stem[:STEM_MAX - 9] + "-" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
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
    from translators.registry.images import image_copy_plan, velero_image_configmap
    from translators.reports.shell import script
    from translators.storage.translate import storage_class_mapping, velero_storage_class_configmap

    files: dict[str, str] = {}
    pairs = sorted(wl.image_copy.items())
    if pairs:
        files["image-copy-plan.sh"] = script(
            "Copy every image the manifests now pull from ACR (az login + aws credentials).",
            [(f"{c['source']} -> {c['target']}", c["command"]) for c in image_copy_plan(pairs)])
        files["velero-change-image-name.yaml"] = yaml.safe_dump(velero_image_configmap(pairs), sort_keys=False)
    renamed = {k: v for k, v in storage_class_mapping(wl.context).items() if k != v}
    if renamed:
        files["velero-change-storage-class.yaml"] = yaml.safe_dump(velero_storage_class_configmap(renamed),
                                                                   sort_keys=False)
    moves = wl.secrets_migration
    if moves:
        files["secrets-migration.sh"] = script(
            "Copy each AWS secret into Key Vault; values are never printed.",
            [(_migration_title(m), m["command"]) for m in moves])
    return files


def _migration_title(m: SecretMigration) -> str:
    json_key = m.get("jsonKey")
    return f"{m['awsName']}{' [' + json_key + ']' if json_key else ''} -> {m['keyVaultName']}"


def translation_files(plan: AksPlan, stack_outputs: dict[str, str] | None = None) -> dict[str, str]:
    """``{file name: text}`` of every emitted object, the migration side files (:func:`migration_artefacts`),
    ``report.txt`` and ``findings.json`` (what :func:`write_translation` writes).

    ``stack_outputs``: placeholder values from ``pulumi stack output --json``
    (:func:`translators.reports.gitops.read_stack_outputs`), filled into the written manifests. Docker config
    pull secrets are not written (emptied, the API server would reject them); the report lists them, the
    Secret values to supply and the placeholders left (:mod:`translators.reports.gitops`).
    """
    from translators.reports.gitops import fill_placeholders, gitops_findings, render_section, skipped_pull_secret
    from translators.secrets.plain import redacted

    objects = plan.workloads.objects if plan.workloads else []
    files: dict[str, str] = {}
    extra: list = []
    written: list[dict[str, Any]] = []
    n = 0
    for manifest in objects:
        skipped = skipped_pull_secret(manifest)
        if skipped is not None:
            extra.append(skipped)
            continue
        if manifest.get("kind") == "Secret" and manifest.get("apiVersion") == "v1":
            manifest = redact_secret(manifest)
        manifest = redacted(manifest)  # secret-looking values in plain fields (env, args, ConfigMaps, annotations)
        if stack_outputs:
            manifest = fill_placeholders(manifest, stack_outputs)
        n += 1
        files[file_name(n, manifest)] = yaml.safe_dump(manifest, sort_keys=False, default_flow_style=False,
                                                       allow_unicode=True)
        written.append(manifest)
    files.update(migration_artefacts(plan))
    extra += gitops_findings(written)
    findings = sorted([*plan.findings, *extra], key=lambda f: f.sort_key())
    files["report.txt"] = render_findings(findings) + "\n" + render_section(extra)
    counts = plan.workloads.counts if plan.workloads else {}
    files["findings.json"] = json.dumps({"counts": counts, "findings": [f.as_json() for f in findings]},
                                        indent=2, sort_keys=True) + "\n"
    return files


def write_translation(plan: AksPlan, out: Path, stack_outputs: dict[str, str] | None = None,
                      force: bool = False) -> int:
    """Write :func:`translation_files` under ``out`` (a tool-owned folder: see
    :mod:`translators.reports.outdir`, which also removes the previous run's stale files); returns the
    file count.

    Raises:
        translators.reports.outdir.OutputError: ``out`` is refused or a write failed (nothing partial left).
    """
    from translators.reports.outdir import write_output_folder

    files = translation_files(plan, stack_outputs)
    write_output_folder(out, files, force)
    return len(files)
