"""IAM policies → Azure built-in role assignments (pure: never imports Pulumi).

A :class:`PolicyReader` translates the policies attached to one IAM role (or eksctl
service account / pod identity association):

* AWS managed policy ARNs through ``data/aws_policy_to_azure_role.csv``; customer-managed
  ARNs through their documents when the ``iamPolicies`` option holds them (ARN → policy JSON);
* eksctl ``wellKnownPolicies`` through ``data/iam_wellknown_policies.csv``;
* inline policy documents statement by statement: each ``service:Action`` is classified by
  ``data/iam_inline_actions.csv`` (read or write role per service), the service's scope kind
  by ``data/iam_services.csv``.

Every grant is a :class:`RoleGrant` on the narrowest known scope: ``vault`` (the stack's Key
Vault: Secrets Manager, Parameter Store, KMS), ``registry`` (the stack's container registry:
ECR) or ``resource`` (an Azure resource id from the ``resourceMap`` option, looked up by the
AWS ARN, then the resource name, then the service name, e.g. ``s3``). Never a subscription:
a permission without a mapped resource is reported (IDN-004) and not granted. ``Action: "*"``
is never copied and ``Resource: "*"`` is narrowed or reported (IDN-003).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from collections.abc import Iterable

from translators.findings import Findings
from translators.plan import RoleGrant
from translators.refdata import read_table

if TYPE_CHECKING:
    from translators.input.eksctl import ClusterConfig

SCOPES = ("vault", "registry", "resource")
_POLICY_ARN = re.compile(r"^arn:[^:]*:iam::([^:]*):policy/(.+)$")
_SUBSCRIPTION_ONLY = re.compile(r"^/subscriptions/[^/]+/?$", re.I)
_RESOURCE_PREFIXES = ("table/", "stream/", "hostedzone/", "log-group:", "event-bus/", "rule/", "key/", "secret:",
                      "parameter/", "repository/")


@dataclass(frozen=True)
class Where:
    """Where a policy is written: a document with ``file``/``line_of`` and the policy's path in it."""

    doc: Any
    path: tuple = ()

    def at(self, *sub: Any) -> Where:
        return Where(self.doc, self.path + sub)


@lru_cache(maxsize=1)
def services() -> dict[str, dict[str, str]]:
    """AWS service prefix → row of ``data/iam_services.csv``."""
    return {r["aws_service"]: r for r in read_table("iam_services.csv")}


@lru_cache(maxsize=1)
def inline_actions() -> dict[str, list[tuple[str, str]]]:
    """AWS service prefix → ``[(lowercase action glob, Azure role), ...]`` in table order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in read_table("iam_inline_actions.csv"):
        out.setdefault(r["aws_service"], []).append((r["action_pattern"].lower(), r["azure_role"]))
    return out


@lru_cache(maxsize=1)
def managed_policies() -> dict[str, dict[str, str]]:
    """AWS managed policy name → row of ``data/aws_policy_to_azure_role.csv`` (pseudo rows skipped)."""
    return {r["aws_managed_policy"]: r for r in read_table("aws_policy_to_azure_role.csv")
            if not r["aws_managed_policy"].startswith("(")}


@lru_cache(maxsize=1)
def well_known() -> dict[str, dict[str, str]]:
    """eksctl well-known / add-on policy key → row of ``data/iam_wellknown_policies.csv``."""
    return {r["key"]: r for r in read_table("iam_wellknown_policies.csv")}


@lru_cache(maxsize=1)
def role_kinds() -> dict[str, str]:
    """Azure built-in role name → ``ARM`` or ``CosmosSQL`` (a Cosmos DB SQL role, not an ARM assignment)."""
    return {r["role_name"]: r["kind"] for r in read_table("azure_builtin_roles.tsv")}


@lru_cache(maxsize=1)
def role_includes() -> dict[str, set[str]]:
    """Role → roles it already allows on the same scope (``data/iam_role_hierarchy.csv``)."""
    return {r["role"]: set(filter(None, r["includes"].split(";"))) for r in read_table("iam_role_hierarchy.csv")}


def service_of_policy(name: str) -> str | None:
    """AWS service of a managed policy name by the longest ``policy_prefixes`` match (``CloudWatchLogs*`` → logs)."""
    best: tuple[int, str] | None = None
    for svc, row in services().items():
        for prefix in filter(None, row["policy_prefixes"].split(";")):
            if name.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), svc)
    return best[1] if best else None


def arn_service(arn: str) -> str | None:
    """``arn:aws:s3:::bucket`` → ``s3``; ``None`` for anything that is not an ARN."""
    parts = arn.split(":")
    return parts[2].lower() if len(parts) >= 6 and parts[0] == "arn" else None


def resource_name(arn: str) -> str:
    """The resource's own name in an ARN: bucket, queue, topic, table, stream, zone id (ARNs only)."""
    parts = arn.split(":")
    if len(parts) < 6:
        return arn
    res = ":".join(parts[5:])
    for prefix in _RESOURCE_PREFIXES:
        if res.startswith(prefix):
            res = res[len(prefix):]
            break
    return res.split("/")[0].split(":")[0] or res


def classify(service: str, action: str) -> str | None:
    """Azure role for ``service:action`` (first matching row of the inline table), or ``None``."""
    act = action.lower()
    for pattern, role in inline_actions().get(service, []):
        if fnmatchcase(act, pattern):
            return role
    return None


def prune(grants: Iterable[RoleGrant]) -> list[RoleGrant]:
    """Grants without duplicates or roles another grant on the same scope already includes, sorted."""
    uniq: dict[tuple, RoleGrant] = {}
    for g in grants:
        uniq.setdefault((g.role, g.scope, g.resource_id), g)
    inc = role_includes()
    keep = [g for g in uniq.values()
            if not any(g.role in inc.get(o.role, ()) and (o.scope, o.resource_id) == (g.scope, g.resource_id)
                       for o in uniq.values())]
    return sorted(keep, key=lambda g: (SCOPES.index(g.scope), g.resource_id or "", g.role))


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


class PolicyReader:
    """Translates the policies of one identity source into :class:`RoleGrant` s and findings.

    Args:
        who: how findings name the source, e.g. ``iam.serviceAccounts[1] shop/catalog-api``.
        options: ``WorkloadContext.options`` (``resourceMap``, ``iamPolicies``).
        findings: where findings go (each distinct message once).
    """

    def __init__(self, who: str, options: dict[str, Any], findings: Findings) -> None:
        self.who = who
        self.options = options
        self.findings = findings
        self.grants: list[RoleGrant] = []
        self.replaced = 0  # policies an AKS feature makes unnecessary
        self.other = 0  # policies that grant, or may grant, something
        self._said: set[tuple[str, str]] = set()

    @property
    def obsolete(self) -> bool:
        """Every policy read is replaced by an AKS feature: no workload identity is needed."""
        return self.replaced > 0 and self.other == 0

    def _say(self, rule: str, message: str, where: Where) -> None:
        if (rule, message) not in self._said:
            self._said.add((rule, message))
            self.findings.add(rule, message, where.doc, where.path)

    # --- sources -----------------------------------------------------------------------------------

    def managed(self, arn: str, where: Where) -> None:
        """An attached policy ARN (AWS managed, or customer managed with ``iamPolicies``)."""
        m = _POLICY_ARN.match(arn)
        name = m.group(2).rsplit("/", 1)[-1] if m else arn
        if m is None or m.group(1) != "aws":
            doc = (self.options.get("iamPolicies") or {}).get(arn)
            if doc is not None:
                self.document(doc, where, f"policy {name}")
                return
            self.other += 1
            self._say("IDN-006", f"{self.who}: policy {arn} is customer managed and its document is not in the "
                      f"input; set iamPolicies[{arn!r}] to translate it", where)
            return
        row = managed_policies().get(name)
        if row is None:
            self.other += 1
            self._say("IDN-008", f"{self.who}: AWS managed policy {name} has no known Azure role mapping", where)
            return
        roles = [r for r in row["azure_roles"].split(";") if r]
        if not roles:
            self.replaced += 1
            self._say("IDN-007", f"{self.who}: {name} is not needed on AKS: {row['note']}", where)
            return
        self.other += 1
        svc = service_of_policy(name) or ""
        self._grant(svc, roles, ["*"], f"AWS managed policy {name}", where)

    def well_known(self, key: str, where: Where) -> None:
        """An eksctl ``wellKnownPolicies`` key set to true."""
        row = well_known().get(key)
        if row is None or row["where"] == "nodeGroup":
            self.other += 1
            self._say("IDN-008", f"{self.who}: well-known policy {key} has no known Azure role mapping", where)
            return
        roles = [r for r in row["azure_roles"].split(";") if r]
        if not roles:
            self.replaced += 1
            self._say("IDN-007", f"{self.who}: wellKnownPolicies.{key} is replaced by {row['replacement']}", where)
            return
        self.other += 1
        reason = f"eksctl wellKnownPolicies.{key}"
        if row["scope_kind"] != "resource":
            self.grants += [RoleGrant(r, row["scope_kind"], None, reason) for r in roles]
            return
        for role, rkey in zip(roles, row["resource_keys"].split(";")):
            rid = self._mapped(rkey)
            if rid:
                self.grants.append(RoleGrant(role, "resource", rid, reason))
            else:
                self._say("IDN-004", f"{self.who}: {role} for wellKnownPolicies.{key} not granted: set "
                          f"resourceMap[{rkey!r}] to its Azure resource id", where)

    def document(self, doc: Any, where: Where, label: str = "inline policy") -> None:
        """An IAM policy document (dict, or its JSON text)."""
        if isinstance(doc, str):
            try:
                doc = json.loads(doc)
            except ValueError:
                doc = None
        stmts = doc.get("Statement") if isinstance(doc, dict) else None
        if not isinstance(stmts, (list, dict)):
            self.other += 1
            self._say("IDN-006", f"{self.who}: {label} is not a readable IAM policy document", where)
            return
        pairs = [((), stmts)] if isinstance(stmts, dict) else [((j,), s) for j, s in enumerate(stmts)]
        for sub, st in pairs:
            if isinstance(st, dict):
                self._statement(st, where.at("Statement", *sub), f"{label} statement {sub[0] if sub else 0}")

    # --- statements -------------------------------------------------------------------------------

    def _statement(self, st: dict[str, Any], where: Where, label: str) -> None:
        if str(st.get("Effect", "Allow")) != "Allow":
            self._say("IDN-009", f"{self.who}: {label} is a Deny statement; not translated", where)
            return
        self.other += 1
        if "NotAction" in st or "NotResource" in st:
            self._say("IDN-009", f"{self.who}: {label} uses NotAction/NotResource; not translated", where)
            return
        if "Condition" in st:
            self._say("IDN-009", f"{self.who}: {label} has a Condition; the Azure grant is made without it", where)
        actions = _as_list(st.get("Action"))
        resources = _as_list(st.get("Resource")) or ["*"]
        if any(a.strip() in ("*", "*:*") for a in actions):
            self._say("IDN-003", f"{self.who}: {label} allows Action '*'; not copied", where)
        by_svc: dict[str, list[str]] = {}
        for a in actions:
            if ":" in a and a.strip() not in ("*", "*:*"):
                svc, name = a.split(":", 1)
                by_svc.setdefault(svc.strip().lower(), []).append(name.strip())
        for svc in sorted(by_svc):
            acts = by_svc[svc]
            roles = list(dict.fromkeys(r for r in (classify(svc, a) for a in acts) if r))
            info = services().get(svc)
            if not roles or info is None or info["scope_kind"] == "none":
                if info is not None and info["move"] == "true":
                    self._move(svc, where)
                    continue
                why = f" ({info['note']})" if info and info["note"] else ""
                self._say("IDN-008", f"{self.who}: {label}: {', '.join(svc + ':' + a for a in acts)} not "
                          f"granted{why}", where)
                continue
            mine = [r for r in resources if r == "*" or arn_service(r) in (svc, None)] or ["*"]
            if "*" in mine:
                target = {"vault": "narrowed to the stack Key Vault", "registry": "narrowed to the stack registry"}
                self._say("IDN-003", f"{self.who}: {label} allows {svc} on Resource '*'; "
                          f"{target.get(info['scope_kind'], 'not copied')}", where)
            self._grant(svc, roles, mine, f"{label}: {svc}:{','.join(acts)}", where)

    def _move(self, svc: str, where: Where) -> None:
        info = services()[svc]
        self._say("IDN-005", f"{self.who} uses {svc}: move it to {info['azure_service']}"
                  + (f" ({info['note']})" if info["note"] else ""), where)

    def _mapped(self, key: str) -> str | None:
        rid = (self.options.get("resourceMap") or {}).get(key)
        return str(rid) if rid and not _SUBSCRIPTION_ONLY.match(str(rid)) else None

    def _grant(self, svc: str, roles: list[str], resources: list[str], reason: str, where: Where) -> None:
        info = services().get(svc)
        if info is None:
            self._say("IDN-008", f"{self.who}: {reason} has no known Azure role mapping", where)
            return
        if info["move"] == "true":
            self._move(svc, where)
        roles = [r for r in roles if not any(r in role_includes().get(o, ()) for o in roles)]
        arm = [r for r in roles if role_kinds().get(r) == "ARM"]
        for r in roles:
            if r not in arm:
                self._say("IDN-005", f"{self.who}: {r} ({svc}) is a Cosmos DB SQL role assignment on the "
                          "account; not planned", where)
        kind = info["scope_kind"]
        if kind in ("vault", "registry"):
            self.grants += [RoleGrant(r, kind, None, reason) for r in arm]
            return
        if kind != "resource":
            return
        for res in resources:
            keys = [svc] if res == "*" else list(dict.fromkeys([res, resource_name(res), svc]))
            rid = next((self._mapped(k) for k in keys if self._mapped(k)), None)
            if rid:
                self.grants += [RoleGrant(r, "resource", rid, f"{reason} on {res}") for r in arm]
            elif arm:
                key = svc if res == "*" else resource_name(res)
                self._say("IDN-004", f"{self.who}: {', '.join(arm)} for {svc} {res!r} not granted: set "
                          f"resourceMap[{key!r}] (or the ARN) to the Azure resource id of the "
                          f"{info['resource_hint']}", where)


def node_iam_findings(cfg: ClusterConfig, findings: Findings) -> None:
    """Findings for node group IAM (``nodeGroups[].iam`` / ``managedNodeGroups[].iam``): nothing is carried."""
    for kind in ("nodeGroups", "managedNodeGroups"):
        groups = cfg.data.get(kind) if isinstance(cfg.data, dict) else None
        for i, ng in enumerate(groups if isinstance(groups, list) else []):
            iam = ng.get("iam") if isinstance(ng, dict) else None
            if not isinstance(iam, dict):
                continue
            base = (kind, i, "iam")
            who = f"{kind}[{i}] {ng.get('name', '')}".rstrip()
            for key, on in sorted((iam.get("withAddonPolicies") or {}).items()):
                if on is not True:
                    continue
                row = well_known().get(key)
                if row and row["azure_roles"]:
                    what = (f"give that add-on's ServiceAccount a workload identity (eksctl "
                            f"wellKnownPolicies.{key}: {row['azure_roles'].replace(';', ', ')})")
                else:
                    what = f"replaced by {row['replacement']}" if row else "no Azure mapping known"
                findings.add("IDN-010", f"{who}: withAddonPolicies.{key} is not carried to the nodes; {what}",
                             cfg.doc, base + ("withAddonPolicies", key))
            for key in ("attachPolicyARNs", "attachPolicy", "instanceRoleARN", "instanceProfileARN"):
                if iam.get(key):
                    findings.add("IDN-010", f"{who}: node role setting {key} is not carried; the kubelet "
                                 "identity gets AcrPull only", cfg.doc, base + (key,))
