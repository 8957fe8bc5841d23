"""The neutral AKS plan: the one, typed hand-over from the translators to the Pulumi layer.

Produced by :func:`translators.estate.translate_estate`; ``landing_zone/``, ``workloads/`` and
``program.py`` read nothing else of ``translators`` (``tests/test_architecture.py`` checks it). No Pulumi
types. Field names follow the ARM / pulumi-azure-native property they feed (``vm_size`` → ``vmSize``,
``os_disk_size_gb`` → ``osDiskSizeGB``).

Shapes:

* :class:`AksPlan`: :class:`ClusterPlan`, :class:`NetworkPlan`, :class:`NodePoolPlan` list, the globally
  unique resource names, findings, and the :class:`WorkloadPlan` of the manifests;
* :class:`WorkloadPlan`: the emitted manifests, one :class:`ObjectResult` per input object, the
  :class:`IdentityPlan` (:class:`WorkloadIdentity` → :class:`FederatedCredential`, :class:`RoleGrant`), the
  image copy plan (:data:`ImageCopyPlan`), the secrets migration plan (:class:`SecretMigration`) and the
  :class:`ClusterFeature` set the translations asked the cluster for;
* :class:`Placeholder`: the ``${...}`` markers translators leave in manifests for values known only after
  ``pulumi up`` (an identity's client id, the tenant id), filled by the Pulumi layer.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypedDict

from translators.findings import Finding
from translators.naming import short_hash, stable_guid
from translators.refdata import builtin_roles

if TYPE_CHECKING:
    from translators.k8s import WorkloadContext


__all__ = ["AksPlan", "ClusterFeature", "ImageCopy", "ClusterPlan", "FederatedCredential", "IdentityPlan", "ImageCopyPlan",
           "NetworkPlan", "NodePoolPlan", "ObjectResult", "Placeholder", "RoleGrant", "SecretMigration", "WorkloadIdentity",
           "WorkloadPlan", "DeployPlan", "OperatorPlan", "Prerequisite", "builtin_role_guid", "map_strings", "object_key",
           "short_hash", "stable_guid"]


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


class SecretMigration(TypedDict):
    """One AWS secret to copy into Key Vault (an entry of :attr:`WorkloadPlan.secrets_migration`).

    ``awsService`` is ``secretsmanager`` or ``ssm``; ``jsonKey`` the key read from a JSON secret (or
    ``None``); ``command`` the shell line that copies it without printing the value.
    """

    awsName: str
    awsService: str
    jsonKey: str | None
    keyVaultName: str
    command: str


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


def object_key(manifest: dict[str, Any]) -> str:
    """``"<apiVersion>/<kind>/<namespace>/<name>"`` of a manifest (namespace empty for cluster-scoped objects):
    how :attr:`DeployPlan.skipped` names objects."""
    md = manifest.get("metadata") or {}
    return f"{manifest.get('apiVersion', '')}/{manifest.get('kind', '')}/{md.get('namespace') or ''}/{md.get('name') or ''}"


ImageCopyPlan = dict[str, str]
"""Image copy plan: source image reference → its name in the stack's ACR (``az acr import`` per entry)."""


class ImageCopy(TypedDict):
    """One image to copy into the stack's ACR (an entry of :attr:`WorkloadPlan.image_copy_commands`).

    ``command`` is the shell-quoted ``az acr import ... --force`` line
    (:func:`translators.registry.images.image_copy_plan`).
    """

    source: str
    target: str
    command: str


@dataclass
class ObjectResult:
    """The outcome for one input object: ``objects`` are what is emitted for it.

    The object is named by where it was read (``file``, 1-based ``line``), not held: a plan that held every
    input object would keep every parsed document and its line tree alive (~40 MB at 10,000 objects).
    """

    file: str
    line: int
    outcome: str
    objects: list[dict[str, Any]]
    findings: list[Finding]


@dataclass
class WorkloadPlan:
    """Translated manifests plus accounting.

    Attributes:
        results: one :class:`ObjectResult` per input object, in input order.
        objects: every emitted object, Namespaces and CRDs first, duplicates merged. Objects that
            pass through unchanged are the input manifests themselves (not copies): read-only.
        findings: all findings of the manifests translation.
        counts: ``{"translated", "passthrough", "dropped"}`` → number of input objects.
        cluster_requests: features the translations need on the cluster.
        context: the translation context (user options, estate indexes), for the reports.
        identities: the identity plan when identity translation ran.
        image_copy: source image → ACR image, for every image the translation moved to the stack's ACR.
        image_copy_commands: the ``az acr import`` line of every valid pair of ``image_copy``, sorted by source
            (invalid references are left out and reported: ``INP-050``, ``REG-007``).
        secrets_migration: AWS secrets to copy into Key Vault, sorted by Key Vault name.
        secret_values: object key (:func:`object_key`) → paths (from the manifest's top level) of the values the
            Pulumi layer deploys as Pulumi secrets: a v1 Secret's value fields (``data``, ``stringData``,
            ``binaryData``, ...) and secret-looking plain values elsewhere (env, args, ConfigMaps, annotations).
    """

    results: list[ObjectResult]
    objects: list[dict[str, Any]]
    findings: list[Finding]
    counts: dict[str, int]
    cluster_requests: set[ClusterFeature]
    context: WorkloadContext
    identities: IdentityPlan | None = None
    image_copy: ImageCopyPlan = field(default_factory=dict)
    image_copy_commands: list[ImageCopy] = field(default_factory=list)
    secrets_migration: list[SecretMigration] = field(default_factory=list)
    secret_values: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def secret_names(self) -> list[str]:
        """Key Vault secret names of the secrets migration plan (sorted, unique)."""
        return sorted({e["keyVaultName"] for e in self.secrets_migration if e.get("keyVaultName")})


@dataclass
class WorkloadVerdict:
    """Would one translated workload run on the planned cluster (``translators.checks.deployability``)?

    Attributes:
        kind, namespace, name: the emitted object (namespace ``None`` for cluster-scoped kinds).
        file, line: where its input manifest was read (``""``/``None`` for objects the plan created).
        verdict: ``runs``, ``runs-after-steps`` or ``cannot-run``.
        reasons: why it cannot run (empty unless ``cannot-run``).
        steps: ``"RULE-ID (severity): message"`` of the findings to act on first, on it or on what it references.
    """

    kind: str
    namespace: str | None
    name: str
    file: str
    line: int | None
    verdict: str
    reasons: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The verdict in the JSON report's shape."""
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name, "file": self.file,
                "line": self.line, "verdict": self.verdict, "reasons": list(self.reasons), "steps": list(self.steps)}


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
    workloads: WorkloadPlan | None = None  # when manifests or eksctl service accounts were given
    deploy: DeployPlan | None = None  # how the objects reach the cluster (translators.checks.deployment)
    #: per-workload deployability verdicts (translators.checks.deployability), emitted order
    verdicts: list[WorkloadVerdict] = field(default_factory=list)

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
