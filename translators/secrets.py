"""Secrets: AWS Secrets Manager / Parameter Store → Azure Key Vault (pure: never imports Pulumi).

Translators (contract in :mod:`translators.k8s`), in :data:`SECRETS_TRANSLATORS`:

* ``SecretProviderClass`` (``secrets-store.csi.x-k8s.io/v1`` or ``v1alpha1``) with ``provider: aws``
  → ``provider: azure`` reading the stack's Key Vault with the workload identity of the pods that
  mount it (``clientID``; cluster request ``keyVaultSecretsProvider``), objects renamed to Key
  Vault's rule (``^[0-9a-zA-Z-]{1,127}$``) with ``objectAlias`` = the file name the AWS provider
  wrote, so mount paths and ``secretObjects`` stay; ``ssmparameter`` objects and each ``jmesPath``
  key become Key Vault secrets too.
* External Secrets ``SecretStore`` / ``ClusterSecretStore`` with ``spec.provider.aws`` →
  ``spec.provider.azurekv`` (``authType: WorkloadIdentity``, ``vaultUrl``, ``serviceAccountRef``);
  ``ExternalSecret`` keys of such stores renamed the same way.
* ``Secret``: passthrough (the Pulumi layer deploys ``data``/``stringData`` as Pulumi secrets, see
  :func:`is_secret_manifest`) with a finding naming the Secret and its key names, never values.

Every AWS secret read gets an entry in ``ctx.options["secretsMigration"]``: ``{awsName, awsService,
jsonKey, keyVaultName, command}`` where ``command`` copies the value without printing it.
:func:`index_secrets` (run by :func:`prepare` and by :func:`translators.identity.plan_identities`)
finds which ServiceAccounts mount each class and gives every AWS secret one collision-free Key
Vault name, in ``ctx.options["secretsIndex"]``.
"""
from __future__ import annotations

import base64
import bisect
import json
import re
import shlex
from functools import lru_cache
from typing import Any

import yaml

from .appconfig import match_name, scan_value
from .findings import Findings
from .iam_policy import arn_service
from .identity import client_id_placeholder
from .k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from .naming import short_hash
from .podspec import pod_template
from .yamlsource import clone

INDEX_KEY = "secretsIndex"
CLUSTER_REQUEST = "keyVaultSecretsProvider"  # the AKS azure-keyvault-secrets-provider add-on
MIGRATION_KEY = "secretsMigration"
CSI_DRIVER = "secrets-store.csi.k8s.io"
SPC_GROUP = "secrets-store.csi.x-k8s.io"
ESO_GROUP = "external-secrets.io"
KV_SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")
_SM_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
_DROPPED_OBJECT_KEYS = ("objectVersion", "objectVersionLabel", "failoverObject", "objectTemplate")
_QUIET_PARAMS = ("objects", "region", "usePodIdentity")


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


def is_secret_manifest(manifest: dict[str, Any]) -> bool:
    """A core ``v1`` Secret: the Pulumi layer must wrap its ``data``/``stringData`` as Pulumi secrets."""
    return manifest.get("kind") == "Secret" and manifest.get("apiVersion") == "v1"


_FIELDS = {k.lower(): k for k in ("objectName", "objectType", "objectAlias", "jmesPath", "path") + _DROPPED_OBJECT_KEYS}


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


def _objects(text: Any) -> list[dict[str, Any]] | None:
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
        spec = o.obj.get("spec") if isinstance(o.obj.get("spec"), dict) else {}
        if o.kind == "SecretProviderClass" and o.group == SPC_GROUP:
            aws = str(spec.get("provider", "")).lower() == "aws"
            classes[f"{o.namespace or 'default'}/{o.name}"] = {"aws": aws, "consumers": [], "file": o.file,
                                                               "line": o.line()}
            for item in (_objects((spec.get("parameters") or {}).get("objects")) or []) if aws else []:
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
        spec = found[1].get("spec") if found else None
        for vol in (spec.get("volumes") or []) if isinstance(spec, dict) else []:
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
            store = stores.get(_es_store(o))
            for key, _ in _es_keys(o) if store else []:
                logical.add(_logical(*aws_secret_id(key, _store_type(store))))
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
    old = ctx.options.get(INDEX_KEY)
    idx = index_secrets(objects)
    if isinstance(old, dict):
        idx["classIdentity"] = old.get("classIdentity", {})
    ctx.options[INDEX_KEY] = idx


def _index(ctx: WorkloadContext, obj: K8sObject) -> dict[str, Any]:
    idx = ctx.options.get(INDEX_KEY)
    return idx if isinstance(idx, dict) else {**index_secrets([obj]), "complete": False}


def _kv_name(idx: dict[str, Any], svc: str, name: str, path: str = "") -> str:
    lg = _logical(svc, name, path)
    return idx["names"].get(lg) or _names({lg})[lg]


def _jq(path: str) -> str:
    return "." + "".join(f"[{json.dumps(seg)}]" for seg in path.split("."))


def migration_command(vault: str, kv_name: str, service: str, aws_name: str, json_key: str | None = None,
                      region: str | None = None) -> str:
    """Shell (bash) command copying one AWS secret into Key Vault; the value is never printed or in argv."""
    reg = f" --region {shlex.quote(region)}" if region and "$" not in region and "{" not in region else ""
    if service == "ssm":
        get = f"aws ssm get-parameter --name {shlex.quote(aws_name)} --with-decryption --query Parameter.Value"
    else:
        get = f"aws secretsmanager get-secret-value --secret-id {shlex.quote(aws_name)} --query SecretString"
    get += f" --output text{reg}" + (f" | jq -r {shlex.quote(_jq(json_key))}" if json_key else "")
    return (f"az keyvault secret set --vault-name {shlex.quote(vault)} --name {shlex.quote(kv_name)} "
            f"--file <(printf %s \"$({get})\") --output none")


def _migrate(ctx: WorkloadContext, kv_name: str, service: str, aws_name: str, json_key: str | None = None,
             region: str | None = None) -> None:
    """Add one entry to the migration plan, which stays sorted by Key Vault name (first entry per name wins)."""
    plan = ctx.options.setdefault(MIGRATION_KEY, [])
    entry = {"awsName": aws_name, "awsService": service, "jsonKey": json_key, "keyVaultName": kv_name,
             "command": migration_command(ctx.key_vault_name, kv_name, service, aws_name, json_key, region)}
    start = bisect.bisect_left(plan, kv_name.lower(), key=_plan_order)
    end = bisect.bisect_right(plan, kv_name.lower(), lo=start, key=_plan_order)
    if all(plan[i]["keyVaultName"] != kv_name for i in range(start, end)):
        plan.insert(end, entry)


def _plan_order(entry: dict[str, Any]) -> str:
    return entry["keyVaultName"].lower()


def _file_name(name: str, translate: Any) -> str:
    """The file the AWS provider writes for an object (``pathTranslation``: ``_`` by default, or ``False``)."""
    t = "_" if translate in (None, "") else str(translate)
    return name.lstrip("/") if t.lower() == "false" else name.replace("/", t)


def _array(items: list[dict[str, str]]) -> str:
    """The Azure provider's ``objects`` parameter: each descriptor as a YAML document in a literal block."""
    lines = ["array:"]
    for item in items:
        lines.append("  - |")
        lines += ["    " + ln for ln in _yaml_lines(item)]
    return "\n".join(lines) + "\n" if items else "array: []\n"


_PLAIN_SCALAR = re.compile(r"[0-9A-Za-z_/][0-9A-Za-z_./-]*")
_RESOLVER = yaml.resolver.Resolver()


def _yaml_lines(item: dict[str, str]) -> list[str]:
    """``yaml.safe_dump(item, sort_keys=False, width=4096).splitlines()``, without the dumper when every key
    and value is a string PyYAML writes plain (no indicator characters, and read back as a string)."""
    if all(_plain(k) and _plain(v) for k, v in item.items()):
        return [f"{k}: {v}" for k, v in item.items()]
    return yaml.safe_dump(item, sort_keys=False, width=4096).splitlines()


def _plain(value: Any) -> bool:
    return (isinstance(value, str) and _PLAIN_SCALAR.fullmatch(value) is not None
            and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str")


def _class_identity(idx: dict[str, Any], cls: str, ctx: WorkloadContext) -> str | None:
    if cls in idx.get("classIdentity", {}):
        return idx["classIdentity"][cls]
    info = idx["classes"].get(cls) or {}
    names = {ctx.service_account_identities.get((c["namespace"], c["serviceAccount"]))
             for c in info.get("consumers", [])}
    return names.pop() if len(names) == 1 and None not in names else None


@handles("SecretProviderClass")
def translate_secret_provider_class(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """SecretProviderClass of the AWS provider → the Azure Key Vault provider (see module docstring)."""
    spec = obj.obj.get("spec") if isinstance(obj.obj.get("spec"), dict) else {}
    if obj.kind != "SecretProviderClass" or obj.group != SPC_GROUP or str(spec.get("provider", "")).lower() != "aws":
        return None
    idx, findings, cls = _index(ctx, obj), Findings(), f"{obj.namespace or 'default'}/{obj.name}"
    params = spec.get("parameters") if isinstance(spec.get("parameters"), dict) else {}
    region = params.get("region")
    items = _objects(params.get("objects"))
    if items is None:
        add_finding(findings, "SEC-013", f"{obj.ref()}: parameters.objects is not a readable list of objects; "
                    "no secret is mounted", obj, "spec", "parameters", "objects")
    out: list[dict[str, str]] = []
    renamed, jmes, ssm = [], [], []
    for item in items or []:
        at = ("spec", "parameters", "objects")
        svc, name = aws_secret_id(item["objectName"], item.get("objectType"))
        kv = _kv_name(idx, svc, name)
        alias = _file_name(str(item.get("objectAlias") or item["objectName"]), params.get("pathTranslation"))
        out.append({"objectName": kv, "objectType": "secret", "objectAlias": alias})
        _migrate(ctx, kv, svc, str(item["objectName"]), None, region)
        if kv != name:
            renamed.append(f"{name} → {kv}")
        if svc == "ssm":
            ssm.append(name)
        dropped = [k for k in _DROPPED_OBJECT_KEYS if item.get(k)]
        if dropped:
            add_finding(findings, "SEC-013", f"{obj.ref()} object {name}: {', '.join(dropped)} not translated",
                        obj, *at)
        for j in item.get("jmesPath") or []:
            if isinstance(j, dict) and j.get("path") and j.get("objectAlias"):
                kvj = _kv_name(idx, svc, name, str(j["path"]))
                out.append({"objectName": kvj, "objectType": "secret",
                            "objectAlias": _file_name(str(j["objectAlias"]), params.get("pathTranslation"))})
                _migrate(ctx, kvj, svc, str(item["objectName"]), str(j["path"]), region)
                jmes.append(f"{name}:{j['path']} → {kvj}")
    if renamed:
        add_finding(findings, "SEC-005", f"{obj.ref()}: Key Vault names {'; '.join(renamed)}", obj,
                    "spec", "parameters", "objects")
    if ssm:
        add_finding(findings, "SEC-003", f"{obj.ref()}: Parameter Store parameters {', '.join(ssm)} become Key "
                    "Vault secrets", obj, "spec", "parameters", "objects")
    if jmes:
        add_finding(findings, "SEC-004", f"{obj.ref()}: JSON keys become Key Vault secrets: {'; '.join(jmes)}",
                    obj, "spec", "parameters", "objects")
    other = sorted(str(k) for k in params if k not in _QUIET_PARAMS
                   and not (k == "pathTranslation" and str(params[k]) == "_"))
    if other:
        add_finding(findings, "SEC-013", f"{obj.ref()}: parameters {', '.join(other)} not translated", obj,
                    "spec", "parameters", other[0])
    ident = _class_identity(idx, cls, ctx)
    if ident is None:
        add_finding(findings, "SEC-002", f"{obj.ref()}: no pod in the input mounts it (or its pods have no "
                    "workload identity); clientID left empty", obj, "spec", "provider")
    else:
        add_finding(findings, "SEC-001", f"{obj.ref()}: reads Key Vault {ctx.key_vault_name} as workload identity "
                    f"{ident} ({len(out)} objects)", obj, "spec", "provider")
    ctx.cluster_requests.add(CLUSTER_REQUEST)
    new_spec: dict[str, Any] = {"provider": "azure", "parameters": {
        "usePodIdentity": "false", "useVMManagedIdentity": "false",
        "clientID": client_id_placeholder(ident) if ident else "", "keyvaultName": ctx.key_vault_name,
        "tenantId": ctx.tenant_id, "objects": _array(out)}}
    new_spec.update({k: clone(v) for k, v in spec.items() if k not in ("provider", "parameters")})
    new = {"apiVersion": f"{SPC_GROUP}/v1", "kind": "SecretProviderClass", "metadata": clone(obj.obj["metadata"]),
           "spec": new_spec}
    return Translation("translated", [new], findings)


@handles("SecretStore", "ClusterSecretStore")
def translate_secret_store(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """External Secrets store of the AWS provider → ``azurekv`` with workload identity."""
    spec = obj.obj.get("spec") if isinstance(obj.obj.get("spec"), dict) else {}
    aws = (spec.get("provider") or {}).get("aws") if isinstance(spec.get("provider"), dict) else None
    if obj.kind not in ("SecretStore", "ClusterSecretStore") or obj.group != ESO_GROUP or not isinstance(aws, dict):
        return None
    findings = Findings()
    ref = ((aws.get("auth") or {}).get("jwt") or {}).get("serviceAccountRef") or {}
    azurekv: dict[str, Any] = {"authType": "WorkloadIdentity",
                               "vaultUrl": f"https://{ctx.key_vault_name}.vault.azure.net"}
    if ref.get("name"):
        azurekv["serviceAccountRef"] = {k: ref[k] for k in ("name", "namespace", "audiences") if ref.get(k)}
        how = f"ServiceAccount {ref['name']}"
    else:
        how = "the operator's own ServiceAccount"
        kind = "static keys (auth.secretRef)" if (aws.get("auth") or {}).get("secretRef") else "the operator's role"
        add_finding(findings, "SEC-008", f"{obj.ref()} authenticated with {kind}; azurekv uses {how}", obj,
                    "spec", "provider", "aws")
    add_finding(findings, "SEC-007", f"{obj.ref()}: {aws.get('service', 'SecretsManager')} → Key Vault "
                f"{ctx.key_vault_name} with workload identity ({how})", obj, "spec", "provider")
    new = obj.copy()
    new["apiVersion"] = ESO_API_VERSION  # v1beta1 is no longer served by current External Secrets releases
    new["spec"]["provider"] = {"azurekv": azurekv}
    return Translation("translated", [new], findings)


ESO_API_VERSION = "external-secrets.io/v1"  # v1beta1 fields are unchanged in v1; upstream CRDs serve only v1


def _es_store(obj: K8sObject) -> str:
    ref = (obj.obj.get("spec") or {}).get("secretStoreRef") or {}
    kind = str(ref.get("kind") or "SecretStore")
    return _store_key(kind, obj.namespace, str(ref.get("name", "")))


def _es_keys(obj: K8sObject) -> list[tuple[str, tuple]]:
    """``(key, path of the dict holding it)`` for every remote key an ExternalSecret reads."""
    spec = obj.obj.get("spec") or {}
    out = [(str(d["remoteRef"]["key"]), ("spec", "data", i, "remoteRef")) for i, d in enumerate(spec.get("data") or [])
           if isinstance(d, dict) and isinstance(d.get("remoteRef"), dict) and d["remoteRef"].get("key")]
    for i, d in enumerate(spec.get("dataFrom") or []):
        if isinstance(d, dict) and isinstance(d.get("extract"), dict) and d["extract"].get("key"):
            out.append((str(d["extract"]["key"]), ("spec", "dataFrom", i, "extract")))
        elif isinstance(d, dict) and d.get("key"):  # v1alpha1 shape
            out.append((str(d["key"]), ("spec", "dataFrom", i)))
    return out


def _store_type(store: dict[str, Any]) -> str:
    return "ssm" if store["service"].lower() == "parameterstore" else "secretsmanager"


@handles("ExternalSecret")
def translate_external_secret(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """ExternalSecret of an AWS store: remote keys renamed to their Key Vault names."""
    if obj.kind != "ExternalSecret" or obj.group != ESO_GROUP:
        return None
    idx = _index(ctx, obj)
    store = idx["stores"].get(_es_store(obj))
    if store is None:
        return None
    findings, new, renamed = Findings(), obj.copy(), []
    new["apiVersion"] = ESO_API_VERSION
    for key, path in _es_keys(obj):
        svc, name = aws_secret_id(key, _store_type(store))
        kv = _kv_name(idx, svc, name)
        holder = new
        for p in path:
            holder = holder[p]
        holder["key"] = kv
        _migrate(ctx, kv, svc, key, None, store.get("region"))
        if kv != key:
            renamed.append(f"{key} → {kv}")
        if holder.get("version"):
            add_finding(findings, "SEC-014", f"{obj.ref()}: version {holder.pop('version')!r} of {key} dropped "
                        "(AWS version ids and stages do not exist in Key Vault)", obj, *path, "version")
    for i, d in enumerate((obj.obj.get("spec") or {}).get("dataFrom") or []):
        if isinstance(d, dict) and d.get("find"):
            add_finding(findings, "SEC-014", f"{obj.ref()}: dataFrom[{i}].find matches AWS names or tags; check it "
                        "against the Key Vault names", obj, "spec", "dataFrom", i, "find")
    if renamed:
        add_finding(findings, "SEC-005", f"{obj.ref()}: Key Vault names {'; '.join(dict.fromkeys(renamed))}", obj,
                    "spec")
    return Translation("translated", [new], findings)


def _decoded(value: Any, b64: bool) -> str:
    if not b64:
        return str(value)
    try:
        return base64.b64decode(str(value), validate=False).decode("utf-8", "replace")
    except (ValueError, TypeError):
        return ""


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@handles("Secret")
def translate_secret(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Kubernetes Secret → passthrough (a Pulumi secret) with findings that name keys, never values.

    A ``kubectl.kubernetes.io/last-applied-configuration`` annotation (``kubectl get -o yaml``
    exports have it) repeats the values in plain metadata: it is dropped (outcome ``translated``).
    """
    if not is_secret_manifest(obj.obj):
        return None
    annotations = obj.metadata.get("annotations")
    stripped = isinstance(annotations, dict) and annotations.get(LAST_APPLIED) is not None
    new = obj.obj
    if stripped:
        new, md = obj.edit("metadata")
        kept = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
        if kept:
            md["annotations"] = kept
        else:
            del md["annotations"]
    outcome = "translated" if stripped else "passthrough"
    values: dict[str, str] = {}
    for field_, b64 in (("data", True), ("stringData", False)):
        block = obj.obj.get(field_)
        for k, v in (block.items() if isinstance(block, dict) else []):
            values[str(k)] = _decoded(v, b64)
    findings = Findings()
    keys = sorted(values)
    add_finding(findings, "SEC-009", f"{obj.ref()} (keys: {', '.join(keys) or 'none'}): values are in the manifests; "
                f"move them to Key Vault {ctx.key_vault_name}" + ("; its last-applied-configuration annotation (a "
                                                                  "plain copy of the values) is dropped" if stripped
                                                                  else ""), obj)
    stype = str(obj.obj.get("type", ""))
    if stype in ("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"):
        if any(".dkr.ecr." in v for v in values.values()):
            add_finding(findings, "SEC-010", f"{obj.ref()} is an Amazon ECR pull secret", obj)
        return Translation(outcome, [new], findings)
    creds = [k for k in keys if (p := match_name(k)) is not None and p.rule == "APP-001"]
    if creds:
        add_finding(findings, "SEC-011", f"{obj.ref()} keys {', '.join(creds)} hold AWS credentials", obj)
    for k in keys:
        if k in creds:
            continue
        services = sorted({p.aws for p, _ in scan_value(values[k], cache=False)})  # never cache a secret
        if services:
            add_finding(findings, "SEC-012", f"{obj.ref()} key {k} names {', '.join(services)}", obj)
    return Translation(outcome, [new], findings)


SECRETS_TRANSLATORS: list[Translator] = [translate_secret_provider_class, translate_secret_store,
                                         translate_external_secret, translate_secret]
