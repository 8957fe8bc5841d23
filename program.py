"""The Pulumi program: read config → translate → build components → exports.

Config keys (namespace ``eks-to-aks``; see Pulumi.yaml): ``clusterConfig``, ``manifests``, ``location``,
``vmSizeOverrides``, ``allowCpuFallback``, ``useLts``, ``kubernetesVersion``, ``windowsAdminPassword`` (secret).
"""
from __future__ import annotations

import pulumi

from landing_zone import LandingZone
from workloads import Workloads
from translators.errors import InputError
from translators.estate import DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from translators.plan import AksPlan


def translate_from_config() -> AksPlan:
    """Translate the estate named by the stack's config (the bundled example when unset).

    Raises:
        pulumi.RunError: the input is invalid (message names file, line and field; no traceback).
    """
    config = pulumi.Config("eks-to-aks")
    opts = TranslateOptions.from_config(
        lambda k: config.get_object(k) if k in ("vmSizeOverrides", "resourceMap", "velero") else config.get(k),
        pulumi.get_stack())
    manifests = [m.strip() for m in (config.get("manifests") or "").split(",") if m.strip()]
    if not config.get("clusterConfig") and not manifests and DEFAULT_MANIFESTS.exists():
        manifests = [str(DEFAULT_MANIFESTS)]
    try:
        return translate_estate(config.get("clusterConfig"), opts, manifests)
    except InputError as err:
        raise pulumi.RunError(str(err)) from None


def build(plan: AksPlan) -> LandingZone:
    """Create every resource for ``plan`` and export the stack outputs."""
    config = pulumi.Config("eks-to-aks")
    windows = any(p.os_type == "Windows" for p in plan.node_pools)
    password = config.get_secret("windowsAdminPassword")
    if windows and password is None:
        raise pulumi.RunError("Windows node pools need an admin password: "
                              "pulumi config set --secret eks-to-aks:windowsAdminPassword <password>")
    zone = LandingZone("landing-zone", plan, pulumi.get_stack(), windows_admin_password=password)
    if plan.workloads is not None and plan.workloads.objects:
        Workloads("workloads", plan.workloads.objects, zone.kubeconfig, zone.placeholders,
                  opts=pulumi.ResourceOptions(depends_on=[zone]))
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
