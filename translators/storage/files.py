"""EFS → Azure Files, and AWS volumes that cannot move as manifests.

Pure functions used by :mod:`translators.storage.translate`; no Pulumi. Sizes are in GiB.

* ``efs.csi.aws.com`` classes become ``file.csi.azure.com`` classes: NFS 4.1 on
  Premium_LRS by default, SMB on Standard_LRS when ``ctx.options["azureFilesProtocol"]``
  is ``"smb"`` (``data/storage_efs_to_azure_files.csv``, from azurefile-csi-driver
  ``docs/driver-parameters.md``: NFS needs Premium, Premium shares are at least 100 GiB).
* PersistentVolumes that name an EBS volume, an EFS file system, an FSx file system
  or an S3 bucket are classified by :func:`aws_volume` and dropped with a finding
  (``data/storage_aws_csi_drivers.csv`` lists the drivers and their Azure alternative).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, WorkloadContext, add_finding
from translators.refdata import read_table
from translators.storage.disk import class_shell

AZURE_FILE_DRIVER = "file.csi.azure.com"
#: amazon-efs-utils mount options (aws/efs-utils README); meaningless to an Azure Files mount.
EFS_UTILS_MOUNT_OPTIONS = frozenset({
    "tls", "notls", "iam", "accesspoint", "awsprofile", "awscredsuri", "netns", "mounttargetip", "az",
    "ocsp", "noocsp", "crossaccount", "fsap", "cafile", "verify"})
#: EFS mount target DNS name, ``fs-0123.efs.us-east-1.amazonaws.com`` (optionally ``us-east-1a.fs-...``).
_EFS_DNS = re.compile(r"(^|\.)fs-[0-9a-f]+\.efs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")


@dataclass(frozen=True)
class AwsDriver:
    """A row of ``data/storage_aws_csi_drivers.csv``."""

    name: str
    family: str  # ebs | efs | fsx | s3
    azure_driver: str
    rule: str  # rule for dropped classes/volumes of this driver ("" when translated)
    cluster_request: str
    azure_alternative: str


@lru_cache(maxsize=1)
def aws_drivers() -> dict[str, AwsDriver]:
    """AWS provisioner / CSI driver name → :class:`AwsDriver`."""
    return {r["aws_driver"]: AwsDriver(r["aws_driver"], r["family"], r["azure_driver"], r["rule"],
                                       r["cluster_request"], r["azure_alternative"])
            for r in read_table("storage_aws_csi_drivers.csv")}


@lru_cache(maxsize=1)
def files_protocols() -> dict[str, tuple[str, int]]:
    """Azure Files protocol → ``(skuName, minimum share GiB)``."""
    return {r["protocol"]: (r["sku_name"], int(r["min_share_gib"]))
            for r in read_table("storage_efs_to_azure_files.csv")}


def files_protocol(ctx: WorkloadContext) -> str:
    """``nfs`` unless ``ctx.options["azureFilesProtocol"]`` is ``smb``."""
    return "smb" if str(ctx.options.get("azureFilesProtocol", "")).lower() == "smb" else "nfs"


def min_share_gib(ctx: WorkloadContext) -> int:
    """Smallest share (GiB) the chosen Azure Files protocol/SKU accepts (100 for Premium NFS)."""
    return files_protocols()[files_protocol(ctx)][1]


def _option_name(opt: Any) -> str:
    return str(opt).split("=", 1)[0].strip().lower()


def translate_efs_class(obj: K8sObject, ctx: WorkloadContext, findings: Findings) -> dict[str, Any]:
    """EFS ``StorageClass`` → ``file.csi.azure.com`` class with the same name.

    Every EFS parameter (access-point provisioning, file system id, uid/gid ranges, one-zone
    ``az``), efs-utils mount options and ``allowedTopologies`` are dropped (one STO-013 finding):
    Azure Files provisions one share per claim and is regional.
    """
    proto = files_protocol(ctx)
    sku, _ = files_protocols()[proto]
    new = class_shell(obj, AZURE_FILE_DRIVER, {"protocol": proto, "skuName": sku})
    params = obj.obj.get("parameters") or {}
    dropped = [str(k) for k in params] if isinstance(params, dict) else []
    opts = obj.obj.get("mountOptions")
    if isinstance(opts, list):
        kept = [o for o in opts if _option_name(o) not in EFS_UTILS_MOUNT_OPTIONS]
        dropped += [f"mountOptions {o}" for o in opts if o not in kept]
        if kept:
            new["mountOptions"] = kept
        else:
            new.pop("mountOptions", None)
    if obj.obj.get("allowedTopologies"):
        dropped.append("allowedTopologies")
    if dropped:
        add_finding(findings, "STO-013", f"StorageClass {obj.name} → Azure Files {proto.upper()} ({sku}); "
                    f"dropped EFS settings: {', '.join(dropped)}", obj,
                    "parameters" if params else "provisioner")
    if proto == "smb":
        add_finding(findings, "STO-014", f"StorageClass {obj.name} uses Azure Files SMB (option "
                    "azureFilesProtocol=smb) instead of NFS", obj, "provisioner")
    return new


@dataclass(frozen=True)
class AwsVolume:
    """What an AWS-backed PersistentVolume points at.

    ``kind`` is ``ebs``, ``efs``, ``local`` (node-local EBS device), ``fsx`` or ``s3``;
    ``handle`` the volume id / file system / bucket; ``path`` its location in the manifest.
    """

    kind: str
    driver: str
    handle: str
    path: tuple


def aws_volume(obj: K8sObject) -> AwsVolume | None:
    """Classify a PersistentVolume bound to AWS storage (CSI, in-tree EBS, or NFS to an EFS DNS name)."""
    spec = obj.obj.get("spec") or {}
    csi = spec.get("csi")
    if isinstance(csi, dict) and str(csi.get("driver")) in aws_drivers():
        drv = aws_drivers()[str(csi["driver"])]
        attrs = csi.get("volumeAttributes") or {}
        handle = str((attrs.get("bucketName") if drv.family == "s3" else None) or csi.get("volumeHandle") or "")
        kind = "local" if drv.family == "ebs" and handle.startswith("local-ebs://") else drv.family
        return AwsVolume(kind, drv.name, handle, ("spec", "csi", "volumeHandle"))
    ebs = spec.get("awsElasticBlockStore")
    if isinstance(ebs, dict):
        return AwsVolume("ebs", "kubernetes.io/aws-ebs", str(ebs.get("volumeID", "")),
                         ("spec", "awsElasticBlockStore", "volumeID"))
    nfs = spec.get("nfs")
    if isinstance(nfs, dict) and _EFS_DNS.search(str(nfs.get("server", ""))):
        return AwsVolume("efs", "nfs", str(nfs["server"]), ("spec", "nfs", "server"))
    return None


def drop_aws_volume(obj: K8sObject, vol: AwsVolume, ctx: WorkloadContext, findings: Findings,
                    target_class: str | None) -> None:
    """Record why the PersistentVolume ``obj`` (classified as ``vol``) is not emitted."""
    where = f"PersistentVolume {obj.name} ({vol.driver} {vol.handle})"
    if vol.kind in ("ebs", "efs"):
        into = f" into StorageClass {target_class}" if target_class else ""
        add_finding(findings, "STO-008", f"{where} points at AWS storage; migrate its data{into} (Velero "
                    "file-system backup, AzCopy, or application replication)", obj, *vol.path)
    elif vol.kind == "local":
        add_finding(findings, "STO-009", f"{where} is a node-local EBS device", obj, *vol.path)
    else:
        drv = aws_drivers()[vol.driver]
        if drv.cluster_request:
            ctx.cluster_requests.add(drv.cluster_request)
        add_finding(findings, drv.rule, f"{where}: use {drv.azure_alternative} and migrate the data", obj,
                    *vol.path)


def drop_aws_class(obj: K8sObject, drv: AwsDriver, ctx: WorkloadContext, findings: Findings) -> None:
    """Record why a StorageClass / VolumeSnapshotClass of an FSx or S3 driver is not emitted."""
    if drv.cluster_request:
        ctx.cluster_requests.add(drv.cluster_request)
    key = "provisioner" if "provisioner" in obj.obj else "driver"
    add_finding(findings, drv.rule, f"{obj.kind} {obj.name} uses {drv.name}; use {drv.azure_alternative} "
                "and migrate the data", obj, key)
