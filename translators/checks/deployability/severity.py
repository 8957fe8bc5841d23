"""Severity adjustments made before the check: SEC-011 about the keys of a non-AWS endpoint becomes SCH-011, and
IDN-001/IDN-013 about the accounts of add-ons AKS replaces become info."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from translators.checks.deployability.pods import pod_views
from translators.checks.deployability.references import _view_refs
from translators.findings import Findings, finding
from translators.plan import AksPlan
from translators.refdata import read_table


def _keys_for_non_aws_endpoints(plan: AksPlan, findings: Findings) -> None:
    """SEC-011 (a Secret holds AWS credentials: delete them) about a Secret whose only users are pods whose env
    points the AWS SDK at a non-AWS endpoint (MinIO in the cluster, another S3-compatible store) becomes SCH-011
    (info: those are that service's keys, keep them)."""
    from translators.appconfig.translate import non_aws_endpoint

    wl = plan.workloads
    if wl is None or not any(f.rule_id == "SEC-011" for f in wl.findings):
        return
    uses: dict[tuple[str, str], set[str | None]] = {}
    for obj in wl.objects:
        views = pod_views(obj)
        ns = str((obj.get("metadata") or {}).get("namespace") or "default")
        for view in views:
            env = [(str(e.get("name")), e.get("value")) for c in view.containers() for e in c.get("env") or []
                   if isinstance(e, dict)]
            host = non_aws_endpoint(env)
            for kind, name, _ in _view_refs(view):
                if kind == "Secret":
                    uses.setdefault((ns, name), set()).add(host)
    minio = {f"Secret/{ns}/{name} ": hosts for (ns, name), hosts in uses.items() if None not in hosts}
    if not minio:
        return
    lists = [findings, wl.findings] + [r.findings for r in wl.results if r.findings]
    for items in lists:
        for i, f in enumerate(items):
            if f.rule_id != "SEC-011":
                continue
            prefix = next((p for p in minio if f.message.startswith(p)), None)
            if prefix is not None:
                keys = f.message[len(prefix):].removeprefix("keys ").split(" hold ")[0]
                items[i] = finding("SCH-011", f"{prefix}keys {keys}: keys for the non-AWS endpoint "
                                              f"{', '.join(sorted(h for h in minio[prefix] if h))} used by its pods; "
                                              "keep them", f.file, f.line)


_ROLE = re.compile(r"^IAM role (\S+): ")


#: Add-ons of ``data/addons_components.csv`` that AKS runs itself with its own identity, recognised by their
#: ServiceAccount name alone (the log shippers and ACK/App Mesh controllers are left out: their names are generic
#: or their replacement is a migration of its own).
REPLACED_ADDONS = ("cluster-autoscaler", "aws-load-balancer-controller", "aws-ebs-csi-driver", "aws-efs-csi-driver",
                   "aws-fsx-csi-driver", "aws-mountpoint-s3-csi-driver", "aws-node-termination-handler",
                   "eks-pod-identity-agent", "karpenter", "aws-vpc-cni", "secrets-store-csi-driver-provider-aws")
_SA_REF = re.compile(r"^ServiceAccount/([^/]+)/([^:]+): ")


@lru_cache(maxsize=1)
def _replaced_addon_names() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """``(name regex, add-on, AKS replacement)`` of :data:`REPLACED_ADDONS` (``data/addons_components.csv``)."""
    return tuple((re.compile(r["name"]), r["addon"], r["aks_feature"]) for r in read_table("addons_components.csv")
                 if r["addon"] in REPLACED_ADDONS and r["name"])


@lru_cache(maxsize=4096)
def replaced_component(service_account: str) -> tuple[str, str] | None:
    """``(add-on, AKS replacement)`` when ``service_account`` is the account of an add-on AKS replaces (cached: a
    name, never a value)."""
    return next(((a, f) for rx, a, f in _replaced_addon_names() if rx.search(service_account)), None)


def _replaced_roles_are_info(plan: AksPlan, findings: Findings) -> None:
    """Accounts of components AKS replaces are info, not high: IDN-001 on the ServiceAccount of such an add-on
    (cluster autoscaler, load balancer controller, CSI drivers... by name, ``data/addons_components.csv``), and
    IDN-013 (a role's policies are not in the input) about a role whose ServiceAccounts are all such accounts or
    were dropped with their add-on (no identity planned for it)."""
    wl = plan.workloads
    if wl is None or wl.identities is None:
        return
    replaced_sources = {i.source for i in wl.identities.identities
                        if i.federated and all(replaced_component(c.service_account) for c in i.federated)}
    planned = {i.source for i in wl.identities.identities} - replaced_sources
    for items in (findings, wl.findings, *[r.findings for r in wl.results if r.findings]):
        for i, f in enumerate(items):
            if f.severity == "info":
                continue
            if f.rule_id == "IDN-001":
                m = _SA_REF.match(f.message)
                comp = replaced_component(m.group(2)) if m else None
                if comp:
                    items[i] = replace(f, severity="info", message=f"{f.message} (account of {comp[0]}, which AKS "
                                                                   f"replaces: {comp[1]})")
            elif f.rule_id == "IDN-013":
                m = _ROLE.match(f.message)
                if m and m.group(1) not in planned:
                    items[i] = replace(f, severity="info", message=f"{f.message} (its ServiceAccounts belong to "
                                                                   "components AKS replaces)")
