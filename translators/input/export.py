"""Clean a ``kubectl get ... -A -o yaml`` export so that it can be translated like source manifests.

An export holds what the API server stores, not what someone wrote: server-set fields (``status``,
``uid``, ``resourceVersion``, ``managedFields``, ...), objects controllers create from other objects
(ReplicaSets of Deployments, their Pods), objects Kubernetes or EKS generate (Endpoints, EndpointSlices,
``kube-root-ca.crt``, ``default/kubernetes``, default ServiceAccounts and their token Secrets, ``system:``
RBAC) and
addresses EKS assigned (Service ``clusterIP`` from the EKS service CIDR, which AKS rejects).
:func:`clean_export` removes them the way Konveyor Crane's Kubernetes transform plugin does; the rules
are rows of ``data/export_cleanup.csv`` (with their provenance). Manifests written by hand have none of
these fields, so cleaning them changes nothing.

Every removed object counts as dropped, and each rule reports one summary finding per kind (not one per
object): INP-005 server-set fields, INP-006 cluster-generated objects, INP-007 controller-owned objects
(INP-008 when the owner is not in the input), INP-009 Service addresses, INP-010 bare Pods bound to an
EKS node.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from translators.plan import api_group
from translators.findings import Finding, finding
from translators.k8s import K8sObject
from translators.refdata import read_table
from translators.input.yamlsource import clone
from translators.shapes import as_dict

TABLE = "export_cleanup.csv"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
TOKEN_SECRET_TYPES = ("kubernetes.io/service-account-token", "kubernetes.io/dockercfg")
SA_NAME_ANNOTATION = "kubernetes.io/service-account.name"
CONTROLLER_UID_KEYS = ("batch.kubernetes.io/controller-uid", "controller-uid")
# PersistentVolumeClaim annotations the binder and provisioner set (Crane removes them by prefix; the
# user-set legacy ``volume.beta.kubernetes.io/storage-class`` is kept: it names the StorageClass).
PVC_SERVER_ANNOTATIONS = ("pv.kubernetes.io/bind-completed", "pv.kubernetes.io/bound-by-controller",
                          "volume.beta.kubernetes.io/storage-provisioner", "volume.kubernetes.io/storage-provisioner",
                          "volume.kubernetes.io/selected-node")
PVC_PROTECTION = "kubernetes.io/pvc-protection"
EXAMPLES = 5  # object names quoted in a summary finding


@dataclass(frozen=True)
class CleanupRule:
    """One row of ``data/export_cleanup.csv``: which objects (``group``/``kind``/``namespace``/``name``,
    ``*`` = any), what to do (``action``), where (``path``, a JSON pointer) and the finding ``rule``."""

    action: str
    group: str
    kind: str
    namespace: str
    name: str
    path: tuple[str, ...]
    rule: str

    def matches(self, o: K8sObject) -> bool:
        return ((self.group == "*" or self.group == o.group) and (self.kind == "*" or self.kind == o.kind)
                and (self.namespace == "*" or self.namespace == (o.namespace or ""))
                and (self.name == "*" or self.name == o.name))


def _pointer(text: str) -> tuple[str, ...]:
    """RFC 6901 JSON pointer → its reference tokens (``~1`` is ``/``, ``~0`` is ``~``)."""
    if not text:
        return ()
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in text.lstrip("/").split("/"))


@lru_cache(maxsize=1)
def cleanup_rules() -> tuple[CleanupRule, ...]:
    """The rows of ``data/export_cleanup.csv`` in table order.

    Raises:
        ValueError: a row has an unknown action (a data error, caught by the tests).
    """
    rows = []
    for r in read_table(TABLE):
        if r["action"] not in ACTIONS:
            raise ValueError(f"{TABLE}: unknown action {r['action']!r}")
        rows.append(CleanupRule(r["action"], r["group"], r["kind"], r["namespace"], r["name"], _pointer(r["path"]),
                                r["rule"]))
    return tuple(rows)


def _get(node: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class _Edit:
    """Copy-on-write edit of one manifest: the first change deep-copies it."""

    def __init__(self, obj: K8sObject) -> None:
        self.source = obj
        self.obj: dict[str, Any] | None = None
        self.removed: dict[str, list[str]] = {}  # finding rule -> removed paths (for the summary)

    def remove(self, path: tuple[str, ...], rule: str) -> bool:
        """Remove ``path`` if present (an emptied ``annotations``/``labels`` mapping goes too)."""
        if _get(self.source.obj if self.obj is None else self.obj, path) is None:
            return False
        obj = self.writable()
        parent, key = _get(obj, path[:-1]), path[-1]  # parent: obj itself for a one-key path
        del parent[key]
        if len(path) > 2 and path[-2] in ("annotations", "labels") and not parent:
            _get(obj, path[:-2]).pop(path[-2], None)
        self.removed.setdefault(rule, []).append(key)
        return True

    def writable(self) -> dict[str, Any]:
        """The edited manifest: a deep copy of the source, made on the first call."""
        if self.obj is None:
            self.obj = obj = clone(self.source.obj)
            return obj
        return self.obj

    def result(self) -> K8sObject:
        return self.source if self.obj is None else K8sObject(self.source.doc, self.obj, self.source.base_path)


# --- special rules -------------------------------------------------------------------------------------

def _owner_references(e: _Edit, rule: CleanupRule) -> None:
    """Owner references without ``controller: true`` name EKS uids: on AKS the garbage collector would
    delete the object for its missing owner."""
    refs = e.source.metadata.get("ownerReferences")
    if isinstance(refs, list) and refs and not _controller_refs(e.source):
        e.remove(rule.path, rule.rule)


def _job_selector(e: _Edit, rule: CleanupRule) -> None:
    """A Job's generated selector (with the EKS controller uid) is refused unless ``manualSelector``."""
    spec = as_dict(e.source.obj.get("spec"))
    labels = _get(spec, ("selector", "matchLabels"))
    if not isinstance(labels, dict) or not any(k in labels for k in CONTROLLER_UID_KEYS):
        return
    if spec.get("manualSelector") is True:
        for key in CONTROLLER_UID_KEYS:
            e.remove(("spec", "selector", "matchLabels", key), rule.rule)
    else:
        e.remove(rule.path, rule.rule)
    for key in CONTROLLER_UID_KEYS:
        e.remove(("spec", "template", "metadata", "labels", key), rule.rule)


def _pvc_binding(e: _Edit, rule: CleanupRule) -> None:
    """Binder/provisioner annotations, the protection finalizer, and a controller-made binding to an EKS
    volume (``spec.volumeName`` when ``pv.kubernetes.io/bound-by-controller``)."""
    annotations = e.source.metadata.get("annotations") or {}
    bound_by_controller = str(annotations.get("pv.kubernetes.io/bound-by-controller", "")).lower() == "yes"
    for key in PVC_SERVER_ANNOTATIONS:
        e.remove(("metadata", "annotations", key), rule.rule)
    if e.source.metadata.get("finalizers") == [PVC_PROTECTION]:
        e.remove(("metadata", "finalizers"), rule.rule)
    if bound_by_controller:
        e.remove(rule.path, rule.rule)


def _explicit_node_ports(obj: dict[str, Any]) -> tuple[set[str], set[Any]]:
    """Node ports the last applied manifest asked for: (port names, unnamed port numbers)."""
    text = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    try:
        ports = _get(json.loads(text), ("spec", "ports")) if isinstance(text, str) else None
    except ValueError:
        ports = None
    asked = [p for p in ports if isinstance(p, dict) and p.get("nodePort")] if isinstance(ports, list) else []
    return {str(p["name"]) for p in asked if p.get("name")}, {p["nodePort"] for p in asked if not p.get("name")}


def _service_addresses(e: _Edit, rule: CleanupRule) -> None:
    """``clusterIP``/``clusterIPs`` (unless headless), ``healthCheckNodePort``, node ports the manifest did
    not ask for, and a LoadBalancer's ``externalIPs``: all assigned by EKS."""
    spec = e.source.obj.get("spec")
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return
    rid = rule.rule
    if spec.get("clusterIP") not in (None, "", "None"):
        e.remove(("spec", "clusterIP"), rid)
    ips = spec.get("clusterIPs")
    if isinstance(ips, list) and (not ips or ips[0] != "None"):
        e.remove(("spec", "clusterIPs"), rid)
    e.remove(("spec", "healthCheckNodePort"), rid)
    if spec.get("type") == "LoadBalancer":
        e.remove(("spec", "externalIPs"), rid)
    if not _exported(e.source):
        return  # a written manifest's node ports were asked for
    names, numbers = _explicit_node_ports(e.source.obj)
    ports = spec.get("ports")
    for i, p in enumerate(ports if isinstance(ports, list) else []):
        if not isinstance(p, dict) or not p.get("nodePort"):
            continue
        keep = str(p["name"]) in names if p.get("name") else p.get("nodePort") in numbers
        if not keep:
            e.writable()["spec"]["ports"][i].pop("nodePort", None)
            e.removed.setdefault(rid, []).append("nodePort")


def _exported(o: K8sObject) -> bool:
    """The object was read from the API server (it carries fields only the server sets)."""
    md = o.metadata
    return any(k in md for k in ("uid", "resourceVersion", "creationTimestamp", "managedFields"))


def _pod_binding(e: _Edit, rule: CleanupRule) -> None:
    """A bare Pod's binding to an EKS node, and the priority admission derived from its class."""
    if e.remove(rule.path, rule.rule):
        e.remove(("spec", "priority"), rule.rule)


def _strip(e: _Edit, rule: CleanupRule) -> None:
    e.remove(rule.path, rule.rule)


# object-level rules return True to drop the object (``drop_owned`` is handled by :func:`clean_export`)
def _default_service_account(o: K8sObject) -> bool:
    """The ``default`` ServiceAccount the namespace controller made (nothing a user added to it)."""
    md = o.metadata
    user = {k: v for k, v in (md.get("annotations") or {}).items() if k != LAST_APPLIED}
    extra = set(o.obj) - {"apiVersion", "kind", "metadata", "secrets"}
    return not user and not md.get("labels") and not extra


def _token_secret(o: K8sObject) -> bool:
    """A ServiceAccount token (or legacy dockercfg) Secret the token controller generated."""
    return o.obj.get("type") in TOKEN_SECRET_TYPES and SA_NAME_ANNOTATION in (o.metadata.get("annotations") or {})


def _system_rbac(o: K8sObject) -> bool:
    """RBAC the API server bootstraps (``system:`` names, ``kubernetes.io/bootstrapping: rbac-defaults``) or
    EKS creates (``eks:`` names): AKS has its own."""
    labels = o.metadata.get("labels") or {}
    return o.name.startswith(("system:", "eks:")) or labels.get("kubernetes.io/bootstrapping") == "rbac-defaults"


FIELD_ACTIONS: dict[str, Callable[[_Edit, CleanupRule], None]] = {
    "strip": _strip, "owner_references": _owner_references, "job_selector": _job_selector,
    "pvc_binding": _pvc_binding, "service_addresses": _service_addresses, "pod_binding": _pod_binding,
}
OBJECT_ACTIONS: dict[str, Callable[[K8sObject], bool]] = {
    "drop": lambda o: True, "default_service_account": _default_service_account, "token_secret": _token_secret,
    "system_rbac": _system_rbac,
}
ACTIONS = frozenset(FIELD_ACTIONS) | frozenset(OBJECT_ACTIONS) | {"drop_owned"}


@lru_cache(maxsize=1)
def _generic_strips() -> tuple[tuple[CleanupRule, ...], tuple[frozenset[str], frozenset[str], frozenset[str],
                                                               frozenset[str]]]:
    """The ``strip`` rows for every object, and the keys that make one of them apply: (top-level keys,
    ``metadata`` keys, annotation keys, label keys), for a fast "nothing to strip" test."""
    rows = tuple(r for r in cleanup_rules() if r.action == "strip"
                 and (r.group, r.kind, r.namespace, r.name) == ("*", "*", "*", "*"))
    top = frozenset(r.path[0] for r in rows if len(r.path) == 1)
    meta = frozenset(r.path[1] for r in rows if len(r.path) == 2 and r.path[0] == "metadata")
    ann = frozenset(r.path[2] for r in rows if len(r.path) == 3 and r.path[:2] == ("metadata", "annotations"))
    lab = frozenset(r.path[2] for r in rows if len(r.path) == 3 and r.path[:2] == ("metadata", "labels"))
    return rows, (top, meta, ann, lab)


def _may_hold(o: K8sObject, quick: tuple[frozenset[str], ...]) -> bool:
    """Whether one of the generic strip rows can apply to ``o`` (cheap: set intersections)."""
    top, meta, ann, lab = quick
    md = o.metadata
    if not top.isdisjoint(o.obj) or not meta.isdisjoint(md):
        return True
    a, ls = md.get("annotations"), md.get("labels")
    return (isinstance(a, dict) and not ann.isdisjoint(a)) or (isinstance(ls, dict) and not lab.isdisjoint(ls))


def _controller_refs(o: K8sObject) -> list[dict[str, Any]]:
    refs = o.metadata.get("ownerReferences")
    return [r for r in refs if isinstance(r, dict) and r.get("controller") is True] if isinstance(refs, list) else []


def _key(api_version: str, kind: str, namespace: str | None, name: str) -> tuple[str, str, str | None, str]:
    group = api_group(api_version)
    return group, kind, namespace, name


@dataclass
class ExportCleaning:
    """What :func:`clean_export` did.

    Attributes:
        objects: the objects to translate, in input order (cleaned copies where something was removed;
            the input objects themselves otherwise).
        removed: number of input objects removed (they count as dropped).
        findings: one summary finding per rule and kind (INP-005..INP-010).
    """

    objects: list[K8sObject]
    removed: int = 0
    findings: list[Finding] = field(default_factory=list)


class _Summary:
    """Per (rule, kind): how many objects, a few names, where the first one is, what was removed."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, rule: str, o: K8sObject, what: Iterable[str] = ()) -> None:
        g = self.groups.setdefault((rule, o.kind), {"n": 0, "names": [], "first": o, "what": {}})
        g["n"] += 1
        if len(g["names"]) < EXAMPLES:
            g["names"].append(f"{o.namespace + '/' if o.namespace else ''}{o.name}")
        for w in what:
            g["what"][w] = None

    def findings(self) -> list[Finding]:
        out = []
        templates = {"INP-005": "server-set fields removed from {n} {kind}: {names}",
                     "INP-006": "{n} cluster-generated {kind} removed: {names}",
                     "INP-007": "{n} {kind} owned by a controller that recreates them removed: {names}",
                     "INP-009": "addresses assigned by EKS released on {n} {kind}: {names}",
                     "INP-010": "{n} bare {kind} unbound from their EKS node: {names}"}
        for (rule, kind), g in sorted(self.groups.items(), key=lambda kv: kv[0]):
            first: K8sObject = g["first"]
            more = f" and {g['n'] - len(g['names'])} more" if g["n"] > len(g["names"]) else ""
            what = f" ({', '.join(g['what'])})" if g["what"] else ""
            text = templates[rule].format(n=g["n"], kind=kind, names=", ".join(g["names"]) + more)
            out.append(finding(rule, text + what, first.file, first.line()))
        return out


def clean_export(objects: list[K8sObject]) -> ExportCleaning:
    """Remove what an export holds and source manifests do not (see the module docstring).

    Args:
        objects: loaded manifests (``translators.input.manifests.load_manifests``), any mix of exported and written ones.

    Returns:
        :class:`ExportCleaning`: the objects left (cleaned), how many were removed, and the summary findings.
        The removed count plus ``len(objects)`` left equals the input count.
    """
    rules = cleanup_rules()
    generic, quick = _generic_strips()
    by_kind: dict[tuple[str, str], list[CleanupRule]] = {}
    present = {_key(o.api_version, o.kind, o.namespace, o.name) for o in objects}
    summary = _Summary()
    missing: dict[tuple, tuple[K8sObject, int]] = {}
    kept: list[K8sObject] = []
    owner_rules = [r for r in rules if r.action == "owner_references"]
    for o in objects:
        for_kind = by_kind.get((o.group, o.kind))
        if for_kind is None:
            for_kind = by_kind[(o.group, o.kind)] = [
                r for r in rules if r.kind in (o.kind, "*") and r.group in (o.group, "*") and r not in generic
                and r.action not in ("drop_owned", "owner_references")]
        candidates = [r for r in for_kind if r.matches(o)] if for_kind else []
        if _may_hold(o, quick):
            candidates = [*generic, *candidates]
        dropped_by = next((r for r in candidates if r.action in OBJECT_ACTIONS and OBJECT_ACTIONS[r.action](o)), None)
        if dropped_by is not None:
            summary.add(dropped_by.rule, o)
            continue
        has_owners = "ownerReferences" in o.metadata
        owners = _controller_refs(o) if has_owners else []
        if owners:
            owner = owners[0]
            key = _key(str(owner.get("apiVersion", "")), str(owner.get("kind", "")), o.namespace,
                       str(owner.get("name", "")))
            if key not in present and key[:2] + (None,) + key[3:] not in present:
                first, n = missing.get(key, (o, 0))
                missing[key] = (first, n + 1)
            else:
                summary.add("INP-007", o)
            continue
        if has_owners:
            candidates += owner_rules
        if not candidates:
            kept.append(o)
            continue
        edit = _Edit(o)
        for r in candidates:
            if r.action in FIELD_ACTIONS:
                FIELD_ACTIONS[r.action](edit, r)
        for rule, paths in edit.removed.items():
            summary.add(rule, o, paths)
        kept.append(edit.result())
    found = summary.findings()
    for (_group, kind, ns, name), (first, n) in sorted(missing.items(), key=lambda kv: tuple(map(str, kv[0]))):
        found.append(finding("INP-008", f"{n} {first.kind} owned by {kind}/{ns + '/' if ns else ''}{name}, which is "
                             "not in the input; removed (its controller would have recreated them)",
                             first.file, first.line("metadata", "ownerReferences")))
    return ExportCleaning(kept, len(objects) - len(kept), found)
