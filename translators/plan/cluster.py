"""The managed cluster, its network and its node pools (ARM / pulumi-azure-native property names)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
        service_mesh_istio: enable the Istio-based service mesh add-on (``serviceMeshProfile.mode=Istio``; no
            revision given, so AKS installs its default supported revision: learn.microsoft.com/azure/aks/istio-deploy-addon).
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
    service_mesh_istio: bool = False
    log_retention_days: int = 30
    tags: dict[str, str] = field(default_factory=dict)
