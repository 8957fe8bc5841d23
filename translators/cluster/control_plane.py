"""Cluster-level eksctl settings → the AKS managed cluster and its network.

Pure translation (no Pulumi). Facts: region table ``aws_to_azure_region_map.csv``;
AKS version calendar ``aks_kubernetes_versions.csv`` (Standard tier supports minors
until EOL, LTS on Premium until EOL + 1 year); add-ons ``eks_addon_to_aks_feature.csv``;
log types ``eks_log_types_to_aks_diagnostic_categories.csv``; Azure CNI Overlay pod
CIDR must not overlap the VNet or the service CIDR (AKS docs, concepts-network-azure-cni-overlay).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass

from translators.input.eksctl import ClusterConfig
from translators.errors import InputError, field_path
from translators.findings import Findings
from translators.naming import cluster_name, dns_prefix, resource_group_name
from translators.plan import ClusterPlan, NetworkPlan
from translators.refdata import addon_map, log_type_map, read_table, region_map

DEFAULT_LOCATION = "eastus"
POD_CIDR_CANDIDATES = ("10.244.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "10.100.0.0/16")
# eksctl's defaults when vpc.cidr / serviceIPv4CIDR are not given
EKSCTL_DEFAULT_VPC_CIDR = "192.168.0.0/16"
DEFAULT_SERVICE_CIDR = "10.100.0.0/16"  # EKS picks 172.20.0.0/16 instead when the VPC is in 10.0.0.0/8
PLATFORM_ONLY = ("zonalShiftConfig", "remoteNetworkConfig", "outpost", "controlPlaneScalingConfig",
                 "capabilities", "localZones")


@dataclass
class ClusterOptions:
    """Config that shapes the cluster: ``location`` override, ``use_lts``, ``as_of`` date for the
    version calendar, ``kubernetes_version`` override, ``audit_admin_only`` (EKS ``audit`` logs →
    ``kube-audit-admin`` instead of ``kube-audit``)."""

    location: str | None = None
    use_lts: bool = False
    as_of: dt.date | None = None
    kubernetes_version: str | None = None
    audit_admin_only: bool = False


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def resolve_location(cfg: ClusterConfig, opts: ClusterOptions, findings: Findings) -> tuple[str, bool]:
    """(Azure location, region has availability zones)."""
    region = cfg.get("metadata", "region")
    rows = region_map()
    if opts.location:
        loc = opts.location
    elif region is None:
        findings.add("CLU-001", f"metadata.region not set; planned in {DEFAULT_LOCATION}", cfg.doc, ("metadata",))
        loc = DEFAULT_LOCATION
    elif region in rows:
        loc = rows[region]["azure_region_recommended"]
        note = rows[region]["note"]
        findings.add("CLU-002", f"{region} -> {loc}" + (f" ({note})" if note else ""), cfg.doc, ("metadata", "region"))
    else:
        findings.add("CLU-001", f"no Azure region known for {region}; planned in {DEFAULT_LOCATION}", cfg.doc,
                     ("metadata", "region"))
        loc = DEFAULT_LOCATION
    zones = next((r["azure_has_availability_zones"] == "True" for r in rows.values()
                  if r["azure_region_recommended"] == loc), True)
    return loc, zones


def resolve_version(cfg: ClusterConfig, opts: ClusterOptions, findings: Findings) -> tuple[str | None, str, str]:
    """(kubernetes version or None for AKS's default, sku tier, support plan)."""
    raw = opts.kubernetes_version or cfg.get("metadata", "version")
    support = cfg.get("upgradePolicy", "supportType")
    if support == "EXTENDED" and not opts.use_lts:
        findings.add("CLU-022", "upgradePolicy.supportType EXTENDED", cfg.doc, ("upgradePolicy", "supportType"))
    if raw in (None, "", "latest", "auto", "default"):
        return None, "Standard", "KubernetesOfficial"
    version = str(raw)
    if not re.match(r"^\d+\.\d+(\.\d+)?$", version):
        path = ("metadata", "version") if not opts.kubernetes_version else ()
        raise InputError(cfg.file, cfg.line(*path), "metadata.version" if path else "eks-to-aks:kubernetesVersion",
                         f"{version!r} is not a Kubernetes version like \"1.31\""
                         + (" (unsubstituted template placeholder?)" if "$" in version or "{" in version else ""))
    minor = ".".join(version.split(".")[:2])
    today = opts.as_of or dt.date.today()
    cal = {r["minor"]: r for r in read_table("aks_kubernetes_versions.csv")}
    row = cal.get(minor)
    path = ("metadata", "version")
    if row is None:
        newest = max(cal, key=lambda m: tuple(map(int, m.split("."))))
        if tuple(map(int, minor.split("."))) > tuple(map(int, newest.split("."))):
            findings.add("CLU-004", f"Kubernetes {version} is newer than {newest}", cfg.doc, path)
            return version, "Standard", "KubernetesOfficial"
        row = {"minor": minor, "ga": "1970-01-01", "eol": "1970-01-01", "lts_eol": "1970-01-01"}
    if _date(row["eol"]) > today:
        return minor, "Standard", "KubernetesOfficial"
    supported = sorted((m for m, r in cal.items() if _date(r["ga"]) <= today < _date(r["eol"])),
                       key=lambda m: tuple(map(int, m.split("."))))
    if opts.use_lts and _date(row["lts_eol"]) > today:
        findings.add("CLU-003", f"Kubernetes {version} reached AKS end of life on {row['eol']}; planned on the "
                                f"Premium tier with Long-Term Support (until {row['lts_eol']})", cfg.doc, path,
                     severity="low")
        return minor, "Premium", "AKSLongTermSupport"
    target = supported[0] if supported else None
    lts = f"; LTS on Premium until {row['lts_eol']} (eks-to-aks:useLts)" if _date(row["lts_eol"]) > today else ""
    findings.add("CLU-003", f"Kubernetes {version} is past AKS end of life ({row['eol']}); planned "
                            f"{target or 'the AKS default'}{lts}", cfg.doc, path)
    return target, "Standard", "KubernetesOfficial"


def _first_free_pod_cidr(*taken: str) -> str:
    nets = [ipaddress.ip_network(t, strict=False) for t in taken]
    for cand in POD_CIDR_CANDIDATES:
        c = ipaddress.ip_network(cand)
        if not any(c.overlaps(n) for n in nets):
            return cand
    return "100.64.0.0/16"


def _ipv4_cidr(cfg: ClusterConfig, path: tuple[str, ...], default: str) -> ipaddress.IPv4Network:
    """The IPv4 CIDR block at ``path`` (``default`` when absent).

    Raises:
        InputError: the value is not an IPv4 CIDR block.
    """
    value = cfg.get(*path) or default
    try:
        net = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        net = None
    if not isinstance(net, ipaddress.IPv4Network):
        raise InputError(cfg.file, cfg.line(*path), field_path(path),
                         f"{str(value)!r} is not an IPv4 CIDR block (e.g. 192.168.0.0/16)")
    return net


def translate_network(cfg: ClusterConfig, findings: Findings) -> NetworkPlan:
    """``vpc`` and ``kubernetesNetworkConfig`` → VNet, node subnet and network profile.

    The VNet keeps the VPC CIDR (eksctl's default 192.168.0.0/16 when absent); the
    node subnet is its first half; the service CIDR keeps ``serviceIPv4CIDR`` (eksctl
    default 10.100.0.0/16) with the DNS service IP at its .10 address.
    """
    net = NetworkPlan()
    vnet = _ipv4_cidr(cfg, ("vpc", "cidr"), EKSCTL_DEFAULT_VPC_CIDR)
    net.vnet_cidr = str(vnet)
    net.node_subnet_cidr = str(next(vnet.subnets(prefixlen_diff=1))) if vnet.prefixlen < 29 else str(vnet)
    default_svc = "172.20.0.0/16" if vnet.subnet_of(ipaddress.IPv4Network("10.0.0.0/8")) else DEFAULT_SERVICE_CIDR \
        if vnet.version == 4 else DEFAULT_SERVICE_CIDR
    svc = _ipv4_cidr(cfg, ("kubernetesNetworkConfig", "serviceIPv4CIDR"), default_svc)
    if svc.overlaps(vnet):
        replaced = svc
        svc = ipaddress.ip_network("10.0.0.0/16") if not ipaddress.ip_network("10.0.0.0/16").overlaps(vnet) \
            else ipaddress.ip_network("172.20.0.0/16")
        findings.add("CLU-023", f"service CIDR {replaced} overlaps the VNet {vnet}; planned {svc}", cfg.doc,
                     ("kubernetesNetworkConfig", "serviceIPv4CIDR")
                     if cfg.get("kubernetesNetworkConfig", "serviceIPv4CIDR") else ("vpc", "cidr"))
    net.service_cidr = str(svc)
    net.dns_service_ip = str(svc.network_address + 10)
    net.pod_cidr = _first_free_pod_cidr(net.vnet_cidr, net.service_cidr)
    existing = [cfg.get("vpc", "id"), cfg.get("vpc", "subnets")]
    if any(existing):
        findings.add("CLU-005", "vpc.id/subnets name an existing VPC; a new VNet "
                                f"{net.vnet_cidr} was planned", cfg.doc, ("vpc",))
    for key in ("securityGroup", "sharedNodeSecurityGroup", "manageSharedNodeSecurityGroupRules", "extraCIDRs",
                "extraIPv6CIDRs", "ipv6Cidr", "ipv6Pool", "hostnameType", "autoAllocateIPv6",
                "controlPlaneSubnetIDs", "controlPlaneSecurityGroupIDs"):
        value = cfg.get("vpc", key)  # read (marked) even when unset or disabled
        if value not in (None, [], "") and value is not False:  # a disabled feature (autoAllocateIPv6: false)
            findings.add("CLU-005", f"vpc.{key} has no VNet counterpart in this stack", cfg.doc, ("vpc", key))
    nat = cfg.get("vpc", "nat", "gateway")
    if nat and nat != "Disable":
        findings.add("CLU-019", f"vpc.nat.gateway {nat}", cfg.doc, ("vpc", "nat", "gateway"))
    cfg.mark("vpc", "nat")
    if str(cfg.get("kubernetesNetworkConfig", "ipFamily") or "IPv4").lower() == "ipv6":
        net.ip_families = ["IPv4", "IPv6"]
        findings.add("CLU-018", "kubernetesNetworkConfig.ipFamily IPv6 planned as dual-stack", cfg.doc,
                     ("kubernetesNetworkConfig", "ipFamily"))
    return net


def translate_cluster(cfg: ClusterConfig, opts: ClusterOptions, findings: Findings) -> tuple[ClusterPlan, NetworkPlan, bool]:
    """The managed cluster, its network, and whether the region has availability zones."""
    name = cluster_name(str(cfg.get("metadata", "name")))
    location, zones = resolve_location(cfg, opts, findings)
    version, tier, support = resolve_version(cfg, opts, findings)
    tags = {str(k): str(v) for k, v in (cfg.get("metadata", "tags") or {}).items()}
    cfg.mark("metadata", "annotations")
    plan = ClusterPlan(name=name, resource_group_name=resource_group_name(name), location=location,
                       dns_prefix=dns_prefix(name), kubernetes_version=version, sku_tier=tier,
                       support_plan=support, tags=tags)
    net = translate_network(cfg, findings)
    _endpoint(cfg, plan, findings)
    _encryption(cfg, plan, findings)
    _logging(cfg, plan, findings, opts.audit_admin_only)
    _addons(cfg, plan, findings)
    _platform(cfg, plan, findings)
    return plan, net, zones


def _endpoint(cfg: ClusterConfig, plan: ClusterPlan, findings: Findings) -> None:
    private = cfg.get("vpc", "clusterEndpoints", "privateAccess")
    public = cfg.get("vpc", "clusterEndpoints", "publicAccess")
    if private and public is False:
        plan.private_cluster = True
        findings.add("CLU-017", "clusterEndpoints: private access only", cfg.doc, ("vpc", "clusterEndpoints"))
    if cfg.get("privateCluster", "enabled"):
        plan.private_cluster = True
        findings.add("CLU-017", "privateCluster.enabled (fully private cluster)", cfg.doc, ("privateCluster",))
    cfg.mark("privateCluster")
    if cfg.get("vpc", "controlPlaneOnPrivateSubnets"):
        findings.add("CLU-017", "vpc.controlPlaneOnPrivateSubnets: API server reachable from the VNet only "
                                "with a private cluster or API server VNet integration", cfg.doc,
                     ("vpc", "controlPlaneOnPrivateSubnets"), severity="info")
    cidrs = [str(c) for c in (cfg.get("vpc", "publicAccessCIDRs") or []) if str(c) not in ("0.0.0.0/0", "::/0")]
    if cidrs and not plan.private_cluster:
        plan.authorized_ip_ranges = cidrs


def _encryption(cfg: ClusterConfig, plan: ClusterPlan, findings: Findings) -> None:
    arn = cfg.get("secretsEncryption", "keyARN")
    if arn:
        plan.kms_key_name = "etcd-kms"
        findings.add("CLU-006", f"secretsEncryption.keyARN {arn} -> Key Vault key 'etcd-kms' (KMS etcd encryption)",
                     cfg.doc, ("secretsEncryption", "keyARN"))
    cfg.mark("secretsEncryption")


def _logging(cfg: ClusterConfig, plan: ClusterPlan, findings: Findings, audit_admin_only: bool = False) -> None:
    """``cloudWatch.clusterLogging`` → diagnostic categories. EKS ``audit`` → ``kube-audit`` (every event, get and
    list included, as EKS logs them) or, with ``audit_admin_only``, ``kube-audit-admin`` (no get/list, cheaper);
    never both (monitor-aks-reference)."""
    types = cfg.get("cloudWatch", "clusterLogging", "enableTypes") or []
    table = log_type_map()
    cats: list[str] = []
    for i, t in enumerate(types):
        key = "all / *" if t in ("all", "*") else t
        row = table.get(key)
        if row is None:  # eksctl's schema enumerates the log types, so the table covers every valid one
            raise InputError(cfg.file, cfg.line("cloudWatch", "clusterLogging", "enableTypes", i),
                             f"cloudWatch.clusterLogging.enableTypes[{i}]", f"unknown log type {t!r}")
        for c in row["aks_diagnostic_category"].split(","):
            if c and c not in cats:
                cats.append(c)
    if audit_admin_only and "kube-audit" in cats:
        cats[cats.index("kube-audit")] = "kube-audit-admin"
    if cats.count("kube-audit-admin") > 1 or ("kube-audit" in cats and "kube-audit-admin" in cats):
        drop = "kube-audit" if audit_admin_only else "kube-audit-admin"  # same events minus get/list: pick one
        cats = [c for i, c in enumerate(cats) if c != drop and c not in cats[:i]]
    days = cfg.get("cloudWatch", "clusterLogging", "logRetentionInDays")
    if days:
        plan.log_retention_days = min(max(int(days), 30), 730)  # Log Analytics accepts 30-730 days
    if cats:
        plan.diagnostic_categories = cats
        findings.add("CLU-007", f"enableTypes {', '.join(map(str, types))} -> {', '.join(cats)}", cfg.doc,
                     ("cloudWatch", "clusterLogging", "enableTypes"))
    cfg.mark("cloudWatch", "clusterLogging", "enableTypes")


def _addons(cfg: ClusterConfig, plan: ClusterPlan, findings: Findings) -> None:
    table = addon_map()
    for i, addon in enumerate(cfg.get("addons") or []):
        if not isinstance(addon, dict):  # an empty list item (``- ``): nothing to translate
            continue
        name = str(addon.get("name", ""))
        cfg.mark("addons", i)
        row = table.get(name)
        if row is None:
            findings.add("CLU-010", f"add-on {name!r}", cfg.doc, ("addons", i))
            continue
        if name == "aws-mountpoint-s3-csi-driver":
            plan.blob_csi_driver = True
        findings.add("CLU-009", f"add-on {name} -> {row['aks_feature']}", cfg.doc, ("addons", i))
        if addon.get("serviceAccountRoleARN") or addon.get("attachPolicyARNs") or addon.get("wellKnownPolicies"):
            findings.add("CLU-016", f"add-on {name} has IAM permissions; the AKS feature uses its own managed "
                                    "identity", cfg.doc, ("addons", i), severity="info")
    cfg.mark("addonsConfig")


def _platform(cfg: ClusterConfig, plan: ClusterPlan, findings: Findings) -> None:
    if cfg.get("karpenter"):
        plan.node_auto_provisioning = True
        findings.add("CLU-014", f"karpenter {cfg.get('karpenter', 'version') or ''}".strip(), cfg.doc, ("karpenter",))
        cfg.mark("karpenter")
    if cfg.get("autoModeConfig", "enabled"):
        plan.node_auto_provisioning = True
        findings.add("CLU-021", "autoModeConfig.enabled", cfg.doc, ("autoModeConfig",))
    cfg.mark("autoModeConfig")
    for i, fp in enumerate(cfg.get("fargateProfiles") or []):
        if not isinstance(fp, dict):  # an empty list item (``- ``): nothing to translate
            continue
        sels = "; ".join(f"namespace {s.get('namespace')}" + (f" labels {s.get('labels')}" if s.get("labels") else "")
                         for s in fp.get("selectors") or [] if isinstance(s, dict))
        findings.add("CLU-011", f"Fargate profile {fp.get('name')} ({sels})", cfg.doc, ("fargateProfiles", i))
        cfg.mark("fargateProfiles", i)
    for key in ("accessConfig", "iamIdentityMappings"):
        if cfg.get(key):
            findings.add("CLU-012", key, cfg.doc, (key,))
    if cfg.get("gitops"):
        findings.add("CLU-013", "gitops", cfg.doc, ("gitops",))
    for i, _ in enumerate(cfg.get("identityProviders") or []):
        findings.add("CLU-015", f"identityProviders[{i}]", cfg.doc, ("identityProviders", i))
    cfg.get("iam", "withOIDC")  # the AKS cluster always gets the OIDC issuer and workload identity
    # iam.serviceAccounts / podIdentityAssociations: translated by translators.identity.translate (workload identities)
    for key in PLATFORM_ONLY:
        if cfg.get(key):
            findings.add("CLU-020", key, cfg.doc, (key,))
    cfg.get("availabilityZones")  # pools carry their own zones
    cfg.get("kind")
    cfg.get("apiVersion")
    cfg.get("metadata", "name")
