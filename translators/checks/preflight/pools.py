"""Preflight: node pools. Names (:mod:`translators.naming`; also the cluster, DNS prefix and resource group), OS disk
30–2048 GiB and ephemeral OS disk support, maxPods 10–250 and ≥ 30 pods per pool, System pools ≥ 30 pods and
≥ 1 node, pools 0–1000 nodes, Spot max price, ≤ 5000 nodes and ≤ 100 pools per cluster, and VM sizes (the
AKS-eligible list of the public regions; System pool restrictions)."""
from __future__ import annotations

from functools import lru_cache

from translators.checks.preflight.rules import _Report, arm_schema
from translators.naming import CLUSTER, DNS_PREFIX, POOL_LINUX, POOL_WINDOWS, RESOURCE_GROUP, cluster_name, \
    dns_prefix, pool_name, resource_group_name
from translators.plan import AksPlan, NodePoolPlan
from translators.refdata import read_columns, vm_sizes

OS_DISK_MIN_GIB = 30
MAX_PODS_MIN, MAX_PODS_MAX, SYSTEM_MIN_PODS = 10, 250, 30
POOL_NODES_MAX, CLUSTER_NODES_MAX, CLUSTER_POOLS_MAX = 1000, 5000, 100


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
