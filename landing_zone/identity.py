"""Workload identities: a user-assigned managed identity per IAM role, federated credentials per
ServiceAccount, least-privilege role assignments (from ``translators.plan.IdentityPlan``).

Facts (AKS workload identity docs): subject ``system:serviceaccount:<ns>:<sa>``, audience
``api://AzureADTokenExchange``, issuer = the cluster's OIDC issuer URL, at most 20 federated
credentials per identity (the plan splits identities beyond that), and federated credentials on one
identity must not be written concurrently, so each waits for the previous one.
"""
from __future__ import annotations

import pulumi
import pulumi_azure_native.managedidentity as managedidentity

from translators.plan import Placeholder, WorkloadIdentity, short_hash

from .roles import assign_role


class WorkloadIdentities(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:WorkloadIdentities``.

    Args:
        identities: ``IdentityPlan.identities``.
        issuer_url: the cluster's OIDC issuer URL (output).
        scopes: ``{"vault": id, "registry": id}`` for grants scoped to the stack's resources.

    Outputs: ``client_ids`` — identity name → client id; ``placeholders`` maps
    ``IDENTITY_CLIENT_ID:<name>`` to it for the translated manifests.
    """

    def __init__(self, name: str, identities: list[WorkloadIdentity], *, resource_group_name: pulumi.Input[str], location: str,
                 issuer_url: pulumi.Input[str], scopes: dict[str, pulumi.Input[str]],
                 subscription_id: pulumi.Input[str], stack: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:WorkloadIdentities", name, None, opts)
        self.client_ids: dict[str, pulumi.Output[str]] = {}
        for ident in identities:
            uami = managedidentity.UserAssignedIdentity(
                ident.name, resource_name_=ident.name, resource_group_name=resource_group_name, location=location,
                opts=pulumi.ResourceOptions(parent=self))
            self.client_ids[ident.name] = uami.client_id
            previous: list[pulumi.Resource] = []
            for cred in ident.federated:
                fic = managedidentity.FederatedIdentityCredential(
                    f"{ident.name}-{cred.name}", resource_group_name=resource_group_name,
                    resource_name_=uami.name, federated_identity_credential_resource_name=cred.name,
                    issuer=issuer_url, subject=cred.subject, audiences=[cred.audience],
                    opts=pulumi.ResourceOptions(parent=uami, depends_on=previous))
                previous = [fic]
            for grant in ident.roles:
                scope = scopes.get(grant.scope) if grant.scope != "resource" else grant.resource_id
                if scope is None:
                    continue  # the plan reported it (no resource mapped): never widen the scope
                label = grant.resource_id or grant.scope
                assign_role(f"{ident.name}-{grant.role.lower().replace(' ', '-')}-{short_hash(label, length=6)}",
                            role=grant.role, scope=scope, principal_id=uami.principal_id,
                            subscription_id=subscription_id, name_seed=(stack, ident.name, label),
                            opts=pulumi.ResourceOptions(parent=uami))
        self.placeholders = {Placeholder.client_id_key(n): cid for n, cid in self.client_ids.items()}
        self.register_outputs({"client_ids": self.client_ids})
