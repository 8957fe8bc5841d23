"""The Pulumi program: read config → translate → build components → exports.

Config keys (namespace ``eks-to-aks``; see Pulumi.yaml): ``clusterConfig``, ``manifests``, ``location``,
``vmSizeOverrides``, ``allowCpuFallback``, ``useLts``, ``kubernetesVersion``, ``windowsAdminPassword`` (secret).
"""
from __future__ import annotations

import pulumi

from landing_zone import LandingZone
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.plan import AksPlan


def translate_from_config() -> AksPlan:
    """Translate the estate named by the stack's config (the bundled example when unset).

    Raises:
        pulumi.RunError: the input is invalid (message names file, line and field; no traceback).
    """
    config = pulumi.Config("eks-to-aks")
    opts = TranslateOptions.from_config(lambda k: config.get(k) if k != "vmSizeOverrides"
                                        else config.get_object(k), pulumi.get_stack())
    try:
        return translate_estate(config.get("clusterConfig"), opts)
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
