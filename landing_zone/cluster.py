"""The AKS managed cluster, its user pools and control-plane diagnostic settings.

Security baseline (AKS docs): OIDC issuer + workload identity, Key Vault secrets
provider with rotation, Azure CNI Overlay with Cilium network policy, Microsoft
Entra ID with Azure RBAC, local accounts disabled, Container Insights. The system
pool sits inline in ``agentPoolProfiles`` (AKS requires one at creation); every
other pool is its own ``AgentPool`` resource.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_azure_native.containerservice as cs
import pulumi_azure_native.managedidentity as managedidentity
import pulumi_azure_native.monitor as monitor

from translators.plan import AksPlan, NodePoolPlan

from .roles import assign_role


def _kubelet(pool: NodePoolPlan) -> cs.KubeletConfigArgs | None:
    """``KubeletConfigArgs`` from the pool's ARM-named kubelet settings (``cpuManagerPolicy``, ...).

    The ARM → Python argument names are read from the SDK's own ``KubeletConfigArgs`` (each property's
    ``pulumi.getter(name=...)``), so no table repeats them.
    """
    if not pool.kubelet_config:
        return None
    return cs.KubeletConfigArgs(**{_KUBELET_ARGS[k]: v for k, v in pool.kubelet_config.items()})


_KUBELET_ARGS: dict[str, str] = {getattr(prop.fget, "_pulumi_name", attr): attr
                                 for attr, prop in vars(cs.KubeletConfigArgs).items() if isinstance(prop, property)}


def pool_properties(pool: NodePoolPlan, subnet_id: pulumi.Input[str]) -> dict[str, Any]:
    """Keyword arguments shared by ``ManagedClusterAgentPoolProfileArgs`` and ``AgentPool``."""
    props: dict[str, Any] = dict(
        mode=cs.AgentPoolMode(pool.mode), vm_size=pool.vm_size, count=pool.count,
        os_type=cs.OSType(pool.os_type), os_sku=cs.OSSKU(pool.os_sku) if pool.os_sku else None,
        type=cs.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS, vnet_subnet_id=subnet_id,
        node_labels=pool.labels or None, node_taints=pool.taints or None, tags=pool.tags or None,
        max_pods=pool.max_pods, availability_zones=pool.availability_zones or None,
        os_disk_size_gb=pool.os_disk_size_gb,
        os_disk_type=cs.OSDiskType(pool.os_disk_type) if pool.os_disk_type else None,
        enable_ultra_ssd=pool.enable_ultra_ssd or None, kubelet_config=_kubelet(pool))
    if pool.enable_auto_scaling:
        props.update(enable_auto_scaling=True, min_count=pool.min_count, max_count=pool.max_count)
    if pool.spot:
        props.update(scale_set_priority=cs.ScaleSetPriority.SPOT,
                     scale_set_eviction_policy=cs.ScaleSetEvictionPolicy(pool.spot_eviction_policy or "Delete"),
                     spot_max_price=pool.spot_max_price)
    return {k: v for k, v in props.items() if v is not None}


class AksCluster(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:AksCluster``.

    Outputs: ``cluster_name``, ``oidc_issuer_url``, ``kubelet_object_id``, ``control_plane_principal_id``.
    """

    def __init__(self, name: str, plan: AksPlan, *, resource_group_name: pulumi.Input[str],
                 subnet_id: pulumi.Input[str], workspace_id: pulumi.Input[str], tenant_id: pulumi.Input[str],
                 subscription_id: pulumi.Input[str], stack: str, vault_id: pulumi.Input[str] | None = None,
                 kms_key_id: pulumi.Input[str] | None = None,
                 windows_admin_password: pulumi.Input[str] | None = None,
                 admin_group_object_ids: Sequence[str] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:AksCluster", name, None, opts)
        c = plan.cluster
        child = pulumi.ResourceOptions(parent=self)
        self.control_plane_identity = managedidentity.UserAssignedIdentity(
            "control-plane", resource_group_name=resource_group_name, location=c.location,
            resource_name_=f"id-{c.name}-control-plane", opts=child)
        cp_principal = self.control_plane_identity.principal_id
        depends: list[pulumi.Resource] = []
        # the control plane identity manages the node subnet (join, load balancers)
        depends.append(assign_role("control-plane-network", role="Network Contributor", scope=subnet_id,
                                   principal_id=cp_principal, subscription_id=subscription_id,
                                   name_seed=(stack, c.name, "subnet", "control-plane"), opts=child))
        security = cs.ManagedClusterSecurityProfileArgs(
            workload_identity=cs.ManagedClusterSecurityProfileWorkloadIdentityArgs(enabled=True),
            image_cleaner=cs.ManagedClusterSecurityProfileImageCleanerArgs(enabled=True, interval_hours=168))
        if kms_key_id is not None and vault_id is not None:
            depends.append(assign_role("control-plane-kms", role="Key Vault Crypto User", scope=vault_id,
                                       principal_id=cp_principal, subscription_id=subscription_id,
                                       name_seed=(stack, c.name, "vault", "control-plane"), opts=child))
            security.azure_key_vault_kms = cs.AzureKeyVaultKmsArgs(
                enabled=True, key_id=kms_key_id, key_vault_network_access=cs.KeyVaultNetworkAccessTypes.PUBLIC)
        n = plan.network
        system = plan.system_pools[0]
        windows = any(p.os_type == "Windows" for p in plan.node_pools)
        self.cluster = cs.ManagedCluster(
            "aks", resource_name_=c.name, resource_group_name=resource_group_name, location=c.location,
            dns_prefix=c.dns_prefix, kubernetes_version=c.kubernetes_version, tags=c.tags or None,
            sku=cs.ManagedClusterSKUArgs(name=cs.ManagedClusterSKUName.BASE, tier=cs.ManagedClusterSKUTier(c.sku_tier)),
            support_plan=cs.KubernetesSupportPlan(c.support_plan),
            identity=cs.ManagedClusterIdentityArgs(type=cs.ResourceIdentityType.USER_ASSIGNED,
                                                   user_assigned_identities=[self.control_plane_identity.id]),
            agent_pool_profiles=[cs.ManagedClusterAgentPoolProfileArgs(name=system.name,
                                                                       **pool_properties(system, subnet_id))],
            enable_rbac=True, disable_local_accounts=True,
            aad_profile=cs.ManagedClusterAADProfileArgs(managed=True, enable_azure_rbac=True, tenant_id=tenant_id,
                                                        admin_group_object_ids=list(admin_group_object_ids) or None),
            oidc_issuer_profile=cs.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=security,
            addon_profiles={
                "azureKeyvaultSecretsProvider": cs.ManagedClusterAddonProfileArgs(
                    enabled=True, config={"enableSecretRotation": "true", "rotationPollInterval": "2m"}),
                "omsagent": cs.ManagedClusterAddonProfileArgs(
                    enabled=True, config={"logAnalyticsWorkspaceResourceID": workspace_id}),
            },
            network_profile=cs.ContainerServiceNetworkProfileArgs(
                network_plugin=cs.NetworkPlugin(n.network_plugin),
                network_plugin_mode=cs.NetworkPluginMode(n.network_plugin_mode),
                network_dataplane=cs.NetworkDataplane(n.network_dataplane),
                network_policy=cs.NetworkPolicy(n.network_policy),
                pod_cidr=n.pod_cidr, service_cidr=n.service_cidr, dns_service_ip=n.dns_service_ip,
                ip_families=[cs.IpFamily(f) for f in n.ip_families],
                outbound_type=cs.OutboundType(n.outbound_type),
                load_balancer_sku=cs.LoadBalancerSku.STANDARD),
            api_server_access_profile=cs.ManagedClusterAPIServerAccessProfileArgs(
                enable_private_cluster=c.private_cluster or None,
                authorized_ip_ranges=c.authorized_ip_ranges or None),
            auto_upgrade_profile=cs.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=cs.UpgradeChannel.PATCH,
                node_os_upgrade_channel=cs.NodeOSUpgradeChannel.NODE_IMAGE),
            storage_profile=cs.ManagedClusterStorageProfileArgs(
                disk_csi_driver=cs.ManagedClusterStorageProfileDiskCSIDriverArgs(enabled=True),
                file_csi_driver=cs.ManagedClusterStorageProfileFileCSIDriverArgs(enabled=True),
                snapshot_controller=cs.ManagedClusterStorageProfileSnapshotControllerArgs(enabled=True),
                blob_csi_driver=cs.ManagedClusterStorageProfileBlobCSIDriverArgs(enabled=c.blob_csi_driver)),
            ingress_profile=cs.ManagedClusterIngressProfileArgs(
                web_app_routing=cs.ManagedClusterIngressProfileWebAppRoutingArgs(enabled=c.app_routing)),
            service_mesh_profile=cs.ServiceMeshProfileArgs(mode=cs.ServiceMeshMode.ISTIO) if c.service_mesh_istio else None,
            node_provisioning_profile=cs.ManagedClusterNodeProvisioningProfileArgs(
                mode=cs.NodeProvisioningMode.AUTO) if c.node_auto_provisioning else None,
            windows_profile=cs.ManagedClusterWindowsProfileArgs(
                admin_username="azureadmin", admin_password=windows_admin_password) if windows else None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends,
                                        ignore_changes=["agentPoolProfiles[0].count"]))
        self.pools = [
            cs.AgentPool(pool.name, resource_name_=self.cluster.name, resource_group_name=resource_group_name,
                         agent_pool_name=pool.name, **pool_properties(pool, subnet_id),
                         opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"] if pool.enable_auto_scaling
                                                     else None))
            for pool in plan.node_pools if pool is not system
        ]
        if c.diagnostic_categories:
            monitor.DiagnosticSetting(
                "control-plane-logs", name="control-plane-logs", resource_uri=self.cluster.id,
                workspace_id=workspace_id, log_analytics_destination_type="Dedicated",
                logs=[monitor.DiagnosticsLogSettingsArgs(category=cat, enabled=True) for cat in c.diagnostic_categories],
                opts=child)
        self.cluster_name = self.cluster.name
        self.oidc_issuer_url = self.cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url if p else None)
        self.kubelet_object_id = self.cluster.identity_profile.apply(
            lambda ip: ip["kubeletidentity"].object_id if ip and "kubeletidentity" in ip else None)
        self.register_outputs({"cluster_name": self.cluster_name, "oidc_issuer_url": self.oidc_issuer_url,
                               "kubelet_object_id": self.kubelet_object_id})
