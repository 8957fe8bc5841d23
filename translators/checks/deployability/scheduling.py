"""Scheduling: the planned pools as the scheduler sees them (:class:`Pool`, :func:`aks_pool`, :func:`nap_pool`) and
the matching of a pod's needs (node selector, required node affinity, tolerations, GPUs) against them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from translators.checks.deployability.constants import GPU_RESOURCES, SPOT_LABEL, SPOT_TAINT
from translators.checks.deployability.pods import PodView, _get
from translators.plan import NodePoolPlan
from translators.shapes import as_dict


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
