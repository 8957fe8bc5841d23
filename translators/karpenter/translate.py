"""Karpenter on EKS → AKS node auto-provisioning (NAP), in :data:`KARPENTER_TRANSLATORS` (contract: translators.k8s).

* ``NodePool`` (``karpenter.sh/v1``, ``v1beta1``) → NAP ``NodePool`` (v1) referencing the ``AKSNodeClass`` of the
  same name; requirements mapped by :func:`translators.karpenter.requirements.map_requirements`
  (``data/karpenter_requirement_keys.csv``: EC2 category/family/generation → ``karpenter.azure.com/sku-family``
  and ``sku-version``; size/cpu/memory/GPU → ``sku-*``; instance types → Azure sizes; zones →
  ``<location>-<n>``). Disruption, limits, weight, taints and labels are kept.
* ``EC2NodeClass`` → ``AKSNodeClass`` (``karpenter.azure.com/v1beta1``): image family, ``osDiskSizeGB`` from the
  root volume, ``maxPods`` and supported kubelet settings, Azure-valid tags; AWS-only fields → findings.
* Workloads selecting nodes by ``karpenter.k8s.aws/*`` labels → the same mapping; v1alpha5 ``Provisioner`` /
  ``AWSNodeTemplate`` and run-time ``NodeClaim`` / ``Machine`` → dropped.

Every translated NodePool or node class adds ``nodeAutoProvisioning`` to ``ctx.cluster_requests``.
"""
from __future__ import annotations

import math
import re
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from translators.karpenter.requirements import AWS_DOMAINS, Add, map_requirements, table
from translators.podspec import POD_KINDS, pod_template
from translators.shapes import as_dict
from translators.storage.translate import quantity_gib

NAP_REQUEST = "nodeAutoProvisioning"
NODE_CLASS_GROUP = "karpenter.azure.com"
KARPENTER_AWS = "karpenter.k8s.aws/"
OS_DISK_GB = (30, 2048)  # AKSNodeClass osDiskSizeGB bounds (karpenter-provider-azure aksnodeclass.go)
MAX_PODS = (10, 250)
KUBELET_KEPT = ("imageGCHighThresholdPercent", "imageGCLowThresholdPercent", "cpuCFSQuota")
_INVALID_TAG = re.compile(r"[<>%&\\?/]")


def _meta(obj: K8sObject) -> dict[str, Any]:
    md = obj.copy().get("metadata") or {}
    return {k: v for k, v in md.items() if k in ("name", "labels", "annotations")}


def _dict_at(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """``parent[key]``, replaced by ``{}`` unless it is a mapping."""
    if not isinstance(parent.get(key), dict):
        parent[key] = {}
    return parent[key]


def _adder(findings: Findings, obj: K8sObject, base: tuple) -> Add:
    def add(rule: str, message: str, *path: Any, severity: str | None = None) -> None:
        add_finding(findings, rule, f"{obj.ref()}: {message}", obj, *base, *path, severity=severity)
    return add


@handles("NodePool")
def translate_node_pool(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Karpenter ``NodePool`` → NAP ``NodePool`` referencing an ``AKSNodeClass``."""
    if obj.group != "karpenter.sh" or obj.kind != "NodePool":
        return None
    findings = Findings()
    new = {**obj.copy(), "apiVersion": "karpenter.sh/v1", "metadata": _meta(obj)}
    new.pop("status", None)
    spec = _dict_at(new, "spec")
    tspec = _dict_at(_dict_at(spec, "template"), "spec")
    base = ("spec", "template", "spec")
    ref = tspec.get("nodeClassRef") or {}
    tspec["nodeClassRef"] = {"group": NODE_CLASS_GROUP, "kind": "AKSNodeClass", "name": ref.get("name", "default")}
    tspec["requirements"] = map_requirements(list(tspec.get("requirements") or []), ctx,
                                             _adder(findings, obj, base + ("requirements",)))
    md = spec["template"].get("metadata")
    labels = md["labels"] if isinstance(md, dict) and isinstance(md.get("labels"), dict) else {}
    for k in [k for k in labels if str(k).startswith(AWS_DOMAINS)]:
        del labels[k]
        add_finding(findings, "KAR-002", f"{obj.ref()}: node label {k} dropped", obj,
                    "spec", "template", "metadata", "labels", k)
    disruption = spec.get("disruption")
    if obj.api_version.endswith("/v1beta1"):
        moved = []
        if isinstance(disruption, dict) and disruption.get("consolidationPolicy") == "WhenUnderutilized":
            disruption["consolidationPolicy"] = "WhenEmptyOrUnderutilized"
            moved.append("consolidationPolicy")
        if isinstance(disruption, dict) and "expireAfter" in disruption:
            tspec["expireAfter"] = disruption.pop("expireAfter")
            moved.append("expireAfter")
        if "kubelet" in tspec:
            tspec.pop("kubelet")
            add_finding(findings, "KAR-014", f"{obj.ref()}: kubelet settings belong on the AKSNodeClass "
                        f"(spec.kubelet / maxPods) in v1; set them there", obj, *base, "kubelet")
        add_finding(findings, "KAR-006", f"{obj.ref()}: karpenter.sh/v1beta1 → v1"
                    + (f" ({', '.join(moved)} converted)" if moved else ""), obj, "apiVersion")
    if isinstance(disruption, dict):
        disruption.setdefault("consolidateAfter", "0s")
    ctx.cluster_requests.add(NAP_REQUEST)
    return Translation("translated", [new], findings)


def _image_family(spec: dict[str, Any], add: Add) -> dict[str, str]:
    terms = [t for t in spec.get("amiSelectorTerms") or [] if isinstance(t, dict)]
    alias = next((str(t["alias"]) for t in terms if t.get("alias")), None)
    fam = (alias.split("@")[0] if alias else str(spec.get("amiFamily") or "al2023")).lower()
    families = table("karpenter_ami_families.csv", "aws_family")
    row = families.get(fam) or families["custom"]
    if row["rule"]:
        add(row["rule"], f"image {alias or spec.get('amiFamily')} → {row['image_family']}: {row['note']}",
            "amiSelectorTerms" if alias else "amiFamily")
    if alias and "@" in alias and not alias.endswith("@latest"):
        add("KAR-008", f"image pin {alias} dropped: AKS node images follow the node OS upgrade channel",
            "amiSelectorTerms")
    custom = [t for t in terms if not t.get("alias")]
    if custom and row["rule"] != "KAR-007":
        add("KAR-007", f"custom AMI selector {', '.join(sorted({k for t in custom for k in t}))} dropped; "
            f"{row['image_family']} images are used", "amiSelectorTerms")
    return row


def _os_disk(spec: dict[str, Any], root_device: str, add: Add) -> int | None:
    bdms = [b for b in spec.get("blockDeviceMappings") or [] if isinstance(b, dict)]
    root = (next((b for b in bdms if b.get("rootVolume")), None)
            or next((b for b in bdms if b.get("deviceName") == root_device), None)
            or (bdms[0] if len(bdms) == 1 else None))
    ebs = as_dict((root or {}).get("ebs"))
    others = [str(b.get("deviceName")) for b in bdms if b is not root]
    if others:
        add("KAR-010", f"extra block devices {', '.join(others)} not attached by AKS", "blockDeviceMappings")
    extra = sorted(k for k in ebs if k not in ("volumeSize", "deleteOnTermination"))
    if extra:
        add("KAR-010", f"root volume settings {', '.join(extra)} not translated (AKS picks the OS disk type)",
            "blockDeviceMappings")
    gib = quantity_gib(ebs.get("volumeSize")) if ebs.get("volumeSize") is not None else None
    if gib is None:
        return None
    gb = math.ceil(round(gib * 2**30 / 1e9, 6))
    clamped = min(max(gb, OS_DISK_GB[0]), OS_DISK_GB[1])
    if clamped != gb:
        add("KAR-009", f"root volume {ebs['volumeSize']} ({gb} GB) → osDiskSizeGB {clamped}", "blockDeviceMappings")
    return clamped


@handles("EC2NodeClass")
def translate_node_class(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """``EC2NodeClass`` → ``AKSNodeClass`` (image family, OS disk, kubelet, tags)."""
    if obj.group != "karpenter.k8s.aws" or obj.kind != "EC2NodeClass":
        return None
    spec = as_dict(obj.obj.get("spec"))
    findings = Findings()
    add = _adder(findings, obj, ("spec",))
    out: dict[str, Any] = {}
    row = _image_family(spec, add)
    out["imageFamily"] = row["image_family"]
    disk = _os_disk(spec, row["root_device"], add)
    if disk is not None:
        out["osDiskSizeGB"] = disk
    kubelet = as_dict(spec.get("kubelet"))
    if str(kubelet.get("maxPods", "")).isdigit():
        out["maxPods"] = min(max(int(kubelet["maxPods"]), MAX_PODS[0]), MAX_PODS[1])
        if out["maxPods"] != int(kubelet["maxPods"]):
            add("KAR-014", f"maxPods {kubelet['maxPods']} → {out['maxPods']} (AKS range 10-250)", "kubelet", "maxPods")
    if any(k in kubelet for k in KUBELET_KEPT):
        out["kubelet"] = {k: kubelet[k] for k in KUBELET_KEPT if k in kubelet}
    rest = sorted(k for k in kubelet if k not in KUBELET_KEPT and k not in out)
    if rest:
        add("KAR-014", f"kubelet {', '.join(rest)} not translated", "kubelet")
    tags = as_dict(spec.get("tags"))
    bad = sorted(k for k in tags if _INVALID_TAG.search(str(k)) or len(str(k)) > 512 or len(str(tags[k])) > 256)
    if tags and len(bad) < len(tags):
        out["tags"] = {str(k): str(v) for k, v in tags.items() if k not in bad}
    if bad:
        add("KAR-015", f"tags {', '.join(bad)} are not valid Azure tag names or values; dropped", "tags")
    for field in sorted(spec):
        handling = (table("karpenter_nodeclass_fields.csv", "field").get(field)
                    or {"handling": "KAR-015", "note": "no AKSNodeClass counterpart"})
        if handling["handling"] != "translated":
            add(handling["handling"], f"{field} not translated: {handling['note']}", field)
    new = {"apiVersion": f"{NODE_CLASS_GROUP}/v1beta1", "kind": "AKSNodeClass", "metadata": _meta(obj), "spec": out}
    ctx.cluster_requests.add(NAP_REQUEST)
    return Translation("translated", [new], findings)


def _map_terms(terms: list[Any], ctx: WorkloadContext, add: Add) -> None:
    for t in terms:
        exprs = t.get("matchExpressions") if isinstance(t, dict) else None
        if isinstance(exprs, list) and any(isinstance(e, dict) and str(e.get("key", "")).startswith(KARPENTER_AWS)
                                           for e in exprs):
            t["matchExpressions"] = [{k: v for k, v in e.items() if k != "minValues"} if isinstance(e, dict) else e
                                     for e in map_requirements(exprs, ctx, add)]


@handles(*POD_KINDS)
def translate_node_selection(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Workloads selecting nodes by ``karpenter.k8s.aws/*`` labels → the same selection on NAP labels."""
    found = pod_template(obj.obj)
    if found is None or not isinstance(found[1].get("spec"), dict):
        return None
    pod = found[1]["spec"]
    sel, aff = pod.get("nodeSelector"), pod.get("affinity")
    if not (isinstance(sel, dict) and any(str(k).startswith(KARPENTER_AWS) for k in sel)) \
            and not (isinstance(aff, dict) and aff.get("nodeAffinity")):
        return None  # no Karpenter label to rewrite: no copy
    new, findings = obj.copy(), Findings()
    spec = (pod_template(new) or ((), {}))[1]["spec"]
    add = _adder(findings, obj, found[0] + ("spec",))
    selector = as_dict(spec.get("nodeSelector"))
    aws_sel = {k: v for k, v in selector.items() if str(k).startswith(KARPENTER_AWS)}
    naff = (spec.get("affinity") or {}).get("nodeAffinity") if isinstance(spec.get("affinity"), dict) else None
    naff = naff if isinstance(naff, dict) else {}
    _map_terms(((naff.get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or [])
               + [p.get("preference") for p in naff.get("preferredDuringSchedulingIgnoredDuringExecution") or []
                  if isinstance(p, dict)], ctx, lambda r, m, *p, severity=None: add(r, m, "affinity"))
    if aws_sel:
        reqs = map_requirements([{"key": k, "operator": "In", "values": [str(v)]} for k, v in aws_sel.items()],
                                ctx, lambda r, m, *p, severity=None: add(r, m, "nodeSelector"))
        for k in aws_sel:
            del selector[k]
        single = {r["key"]: r["values"][0] for r in reqs if r.get("operator") == "In" and len(r["values"]) == 1}
        selector.update(single)
        if not selector:
            spec.pop("nodeSelector")
        multi = [{k: v for k, v in r.items() if k != "minValues"} for r in reqs if r["key"] not in single]
        if multi:
            terms = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {}).setdefault(
                "requiredDuringSchedulingIgnoredDuringExecution", {}).setdefault("nodeSelectorTerms", [{}])
            for t in terms:
                t.setdefault("matchExpressions", []).extend(dict(r) for r in multi)
    if new == obj.obj:
        return None
    add("KAR-017", "node selection on Karpenter AWS labels rewritten for NAP",
        "nodeSelector" if aws_sel else "affinity")
    return Translation("translated", [new], findings)


LEGACY = {("karpenter.sh", "Provisioner"): "a v1alpha5 Provisioner; convert it to a v1 NodePool (karpenter-convert)",
          ("karpenter.k8s.aws", "AWSNodeTemplate"): "a v1alpha1 AWSNodeTemplate; convert it to an EC2NodeClass",
          ("karpenter.sh", "NodeClaim"): "created by Karpenter at run time; NAP creates its own",
          ("karpenter.sh", "Machine"): "created by Karpenter at run time; NAP creates its own"}


@handles(*sorted({kind for _, kind in LEGACY}))
def translate_legacy(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Pre-v1beta1 Karpenter APIs and run-time NodeClaims → dropped."""
    why = LEGACY.get((obj.group, obj.kind))
    if why is None:
        return None
    findings = Findings()
    add_finding(findings, "KAR-018", f"{obj.ref()} is {why}; dropped", obj)
    return Translation("dropped", [], findings)


KARPENTER_TRANSLATORS: list[Translator] = [translate_node_pool, translate_node_class, translate_node_selection,
                                           translate_legacy]
