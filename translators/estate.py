"""Translate an EKS estate (eksctl ClusterConfig) into the neutral :class:`~translators.plan.AksPlan`.

This is the one entry point the Pulumi program and the CLI call. It never
imports Pulumi. Every field of the ClusterConfig is either read by a translator
or reported as finding ``INP-001``: nothing is dropped silently.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from translators.cluster.control_plane import ClusterOptions, translate_cluster
from translators.cluster.compute import ComputeOptions, translate_node_groups
from translators.input.eksctl import load_cluster_config
from translators.errors import field_path
from translators.findings import Findings
from translators.gcpause import gc_paused
from translators.naming import acr_name, key_vault_name, workspace_name
from translators.plan import AksPlan, ClusterFeature
from translators.checks.deployment import DeployOptions, check_deployability
from translators.shapes import as_dict

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
        audit_log_admin_only: EKS ``audit`` logs go to ``kube-audit-admin`` (no get/list events, lower cost)
            instead of ``kube-audit`` (``eks-to-aks:auditLogAdminOnly``).
        workload_options: options for the manifest translators, by config key (the ``target: workload``
            entries of ``data/options.yaml``: ``ingress``, ``securityGroups`` (parsed JSON), ``resourceMap``,
            ``iamPolicies``, ``iamExport``, ``mirrorPublicImages``, ``azureFilesProtocol``, ``velero``, ``dns``,
            ``diskEncryptionSetID``).
        exclude_paths: files/folders never read as manifests (the CLI's own ``--out``).
        deploy: how the objects are deployed (``deployWorkloads``, ``gitops*``, ``adminGroupObjectIds``,
            ``installOperators``; see :class:`translators.checks.deployment.DeployOptions`).
        key_vault_name_suffix: appended to the Key Vault name (``keyVaultNameSuffix``; a new name after a
            destroy, since purge protection keeps the old one for 90 days).
    """

    stack: str = "dev"
    location: str | None = None
    vm_size_overrides: dict[str, str] = field(default_factory=dict)
    allow_cpu_fallback: bool = False
    use_lts: bool = False
    kubernetes_version: str | None = None
    as_of: dt.date | None = None
    audit_log_admin_only: bool = False
    workload_options: dict[str, Any] = field(default_factory=dict)
    progress: Any = None  # callable(done, total) for a progress bar; not from config
    exclude_paths: list[str] = field(default_factory=list)  # the run's own output: never read as manifests
    deploy: DeployOptions = field(default_factory=DeployOptions)
    key_vault_name_suffix: str = ""

    @classmethod
    def from_config(cls, get: Any, stack: str) -> TranslateOptions:
        """Build from a ``get(key) -> str | None`` accessor (Pulumi config or a dict's ``get``); the keys, types
        and checks are the options schema's (:mod:`translators.options`, ``data/options.yaml``).

        Raises:
            OptionError: a value does not fit its option (the message names ``eks-to-aks:<key>``).
        """
        from translators.options import from_config

        return from_config(get, stack)


def translate_estate(cluster_config: str | Path | None = None, options: TranslateOptions | None = None,
                     manifests: list[str] | None = None) -> AksPlan:
    """Read, validate and translate an eksctl ClusterConfig and (optionally) the cluster's manifests.

    Args:
        cluster_config: path to the eksctl file; ``None`` with manifests → a neutral default cluster
            (:mod:`translators.input.default_cluster`, finding INP-011); ``None`` without manifests → the
            bundled example (callers wanting the whole example pass its manifests and
            :data:`DEFAULT_CLUSTER_CONFIG`).
        options: see :class:`TranslateOptions`.
        manifests: manifest files/folders (``None`` or empty: landing zone only). Exported objects
            (``kubectl get -o yaml``) are cleaned first (:mod:`translators.input.export`).

    Returns:
        The :class:`AksPlan` with its findings sorted by severity, file and line.

    Raises:
        InputError: invalid YAML or ClusterConfig (names file, line, field); nothing is planned.
    """
    with gc_paused():
        neutral = not cluster_config and bool(manifests)
        return _translate_estate(None if neutral else str(cluster_config or DEFAULT_CLUSTER_CONFIG),
                                 options or TranslateOptions(), manifests)


def _translate_estate(path: str | None, opts: TranslateOptions, manifests: list[str] | None) -> AksPlan:
    findings = Findings()
    location = opts.location
    if path is None:
        from translators.cluster.control_plane import DEFAULT_LOCATION
        from translators.input.default_cluster import default_cluster_config

        cfg = default_cluster_config()
        location = location or DEFAULT_LOCATION
        findings.add("INP-011", f"only manifests were given: planned a neutral default cluster in {location} "
                                "(one system node pool, AKS's default Kubernetes version)")
    else:
        cfg = load_cluster_config(path)
    cluster, network, zones = translate_cluster(
        cfg, ClusterOptions(location=location, use_lts=opts.use_lts, as_of=opts.as_of,
                            kubernetes_version=opts.kubernetes_version,
                            audit_admin_only=opts.audit_log_admin_only), findings)
    pools = translate_node_groups(cfg, ComputeOptions(opts.vm_size_overrides, opts.allow_cpu_fallback, zones),
                                  findings)
    from translators.checks.deployability import apply_deployability, move_bootstrap_labels

    move_bootstrap_labels(cfg, pools, findings)
    plan = AksPlan(source_file=path or "", cluster=cluster, network=network, node_pools=pools,
                   registry_name=acr_name(opts.stack, cluster.name),
                   key_vault_name=key_vault_name(opts.stack, cluster.name, opts.key_vault_name_suffix),
                   log_analytics_name=workspace_name(cluster.name))
    has_iam = bool(cfg.data.get("iam", {}).get("serviceAccounts") or cfg.data.get("iam", {}).get("podIdentityAssociations")) \
        if isinstance(cfg.data.get("iam"), dict) else False
    if manifests or has_iam:  # eksctl service accounts alone still get workload identities
        from translators.input.export import clean_export
        from translators.k8s import WorkloadContext
        from translators.input.manifests import load_manifests
        from translators.workloads import translate_workloads

        objects = load_manifests(manifests, opts.exclude_paths) if manifests else []
        cleaned = clean_export(objects)
        objects = cleaned.objects
        zones = sorted({z for p in pools for z in p.availability_zones})
        ctx = WorkloadContext(registry_login_server=f"{plan.registry_name.lower()}.azurecr.io",
                              key_vault_name=plan.key_vault_name, location=cluster.location, zones=zones,
                              options=dict(opts.workload_options))
        plan.workloads = translate_workloads(objects, ctx, cfg, progress=opts.progress)
        _account_export(plan.workloads, cleaned)
        _eksctl_only_accounts(cfg, objects, ctx.service_account_identities, findings)
        findings += plan.workloads.findings
        apply_cluster_requests(plan, findings)
        apply_deployability(plan, findings)  # whole-estate check over the plan: verdicts, findings, edits
    check_deployability(plan, opts.deploy, findings)  # how the objects reach the cluster (first up)
    _not_deployed_cannot_run(plan, findings)
    for p in cfg.unread():
        findings.add("INP-001", f"{field_path(p)} is not translated", cfg.doc, p)
    from translators.checks.preflight import PreflightOptions, run_preflight

    run_preflight(plan, findings, PreflightOptions(audit_admin_only=opts.audit_log_admin_only, as_of=opts.as_of))
    # estate-wide findings (the generated default cluster has no file) carry no line
    plan.findings = sorted((f if f.file or f.line is None else replace(f, line=None) for f in findings),
                           key=lambda f: f.sort_key())
    return plan


def _not_deployed_cannot_run(plan: AksPlan, findings: Findings) -> None:
    """A workload the deployment stage does not send to the cluster (``DeployPlan.skipped``: a kind the API
    server would not know, a placeholder only the user can fill) cannot run: its verdict says so, with the
    finding that explains it (PRE-052/PRE-056), so no verdict says "runs" for an object that is never deployed."""
    if plan.deploy is None or not plan.deploy.skipped or not plan.verdicts:
        return
    skipped = {tuple(key.rsplit("/", 3)[1:]) for key in plan.deploy.skipped}  # (kind, namespace, name)
    why = [f"{f.rule_id}: {f.message}" for f in findings if f.rule_id in ("PRE-052", "PRE-056")]
    for v in plan.verdicts:
        if (v.kind, v.namespace or "", v.name) in skipped:
            ref = f"{v.kind} {v.namespace + '/' if v.namespace else ''}{v.name} "
            v.verdict = "cannot-run"
            v.reasons = [*v.reasons, next((w for w in why if ref in w),
                                          "not deployed by this stack (see the PRE-052/PRE-056 findings)")]


def _account_export(workloads: Any, cleaned: Any) -> None:
    """Objects the export cleaning removed count as dropped; its summary findings join the manifests'."""
    workloads.counts["dropped"] = workloads.counts.get("dropped", 0) + cleaned.removed
    if cleaned.findings:
        workloads.findings = sorted([*workloads.findings, *cleaned.findings], key=lambda f: f.sort_key())


def _eksctl_only_accounts(cfg: Any, objects: list, identities: dict, findings: Findings) -> None:
    """CLU-016 for eksctl service accounts with no ServiceAccount manifest: the identity translation creates
    the account (manifests get IDN-001 on their own ServiceAccount), but the application still has to move
    from AWS SDK credentials to its workload identity."""
    in_manifests = {(o.namespace or "default", o.name) for o in objects if o.kind == "ServiceAccount" and not o.group}
    iam = as_dict(cfg.data.get("iam"))  # ``iam:`` with nothing under it
    for kind, name_key in (("serviceAccounts", None), ("podIdentityAssociations", "serviceAccountName")):
        for i, entry in enumerate(iam.get(kind) or []):
            if not isinstance(entry, dict):
                continue
            md = entry if name_key else (entry.get("metadata") or {})
            key = (str(md.get("namespace", "default")), str(md.get(name_key or "name", "")))
            if key in in_manifests:
                continue
            ident = identities.get(key)
            wk = as_dict(entry.get("wellKnownPolicies"))
            replaced = bool(wk) and all(k in AKS_REPLACED_POLICIES for k, v in wk.items() if v) \
                and not (entry.get("attachPolicyARNs") or entry.get("attachPolicy"))
            findings.add("CLU-016", f"iam.{kind}[{i}] {key[0]}/{key[1]}" + (
                " belongs to a component AKS replaces with its own managed identity" if replaced else
                f" -> workload identity {ident}" if ident else ""), cfg.doc, ("iam", kind, i),
                severity="info" if replaced else None)


def apply_cluster_requests(plan: AksPlan, findings: Findings) -> None:
    """Act on every :class:`~translators.plan.ClusterFeature` the manifest translations asked for.

    Always part of the planned cluster: ``workloadIdentity``, ``keyVaultSecretsProvider``, ``containerInsights``.
    Switched on: ``blobCSIDriver`` → Blob CSI driver; ``appRouting`` → application routing add-on;
    ``nodeAutoProvisioning`` → NAP; ``serviceMeshIstio`` → Istio add-on; ``enableUltraSSD`` → Ultra Disk on zonal
    Linux pools. Reported: ``zones``/``enableUltraSSD`` with no zonal pool (``CLU-024``: Premium SSD v2 / Ultra Disks
    are zonal); ``ingressApplicationGateway`` (``CLU-025``: AGIC needs an Application Gateway, not planned here).
    """
    req = plan.workloads.cluster_requests if plan.workloads else set()
    c = plan.cluster
    c.blob_csi_driver = c.blob_csi_driver or ClusterFeature.BLOB_CSI_DRIVER in req
    c.app_routing = c.app_routing or ClusterFeature.APP_ROUTING in req
    c.node_auto_provisioning = c.node_auto_provisioning or ClusterFeature.NODE_AUTO_PROVISIONING in req
    c.service_mesh_istio = c.service_mesh_istio or ClusterFeature.SERVICE_MESH_ISTIO in req
    zonal = [p for p in plan.node_pools if p.availability_zones]
    if ClusterFeature.ENABLE_ULTRA_SSD in req:
        for p in zonal:
            if p.os_type == "Linux":
                p.enable_ultra_ssd = True
    if (ClusterFeature.ZONES in req or ClusterFeature.ENABLE_ULTRA_SSD in req) and not zonal:
        findings.add("CLU-024", "zonal disks (Premium SSD v2 / Ultra) are requested by StorageClasses but no "
                                "node pool has availability zones")
    if ClusterFeature.INGRESS_APPLICATION_GATEWAY in req:
        findings.add("CLU-025", "eks-to-aks:ingress=agic needs an Application Gateway and the AGIC add-on")
