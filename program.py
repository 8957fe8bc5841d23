"""The Pulumi program: read config → translate → build components → exports.

Config keys (namespace ``eks-to-aks``): the options schema ``translators/data/options.yaml`` (generated into
Pulumi.yaml and the README), read and validated by :mod:`translators.options`; ``windowsAdminPassword`` and
``secretValues`` (map: Key Vault secret name → value) are secrets.
"""
from __future__ import annotations

import os


import pulumi

from landing_zone import LandingZone, secret_names
from landing_zone.access import deployer_principal_type
from workloads import Workloads
from translators import options
from translators.errors import InputError
from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, translate_estate
from translators.plan import AksPlan, DeployPlan, Placeholder, object_key


def translate_from_config() -> AksPlan:
    """Translate the estate named by the stack's config (the bundled example when unset).

    Raises:
        pulumi.RunError: the input is invalid (message names file, line and field; no traceback).
    """
    config = pulumi.Config("eks-to-aks")
    try:
        values = options.values_from_config(config.get)  # every key of translators/data/options.yaml
        opts = options.translate_options(values, pulumi.get_stack())
        cluster_config, manifests = values.get("clusterConfig"), values.get("manifests") or []
        if not cluster_config and not manifests:  # no input at all: the bundled example estate
            cluster_config = str(DEFAULT_CLUSTER_CONFIG)
            manifests = [str(DEFAULT_MANIFESTS)] if DEFAULT_MANIFESTS.exists() else []
        # manifests alone: a neutral default cluster (finding INP-011), never the example's
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
    try:  # validated like every option; the message never quotes the value
        supplied = set(options.parse_value(options.option("secretValues"), raw) or {})
    except InputError as err:
        raise pulumi.RunError(str(err)) from None
    wanted = secret_names(plan)
    if supplied and set(wanted) - supplied:
        pulumi.log.warn("eks-to-aks:secretValues has no value for: " + ", ".join(sorted(set(wanted) - supplied)))
    deploy = plan.deploy or DeployPlan()
    try:
        deployer_type = deployer_principal_type(os.environ, config.get("deployerPrincipalType"))
    except ValueError as err:
        raise pulumi.RunError(str(err)) from None
    copy_images = config.get_bool("copyImages") is not False
    copies = plan.workloads.image_copy_commands if plan.workloads is not None and copy_images else []
    zone = LandingZone("landing-zone", plan, pulumi.get_stack(), windows_admin_password=password,
                       secret_values=config.get_secret_object("secretValues") if supplied else None,
                       secret_names=[n for n in wanted if n in supplied], image_copies=copies,
                       deployer_type=deployer_type)
    if plan.workloads is not None and plan.workloads.objects and deploy.mode == "provider":
        skipped = set(deploy.skipped)
        objects = [o for o in plan.workloads.objects if object_key(o) not in skipped] if skipped \
            else plan.workloads.objects
        Workloads("workloads", objects, zone.kubeconfig, zone.placeholders,
                  opts=pulumi.ResourceOptions(depends_on=[zone]), batch_size=registration_batch,
                  operators=[op for op in deploy.operators if op.provider == "helm"],
                  group_dependencies=zone.group_dependencies, prerequisites=zone.deploy_prerequisites,
                  secret_values=plan.workloads.secret_values)
    pulumi.export("clusterName", zone.cluster_name)
    pulumi.export("resourceGroupName", zone.resource_group.name)
    pulumi.export("oidcIssuerUrl", zone.oidc_issuer_url)
    pulumi.export("acrLoginServer", zone.acr_login_server)
    pulumi.export("keyVaultUri", zone.key_vault_uri)
    pulumi.export("kubeconfig", zone.kubeconfig)
    pulumi.export("workloadsDeployment", deploy.mode)
    # what `translate --stack-outputs` fills into the GitOps output (translators/data/gitops_placeholders.csv;
    # Flux cannot fill identity client ids: PRE-059)
    pulumi.export("tenantId", zone.placeholders[Placeholder.TENANT_ID])
    pulumi.export("identityClientIds", {k.split(":", 1)[1]: v for k, v in sorted(zone.placeholders.items())
                                        if k.startswith("IDENTITY_CLIENT_ID:")})
    pulumi.export("findings", {sev: sum(1 for f in plan.findings if f.severity == sev)
                               for sev in ("high", "medium", "low", "info")})
    return zone


def main() -> None:
    """Entry point used by ``__main__.py``."""
    build(translate_from_config())
