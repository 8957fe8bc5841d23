"""What translators leave for the Pulumi layer to act on: :class:`ClusterFeature` requests, :class:`Placeholder`
markers, and the helpers the layer may use on the plan (names, GUIDs, role ids, walking manifests)."""
from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from translators.naming import short_hash, stable_guid
from translators.refdata import builtin_roles

__all__ = ["ClusterFeature", "Placeholder", "api_group", "builtin_role_guid", "map_strings", "object_key", "short_hash", "stable_guid"]


def builtin_role_guid(role: str) -> str:
    """The GUID of Azure built-in role ``role`` (``data/azure_builtin_roles.tsv``, from Microsoft's built-in roles page).

    Raises:
        KeyError: ``role`` is not in the table.
    """
    return builtin_roles()[role]


class ClusterFeature(StrEnum):
    """A feature a manifest translation needs on the cluster (``WorkloadContext.cluster_requests``).

    :func:`translators.estate.apply_cluster_requests` handles each one: it switches the feature on in the
    plan, or it is part of every planned cluster, or it is refused with a finding. The values are the ones the
    data tables use (``cluster_request`` columns).
    """

    WORKLOAD_IDENTITY = "workloadIdentity"  # always on: OIDC issuer + workload identity
    KEY_VAULT_SECRETS_PROVIDER = "keyVaultSecretsProvider"  # always on: azureKeyvaultSecretsProvider add-on
    CONTAINER_INSIGHTS = "containerInsights"  # always on: omsagent add-on
    BLOB_CSI_DRIVER = "blobCSIDriver"  # ClusterPlan.blob_csi_driver
    APP_ROUTING = "appRouting"  # ClusterPlan.app_routing
    NODE_AUTO_PROVISIONING = "nodeAutoProvisioning"  # ClusterPlan.node_auto_provisioning
    ENABLE_ULTRA_SSD = "enableUltraSSD"  # NodePoolPlan.enable_ultra_ssd on zonal Linux pools
    ZONES = "zones"  # a finding when no pool is zonal
    INGRESS_APPLICATION_GATEWAY = "ingressApplicationGateway"  # refused: needs an Application Gateway (finding)
    SERVICE_MESH_ISTIO = "serviceMeshIstio"  # ClusterPlan.service_mesh_istio (Istio add-on, default revision)


class Placeholder:
    """The ``${...}`` markers in translated manifests and how the Pulumi layer finds them.

    ``${IDENTITY_CLIENT_ID:<identity>}``: the client id of workload identity ``<identity>``;
    ``${AZURE_TENANT_ID}``: the tenant of the deploying principal.
    """

    PATTERN = re.compile(r"\$\{(IDENTITY_CLIENT_ID:[A-Za-z0-9._-]+|AZURE_TENANT_ID)\}")
    #: What the Pulumi layer fills from the stack: identity client ids, the tenant, and the subscription ids the
    #: Velero and Azure DNS settings take (``${AZURE_SUBSCRIPTION_ID}``, ``${VELERO_SUBSCRIPTION_ID}``,
    #: ``${DNS_ZONE_SUBSCRIPTION_ID}``; see ``translators.checks.deployment``).
    FILLED_BY_STACK = re.compile(
        r"\$\{(IDENTITY_CLIENT_ID:[A-Za-z0-9._-]+|AZURE_TENANT_ID|AZURE_SUBSCRIPTION_ID|VELERO_SUBSCRIPTION_ID"
        r"|DNS_ZONE_SUBSCRIPTION_ID)\}")
    TENANT_ID = "AZURE_TENANT_ID"
    SUBSCRIPTION_IDS = ("AZURE_SUBSCRIPTION_ID", "VELERO_SUBSCRIPTION_ID", "DNS_ZONE_SUBSCRIPTION_ID")

    @staticmethod
    def client_id_key(identity: str) -> str:
        """``IDENTITY_CLIENT_ID:<identity>``: the key of an identity's client id in the placeholder values."""
        return "IDENTITY_CLIENT_ID:" + identity

    @staticmethod
    def client_id(identity: str) -> str:
        """``${IDENTITY_CLIENT_ID:<identity>}``: the marker written into a manifest."""
        return "${" + Placeholder.client_id_key(identity) + "}"

    @staticmethod
    def tenant_id() -> str:
        """``${AZURE_TENANT_ID}``."""
        return "${" + Placeholder.TENANT_ID + "}"


def map_strings(value: Any, fn: Any) -> Any:
    """``value`` (a manifest or any JSON value) with every string ``s`` replaced by ``fn(s)``, rebuilt copy-on-change:
    a dict or list none of whose leaves changed is returned as the same object (so unchanged manifests stay
    shared). Used to fill :class:`Placeholder` markers leaf by leaf."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        new = {k: map_strings(v, fn) for k, v in value.items()}
        return value if all(new[k] is value[k] for k in value) else new
    if isinstance(value, list):
        items = [map_strings(v, fn) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else items
    return value


def api_group(api_version: str) -> str:
    """``apps/v1`` → ``apps``; ``v1`` (the core group) → ``""``."""
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def object_key(manifest: dict[str, Any]) -> str:
    """``"<apiVersion>/<kind>/<namespace>/<name>"`` of a manifest (namespace empty for cluster-scoped objects):
    how :attr:`DeployPlan.skipped` names objects."""
    md = manifest.get("metadata") or {}
    return f"{manifest.get('apiVersion', '')}/{manifest.get('kind', '')}/{md.get('namespace') or ''}/{md.get('name') or ''}"
