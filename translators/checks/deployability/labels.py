"""AWS node labels: rewriting AWS-only labels in pods' node selectors and required node affinity to their AKS
equivalent (``data/node_labels_aws.csv``), and moving the labels eksctl sets through bootstrap commands onto the
pool (:func:`move_bootstrap_labels`, before the manifests translation)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from translators.checks.deployability.constants import SPOT_LABEL
from translators.checks.deployability.pods import PodView, _edit_view, _get, _get_list_path, _set_path
from translators.findings import Findings
from translators.plan import AksPlan, NodePoolPlan
from translators.refdata import read_table


_NODE_LABELS = re.compile(r"--node-labels[= ]+[\"']?([^\s\"']+)")


@lru_cache(maxsize=1)
def aws_node_labels() -> dict[str, dict[str, str]]:
    """AWS node label → ``{action, aks_label, note}`` (``data/node_labels_aws.csv``)."""
    return {r["aws_label"]: r for r in read_table("node_labels_aws.csv")}


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
