"""The estate check: :func:`check_deployability` over every emitted object and pod spec (labels, references,
scheduling, storage topology, workload identity, AWS settings in custom resources) and :func:`apply_deployability`,
which records it on the plan."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from translators.checks.deployability.constants import MAX_REASONS, SHAPE_ERRORS, SPOT_LABEL, SPOT_TOLERATION, USE_LABEL
from translators.checks.deployability.labels import _rewrite_labels
from translators.checks.deployability.pods import PodView, _edit_view, _get, _set_path, pod_views
from translators.checks.deployability.references import (
    _check_object_refs, _claim_zonal, _claims, _Estate, _ref_findings, _view_refs)
from translators.checks.deployability.scheduling import Pool, aks_pool, fit_needs, nap_pool, needs
from translators.checks.deployability.severity import _keys_for_non_aws_endpoints, _replaced_roles_are_info
from translators.errors import InputError
from translators.findings import Finding, Findings, finding
from translators.plan import AksPlan, WorkloadVerdict
from translators.shapes import as_dict


@dataclass
class DeployabilityResult:
    """What :func:`check_deployability` found: verdicts, findings, and the number of objects it edited."""

    verdicts: list[WorkloadVerdict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    edited: int = 0
    #: names of pools without zones that pods using zonal disks can only run on (SCH-006)
    needs_zones: set[str] = field(default_factory=set)


def check_deployability(plan: AksPlan, cluster_findings: list[Finding] | None = None) -> DeployabilityResult:
    """Check every emitted pod spec against the plan (see the package docstring) and apply the edits.

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
