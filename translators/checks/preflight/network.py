"""Preflight: node auto-provisioning limitations (no cluster-autoscaler pools, no Windows pools, Azure CNI Overlay
with Cilium, no IPv6) and Azure CNI powered by Cilium being Linux-only."""
from __future__ import annotations

from translators.checks.preflight.rules import _Report
from translators.plan import AksPlan


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
