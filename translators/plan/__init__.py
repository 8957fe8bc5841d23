"""The neutral AKS plan: the one, typed hand-over from the translators to the Pulumi layer.

Produced by :func:`translators.estate.translate_estate`; ``landing_zone/``, ``workloads/`` and
``program.py`` read nothing else of ``translators`` (``tests/test_architecture.py`` checks it). No Pulumi
types. Field names follow the ARM / pulumi-azure-native property they feed (``vm_size`` → ``vmSize``,
``os_disk_size_gb`` → ``osDiskSizeGB``).

Shapes:

* :class:`AksPlan`: :class:`ClusterPlan`, :class:`NetworkPlan`, :class:`NodePoolPlan` list, the globally
  unique resource names, findings, and the :class:`WorkloadPlan` of the manifests;
* :class:`WorkloadPlan`: the emitted manifests, one :class:`ObjectResult` per input object, the
  :class:`IdentityPlan` (:class:`WorkloadIdentity` → :class:`FederatedCredential`, :class:`RoleGrant`), the
  image copy plan (:data:`ImageCopyPlan`), the secrets migration plan (:class:`SecretMigration`) and the
  :class:`ClusterFeature` set the translations asked the cluster for;
* :class:`Placeholder`: the ``${...}`` markers translators leave in manifests for values known only after
  ``pulumi up`` (an identity's client id, the tenant id), filled by the Pulumi layer.

Modules: :mod:`~translators.plan.cluster` (cluster, network, pools), :mod:`~translators.plan.identity`,
:mod:`~translators.plan.workloads`, :mod:`~translators.plan.deploy`, :mod:`~translators.plan.markers` (feature
requests, placeholders, helpers). Import every name from ``translators.plan``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from translators.findings import Finding
from translators.plan.cluster import ClusterPlan, NetworkPlan, NodePoolPlan
from translators.plan.deploy import DeployPlan, OperatorPlan, Prerequisite
from translators.plan.identity import FederatedCredential, IdentityPlan, RoleGrant, WorkloadIdentity
from translators.plan.markers import (ClusterFeature, Placeholder, api_group, builtin_role_guid, map_strings, object_key, short_hash,
                                      stable_guid)
from translators.plan.workloads import (ImageCopy, ImageCopyPlan, ObjectResult, SecretMigration, WorkloadPlan,
                                        WorkloadVerdict)

__all__ = ["AksPlan", "ClusterFeature", "ClusterPlan", "DeployPlan", "FederatedCredential", "IdentityPlan", "ImageCopy",
           "ImageCopyPlan", "NetworkPlan", "NodePoolPlan", "ObjectResult", "OperatorPlan", "Placeholder", "Prerequisite",
           "RoleGrant", "SecretMigration", "WorkloadIdentity", "WorkloadPlan", "WorkloadVerdict", "api_group", "builtin_role_guid",
           "map_strings", "object_key", "short_hash", "stable_guid"]


@dataclass
class AksPlan:
    """The whole landing zone plus the findings of the translation.

    ``registry_name`` (ACR, 5–50 alphanumerics) and ``key_vault_name`` (3–24) are
    globally unique, derived deterministically from stack and cluster name.
    """

    source_file: str
    cluster: ClusterPlan
    network: NetworkPlan
    node_pools: list[NodePoolPlan]
    registry_name: str
    key_vault_name: str
    log_analytics_name: str
    findings: list[Finding] = field(default_factory=list)
    workloads: WorkloadPlan | None = None  # when manifests or eksctl service accounts were given
    deploy: DeployPlan | None = None  # how the objects reach the cluster (translators.checks.deployment)
    #: per-workload deployability verdicts (translators.checks.deployability), emitted order
    verdicts: list[WorkloadVerdict] = field(default_factory=list)

    @property
    def system_pools(self) -> list[NodePoolPlan]:
        """Pools in ``System`` mode (AKS requires at least one)."""
        return [p for p in self.node_pools if p.mode == "System"]

    def as_json(self) -> dict[str, Any]:
        """Plain-JSON view (for reports and tests)."""
        wl = self.workloads
        self.workloads = None
        try:
            d = asdict(self)
        finally:
            self.workloads = wl
        d["findings"] = [f.as_json() for f in self.findings]
        d["workloads"] = None if wl is None else {"counts": wl.counts, "objects": len(wl.objects)}
        return d
