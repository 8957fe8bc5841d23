"""Secrets: the estate index and the migration plan shared by the secrets translators (pure: never imports
Pulumi).

* :func:`index_secrets` finds the AWS ``SecretProviderClass`` objects and the pods that mount them, the
  External Secrets stores of the AWS provider, and every AWS secret they read; each secret gets one
  collision-free Key Vault name (Key Vault names ignore case; rule ``^[0-9a-zA-Z-]{1,127}$``).
  :func:`prepare` stores the index in ``ctx.indexes["secretsIndex"]``.
* :func:`add_migration` keeps ``ctx.secrets_migration``: one ``{awsName, awsService, jsonKey,
  keyVaultName, command}`` entry per Key Vault secret, sorted by Key Vault name, where ``command`` copies the
  value from AWS into Key Vault without printing it (:func:`migration_command`).

The translators are in :mod:`translators.secrets.translate`.
"""
from __future__ import annotations

import bisect
import json
import re
from translators.reports.shell import quote
from functools import lru_cache
from typing import Any

import yaml

from translators.identity.iam_policy import arn_service
from translators.k8s import K8sObject, WorkloadContext
from translators.plan import SecretMigration
from translators.naming import short_hash
from translators.podspec import pod_template
from translators.shapes import as_dict

INDEX_KEY = "secretsIndex"
CSI_DRIVER = "secrets-store.csi.k8s.io"
SPC_GROUP = "secrets-store.csi.x-k8s.io"
ESO_GROUP = "external-secrets.io"
KV_SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
DROPPED_OBJECT_KEYS = ("objectVersion", "objectVersionLabel", "failoverObject", "objectTemplate")
_SM_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")


def kv_secret_name(text: str) -> str:
    """A Key Vault secret name for ``text``: ``prod/db/password`` → ``prod-db-password`` (≤127 chars)."""
    name = re.sub(r"-+", "-", re.sub(r"[^0-9A-Za-z-]", "-", text)).strip("-")
    if not name:
        return "secret-" + short_hash(text)
    return name if len(name) <= 127 else f"{name[:118].rstrip('-')}-{short_hash(text)}"


def aws_secret_id(object_name: str, object_type: str | None = None) -> tuple[str, str]:
    """``(service, name)`` of an AWS secret reference: ``secretsmanager`` or ``ssm``, name without ARN parts.

    Secrets Manager ARNs end in ``-`` + 6 random characters that are not part of the name.
    """
    name = str(object_name).strip()
    svc = arn_service(name)
    if svc == "secretsmanager" and ":secret:" in name:
        return "secretsmanager", _SM_SUFFIX.sub("", name.split(":secret:", 1)[1])
    if svc == "ssm" and ":parameter" in name:
        return "ssm", name.split(":parameter", 1)[1]
    kind = str(object_type or "").lower()
    return ("ssm" if kind in ("ssmparameter", "ssm", "parameterstore") else "secretsmanager"), name


_FIELDS = {k.lower(): k for k in ("objectName", "objectType", "objectAlias", "jmesPath", "path") + DROPPED_OBJECT_KEYS}


def _canon(d: dict[str, Any]) -> dict[str, Any]:
    """Field names as the AWS provider reads them (Go's JSON decoding ignores case: ``Path``, ``ObjectAlias``)."""
    out = {_FIELDS.get(str(k).lower(), str(k)): v for k, v in d.items()}
    if isinstance(out.get("jmesPath"), list):
        out["jmesPath"] = [_canon(j) for j in out["jmesPath"] if isinstance(j, dict)]
    return out


@lru_cache(maxsize=1024)
def _parsed(text: str) -> Any:
    """YAML ``text`` parsed (``None`` when invalid); cached, as the index and the translator read the same
    text. Callers must not modify the result."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None


def aws_objects(text: Any) -> list[dict[str, Any]] | None:
    """The AWS ``objects`` parameter as a list of descriptors, or ``None`` when unreadable."""
    items = _parsed(text) if isinstance(text, str) else text
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    items = [_canon(i) for i in items]
    return items if all(i.get("objectName") for i in items) else None


def _store_key(kind: str, ns: str | None, name: str) -> str:
    return f"{kind}/{(ns or 'default') if kind == 'SecretStore' else ''}/{name}"


def _logical(svc: str, name: str, path: str = "") -> str:
    return f"{svc}:{name}" + (f"#{path}" if path else "")


def index_secrets(objects: list[K8sObject]) -> dict[str, Any]:
    """JSON-safe index: AWS SecretProviderClasses and their consumers, AWS stores, Key Vault names."""
    classes: dict[str, Any] = {}
    stores: dict[str, Any] = {}
    logical: set[str] = set()
    for o in objects:
        if o.kind not in ("SecretProviderClass", "SecretStore", "ClusterSecretStore"):
            continue
        spec = as_dict(o.obj.get("spec"))
        if o.kind == "SecretProviderClass" and o.group == SPC_GROUP:
            aws = str(spec.get("provider", "")).lower() == "aws"
            classes[f"{o.namespace or 'default'}/{o.name}"] = {"aws": aws, "consumers": [], "file": o.file,
                                                               "line": o.line()}
            for item in (aws_objects((spec.get("parameters") or {}).get("objects")) or []) if aws else []:
                svc, name = aws_secret_id(item["objectName"], item.get("objectType"))
                logical.add(_logical(svc, name))
                logical.update(_logical(svc, name, str(j.get("path", ""))) for j in item.get("jmesPath") or []
                               if isinstance(j, dict))
        elif o.kind in ("SecretStore", "ClusterSecretStore") and o.group == ESO_GROUP:
            aws = (spec.get("provider") or {}).get("aws")
            if isinstance(aws, dict):
                ref = ((aws.get("auth") or {}).get("jwt") or {}).get("serviceAccountRef") or {}
                ns = ref.get("namespace") or (o.namespace or "default" if o.kind == "SecretStore" else None)
                sa = {"namespace": str(ns), "name": str(ref["name"])} if ref.get("name") and ns else None
                stores[_store_key(o.kind, o.namespace, o.name)] = {
                    "service": str(aws.get("service", "SecretsManager")), "region": aws.get("region"),
                    "serviceAccount": sa, "file": o.file, "line": o.line()}
    for o in objects:
        found = pod_template(o.obj)
        spec = as_dict(found[1].get("spec")) if found else {}
        for vol in spec.get("volumes") or []:
            csi = vol.get("csi") if isinstance(vol, dict) else None
            if isinstance(csi, dict) and csi.get("driver") == CSI_DRIVER:
                cls = (csi.get("volumeAttributes") or {}).get("secretProviderClass")
                entry = classes.get(f"{o.namespace or 'default'}/{cls}")
                if entry is not None:
                    entry["consumers"].append({
                        "namespace": o.namespace or "default", "workload": o.ref(), "file": o.file, "line": o.line(),
                        "serviceAccount": str(spec.get("serviceAccountName") or spec.get("serviceAccount")
                                              or "default")})
    for o in objects:
        if o.kind == "ExternalSecret" and o.group == ESO_GROUP:
            store = stores.get(external_secret_store(o))
            if store:
                for key, _ in external_secret_keys(o):
                    logical.add(_logical(*aws_secret_id(key, store_service(store))))
    return {"complete": True, "classes": classes, "stores": stores, "names": _names(logical), "classIdentity": {}}


def _names(logical: set[str]) -> dict[str, str]:
    """Logical secret → Key Vault name, collisions (Key Vault names ignore case) resolved by a hash suffix."""
    out: dict[str, str] = {}
    used: dict[str, str] = {}
    for lg in sorted(logical):
        rest = lg.split(":", 1)[1]
        name, _, path = rest.partition("#")
        kv = kv_secret_name(name) + (f"-{kv_secret_name(path)}" if path else "")
        kv = kv if len(kv) <= 127 else f"{kv[:118].rstrip('-')}-{short_hash(lg)}"
        if kv.lower() in used:
            kv = f"{kv[:118].rstrip('-')}-{short_hash(lg)}"
        used[kv.lower()] = lg
        out[lg] = kv
    return out


def prepare(objects: list[K8sObject], ctx: WorkloadContext) -> None:
    """Index the estate's secrets (keeps the class identities :func:`plan_identities` chose)."""
    old = ctx.indexes.get(INDEX_KEY)
    idx = index_secrets(objects)
    if isinstance(old, dict):
        idx["classIdentity"] = old.get("classIdentity", {})
    ctx.indexes[INDEX_KEY] = idx


def index_of(ctx: WorkloadContext, obj: K8sObject) -> dict[str, Any]:
    """The estate index :func:`prepare` stored, or (a translator called on its own) an index of ``obj`` alone,
    marked ``complete: False``."""
    idx = ctx.indexes.get(INDEX_KEY)
    return idx if isinstance(idx, dict) else {**index_secrets([obj]), "complete": False}


def kv_name_for(idx: dict[str, Any], svc: str, name: str, path: str = "") -> str:
    """The Key Vault secret name of AWS secret ``name`` of service ``svc`` (``secretsmanager``/``ssm``), or of its
    JSON key ``path``: the index's collision-free name, else the name the rule alone gives."""
    lg = _logical(svc, name, path)
    return idx["names"].get(lg) or _names({lg})[lg]


def _jq(path: str) -> str:
    return "." + "".join(f"[{json.dumps(seg)}]" for seg in path.split("."))


def migration_command(vault: str, kv_name: str, service: str, aws_name: str, json_key: str | None = None,
                      region: str | None = None) -> str:
    """Shell (bash) command copying one AWS secret into Key Vault; the value is never printed or in argv."""
    reg = f" --region {quote(region)}" if region and "$" not in region and "{" not in region else ""
    if service == "ssm":
        get = f"aws ssm get-parameter --name {quote(aws_name)} --with-decryption --query Parameter.Value"
    else:
        get = f"aws secretsmanager get-secret-value --secret-id {quote(aws_name)} --query SecretString"
    get += f" --output text{reg}" + (f" | jq -r {quote(_jq(json_key))}" if json_key else "")
    return (f"az keyvault secret set --vault-name {quote(vault)} --name {quote(kv_name)} "
            f"--file <(printf %s \"$({get})\") --output none")


def add_migration(ctx: WorkloadContext, kv_name: str, service: str, aws_name: str, json_key: str | None = None,
                  region: str | None = None) -> None:
    """Add one entry to the migration plan, which stays sorted by Key Vault name (first entry per name wins)."""
    plan = ctx.secrets_migration
    entry: SecretMigration = {"awsName": aws_name, "awsService": service, "jsonKey": json_key, "keyVaultName": kv_name,
             "command": migration_command(ctx.key_vault_name, kv_name, service, aws_name, json_key, region)}
    start = bisect.bisect_left(plan, kv_name.lower(), key=_plan_order)
    end = bisect.bisect_right(plan, kv_name.lower(), lo=start, key=_plan_order)
    if all(plan[i]["keyVaultName"] != kv_name for i in range(start, end)):
        plan.insert(end, entry)


def _plan_order(entry: SecretMigration) -> str:
    return entry["keyVaultName"].lower()


def external_secret_store(obj: K8sObject) -> str:
    """The index key (``Kind/namespace/name``) of the store an ExternalSecret's ``secretStoreRef`` names."""
    ref = (obj.obj.get("spec") or {}).get("secretStoreRef") or {}
    kind = str(ref.get("kind") or "SecretStore")
    return _store_key(kind, obj.namespace, str(ref.get("name", "")))


def external_secret_keys(obj: K8sObject) -> list[tuple[str, tuple]]:
    """``(key, path of the dict holding it)`` for every remote key an ExternalSecret reads."""
    spec = obj.obj.get("spec") or {}
    out: list[tuple[str, tuple]] = [
        (str(d["remoteRef"]["key"]), ("spec", "data", i, "remoteRef")) for i, d in enumerate(spec.get("data") or [])
        if isinstance(d, dict) and isinstance(d.get("remoteRef"), dict) and d["remoteRef"].get("key")]
    for i, d in enumerate(spec.get("dataFrom") or []):
        if isinstance(d, dict) and isinstance(d.get("extract"), dict) and d["extract"].get("key"):
            out.append((str(d["extract"]["key"]), ("spec", "dataFrom", i, "extract")))
        elif isinstance(d, dict) and d.get("key"):  # v1alpha1 shape
            out.append((str(d["key"]), ("spec", "dataFrom", i)))
    return out


def store_service(store: dict[str, Any]) -> str:
    """``ssm`` for a ``ParameterStore`` store of the index, else ``secretsmanager``."""
    return "ssm" if store["service"].lower() == "parameterstore" else "secretsmanager"
