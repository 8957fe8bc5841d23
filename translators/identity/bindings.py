"""Who claims a workload identity: eksctl IAM entries and IRSA annotations → :class:`Binding`, for
:func:`translators.identity.translate.plan_identities`.

* ``iam.podIdentityAssociations`` and ``iam.serviceAccounts`` (their attached policies read by
  :class:`~translators.identity.iam_policy.PolicyReader`; AWS-only settings → IDN-014) and ServiceAccounts annotated
  ``eks.amazonaws.com/role-arn`` bind a ServiceAccount to an identity key: ``role:<IAM role name>``, or
  ``sa:<ns>/<name>`` for an eksctl entry without a named role.
* :func:`choose_bindings` keeps one binding per ServiceAccount by precedence (annotation, pod identity
  association, eksctl service account, secret reader) and reports the others (IDN-011).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from translators.findings import Findings
from translators.identity.iam_policy import PolicyReader, Where
from translators.k8s import K8sObject, WorkloadContext

if TYPE_CHECKING:
    from translators.input.eksctl import ClusterConfig

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
_ROLE_ARN = re.compile(r"^arn:[^:]*:iam::[^:]*:role/(?:.*/)?([^/]+)$")


@dataclass
class Binding:
    """One ServiceAccount's claim on an identity key (``role:<name>`` or ``sa:<ns>/<name>``)."""

    key: str
    stem: str
    source: str
    namespace: str
    name: str
    rank: int  # precedence: 0 role-arn annotation, 1 pod identity association, 2 eksctl SA, 3 secret reader
    where: Where | None
    reader: PolicyReader | None = None


def _role_key(value: str) -> tuple[str, str]:
    m = _ROLE_ARN.match(value.strip())
    name = m.group(1) if m else value.strip()
    return f"role:{name}", name


def _policies(reader: PolicyReader, entry: dict[str, Any], where: Where, arns: str, doc: str) -> None:
    for j, arn in enumerate(entry.get(arns) or []):
        reader.managed(str(arn), where.at(arns, j))
    if entry.get(doc):
        reader.document(entry[doc], where.at(doc))
    for key, on in sorted((entry.get("wellKnownPolicies") or {}).items()):
        if on is True:
            reader.well_known(str(key), where.at("wellKnownPolicies", key))


def eksctl_bindings(cfg: ClusterConfig, ctx: WorkloadContext, findings: Findings,
                    to_create: list[tuple[str, str, dict]]) -> list[Binding]:
    """Bindings of ``iam.serviceAccounts`` and ``iam.podIdentityAssociations``."""
    iam = cfg.data.get("iam") if isinstance(cfg.data, dict) else None
    iam = iam if isinstance(iam, dict) else {}
    out: list[Binding] = []
    for kind, rank in (("podIdentityAssociations", 1), ("serviceAccounts", 2)):
        for i, e in enumerate(iam.get(kind) or []):
            if not isinstance(e, dict):
                continue
            md = e.get("metadata") if kind == "serviceAccounts" else e
            md = md if isinstance(md, dict) else {}
            ns = str(md.get("namespace") or "default")
            name = str((md.get("name") if kind == "serviceAccounts" else md.get("serviceAccountName")) or "")
            if not name:
                continue
            where = Where(cfg.doc, ("iam", kind, i))
            who = f"iam.{kind}[{i}] {ns}/{name}"
            reader = PolicyReader(who, ctx.options, findings)
            if kind == "serviceAccounts":
                _policies(reader, e, where, "attachPolicyARNs", "attachPolicy")
                role_arn, extra = e.get("attachRoleARN"), ("permissionsBoundary", "subjectPattern")
                create = not e.get("roleOnly")
            else:
                _policies(reader, e, where, "permissionPolicyARNs", "permissionPolicy")
                role_arn, extra = e.get("roleARN"), ("permissionsBoundaryARN", "targetRoleARN", "disableSessionTags")
                create = e.get("createServiceAccount") is True
            for k in extra:
                if e.get(k):
                    findings.add("IDN-014", f"{who}: {k} has no Azure equivalent", cfg.doc, where.path + (k,))
            if role_arn:
                key, stem = _role_key(str(role_arn))
                source = str(role_arn)
            elif e.get("roleName"):
                key, stem, source = f"role:{e['roleName']}", str(e["roleName"]), f"IAM role {e['roleName']}"
            else:
                key, stem, source = f"sa:{ns}/{name}", f"{ns}-{name}", f"eksctl {who}"
            if create:
                to_create.append((ns, name, md))
            cfg.mark("iam", kind, i)
            out.append(Binding(key, stem, source, ns, name, rank, where, reader))
    return out


def annotated_bindings(objects: list[K8sObject]) -> list[Binding]:
    """Bindings of ServiceAccounts annotated ``eks.amazonaws.com/role-arn``."""
    out = []
    for o in objects:
        arn = (o.metadata.get("annotations") or {}).get(ROLE_ARN_ANNOTATION) if o.kind == "ServiceAccount" else None
        if arn:
            key, stem = _role_key(str(arn))
            out.append(Binding(key, stem, str(arn), o.namespace or "default", o.name, 0,
                                Where(o.doc, o.base_path + ("metadata", "annotations", ROLE_ARN_ANNOTATION))))
    return out


def choose_bindings(bindings: list[Binding], findings: Findings) -> dict[tuple[str, str], Binding]:
    """One binding per ServiceAccount, by precedence; the others with another role are reported."""
    chosen: dict[tuple[str, str], Binding] = {}
    for b in sorted(bindings, key=lambda b: (b.rank, b.key)):
        first = chosen.setdefault((b.namespace, b.name), b)
        if first.key != b.key and b.where is not None:
            findings.add("IDN-011", f"ServiceAccount {b.namespace}/{b.name} is bound to {first.source} and to "
                         f"{b.source}; the first is used", b.where.doc, b.where.path)
    return chosen
