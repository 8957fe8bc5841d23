"""Preflight: the cluster. Kubernetes version against the AKS version calendar, the audit log categories, and the
ARM enums of the vendored excerpt (osSKU, pool and network profile enums of API 2025-09-01)."""
from __future__ import annotations

import datetime as dt
import re

from translators.checks.preflight.rules import PreflightOptions, _Report, arm_schema
from translators.plan import AksPlan
from translators.refdata import read_table


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
