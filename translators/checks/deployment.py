"""Deployability of the translated objects on the first ``pulumi up`` (issue #11, the Pulumi-layer half).

Pure (never imports Pulumi). :func:`check_deployability` runs at the end of the translation and

* decides how the objects reach the cluster (:attr:`DeployPlan.mode`): pulumi-kubernetes from the deploying
  machine, the AKS GitOps (Flux) extension for a private cluster with a Git repository configured, or not at
  all (PRE-050 / PRE-058);
* never lets a kind the API server does not know reach it: built-in kinds of the cluster's Kubernetes minor
  (``data/kubernetes_builtin_kinds.csv``), CRDs in the estate, and the operators of ``data/prerequisites.csv``
  (AKS add-ons the stack enables, AKS cluster extensions and pinned Helm charts the stack installs); any other
  object is skipped with PRE-052;
* skips objects that still hold a placeholder only the user can fill (PRE-056), clears a PersistentVolumeClaim's
  ``spec.volumeName`` naming a PersistentVolume that is not migrated (PRE-055), and adds a Namespace for every
  namespace objects use without one in the estate (PRE-057).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from translators.findings import Findings, finding
from translators.k8s import BUILTIN_NAMESPACES
from translators.plan import AksPlan, DeployPlan, OperatorPlan, Placeholder, Prerequisite, object_key
from translators.checks.known_kinds import _group_version, builtin_groups, served_builtin
from translators.checks.known_kinds import kubernetes_minor as kubernetes_minor  # re-exported
from translators.checks.known_kinds import prerequisite_for as prerequisite_for  # re-exported

#: Placeholders the translators write, as ``${NAME}``. The Pulumi layer fills :data:`FILLED_BY_STACK`.
TRANSLATOR_PLACEHOLDER = re.compile(
    r"\$\{(IDENTITY_CLIENT_ID:[A-Za-z0-9._-]+|AZURE_TENANT_ID|AZURE_SUBSCRIPTION_ID|VELERO_[A-Z_]+|DNS_ZONE_[A-Z_]+"
    r"|CERT_MANAGER_IDENTITY_CLIENT_ID)\}")
#: Placeholders the Pulumi layer fills from outputs: identity client ids, the tenant, and the deploying
#: subscription (getClientConfig) for the subscription of the Velero location and the DNS zone.
FILLED_BY_STACK = Placeholder.FILLED_BY_STACK
#: ``<subscription-id>``-style placeholders in documentation formats (e.g. a disk encryption set id).
ANGLE_PLACEHOLDER = re.compile(r"<(subscription-id|resource-group|region|[a-z]+(?:-[a-z]+)*-(?:id|name|set|group))>")
#: Which option fills each user-only placeholder (named in PRE-056).
PLACEHOLDER_OPTION = {"VELERO_": "eks-to-aks:velero", "DNS_ZONE_": "eks-to-aks:dns",
                      "CERT_MANAGER_": "eks-to-aks:dns (certManagerClientId)", "<": "the real value in the translate --out output"}
#: Ingress annotation of app routing's Key Vault certificates (AKS app routing docs).
KEYVAULT_CERT_ANNOTATION = "kubernetes.azure.com/tls-cert-keyvault-uri"
KEYVAULT_URI_SUFFIX = ".vault.azure.net"


@dataclass
class DeployOptions:
    """The deployment options (Pulumi config ``eks-to-aks:*``).

    Attributes:
        deploy_workloads: ``None`` (default: deploy unless the cluster is private), ``True`` (deploy through
            pulumi-kubernetes even for a private cluster: the machine is inside the VNet), ``False`` (never).
        gitops_repository, gitops_branch, gitops_path: the Git repository Flux applies (private clusters).
        admin_group_object_ids: Entra ID group object ids made cluster admins.
        install_operators: install the Helm charts of ``data/prerequisites.csv`` (``False``: skip their objects).
    """

    deploy_workloads: bool | None = None
    gitops_repository: str = ""
    gitops_branch: str = "main"
    gitops_path: str = "./"
    admin_group_object_ids: list[str] = field(default_factory=list)
    install_operators: bool = True

    @classmethod
    def from_config(cls, get: Any) -> DeployOptions:
        """Build from a ``get(key) -> value | None`` accessor (Pulumi config or a dict's ``get``).

        Raises:
            ValueError: ``adminGroupObjectIds`` is not a list of strings (or a comma-separated string), or
                ``deployWorkloads`` / ``installOperators`` is not a boolean.
        """
        groups = get("adminGroupObjectIds") or []
        if isinstance(groups, str):
            try:
                groups = json.loads(groups) if groups.strip().startswith("[") else groups.split(",")
            except ValueError:
                groups = None
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise ValueError("eks-to-aks:adminGroupObjectIds must be a list of Entra ID group object ids")
        return cls(deploy_workloads=_bool(get("deployWorkloads"), "deployWorkloads"),
                   gitops_repository=str(get("gitopsRepository") or ""),
                   gitops_branch=str(get("gitopsBranch") or "main"), gitops_path=str(get("gitopsPath") or "./"),
                   admin_group_object_ids=[g.strip() for g in groups if g.strip()],
                   install_operators=_bool(get("installOperators"), "installOperators") is not False)


def _bool(value: Any, key: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise ValueError(f"eks-to-aks:{key} must be true or false, not {value!r}")


def _feature_enabled(plan: AksPlan, feature: str) -> bool:
    c = plan.cluster
    return {"always": True, "nodeAutoProvisioning": c.node_auto_provisioning, "appRouting": c.app_routing,
            "blobCSIDriver": c.blob_csi_driver}.get(feature, False)


def unfillable_placeholders(manifest: dict[str, Any]) -> list[str]:
    """Placeholders of ``manifest`` the stack cannot fill (sorted): ``${VELERO_STORAGE_ACCOUNT}``,
    ``<subscription-id>``, ...; ``[]`` when it can be deployed as is (after the stack fills its outputs)."""
    texts: list[str] = []
    _placeholder_strings(manifest, texts)
    if not texts:
        return []
    found: set[str] = set()
    for text in texts:
        found |= {m.group(0) for m in TRANSLATOR_PLACEHOLDER.finditer(text)
                  if not FILLED_BY_STACK.fullmatch(m.group(0))}
        found |= {m.group(0) for m in ANGLE_PLACEHOLDER.finditer(text)}
    return sorted(found)


def _placeholder_strings(node: Any, out: list[str]) -> None:
    """Append to ``out`` every string (key or value) under ``node`` that holds ``${`` or ``<``. Both placeholder
    patterns match only printable ASCII other than ``"`` and ``\\``, so their matches in these strings are those in
    ``json.dumps(node)`` (which escapes nothing else they could match), at a third of the cost."""
    if isinstance(node, str):
        if "${" in node or "<" in node:
            out.append(node)
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and ("${" in key or "<" in key):
                out.append(key)
            if isinstance(value, (str, dict, list)):
                _placeholder_strings(value, out)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (str, dict, list)):
                _placeholder_strings(value, out)


def _option_for(placeholder: str) -> str:
    body = placeholder.strip("${}")
    return next((opt for prefix, opt in PLACEHOLDER_OPTION.items() if body.startswith(prefix)
                 or placeholder.startswith(prefix)), "the translate --out output")


def check_deployability(plan: AksPlan, options: DeployOptions, findings: Findings) -> DeployPlan:
    """Decide how ``plan``'s objects are deployed; fix or skip what cannot be (see the module docstring).

    Mutates ``plan.workloads.objects`` (adds Namespaces, clears dangling ``volumeName``) and sets
    ``plan.deploy``. Findings: PRE-050..058 (one per kind, namespace, claim or object, never per field).

    Returns:
        The :class:`DeployPlan` (also stored on ``plan.deploy``).
    """
    deploy = DeployPlan(gitops_repository=options.gitops_repository, gitops_branch=options.gitops_branch,
                        gitops_path=options.gitops_path,
                        admin_group_object_ids=list(options.admin_group_object_ids))
    plan.deploy = deploy
    objects: list[dict[str, Any]] = plan.workloads.objects if plan.workloads is not None else []
    if not objects:
        deploy.mode = "none"
        return deploy
    _mode(plan, options, deploy, findings)
    _namespaces(objects, findings)
    at = _origins(plan)
    _volume_names(objects, findings, at)
    _kinds(plan, objects, options, deploy, findings, at)
    already = set(deploy.skipped)
    claims: dict[str, list[str]] | None = None  # built at the first skipped StorageClass
    for o in objects:
        holes = unfillable_placeholders(o)
        if holes and object_key(o) not in already:
            deploy.skipped.append(object_key(o))
            users: list[str] = []
            if o.get("kind") == "StorageClass":
                claims = _claims_by_class(objects) if claims is None else claims
                users = claims.get(str((o.get("metadata") or {}).get("name")), [])
            findings.append(finding("PRE-056", f"{o.get('kind')} {_name(o)} is not deployed: it still holds "
                                               f"{', '.join(holes)} (set {_option_for(holes[0])})"
                                    + (f"; claims using it stay Pending: {', '.join(users)}" if users else ""),
                                    *at.get(id(o), ("", None))))
    if deploy.mode == "gitops":
        holders = [o for o in objects if "${IDENTITY_CLIENT_ID:" in json.dumps(o)]
        if holders:
            findings.add("PRE-059", f"{len(holders)} object(s) ({', '.join(_name(o) for o in holders[:3])}"
                                    f"{', ...' if len(holders) > 3 else ''}) hold ${{IDENTITY_CLIENT_ID:...}} "
                                    "placeholders Flux cannot substitute")
    deploy.app_routing_key_vault = plan.cluster.app_routing and any(
        KEYVAULT_CERT_ANNOTATION in ((o.get("metadata") or {}).get("annotations") or {}) for o in objects)
    return deploy


def _claims_by_class(objects: list[dict[str, Any]]) -> dict[str, list[str]]:
    """StorageClass name → ``"<namespace>/<name>"`` of the PersistentVolumeClaims and StatefulSets (claim
    templates) naming it (one pass over the objects)."""
    out: dict[str, list[str]] = {}
    for o in objects:
        kind = o.get("kind")
        if kind == "PersistentVolumeClaim":
            specs = [o.get("spec") or {}]
        elif kind == "StatefulSet":
            specs = [t.get("spec") or {} for t in ((o.get("spec") or {}).get("volumeClaimTemplates") or [])
                     if isinstance(t, dict)]
        else:
            continue
        for name in {sp.get("storageClassName") for sp in specs if isinstance(sp, dict)} - {None}:
            out.setdefault(str(name), []).append(_name(o))
    return out


def _controller_in_estate(objects: list[dict[str, Any]], row: dict[str, str]) -> str:
    """``"<namespace>/<name>"`` of a Deployment of the estate that runs the chart's controller (named like the
    chart, in the chart's namespace), else ``""``: installing the chart too would run two controllers."""
    for o in objects:
        md = o.get("metadata") or {}
        if (o.get("kind") == "Deployment" and md.get("name") == row["chart"]
                and md.get("namespace") == row["namespace"]):
            return f"{md.get('namespace')}/{md.get('name')}"
    return ""


def _name(o: dict[str, Any]) -> str:
    md = o.get("metadata") or {}
    return f"{md['namespace']}/{md.get('name', '')}" if md.get("namespace") else str(md.get("name", ""))


def _mode(plan: AksPlan, options: DeployOptions, deploy: DeployPlan, findings: Findings) -> None:
    if options.deploy_workloads is False:
        deploy.mode = "none"
        findings.add("PRE-058", "eks-to-aks:deployWorkloads is false: the translated objects are not deployed")
    elif plan.cluster.private_cluster and options.deploy_workloads is None:
        if options.gitops_repository:
            deploy.mode = "gitops"
            findings.add("PRE-051", f"private cluster: Flux applies {options.gitops_path} of "
                                    f"{options.gitops_repository}@{options.gitops_branch}; commit the "
                                    "translate --out manifests there")
        else:
            deploy.mode = "none"
            findings.add("PRE-050", "the cluster is private (privateCluster.enabled) and no "
                                    "eks-to-aks:gitopsRepository is set: the translated objects are not deployed")


def _namespaces(objects: list[dict[str, Any]], findings: Findings) -> None:
    have = {str((o.get("metadata") or {}).get("name")) for o in objects
            if o.get("kind") == "Namespace" and o.get("apiVersion") == "v1"}
    used = Counter(str((o.get("metadata") or {}).get("namespace")) for o in objects
                   if (o.get("metadata") or {}).get("namespace"))
    missing = sorted(set(used) - have - BUILTIN_NAMESPACES)
    for ns in reversed(missing):
        objects.insert(0, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for ns in missing:
        findings.add("PRE-057", f"namespace {ns} is used by {used[ns]} object(s) but has no Namespace manifest: "
                                "a Namespace is created")


def _origins(plan: AksPlan) -> dict[int, tuple[str, int | None]]:
    """``id(emitted object)`` → ``(file, line)`` of the input object it came from (for located findings)."""
    if plan.workloads is None:
        return {}
    return {id(o): (r.file, r.line) for r in plan.workloads.results for o in r.objects}


def _volume_names(objects: list[dict[str, Any]], findings: Findings, at: dict[int, tuple[str, int | None]]) -> None:
    """Clear a claim's ``volumeName`` that names a volume the plan does not emit; the claim is replaced by an
    edited copy (emitted objects may be the input manifests themselves, which are never edited)."""
    volumes = {str((o.get("metadata") or {}).get("name")) for o in objects
               if o.get("kind") == "PersistentVolume" and o.get("apiVersion") == "v1"}
    for i, o in enumerate(objects):
        spec = o.get("spec")
        if o.get("kind") != "PersistentVolumeClaim" or not isinstance(spec, dict) or not spec.get("volumeName"):
            continue
        if str(spec["volumeName"]) not in volumes:
            findings.append(finding("PRE-055", f"PersistentVolumeClaim {_name(o)} named PersistentVolume "
                                               f"{spec['volumeName']}, which is not migrated: volumeName is cleared "
                                               "(a new, empty volume)", *at.get(id(o), ("", None))))
            objects[i] = {**o, "spec": {k: v for k, v in spec.items() if k != "volumeName"}}


def _kinds(plan: AksPlan, objects: list[dict[str, Any]], options: DeployOptions, deploy: DeployPlan,
           findings: Findings, at: dict[int, tuple[str, int | None]]) -> None:
    minor = kubernetes_minor(plan.cluster.kubernetes_version)
    crds = {(str((o.get("spec") or {}).get("group", "")), str(((o.get("spec") or {}).get("names") or {}).get("kind", "")))
            for o in objects if o.get("kind") == "CustomResourceDefinition"}
    needs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    judged: dict[tuple[str, str], tuple[str, str, bool]] = {}  # (apiVersion, kind) -> (group, kind, served)
    for o in objects:
        api_kind = (str(o.get("apiVersion", "")), str(o.get("kind", "")))
        seen = judged.get(api_kind)
        if seen is None:
            group, version = _group_version(api_kind[0])
            seen = judged[api_kind] = (group, api_kind[1], served_builtin(group, version, api_kind[1], minor))
        group, kind, served = seen
        if served:
            continue
        if group in builtin_groups() and (group, kind) not in crds and prerequisite_for(group, kind) is None:
            deploy.skipped.append(object_key(o))
            findings.append(finding("PRE-052", f"{o.get('apiVersion')} {kind} {_name(o)} is not served by Kubernetes "
                                               f"{plan.cluster.kubernetes_version or 'of the cluster'}: not deployed",
                                    *at.get(id(o), ("", None))))
            continue
        needs.setdefault((group, kind), []).append(o)
    operators: dict[str, OperatorPlan] = {}
    for (group, kind), objs in sorted(needs.items()):
        if (group, kind) in crds:
            deploy.prerequisites.append(Prerequisite(group, kind, "estate", "the CRD in the estate", "",
                                                     len(objs), True))
            continue
        row = prerequisite_for(group, kind)
        provider = row["provider"] if row else "none"
        how = row["how"] if row else "no known operator: install the one that served it on EKS"
        pre = Prerequisite(group, row["kind"] if row else kind, provider, how, row["doc"] if row else "", len(objs))
        if row is not None and provider == "aks-addon":
            pre.provided = _feature_enabled(plan, row["feature"])
        elif row is not None and provider == "aks-extension":
            pre.provided, pre.operator = True, row["extension_type"]
            op = operators.setdefault(pre.operator, OperatorPlan(pre.operator, provider,
                                                                 extension_type=row["extension_type"]))
            op.groups = sorted({*op.groups, group})
        elif row is not None and provider == "helm" and _controller_in_estate(objects, row):
            pre.how = (f"the CRDs of {row['chart']}: the estate deploys its controller "
                       f"({_controller_in_estate(objects, row)}) without them; install the chart {row['chart']} "
                       f"{row['chart_version']} from {row['chart_repo']} instead of that controller, or add the CRDs")
            how = pre.how
        elif row is not None and provider == "helm" and options.install_operators and deploy.mode == "provider":
            pre.provided, pre.operator = True, row["chart"]
            op = operators.setdefault(pre.operator, OperatorPlan(
                row["chart"], provider, chart_repo=row["chart_repo"], chart=row["chart"],
                chart_version=row["chart_version"], namespace=row["namespace"],
                values=dict(kv.split("=", 1) for kv in row["values"].split(";") if "=" in kv)))
            op.groups = sorted({*op.groups, group})
        merged = next((p for p in deploy.prerequisites if (p.group, p.kind) == (pre.group, pre.kind)), None)
        if merged is not None:
            merged.objects += pre.objects
        else:
            deploy.prerequisites.append(pre)
        label = f"{group}/{kind}"
        if pre.provided or deploy.mode == "none":  # mode none: nothing is sent (PRE-050 / PRE-058 say so)
            continue
        if provider == "helm" and deploy.mode == "gitops":
            findings.add("PRE-054", f"{len(objs)} {label} object(s) need {row['chart'] if row else ''} "
                                    f"{row['chart_version'] if row else ''} from {row['chart_repo'] if row else ''} "
                                    "in the GitOps repository before them")
            continue
        deploy.skipped += [object_key(o) for o in objs]
        findings.add("PRE-052", f"{len(objs)} {label} object(s) ({', '.join(_name(o) for o in objs[:3])}"
                                f"{', ...' if len(objs) > 3 else ''}) are not deployed: they need {how}")
    deploy.operators = sorted(operators.values(), key=lambda op: op.name)
    for op in deploy.operators:
        what = (f"Helm chart {op.chart} {op.chart_version} from {op.chart_repo} in namespace {op.namespace}"
                if op.provider == "helm" else f"AKS cluster extension {op.extension_type}")
        findings.add("PRE-053", f"{what} is installed before the {', '.join(op.groups)} objects")
