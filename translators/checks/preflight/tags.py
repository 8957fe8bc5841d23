"""Preflight: Azure tag limits (tag-resources#limitations: no ``< > % & \\ ? /`` in names, name ≤ 512, value ≤ 256,
≤ 50 tags) on the cluster, its node pools and the Azure Disk CSI ``tags`` of StorageClasses; cluster-autoscaler
discovery tags are dropped."""
from __future__ import annotations

import re

from translators.checks.preflight.disks import AZURE_DISK_DRIVER
from translators.checks.preflight.rules import _Report
from translators.plan import AksPlan

TAG_FORBIDDEN = re.compile(r"[<>%&\\?/]")
TAG_NAME_MAX, TAG_VALUE_MAX, TAGS_MAX = 512, 256, 50
AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler/"


def _fix_tags(tags: dict[str, str], where: str, report: _Report) -> dict[str, str]:
    out: dict[str, str] = {}
    dropped, renamed, cut = [], [], []
    for k, v in tags.items():
        if k.startswith(AUTOSCALER_TAG_PREFIX):
            dropped.append(k)
            continue
        new = TAG_FORBIDDEN.sub("_", k)
        if new != k:
            renamed.append(f"{k} -> {new}")
        if len(new) > TAG_NAME_MAX or len(v) > TAG_VALUE_MAX:
            cut.append(new[:40])
            new, v = new[:TAG_NAME_MAX], v[:TAG_VALUE_MAX]
        if new in out or new in tags and new != k:
            renamed.append(f"{k} dropped (its new name {new} is taken)")
            continue
        out[new] = v
    if dropped:
        report.fixed("tag_autoscaler_discovery", f"{where} tags dropped: {', '.join(dropped)}")
    if renamed:
        report.fixed("tag_name_forbidden_chars", f"{where} tags renamed: {', '.join(renamed)}")
    if cut:
        report.fixed("tag_too_long", f"{where} tags truncated to {TAG_NAME_MAX}/{TAG_VALUE_MAX} characters: "
                     f"{', '.join(cut)}")
    if len(out) > TAGS_MAX:
        keep = sorted(out)[:TAGS_MAX]
        report.fixed("tag_count_over_50", f"{where} has {len(out)} tags; kept the first {TAGS_MAX} by name, dropped "
                     + ", ".join(sorted(out)[TAGS_MAX:]))
        out = {k: out[k] for k in keep}
    return out


def _tags(plan: AksPlan, report: _Report) -> None:
    plan.cluster.tags = _fix_tags(plan.cluster.tags, "resource group and cluster", report)
    for p in plan.node_pools:
        p.tags = _fix_tags(p.tags, f"node pool {p.name}", report)
    if plan.workloads is None:
        return
    for i, obj in enumerate(plan.workloads.objects):  # Azure Disk CSI ``tags: "k1=v1,k2=v2"`` of StorageClasses
        params = obj.get("parameters") if isinstance(obj, dict) and obj.get("kind") == "StorageClass" \
            and obj.get("provisioner") == AZURE_DISK_DRIVER else None
        if not isinstance(params, dict) or not isinstance(params.get("tags"), str):
            continue
        pairs = dict(t.partition("=")[::2] for t in params["tags"].split(",") if t)
        fixed = _fix_tags(pairs, f"StorageClass {(obj.get('metadata') or {}).get('name', '?')} disk", report)
        if fixed != pairs:
            new_params = {k: v for k, v in params.items() if k != "tags"}
            if fixed:
                new_params["tags"] = ",".join(f"{k}={v}" for k, v in fixed.items())
            plan.workloads.objects[i] = {**obj, "parameters": new_params}
