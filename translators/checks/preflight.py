"""Preflight: Azure/AKS deployment rules checked on the complete neutral plan, before Pulumi runs.

A pure stage (no Pulumi) over :class:`~translators.plan.AksPlan` after translation. Each rule comes from
``data/preflight_rules.csv`` (rule id, condition name, Microsoft Learn source, whether the preflight fixes the
plan itself, severity left after the fix) and its catalogue entry ``data/rules/preflight.yaml``. A violation
that can be fixed is fixed in the plan and reported with the rule's ``fixed_severity``; one that cannot is
reported with the rule's own severity (``high`` = ARM/AKS refuses the deployment).

Facts: Azure tag limits (tag-resources#limitations: no ``< > % & \\ ? /`` in names, name ≤ 512, value ≤ 256,
≤ 50 tags); node auto-provisioning limitations (no cluster-autoscaler pools, no Windows pools, Azure CNI Overlay
with Cilium, no IPv6); Azure CNI powered by Cilium is Linux-only; Premium SSD v2 / Ultra Disks are zonal, Ultra
needs ``enableUltraSSD``; OS disk 30–2048 GiB (``az aks nodepool add`` / ARM ``ContainerServiceOSDisk``);
maxPods 10–250 and ≥ 30 pods per pool, System pools ≥ 30 pods and ≥ 1 node; pools 0–1000 nodes, ≤ 5000 nodes and ≤ 100 pools per
cluster; names from :mod:`translators.naming`; ARM enums from the vendored
``data/arm_containerservice_2025-09-01.json`` (the API version of pulumi-azure-native 3.29 ContainerService).

Not checkable offline (no sourced per-region data in ``/work/shared/reference``): VM size and Kubernetes
version availability *per region*, UltraSSD per zone, and the ephemeral OS disk size against each size's
cache/temp disk. The VM size check uses the AKS-eligible list of the public regions instead.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.findings import Findings, catalogue, finding
from translators.naming import CLUSTER, DNS_PREFIX, POOL_LINUX, POOL_WINDOWS, RESOURCE_GROUP, cluster_name, \
    dns_prefix, pool_name, resource_group_name
from translators.plan import AksPlan, NodePoolPlan
from translators.refdata import DATA, read_columns, read_table, region_map, vm_sizes

TAG_FORBIDDEN = re.compile(r"[<>%&\\?/]")
TAG_NAME_MAX, TAG_VALUE_MAX, TAGS_MAX = 512, 256, 50
AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler/"
OS_DISK_MIN_GIB = 30
MAX_PODS_MIN, MAX_PODS_MAX, SYSTEM_MIN_PODS = 10, 250, 30
POOL_NODES_MAX, CLUSTER_NODES_MAX, CLUSTER_POOLS_MAX = 1000, 5000, 100
ZONAL_SKUS = ("PremiumV2_LRS", "UltraSSD_LRS")
AZURE_DISK_DRIVER = "disk.csi.azure.com"
ARM_SCHEMA = "arm_containerservice_2025-09-01.json"


@dataclass(frozen=True)
class PreflightRule:
    """One row of ``data/preflight_rules.csv``: ``id`` (catalogue id), ``condition`` (name used in this module),
    ``doc`` (Microsoft Learn URL), ``auto_fix``, ``fixed_severity`` (severity reported after a fix, or ``""``)."""

    id: str
    condition: str
    doc: str
    auto_fix: bool
    fixed_severity: str


@dataclass
class PreflightOptions:
    """``audit_admin_only``: keep ``kube-audit-admin`` rather than ``kube-audit`` when both are planned;
    ``as_of``: date for the AKS version calendar (default today)."""

    audit_admin_only: bool = False
    as_of: dt.date | None = None


@lru_cache(maxsize=1)
def preflight_rules() -> dict[str, PreflightRule]:
    """Condition name → :class:`PreflightRule` (``data/preflight_rules.csv``).

    Raises:
        ValueError: a row names a rule missing from the catalogue or a condition twice.
    """
    out: dict[str, PreflightRule] = {}
    rules = catalogue()
    for r in read_table("preflight_rules.csv"):
        if r["rule_id"] not in rules or r["condition"] in out:
            raise ValueError(f"preflight_rules.csv: bad row {r['rule_id']} {r['condition']}")
        out[r["condition"]] = PreflightRule(r["rule_id"], r["condition"], r["doc_url"], r["auto_fix"] == "yes",
                                            r["fixed_severity"])
    return out


@lru_cache(maxsize=1)
def arm_schema() -> dict[str, Any]:
    """The vendored ARM excerpt (``data/arm_containerservice_2025-09-01.json``): agent pool and managed cluster
    patterns, ranges and enums."""
    return json.loads((DATA / ARM_SCHEMA).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _ephemeral_support() -> dict[str, bool]:
    """VM size → supports an ephemeral OS disk, where known: the sparse ResourceSku flag of
    ``azure_vm_sizes.csv`` (``ephemeral_os_disk_supported_fake``), else whether the size has a local temp disk
    (``d`` in the name; sizes without one have no place for an ephemeral disk unless the flag says so)."""
    out = {}
    for name, flag, temp in read_columns("azure_vm_sizes.csv", "vm_size", "ephemeral_os_disk_supported_fake",
                                         "name_local_temp_disk"):
        out[name] = flag == "True" if flag in ("True", "False") else temp == "True"
    return out


@lru_cache(maxsize=1)
def _ultra_support() -> dict[str, bool]:
    """VM size → supports Ultra Disks, where known (``azure_vm_sizes.csv``: the ResourceSku ``UltraSSDAvailable``
    flag of the karpenter fake SKUs, else the 2022 vantage snapshot; sizes in neither are absent = unknown).
    Availability also varies per zone and region, which no offline table holds."""
    out = {}
    for name, old, new in read_columns("azure_vm_sizes.csv", "vm_size", "ultra_ssd_2022", "ultra_ssd_fake"):
        flag = new or old
        if flag in ("True", "False"):
            out[name] = flag == "True"
    return out


class _Report:
    """Adds preflight findings to ``findings`` (file: the plan's source file, no line)."""

    def __init__(self, plan: AksPlan, findings: Findings):
        self.file = plan.source_file
        self.findings = findings

    def fixed(self, condition: str, message: str) -> None:
        rule = preflight_rules()[condition]
        assert rule.auto_fix, condition
        self.findings.append(finding(rule.id, message, self.file, None, rule.fixed_severity or None))

    def failed(self, condition: str, message: str) -> None:
        self.findings.append(finding(preflight_rules()[condition].id, message, self.file, None))


def run_preflight(plan: AksPlan, findings: Findings, options: PreflightOptions | None = None) -> None:
    """Check ``plan`` against the AKS/ARM rules, fix it in place where a rule allows, and add one finding per
    violation (fixed or not) to ``findings``. Never raises on plan content."""
    opts = options or PreflightOptions()
    report = _Report(plan, findings)
    _names(plan, report)
    _version(plan, report, opts)
    _audit(plan, report, opts)
    _nap_and_network(plan, report)
    _zones(plan, report)
    for pool in plan.node_pools:
        _os_disk(pool, report)
        _max_pods(pool, report)
        _counts(pool, report)
        _spot(pool, report)
    _cluster_limits(plan, report)
    _vm_sizes(plan, report)
    _storage_classes(plan, report)
    _tags(plan, report)
    _os_sku(plan, report)
    _enums(plan, report)


# --- names -------------------------------------------------------------------------------------------------

def _names(plan: AksPlan, report: _Report) -> None:
    c = plan.cluster
    if not CLUSTER.match(c.name):
        new = cluster_name(c.name)
        report.fixed("cluster_name_invalid", f"managed cluster name {c.name!r} -> {new!r}")
        c.name = new
    if not DNS_PREFIX.match(c.dns_prefix):
        new = dns_prefix(c.name)
        report.fixed("dns_prefix_invalid", f"DNS prefix {c.dns_prefix!r} -> {new!r}")
        c.dns_prefix = new
    if not RESOURCE_GROUP.match(c.resource_group_name):
        new = resource_group_name(c.name)
        report.fixed("resource_group_name_invalid", f"resource group name {c.resource_group_name!r} -> {new!r}")
        c.resource_group_name = new
    seen: set[str] = set()
    for pool in plan.node_pools:
        windows = pool.os_type == "Windows"
        if not (POOL_WINDOWS if windows else POOL_LINUX).match(pool.name):
            new = pool_name(pool.name, windows)
            report.fixed("pool_name_invalid", f"node pool {pool.name!r} ({pool.source}) -> {new!r}")
            pool.name = new
        if pool.name in seen:
            width = 6 if windows else 12
            new = next(n for i in range(2, 10_000) if (n := pool.name[: width - len(str(i))] + str(i)) not in seen)
            report.fixed("pool_name_duplicate", f"node pool {pool.name!r} ({pool.source}) -> {new!r}")
            pool.name = new
        seen.add(pool.name)


# --- version and logs --------------------------------------------------------------------------------------

def _minor_key(minor: str) -> tuple[int, ...]:
    return tuple(int(x) for x in minor.split("."))


def _version(plan: AksPlan, report: _Report, opts: PreflightOptions) -> None:
    c = plan.cluster
    if not c.kubernetes_version or not re.match(r"^\d+\.\d+(\.\d+)?$", c.kubernetes_version):
        return
    minor = ".".join(c.kubernetes_version.split(".")[:2])
    today = opts.as_of or dt.date.today()
    cal = {r["minor"]: r for r in read_table("aks_kubernetes_versions.csv")}
    row = cal.get(minor)
    if row is None and _minor_key(minor) > max(map(_minor_key, cal)):
        return  # newer than the calendar: CLU-004 already says so
    lts = c.support_plan == "AKSLongTermSupport"
    if row is not None and dt.date.fromisoformat(row["lts_eol" if lts else "eol"]) > today:
        return  # supported (a minor not GA yet is kept too, as translators.cluster.control_plane does)
    supported = sorted((m for m, r in cal.items()
                        if dt.date.fromisoformat(r["ga"]) <= today < dt.date.fromisoformat(r["eol"])), key=_minor_key)
    target = supported[0] if supported else None
    report.fixed("kubernetes_version_unsupported", f"Kubernetes {c.kubernetes_version} is not supported on AKS on "
                 f"{today.isoformat()}; planned {target or 'the AKS default version'}")
    c.kubernetes_version = target
    if lts:
        c.support_plan, c.sku_tier = "KubernetesOfficial", "Standard"


def _audit(plan: AksPlan, report: _Report, opts: PreflightOptions) -> None:
    cats = plan.cluster.diagnostic_categories
    if "kube-audit" in cats and "kube-audit-admin" in cats:
        drop = "kube-audit" if opts.audit_admin_only else "kube-audit-admin"
        plan.cluster.diagnostic_categories = [c for c in cats if c != drop]
        report.fixed("audit_categories_both", f"diagnostic categories kube-audit and kube-audit-admin; {drop} "
                     "dropped" + ("" if opts.audit_admin_only else " (eks-to-aks:auditLogAdminOnly keeps it instead)"))


# --- node auto-provisioning, Windows and the network profile ------------------------------------------------

def _nap_and_network(plan: AksPlan, report: _Report) -> None:
    c, net = plan.cluster, plan.network
    windows = [p.name for p in plan.node_pools if p.os_type == "Windows"]
    if c.node_auto_provisioning and windows:
        c.node_auto_provisioning = False
        removed = _drop_nap_objects(plan)
        report.fixed("nap_with_windows_pools", f"node auto-provisioning and Windows pool(s) {', '.join(windows)}: NAP "
                     "switched off" + (f", its objects not deployed (no NAP CRDs): {', '.join(removed)}"
                                       if removed else ""))
    if c.node_auto_provisioning:
        if "IPv6" in net.ip_families:
            report.failed("nap_with_dual_stack", "node auto-provisioning on a dual-stack (IPv4/IPv6) cluster")
        scaled = [p for p in plan.node_pools if p.enable_auto_scaling]
        for p in scaled:
            p.count = max(p.count, p.min_count or 0, 1 if p.mode == "System" else 0)
            p.enable_auto_scaling, p.min_count, p.max_count = False, None, None
        if scaled:
            report.fixed("nap_with_autoscaling_pools", "node auto-provisioning with cluster-autoscaler pools; NAP kept, "
                         "fixed node counts: " + ", ".join(f"{p.name}={p.count}" for p in scaled))
        if net.network_plugin != "azure" or net.network_policy == "calico":  # node-auto-provisioning-networking
            was = f"{net.network_plugin}/{net.network_plugin_mode}/{net.network_dataplane}, policy {net.network_policy}"
            net.network_plugin, net.network_plugin_mode, net.network_dataplane = "azure", "overlay", "cilium"
            net.network_policy = "cilium"
            report.fixed("nap_network_not_overlay_cilium", f"network {was} -> azure/overlay/cilium for node "
                         "auto-provisioning")
    if windows and (net.network_dataplane == "cilium" or net.network_policy == "cilium"):
        was = f"dataplane {net.network_dataplane}, policy {net.network_policy}"
        net.network_dataplane = "azure"
        if net.network_policy in ("cilium", "azure"):
            net.network_policy = "calico"
        report.fixed("windows_with_cilium", f"Windows pool(s) {', '.join(windows)} with Azure CNI powered by Cilium "
                     f"({was}) -> dataplane azure, policy {net.network_policy}")


def _drop_nap_objects(plan: AksPlan) -> list[str]:
    """Remove the NAP objects (``karpenter.sh`` / ``karpenter.azure.com``) from the workloads: without NAP the
    cluster has no such CRDs. Returns ``Kind/name`` of each removed object."""
    wl = plan.workloads
    if wl is None:
        return []
    keep, removed = [], []
    for obj in wl.objects:
        group = str(obj.get("apiVersion", "")).split("/")[0] if isinstance(obj, dict) else ""
        if group in ("karpenter.sh", "karpenter.azure.com"):
            removed.append(f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name', '?')}")
        else:
            keep.append(obj)
    wl.objects[:] = keep
    return removed


# --- zones and disks -----------------------------------------------------------------------------------------

def _region_has_zones(location: str) -> bool:
    """Whether the Azure region has availability zones (``aws_to_azure_region_map.csv``; unknown → True)."""
    return next((r["azure_has_availability_zones"] == "True" for r in region_map().values()
                 if r["azure_region_recommended"] == location), True)


def _zones(plan: AksPlan, report: _Report) -> None:
    if not _region_has_zones(plan.cluster.location):
        for p in plan.node_pools:
            if p.availability_zones:
                report.fixed("zones_in_region_without_zones", f"node pool {p.name} zones "
                             f"{', '.join(p.availability_zones)} in {plan.cluster.location}, which has no zones; removed")
                p.availability_zones = []
    for p in plan.node_pools:
        if p.enable_ultra_ssd and not p.availability_zones:
            p.enable_ultra_ssd = False
            report.fixed("ultra_ssd_on_non_zonal_pool", f"node pool {p.name}: enableUltraSSD without zones; switched off")
        if p.enable_ultra_ssd and _ultra_support().get(p.vm_size) is False:
            p.enable_ultra_ssd = False
            report.fixed("ultra_ssd_vm_size_unsupported", f"node pool {p.name}: {p.vm_size} does not support Ultra "
                         "Disks; enableUltraSSD switched off")


def _os_disk(pool: NodePoolPlan, report: _Report) -> None:
    hi = arm_schema()["agentPool"]["osDiskSizeGB"]["maximum"]
    size = pool.os_disk_size_gb
    if size is not None and 0 < size < OS_DISK_MIN_GIB:
        report.fixed("os_disk_below_minimum", f"node pool {pool.name}: OS disk {size} GiB -> {OS_DISK_MIN_GIB} GiB")
        pool.os_disk_size_gb = OS_DISK_MIN_GIB
    elif size is not None and size > hi:
        report.fixed("os_disk_above_maximum", f"node pool {pool.name}: OS disk {size} GiB -> {hi} GiB")
        pool.os_disk_size_gb = hi
    if pool.os_disk_type == "Ephemeral" and not _ephemeral_support().get(pool.vm_size, False):
        report.fixed("ephemeral_os_disk_unsupported", f"node pool {pool.name}: {pool.vm_size} has no ephemeral OS "
                     "disk support known; managed OS disk planned")
        pool.os_disk_type = "Managed"


def _max_pods(pool: NodePoolPlan, report: _Report) -> None:
    if pool.max_pods is None:
        return
    mp = pool.max_pods
    if mp < MAX_PODS_MIN:
        report.fixed("max_pods_below_minimum", f"node pool {pool.name}: maxPods {mp} -> {MAX_PODS_MIN}")
        pool.max_pods = MAX_PODS_MIN
    elif mp > MAX_PODS_MAX:
        report.fixed("max_pods_above_maximum", f"node pool {pool.name}: maxPods {mp} -> {MAX_PODS_MAX}")
        pool.max_pods = MAX_PODS_MAX
    nodes = pool.min_count if pool.enable_auto_scaling and pool.min_count is not None else pool.count
    if nodes and pool.max_pods * nodes < SYSTEM_MIN_PODS:
        need = -(-SYSTEM_MIN_PODS // nodes)
        report.fixed("pool_pod_capacity_below_30", f"node pool {pool.name}: {nodes} node(s) x maxPods "
                     f"{pool.max_pods} < 30 pods -> maxPods {need}")
        pool.max_pods = need
    if pool.mode == "System" and pool.max_pods < SYSTEM_MIN_PODS:
        report.fixed("system_pool_max_pods_below_30", f"system pool {pool.name}: maxPods {pool.max_pods} -> "
                     f"{SYSTEM_MIN_PODS}")
        pool.max_pods = SYSTEM_MIN_PODS


def _counts(pool: NodePoolPlan, report: _Report) -> None:
    def clamp(v: int) -> int:
        return min(max(v, 0), POOL_NODES_MAX)

    before = (pool.count, pool.min_count, pool.max_count)
    pool.count = clamp(pool.count)
    pool.min_count = None if pool.min_count is None else clamp(pool.min_count)
    pool.max_count = None if pool.max_count is None else clamp(pool.max_count)
    if (pool.count, pool.min_count, pool.max_count) != before:
        report.fixed("pool_count_out_of_range", f"node pool {pool.name}: count/min/max {before} clamped to 0-"
                     f"{POOL_NODES_MAX}")
    if pool.enable_auto_scaling:
        lo = pool.min_count if pool.min_count is not None else pool.count
        hi = pool.max_count if pool.max_count is not None else max(pool.count, lo)
        lo, hi = min(lo, hi), max(lo, hi)
        count = min(max(pool.count, lo), hi)
        if (count, lo, hi) != (pool.count, pool.min_count, pool.max_count):
            report.fixed("pool_counts_inconsistent", f"node pool {pool.name}: count {pool.count}, min "
                         f"{pool.min_count}, max {pool.max_count} -> {count}, {lo}, {hi}")
            pool.count, pool.min_count, pool.max_count = count, lo, hi
    if pool.mode == "System" and (pool.count < 1 or (pool.enable_auto_scaling and (pool.min_count or 0) < 1)):
        report.fixed("system_pool_count_below_1", f"system pool {pool.name}: count {pool.count}"
                     + (f", minCount {pool.min_count}" if pool.enable_auto_scaling else "") + " -> at least 1")
        pool.count = max(pool.count, 1)
        if pool.enable_auto_scaling:
            pool.min_count = max(pool.min_count or 0, 1)
            pool.max_count = max(pool.max_count or 1, pool.min_count)


def _spot(pool: NodePoolPlan, report: _Report) -> None:
    price = pool.spot_max_price
    if not pool.spot or price is None or price == -1:
        return
    if price <= 0 or round(price, 5) != price:
        report.fixed("spot_max_price_invalid", f"node pool {pool.name}: spotMaxPrice {price} -> -1")
        pool.spot_max_price = -1


def _cluster_limits(plan: AksPlan, report: _Report) -> None:
    if len(plan.node_pools) > CLUSTER_POOLS_MAX:
        report.failed("cluster_pools_over_100", f"{len(plan.node_pools)} node pools (AKS maximum "
                      f"{CLUSTER_POOLS_MAX})")
    nodes = sum((p.max_count or p.count) if p.enable_auto_scaling else p.count for p in plan.node_pools)
    if nodes > CLUSTER_NODES_MAX:
        report.failed("cluster_nodes_over_5000", f"the node pools add up to {nodes} nodes (AKS maximum "
                      f"{CLUSTER_NODES_MAX} per cluster)")


def _vm_sizes(plan: AksPlan, report: _Report) -> None:
    sizes = vm_sizes()
    for p in plan.node_pools:
        vm = sizes.get(p.vm_size)
        if vm is None or not vm.aks_supported:
            report.failed("vm_size_not_offered", f"node pool {p.name}: {p.vm_size} is "
                          + ("not a known Azure VM size" if vm is None else "not in the AKS-eligible size list"))
        if p.mode == "System":
            why = [w for w, bad in (("Windows", p.os_type != "Linux"), ("Spot", p.spot),
                                    ("B-series", vm is not None and vm.series.startswith("B")),
                                    ("fewer than 2 vCPUs or 4 GB", vm is not None and (vm.vcpu < 2 or vm.memory_gib < 4)))
                   if bad]
            if why:
                report.failed("system_pool_vm_not_allowed", f"system pool {p.name} ({p.vm_size}): {', '.join(why)}")


def _storage_classes(plan: AksPlan, report: _Report) -> None:
    wl = plan.workloads
    if wl is None:
        return
    from translators.storage.disk import disk_skus

    zonal = [p for p in plan.node_pools if p.availability_zones and p.os_type == "Linux"]  # the disk CSI pods
    ultra = [p for p in zonal if p.enable_ultra_ssd]
    for i, obj in enumerate(wl.objects):
        if not (isinstance(obj, dict) and obj.get("kind") == "StorageClass"
                and obj.get("provisioner") == AZURE_DISK_DRIVER):
            continue
        params = obj.get("parameters") or {}
        sku = params.get("skuName")
        if sku not in ZONAL_SKUS:
            continue
        name = (obj.get("metadata") or {}).get("name", "?")
        new_params = dict(params)
        if sku == "UltraSSD_LRS" and not ultra:
            target = "PremiumV2_LRS" if zonal else "Premium_LRS"
            report.fixed("ultra_disk_without_ultra_pool", f"StorageClass {name}: UltraSSD_LRS needs a zonal Linux "
                         f"pool with enableUltraSSD; none is planned -> {target}")
            sku = target
        if sku == "PremiumV2_LRS" and not zonal:
            report.fixed("zonal_disk_without_zonal_pool", f"StorageClass {name}: {params['skuName']} attaches only to "
                         "zonal VMs and no node pool has zones -> Premium_LRS")
            sku = "Premium_LRS"
        if sku == params["skuName"]:
            continue
        new_params["skuName"] = sku
        limits = disk_skus()[sku]
        for key, cap, floor in (("DiskIOPSReadWrite", limits.max_iops, limits.min_iops),
                                ("DiskMBpsReadWrite", limits.max_mbps, limits.min_mbps)):
            if key in new_params:
                if limits.takes_perf_params:
                    new_params[key] = str(min(max(int(float(new_params[key])), floor or 0), cap))
                else:
                    del new_params[key]
        if not limits.takes_perf_params and new_params.get("cachingMode") == "None":
            del new_params["cachingMode"]  # Premium SSD takes host caching (ReadOnly by default)
        new = dict(obj)
        new["parameters"] = new_params
        wl.objects[i] = new


# --- tags ----------------------------------------------------------------------------------------------------

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


# --- ARM enums -------------------------------------------------------------------------------------------------

def _os_sku(plan: AksPlan, report: _Report) -> None:
    allowed = arm_schema()["agentPool"]["osSKU"]
    for p in plan.node_pools:
        if p.os_sku is None or p.os_sku in allowed:
            continue
        new = "Windows2022" if p.os_type == "Windows" else "Ubuntu" if p.os_sku.startswith("Ubuntu") else "AzureLinux"
        report.fixed("os_sku_not_in_api_version", f"node pool {p.name}: osSKU {p.os_sku} is not accepted by API "
                     f"2025-09-01 -> {new}")
        p.os_sku = new


def _enums(plan: AksPlan, report: _Report) -> None:
    pool_enums = arm_schema()["agentPool"]
    net_enums = arm_schema()["managedCluster"]["networkProfile"]
    bad: list[str] = []
    for p in plan.node_pools:
        for field, value, allowed in (("mode", p.mode, pool_enums["mode"]), ("osType", p.os_type, pool_enums["osType"]),
                                      ("osSKU", p.os_sku, pool_enums["osSKU"]),
                                      ("osDiskType", p.os_disk_type, pool_enums["osDiskType"]),
                                      ("scaleSetEvictionPolicy", p.spot_eviction_policy,
                                       pool_enums["scaleSetEvictionPolicy"])):
            if value is not None and value not in allowed:
                bad.append(f"node pool {p.name} {field} {value!r}")
    n = plan.network
    for field, value in (("networkPlugin", n.network_plugin), ("networkPluginMode", n.network_plugin_mode),
                         ("networkPolicy", n.network_policy), ("networkDataplane", n.network_dataplane)):
        if value is not None and value not in net_enums[field]:
            bad.append(f"network profile {field} {value!r}")
    for b in bad:
        report.failed("arm_enum_value_invalid", b)
