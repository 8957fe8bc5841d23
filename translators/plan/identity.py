"""Workload identities: user-assigned identities, their federated credentials and role grants."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RoleGrant:
    """One Azure role assignment for a workload identity.

    Attributes:
        role: Azure built-in role name (a key of ``data/azure_builtin_roles.tsv``).
        scope: ``vault`` (stack Key Vault), ``registry`` (stack container registry) or ``resource``.
        resource_id: the Azure resource id when ``scope`` is ``resource``, else ``None``.
        reason: the AWS permission it replaces (for reports).
    """

    role: str
    scope: str
    resource_id: str | None = None
    reason: str = ""


@dataclass
class FederatedCredential:
    """A federated identity credential: trust ServiceAccount ``namespace/service_account`` tokens.

    The issuer is the cluster's OIDC issuer URL, an output the Pulumi layer supplies.
    """

    name: str
    namespace: str
    service_account: str
    subject: str
    audience: str = "api://AzureADTokenExchange"


@dataclass
class WorkloadIdentity:
    """A user-assigned managed identity for workloads.

    Attributes:
        name: Azure resource name (3–128, ``[A-Za-z0-9_-]``, starts alphanumeric).
        source: the IAM role ARN / name or eksctl entry it replaces.
        federated: its federated credentials (at most 20 per identity).
        roles: its role assignments.
    """

    name: str
    source: str
    federated: list[FederatedCredential] = field(default_factory=list)
    roles: list[RoleGrant] = field(default_factory=list)


@dataclass
class IdentityPlan:
    """Workload identities (sorted by name) and ServiceAccounts the plan creates (eksctl-only ones)."""

    identities: list[WorkloadIdentity] = field(default_factory=list)
    service_accounts: list[dict[str, Any]] = field(default_factory=list)

    def get(self, name: str) -> WorkloadIdentity | None:
        """The identity named ``name``, or ``None``."""
        return next((i for i in self.identities if i.name == name), None)
