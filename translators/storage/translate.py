"""Persistent storage: EBS / EFS / FSx / Mountpoint for S3 → Azure Disk, Azure Files, Blob.

Translators (contract in :mod:`translators.k8s`), in :data:`STORAGE_TRANSLATORS`:

* ``StorageClass`` of ``ebs.csi.aws.com`` or in-tree ``kubernetes.io/aws-ebs`` →
  ``disk.csi.azure.com`` (tier table, IOPS/MB/s, zones, encryption:
  :mod:`translators.storage.disk`); of ``efs.csi.aws.com`` → ``file.csi.azure.com``
  NFS on Premium (:mod:`translators.storage.files`); FSx and Mountpoint for S3 → dropped.
  Class names are kept, so claims and ``volumeClaimTemplates`` need no change.
* ``PersistentVolume`` bound to an EBS volume, EFS file system, FSx or S3 → dropped
  with the data-migration path.
* ``PersistentVolumeClaim`` / ``StatefulSet`` using a translated class → passthrough, or
  translated when an Azure Files request is raised to the 100 GiB Premium minimum or a
  binding to a dropped volume is removed.
* ``VolumeSnapshotClass`` of ``ebs.csi.aws.com`` → ``disk.csi.azure.com`` (incremental
  snapshots); ``VolumeSnapshotContent`` of EBS snapshots → dropped;
  ``VolumeAttributesClass`` of ``ebs.csi.aws.com`` → ``disk.csi.azure.com``.

Cross-object knowledge (which classes are translated and of which family, dropped
volumes and snapshot contents, the smallest claim per class in GiB) lives in a
JSON-safe index at ``ctx.indexes["storageIndex"]``. Call :func:`prepare` with
every input object before translating so results do not depend on input order;
without it the index fills in as StorageClasses and PersistentVolumes go by.
"""
from __future__ import annotations

import re
from typing import Any
from collections.abc import Iterable

from translators.backup.translate import velero_plugin_configmap
from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, estate_indexer, handles
from translators.storage.disk import AZURE_DISK_DRIVER, translate_ebs_attributes_class, translate_ebs_class
from translators.storage.files import (aws_drivers, aws_volume, drop_aws_class, drop_aws_volume, min_share_gib,
                            translate_efs_class)

INDEX_KEY = "storageIndex"
#: classes EKS creates in every cluster (EKS user guide, "Storage classes"): manifests rarely define them.
EKS_PREINSTALLED_CLASSES = ("gp2",)
DEFAULT_CLASS_ANNOTATIONS = ("storageclass.kubernetes.io/is-default-class",
                             "storageclass.beta.kubernetes.io/is-default-class")
#: Velero's storage-class mapping ConfigMap (velero.io docs, restore reference "Changing PV/PVC Storage Classes").
VELERO_CONFIGMAP_NAME = "change-storage-class-config"
_QUANTITY = re.compile(r"^([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$")
_FACTOR = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
           "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}


def quantity_gib(value: Any) -> float | None:
    """A Kubernetes quantity (``5Gi``, ``100G``, ``1.5Ti``, ``1e9``) in GiB; ``None`` if unparsable."""
    m = _QUANTITY.match(str(value).strip())
    return float(m.group(1)) * _FACTOR[m.group(2)] / 2**30 if m else None


def _empty_index(complete: bool) -> dict[str, Any]:
    return {"complete": complete, "classes": {}, "allClasses": {}, "droppedVolumes": {},
            "claimMinGiB": {}, "droppedSnapshotContents": {}}


def _claim_class(manifest: dict[str, Any]) -> str | None:
    spec = manifest.get("spec") or {}
    cls = spec.get("storageClassName")
    if cls is None:
        cls = ((manifest.get("metadata") or {}).get("annotations") or {}).get(
            "volume.beta.kubernetes.io/storage-class")
    return str(cls) if cls is not None else None


def _claim_templates(obj: K8sObject) -> list[tuple[tuple, dict[str, Any]]]:
    """``(path, claim)`` for a PVC itself or each StatefulSet ``volumeClaimTemplates`` entry."""
    if obj.kind == "PersistentVolumeClaim":
        return [((), obj.obj)]
    if obj.kind == "StatefulSet":
        vcts = (obj.obj.get("spec") or {}).get("volumeClaimTemplates") or []
        return [(("spec", "volumeClaimTemplates", i), t) for i, t in enumerate(vcts) if isinstance(t, dict)]
    return []


def _register(idx: dict[str, Any], obj: K8sObject) -> None:
    if obj.kind == "StorageClass":
        prov = str(obj.obj.get("provisioner", ""))
        idx["allClasses"][obj.name] = prov
        drv = aws_drivers().get(prov)
        if drv and drv.family in ("ebs", "efs"):
            idx["classes"][obj.name] = drv.family
    elif obj.kind == "PersistentVolume":
        vol = aws_volume(obj)
        if vol:
            idx["droppedVolumes"][obj.name] = vol.kind
    elif obj.kind == "VolumeSnapshotContent":
        drv = str((obj.obj.get("spec") or {}).get("driver", ""))
        if drv in aws_drivers():
            idx["droppedSnapshotContents"][obj.name] = drv
    for _, claim in _claim_templates(obj):
        cls = _claim_class(claim)
        resources = (claim.get("spec") or {}).get("resources") or {}
        gib = quantity_gib((resources.get("requests") or {}).get("storage"))
        if cls and gib is not None:
            prev = idx["claimMinGiB"].get(cls)
            idx["claimMinGiB"][cls] = gib if prev is None else min(prev, gib)


def index_storage(objects: Iterable[K8sObject]) -> dict[str, Any]:
    """The complete storage index of ``objects`` (see module docstring)."""
    idx = _empty_index(True)
    for o in objects:
        _register(idx, o)
    return idx


prepare, _index = estate_indexer(INDEX_KEY, index_storage, lambda: _empty_index(False))


@handles("StorageClass")
def translate_storage_class(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """StorageClass of an AWS provisioner → Azure Disk / Azure Files class, or dropped (FSx, S3)."""
    if obj.kind != "StorageClass":
        return None
    drv = aws_drivers().get(str(obj.obj.get("provisioner", "")))
    if drv is None:
        return None
    idx = _index(ctx)
    _register(idx, obj)
    findings = Findings()
    if drv.family == "ebs":
        new = translate_ebs_class(obj, ctx, findings, idx["claimMinGiB"].get(obj.name))
    elif drv.family == "efs":
        new = translate_efs_class(obj, ctx, findings)
    else:
        drop_aws_class(obj, drv, ctx, findings)
        return Translation("dropped", [], findings)
    annotations = obj.metadata.get("annotations") or {}
    for key in DEFAULT_CLASS_ANNOTATIONS:
        if str(annotations.get(key, "")).lower() == "true":
            add_finding(findings, "STO-017", f"StorageClass {obj.name} is marked default; AKS's built-in class "
                        "'default' is default too", obj, "metadata", "annotations", key)
    return Translation("translated", [new], findings)


@handles("PersistentVolume")
def translate_persistent_volume(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """PersistentVolume bound to AWS storage (EBS, EFS, FSx, S3) → dropped with the migration path."""
    if obj.kind != "PersistentVolume":
        return None
    vol = aws_volume(obj)
    if vol is None:
        return None
    idx = _index(ctx)
    _register(idx, obj)
    cls = (obj.obj.get("spec") or {}).get("storageClassName")
    findings = Findings()
    drop_aws_volume(obj, vol, ctx, findings, cls if cls in idx["classes"] else None)
    return Translation("dropped", [], findings)


def _bump(manifest: dict[str, Any], path: tuple, obj: K8sObject, min_gib: int, findings: Findings) -> bool:
    """Raise ``<path>.spec.resources.requests.storage`` to ``min_gib`` GiB if below it."""
    claim = manifest
    for p in path:
        claim = claim[p]
    req = (((claim.get("spec") or {}).get("resources") or {}).get("requests") or {})
    gib = quantity_gib(req.get("storage"))
    if gib is None or gib >= min_gib:
        return False
    add_finding(findings, "STO-012", f"{obj.ref()}: request {req['storage']} raised to {min_gib}Gi (Azure Files "
                f"Premium minimum share size)", obj, *path, "spec", "resources", "requests", "storage")
    req["storage"] = f"{min_gib}Gi"
    return True


@handles("PersistentVolumeClaim", "StatefulSet")
def translate_claims(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """PVCs and StatefulSet ``volumeClaimTemplates`` that use a translated class (or EKS's gp2).

    Azure Files (EFS) requests below the protocol's minimum share (100 GiB for NFS) are raised;
    a PVC bound to a dropped PersistentVolume loses ``spec.volumeName`` when its class can
    provision a new volume. Unchanged claims are passthrough.
    """
    templates = _claim_templates(obj)
    if not templates:
        return None
    idx = _index(ctx)
    findings = Findings()
    new = obj.copy()
    concern = changed = False
    vol_name = (obj.obj.get("spec") or {}).get("volumeName") if obj.kind == "PersistentVolumeClaim" else None
    if vol_name and vol_name in idx["droppedVolumes"]:
        concern = True
        cls = _claim_class(obj.obj)
        if cls and cls in idx["classes"]:
            del new["spec"]["volumeName"]
            changed = True
            how = f"volumeName removed so StorageClass {cls} provisions a new volume"
        else:
            how = "it stays Pending until that volume exists on Azure"
        add_finding(findings, "STO-016", f"{obj.ref()} is bound to PersistentVolume {vol_name}, which is "
                    f"dropped; {how}", obj, "spec", "volumeName")
    for path, claim in templates:
        cls = _claim_class(claim)
        if cls in idx["classes"]:
            concern = True
            if idx["classes"][cls] == "efs":
                changed |= _bump(new, path, obj, min_share_gib(ctx), findings)
        elif cls in EKS_PREINSTALLED_CLASSES and idx["complete"] and cls not in idx["allClasses"]:
            concern = True
            add_finding(findings, "STO-018", f"{obj.ref()} uses StorageClass {cls}, which is not in the input",
                        obj, *path, "spec", "storageClassName")
    if not concern:
        return None
    return Translation("translated" if changed else "passthrough", [new], findings)


@handles("VolumeSnapshotClass")
def translate_volume_snapshot_class(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """VolumeSnapshotClass of ``ebs.csi.aws.com`` → ``disk.csi.azure.com`` with incremental snapshots.

    ``incremental: "true"`` is the Azure Disk CSI default (azuredisk-csi-driver
    ``docs/driver-parameters.md``), written out for clarity. Classes of other AWS drivers are dropped.
    """
    if obj.kind != "VolumeSnapshotClass":
        return None
    drv = aws_drivers().get(str(obj.obj.get("driver", "")))
    if drv is None:
        return None
    findings = Findings()
    if drv.family != "ebs":
        if drv.rule:
            drop_aws_class(obj, drv, ctx, findings)
        else:
            add_finding(findings, "STO-006", f"VolumeSnapshotClass {obj.name}: {drv.name} snapshots have no "
                        f"{drv.azure_driver} counterpart; dropped", obj, "driver")
        return Translation("dropped", [], findings)
    md = {k: v for k, v in obj.copy().get("metadata", {}).items() if k in ("name", "labels", "annotations")}
    new: dict[str, Any] = {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
                           "metadata": md, "driver": AZURE_DISK_DRIVER,
                           "deletionPolicy": obj.obj.get("deletionPolicy", "Delete"),
                           "parameters": {"incremental": "true"}}
    params = obj.obj.get("parameters") or {}
    if params:
        add_finding(findings, "STO-006", f"VolumeSnapshotClass {obj.name}: EBS snapshot parameters "
                    f"{', '.join(sorted(map(str, params)))} dropped", obj, "parameters")
    return Translation("translated", [new], findings)


@handles("VolumeSnapshotContent", "VolumeSnapshot")
def translate_snapshot_content(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Pre-provisioned snapshots of AWS volumes (VolumeSnapshotContent, and VolumeSnapshots that
    import one) → dropped: Azure cannot read an EBS snapshot id."""
    spec = obj.obj.get("spec") or {}
    if obj.kind == "VolumeSnapshotContent" and str(spec.get("driver", "")) in aws_drivers():
        _register(_index(ctx), obj)
        handle = (spec.get("source") or {}).get("snapshotHandle") or (spec.get("source") or {}).get("volumeHandle")
        path: tuple = ("spec", "source")
    elif obj.kind == "VolumeSnapshot":
        handle = (spec.get("source") or {}).get("volumeSnapshotContentName")
        if not handle or handle not in _index(ctx)["droppedSnapshotContents"]:
            return None
        path = ("spec", "source", "volumeSnapshotContentName")
    else:
        return None
    findings = Findings()
    add_finding(findings, "STO-015", f"{obj.ref()} refers to AWS snapshot {handle}", obj, *path)
    return Translation("dropped", [], findings)


@handles("VolumeAttributesClass")
def translate_volume_attributes_class(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """VolumeAttributesClass of ``ebs.csi.aws.com`` → ``disk.csi.azure.com`` (IOPS and MB/s)."""
    if obj.kind != "VolumeAttributesClass":
        return None
    drv = aws_drivers().get(str(obj.obj.get("driverName", "")))
    if drv is None or drv.family != "ebs":
        return None
    findings = Findings()
    return Translation("translated", [translate_ebs_attributes_class(obj, ctx, findings)], findings)


def storage_class_mapping(ctx: WorkloadContext) -> dict[str, str]:
    """Source class name → AKS class name for every translated class (identical: names are kept)."""
    return {name: name for name in _index(ctx)["classes"]}


def velero_storage_class_configmap(mapping: dict[str, str]) -> dict[str, Any]:
    """Velero's ``change-storage-class-config`` ConfigMap for the names in ``mapping`` that change.

    Velero's restore plugin rewrites ``storageClassName`` of restored PVs/PVCs (and
    StatefulSet templates) from each key to its value. Names are kept by this tool, so
    ``data`` is normally empty; the ConfigMap is harmless either way.
    """
    return velero_plugin_configmap(VELERO_CONFIGMAP_NAME, "change-storage-class",
                                   {old: new for old, new in sorted(mapping.items()) if old != new})


STORAGE_TRANSLATORS: list[Translator] = [
    translate_storage_class,
    translate_persistent_volume,
    translate_claims,
    translate_volume_snapshot_class,
    translate_snapshot_content,
    translate_volume_attributes_class,
]
