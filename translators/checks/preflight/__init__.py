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

The checks are split by concern:

* :mod:`~translators.checks.preflight.rules`: the rule table, the ARM excerpt, :class:`PreflightOptions` and the
  reporter;
* :mod:`~translators.checks.preflight.pools`: names, OS disk, maxPods, node counts, Spot price, cluster limits, VM sizes;
* :mod:`~translators.checks.preflight.cluster`: Kubernetes version, audit log categories, ARM enums;
* :mod:`~translators.checks.preflight.network`: node auto-provisioning, Windows and the network profile;
* :mod:`~translators.checks.preflight.disks`: zones, Ultra Disks, zonal disk StorageClasses;
* :mod:`~translators.checks.preflight.tags`: Azure tag limits.

This package runs them (:func:`run_preflight`) and re-exports their public names.
"""
from __future__ import annotations

from translators.checks.preflight.cluster import _audit, _enums, _os_sku, _version
from translators.checks.preflight.disks import AZURE_DISK_DRIVER, ZONAL_SKUS, _storage_classes, _zones
from translators.checks.preflight.network import _nap_and_network
from translators.checks.preflight.pools import (
    CLUSTER_NODES_MAX, CLUSTER_POOLS_MAX, MAX_PODS_MAX, MAX_PODS_MIN, OS_DISK_MIN_GIB, POOL_NODES_MAX, SYSTEM_MIN_PODS,
    _cluster_limits, _counts, _max_pods, _names, _os_disk, _spot, _vm_sizes)
from translators.checks.preflight.rules import (
    ARM_SCHEMA, PreflightOptions, PreflightRule, _Report, arm_schema, preflight_rules)
from translators.checks.preflight.tags import (
    AUTOSCALER_TAG_PREFIX, TAG_FORBIDDEN, TAG_NAME_MAX, TAG_VALUE_MAX, TAGS_MAX, _tags)
from translators.findings import Findings
from translators.plan import AksPlan

__all__ = [
    "ARM_SCHEMA", "AUTOSCALER_TAG_PREFIX", "AZURE_DISK_DRIVER", "CLUSTER_NODES_MAX", "CLUSTER_POOLS_MAX",
    "MAX_PODS_MAX", "MAX_PODS_MIN", "OS_DISK_MIN_GIB", "POOL_NODES_MAX", "SYSTEM_MIN_PODS", "TAGS_MAX",
    "TAG_FORBIDDEN", "TAG_NAME_MAX", "TAG_VALUE_MAX", "ZONAL_SKUS", "PreflightOptions", "PreflightRule",
    "arm_schema", "preflight_rules", "run_preflight"]


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
