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
from .gcpause import gc_paused
from .naming import acr_name, key_vault_name, workspace_name
from .plan import AksPlan

#: eksctl wellKnownPolicies of components AKS runs itself (Disk/Files CSI drivers, the managed cluster
#: autoscaler, application routing / AGIC): their accounts need no workload identity (severity info).
AKS_REPLACED_POLICIES = frozenset({"ebsCSIController", "efsCSIController", "autoScaler", "awsLoadBalancerController"})
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
        workload_options: options for the manifest translators (``ingress``: approuting|agic|nginx,
            ``securityGroups``: parsed ``aws ec2 describe-security-groups`` JSON, ``resourceMap``,
            ``mirrorPublicImages``, ``azureFilesProtocol``, ``velero``).
    """

    stack: str = "dev"
    location: str | None = None
    vm_size_overrides: dict[str, str] = field(default_factory=dict)
    allow_cpu_fallback: bool = False
    use_lts: bool = False
    kubernetes_version: str | None = None
    as_of: dt.date | None = None
    workload_options: dict[str, Any] = field(default_factory=dict)
    progress: Any = None  # callable(done, total) for a progress bar; not from config

    @classmethod
    def from_config(cls, get: Any, stack: str) -> TranslateOptions:
        """Build from a ``get(key) -> str | None`` accessor (Pulumi config or a dict's ``get``)."""
        import json

        overrides = get("vmSizeOverrides")
        if isinstance(overrides, str):
            overrides = json.loads(overrides)
        truthy = lambda v: str(v).lower() in ("1", "true", "yes")  # noqa: E731
        workload: dict[str, Any] = {}
        for key in ("ingress", "azureFilesProtocol"):
            if get(key):
                workload[key] = get(key)
        if truthy(get("mirrorPublicImages")):
            workload["mirrorPublicImages"] = True
        for key in ("resourceMap", "velero"):
            value = get(key)
            if value:
                workload[key] = json.loads(value) if isinstance(value, str) else value
        if get("securityGroups"):
            workload["securityGroups"] = json.loads(Path(get("securityGroups")).read_text(encoding="utf-8"))
        return cls(stack=stack, location=get("location") or None, vm_size_overrides=dict(overrides or {}),
                   allow_cpu_fallback=truthy(get("allowCpuFallback")), use_lts=truthy(get("useLts")),
                   kubernetes_version=get("kubernetesVersion") or None, workload_options=workload)


def translate_estate(cluster_config: str | Path | None = None, options: TranslateOptions | None = None,
                     manifests: list[str] | None = None) -> AksPlan:
    """Read, validate and translate an eksctl ClusterConfig and (optionally) the cluster's manifests.

    Args:
        cluster_config: path to the eksctl file; ``None`` → the bundled example.
        options: see :class:`TranslateOptions`.
        manifests: manifest files/folders (``None`` or empty: landing zone only).

    Returns:
        The :class:`AksPlan` with its findings sorted by severity, file and line.

    Raises:
        InputError: invalid YAML or ClusterConfig (names file, line, field); nothing is planned.
    """
    with gc_paused():
        return _translate_estate(str(cluster_config or DEFAULT_CLUSTER_CONFIG), options or TranslateOptions(),
                                 manifests)


def _translate_estate(path: str, opts: TranslateOptions, manifests: list[str] | None) -> AksPlan:
    cfg = load_cluster_config(path)
    findings = Findings()
    cluster, network, zones = translate_cluster(
        cfg, ClusterOptions(location=opts.location, use_lts=opts.use_lts, as_of=opts.as_of,
                            kubernetes_version=opts.kubernetes_version), findings)
    pools = translate_node_groups(cfg, ComputeOptions(opts.vm_size_overrides, opts.allow_cpu_fallback, zones),
                                  findings)
    from .checks.deployability import apply_deployability, move_bootstrap_labels

    move_bootstrap_labels(cfg, pools, findings)
    plan = AksPlan(source_file=path, cluster=cluster, network=network, node_pools=pools,
                   registry_name=acr_name(opts.stack, cluster.name),
                   key_vault_name=key_vault_name(opts.stack, cluster.name),
                   log_analytics_name=workspace_name(cluster.name))
    has_iam = bool(cfg.data.get("iam", {}).get("serviceAccounts") or cfg.data.get("iam", {}).get("podIdentityAssociations")) \
        if isinstance(cfg.data.get("iam"), dict) else False
    if manifests or has_iam:  # eksctl service accounts alone still get workload identities
        from .k8s import WorkloadContext, load_manifests
        from .workloads import translate_workloads

        objects = load_manifests(manifests) if manifests else []
        zones = sorted({z for p in pools for z in p.availability_zones})
        ctx = WorkloadContext(registry_login_server=f"{plan.registry_name.lower()}.azurecr.io",
                              key_vault_name=plan.key_vault_name, location=cluster.location, zones=zones,
                              options=dict(opts.workload_options))
        plan.workloads = translate_workloads(objects, ctx, cfg, progress=opts.progress)
        _eksctl_only_accounts(cfg, objects, ctx.service_account_identities, findings)
        findings += plan.workloads.findings
        apply_cluster_requests(plan, findings)
        apply_deployability(plan, findings)  # whole-estate check over the plan: verdicts, findings, edits
    for p in cfg.unread():
        findings.add("INP-001", f"{field_path(p)} is not translated", cfg.doc, p)
    findings.sort(key=lambda f: f.sort_key())
    plan.findings = list(findings)
    return plan


def _eksctl_only_accounts(cfg: Any, objects: list, identities: dict, findings: Findings) -> None:
    """CLU-016 for eksctl service accounts with no ServiceAccount manifest: the identity translation creates
    the account (manifests get IDN-001 on their own ServiceAccount), but the application still has to move
    from AWS SDK credentials to its workload identity."""
    in_manifests = {(o.namespace or "default", o.name) for o in objects if o.kind == "ServiceAccount" and not o.group}
    iam = cfg.data.get("iam") if isinstance(cfg.data.get("iam"), dict) else {}  # ``iam:`` with nothing under it
    for kind, name_key in (("serviceAccounts", None), ("podIdentityAssociations", "serviceAccountName")):
        for i, entry in enumerate(iam.get(kind) or []):
            if not isinstance(entry, dict):
                continue
            md = entry if name_key else (entry.get("metadata") or {})
            key = (str(md.get("namespace", "default")), str(md.get(name_key or "name", "")))
            if key in in_manifests:
                continue
            ident = identities.get(key)
            wk = entry.get("wellKnownPolicies") if isinstance(entry.get("wellKnownPolicies"), dict) else {}
            replaced = bool(wk) and all(k in AKS_REPLACED_POLICIES for k, v in wk.items() if v) \
                and not (entry.get("attachPolicyARNs") or entry.get("attachPolicy"))
            findings.add("CLU-016", f"iam.{kind}[{i}] {key[0]}/{key[1]}" + (
                " belongs to a component AKS replaces with its own managed identity" if replaced else
                f" -> workload identity {ident}" if ident else ""), cfg.doc, ("iam", kind, i),
                severity="info" if replaced else None)


def apply_cluster_requests(plan: AksPlan, findings: Findings) -> None:
    """Switch on what the manifest translations need on the cluster (``WorkloadContext.cluster_requests``).

    ``blobCSIDriver`` → Blob CSI driver; ``appRouting`` → application routing add-on;
    ``nodeAutoProvisioning`` → NAP; ``enableUltraSSD`` → Ultra Disk on zonal Linux user pools;
    ``zones`` → a finding when no pool is zonal (Premium SSD v2 / Ultra Disks are zonal);
    ``ingressApplicationGateway`` → a finding (AGIC needs an Application Gateway, not planned here).
    """
    req = plan.workloads.cluster_requests if plan.workloads else set()
    c = plan.cluster
    c.blob_csi_driver = c.blob_csi_driver or "blobCSIDriver" in req
    c.app_routing = c.app_routing or "appRouting" in req
    c.node_auto_provisioning = c.node_auto_provisioning or "nodeAutoProvisioning" in req
    zonal = [p for p in plan.node_pools if p.availability_zones]
    if "enableUltraSSD" in req:
        for p in zonal:
            if p.os_type == "Linux":
                p.enable_ultra_ssd = True
    if ("zones" in req or "enableUltraSSD" in req) and not zonal:
        findings.add("CLU-024", "zonal disks (Premium SSD v2 / Ultra) are requested by StorageClasses but no "
                                "node pool has availability zones")
    if "ingressApplicationGateway" in req:
        findings.add("CLU-025", "eks-to-aks:ingress=agic needs an Application Gateway and the AGIC add-on")
