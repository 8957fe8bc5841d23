"""EBS → Azure Disk: the ``StorageClass`` and ``VolumeAttributesClass`` bodies.

Pure functions used by :mod:`translators.storage.translate`; no Pulumi. Units: sizes in GiB,
IOPS in I/O operations per second, EBS throughput in MiB/s and Azure
``DiskMBpsReadWrite`` in MB/s. The EBS figure is carried over unchanged because
Azure states the Premium SSD v2 throughput-per-IOPS ratio (0.25 per IOPS) in the
same unit EBS uses for gp3, so a valid EBS pair stays valid on Azure.

Facts come from data tables (each names its source on its ``# provenance:`` line):

* ``data/storage_ebs_to_azure_disk.csv``: EBS type → Azure SKUs in preference order
  (the seed's performance tier table), EBS limits;
* ``data/storage_azure_disk_skus.csv``: Azure disk SKU limits, caching, zonal
  requirement and the cluster features it needs (azuredisk-csi-driver
  ``docs/driver-parameters.md``, Azure "disk types" page, ``aks_constraints.json``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, WorkloadContext, add_finding
from translators.refdata import read_table

AZURE_DISK_DRIVER = "disk.csi.azure.com"
#: topology key the Azure Disk CSI driver publishes (azuredisk-csi-driver docs); values ``<location>-<n>``.
AZURE_ZONE_KEY = "topology.disk.csi.azure.com/zone"
#: zone keys an EBS class may pin on: the EBS CSI driver's own key, the well-known key and its beta form.
AWS_ZONE_KEYS = ("topology.ebs.csi.aws.com/zone", "topology.kubernetes.io/zone",
                 "failure-domain.beta.kubernetes.io/zone")
#: disk encryption set id format from azuredisk-csi-driver ``docs/driver-parameters.md``.
DES_PLACEHOLDER = ("/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/"
                   "Microsoft.Compute/diskEncryptionSets/<disk-encryption-set>")
#: EBS StorageClass parameters (lower-cased; the EBS CSI driver matches them case-insensitively,
#: aws-ebs-csi-driver ``docs/parameters.md``) that this module reads.
_READ = {"type", "iops", "iopspergb", "throughput", "encrypted", "kmskeyid", "fstype",
         "csi.storage.k8s.io/fstype", "allowautoiopspergbincrease", "blockexpress", "zone", "zones"}
_AWS_ZONE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+(?:-[a-z]+-\d+)?([a-z])$")  # us-east-1a, us-west-2-lax-1a
_AWS_ZONE_ID = re.compile(r"^[a-z]{2,4}\d+-az(\d+)$")  # use1-az1


@dataclass(frozen=True)
class EbsType:
    """One EBS volume type: Azure SKUs to try in order; IOPS, MiB/s and IOPS per GiB limits."""

    name: str
    azure_skus: tuple[str, ...]
    provisioned: bool  # IOPS/throughput set per volume (gp3, io1, io2) rather than by size
    baseline_iops: int | None
    baseline_mibps: int | None
    max_iops: int
    max_mibps: int
    default_for: tuple[str, ...]
    perf_note: str


@dataclass(frozen=True)
class DiskSku:
    """One Azure disk SKU: limits in GiB, IOPS and MB/s; driver defaults; requirements."""

    name: str
    max_gib: int
    max_iops: int
    max_mbps: int
    default_iops: int | None  # driver default when DiskIOPSReadWrite is unset
    default_mbps: int | None
    min_iops: int | None  # lowest settable value
    min_mbps: int | None
    max_iops_per_gib: int | None  # IOPS a disk may have per GiB of size (above the baseline)
    takes_perf_params: bool  # DiskIOPSReadWrite / DiskMBpsReadWrite accepted
    caching_mode: str
    zonal: bool
    cluster_requests: tuple[str, ...]
    rule: str


def _int(v: str) -> int | None:
    return int(v) if v not in ("", None) else None


@lru_cache(maxsize=1)
def ebs_types() -> dict[str, EbsType]:
    """EBS type → :class:`EbsType` (``data/storage_ebs_to_azure_disk.csv``)."""
    return {r["ebs_type"]: EbsType(
        name=r["ebs_type"], azure_skus=tuple(r["azure_skus"].split()),
        provisioned=r["performance"] == "provisioned", baseline_iops=_int(r["baseline_iops"]),
        baseline_mibps=_int(r["baseline_mibps"]), max_iops=int(r["max_iops"]), max_mibps=int(r["max_mibps"]),
        default_for=tuple(r["default_for"].split()), perf_note=r["perf_note"])
        for r in read_table("storage_ebs_to_azure_disk.csv")}


@lru_cache(maxsize=1)
def disk_skus() -> dict[str, DiskSku]:
    """Azure disk SKU → :class:`DiskSku` (``data/storage_azure_disk_skus.csv``)."""
    return {r["sku"]: DiskSku(
        name=r["sku"], max_gib=int(r["max_gib"]), max_iops=int(r["max_iops"]), max_mbps=int(r["max_mbps"]),
        default_iops=_int(r["default_iops"]), default_mbps=_int(r["default_mbps"]),
        min_iops=_int(r["min_iops"]), min_mbps=_int(r["min_mbps"]), max_iops_per_gib=_int(r["max_iops_per_gib"]),
        takes_perf_params=r["takes_perf_params"] == "true", caching_mode=r["caching_mode"],
        zonal=r["zonal"] == "true", cluster_requests=tuple(r["cluster_requests"].split()), rule=r["rule"])
        for r in read_table("storage_azure_disk_skus.csv")}


def default_ebs_type(provisioner: str) -> EbsType:
    """The type a class gets without ``type``: gp3 for the EBS CSI driver, gp2 in-tree."""
    return next(t for t in ebs_types().values() if provisioner in t.default_for)


def choose_sku(ebs: EbsType, iops: float | None, mibps: float | None) -> tuple[DiskSku, bool]:
    """First SKU of ``ebs.azure_skus`` whose limits hold ``iops`` (IOPS) and ``mibps`` (MB/s).

    Returns ``(sku, fits)``; when none fits, the last (fastest) SKU and ``False``.
    """
    skus = [disk_skus()[s] for s in ebs.azure_skus]
    for sku in skus:
        if (iops is None or iops <= sku.max_iops) and (mibps is None or mibps <= sku.max_mbps):
            return sku, True
    return skus[-1], False


def azure_zone(aws_zone: str, location: str) -> tuple[str | None, bool]:
    """AWS zone name (``us-east-1a``) or zone id (``use1-az2``) → ``<location>-<n>``, n in 1..3.

    Letters a, b, c map to 1, 2, 3; later letters wrap (d → 1). Returns ``(zone, exact)``;
    ``(None, False)`` when the value is not an AWS zone.
    """
    m = _AWS_ZONE.match(aws_zone)
    if m:
        n = ord(m.group(1)) - ord("a")
    else:
        m = _AWS_ZONE_ID.match(aws_zone)
        if not m:
            return None, False
        n = int(m.group(1)) - 1
    return f"{location}-{n % 3 + 1}", n < 3


def _num(v: Any) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _zones(values: list[Any], ctx: WorkloadContext, findings: Findings, obj: K8sObject,
           path: tuple) -> list[str]:
    """Map zone ``values`` (found at ``path`` + ``("values", i)`` when listed, else at ``path``)."""
    out: list[str] = []
    for i, v in enumerate(values):
        at = (*path, "values", i) if path[0] == "allowedTopologies" else path
        z, exact = azure_zone(str(v).strip(), ctx.location)
        if z is None:
            add_finding(findings, "STO-007", f"zone {v!r} is not an AWS zone name; left out of "
                        f"allowedTopologies of {obj.ref()}", obj, *at)
            continue
        if not exact:
            add_finding(findings, "STO-007", f"AWS zone {v} has no Azure zone of its own; mapped to {z}",
                        obj, *at)
        if ctx.zones and z.rsplit("-", 1)[1] not in ctx.zones:
            add_finding(findings, "STO-007", f"zone {z} (from {v}) has no node pool (node pool zones: "
                        f"{', '.join(ctx.zones)})", obj, *at)
        if z not in out:
            out.append(z)
    return out


def translate_topologies(obj: K8sObject, ctx: WorkloadContext, findings: Findings,
                         extra_zones: list[str]) -> list[dict[str, Any]]:
    """``allowedTopologies`` with AWS zone keys rewritten to :data:`AZURE_ZONE_KEY`.

    ``extra_zones`` are in-tree ``zone``/``zones`` parameter values. Other keys pass
    unchanged except AWS-specific ones (reported as STO-006).
    """
    terms: list[dict[str, Any]] = []
    for i, term in enumerate(obj.obj.get("allowedTopologies") or []):
        exprs = []
        for j, e in enumerate((term or {}).get("matchLabelExpressions") or []):
            path = ("allowedTopologies", i, "matchLabelExpressions", j)
            key = str(e.get("key", ""))
            if key in AWS_ZONE_KEYS:
                zones = _zones(list(e.get("values") or []), ctx, findings, obj, path)
                if zones:
                    exprs.append({"key": AZURE_ZONE_KEY, "values": zones})
            elif "aws" in key:
                add_finding(findings, "STO-006", f"topology key {key} is AWS-specific; dropped", obj, *path)
            else:
                exprs.append(dict(e))
        if exprs:
            terms.append({"matchLabelExpressions": exprs})
    if extra_zones:
        zones = _zones(extra_zones, ctx, findings, obj, ("parameters",))
        if zones:
            terms.append({"matchLabelExpressions": [{"key": AZURE_ZONE_KEY, "values": zones}]})
    return terms


def _tags(params: dict[str, Any], obj: K8sObject, findings: Findings) -> str | None:
    """``tagSpecification_N: "key=value"`` → Azure ``tags: "k1=v1,k2=v2"``; templated values dropped."""
    tags = []
    for k, v in params.items():
        if not k.lower().startswith("tagspecification_"):
            continue
        if "{{" in str(v) or "," in str(v):
            add_finding(findings, "STO-006", f"tag {v!r} uses an EBS template or a comma; Azure Disk tags "
                        "are literal, so it was dropped", obj, "parameters", k)
        else:
            tags.append(str(v))
    return ",".join(tags) or None


def translate_ebs_class(obj: K8sObject, ctx: WorkloadContext, findings: Findings,
                        min_claim_gib: float | None) -> dict[str, Any]:
    """EBS ``StorageClass`` → ``disk.csi.azure.com`` class with the same name.

    ``min_claim_gib`` is the smallest request (GiB) among claims using the class, used to
    turn ``iopsPerGB`` into a fixed ``DiskIOPSReadWrite``. Adds cluster requests for
    zonal SKUs (Ultra: ``enableUltraSSD`` and ``zones``; Premium SSD v2: ``zones``).
    """
    raw = obj.obj.get("parameters") or {}
    params = {str(k): v for k, v in raw.items()} if isinstance(raw, dict) else {}
    low = {k.lower(): k for k in params}
    provisioner = str(obj.obj.get("provisioner"))
    ebs = default_ebs_type(provisioner)
    if "type" in low:
        t = str(params[low["type"]]).lower()
        if t in ebs_types():
            ebs = ebs_types()[t]
        else:
            add_finding(findings, "STO-006", f"EBS volume type {t!r} is unknown; treated as {ebs.name}",
                        obj, "parameters", low["type"])
    iops, mibps = _num(params.get(low.get("iops", ""))), _num(params.get(low.get("throughput", "")))
    per_gib = _num(params.get(low.get("iopspergb", "")))
    if not ebs.provisioned and (iops or mibps or per_gib):
        add_finding(findings, "STO-006", f"{ebs.name} volumes take no IOPS/throughput settings; ignored",
                    obj, "parameters")
        iops = mibps = per_gib = None
    per_gib_note = ""
    if per_gib and iops is None:
        if min_claim_gib:
            iops = min(per_gib * min_claim_gib, ebs.max_iops)
            per_gib_note = f"{per_gib:g} IOPS/GiB x {min_claim_gib:g} GiB, the smallest claim using it"
        else:
            per_gib_note = "no claim using the class was found to size it"
    sku, fits = choose_sku(ebs, iops, mibps)
    if not fits:
        add_finding(findings, "STO-004", f"{ebs.name} performance ({_perf(iops, mibps)}) exceeds "
                    f"{sku.name} limits ({sku.max_iops} IOPS, {sku.max_mbps} MB/s); capped", obj, "parameters")
        iops = min(iops, sku.max_iops) if iops is not None else None
        mibps = min(mibps, sku.max_mbps) if mibps is not None else None
    if sku.max_iops_per_gib and iops and min_claim_gib and \
            iops > max(sku.min_iops or 0, sku.max_iops_per_gib * min_claim_gib):
        add_finding(findings, "STO-004", f"{sku.name} allows {sku.max_iops_per_gib} IOPS per GiB: a "
                    f"{min_claim_gib:g} GiB claim of class {obj.name} cannot get {int(iops)} IOPS; enlarge it to "
                    f"{-(-int(iops) // sku.max_iops_per_gib)} GiB", obj, "parameters")
    if ebs.perf_note:
        add_finding(findings, "STO-004", f"{ebs.name} → {sku.name}: {ebs.perf_note}", obj, "parameters")

    out: dict[str, Any] = {"skuName": sku.name}
    if sku.caching_mode:
        out["cachingMode"] = sku.caching_mode
    if sku.takes_perf_params:
        if sku.default_iops is not None and ebs.baseline_iops and sku.default_iops < ebs.baseline_iops:
            iops = iops if iops is not None else ebs.baseline_iops  # Ultra's 500 IOPS default < gp3 baseline
            mibps = mibps if mibps is not None else ebs.baseline_mibps
        if iops is not None:
            out["DiskIOPSReadWrite"] = str(int(max(iops, sku.min_iops or 0)))
        if mibps is not None:
            out["DiskMBpsReadWrite"] = str(int(max(mibps, sku.min_mbps or 0)))
    if per_gib_note:
        add_finding(findings, "STO-005", f"iopsPerGB {per_gib:g} of StorageClass {obj.name}: Azure IOPS is per "
                    f"disk; DiskIOPSReadWrite is {out.get('DiskIOPSReadWrite', 'the SKU default')} "
                    f"({per_gib_note})", obj, "parameters", low["iopspergb"])
    for k, v in params.items():
        if k.lower() == "fstype":
            out["fsType"] = v
        elif k.lower() == "csi.storage.k8s.io/fstype":
            out["csi.storage.k8s.io/fstype"] = v
    if "kmskeyid" in low and str(params[low["kmskeyid"]]).strip():
        des = ctx.options.get("diskEncryptionSetID")
        out["diskEncryptionSetID"] = des or DES_PLACEHOLDER
        if not des:
            add_finding(findings, "STO-003", f"StorageClass {obj.name} encrypts with KMS key "
                        f"{params[low['kmskeyid']]}; diskEncryptionSetID is a placeholder until a disk "
                        "encryption set exists", obj, "parameters", low["kmskeyid"])
    tags = _tags(params, obj, findings)
    if tags:
        out["tags"] = tags
    dropped = sorted(k for k in params if k.lower() not in _READ
                     and not k.lower().startswith("tagspecification_"))
    if dropped:
        add_finding(findings, "STO-006", f"StorageClass {obj.name}: EBS parameters {', '.join(dropped)} have "
                    "no Azure Disk counterpart; dropped", obj, "parameters", dropped[0])

    zones_param = [z for k in ("zone", "zones") if k in low
                   for z in str(params[low[k]]).split(",") if z.strip()]
    new = class_shell(obj, AZURE_DISK_DRIVER, out)
    topo = translate_topologies(obj, ctx, findings, zones_param)
    if topo:
        new["allowedTopologies"] = topo
    if sku.rule:
        ctx.cluster_requests.update(sku.cluster_requests)
        add_finding(findings, sku.rule, f"StorageClass {obj.name} ({ebs.name}, {_perf(iops, mibps)}) → "
                    f"{sku.name}; requested cluster features: {', '.join(sku.cluster_requests)}", obj,
                    "provisioner")
    return new


def _perf(iops: float | None, mibps: float | None) -> str:
    parts = [f"{int(iops)} IOPS" if iops is not None else "", f"{int(mibps)} MiB/s" if mibps is not None else ""]
    return ", ".join(p for p in parts if p) or "baseline"


def class_shell(obj: K8sObject, provisioner: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """A ``storage.k8s.io/v1`` StorageClass with ``obj``'s name, labels, annotations and the
    kept fields (reclaimPolicy, allowVolumeExpansion, volumeBindingMode, mountOptions)."""
    md = {k: v for k, v in obj.copy().get("metadata", {}).items()
          if k in ("name", "labels", "annotations")}
    new: dict[str, Any] = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": md,
                           "provisioner": provisioner, "parameters": parameters}
    for k in ("reclaimPolicy", "allowVolumeExpansion", "volumeBindingMode", "mountOptions"):
        if k in obj.obj:
            new[k] = obj.copy()[k]
    return new


def translate_ebs_attributes_class(obj: K8sObject, ctx: WorkloadContext, findings: Findings) -> dict[str, Any]:
    """EBS ``VolumeAttributesClass`` → ``disk.csi.azure.com`` (modify-volume, Azure Disk CSI ≥ v1.30.2).

    ``iops`` → ``DiskIOPSReadWrite`` and ``throughput`` → ``DiskMBpsReadWrite`` (Premium SSD v2 /
    Ultra only, capped at Ultra's limits). ``type`` is not carried: the Azure driver cannot
    change a disk to or from those SKUs (azuredisk-csi-driver ``deploy/example/modifyvolume``).
    """
    params = {str(k): v for k, v in (obj.obj.get("parameters") or {}).items()}
    low = {k.lower(): k for k in params}
    ultra = disk_skus()["UltraSSD_LRS"]
    out: dict[str, Any] = {}
    for key, azure, cap in (("iops", "DiskIOPSReadWrite", ultra.max_iops),
                            ("throughput", "DiskMBpsReadWrite", ultra.max_mbps)):
        v = _num(params.get(low.get(key, "")))
        if v is not None:
            if v > cap:
                add_finding(findings, "STO-004", f"{key} {v:g} exceeds Azure's {cap} limit; capped", obj,
                            "parameters", low[key])
            out[azure] = str(int(min(v, cap)))
    dropped = sorted(k for k in params if k.lower() not in ("iops", "throughput"))
    if dropped:
        add_finding(findings, "STO-006", f"VolumeAttributesClass {obj.name}: parameters {', '.join(dropped)} "
                    "cannot be changed on an existing Azure disk; dropped", obj, "parameters", dropped[0])
    new = obj.copy()
    new["driverName"] = AZURE_DISK_DRIVER
    new["parameters"] = out
    return new
