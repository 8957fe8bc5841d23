"""The neutral AKS plan: what the Pulumi layer builds, with no Pulumi types.

Produced by :func:`translators.translate.translate_estate`, consumed by
``landing_zone/`` and ``workloads/``. Field names follow the ARM /
pulumi-azure-native property they feed (``vm_size`` → ``vmSize``,
``os_disk_size_gb`` → ``osDiskSizeGB``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .findings import Finding


@dataclass
class NodePoolPlan:
    """One AKS agent pool.

    Attributes:
        name: AKS pool name (``^[a-z][a-z0-9]{0,11}$``, ≤6 chars for Windows).
        source: the eksctl group it came from, e.g. ``managedNodeGroups[0] (ng-1)``.
        mode: ``System`` or ``User``.
        vm_size: Azure VM size, e.g. ``Standard_D4s_v5``.
        os_type: ``Linux`` or ``Windows``; os_sku: ``AzureLinux``/``Ubuntu``/``Windows2022``.
        count, min_count, max_count: node counts; autoscaling when ``enable_auto_scaling``.
        os_disk_size_gb: OS disk size in GiB; os_disk_type: ``Managed`` or ``Ephemeral``.
        availability_zones: Azure zones ``"1"``–``"3"``.
        spot: Spot priority (eviction policy ``Delete``, ``spot_max_price`` -1 = pay up to on-demand).
        taints: ``key=value:Effect`` strings; labels: node labels.
        arch: ``amd64`` or ``arm64``; gpu_count: GPUs per node.
    """

    name: str
    source: str
    mode: str
    vm_size: str
    os_type: str = "Linux"
    os_sku: str | None = "AzureLinux"
    count: int = 1
    min_count: int | None = None
    max_count: int | None = None
    enable_auto_scaling: bool = False
    max_pods: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[str] = field(default_factory=list)
    os_disk_size_gb: int | None = None
    os_disk_type: str | None = None
    availability_zones: list[str] = field(default_factory=list)
    spot: bool = False
    spot_eviction_policy: str | None = None
    spot_max_price: float | None = None
    arch: str = "amd64"
    gpu_count: int = 0
    enable_ultra_ssd: bool = False
    kubelet_config: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class NetworkPlan:
    """VNet, node subnet and the cluster's network profile (CIDRs as strings)."""

    vnet_cidr: str = "10.224.0.0/12"
    node_subnet_cidr: str = "10.224.0.0/16"
    service_cidr: str = "10.0.0.0/16"
    dns_service_ip: str = "10.0.0.10"
    pod_cidr: str = "10.244.0.0/16"
    network_plugin: str = "azure"
    network_plugin_mode: str = "overlay"
    network_dataplane: str = "cilium"
    network_policy: str = "cilium"
    ip_families: list[str] = field(default_factory=lambda: ["IPv4"])
    outbound_type: str = "loadBalancer"


@dataclass
class ClusterPlan:
    """The AKS managed cluster.

    Attributes:
        name: managed cluster name (Azure rules: 1–63, alphanumerics, ``-`` and ``_``).
        location: Azure region, e.g. ``eastus``.
        kubernetes_version: ``"1.31"``-style minor or full patch, or ``None`` for the AKS default.
        sku_tier: ``Free``, ``Standard`` or ``Premium``; support_plan: ``KubernetesOfficial`` or
            ``AKSLongTermSupport``.
        private_cluster: API server on a private endpoint only.
        authorized_ip_ranges: CIDRs allowed to reach a public API server.
        kms_key_name: Key Vault key used for etcd (KMS) encryption, or ``None``.
        diagnostic_categories: AKS control-plane log categories sent to Log Analytics.
        node_auto_provisioning: ``nodeProvisioningProfile.mode=Auto`` (Karpenter on AKS).
        blob_csi_driver: enable the Blob CSI driver (Mountpoint for S3 replacement).
        app_routing: enable the application routing add-on (managed NGINX ingress).
        cost_analysis / image_cleaner: optional features.
    """

    name: str
    resource_group_name: str
    location: str
    dns_prefix: str
    kubernetes_version: str | None = None
    sku_tier: str = "Standard"
    support_plan: str = "KubernetesOfficial"
    private_cluster: bool = False
    authorized_ip_ranges: list[str] = field(default_factory=list)
    kms_key_name: str | None = None
    diagnostic_categories: list[str] = field(default_factory=list)
    node_auto_provisioning: bool = False
    blob_csi_driver: bool = False
    app_routing: bool = True
    log_retention_days: int = 30
    admin_username: str = "azureuser"
    windows_admin_username: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


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
    workloads: Any = None  # translators.workloads.WorkloadPlan when manifests were given
    deploy: DeployPlan | None = None  # how the objects reach the cluster (translators.checks.deployability)

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


@dataclass
class Prerequisite:
    """An operator or CRD the estate's custom resources need on AKS (a row of ``data/prerequisites.csv``).

    Attributes:
        group, kind: the API group and kind (``kind`` ``*``: every kind of the group).
        provider: ``aks-addon`` | ``aks-extension`` | ``helm`` | ``none`` | ``estate`` (the CRD is in the estate).
        how: what provides it, in words; doc: its Microsoft Learn page.
        objects: how many objects of the estate need it.
        provided: whether this stack provides it (add-on enabled, extension or chart installed, CRD in the estate).
        operator: name of the :class:`OperatorPlan` that provides it (``""``: none).
    """

    group: str
    kind: str
    provider: str
    how: str
    doc: str
    objects: int = 0
    provided: bool = False
    operator: str = ""


@dataclass
class OperatorPlan:
    """An operator the stack installs before the custom resources that need it.

    ``provider`` ``helm``: a pinned chart (``chart_repo``, ``chart``, ``chart_version``, ``namespace``,
    ``values`` as flat ``key → string``); ``aks-extension``: an AKS cluster extension of ``extension_type``.
    ``groups``: the API groups whose objects wait for it.
    """

    name: str
    provider: str
    chart_repo: str = ""
    chart: str = ""
    chart_version: str = ""
    namespace: str = ""
    values: dict[str, str] = field(default_factory=dict)
    extension_type: str = ""
    groups: list[str] = field(default_factory=list)


@dataclass
class DeployPlan:
    """How the Pulumi layer deploys the translated objects on the first ``pulumi up`` (issue #11).

    Attributes:
        mode: ``provider`` (pulumi-kubernetes, from the deploying machine), ``gitops`` (the AKS Flux extension
            applies ``gitops_path`` of ``gitops_repository``@``gitops_branch``), or ``none`` (not deployed).
        admin_group_object_ids: Entra ID groups made cluster admins (AKS RBAC Cluster Admin, aadProfile).
        prerequisites: operators and CRDs the custom resources need; operators: what the stack installs.
        skipped: ``"<apiVersion>/<kind>/<namespace>/<name>"`` of objects never sent to the API server.
        app_routing_key_vault: an Ingress takes its TLS certificate from Key Vault through app routing.
    """

    mode: str = "provider"
    gitops_repository: str = ""
    gitops_branch: str = "main"
    gitops_path: str = "./"
    admin_group_object_ids: list[str] = field(default_factory=list)
    prerequisites: list[Prerequisite] = field(default_factory=list)
    operators: list[OperatorPlan] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    app_routing_key_vault: bool = False
