"""Whole-estate deployability check: would every translated workload run on the planned cluster?

Runs after the manifests translation, over the :class:`~translators.plan.AksPlan` only (pure: no Pulumi, no
input files). For every pod spec of every emitted object (workload kinds and the pod specs inside well-known
custom resources, located by ``data/podspec_paths.csv``) it checks:

* **scheduling**: the pod's nodeSelector, required node affinity, tolerations and GPU requests against each
  planned AKS pool (labels, taints, architecture, OS, zones, the Spot taint AKS adds) and, with node
  auto-provisioning, each NAP ``NodePool``; AWS-only node labels (``data/node_labels_aws.csv``) are rewritten
  to their AKS equivalent or removed; workloads that selected a Spot group get the Spot toleration;
* **references**: every Namespace, ServiceAccount, Secret, ConfigMap, PVC/PV, StorageClass, IngressClass and
  PriorityClass an object names is in the plan (or built into AKS, or created by an operator object of the
  plan such as an ExternalSecret);
* **storage topology**: pods using zonal disk classes (Premium SSD v2, Ultra) run on zoned pools only;
* **workload identity inside custom resources**: the ``azure.workload.identity/use`` label on their pod specs.

Edits are applied by copying: an edited object is a new dict (only the mappings on the edited path copied),
replacing the old one in ``plan.workloads.objects`` and in its :class:`~translators.workloads.ObjectResult`;
the input manifests are never mutated (see :mod:`translators.k8s`).

The outcome is one :class:`~translators.plan.WorkloadVerdict` per object with a pod spec: ``runs``,
``runs-after-steps`` (the findings on it or on what it references need a human) or ``cannot-run``.

Node labels that eksctl set through bootstrap commands (``--node-labels``) are moved onto the pool's labels by
:func:`move_bootstrap_labels`, which runs before the manifests translation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from collections.abc import Iterator

from translators.errors import InputError
from translators.findings import Finding, Findings, finding
from translators.plan import AksPlan, NodePoolPlan, WorkloadVerdict
from translators.refdata import read_table
from translators.shapes import as_dict

SPOT_LABEL = "kubernetes.azure.com/scalesetpriority"
SPOT_TAINT = (SPOT_LABEL, "spot", "NoSchedule")
SPOT_TOLERATION = {"key": SPOT_LABEL, "operator": "Equal", "value": "spot", "effect": "NoSchedule"}
USE_LABEL = "azure.workload.identity/use"
GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu")
BUILTIN_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
#: AKS's built-in StorageClasses (https://learn.microsoft.com/azure/aks/concepts-storage#storage-classes).
BUILTIN_STORAGE_CLASSES = frozenset({
    "default", "managed", "managed-csi", "managed-csi-premium", "managed-premium", "azurefile", "azurefile-csi",
    "azurefile-csi-premium", "azurefile-premium", "azureblob-fuse-premium", "azureblob-nfs-premium"})
#: Kubernetes' built-in PriorityClasses (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/).
BUILTIN_PRIORITY_CLASSES = frozenset({"system-cluster-critical", "system-node-critical"})
#: IngressClasses AKS add-ons create: application routing (https://learn.microsoft.com/azure/aks/app-routing)
#: and AGIC (https://learn.microsoft.com/azure/application-gateway/ingress-controller-overview).
BUILTIN_INGRESS_CLASSES = frozenset({"webapprouting.kubernetes.azure.com", "azure-application-gateway"})
#: AWS label prefixes no AKS node carries.
AWS_LABEL_PREFIXES = ("eks.amazonaws.com/", "karpenter.k8s.aws/", "alpha.eksctl.io/", "k8s.amazonaws.com/",
                      "vpc.amazonaws.com/")
MAX_REASONS = 4  # pools whose misfit an SCH-001 message explains
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)  # as translators.workloads
VERDICTS = ("runs", "runs-after-steps", "cannot-run")
_NODE_LABELS = re.compile(r"--node-labels[= ]+[\"']?([^\s\"']+)")


# --------------------------------------------------------------------------------------------------
# Data tables
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PodSpecPath:
    """One row of ``data/podspec_paths.csv``: where ``kind`` keeps a pod spec.

    ``path`` is a tuple of keys where ``"[]"`` iterates a list; ``shape`` is ``template`` (metadata + spec) or
    ``spec`` (the pod spec fields at the path); ``labels`` is the labels path inside the view; ``inherit`` the
    path whose scheduling fields are this view's defaults (``()`` for none).
    """

    group: str
    kind: str
    path: tuple[str, ...]
    shape: str
    labels: tuple[str, ...]
    inherit: tuple[str, ...]


def _split(path: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in path.split(".") if path else []:
        if part.endswith("[]"):
            out += [part[:-2], "[]"]
        else:
            out.append(part)
    return tuple(out)


@lru_cache(maxsize=1)
def podspec_paths() -> dict[str, tuple[PodSpecPath, ...]]:
    """``kind`` → its pod spec locations (``data/podspec_paths.csv``)."""
    out: dict[str, list[PodSpecPath]] = {}
    for r in read_table("podspec_paths.csv"):
        out.setdefault(r["kind"], []).append(PodSpecPath(r["group"], r["kind"], _split(r["path"]), r["shape"],
                                                         _split(r["labels"]), _split(r["inherit"])))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def aws_node_labels() -> dict[str, dict[str, str]]:
    """AWS node label → ``{action, aks_label, note}`` (``data/node_labels_aws.csv``)."""
    return {r["aws_label"]: r for r in read_table("node_labels_aws.csv")}


# --------------------------------------------------------------------------------------------------
# Pools as the scheduler sees them
# --------------------------------------------------------------------------------------------------

ANY = None  # a label whose value the pool leaves open (NAP picks it)
_WINDOWS = frozenset({"windows"})


@dataclass(eq=False)
class Pool:
    """A place pods can run: an AKS agent pool or a NAP ``NodePool``.

    ``labels`` maps a node label to the set of values its nodes may carry (``None``: any value, NAP chooses);
    ``taints`` are ``(key, value, effect)``; ``gpu``: nodes have GPUs; ``zoned``: nodes are in zones.
    """

    name: str
    labels: dict[str, frozenset[str] | None]
    taints: list[tuple[str, str, str]]
    gpu: bool
    zoned: bool
    spot: bool
    nap: bool = False
    source: str = ""
    own: frozenset[str] = frozenset()  # label keys that single the pool out (its group's labels, pool name, Spot)


def parse_taint(text: str) -> tuple[str, str, str]:
    """``key=value:Effect`` or ``key:Effect`` → ``(key, value, effect)``."""
    kv, _, effect = text.rpartition(":")
    key, _, value = kv.partition("=")
    return key, value, effect


def aks_pool(p: NodePoolPlan, location: str) -> Pool:
    """The labels and taints AKS puts on the nodes of planned pool ``p``
    (https://learn.microsoft.com/azure/aks/use-labels, https://learn.microsoft.com/azure/aks/spot-node-pool)."""
    one = lambda v: frozenset({v})  # noqa: E731
    labels: dict[str, frozenset[str] | None] = {k: one(v) for k, v in p.labels.items()}
    labels.update({
        "kubernetes.io/os": one(p.os_type.lower()), "beta.kubernetes.io/os": one(p.os_type.lower()),
        "kubernetes.io/arch": one(p.arch), "beta.kubernetes.io/arch": one(p.arch),
        "agentpool": one(p.name), "kubernetes.azure.com/agentpool": one(p.name),
        "kubernetes.azure.com/mode": one(p.mode.lower()), "node.kubernetes.io/instance-type": one(p.vm_size),
        "beta.kubernetes.io/instance-type": one(p.vm_size), "topology.kubernetes.io/region": one(location),
        "topology.kubernetes.io/zone": frozenset(f"{location}-{z}" for z in p.availability_zones)
        if p.availability_zones else one("0"),
        "kubernetes.io/hostname": ANY})
    if p.os_sku:
        labels["kubernetes.azure.com/os-sku"] = one(p.os_sku)
    taints = [parse_taint(t) for t in p.taints]
    if p.spot:
        labels[SPOT_LABEL] = one("spot")
        if SPOT_TAINT not in taints:
            taints.append(SPOT_TAINT)
    own = frozenset(p.labels) | {"agentpool", "kubernetes.azure.com/agentpool", SPOT_LABEL}
    return Pool(p.name, labels, taints, p.gpu_count > 0, bool(p.availability_zones), p.spot, source=p.source,
                own=own)


def nap_pool(obj: dict[str, Any], location: str) -> Pool:
    """A NAP (Karpenter on AKS) ``NodePool`` → :class:`Pool`: template labels, ``In`` requirements as value sets,
    Karpenter's defaults (linux, amd64, on-demand) for unset keys, other ``karpenter.azure.com/*`` keys open."""
    name = str((obj.get("metadata") or {}).get("name", "default"))
    tpl = ((obj.get("spec") or {}).get("template") or {})
    spec = as_dict(tpl.get("spec"))
    labels: dict[str, frozenset[str] | None] = {
        "kubernetes.io/os": frozenset({"linux"}), "kubernetes.io/arch": frozenset({"amd64"}),
        "karpenter.sh/capacity-type": frozenset({"on-demand"}), "karpenter.sh/nodepool": frozenset({name}),
        "topology.kubernetes.io/region": frozenset({location}), "topology.kubernetes.io/zone": ANY,
        "node.kubernetes.io/instance-type": ANY, "kubernetes.io/hostname": ANY}
    for k, v in ((tpl.get("metadata") or {}).get("labels") or {}).items():
        labels[str(k)] = frozenset({str(v)})
    gpu = False
    for req in spec.get("requirements") or []:
        if not isinstance(req, dict):
            continue
        key, op, values = str(req.get("key", "")), req.get("operator"), [str(v) for v in req.get("values") or []]
        if op == "In":
            labels[key] = frozenset(values)
        elif op == "Exists":
            labels[key] = ANY
        if "gpu" in key or (key == "karpenter.azure.com/sku-family" and op == "In" and "N" in values):
            gpu = True
    if labels.get("karpenter.sh/capacity-type") and "spot" in (labels["karpenter.sh/capacity-type"] or ()):
        labels[SPOT_LABEL] = frozenset({"spot"})
    taints = [(str(t.get("key", "")), str(t.get("value", "") or ""), str(t.get("effect", "")))
              for t in spec.get("taints") or [] if isinstance(t, dict)]
    return Pool(f"NodePool/{name}", labels, taints, gpu, True, False, nap=True, source="node auto-provisioning")


def _nap_open(key: str) -> bool:
    """NAP node labels whose values the NodePool leaves to NAP (the Spot label only on Spot NodePools)."""
    return key != SPOT_LABEL and key.startswith(("karpenter.azure.com/", "kubernetes.azure.com/"))


# --------------------------------------------------------------------------------------------------
# Pod views
# --------------------------------------------------------------------------------------------------

@dataclass
class PodView:
    """One pod spec inside an emitted object. ``path`` is where it is; ``spec`` the pod spec fields; ``defaults``
    the inherited scheduling fields (Argo templates, Spark driver/executor); ``labels_path`` the labels' path."""

    path: tuple
    spec: dict[str, Any]
    defaults: dict[str, Any]
    labels_path: tuple
    core: bool  # a Kubernetes workload kind (identity.py already labels these)

    def get(self, key: str) -> Any:
        """Field ``key`` of the pod spec, else the inherited default, else ``None``."""
        v = self.spec.get(key)
        return v if v is not None else self.defaults.get(key)

    def service_account(self) -> str:
        """The ServiceAccount the pods run as (``serviceAccountName``, Spark's ``serviceAccount``, ``default``)."""
        return str(self.get("serviceAccountName") or self.get("serviceAccount") or "default")

    def containers(self) -> list[dict[str, Any]]:
        """Init containers and containers (mappings only)."""
        return [c for key in ("initContainers", "containers") for c in (self.spec.get(key) or [])
                if isinstance(c, dict)]


def _walk(node: Any, path: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if not path:
        yield prefix, node
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _walk(item, rest, prefix + (i,))
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, prefix + (head,))


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def pod_views(obj: dict[str, Any]) -> list[PodView]:
    """Every pod spec of ``obj`` (see ``data/podspec_paths.csv``), ``[]`` for kinds without one."""
    kind = obj.get("kind")
    rows = podspec_paths().get(kind) if isinstance(kind, str) else None
    if not rows:
        return []
    api = str(obj.get("apiVersion", ""))
    group = api.rsplit("/", 1)[0] if "/" in api else ""
    out = []
    for row in rows:
        if row.group != group:
            continue
        for path, node in _walk(obj, row.path):
            if not isinstance(node, dict):
                continue
            if row.shape == "template":
                spec = node.get("spec")
                if not isinstance(spec, dict):
                    continue
                spec_path = path + ("spec",)
            else:
                spec, spec_path = node, path
            defaults = _get(obj, row.inherit) if row.inherit else None
            out.append(PodView(spec_path, spec, defaults if isinstance(defaults, dict) else {},
                               path + row.labels, row.group in ("", "apps", "batch")))
    return out


# --------------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------------

def _requirements(view: PodView) -> list[list[tuple[str, str, list[str]]]]:
    """The pod's node requirements as OR-ed terms of AND-ed ``(key, operator, values)``: the nodeSelector is
    AND-ed into every required node affinity term."""
    sel = view.get("nodeSelector")
    base = [(str(k), "In", [str(v)]) for k, v in (sel.items() if isinstance(sel, dict) else ())]
    aff = view.get("affinity")
    terms = _get(aff, ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"))
    if not isinstance(terms, list) or not terms:
        return [base]
    out = []
    for t in terms:
        exprs = t.get("matchExpressions") if isinstance(t, dict) else None
        out.append(base + [(str(e.get("key", "")), str(e.get("operator", "In")), [str(v) for v in e.get("values") or []])
                           for e in exprs or [] if isinstance(e, dict)])
    return out


#: Node labels agents in the cluster set at run time, open on every pool (Node Feature Discovery,
#: https://kubernetes-sigs.github.io/node-feature-discovery/) or on GPU pools (NVIDIA GPU feature discovery,
#: https://github.com/NVIDIA/k8s-device-plugin#gpu-feature-discovery).
DYNAMIC_LABELS = ("feature.node.kubernetes.io/",)
DYNAMIC_GPU_LABELS = ("nvidia.com/", "amd.com/")


def _req_ok(pool: Pool, key: str, op: str, values: list[str]) -> bool:
    if key not in pool.labels and (key.startswith(DYNAMIC_LABELS)
                                   or (pool.gpu and key.startswith(DYNAMIC_GPU_LABELS))):
        return op not in ("DoesNotExist",)  # set by an agent at run time: any value may be there
    if key not in pool.labels and not (pool.nap and _nap_open(key)):
        return op in ("NotIn", "DoesNotExist")  # the label is absent from the pool's nodes
    have = pool.labels.get(key, ANY)  # None (ANY): the pool leaves the value open
    if op == "In":
        return have is None or bool(have & set(values))
    if op == "NotIn":
        return have is None or bool(have - set(values))
    if op == "Exists":
        return True
    if op == "DoesNotExist":
        return False
    if op in ("Gt", "Lt") and values:
        try:
            bound = int(values[0])
            return have is None or any((int(v) > bound) if op == "Gt" else (int(v) < bound) for v in have)
        except ValueError:
            return False
    return False


def _tolerated(taint: tuple[str, str, str], tolerations: list[Any]) -> bool:
    key, value, effect = taint
    for t in tolerations:
        if not isinstance(t, dict):
            continue
        if t.get("effect") and t.get("effect") != effect:
            continue
        op = t.get("operator", "Equal")
        if not t.get("key") and op == "Exists":
            return True
        if t.get("key") == key and (op == "Exists" or str(t.get("value", "") or "") == value):
            return True
    return False


def _gpus(view: PodView) -> bool:
    for c in view.containers():
        res = as_dict(c.get("resources"))
        for part in ("limits", "requests"):
            for k, v in (res.get(part) or {}).items() if isinstance(res.get(part), dict) else ():
                if k in GPU_RESOURCES and str(v) not in ("0", ""):
                    return True
    return False


@dataclass(frozen=True)
class Needs:
    """What a pod asks of a node: OR-ed requirement terms, tolerations, GPUs. ``key`` identifies equal needs
    (pods of one chart share them: the fit of each is computed once per check)."""

    terms: tuple
    tolerations: tuple
    gpu: bool
    key: str
    selects_os: bool = False


def needs(view: PodView, tolerations: list[Any] | None = None) -> Needs:
    """The :class:`Needs` of ``view`` (``tolerations`` replaces the pod's own when given)."""
    terms = tuple(tuple((k, op, tuple(v)) for k, op, v in t) for t in _requirements(view))
    tols = tuple(tolerations if tolerations is not None else (view.get("tolerations") or []))
    gpu = _gpus(view)
    selects_os = any(k in ("kubernetes.io/os", "beta.kubernetes.io/os") for t in terms for k, _, _ in t)
    return Needs(terms, tols, gpu, repr((terms, tols, gpu)), selects_os)


def fit_needs(n: Needs, pool: Pool) -> str | None:
    """``None`` when pods with needs ``n`` can run on ``pool``, else the first reason they cannot (short text).

    A Windows pool takes only pods that select ``kubernetes.io/os`` (Linux images do not run there, and AKS does
    not taint Windows nodes: the scheduler would place them, the containers would fail)."""
    if pool.labels.get("kubernetes.io/os") == _WINDOWS and not n.selects_os:
        return "Windows nodes (the pod does not select kubernetes.io/os)"
    bad = None
    for term in n.terms:
        miss = next(((k, op, v) for k, op, v in term if not _req_ok(pool, k, op, list(v))), None)
        if miss is None:
            bad = None
            break
        if bad is None:
            k, op, v = miss
            bad = f"needs {k}={','.join(v)}" if op == "In" else f"needs {k} {op} {','.join(v)}".rstrip()
    if bad:
        return bad
    for taint in pool.taints:
        if taint[2] in ("NoSchedule", "NoExecute") and not _tolerated(taint, list(n.tolerations)):
            k, v, e = taint
            return f"taint {k}{'=' + v if v else ''}:{e} not tolerated"
    if n.gpu and not pool.gpu:
        return "no GPUs"
    return None


def fit(view: PodView, pool: Pool, tolerations: list[Any] | None = None) -> str | None:
    """``None`` when the pod can run on ``pool``, else the first reason it cannot (short text)."""
    return fit_needs(needs(view, tolerations), pool)


# --------------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------------

@dataclass
class DeployabilityResult:
    """What :func:`check_deployability` found: verdicts, findings, and the number of objects it edited."""

    verdicts: list[WorkloadVerdict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    edited: int = 0
    #: names of pools without zones that pods using zonal disks can only run on (SCH-006)
    needs_zones: set[str] = field(default_factory=set)


def _provided_secrets(o: dict[str, Any]) -> list[str]:
    """Names of the Secrets an operator object makes in its namespace: SecretProviderClass ``secretObjects``,
    ExternalSecret ``target.name`` (default its own name), cert-manager Certificate ``secretName``, SealedSecret."""
    kind = o.get("kind")
    if kind not in ("SecretProviderClass", "ExternalSecret", "Certificate", "SealedSecret"):
        return []
    spec = as_dict(o.get("spec"))
    name = str((o.get("metadata") or {}).get("name", ""))
    if kind == "SecretProviderClass":
        return [str(so["secretName"]) for so in spec.get("secretObjects") or []
                if isinstance(so, dict) and so.get("secretName")]
    if kind == "ExternalSecret":
        target = as_dict(spec.get("target"))
        return [str(target.get("name") or name)]
    return [str(spec.get("secretName") or name)]


class _Estate:
    """Indexes of the emitted objects: names by (kind, namespace), providers of Secrets, PVC classes."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.names: dict[tuple[str, str], set[str]] = {}
        self.pvcs: dict[tuple[str, str], dict[str, Any]] = {}
        self.classes: dict[str, dict[str, Any]] = {}
        self.default_class: str | None = None
        for o in objects:
            kind = str(o.get("kind", ""))
            md = as_dict(o.get("metadata"))
            ns, name = str(md.get("namespace") or ""), str(md.get("name", ""))
            self.names.setdefault((kind, ns), set()).add(name)
            if kind == "PersistentVolumeClaim":
                self.pvcs[(ns or "default", name)] = o
            elif kind == "StorageClass":
                self.classes[name] = o
                if str((md.get("annotations") or {}).get("storageclass.kubernetes.io/is-default-class")) == "true":
                    self.default_class = name
            for secret in _provided_secrets(o):
                self.names.setdefault(("Secret", ns), set()).add(secret)

    def has(self, kind: str, ns: str, name: str) -> bool:
        if kind == "Namespace":
            return name in BUILTIN_NAMESPACES or name in self.names.get(("Namespace", ""), ())
        if kind == "ServiceAccount" and name == "default":
            return True
        if kind == "StorageClass" and name in BUILTIN_STORAGE_CLASSES:
            return True
        if kind == "PriorityClass" and name in BUILTIN_PRIORITY_CLASSES:
            return True
        if kind == "IngressClass" and name in BUILTIN_INGRESS_CLASSES:
            return True
        if kind == "ConfigMap" and name == "kube-root-ca.crt":
            return True
        return name in self.names.get((kind, ns), ())

    def zonal_class(self, name: str | None) -> bool:
        from translators.storage.disk import disk_skus

        sc = self.classes.get(name or self.default_class or "")
        sku = str(((sc or {}).get("parameters") or {}).get("skuName", ""))
        row = disk_skus().get(sku)
        return bool(row and row.zonal)


def check_deployability(plan: AksPlan, cluster_findings: list[Finding] | None = None) -> DeployabilityResult:
    """Check every emitted pod spec against the plan (see module docstring) and apply the edits.

    Args:
        plan: a translated plan; ``plan.workloads`` may be ``None`` (cluster-only run: nothing to check).
        cluster_findings: the findings of the ClusterConfig translation (default ``plan.findings``): the medium and
            high ones about a node group become steps of the workloads that select its pool.

    Returns:
        The verdicts (one per object with a pod spec, emitted order), the findings (not yet in
        ``plan.findings``) and how many objects were replaced by edited copies.
    """
    res = DeployabilityResult()
    wl = plan.workloads
    if wl is None:
        return res
    location = plan.cluster.location
    pools = [aks_pool(p, location) for p in plan.node_pools]
    if plan.cluster.node_auto_provisioning:
        naps = [o for o in wl.objects if o.get("kind") == "NodePool" and str(o.get("apiVersion", "")).startswith(
            "karpenter.sh/")]
        # NAP always installs its ``default`` NodePool (https://learn.microsoft.com/azure/aks/node-autoprovision)
        if not any((o.get("metadata") or {}).get("name") == "default" for o in naps):
            naps.append({"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": "default"},
                         "spec": {"template": {"spec": {"requirements": []}}}})
        pools += [nap_pool(o, location) for o in naps]
    estate = _Estate(wl.objects)
    origin: dict[int, Any] = {}
    for r in wl.results:
        for o in r.objects:
            origin[id(o)] = r
    ctx = getattr(wl, "context", None)
    identities = getattr(ctx, "service_account_identities", {}) or {}
    by_ref = _ref_findings(wl)
    cf = plan.findings if cluster_findings is None else cluster_findings
    by_group: dict[str, list[Finding]] = {}  # findings about a node group: "managedNodeGroups[0] (name): ..."
    for f in cf:
        if f.severity in ("high", "medium") and f.message.startswith(("managedNodeGroups[", "nodeGroups[")):
            by_group.setdefault(f.message.split(": ", 1)[0], []).append(f)
    for p in plan.node_pools:
        by_ref[("@pool", "", p.name)] = by_group.get(p.source, [])
    cache: dict[str, list[Pool]] = {}
    by_file: dict[str, list[Finding]] = {}  # findings naming a claim (``PersistentVolumeClaim/ns/name ...``)
    for f in wl.findings:
        if f.message.startswith("PersistentVolumeClaim/"):
            by_file.setdefault(f.file, []).append(f)
    reported_ns: set[str] = set()
    for i, obj in enumerate(wl.objects):
        r = origin.get(id(obj))
        file, line = (r.file, r.line) if r is not None else ("", None)
        md = as_dict(obj.get("metadata"))
        ns = str(md.get("namespace") or "")
        kind, name = str(obj.get("kind", "")), str(md.get("name", ""))
        ref = f"{kind}/{ns + '/' if ns else ''}{name}"
        try:
            _check_object(plan, wl, i, obj, r, file, line, ns, kind, name, ref, pools, estate, identities, by_ref,
                          by_file, cache, reported_ns, res)
        except SHAPE_ERRORS as exc:  # manifests are not schema-validated: name the object, never a traceback
            raise InputError(file, line, "", f"{ref}: a field has a type or shape the deployability check cannot "
                             f"read; check the object against the {obj.get('apiVersion')} {kind} schema") from exc
    return res


def _check_object(plan: AksPlan, wl: Any, i: int, obj: dict[str, Any], r: Any, file: str, line: int | None,
                  ns: str, kind: str, name: str, ref: str, pools: list[Pool], estate: _Estate, identities: dict,
                  by_ref: dict, by_file: dict, cache: dict, reported_ns: set[str], res: DeployabilityResult) -> None:
    """One emitted object of :func:`check_deployability` (object ``i`` of ``wl.objects``, emitted for result
    ``r``): its findings, edits and verdict go into ``res``."""
    found: list[Finding] = []
    add = _adder(found, ref, file, line)

    if ns and not estate.has("Namespace", "", ns) and ns not in reported_ns:
        reported_ns.add(ns)
        add("SCH-005", f"namespace {ns} is not defined (objects in it cannot be created)")
    known = " ".join(f.message for f in by_file.get(file, ()) if ref in f.message) \
        if kind == "PersistentVolumeClaim" else ""
    _check_object_refs(obj, kind, ns, estate, add, known)
    views = pod_views(obj)
    if not views:
        res.findings += found
        return
    if not views[0].core:
        _aws_settings(obj, add)
    new_obj = obj
    cannot: list[str] = []
    refs: list[tuple[str, str]] = []
    for view in views:
        where = "" if len(views) == 1 else f" ({'.'.join(map(str, view.path))})"
        new_obj = _check_view(new_obj, view, pools, plan, estate, identities, ns or "default", add, cannot, refs,
                              where, cache, res.needs_zones)
    if new_obj is not obj:
        wl.objects[i] = new_obj
        if r is not None:
            r.objects[:] = [new_obj if x is obj else x for x in r.objects]
        res.edited += 1
    res.findings += found
    own = [f for f in r.findings] if r is not None else []
    steps = _steps(found, own, refs + [("PersistentVolumeClaim", c) for v in views for c in _claims(new_obj, v)],
                   ns or "default", by_ref)
    verdict = "cannot-run" if cannot else ("runs-after-steps" if steps else "runs")
    res.verdicts.append(WorkloadVerdict(kind=kind, namespace=ns or None, name=name, file=file, line=line,
                                        verdict=verdict, reasons=cannot, steps=steps))


#: Argo Events EventSource keys of AWS sources (https://argoproj.github.io/argo-events/APIs/).
AWS_EVENT_KEYS = {"sqs": "Amazon SQS event source", "sns": "Amazon SNS event source"}


def _strings(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """``(path, key, value)`` of every string leaf under ``node`` (``key``: the nearest mapping key, or an env
    entry's ``name``)."""
    if isinstance(node, dict):
        if isinstance(node.get("name"), str) and "value" in node and isinstance(node["value"], str):
            yield path, node["name"], node["value"]
            return
        for k, v in node.items():
            if isinstance(v, str):
                yield path + (k,), str(k), v
            else:
                yield from _strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, path + (i,))


def _aws_settings(obj: dict[str, Any], add: Any) -> None:
    """The AWS settings a Deployment's env would be reported for (``translators.appconfig.translate``: SDK variables, AWS
    endpoints, ``s3a://`` URIs, credentials providers), anywhere in a custom resource's ``spec`` (Spark
    ``sparkConf``/``hadoopConf``, Flink ``flinkConfiguration``, env of its pod specs), plus AWS event sources."""
    from translators.appconfig.translate import match_name, non_aws_endpoint, scan_value

    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    leaves = list(_strings(spec, ("spec",)))
    endpoint = non_aws_endpoint([(k, v) for _, k, v in leaves])
    seen: set[tuple[str, str]] = set()
    for path, key, value in leaves:
        where = ".".join(map(str, path))
        named = match_name(key)
        if named and endpoint and named.rule == "APP-001":
            add("SCH-011", f"{where} ({key}): keys for the non-AWS endpoint {endpoint}; keep them")
            continue
        if named and not (endpoint and named.rule == "APP-004"):
            if (named.rule, key) not in seen:
                seen.add((named.rule, key))
                add(named.rule, f"{where} ({key}): {named.aws}; use {named.azure}")
            if named.rule == "APP-001":
                continue  # a credential: its value is never read
        for p, hit in scan_value(value):
            if (p.rule, hit) not in seen:
                seen.add((p.rule, hit))
                add(p.rule, f"{where} names {p.aws} ({hit}); use {p.azure}")
    if obj.get("kind") == "EventSource":
        for k, what in AWS_EVENT_KEYS.items():
            if isinstance(spec.get(k), dict) and spec[k]:
                add("APP-004", f"spec.{k}: {what}; use the Azure Service Bus or Event Hubs event source")


def _adder(found: list[Finding], ref: str, file: str, line: int | None) -> Any:
    """``add(rule, message, severity=None)``: append a finding about object ``ref`` to ``found``."""
    def add(rule: str, msg: str, severity: str | None = None) -> Finding:
        f = finding(rule, f"{ref}: {msg}", file, line, severity)
        found.append(f)
        return f
    return add


def _check_object_refs(obj: dict[str, Any], kind: str, ns: str, estate: _Estate, add: Any, known: str) -> None:
    """Reference findings of non-pod objects; a reference an earlier finding on the object already names
    (``known``: their messages) is not reported twice."""
    spec = as_dict(obj.get("spec"))
    if kind == "PersistentVolumeClaim":
        sc = spec.get("storageClassName")
        if sc and not estate.has("StorageClass", "", str(sc)):
            add("SCH-005", f"StorageClass {sc} is not defined (the claim stays Pending)")
        if spec.get("volumeName") and not estate.has("PersistentVolume", "", str(spec["volumeName"])) \
                and str(spec["volumeName"]) not in known:
            add("SCH-005", f"PersistentVolume {spec['volumeName']} is not defined (the claim stays Pending)")
    elif kind == "Ingress" and spec.get("ingressClassName"):
        ic = str(spec["ingressClassName"])
        if not estate.has("IngressClass", "", ic):
            add("SCH-005", f"IngressClass {ic} is not defined (no controller serves the Ingress)", "medium")
    elif kind == "StatefulSet":
        for vct in spec.get("volumeClaimTemplates") or []:
            sc = (vct.get("spec") or {}).get("storageClassName") if isinstance(vct, dict) else None
            if sc and not estate.has("StorageClass", "", str(sc)):
                add("SCH-005", f"StorageClass {sc} of volumeClaimTemplate {vct.get('metadata', {}).get('name')} is "
                               "not defined (the pods stay Pending)")


def _view_refs(view: PodView) -> Iterator[tuple[str, str, str]]:
    """``(kind, name, severity)`` of every object the pod spec names (optional references skipped)."""
    spec = view.spec
    for v in spec.get("volumes") or []:
        if not isinstance(v, dict):
            continue
        if isinstance(v.get("secret"), dict) and v["secret"].get("secretName") and not v["secret"].get("optional"):
            yield "Secret", str(v["secret"]["secretName"]), "high"
        if isinstance(v.get("configMap"), dict) and v["configMap"].get("name") and not v["configMap"].get("optional"):
            yield "ConfigMap", str(v["configMap"]["name"]), "high"
        if isinstance(v.get("persistentVolumeClaim"), dict) and v["persistentVolumeClaim"].get("claimName"):
            yield "PersistentVolumeClaim", str(v["persistentVolumeClaim"]["claimName"]), "high"
        csi = as_dict(v.get("csi"))
        spc = (csi.get("volumeAttributes") or {}).get("secretProviderClass") \
            if csi.get("driver") == "secrets-store.csi.k8s.io" and isinstance(csi.get("volumeAttributes"), dict) else None
        if spc:  # the Secrets Store CSI driver cannot mount without it: the pod stays ContainerCreating
            yield "SecretProviderClass", str(spc), "high"
        for src in (v.get("projected") or {}).get("sources") or [] if isinstance(v.get("projected"), dict) else []:
            for key, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                s = src.get(key) if isinstance(src, dict) else None
                if isinstance(s, dict) and s.get("name") and not s.get("optional"):
                    yield kind, str(s["name"]), "high"
    for c in view.containers():
        for e in c.get("env") or []:
            vf = e.get("valueFrom") if isinstance(e, dict) else None
            for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                s = vf.get(key) if isinstance(vf, dict) else None
                if isinstance(s, dict) and s.get("name") and not s.get("optional"):
                    yield kind, str(s["name"]), "high"
        for e in c.get("envFrom") or []:
            for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                s = e.get(key) if isinstance(e, dict) else None
                if isinstance(s, dict) and s.get("name") and not s.get("optional"):
                    yield kind, str(s["name"]), "high"
    for s in view.get("imagePullSecrets") or []:
        if isinstance(s, dict) and s.get("name"):
            yield "Secret", str(s["name"]), "low"
    pc = view.get("priorityClassName")
    if pc:
        yield "PriorityClass", str(pc), "high"


def _claims(obj: dict[str, Any], view: PodView) -> list[str]:
    vcts = {str((t.get("metadata") or {}).get("name")) for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []
            if isinstance(t, dict)} if obj.get("kind") == "StatefulSet" else set()
    out = [str(v["persistentVolumeClaim"].get("claimName")) for v in view.spec.get("volumes") or []
           if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)]
    return out + sorted(vcts)


def _check_view(obj: dict[str, Any], view: PodView, pools: list[Pool], plan: AksPlan, estate: _Estate,
                identities: dict, ns: str, add: Any, cannot: list[str], refs: list[tuple[str, str]],
                where: str, cache: dict[str, list[Pool]], needs_zones: set[str]) -> dict[str, Any]:
    # 1. AWS-only node labels → AKS labels (copy-on-write on the view's spec)
    nap_spot = any(p.nap and SPOT_LABEL in p.labels for p in pools)
    obj, view = _rewrite_labels(obj, view, plan, add, where, nap_spot)
    # 2. references
    vcts = set(_claims(obj, view)) - {str(v["persistentVolumeClaim"].get("claimName"))
                                      for v in view.spec.get("volumes") or []
                                      if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)}
    sa = view.service_account()
    checks = [("ServiceAccount", sa, "high")] + list(_view_refs(view))
    for kind, name, severity in checks:
        refs.append((kind, name))
        if kind == "PersistentVolumeClaim" and name in vcts:
            continue
        if not estate.has(kind, ns, name):
            add("SCH-005", f"{kind} {name} is not defined{where}" + (" (the pods cannot start)" if severity == "high"
                                                                     else ""), severity)
            if severity == "high":
                cannot.append(f"{kind} {name} missing")
    # 3. scheduling (fits memoised by needs: the pods of one chart ask the same)
    need = needs(view)
    fitting = cache.get(need.key)
    if fitting is None:
        fitting = cache[need.key] = [p for p in pools if fit_needs(need, p) is None]
    has_selector = any(need.terms[0]) or len(need.terms) > 1
    if has_selector and len(fitting) < len(pools):
        tols = list(view.get("tolerations") or [])
        memo = cache.get("spot " + need.key)
        if memo is None:
            with_spot = needs(view, tols + [SPOT_TOLERATION])
            keys = {k for term in need.terms for k, _, _ in term}
            memo = cache["spot " + need.key] = [p for p in pools if p.spot and keys & p.own
                                                and not any(p is f for f in fitting)
                                                and fit_needs(with_spot, p) is None][:1]
        spot = memo[0] if memo else None
        if spot is not None:
            obj, view = _edit_view(obj, view, "tolerations", tols + [SPOT_TOLERATION])
            fitting = [*fitting, spot]
            add("SCH-004", f"selects Spot pool {spot.name}; added toleration {SPOT_LABEL}=spot:NoSchedule{where}")
    if has_selector and len(fitting) < len(pools):  # the workload targets these pools: their findings concern it
        refs += [("@pool", p.name) for p in fitting if not p.nap]
    if not fitting:
        why = "; ".join(f"{p.name}: {fit_needs(need, p)}" for p in pools[:MAX_REASONS]) + (
            f"; {len(pools) - MAX_REASONS} more pools" if len(pools) > MAX_REASONS else "")
        add("SCH-001", f"no planned pool fits{where}: {why}")
        cannot.append(f"no pool fits ({why})")
    # 4. storage topology
    zonal = [c for c in _claims(obj, view) if _claim_zonal(obj, c, ns, estate)]
    if zonal and fitting:
        zoned = [p for p in fitting if p.zoned]
        if not zoned:
            add("SCH-006", f"claims {', '.join(zonal)} use zonal disks but the pods fit only pools without zones "
                           f"({', '.join(p.name for p in fitting)}){where}")
            cannot.append(f"zonal disk on non-zoned pool ({', '.join(p.name for p in fitting)})")
            needs_zones.update(p.name for p in fitting if not p.nap)
        elif len(zoned) < len(fitting):
            add("SCH-009", f"claims {', '.join(zonal)} use zonal disks; pods may land on pools without zones "
                           f"({', '.join(p.name for p in fitting if not p.zoned)}){where}")
    # 5. workload identity inside custom resources
    if not view.core and (ns, sa) in identities:
        labels = _get(obj, view.labels_path)
        if not (isinstance(labels, dict) and labels.get(USE_LABEL) == "true"):
            obj = _set_path(obj, view.labels_path, {**(labels if isinstance(labels, dict) else {}), USE_LABEL: "true"})
            add("SCH-007", f"runs as ServiceAccount {sa} (workload identity {identities[(ns, sa)]}); "
                           f"added label {USE_LABEL}=true{where}")
    return obj


def _claim_zonal(obj: dict[str, Any], claim: str, ns: str, estate: _Estate) -> bool:
    if obj.get("kind") == "StatefulSet":
        for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []:
            if isinstance(t, dict) and str((t.get("metadata") or {}).get("name")) == claim:
                return estate.zonal_class((t.get("spec") or {}).get("storageClassName"))
    pvc = estate.pvcs.get((ns, claim))
    if pvc is None:
        return False
    sc = (pvc.get("spec") or {}).get("storageClassName")
    return sc != "" and estate.zonal_class(sc)


def _set_path(obj: dict[str, Any] | list[Any], path: tuple, value: Any) -> dict[str, Any]:
    """A copy of ``obj`` with ``value`` at ``path``: only the containers along the path are copied."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(obj, list):
        out_l = list(obj)
        out_l[head] = _set_path(obj[head], rest, value)
        return out_l  # type: ignore[return-value]
    out = dict(obj) if isinstance(obj, dict) else {}
    child = out.get(head)
    out[head] = _set_path(child if isinstance(child, (dict, list)) else {}, rest, value)
    return out


def _edit_view(obj: dict[str, Any], view: PodView, key: str, value: Any) -> tuple[dict[str, Any], PodView]:
    new = _set_path(obj, view.path + (key,), value)
    spec = _get_list_path(new, view.path)
    return new, PodView(view.path, spec, view.defaults, view.labels_path, view.core)


def _get_list_path(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part] if isinstance(node, list) else node.get(part)
    return node


def _rewrite_labels(obj: dict[str, Any], view: PodView, plan: AksPlan, add: Any, where: str,
                    nap_spot: bool = False) -> tuple[dict[str, Any], PodView]:
    """AWS-only node labels in the view's nodeSelector and required node affinity → their AKS label and value
    (SCH-002) or removed (SCH-003), by ``data/node_labels_aws.csv``; values already in AKS form (written by an
    earlier translator, e.g. the Karpenter one) are kept as they are. ``nap_spot``: a NAP NodePool offers Spot
    capacity (``karpenter.sh/capacity-type`` then stays)."""
    table = aws_node_labels()
    sel = view.spec.get("nodeSelector")
    if isinstance(sel, dict) and any(k in table for k in sel):
        new_sel: dict[str, Any] = {}
        for k, v in sel.items():
            row = table.get(k)
            if row is None:
                mapped = (k, v)
            else:
                mapped = _map_label(row, k, str(v), plan, nap_spot)
                if mapped is None:
                    add("SCH-003", f"nodeSelector {k}={v} removed ({row['note'] or 'no AKS equivalent'}){where}")
                    continue
            new_sel[mapped[0]] = mapped[1]
            if mapped != (k, v):
                add("SCH-002", f"nodeSelector {k}={v} -> {mapped[0]}={mapped[1]}{where}")
        if new_sel != sel:
            obj, view = _edit_view(obj, view, "nodeSelector", new_sel)
    aff = view.spec.get("affinity")
    terms = _get(aff, ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"))
    if isinstance(terms, list) and any(isinstance(e, dict) and e.get("key") in table for t in terms
                                       if isinstance(t, dict) for e in t.get("matchExpressions") or []):
        new_terms = [_rewrite_term(t, table, plan, add, where, nap_spot) if isinstance(t, dict) else t
                     for t in terms]
        if new_terms != terms:
            path = ("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            obj = _set_path(obj, view.path + path, new_terms)
            view = PodView(view.path, _get_list_path(obj, view.path), view.defaults, view.labels_path, view.core)
    return obj, view


def _rewrite_term(term: dict[str, Any], table: dict[str, dict[str, str]], plan: AksPlan, add: Any, where: str,
                  nap_spot: bool) -> dict[str, Any]:
    """One node selector term with its AWS-only expressions rewritten or removed (see :func:`_rewrite_labels`)."""
    exprs = []
    for e in term.get("matchExpressions") or []:
        row = table.get(e.get("key", "")) if isinstance(e, dict) else None  # the table has no "" label
        if row is None:
            exprs.append(e)
            continue
        key, op = str(e["key"]), e.get("operator")
        if op not in ("In", "NotIn"):
            if row["action"] == "spot-unless-nap" and nap_spot:
                exprs.append(e)
                continue
            if row["action"] in ("spot", "spot-unless-nap", "drop"):  # "is a managed / Fargate node": no AKS label
                add("SCH-003", f"node affinity {key} {op} removed ({row['note'] or 'no AKS equivalent'}){where}")
                continue
            new = {**e, "key": row["aks_label"] or key}
        else:
            vals = [_map_label(row, key, str(v), plan, nap_spot) for v in e.get("values") or []]
            kept = [m for m in vals if m is not None]
            if not kept:
                add("SCH-003", f"node affinity {key} {op} removed ({row['note'] or 'no AKS equivalent'}){where}")
                continue
            new = {**e, "key": kept[0][0], "values": [m[1] for m in kept]}
        if new != e:
            add("SCH-002", f"node affinity {key} {op} {','.join(map(str, e.get('values') or []))} -> {new['key']} "
                           f"{','.join(map(str, new.get('values') or []))}".rstrip() + where)
        exprs.append(new)
    return {**term, "matchExpressions": exprs}


def _map_label(row: dict[str, str], key: str, value: str, plan: AksPlan, nap_spot: bool = False
               ) -> tuple[str, str] | None:
    """``(AKS label, value)`` for AWS node label ``key=value``, or ``None`` when it has no equivalent. A value
    already in AKS form (an Azure size, ``<region>-<n>``, the region) is kept; ``karpenter.sh/capacity-type`` is
    kept when a NAP NodePool offers Spot (``nap_spot``)."""
    action, location = row["action"], plan.cluster.location
    if action == "spot-unless-nap":
        if nap_spot:
            return key, value
        action = "spot"
    if action == "spot":
        return (SPOT_LABEL, "spot") if value.upper() == "SPOT" else None
    if action == "nodegroup":
        for p in plan.node_pools:
            if p.source.endswith(f"({value})"):
                return row["aks_label"], p.name
        return None
    if action == "instance-type":
        if value.startswith("Standard_"):
            return row["aks_label"], value
        from translators.cluster.vmsize import map_instance_type

        try:
            m = map_instance_type(value, {}, False)
        except (KeyError, ValueError):
            return None
        return (row["aks_label"], m.vm_size) if m.vm_size else None
    if action == "zone":
        if value.startswith(f"{location}-") or value == "0":
            return row["aks_label"], value
        from translators.cluster.compute import zone_number

        n = zone_number(value)
        return (row["aks_label"], f"{location}-{n}") if n else None
    if action == "region":
        return row["aks_label"], location
    return None


def _ref_findings(wl: Any) -> dict[tuple[str, str, str], list[Finding]]:
    """``(kind, namespace, name)`` → the high/medium findings of the input object it was emitted for; a
    PersistentVolume's are also filed under the claim it is bound to (``claimRef``), an ExternalSecret's or
    SecretProviderClass' under the Secrets it makes."""
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for res in wl.results:
        serious = [f for f in res.findings if f.severity in ("high", "medium")]
        if not serious:
            continue
        for o in res.objects:
            md = as_dict(o.get("metadata"))
            ns = str(md.get("namespace") or "default")
            out.setdefault((str(o.get("kind")), ns, str(md.get("name"))), []).extend(serious)
            for secret in _provided_secrets(o):  # an operator object's findings concern the Secret it makes
                out.setdefault(("Secret", ns, secret), []).extend(serious)
            claim = _pv_claim(o) if o.get("kind") == "PersistentVolume" else None
            if claim:
                ref = (o.get("spec") or {}).get("claimRef") or {}
                out.setdefault(("PersistentVolumeClaim", str(ref.get("namespace") or "default"), claim),
                               []).extend(serious)
    return out


def _steps(found: list[Finding], own: list[Finding], refs: list[tuple[str, str]], ns: str,
           by_ref: dict[tuple[str, str, str], list[Finding]]) -> list[str]:
    """What a human must do before the workload runs: non-info findings on it, high/medium ones on the objects it
    references (``by_ref``, see :func:`_ref_findings`) and on the node groups of the pools it selects
    (``("@pool", name)`` in ``refs``), and this check's own (rule id + message, de-duplicated, in
    severity order)."""
    out = [f for f in found + own if f.severity != "info"]
    for kind, name in dict.fromkeys(refs):
        out += by_ref.get((kind, "" if kind == "@pool" else ns, name), ())
    seen: set[tuple[str, str]] = set()
    steps = []
    for f in sorted(out, key=lambda f: f.sort_key()):
        if (f.rule_id, f.message) not in seen:
            seen.add((f.rule_id, f.message))
            steps.append(f"{f.rule_id} ({f.severity}): {f.message}")
    return steps


def _pv_claim(pv: dict[str, Any]) -> str | None:
    ref = (pv.get("spec") or {}).get("claimRef")
    return str(ref.get("name")) if isinstance(ref, dict) else None


def apply_deployability(plan: AksPlan, findings: Findings) -> DeployabilityResult:
    """Run :func:`check_deployability` and record it on the plan (``plan.verdicts``) and in ``findings``.

    When pods using zonal disks fit only pools without zones (SCH-006) and the cluster has zoned pools, those
    pools get the cluster's zones (SCH-012) and the check runs again.
    """
    wl = plan.workloads
    kept = (list(wl.objects), [list(r.objects) for r in wl.results]) if wl is not None else None
    _keys_for_non_aws_endpoints(plan, findings)
    _replaced_roles_are_info(plan, findings)  # before the check: the verdicts' steps read the severities
    res = check_deployability(plan, list(findings))
    zones = sorted({z for p in plan.node_pools for z in p.availability_zones})
    if res.needs_zones and zones and wl is not None and kept is not None:  # kept is None when wl is
        # act on SCH-006: eksctl spreads a group without availabilityZones over the cluster's zones, so the
        # faithful AKS pool is zonal too; the check then runs again on the unedited objects (edits are copies)
        for p in plan.node_pools:
            if p.name in res.needs_zones and not p.availability_zones:
                p.availability_zones = list(zones)
                if p.os_type == "Linux" and "enableUltraSSD" in wl.cluster_requests:
                    p.enable_ultra_ssd = True
                findings.add("SCH-012", f"pool {p.name} ({p.source}): availability zones {', '.join(zones)} "
                                        "planned because its pods use zonal disks (Premium SSD v2 / Ultra)")
        wl.objects[:] = kept[0]
        for r, objs in zip(wl.results, kept[1]):
            r.objects[:] = objs
        res = check_deployability(plan, list(findings))
    plan.verdicts = res.verdicts
    findings += res.findings
    if plan.workloads is not None:
        plan.workloads.findings = list(plan.workloads.findings) + res.findings
    return res


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


def replaced_component(service_account: str) -> tuple[str, str] | None:
    """``(add-on, AKS replacement)`` when ``service_account`` is the account of an add-on AKS replaces."""
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


def move_bootstrap_labels(cfg: Any, pools: list[NodePoolPlan], findings: Findings) -> None:
    """Labels set with kubelet ``--node-labels`` in a node group's ``preBootstrapCommands`` or
    ``overrideBootstrapCommand`` (the kubelet extra args of the bootstrap script, or nodeadm's kubelet flags), or in
    ``bottlerocket.settings.kubernetes.node-labels``, move onto its AKS pool's labels (SCH-008); reserved keys
    (``kubernetes.azure.com/``, ``*.kubernetes.io/``, ``*.k8s.io/``) are reported, not moved.

    Pool and group are matched through :attr:`NodePoolPlan.source` (``managedNodeGroups[0] (name)``). Labels the
    group already sets in ``labels`` win.
    """
    by_source = {p.source: p for p in pools}
    for kind in ("managedNodeGroups", "nodeGroups"):
        groups = cfg.data.get(kind) or []
        for i, g in enumerate(groups if isinstance(groups, list) else []):
            if not isinstance(g, dict):
                continue
            pool = by_source.get(f"{kind}[{i}] ({g.get('name', f'{kind}{i}')})")
            if pool is None:
                continue
            texts: list[tuple[tuple, str]] = []
            pre = g.get("preBootstrapCommands")
            for j, c in enumerate(pre if isinstance(pre, list) else []):
                texts.append((("preBootstrapCommands", j), str(c)))
            if g.get("overrideBootstrapCommand"):
                texts.append((("overrideBootstrapCommand",), str(g["overrideBootstrapCommand"])))
            found: list[tuple[tuple, dict[str, str]]] = []
            for path, text in texts:
                for m in _NODE_LABELS.finditer(text):
                    pairs = (pair.partition("=") for pair in m.group(1).split(",") if "=" in pair)
                    found.append((path, {k: v for k, _, v in pairs}))
            br = _get(g, ("bottlerocket", "settings", "kubernetes", "node-labels"))
            if isinstance(br, dict):
                cfg.mark(kind, i, "bottlerocket", "settings", "kubernetes", "node-labels")
                found.append((("bottlerocket", "settings", "kubernetes", "node-labels"),
                              {str(k): str(v) for k, v in br.items()}))
            for path, labels in found:
                moved = {k: v for k, v in labels.items() if k and k not in pool.labels and not _reserved(k)}
                reserved = sorted(k for k in labels if _reserved(k))
                if moved or reserved:
                    pool.labels.update(moved)
                    findings.add("SCH-008", f"{kind}[{i}] ({g.get('name')}): node labels "
                                            f"{','.join(f'{k}={v}' for k, v in moved.items()) or 'none'} -> pool "
                                            f"{pool.name} nodeLabels" + (f"; not moved (reserved prefix, AKS sets "
                                                                         f"its own): {', '.join(reserved)}"
                                                                         if reserved else ""),
                                 cfg.doc, (kind, i, *path))


def _reserved(key: str) -> bool:
    """Label keys AKS node pools cannot carry: the ``kubernetes.azure.com/`` prefix and the Kubernetes
    ``*.kubernetes.io/`` / ``*.k8s.io/`` domains (https://learn.microsoft.com/azure/aks/use-labels)."""
    domain = key.split("/", 1)[0] if "/" in key else ""
    return domain == "kubernetes.azure.com" or domain.endswith(("kubernetes.io", "k8s.io"))
