"""The Azure landing zone: thin Pulumi components that turn a :class:`~translators.plan.AksPlan`
into pulumi-azure-native v3 resources."""
from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.containerservice as cs
import pulumi_azure_native.resources as resources

from translators.plan import AksPlan, Placeholder

from .cluster import AksCluster
from .identity import WorkloadIdentities
from .keyvault import Vault
from .monitoring import Monitoring
from .network import Network
from .registry import Registry


def secret_names(plan: AksPlan) -> list[str]:
    """Key Vault secret names from the secrets migration plan (sorted, unique)."""
    return plan.workloads.secret_names() if plan.workloads is not None else []


class LandingZone(pulumi.ComponentResource):
    """``eks-to-aks:index:LandingZone``: resource group, network, monitoring, Key Vault, ACR, AKS and the
    workload identities of the translated manifests.

    Outputs: ``cluster_name``, ``oidc_issuer_url``, ``acr_login_server``, ``key_vault_uri``,
    ``kubeconfig`` (secret).
    """

    def __init__(self, name: str, plan: AksPlan, stack: str, windows_admin_password: pulumi.Input[str] | None = None,
                 secret_values: pulumi.Input[Mapping[str, str]] | None = None, secret_names: Sequence[str] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:index:LandingZone", name, None, opts)
        c = plan.cluster
        child = pulumi.ResourceOptions(parent=self)
        client = authorization.get_client_config_output()
        self.resource_group = resources.ResourceGroup("rg", resource_group_name=c.resource_group_name,
                                                      location=c.location, tags=c.tags or None, opts=child)
        rg = self.resource_group.name
        self.network = Network("network", plan.network, rg, c.location, opts=child)
        self.monitoring = Monitoring("monitoring", plan.log_analytics_name, rg, c.location,
                                     retention_days=c.log_retention_days, opts=child)
        self.vault = Vault("keyvault", plan.key_vault_name, rg, c.location, client.tenant_id, c.kms_key_name,
                           secret_values=secret_values, secret_names=secret_names, opts=child)
        self.registry = Registry("registry", plan.registry_name, rg, c.location, opts=child)
        self.aks = AksCluster("cluster", plan, resource_group_name=rg, subnet_id=self.network.node_subnet_id,
                              workspace_id=self.monitoring.workspace_id, tenant_id=client.tenant_id,
                              subscription_id=client.subscription_id, stack=stack, vault_id=self.vault.vault_id,
                              kms_key_id=self.vault.kms_key_id, windows_admin_password=windows_admin_password,
                              opts=child)
        self.registry.grant_pull("kubelet-acrpull", self.aks.kubelet_object_id.apply(lambda x: x or ""),
                                 client.subscription_id, (stack, c.name, "acr", "kubelet"))
        creds = cs.list_managed_cluster_user_credentials_output(resource_group_name=rg,
                                                               resource_name=self.aks.cluster_name)
        self.kubeconfig = pulumi.Output.secret(creds.kubeconfigs[0].value.apply(
            lambda v: base64.b64decode(v).decode("utf-8") if v else ""))
        # values for the placeholders translated manifests carry (see workloads.fill_placeholders)
        self.placeholders: dict[str, pulumi.Input[str]] = {Placeholder.TENANT_ID: client.tenant_id}
        identities = plan.workloads.identities if plan.workloads is not None else None
        if identities is not None and identities.identities:
            self.identities = WorkloadIdentities(
                "identities", identities.identities, resource_group_name=rg, location=c.location,
                issuer_url=self.aks.oidc_issuer_url.apply(lambda u: u or ""),
                scopes={"vault": self.vault.vault_id, "registry": self.registry.registry_id},
                subscription_id=client.subscription_id, stack=stack, opts=child)
            self.placeholders.update(self.identities.placeholders)
        self.cluster_name = self.aks.cluster_name
        self.oidc_issuer_url = self.aks.oidc_issuer_url
        self.acr_login_server = self.registry.login_server
        self.key_vault_uri = self.vault.vault_uri
        self.register_outputs({"cluster_name": self.cluster_name, "oidc_issuer_url": self.oidc_issuer_url,
                               "acr_login_server": self.acr_login_server, "key_vault_uri": self.key_vault_uri})
