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

Every AWS secret read gets a Key Vault name from the estate index and an entry in the migration plan
(``ctx.secrets_migration``), both kept by :mod:`translators.secrets.index`.
"""
from __future__ import annotations

import base64
import re
from typing import Any

import yaml

from translators.appconfig.translate import match_name, scan_value
from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from translators.plan import Placeholder
from translators.secrets.index import (DROPPED_OBJECT_KEYS, ESO_GROUP, SPC_GROUP, add_migration, aws_objects, aws_secret_id,
                            external_secret_keys, external_secret_store, index_of, kv_name_for, store_service)
from translators.secrets.index import prepare  # the chain indexes the estate through each translator module's ``prepare``
from translators.input.yamlsource import clone
from translators.shapes import as_dict

__all__ = ["CLUSTER_REQUEST", "SECRETS_TRANSLATORS", "is_secret_manifest", "prepare", "translate_external_secret",
           "translate_secret", "translate_secret_provider_class", "translate_secret_store"]

CLUSTER_REQUEST = "keyVaultSecretsProvider"  # the AKS azure-keyvault-secrets-provider add-on
_QUIET_PARAMS = ("objects", "region", "usePodIdentity")


SECRET_FIELDS = ("apiVersion", "kind", "metadata", "type", "immutable")  # every other field of a Secret is a value


def secret_value_fields(manifest: dict[str, Any]) -> list[str]:
    """Top-level fields of a v1 Secret that hold values: ``data``, ``stringData`` and any field that is not a
    Secret field (``binaryData``, typos): all are deployed as Pulumi secrets and emptied in ``--out``."""
    return [str(k) for k in manifest if k not in SECRET_FIELDS]


def is_secret_manifest(manifest: dict[str, Any]) -> bool:
    """A core ``v1`` Secret: the Pulumi layer must wrap its ``data``/``stringData`` as Pulumi secrets."""
    return manifest.get("kind") == "Secret" and manifest.get("apiVersion") == "v1"


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
    spec = as_dict(obj.obj.get("spec"))
    if obj.kind != "SecretProviderClass" or obj.group != SPC_GROUP or str(spec.get("provider", "")).lower() != "aws":
        return None
    idx, findings, cls = index_of(ctx, obj), Findings(), f"{obj.namespace or 'default'}/{obj.name}"
    params = as_dict(spec.get("parameters"))
    region = params.get("region")
    items = aws_objects(params.get("objects"))
    if items is None:
        add_finding(findings, "SEC-013", f"{obj.ref()}: parameters.objects is not a readable list of objects; "
                    "no secret is mounted", obj, "spec", "parameters", "objects")
    out: list[dict[str, str]] = []
    renamed, jmes, ssm = [], [], []
    for item in items or []:
        at = ("spec", "parameters", "objects")
        svc, name = aws_secret_id(item["objectName"], item.get("objectType"))
        kv = kv_name_for(idx, svc, name)
        alias = _file_name(str(item.get("objectAlias") or item["objectName"]), params.get("pathTranslation"))
        out.append({"objectName": kv, "objectType": "secret", "objectAlias": alias})
        add_migration(ctx, kv, svc, str(item["objectName"]), None, region)
        if kv != name:
            renamed.append(f"{name} → {kv}")
        if svc == "ssm":
            ssm.append(name)
        dropped = [k for k in DROPPED_OBJECT_KEYS if item.get(k)]
        if dropped:
            add_finding(findings, "SEC-013", f"{obj.ref()} object {name}: {', '.join(dropped)} not translated",
                        obj, *at)
        for j in item.get("jmesPath") or []:
            if isinstance(j, dict) and j.get("path") and j.get("objectAlias"):
                kvj = kv_name_for(idx, svc, name, str(j["path"]))
                out.append({"objectName": kvj, "objectType": "secret",
                            "objectAlias": _file_name(str(j["objectAlias"]), params.get("pathTranslation"))})
                add_migration(ctx, kvj, svc, str(item["objectName"]), str(j["path"]), region)
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
        "clientID": Placeholder.client_id(ident) if ident else "", "keyvaultName": ctx.key_vault_name,
        "tenantId": ctx.tenant_id, "objects": _array(out)}}
    new_spec.update({k: clone(v) for k, v in spec.items() if k not in ("provider", "parameters")})
    new = {"apiVersion": f"{SPC_GROUP}/v1", "kind": "SecretProviderClass", "metadata": clone(obj.obj["metadata"]),
           "spec": new_spec}
    return Translation("translated", [new], findings)


@handles("SecretStore", "ClusterSecretStore")
def translate_secret_store(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """External Secrets store of the AWS provider → ``azurekv`` with workload identity."""
    spec = as_dict(obj.obj.get("spec"))
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




@handles("ExternalSecret")
def translate_external_secret(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """ExternalSecret of an AWS store: remote keys renamed to their Key Vault names."""
    if obj.kind != "ExternalSecret" or obj.group != ESO_GROUP:
        return None
    idx = index_of(ctx, obj)
    store = idx["stores"].get(external_secret_store(obj))
    if store is None:
        return None
    findings, new, renamed = Findings(), obj.copy(), []
    new["apiVersion"] = ESO_API_VERSION
    for key, path in external_secret_keys(obj):
        svc, name = aws_secret_id(key, store_service(store))
        kv = kv_name_for(idx, svc, name)
        holder = new
        for p in path:
            holder = holder[p]
        holder["key"] = kv
        add_migration(ctx, kv, svc, key, None, store.get("region"))
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
    annotations = as_dict(obj.metadata.get("annotations"))
    stripped = annotations.get(LAST_APPLIED) is not None
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
    odd = [k for k in secret_value_fields(obj.obj) if k not in ("data", "stringData")]
    if odd:
        verb = "is not a Secret field" if len(odd) == 1 else "are not Secret fields"
        add_finding(findings, "SEC-020", f"{obj.ref()}: {', '.join(odd)} {verb}; the values are treated as secret",
                    obj, odd[0])
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
        services = sorted({p.aws for p, _ in scan_value(values[k])})
        if services:
            add_finding(findings, "SEC-012", f"{obj.ref()} key {k} names {', '.join(services)}", obj)
    return Translation(outcome, [new], findings)


SECRETS_TRANSLATORS: list[Translator] = [translate_secret_provider_class, translate_secret_store,
                                         translate_external_secret, translate_secret]
