"""The Pulumi program: read config → translate → build components → exports.

Config keys (namespace ``eks-to-aks``; see Pulumi.yaml): ``clusterConfig``, ``manifests``, ``location``,
``vmSizeOverrides``, ``allowCpuFallback``, ``useLts``, ``kubernetesVersion``, ``windowsAdminPassword`` (secret),
``secretValues`` (secret map: Key Vault secret name → value), ``ingress``, ``securityGroups``, ``resourceMap``,
``mirrorPublicImages``, ``azureFilesProtocol``, ``velero``; first-``up`` readiness (issue #11):
``deployWorkloads``, ``gitopsRepository``, ``gitopsBranch``, ``gitopsPath``, ``adminGroupObjectIds``,
``installOperators``, ``copyImages``, ``keyVaultNameSuffix``, ``deployerPrincipalType``.
"""
from __future__ import annotations

import json
import os

import pulumi

from landing_zone import LandingZone, secret_names
from landing_zone.access import deployer_principal_type
from workloads import Workloads
from translators.errors import InputError
from translators.estate import DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from translators.checks.deployability import object_key
from translators.plan import AksPlan, DeployPlan


def translate_from_config() -> AksPlan:
    """Translate the estate named by the stack's config (the bundled example when unset).

    Raises:
        pulumi.RunError: the input is invalid (message names file, line and field; no traceback).
    """
    config = pulumi.Config("eks-to-aks")
    try:
        opts = TranslateOptions.from_config(
            lambda k: config.get_object(k) if k in ("vmSizeOverrides", "resourceMap", "velero") else config.get(k),
            pulumi.get_stack())
    except ValueError as err:
        raise pulumi.RunError(str(err)) from None
    manifests = [m.strip() for m in (config.get("manifests") or "").split(",") if m.strip()]
    if not config.get("clusterConfig") and not manifests and DEFAULT_MANIFESTS.exists():
        manifests = [str(DEFAULT_MANIFESTS)]
    try:
        return translate_estate(config.get("clusterConfig"), opts, manifests)
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
    deploy = plan.deploy or DeployPlan()
    try:
        deployer_type = deployer_principal_type(os.environ, config.get("deployerPrincipalType"))
    except ValueError as err:
        raise pulumi.RunError(str(err)) from None
    copy_images = config.get_bool("copyImages") is not False
    pairs = sorted((plan.workloads.context.options.get("imageCopyPlan") or {}).items()) \
        if plan.workloads is not None and plan.workloads.context is not None and copy_images else []
    zone = LandingZone("landing-zone", plan, pulumi.get_stack(), windows_admin_password=password,
                       secret_values=config.get_secret_object("secretValues") if supplied else None,
                       secret_names=[n for n in wanted if n in supplied], image_pairs=pairs,
                       deployer_type=deployer_type)
    if plan.workloads is not None and plan.workloads.objects and deploy.mode == "provider":
        skipped = set(deploy.skipped)
        objects = [o for o in plan.workloads.objects if object_key(o) not in skipped] if skipped \
            else plan.workloads.objects
        Workloads("workloads", objects, zone.kubeconfig, zone.placeholders,
                  opts=pulumi.ResourceOptions(depends_on=[zone]), batch_size=registration_batch,
                  operators=[op for op in deploy.operators if op.provider == "helm"],
                  group_dependencies=zone.group_dependencies, prerequisites=zone.deploy_prerequisites)
    pulumi.export("clusterName", zone.cluster_name)
    pulumi.export("resourceGroupName", zone.resource_group.name)
    pulumi.export("oidcIssuerUrl", zone.oidc_issuer_url)
    pulumi.export("acrLoginServer", zone.acr_login_server)
    pulumi.export("keyVaultUri", zone.key_vault_uri)
    pulumi.export("kubeconfig", zone.kubeconfig)
    pulumi.export("workloadsDeployment", deploy.mode)
    # ``${IDENTITY_CLIENT_ID:<identity>}`` placeholder → client id (to fill GitOps manifests: PRE-059)
    pulumi.export("identityClientIds", {"${" + k + "}": v for k, v in zone.placeholders.items()
                                        if k.startswith("IDENTITY_CLIENT_ID:")})
    pulumi.export("findings", {sev: sum(1 for f in plan.findings if f.severity == sev)
                               for sev in ("high", "medium", "low", "info")})
    return zone


def main() -> None:
    """Entry point used by ``__main__.py``."""
    build(translate_from_config())
