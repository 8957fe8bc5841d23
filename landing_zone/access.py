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

from collections.abc import Sequence

import pulumi
import pulumi_azure_native.authorization as authorization

from .roles import assign_role

CLUSTER_ADMIN = "Azure Kubernetes Service RBAC Cluster Admin"
APP_ROUTING_VAULT_ROLES = ("Key Vault Certificate User", "Key Vault Secrets User")


class ClusterAccess(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:ClusterAccess``.

    Args:
        cluster_id: the managed cluster's resource id (the scope of the admin grants).
        deployer_object_id: ``getClientConfig().object_id``.
        admin_group_object_ids: Entra ID groups made cluster admins.
        app_routing_object_id: the app routing add-on identity's object id, or ``None`` (no Key Vault grants).
        vault_id: the stack's Key Vault.

    Attributes: ``grants`` (every role assignment: the Kubernetes objects depend on them).
    """

    def __init__(self, name: str, *, cluster_id: pulumi.Input[str], deployer_object_id: pulumi.Input[str],
                 admin_group_object_ids: Sequence[str], subscription_id: pulumi.Input[str], stack: str,
                 cluster_name: str, app_routing_object_id: pulumi.Input[str] | None = None,
                 vault_id: pulumi.Input[str] | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:ClusterAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.grants: list[authorization.RoleAssignment] = [
            assign_role("deployer-cluster-admin", role=CLUSTER_ADMIN, scope=cluster_id,
                        principal_id=deployer_object_id, subscription_id=subscription_id,
                        name_seed=(stack, cluster_name, "cluster", "deployer"), opts=child, principal_type=None)]
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
