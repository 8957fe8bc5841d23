"""Workload identity: IRSA / EKS Pod Identity → Microsoft Entra Workload ID (pure: never imports Pulumi).

Sources of identity: eksctl ``iam.serviceAccounts`` and ``iam.podIdentityAssociations``,
ServiceAccounts annotated ``eks.amazonaws.com/role-arn`` (both read by
:mod:`translators.identity.bindings`), and ServiceAccounts that read secrets (pods mounting an
AWS SecretProviderClass, External Secrets stores; see :mod:`translators.secrets.translate`).
:func:`plan_identities` turns them into an :class:`IdentityPlan`:

* one user-assigned managed identity per IAM role (ServiceAccounts trusting the same role
  share it), or per eksctl service account / association without a named role;
* one federated credential per ServiceAccount, subject ``system:serviceaccount:<ns>:<name>``,
  audience ``api://AzureADTokenExchange``, issuer the cluster's OIDC issuer (an
  output the Pulumi layer supplies). An identity takes at most 20 credentials, so larger
  groups are split into ``<name>``, ``<name>-2``, ... with the same role assignments;
* role assignments from the IAM policies (:mod:`translators.identity.iam_policy`), plus
  ``Key Vault Secrets User`` for identities that read the vault.

It fills ``ctx.service_account_identities`` (and cluster request ``workloadIdentity``) for the
translators in :data:`IDENTITY_TRANSLATORS`: ServiceAccounts lose their ``eks.amazonaws.com/*``
annotations and gain ``azure.workload.identity/client-id`` (``${IDENTITY_CLIENT_ID:<identity>}``,
filled by the Pulumi layer) and ``azure.workload.identity/tenant-id``; every workload running as
such a ServiceAccount gets the pod label ``azure.workload.identity/use: "true"``. Call
:func:`plan_identities` before translating (it is this module's ``prepare``, with the ClusterConfig).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from translators.findings import Findings, finding
from translators.identity.iam_policy import node_iam_findings, prune
from translators.identity.bindings import Binding, annotated_bindings, choose_bindings, eksctl_bindings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from translators.naming import short_hash
from translators.plan import FederatedCredential, IdentityPlan, Placeholder, RoleGrant, WorkloadIdentity
from translators.podspec import POD_KINDS, pod_template
from translators.refdata import read_table
from translators.shapes import as_dict

if TYPE_CHECKING:
    from translators.input.eksctl import ClusterConfig

MAX_FEDERATED = 20  # federated identity credentials per user-assigned identity
USE_LABEL = "azure.workload.identity/use"
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id"
EKS_PREFIX = "eks.amazonaws.com/"
KEY_VAULT_READER = "Key Vault Secrets User"
CLUSTER_REQUEST = "workloadIdentity"  # OIDC issuer + workload identity webhook on the cluster
IDENTITY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$")
CREDENTIAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$")


@lru_cache(maxsize=1)
def _annotation_rows() -> dict[str, dict[str, str]]:
    return {r["eks_annotation"]: r for r in read_table("iam_sa_annotations.csv")}


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_")


def _identity_name(stem: str, key: str, taken: set[str]) -> str:
    """A unique identity name; ``taken`` holds the lowercased names in use (Azure names ignore case)."""
    base = "id-" + (_clean(stem) or short_hash(key))
    if len(base) > 120 or base.lower() in taken:
        base = f"{base[:111].rstrip('-_')}-{short_hash(key)}"
    taken.add(base.lower())
    return base


def _credentials(sas: list[tuple[str, str]]) -> list[FederatedCredential]:
    out: list[FederatedCredential] = []
    for ns, sa in sas:
        name = _clean(f"{ns}-{sa}")
        if len(name) > 120 or any(c.name.lower() == name.lower() for c in out):
            name = f"{name[:111].rstrip('-_')}-{short_hash(ns, sa)}"
        out.append(FederatedCredential(name, ns, sa, f"system:serviceaccount:{ns}:{sa}"))
    return out


def _secret_bindings(idx: dict[str, Any], chosen: dict[tuple[str, str], Binding],
                     findings: Findings) -> set[tuple[str, str]]:
    """ServiceAccounts that read the vault; those without an identity get one (SEC-015)."""
    readers: dict[tuple[str, str], tuple[str, str, int]] = {}
    for cls, info in sorted(idx["classes"].items()):
        if info["aws"]:
            for c in info["consumers"]:
                readers.setdefault((c["namespace"], c["serviceAccount"]),
                                   (f"mounts SecretProviderClass {cls}", c["file"], c["line"]))
    for store, info in sorted(idx["stores"].items()):
        if info["serviceAccount"]:
            sa = info["serviceAccount"]
            readers.setdefault((sa["namespace"], sa["name"]), (f"is used by {store}", info["file"], info["line"]))
    for (ns, sa), (what, file, line) in sorted(readers.items()):
        if (ns, sa) not in chosen:
            chosen[(ns, sa)] = Binding(f"sa:{ns}/{sa}", f"{ns}-{sa}", f"ServiceAccount {ns}/{sa}", ns, sa, 3, None)
            findings.append(finding("SEC-015", f"ServiceAccount {ns}/{sa} {what} and has no IAM role: a workload "
                                    f"identity with {KEY_VAULT_READER} is planned for it", file, line))
    return set(readers)


def plan_identities(cfg: ClusterConfig | None, objects: list[K8sObject], ctx: WorkloadContext,
                    findings: Findings) -> IdentityPlan:
    """Plan the workload identities of the estate and fill ``ctx.service_account_identities``.

    Args:
        cfg: the eksctl :class:`~translators.input.eksctl.ClusterConfig`, or ``None`` (manifests only).
        objects: every input manifest (ServiceAccounts, workloads, SecretProviderClasses, stores).
        ctx: options (``resourceMap``, ``iamPolicies``, ``iamExport``: a loaded
            :class:`translators.input.iam_export.IamExport`) in; ``service_account_identities`` and the
            secrets index (``ctx.indexes["secretsIndex"]``, with each class's identity) out.
        findings: receives identity findings (IDN-*, SEC-015, SEC-006).
    """
    from translators.secrets.index import INDEX_KEY, index_secrets

    from translators.input.iam_export import OPTION as IAM_EXPORT, apply_iam_export, merge_policy_documents

    merge_policy_documents(ctx.options)
    to_create: list[tuple[str, str, dict]] = []
    bindings = eksctl_bindings(cfg, ctx, findings, to_create) if cfg is not None else []
    if cfg is not None:
        node_iam_findings(cfg, findings)
    annotated = annotated_bindings(objects)
    role_of = {(b.namespace, b.name): b for b in annotated}
    for b in bindings:  # eksctl generated the role the annotation names: adopt the annotation's key
        a = role_of.get((b.namespace, b.name))
        if a is not None and b.key.startswith("sa:"):
            b.key, b.stem = a.key, a.stem
    bindings += annotated
    apply_iam_export(bindings, ctx.options, findings)  # roles' policies from an IAM export (IDN-015/016)
    obsolete = {b.key for b in bindings if b.reader and b.reader.obsolete}
    obsolete -= {b.key for b in bindings if b.reader and b.reader.other}
    bindings = [b for b in bindings if b.key not in obsolete]
    chosen = choose_bindings(bindings, findings)
    idx = index_secrets(objects)
    readers = _secret_bindings(idx, chosen, findings)
    by_key: dict[str, list[Binding]] = {}
    for b in bindings + [b for b in chosen.values() if b.rank == 3]:
        by_key.setdefault(b.key, []).append(b)
    members: dict[str, list[tuple[str, str]]] = {}
    for sa, b in chosen.items():
        members.setdefault(b.key, []).append(sa)
    plan = IdentityPlan()
    taken: set[str] = set()
    ctx.service_account_identities.clear()
    for key in sorted(members):
        group = sorted(by_key[key], key=lambda b: (b.rank, b.namespace, b.name))
        grants = [g for b in group if b.reader for g in b.reader.grants]
        if any(sa in readers for sa in members[key]):
            grants.append(RoleGrant(KEY_VAULT_READER, "vault", None, "reads the stack Key Vault (secrets)"))
        known = any(b.reader and (b.reader.other or b.reader.replaced) for b in group)
        first = next((b for b in group if b.where is not None), group[0])
        if key.startswith("role:") and not known and first.where is not None and IAM_EXPORT not in ctx.options:
            findings.add("IDN-013", f"IAM role {first.source}: its policies are not in the input", first.where.doc,
                         first.where.path)
        sas = sorted(set(members[key]))
        chunks = [sas[i:i + MAX_FEDERATED] for i in range(0, len(sas), MAX_FEDERATED)]
        base = _identity_name(group[0].stem, key, taken)
        if len(chunks) > 1 and first.where is not None:
            findings.add("IDN-002", f"{first.source}: {len(sas)} ServiceAccounts need {len(chunks)} identities "
                         f"({base} ... {base}-{len(chunks)})", first.where.doc, first.where.path)
        for n, chunk in enumerate(chunks):
            name = base if n == 0 else f"{base}-{n + 1}"
            if n and name.lower() in taken:
                name = f"{base[:111].rstrip('-_')}-{short_hash(key, str(n))}"
            taken.add(name.lower())
            plan.identities.append(WorkloadIdentity(name, group[0].source, _credentials(chunk), prune(grants)))
            for sa in chunk:
                ctx.service_account_identities[sa] = name
    idx["classIdentity"] = _class_identities(idx, ctx, plan, taken, findings)
    ctx.indexes[INDEX_KEY] = idx
    plan.identities.sort(key=lambda i: i.name)
    if plan.identities:
        ctx.cluster_requests.add(CLUSTER_REQUEST)
    present = {(o.namespace or "default", o.name) for o in objects if o.kind == "ServiceAccount"}
    for ns, name, md in sorted(to_create, key=lambda t: (t[0], t[1])):
        if (ns, name) not in present and (ns, name) in ctx.service_account_identities:
            present.add((ns, name))
            plan.service_accounts.append(_service_account(ns, name, md, ctx))
    return plan


def _class_identities(idx: dict[str, Any], ctx: WorkloadContext, plan: IdentityPlan, taken: set[str],
                      findings: Findings) -> dict[str, str]:
    """SecretProviderClass ``ns/name`` → the identity its ``clientID`` names."""
    out: dict[str, str] = {}
    for cls, info in sorted(idx["classes"].items()):
        sas = sorted({(c["namespace"], c["serviceAccount"]) for c in info["consumers"]})
        names = sorted({ctx.service_account_identities[sa] for sa in sas if sa in ctx.service_account_identities})
        if not info["aws"] or not names:
            continue
        if len(names) == 1:
            out[cls] = names[0]
            continue
        name = _identity_name("spc-" + cls.replace("/", "-"), f"class:{cls}", taken)
        plan.identities.append(WorkloadIdentity(name, f"SecretProviderClass {cls}", _credentials(sas[:MAX_FEDERATED]),
                                                [RoleGrant(KEY_VAULT_READER, "vault", None, f"mounts of {cls}")]))
        out[cls] = name
        findings.append(finding("SEC-006", f"SecretProviderClass {cls} is mounted by ServiceAccounts of identities "
                                f"{', '.join(names)}; dedicated identity {name} planned", info["file"], info["line"]))
    return out


def drop_service_accounts(plan: IdentityPlan, dropped: set[tuple[str, str]], ctx: WorkloadContext) -> None:
    """Forget ServiceAccounts another translator dropped (e.g. a controller AKS replaces): their federated
    credentials go, and identities left with none go too. Call after the translator chain."""
    for ident in plan.identities:
        ident.federated = [c for c in ident.federated if (c.namespace, c.service_account) not in dropped]
    plan.identities = [i for i in plan.identities if i.federated]
    for sa in dropped:
        ctx.service_account_identities.pop(sa, None)


def _service_account(ns: str, name: str, md: dict[str, Any], ctx: WorkloadContext) -> dict[str, Any]:
    ident = ctx.service_account_identities[(ns, name)]
    annotations = {str(k): str(v) for k, v in (md.get("annotations") or {}).items()
                   if not str(k).startswith(EKS_PREFIX)}
    annotations.update({CLIENT_ID_ANNOTATION: Placeholder.client_id(ident), TENANT_ID_ANNOTATION: ctx.tenant_id})
    meta: dict[str, Any] = {"name": name, "namespace": ns}
    if md.get("labels"):
        meta["labels"] = {str(k): str(v) for k, v in md["labels"].items()}
    meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}


@handles("ServiceAccount")
def translate_service_account(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """ServiceAccount: ``eks.amazonaws.com/*`` annotations out, workload identity annotations in."""
    if obj.kind != "ServiceAccount" or obj.group:
        return None
    ident = ctx.service_account_identities.get((obj.namespace or "default", obj.name))
    old = obj.metadata.get("annotations") or {}
    eks = sorted(str(k) for k in old if str(k).startswith(EKS_PREFIX))
    if ident is None and not eks:
        return None
    findings = Findings()
    new, md = obj.edit("metadata")
    annotations = dict(md.get("annotations") or {})
    for key in eks:
        value = annotations.pop(key)
        row = _annotation_rows().get(key)
        path = ("metadata", "annotations", key)
        if row and row["action"] == "identity" and ident:
            add_finding(findings, "IDN-001", f"{obj.ref()}: IAM role {value} is replaced by workload identity "
                        f"{ident}", obj, *path)
            continue
        if row and row["action"] == "map" and str(value).strip().isdigit():
            seconds = min(max(int(str(value).strip()), 3600), 86400)
            annotations[row["azure_annotation"]] = str(seconds)
            what = f"mapped to {row['azure_annotation']}={seconds}"
        elif row and row["action"] == "identity":
            what = "removed; no workload identity is planned for this role (IDN-007)"
        else:
            what = f"removed ({row['note'] if row else 'no Azure equivalent'})"
        add_finding(findings, "IDN-012", f"{obj.ref()}: {key} {what}", obj, *path)
    if ident:
        annotations[CLIENT_ID_ANNOTATION] = Placeholder.client_id(ident)
        annotations[TENANT_ID_ANNOTATION] = ctx.tenant_id
    if annotations:
        md["annotations"] = annotations
    else:
        md.pop("annotations", None)
    return Translation("translated", [new], findings)


@handles(*POD_KINDS)
def translate_workload_label(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Workloads running as a federated ServiceAccount get the pod label ``azure.workload.identity/use``."""
    found = pod_template(obj.obj)
    if found is None:
        return None
    path, tpl = found
    spec = as_dict(tpl.get("spec"))
    sa = str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")
    if (obj.namespace or "default", sa) not in ctx.service_account_identities:
        return None
    md = tpl.get("metadata")
    labels = md.get("labels") if isinstance(md, dict) else None
    if isinstance(labels, dict) and labels.get(USE_LABEL) == "true":
        return Translation("passthrough", [obj.obj])
    new, md = obj.edit(*path, "metadata")  # copies only the mappings down to the template's metadata
    md["labels"] = {**(labels if isinstance(labels, dict) else {}), USE_LABEL: "true"}
    return Translation("translated", [new])


IDENTITY_TRANSLATORS: list[Translator] = [translate_service_account, translate_workload_label]
