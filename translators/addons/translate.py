"""AWS-only cluster add-ons → the AKS features that replace them; external-dns and cert-manager → Azure DNS.

Translators (contract in :mod:`translators.k8s`), in :data:`ADDON_TRANSLATORS`:

* Workloads of an AWS add-on (``data/addons_components.csv``: Cluster Autoscaler for AWS, Node Termination
  Handler, Load Balancer Controller, EBS/EFS/FSx/S3 CSI drivers, CloudWatch agent, ADOT, Fluent Bit/fluentd
  shipping to CloudWatch, Karpenter, Neuron, App Mesh and ACK controllers...) → dropped with a finding naming
  the AKS feature; their companions (ServiceAccount, referenced ConfigMaps/Secrets, RBAC bound only to the
  add-on, objects named after it in its namespace, its CRDs and dedicated namespace) → dropped. The VPC CNI
  (``aws-node``) is left to networking.
* external-dns on Route 53 → ``--provider=azure`` (``azure-private-dns`` for private zones), an ``azure.json``
  Secret and workload identity; ``DNSEndpoint`` loses ``aws/*`` properties; cert-manager ``route53`` DNS-01
  solvers → ``azureDNS`` with a managed identity (:mod:`translators.addons.dns`).
* App Mesh (``appmesh.k8s.aws``) and known ACK (``*.services.k8s.aws``) resources → dropped.

Call :func:`prepare` with every input object first: it finds add-on workloads (reading the ConfigMaps they
mount) and their companions (``ctx.indexes["addonIndex"]``); without it companions are matched as objects go by.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, cache
from typing import Any
from collections.abc import Iterable

from translators.addons.dns import (WORKLOAD_KINDS, translate_cert_manager_issuer, translate_dns_endpoint,
                         translate_external_dns)
from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, estate_indexer, handles
from translators.podspec import containers, pod_template
from translators.refdata import read_table
from translators.shapes import as_dict

INDEX_KEY = "addonIndex"
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration",
                  "MutatingWebhookConfiguration", "PriorityClass", "Namespace", "CustomResourceDefinition"}
COMPANION_KINDS = CLUSTER_SCOPED - {"Namespace", "CustomResourceDefinition"} | {
    "ServiceAccount", "ConfigMap", "Secret", "Role", "RoleBinding", "Service", "PodDisruptionBudget",
    "HorizontalPodAutoscaler", "ServiceMonitor", "PodMonitor", "Certificate", "Issuer", "NetworkPolicy", "Lease"}
BUILTIN_ROLES = {"cluster-admin", "admin", "edit", "view"}


@dataclass(frozen=True)
class Addon:
    """One row of ``data/addons_components.csv`` (regexes compiled; ``None`` when empty)."""

    id: str
    image: re.Pattern | None
    name: re.Pattern | None
    evidence: re.Pattern | None
    namespace: str
    api_groups: re.Pattern | None
    aks_feature: str
    rule: str
    cluster_request: str


@lru_cache(maxsize=1)
def addons() -> tuple[Addon, ...]:
    """The add-on table in file order (first match wins)."""
    def rx(s: str) -> re.Pattern | None:
        return re.compile(s) if s else None
    return tuple(Addon(r["addon"], rx(r["image"]), rx(r["name"]), rx(r["evidence"]), r["namespace"],
                       rx(r["api_groups"]), r["aks_feature"], r["rule"], r["cluster_request"])
                 for r in read_table("addons_components.csv"))


@cache
def _addon_namespaces() -> frozenset[str]:
    """Namespaces of the add-on table's non-skipped rows."""
    return frozenset(a.namespace for a in addons() if a.namespace and a.rule != "skip")


def _addon(addon_id: str) -> Addon:
    return next(a for a in addons() if a.id == addon_id)


@cache
def _table(name: str, key: str) -> dict[str, dict[str, str]]:
    """``data/<name>`` rows by column ``key`` (addons_appmesh_kinds, addons_ack_services, addons_autoscaler_profile)."""
    return {r[key]: r for r in read_table(name)}


def dropped_service_accounts(ctx: WorkloadContext) -> set[tuple[str, str]]:
    """``(namespace, name)`` of ServiceAccounts that belong to dropped add-ons (needs :func:`prepare` first), so
    identity planning can skip them."""
    keys = _index(ctx)["companions"]
    return {(k.split("|")[1], k.split("|")[2]) for k in keys if k.startswith("ServiceAccount|")}


def _key(kind: str, ns: str | None, name: str) -> str:
    return f"{kind}|{'' if kind in CLUSTER_SCOPED else ns or ''}|{name}"


def _refs(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """ServiceAccount, ConfigMaps and Secrets a workload refers to."""
    out: dict[str, set[str]] = {"ServiceAccount": set(), "ConfigMap": set(), "Secret": set()}
    spec = as_dict(as_dict((pod_template(manifest) or ((), {}))[1]).get("spec"))
    out["ServiceAccount"] |= {str(spec.get(k)) for k in ("serviceAccountName", "serviceAccount") if spec.get(k)}
    vols = [as_dict(v) for v in spec.get("volumes") or []]
    refs = [("ConfigMap", as_dict(v.get("configMap")).get("name")) for v in vols + [
        as_dict(s) for v in vols for s in as_dict(v.get("projected")).get("sources") or []]]
    refs += [("Secret", as_dict(v.get("secret")).get("secretName") or as_dict(v.get("secret")).get("name")) for v in vols]
    for _, c in containers(manifest):
        vfs = [as_dict(as_dict(e).get("valueFrom")) for e in c.get("env") or []] + [as_dict(e) for e in c.get("envFrom") or []]
        refs += [(kind, as_dict(vf.get(ref)).get("name")) for vf in vfs for ref, kind in (
            ("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret"), ("configMapRef", "ConfigMap"),
            ("secretRef", "Secret"))]
    for kind, name in refs:
        if name:
            out[kind].add(str(name))
    return out


def _evidence(manifest: dict[str, Any], ns: str, configmaps: dict[tuple[str, str], str]) -> str:
    parts: list[str] = []
    for _, c in containers(manifest):
        parts += [str(c.get("image", ""))] + [str(a) for a in (c.get("command") or []) + (c.get("args") or [])]
        parts += [f"{as_dict(e).get('name')}={as_dict(e).get('value', '')}" for e in c.get("env") or []]
    parts += [configmaps.get((ns, n), "") for n in _refs(manifest)["ConfigMap"]]
    return "\n".join(parts)


@cache
def _any_addon_image() -> re.Pattern:
    """Matches an image when at least one add-on's image pattern does (the table's patterns use no backreferences,
    named groups or inline flags; a test checks it)."""
    return re.compile("|".join(f"(?:{a.image.pattern})" for a in addons() if a.image is not None) or "(?!)")


def detect_addon(manifest: dict[str, Any], ns: str = "", configmaps: dict | None = None) -> Addon | None:
    """The add-on a workload manifest runs (by image, then evidence), or ``None``."""
    images = [str(c.get("image") or "") for _, c in containers(manifest)]
    if not any(_any_addon_image().search(i) for i in images):
        return None  # one search per image instead of one per add-on and image
    for a in addons():
        if a.image is None or not any(a.image.search(i) for i in images):
            continue
        if a.evidence is None or a.evidence.search(_evidence(manifest, ns, configmaps or {})):
            return a
    return None


def autoscaler_profile(manifest: dict[str, Any]) -> dict[str, str]:
    """Cluster Autoscaler flags that are AKS ``autoScalerProfile`` keys, e.g. ``{"expander": "least-waste"}``."""
    out = {}
    for _, c in containers(manifest):
        for tok in map(str, (c.get("command") or []) + (c.get("args") or [])):
            flag, _, value = tok.lstrip("-").partition("=")
            if tok.startswith("--") and flag in _table("addons_autoscaler_profile.csv", "flag"):
                out[flag] = value or "true"
    return out


def _empty_index(complete: bool) -> dict[str, Any]:
    return {"complete": complete, "workloads": {}, "companions": {}, "present": {}, "autoScalerProfile": {}}


def _register(idx: dict[str, Any], obj: K8sObject, a: Addon) -> None:
    ns = obj.namespace or ""
    idx["workloads"][_key(obj.kind, ns, obj.name)] = a.id
    present = idx["present"].setdefault(a.id, [])
    if ns not in present:
        present.append(ns)
    for kind, names in _refs(obj.obj).items():
        for n in names:
            idx["companions"].setdefault(_key(kind, ns, n), a.id)
    if a.id == "cluster-autoscaler":
        idx["autoScalerProfile"].update(autoscaler_profile(obj.obj))


def _register_bindings(idx: dict[str, Any], objects: list[K8sObject]) -> None:
    """Bindings whose subjects are all add-on ServiceAccounts, and roles only such bindings use."""
    role_users: dict[str, set[str]] = {}
    for o in objects:
        if o.kind not in ("RoleBinding", "ClusterRoleBinding") or not isinstance(o.obj.get("subjects"), list):
            continue
        owners = {idx["companions"].get(_key("ServiceAccount", s.get("namespace") or o.namespace, str(s.get("name"))))
                  if isinstance(s, dict) and s.get("kind") == "ServiceAccount" else None for s in o.obj["subjects"]}
        owner = owners.pop() if len(owners) == 1 else None
        if owner:
            idx["companions"][_key(o.kind, o.namespace, o.name)] = owner
        ref = o.obj.get("roleRef") or {}
        if isinstance(ref, dict) and ref.get("name"):
            role_users.setdefault(_key(str(ref.get("kind")), o.namespace, str(ref["name"])), set()).add(owner or "")
    for role, users in role_users.items():
        name = role.rsplit("|", 1)[-1]
        if len(users) == 1 and "" not in users and name not in BUILTIN_ROLES and not name.startswith("system:"):
            idx["companions"].setdefault(role, users.pop())


def index_addons(objects: Iterable[K8sObject]) -> dict[str, Any]:
    """The complete add-on index of ``objects`` (see module docstring)."""
    objects = list(objects)
    idx = _empty_index(True)
    configmaps = {(o.namespace or "", o.name): "\n".join(map(str, (o.obj.get("data") or {}).values()))
                  for o in objects if o.kind == "ConfigMap" and isinstance(o.obj.get("data"), dict)}
    for o in objects:
        if o.kind in WORKLOAD_KINDS:
            a = detect_addon(o.obj, o.namespace or "", configmaps)
            if a is not None and a.rule != "skip":
                _register(idx, o, a)
    _register_bindings(idx, objects)
    return idx


prepare, _index = estate_indexer(INDEX_KEY, index_addons, lambda: _empty_index(False))


@handles(*sorted(WORKLOAD_KINDS))
def translate_addon_workload(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """A workload of an AWS add-on → dropped, naming the AKS feature that replaces it."""
    if obj.kind not in WORKLOAD_KINDS:
        return None
    idx = _index(ctx)
    known = idx["workloads"].get(_key(obj.kind, obj.namespace, obj.name))
    a = _addon(known) if known else (None if idx["complete"] else detect_addon(obj.obj, obj.namespace or ""))
    if a is None or a.rule == "skip":
        return None
    _register(idx, obj, a)
    profile = ", ".join(f"{k}={v}" for k, v in sorted(autoscaler_profile(obj.obj).items()))
    extra = f"; carry into autoScalerProfile: {profile}" if a.id == "cluster-autoscaler" and profile else ""
    findings = Findings()
    add_finding(findings, a.rule, f"{obj.ref()} runs {a.id}, replaced on AKS by {a.aks_feature}; dropped{extra}",
                obj, *next((p + ("image",) for p, _ in containers(obj.obj)), ()))
    if a.cluster_request:
        ctx.cluster_requests.add(a.cluster_request)
    return Translation("dropped", [], findings)


def _aws_resource_group(group: str) -> bool:
    return group == "appmesh.k8s.aws" or group == "services.k8s.aws" or group.endswith(".services.k8s.aws")


def _companion(obj: K8sObject, idx: dict[str, Any]) -> tuple[Addon, str] | None:
    known = idx["companions"].get(_key(obj.kind, obj.namespace, obj.name))
    if known:
        return _addon(known), "used by its workloads"
    kind, crd = obj.kind, obj.kind == "CustomResourceDefinition"
    by_name = kind in COMPANION_KINDS and idx["present"]
    if not (crd or by_name or obj.namespace in _addon_namespaces()
            or (kind == "Namespace" and obj.name in _addon_namespaces())):
        return None  # none of the tests below can match: skip the table scan
    spec_group = str(as_dict(obj.obj.get("spec")).get("group", "")) if crd else ""
    for a in addons():
        if a.rule == "skip":
            continue
        if a.namespace and kind == "Namespace" and obj.name == a.namespace:
            return a, "its namespace"
        if a.namespace and obj.namespace == a.namespace:
            return a, f"in its namespace {a.namespace}"
        if crd and a.api_groups and a.api_groups.search(spec_group):
            return a, f"its CRD ({spec_group})"
        present = idx["present"].get(a.id) if by_name else None
        if (present is not None and a.name and a.name.search(obj.name)
                and (kind in CLUSTER_SCOPED or (obj.namespace or "") in present)):
            return a, "named after it"
    return None


def translate_addon_companion(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """ServiceAccount, RBAC, configuration, CRDs and namespace of a dropped add-on → dropped."""
    if obj.kind in WORKLOAD_KINDS or _aws_resource_group(obj.group):
        return None
    found = _companion(obj, _index(ctx))
    if found is None:
        return None
    a, why = found
    findings = Findings()
    add_finding(findings, "ADD-009", f"{obj.ref()} belongs to {a.id} ({why}), which is dropped", obj)
    return Translation("dropped", [], findings)


def translate_aws_resource(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """App Mesh and ACK custom resources → dropped with their Istio / Azure counterpart."""
    if not _aws_resource_group(obj.group) or obj.kind.endswith("List"):
        return None
    findings = Findings()
    if obj.group == "appmesh.k8s.aws":
        eq = _table("addons_appmesh_kinds.csv", "kind").get(obj.kind, {}).get("istio_equivalent",
                                                                             "an Istio networking resource")
        add_finding(findings, "ADD-018", f"{obj.ref()}: App Mesh {obj.kind} → {eq}", obj)
        ctx.cluster_requests.add("serviceMeshIstio")
    else:
        service = obj.group.removesuffix("services.k8s.aws").rstrip(".")
        row = _table("addons_ack_services.csv", "service").get(service)
        if row is None:  # an ACK service this table does not know: the pipeline's AWS-only safety net reports it
            return None
        add_finding(findings, row["rule"], f"{obj.ref()}: ACK {service or 'core'} {obj.kind} → "
                    f"{row['azure_equivalent']}", obj)
    return Translation("dropped", [], findings)


ADDON_TRANSLATORS: list[Translator] = [translate_external_dns, translate_addon_workload, translate_dns_endpoint,
                                       translate_cert_manager_issuer, translate_aws_resource, translate_addon_companion]
