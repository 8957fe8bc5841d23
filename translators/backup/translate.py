"""Velero with the AWS plugin (S3 + EBS snapshots) → Velero with the Azure plugin (Blob + managed disks).

Translators (contract in :mod:`translators.k8s`), in :data:`BACKUP_TRANSLATORS`:

* ``BackupStorageLocation`` (``velero.io/v1``) of provider ``aws`` / ``velero.io/aws`` → provider
  ``azure`` / ``velero.io/azure`` with ``config`` {resourceGroup, storageAccount, subscriptionId, useAAD};
  the bucket becomes a valid blob container name, the prefix is kept; AWS-only config keys
  (``data/backup_velero_config.csv``) and ``credential`` → findings.
* ``VolumeSnapshotLocation`` of provider aws → azure with {resourceGroup, subscriptionId, incremental}.
* ``Backup`` / ``Schedule`` / ``Restore`` → passthrough (portable); a finding when they rely on EBS
  snapshots of an AWS snapshot location.
* Velero's Deployment / node-agent DaemonSet with the AWS plugin → the Azure plugin image (same tag) and
  ``AZURE_CREDENTIALS_FILE``.

Values come from ``ctx.options["velero"]`` (``resourceGroup``, ``storageAccount``, ``subscriptionId``,
``useAAD``, ``incremental``) or ``${VELERO_*}`` placeholders. :func:`prepare` records the AWS snapshot
locations (``ctx.indexes["veleroIndex"]``) so backups are judged regardless of input order.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from collections.abc import Iterable

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, estate_indexer, handles
from translators.podspec import POD_KINDS, containers
from translators.refdata import read_table
from translators.shapes import as_dict

INDEX_KEY = "veleroIndex"
GROUP = "velero.io"
PROVIDERS = {"aws": "azure", "velero.io/aws": "velero.io/azure"}
DEFAULTS = {"resourceGroup": "${VELERO_RESOURCE_GROUP}", "storageAccount": "${VELERO_STORAGE_ACCOUNT}",
            "subscriptionId": "${VELERO_SUBSCRIPTION_ID}", "useAAD": "true", "incremental": "true"}
BSL_KEYS = ("resourceGroup", "storageAccount", "subscriptionId", "useAAD")
VSL_KEYS = ("resourceGroup", "subscriptionId", "incremental")
AWS_PLUGIN = re.compile(r"velero-plugin-for-aws(?=[:@]|$)")
AZURE_PLUGIN = "velero-plugin-for-microsoft-azure"
VELERO_IMAGE = re.compile(r"(^|/)velero/velero([:@]|$)")
CREDENTIALS_ENV = ("AWS_SHARED_CREDENTIALS_FILE", "AZURE_CREDENTIALS_FILE")


@lru_cache(maxsize=1)
def config_keys() -> dict[tuple[str, str], dict[str, str]]:
    """``(kind or "*", aws key or "*")`` → row of ``data/backup_velero_config.csv``."""
    return {(r["kind"], r["aws_key"]): r for r in read_table("backup_velero_config.csv")}


def _config_row(kind: str, key: str) -> dict[str, str]:
    t = config_keys()
    return t.get((kind, key)) or t.get(("*", key)) or t[("*", "*")]


def velero_settings(ctx: WorkloadContext) -> dict[str, str]:
    """Azure plugin values: ``ctx.options["velero"]`` over the ``${VELERO_*}`` placeholders."""
    return {**DEFAULTS, **{k: str(v).lower() if isinstance(v, bool) else str(v)
                           for k, v in (ctx.options.get("velero") or {}).items()}}


def velero_plugin_configmap(name: str, plugin: str, data: dict[str, str]) -> dict[str, Any]:
    """A ConfigMap configuring one of Velero's restore item action plugins in namespace ``velero``: labels
    ``velero.io/plugin-config`` and ``velero.io/<plugin>: RestoreItemAction`` (velero.io docs, restore reference:
    "Changing PV/PVC Storage Classes", "Changing image repositories"), with ``data`` as given."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "velero",
                     "labels": {"velero.io/plugin-config": "", f"velero.io/{plugin}": "RestoreItemAction"}},
        "data": data,
    }


def container_name(bucket: str) -> str:
    """An S3 bucket name as an Azure blob container name (3-63 of ``a-z0-9-``, no leading, trailing or
    doubled hyphens): ``Prod.Velero_Backups`` → ``prod-velero-backups``."""
    name = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", bucket.lower())).strip("-")[:63].rstrip("-")
    return name if len(name) >= 3 else f"velero-{name}".rstrip("-")


def _is_aws(obj: K8sObject, kind: str) -> bool:
    return (obj.group == GROUP and obj.kind == kind
            and isinstance(obj.obj.get("spec"), dict) and str(obj.obj["spec"].get("provider", "")).lower() in PROVIDERS)


def index_velero(objects: Iterable[K8sObject]) -> dict[str, Any]:
    """``{"complete": True, "awsSnapshotLocations": [names]}`` for ``objects``."""
    return {"complete": True,
            "awsSnapshotLocations": sorted({o.name for o in objects if _is_aws(o, "VolumeSnapshotLocation")})}


prepare, _index = estate_indexer(INDEX_KEY, index_velero, lambda: {"complete": False, "awsSnapshotLocations": []})


def _location(obj: K8sObject, ctx: WorkloadContext, keys: tuple[str, ...]) -> tuple[dict[str, Any], Findings]:
    """Shared part of both locations: provider, Azure config, dropped AWS keys and credential."""
    new, findings, settings = obj.copy(), Findings(), velero_settings(ctx)
    spec = new["spec"]
    spec["provider"] = PROVIDERS[str(spec["provider"]).lower()]
    old = as_dict(spec.get("config"))
    spec["config"] = {k: settings[k] for k in keys}
    for key in old:
        row = _config_row(obj.kind, str(key))
        add_finding(findings, row["rule"], f"{obj.ref()}: config {key} dropped ({row['note']})",
                    obj, "spec", "config", key)
    if "credential" in spec:
        cred = spec.pop("credential")
        cred = cred if isinstance(cred, dict) else {}
        add_finding(findings, "BAK-006", f"{obj.ref()}: credential Secret {cred.get('name')} (key {cred.get('key')}) "
                    "holds AWS credentials; dropped", obj, "spec", "credential")
    return new, findings


@handles("BackupStorageLocation")
def translate_backup_storage_location(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Velero ``BackupStorageLocation`` on S3 → Azure Blob Storage."""
    if not _is_aws(obj, "BackupStorageLocation"):
        return None
    new, findings = _location(obj, ctx, BSL_KEYS)
    if not isinstance(new["spec"].get("objectStorage"), dict):
        new["spec"]["objectStorage"] = {}
    store = new["spec"]["objectStorage"]
    bucket = str(store.get("bucket", ""))
    store["bucket"] = container_name(bucket or "velero")
    if store["bucket"] != bucket:
        add_finding(findings, "BAK-002", f"{obj.ref()}: bucket {bucket!r} → blob container {store['bucket']}",
                    obj, "spec", "objectStorage", "bucket")
    cfg = new["spec"]["config"]
    findings.insert(0, _finding(obj, "BAK-001", f"{obj.ref()}: provider {obj.obj['spec']['provider']} → "
                                f"{new['spec']['provider']}, container {store['bucket']}"
                                f"{'/' + str(store['prefix']) if store.get('prefix') else ''} in storage account "
                                f"{cfg['storageAccount']} (resource group {cfg['resourceGroup']})"))
    return Translation("translated", [new], findings)


def _finding(obj: K8sObject, rule: str, message: str) -> Any:
    """A finding at ``spec.provider``, for putting the headline first."""
    return add_finding(Findings(), rule, message, obj, "spec", "provider")


@handles("VolumeSnapshotLocation")
def translate_volume_snapshot_location(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Velero ``VolumeSnapshotLocation`` on EBS → Azure managed-disk snapshots."""
    if not _is_aws(obj, "VolumeSnapshotLocation"):
        return None
    idx = _index(ctx)
    if obj.name not in idx["awsSnapshotLocations"]:
        idx["awsSnapshotLocations"].append(obj.name)
    new, findings = _location(obj, ctx, VSL_KEYS)
    cfg = new["spec"]["config"]
    findings.insert(0, _finding(obj, "BAK-007", f"{obj.ref()}: provider {obj.obj['spec']['provider']} → "
                                f"{new['spec']['provider']}, snapshots in resource group {cfg['resourceGroup']}; "
                                f"existing EBS snapshots cannot be restored on AKS"))
    return Translation("translated", [new], findings)


@handles("Backup", "Schedule", "Restore")
def translate_backup_objects(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Velero ``Backup`` / ``Schedule`` / ``Restore`` → passthrough, noting reliance on EBS snapshots."""
    if obj.group != GROUP or obj.kind not in ("Backup", "Schedule", "Restore"):
        return None
    spec = as_dict(obj.obj.get("spec"))
    base: tuple = ("spec",)
    if obj.kind == "Schedule":
        spec, base = (as_dict(spec.get("template"))), ("spec", "template")
    aws = _index(ctx)["awsSnapshotLocations"]
    findings = Findings()
    if obj.kind == "Restore":
        if aws and spec.get("restorePVs") is not False:
            add_finding(findings, "BAK-008", f"{obj.ref()}: restores backup "
                        f"{spec.get('backupName') or spec.get('scheduleName')}; volumes in EBS snapshots "
                        f"({', '.join(aws)}) cannot be restored on AKS", obj, *base)
    else:
        vsls = spec.get("volumeSnapshotLocations")
        used = [str(n) for n in vsls if n] if isinstance(vsls, list) and vsls else aws
        if (spec.get("snapshotVolumes") is not False and not spec.get("defaultVolumesToFsBackup")
                and set(used) & set(aws)):
            add_finding(findings, "BAK-008", f"{obj.ref()}: snapshots volumes with AWS location(s) "
                        f"{', '.join(sorted(set(used) & set(aws)))}", obj, *base)
    return Translation("passthrough", [obj.obj], findings)


def _velero_aws(c: dict[str, Any]) -> bool:
    return bool(AWS_PLUGIN.search(str(c.get("image", "")))) or (
        VELERO_IMAGE.search(str(c.get("image", ""))) is not None
        and any(isinstance(e, dict) and e.get("name") == CREDENTIALS_ENV[0] for e in c.get("env") or []))


@handles(*POD_KINDS)
def translate_velero_server(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Velero Deployment / node-agent set up for AWS → the Azure plugin and credentials variable."""
    if not any(_velero_aws(c) for _, c in containers(obj.obj)):
        return None
    new, findings = obj.copy(), Findings()
    for path, c in containers(new):
        image = str(c.get("image", ""))
        if AWS_PLUGIN.search(image):
            c["image"] = AWS_PLUGIN.sub(AZURE_PLUGIN, image)
            add_finding(findings, "BAK-009", f"{obj.ref()}: plugin {image} → {c['image']}", obj, *path, "image")
        for i, e in enumerate(c.get("env") or []):
            if isinstance(e, dict) and e.get("name") == CREDENTIALS_ENV[0]:
                e["name"] = CREDENTIALS_ENV[1]
                add_finding(findings, "BAK-009", f"{obj.ref()}: {CREDENTIALS_ENV[0]} → {CREDENTIALS_ENV[1]}; the "
                            f"credentials file must hold Azure settings", obj, *path, "env", i)
    return Translation("translated", [new], findings)


BACKUP_TRANSLATORS: list[Translator] = [
    translate_backup_storage_location,
    translate_volume_snapshot_location,
    translate_backup_objects,
    translate_velero_server,
]
