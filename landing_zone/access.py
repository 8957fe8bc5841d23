"""Access the first ``pulumi up`` needs on a cluster with Azure RBAC and local accounts disabled (issue #11).

* The deploying principal (``getClientConfig`` objectId: the signed-in user, or the pipeline's service
  principal) gets **Azure Kubernetes Service RBAC Cluster Admin** on the cluster, so the Kubernetes objects
  this stack creates are not refused with 403 (AKS docs, "Use Azure RBAC for Kubernetes authorization":
  https://learn.microsoft.com/en-us/azure/aks/manage-azure-rbac). Configured admin groups
  (``eks-to-aks:adminGroupObjectIds``) get it too, and are the cluster's ``aadProfile.adminGroupObjectIDs``.
* The application routing add-on's identity (``ingressProfile.webAppRouting.identity``) gets **Key Vault
  Certificate User** and **Key Vault Secrets User** on the stack's vault when an Ingress takes its TLS
  certificate from Key Vault (https://learn.microsoft.com/en-us/azure/aks/app-routing-dns-ssl).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native.authorization as authorization

from .roles import assign_role

CLUSTER_ADMIN = "Azure Kubernetes Service RBAC Cluster Admin"
APP_ROUTING_VAULT_ROLES = ("Key Vault Certificate User", "Key Vault Secrets User")
#: Environment variables that mean ``pulumi up`` signs in as a service principal (azure-native provider, Azure SDK).
SERVICE_PRINCIPAL_ENV = ("ARM_CLIENT_ID", "AZURE_CLIENT_ID")


def deployer_principal_type(environ: Mapping[str, str], configured: str | None = None) -> authorization.PrincipalType:
    """The principal type of the identity running ``pulumi up`` (``getClientConfig`` does not say).

    ``configured`` (``eks-to-aks:deployerPrincipalType``: ``User`` or ``ServicePrincipal``) wins; else
    ``ServicePrincipal`` when ``ARM_CLIENT_ID`` or ``AZURE_CLIENT_ID`` is set (a pipeline), else ``User``
    (``az login``). azure-native defaults a role assignment's principalType to ``User``, which a service
    principal's assignment must not carry.

    Raises:
        ValueError: ``configured`` is neither ``User`` nor ``ServicePrincipal``.
    """
    if configured:
        if configured not in ("User", "ServicePrincipal"):
            raise ValueError(f"eks-to-aks:deployerPrincipalType {configured!r}: use User or ServicePrincipal")
        return authorization.PrincipalType(configured)
    if any(environ.get(k) for k in SERVICE_PRINCIPAL_ENV):
        return authorization.PrincipalType.SERVICE_PRINCIPAL
    return authorization.PrincipalType.USER


class ClusterAccess(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:ClusterAccess``.

    Args:
        cluster_id: the managed cluster's resource id (the scope of the admin grants).
        deployer_object_id: ``getClientConfig().object_id``; deployer_type: its principal type
            (:func:`deployer_principal_type`).
        admin_group_object_ids: Entra ID groups made cluster admins.
        app_routing_object_id: the app routing add-on identity's object id, or ``None`` (no Key Vault grants).
        vault_id: the stack's Key Vault.

    Attributes: ``grants`` (every role assignment: the Kubernetes objects depend on them).
    """

    def __init__(self, name: str, *, cluster_id: pulumi.Input[str], deployer_object_id: pulumi.Input[str],
                 admin_group_object_ids: Sequence[str], subscription_id: pulumi.Input[str], stack: str,
                 cluster_name: str, app_routing_object_id: pulumi.Input[str] | None = None,
                 vault_id: pulumi.Input[str] | None = None,
                 deployer_type: authorization.PrincipalType = authorization.PrincipalType.USER,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:ClusterAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.grants: list[authorization.RoleAssignment] = [
            assign_role("deployer-cluster-admin", role=CLUSTER_ADMIN, scope=cluster_id,
                        principal_id=deployer_object_id, subscription_id=subscription_id,
                        name_seed=(stack, cluster_name, "cluster", "deployer"), opts=child,
                        principal_type=deployer_type)]
        for group in admin_group_object_ids:
            self.grants.append(assign_role(
                f"admin-group-{group}", role=CLUSTER_ADMIN, scope=cluster_id, principal_id=group,
                subscription_id=subscription_id, name_seed=(stack, cluster_name, "cluster", "group", group),
                opts=child, principal_type=authorization.PrincipalType.GROUP))
        if app_routing_object_id is not None and vault_id is not None:
            for role in APP_ROUTING_VAULT_ROLES:
                self.grants.append(assign_role(
                    f"app-routing-{role.lower().replace(' ', '-')}", role=role, scope=vault_id,
                    principal_id=app_routing_object_id, subscription_id=subscription_id,
                    name_seed=(stack, cluster_name, "vault", "app-routing"), opts=child))
        self.register_outputs({"grants": len(self.grants)})
