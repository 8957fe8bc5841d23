"""The Pulumi program: read config → translate → build components → exports.

Config keys (namespace ``eks-to-aks``; see Pulumi.yaml): ``clusterConfig``, ``manifests``, ``location``,
``vmSizeOverrides``, ``allowCpuFallback``, ``useLts``, ``kubernetesVersion``, ``windowsAdminPassword`` (secret),
``secretValues`` (secret map: Key Vault secret name → value), ``ingress``, ``securityGroups``, ``resourceMap``,
``mirrorPublicImages``, ``azureFilesProtocol``, ``velero``, ``iamExport`` (path to an
``aws iam get-account-authorization-details`` JSON export).
"""
from __future__ import annotations

import json

import pulumi

from landing_zone import LandingZone, secret_names
from workloads import Workloads
from translators.errors import InputError
from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from translators.plan import AksPlan


def translate_from_config() -> AksPlan:
    """Translate the estate named by the stack's config (the bundled example when unset).

    Raises:
        pulumi.RunError: the input is invalid (message names file, line and field; no traceback).
    """
    config = pulumi.Config("eks-to-aks")
    try:  # reads the iamExport file: a bad one is an input error
        opts = TranslateOptions.from_config(
            lambda k: config.get_object(k) if k in ("vmSizeOverrides", "resourceMap", "velero") else config.get(k),
            pulumi.get_stack())
    except InputError as err:
        raise pulumi.RunError(str(err)) from None
    manifests = [m.strip() for m in (config.get("manifests") or "").split(",") if m.strip()]
    cluster_config = config.get("clusterConfig") or None
    if cluster_config is None and not manifests:  # no input at all: the bundled example estate
        cluster_config = str(DEFAULT_CLUSTER_CONFIG)
        manifests = [str(DEFAULT_MANIFESTS)] if DEFAULT_MANIFESTS.exists() else []
    try:  # manifests alone: a neutral default cluster (finding INP-011), never the example's
        return translate_estate(cluster_config, opts, manifests)
    except InputError as err:
        raise pulumi.RunError(str(err)) from None


def build(plan: AksPlan, registration_batch: int | None = None) -> LandingZone:
    """Create every resource for ``plan`` and export the stack outputs.

    ``registration_batch``: register the Kubernetes objects in batches of this many (see ``Workloads``); the
    offline plan sets it to bound its memory, a real deployment leaves it unset.
    """
    config = pulumi.Config("eks-to-aks")
    windows = any(p.os_type == "Windows" for p in plan.node_pools)
    password = config.get_secret("windowsAdminPassword")
    if windows and password is None:
        raise pulumi.RunError("Windows node pools need an admin password: "
                              "pulumi config set --secret eks-to-aks:windowsAdminPassword <password>")
    # `pulumi config set --secret eks-to-aks:secretValues '{"<key vault secret name>": "<value>", ...}'`:
    # only the names are read in plain (to know which secrets to create); values stay Pulumi secrets.
    raw = pulumi.runtime.get_config("eks-to-aks:secretValues")
    supplied = set(json.loads(raw)) if raw else set()
    wanted = secret_names(plan)
    if supplied and set(wanted) - supplied:
        pulumi.log.warn("eks-to-aks:secretValues has no value for: " + ", ".join(sorted(set(wanted) - supplied)))
    zone = LandingZone("landing-zone", plan, pulumi.get_stack(), windows_admin_password=password,
                       secret_values=config.get_secret_object("secretValues") if supplied else None,
                       secret_names=[n for n in wanted if n in supplied])
    if plan.workloads is not None and plan.workloads.objects:
        Workloads("workloads", plan.workloads.objects, zone.kubeconfig, zone.placeholders,
                  opts=pulumi.ResourceOptions(depends_on=[zone]), batch_size=registration_batch)
    pulumi.export("clusterName", zone.cluster_name)
    pulumi.export("resourceGroupName", zone.resource_group.name)
    pulumi.export("oidcIssuerUrl", zone.oidc_issuer_url)
    pulumi.export("acrLoginServer", zone.acr_login_server)
    pulumi.export("keyVaultUri", zone.key_vault_uri)
    pulumi.export("kubeconfig", zone.kubeconfig)
    pulumi.export("findings", {sev: sum(1 for f in plan.findings if f.severity == sev)
                               for sev in ("high", "medium", "low", "info")})
    return zone


def main() -> None:
    """Entry point used by ``__main__.py``."""
    build(translate_from_config())
