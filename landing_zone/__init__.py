"""The Azure landing zone: thin Pulumi components that turn a :class:`~translators.plan.AksPlan`
into pulumi-azure-native v3 resources."""
from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.containerservice as cs
import pulumi_azure_native.resources as resources

from translators.plan import AksPlan, DeployPlan, ImageCopy, Placeholder
from workloads.kubeconfig import login_mode, non_interactive_kubeconfig

from .access import ClusterAccess, deployer_principal_type
from .cluster import AksCluster
from .extensions import ClusterExtensions
from .images import ImageImports
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
    ``kubeconfig`` (secret; its Entra ID user runs kubelogin non-interactively, see ``workloads.kubeconfig``).

    First-``up`` readiness (issue #11): ``access`` (cluster admin for the deployer and admin groups, app routing's
    Key Vault roles), ``images`` (the ``az acr import`` lines of ``image_copies``), ``extensions`` (AKS cluster extensions
    and, for a private cluster with a Git repository, Flux). ``deploy_prerequisites`` lists what the Kubernetes
    objects must wait for; ``group_dependencies`` maps an API group to the extension serving it.
    """

    def __init__(self, name: str, plan: AksPlan, stack: str, windows_admin_password: pulumi.Input[str] | None = None,
                 secret_values: pulumi.Input[Mapping[str, str]] | None = None, secret_names: Sequence[str] = (),
                 image_copies: Sequence[ImageCopy] = (), deployer_type: authorization.PrincipalType | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:index:LandingZone", name, None, opts)
        c = plan.cluster
        child = pulumi.ResourceOptions(parent=self)
        client = authorization.get_client_config_output()
        self.resource_group = resources.ResourceGroup("rg", resource_group_name=c.resource_group_name,
                                                      location=c.location, tags=c.tags or None, opts=child)
        rg = self.resource_group.name
        deploy = plan.deploy or DeployPlan()
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
                              admin_group_object_ids=deploy.admin_group_object_ids, opts=child)
        self.registry.grant_pull("kubelet-acrpull", self.aks.kubelet_object_id.apply(lambda x: x or ""),
                                 client.subscription_id, (stack, c.name, "acr", "kubelet"))
        creds = cs.list_managed_cluster_user_credentials_output(resource_group_name=rg, format="exec",
                                                               resource_name=self.aks.cluster_name)
        login = login_mode(os.environ)
        self.kubeconfig = pulumi.Output.secret(creds.kubeconfigs[0].value.apply(
            lambda v: non_interactive_kubeconfig(base64.b64decode(v).decode("utf-8"), login) if v else ""))
        app_routing = self.aks.cluster.ingress_profile.apply(
            lambda p: (p.web_app_routing.identity.object_id or "") if p and p.web_app_routing
            and p.web_app_routing.identity else "")
        self.access = ClusterAccess(
            "access", cluster_id=self.aks.cluster.id, deployer_object_id=client.object_id,
            admin_group_object_ids=deploy.admin_group_object_ids, subscription_id=client.subscription_id,
            stack=stack, cluster_name=c.name, app_routing_object_id=app_routing if deploy.app_routing_key_vault
            else None, vault_id=self.vault.vault_id,
            deployer_type=deployer_type or deployer_principal_type(os.environ), opts=child)
        self.images = ImageImports("images", image_copies, registry=self.registry.registry, opts=child)
        self.extensions = ClusterExtensions(
            "extensions", cluster_name=self.aks.cluster_name, resource_group_name=rg,
            operators=deploy.operators, deploy=deploy,
            substitutes={"AZURE_TENANT_ID": client.tenant_id, "AZURE_SUBSCRIPTION_ID": client.subscription_id,
                         "VELERO_SUBSCRIPTION_ID": client.subscription_id,
                         "DNS_ZONE_SUBSCRIPTION_ID": client.subscription_id},
            depends_on=[*self.aks.pools, *self.access.grants], opts=child)
        self.group_dependencies: dict[str, pulumi.Resource] = {
            g: self.extensions.extensions[op.extension_type] for op in deploy.operators
            if op.provider == "aks-extension" for g in op.groups}
        self.deploy_prerequisites: list[pulumi.Resource] = [*self.access.grants, *self.images.commands,
                                                           *self.vault.secrets, *self.aks.pools]
        # values for the placeholders translated manifests carry (see workloads.fill_placeholders)
        self.placeholders: dict[str, pulumi.Input[str]] = {
            Placeholder.TENANT_ID: client.tenant_id, **{k: client.subscription_id for k in Placeholder.SUBSCRIPTION_IDS}}
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
