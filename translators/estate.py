"""Translate an EKS estate (eksctl ClusterConfig) into the neutral :class:`~translators.plan.AksPlan`.

This is the one entry point the Pulumi program and the CLI call. It never
imports Pulumi. Every field of the ClusterConfig is either read by a translator
or reported as finding ``INP-001``: nothing is dropped silently.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cluster import ClusterOptions, translate_cluster
from .compute import ComputeOptions, translate_node_groups
from .eksctl import load_cluster_config
from .errors import field_path
from .findings import Findings
from .naming import acr_name, key_vault_name, workspace_name
from .plan import AksPlan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEFAULT_CLUSTER_CONFIG = EXAMPLES / "cluster.yaml"
DEFAULT_MANIFESTS = EXAMPLES / "manifests"


@dataclass
class TranslateOptions:
    """Everything the translation takes from Pulumi config (``eks-to-aks:*`` keys).

    Attributes:
        stack: Pulumi stack name (seeds the globally unique ACR and Key Vault names).
        location: Azure region override (``eks-to-aks:location``).
        vm_size_overrides: ``{ec2 type: Azure size}`` (``eks-to-aks:vmSizeOverrides``).
        allow_cpu_fallback: plan pools of no-equivalent accelerators on CPU sizes.
        use_lts: plan an end-of-life minor on Premium + Long-Term Support.
        kubernetes_version: override the version from the ClusterConfig.
        as_of: date for the AKS version calendar (default today).
    """

    stack: str = "dev"
    location: str | None = None
    vm_size_overrides: dict[str, str] = field(default_factory=dict)
    allow_cpu_fallback: bool = False
    use_lts: bool = False
    kubernetes_version: str | None = None
    as_of: dt.date | None = None

    @classmethod
    def from_config(cls, get: Any, stack: str) -> "TranslateOptions":
        """Build from a ``get(key) -> str | None`` accessor (Pulumi config or a dict's ``get``)."""
        import json

        overrides = get("vmSizeOverrides")
        if isinstance(overrides, str):
            overrides = json.loads(overrides)
        truthy = lambda v: str(v).lower() in ("1", "true", "yes")  # noqa: E731
        return cls(stack=stack, location=get("location") or None, vm_size_overrides=dict(overrides or {}),
                   allow_cpu_fallback=truthy(get("allowCpuFallback")), use_lts=truthy(get("useLts")),
                   kubernetes_version=get("kubernetesVersion") or None)


def translate_estate(cluster_config: str | Path | None = None, options: TranslateOptions | None = None) -> AksPlan:
    """Read, validate and translate an eksctl ClusterConfig.

    Args:
        cluster_config: path to the eksctl file; ``None`` → the bundled example.
        options: see :class:`TranslateOptions`.

    Returns:
        The :class:`AksPlan` with its findings sorted by severity, file and line.

    Raises:
        InputError: invalid YAML or ClusterConfig (names file, line, field); nothing is planned.
    """
    opts = options or TranslateOptions()
    path = str(cluster_config or DEFAULT_CLUSTER_CONFIG)
    cfg = load_cluster_config(path)
    findings = Findings()
    cluster, network, zones = translate_cluster(
        cfg, ClusterOptions(location=opts.location, use_lts=opts.use_lts, as_of=opts.as_of,
                            kubernetes_version=opts.kubernetes_version), findings)
    pools = translate_node_groups(cfg, ComputeOptions(opts.vm_size_overrides, opts.allow_cpu_fallback, zones),
                                  findings)
    for p in cfg.unread():
        findings.add("INP-001", f"{field_path(p)} is not translated", cfg.doc, p)
    findings.sort(key=lambda f: f.sort_key())
    return AksPlan(source_file=path, cluster=cluster, network=network, node_pools=pools,
                   registry_name=acr_name(opts.stack, cluster.name),
                   key_vault_name=key_vault_name(opts.stack, cluster.name),
                   log_analytics_name=workspace_name(cluster.name), findings=list(findings))
