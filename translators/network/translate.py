"""Networking: security groups for pods → NetworkPolicy; the Amazon VPC CNI → nothing.

:data:`NETWORK_TRANSLATORS` (contract in :mod:`translators.k8s`):

* ``SecurityGroupPolicy`` → ``NetworkPolicy`` selecting the same pods, Ingress and Egress
  isolated: default-deny (DNS egress only) without security group data; with
  ``ctx.options["securityGroups"]`` (parsed ``aws ec2 describe-security-groups`` JSON) each
  group's rules become ingress/egress rules (CIDRs → ``ipBlock``, referenced groups → pods of
  the policies attaching them, ``data/network_sg_protocols.csv``; :mod:`translators.network.sgp`)
  plus DNS egress. A
  ``serviceAccountSelector`` becomes the pod label ``sgp.eks-to-aks.io/<name>``, added to
  workloads running as a matching ServiceAccount.
* VPC CNI objects (``ENIConfig``, ``aws-node``, ``amazon-vpc-cni``, CRDs:
  ``data/network_aws_objects.csv``) → dropped; ``NetworkPolicy`` → passthrough (Cilium
  enforces it); workloads lose ``vpc.amazonaws.com/pod-eni``-style extended resources.

:func:`prepare` indexes policies, ServiceAccount labels and workloads in the JSON-safe
``ctx.indexes["networkIndex"]`` so results do not depend on input order.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any
from collections.abc import Iterable

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, estate_indexer, handles
from translators.network.sgp import NS_LABEL, SgRules, dedupe, private_range, security_groups
from translators.podspec import POD_KINDS, containers, pod_template
from translators.refdata import read_table

INDEX_KEY = "networkIndex"
SGP_GROUP = "vpcresources.k8s.aws"
LABEL_PREFIX = "sgp.eks-to-aks.io/"
SG_ANNOTATION = "networking.eks-to-aks.io/security-groups"
#: CoreDNS on AKS runs in kube-system with the label k8s-app=kube-dns and serves DNS on UDP and TCP 53.
DNS_RULE = {"to": [{"namespaceSelector": {"matchLabels": {NS_LABEL: "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}


@cache
def _table(name: str) -> list[dict[str, str]]:
    return read_table(name)


def aws_network_object(obj: K8sObject) -> dict[str, str] | None:
    """The ``data/network_aws_objects.csv`` row of a VPC CNI object, or ``None``."""
    for r in _table("network_aws_objects.csv"):
        if (r["kind"] == obj.kind and r["group"] in ("*", obj.group) and r["name"] in ("*", obj.name)
                and (r["namespace"] in ("*", "") or r["namespace"] == (obj.namespace or ""))):
            return r
    return None


def _s(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def selector_matches(selector: Any, labels: dict[str, Any]) -> bool:
    """Kubernetes LabelSelector semantics (matchLabels and In/NotIn/Exists/DoesNotExist)."""
    if not isinstance(selector, dict):
        return False
    labels = {str(k): _s(v) for k, v in _dict(labels).items()}
    if any(labels.get(str(k)) != _s(v) for k, v in _dict(selector.get("matchLabels")).items()):
        return False
    for e in filter(lambda e: isinstance(e, dict), selector.get("matchExpressions") or []):
        key, op, values = str(e.get("key")), e.get("operator"), [_s(v) for v in e.get("values") or []]
        ok = {"In": key in labels and labels[key] in values, "NotIn": labels.get(key) not in values,
              "Exists": key in labels, "DoesNotExist": key not in labels}.get(op, False)
        if not ok:
            return False
    return True


def clean_selector(selector: Any) -> dict[str, Any]:
    """A LabelSelector with only ``matchLabels``/``matchExpressions`` and string values."""
    out: dict[str, Any] = {}
    if not isinstance(selector, dict):
        return out
    if _dict(selector.get("matchLabels")):
        out["matchLabels"] = {str(k): _s(v) for k, v in selector["matchLabels"].items()}
    exprs = [{"key": str(e.get("key")), "operator": str(e.get("operator")),
              **({"values": [_s(v) for v in e["values"]]} if e.get("values") is not None else {})}
             for e in selector.get("matchExpressions") or [] if isinstance(e, dict)]
    if exprs:
        out["matchExpressions"] = exprs
    return out


def sgp_label_key(name: str) -> str:
    """The selector label for pods of a service-account-selected policy (name part ≤ 63 chars)."""
    if len(name) > 63:
        name = name[:54].rstrip("-.") + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return LABEL_PREFIX + name


@cache
def _aws_pod_resources() -> frozenset[str]:
    """Extended resources of AWS network add-ons (``data/network_aws_pod_resources.csv``)."""
    return frozenset(r["resource"] for r in _table("network_aws_pod_resources.csv"))


def _ns(obj: K8sObject) -> str:
    return obj.namespace or "default"


# --- the estate index -----------------------------------------------------------------------------

def _empty_index(complete: bool) -> dict[str, Any]:
    return {"complete": complete, "policies": {}, "serviceAccounts": {}, "workloads": []}


def _pod_selector(spec: dict[str, Any], name: str) -> dict[str, Any]:
    sel = clean_selector(spec.get("podSelector"))
    if spec.get("serviceAccountSelector") is not None:
        sel.setdefault("matchLabels", {})[sgp_label_key(name)] = "true"
    return sel


def _register(idx: dict[str, Any], obj: K8sObject) -> None:
    if obj.kind == "SecurityGroupPolicy" and obj.group == SGP_GROUP:
        spec = _dict(obj.obj.get("spec"))
        groups = _dict(spec.get("securityGroups")).get("groupIds") or []
        idx["policies"][f"{_ns(obj)}/{obj.name}"] = {
            "namespace": _ns(obj), "name": obj.name, "groups": [str(g) for g in groups],
            "podSelector": spec.get("podSelector"), "saSelector": spec.get("serviceAccountSelector"),
            "selector": _pod_selector(spec, obj.name)}
    elif obj.kind == "ServiceAccount" and obj.group == "":
        idx["serviceAccounts"][f"{_ns(obj)}/{obj.name}"] = {str(k): _s(v) for k, v in
                                                            (obj.metadata.get("labels") or {}).items()}
    found = pod_template(obj.obj)
    if found is not None and aws_network_object(obj) is None:
        tpl = found[1]
        spec = tpl.get("spec") or {}
        idx["workloads"].append({"ref": obj.ref(), "namespace": _ns(obj),
                                 "sa": str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"),
                                 "labels": ((tpl.get("metadata") or {}).get("labels") or {})})


def index_network(objects: Iterable[K8sObject]) -> dict[str, Any]:
    """The complete networking index of ``objects`` (see module docstring)."""
    idx = _empty_index(True)
    for o in objects:
        _register(idx, o)
    idx = json.loads(json.dumps(idx, default=str))
    idx["saPolicies"] = _sa_policies_by_namespace(idx)
    return idx


def _sa_policies_by_namespace(idx: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Service-account-selecting policies by namespace, each list ordered by policy name."""
    out: dict[str, list[dict[str, Any]]] = {}
    for p in sorted(idx["policies"].values(), key=lambda p: p["name"]):
        if p["saSelector"] is not None:
            out.setdefault(p["namespace"], []).append(p)
    return out


prepare, _index = estate_indexer(INDEX_KEY, index_network, lambda: _empty_index(False))


def _sa_selected(policy: dict[str, Any], ns: str, sa: str, pod_labels: dict, idx: dict[str, Any]) -> bool:
    """Does a service-account-selected policy select a pod running as ``ns/sa`` with ``pod_labels``?"""
    sa_labels = idx["serviceAccounts"].get(f"{ns}/{sa}")
    return (policy["saSelector"] is not None and policy["namespace"] == ns and sa_labels is not None
            and selector_matches(policy["saSelector"], sa_labels)
            and (policy["podSelector"] is None or selector_matches(policy["podSelector"], pod_labels)))


# --- SecurityGroupPolicy → NetworkPolicy ----------------------------------------------------------

def _policy_metadata(obj: K8sObject, groups: list[str]) -> dict[str, Any]:
    md = obj.metadata
    out: dict[str, Any] = {"name": obj.name, **({"namespace": obj.namespace} if obj.namespace else {})}
    if md.get("labels"):
        out["labels"] = {str(k): _s(v) for k, v in md["labels"].items()}
    anns = {str(k): _s(v) for k, v in (md.get("annotations") or {}).items()
            if k != "kubectl.kubernetes.io/last-applied-configuration"}
    out["annotations"] = {**anns, SG_ANNOTATION: ",".join(groups)}
    return out


@handles("SecurityGroupPolicy")
def translate_security_group_policy(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """SecurityGroupPolicy → NetworkPolicy (see module docstring)."""
    if obj.kind != "SecurityGroupPolicy" or obj.group != SGP_GROUP:
        return None
    idx = _index(ctx)
    _register(idx, obj)
    spec = _dict(obj.obj.get("spec"))
    groups = [str(g) for g in _dict(spec.get("securityGroups")).get("groupIds") or []]
    findings = Findings()
    at = ("spec", "securityGroups", "groupIds")
    if (spec.get("podSelector") is None and spec.get("serviceAccountSelector") is None) or not groups:
        add_finding(findings, "NET-012", f"{obj.ref()} selects no pods or attaches no security group; dropped",
                    obj, "spec")
        return Translation("dropped", [], findings)
    rules: dict[str, list[dict[str, Any]]] = {"IpPermissions": [], "IpPermissionsEgress": []}
    sgs = security_groups(ctx)
    if sgs is None:
        add_finding(findings, "NET-001", f"{obj.ref()}: security groups {', '.join(groups)} → default-deny "
                    "NetworkPolicy (DNS egress only)", obj, *at)
    else:
        tr = SgRules(obj, idx["policies"], findings)
        for i, gid in enumerate(groups):
            if gid not in sgs:
                tr.note("NET-003", f"security group {gid} is not in the securityGroups option", i)
                continue
            for key, out in rules.items():
                direction = "outbound" if key.endswith("Egress") else "inbound"
                out += [r for r in (tr.rule(gid, p, direction, i) for p in sgs[gid].get(key) or []) if r is not None]
    ingress, egress = dedupe(rules["IpPermissions"]), dedupe(rules["IpPermissionsEgress"])
    if sgs is not None:
        add_finding(findings, "NET-002", f"{obj.ref()}: {len(ingress)} ingress and {len(egress)} egress rules from "
                    f"security groups {', '.join(groups)}", obj, *at)
    if {} not in egress:
        egress.append(json.loads(json.dumps(DNS_RULE)))
    if spec.get("serviceAccountSelector") is not None:
        me = idx["policies"][f"{_ns(obj)}/{obj.name}"]
        pods = [w["ref"] for w in idx["workloads"] if _sa_selected(me, w["namespace"], w["sa"], w["labels"], idx)]
        found = f"added to {', '.join(pods)}" if pods else "no workload in the input runs as a matching ServiceAccount"
        add_finding(findings, "NET-004", f"{obj.ref()} selects pods by service account; NetworkPolicy selects label "
                    f"{sgp_label_key(obj.name)}=true instead ({found})", obj, "spec", "serviceAccountSelector")
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _policy_metadata(obj, groups),
              "spec": {"podSelector": _pod_selector(spec, obj.name), "policyTypes": ["Ingress", "Egress"],
                       "ingress": ingress, "egress": egress}}
    return Translation("translated", [policy], findings)


# --- VPC CNI objects, NetworkPolicies, workloads ------------------------------------------------

@handles(*sorted({r["kind"] for r in _table("network_aws_objects.csv")}))
def translate_aws_network_object(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """ENIConfig, aws-node, amazon-vpc-cni ConfigMap, VPC CNI CRDs → dropped."""
    row = aws_network_object(obj)
    if row is None:
        return None
    findings = Findings()
    msg = f"{obj.ref()} ({row['what']}) dropped"
    if row["rule"] == "NET-010":
        data = obj.obj.get("data") or {}
        msg += "; settings: " + (", ".join(f"{k}={_s(v)}" for k, v in sorted(data.items())) or "none")
    elif row["rule"] == "NET-008":
        spec = obj.obj.get("spec") or {}
        sgs = ", ".join(map(str, spec.get("securityGroups") or [])) or "none"
        msg += f"; subnet {spec.get('subnet', '?')}, security groups {sgs}"
    add_finding(findings, row["rule"], msg, obj, "kind")
    return Translation("dropped", [], findings)


@handles("NetworkPolicy")
def translate_network_policy(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """NetworkPolicy → passthrough; private ipBlocks (likely VPC addresses) are flagged."""
    if obj.kind != "NetworkPolicy" or obj.group != "networking.k8s.io":
        return None
    findings = Findings()
    spec = obj.obj.get("spec") or {}
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            for j, peer in enumerate((rule or {}).get(peers_key) or []):
                cidr = ((peer or {}).get("ipBlock") or {}).get("cidr")
                if cidr is not None and private_range(cidr):
                    add_finding(findings, "NET-006", f"{obj.ref()}: {direction} ipBlock {cidr} is a private range",
                                obj, "spec", direction, i, peers_key, j, "ipBlock", "cidr")
    return Translation("passthrough", [obj.obj], findings)


@handles(*POD_KINDS)
def translate_workload_network(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Workloads: AWS network extended resources removed; selector labels for service-account
    selected SecurityGroupPolicies added to the pod template."""
    found = pod_template(obj.obj)
    if found is None or aws_network_object(obj) is not None:
        return None
    aws_resources = _aws_pod_resources()
    idx = _index(ctx)
    tpl_path, tpl = found
    spec = tpl.get("spec") or {}
    sa = str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")
    labels = (tpl.get("metadata") or {}).get("labels") or {}
    ns = _ns(obj)
    # only this namespace's service-account-selecting policies can match (keeps the scan linear)
    by_ns = idx["saPolicies"] if "saPolicies" in idx else _sa_policies_by_namespace(idx)
    selecting = [p for p in by_ns.get(ns, ()) if _sa_selected(p, ns, sa, labels, idx)]
    has_aws_resources = any(set((c.get("resources") or {}).get(kind) or {}) & aws_resources
                            for _, c in containers(obj.obj) for kind in ("requests", "limits"))
    if not selecting and not has_aws_resources:
        return None  # nothing to change: no copy
    findings = Findings()
    new = obj.copy()
    for path, container in containers(new):
        for kind in ("requests", "limits"):
            res = (container.get("resources") or {}).get(kind) or {}
            for name in sorted(set(res) & aws_resources):
                add_finding(findings, "NET-011", f"{obj.ref()} container {container.get('name', '?')}: {kind} "
                            f"{name} removed", obj, *path, "resources", kind, name)
                del res[name]
                if not res:
                    del container["resources"][kind]
    for p in selecting:
        new_tpl = new
        for part in tpl_path:
            new_tpl = new_tpl[part]
        md = new_tpl["metadata"] = _dict(new_tpl.get("metadata"))
        md["labels"] = {**_dict(md.get("labels")), sgp_label_key(p["name"]): "true"}
        add_finding(findings, "NET-004", f"{obj.ref()} runs as ServiceAccount {sa}, selected by "
                    f"SecurityGroupPolicy {p['name']}; pod label {sgp_label_key(p['name'])}=true added",
                    obj, *tpl_path, "spec")
    return Translation("translated", [new], findings)


NETWORK_TRANSLATORS: list[Translator] = [
    translate_security_group_policy,
    translate_aws_network_object,
    translate_network_policy,
    translate_workload_network,
]
