"""Secrets: AWS Secrets Manager / Parameter Store → Azure Key Vault (translators/secrets/translate.py)."""
from __future__ import annotations

import base64
import csv
import json
import re
from pathlib import Path

import pytest
from builders_secrets import KV, spc
from helpers import load, first_result
import yaml

from translators.findings import Findings, catalogue
from translators.identity.translate import plan_identities
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.input.manifests import load_manifests
from translators.refdata import DATA
from translators.secrets.translate import SECRETS_TRANSLATORS, is_secret_manifest, prepare
from translators.secrets.index import INDEX_KEY, KV_SECRET_NAME
from translators.secrets.plain import PLAIN_SECRET_TRANSLATORS

from conftest import CORPUS  # noqa: E402


def translate(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    return first_result([*SECRETS_TRANSLATORS, *PLAIN_SECRET_TRANSLATORS], obj, ctx)


def run(text: str, ctx: WorkloadContext | None = None):
    """Plan identities, prepare, translate; returns ``(ctx, plan findings + translator findings, {ref: result})``."""
    ctx = ctx or WorkloadContext(key_vault_name=KV)
    objs = load(text)
    findings = Findings()
    plan_identities(None, objs, ctx, findings)
    prepare(objs, ctx)
    results = {}
    for o in objs:
        res = translate(o, ctx)
        if res is not None:
            results[o.ref()] = res
            findings += res.findings
    return ctx, findings, results


def mount(sa: str, cls: str = "app", name: str | None = None, role: str | None = None) -> str:
    out = ""
    if role:
        out += (f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {sa}\n  namespace: shop\n  annotations:\n"
                f"    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/{role}\n---\n")
    return out + (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name or sa}, namespace: shop}}\n"
                  f"spec:\n  template:\n    spec:\n      serviceAccountName: {sa}\n      containers: [{{name: c}}]\n"
                  f"      volumes:\n        - name: s\n          csi:\n            driver: secrets-store.csi.k8s.io\n"
                  f"            volumeAttributes: {{secretProviderClass: {cls}}}\n---\n")


SIMPLE = '- objectName: "prod/db/password"\n  objectType: "secretsmanager"\n'


def azure_objects(res: Translation) -> list[dict]:
    return [yaml.safe_load(x) for x in yaml.safe_load(res.objects[0]["spec"]["parameters"]["objects"])["array"]]


# --- SecretProviderClass ---------------------------------------------------------------------------

def test_secret_provider_class_translated():
    objects = """\
        - objectName: "prod/db/password"
          objectType: "secretsmanager"
        - objectName: "arn:aws:secretsmanager:us-east-1:1:secret:prod/api-key-AbC123"
          objectAlias: "api-key"
        - objectName: "/app/feature-flag"
          objectType: "ssmparameter"
          objectAlias: "flag"
        - objectName: "prod/gateway"
          objectType: "secretsmanager"
          objectAlias: "gateway.json"
          jmesPath:
            - path: "merchant.id"
              objectAlias: "merchant-id"
            - path: api_key
              objectAlias: apikey
        """
    text = spc(objects, extra_params="region: us-east-1\n") + mount("api", role="api-role")
    text += ("apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: shop}\ntype: Opaque\n"
             "data: {k: dmFsdWU=}\n")
    ctx, findings, results = run(text)
    res = results["SecretProviderClass/shop/app"]
    assert res.outcome == "translated"
    new = res.objects[0]
    assert new["apiVersion"] == "secrets-store.csi.x-k8s.io/v1" and new["metadata"] == {"name": "app",
                                                                                       "namespace": "shop"}
    p = new["spec"]["parameters"]
    assert p == {"usePodIdentity": "false", "useVMManagedIdentity": "false",
                 "clientID": "${IDENTITY_CLIENT_ID:id-api-role}", "keyvaultName": KV, "tenantId": "${AZURE_TENANT_ID}",
                 "objects": p["objects"]}
    assert p["objects"].startswith("array:\n  - |\n    objectName: prod-db-password\n    objectType: secret\n")
    assert azure_objects(res) == [
        {"objectName": "prod-db-password", "objectType": "secret", "objectAlias": "prod_db_password"},
        {"objectName": "prod-api-key", "objectType": "secret", "objectAlias": "api-key"},
        {"objectName": "app-feature-flag", "objectType": "secret", "objectAlias": "flag"},
        {"objectName": "prod-gateway", "objectType": "secret", "objectAlias": "gateway.json"},
        {"objectName": "prod-gateway-merchant-id", "objectType": "secret", "objectAlias": "merchant-id"},
        {"objectName": "prod-gateway-api-key", "objectType": "secret", "objectAlias": "apikey"}]
    assert all(KV_SECRET_NAME.match(o["objectName"]) for o in azure_objects(res))
    assert sorted(f.rule_id for f in res.findings) == ["SEC-001", "SEC-003", "SEC-004", "SEC-005"]
    sec4 = next(f for f in res.findings if f.rule_id == "SEC-004")
    assert "prod/gateway:merchant.id → prod-gateway-merchant-id" in sec4.message
    mig = {m["keyVaultName"]: m for m in ctx.secrets_migration}
    assert sorted(mig) == ["app-feature-flag", "prod-api-key", "prod-db-password", "prod-gateway",
                           "prod-gateway-api-key", "prod-gateway-merchant-id"]
    assert mig["prod-gateway-merchant-id"]["command"] == (
        f"az keyvault secret set --vault-name {KV} --name prod-gateway-merchant-id --file <(printf %s \"$(aws "
        "secretsmanager get-secret-value --secret-id prod/gateway --query SecretString --output text --region "
        "us-east-1 | jq -r '.[\"merchant\"][\"id\"]')\") --output none")
    assert "aws ssm get-parameter --name /app/feature-flag --with-decryption" in mig["app-feature-flag"]["command"]
    assert mig["prod-api-key"]["awsName"] == "arn:aws:secretsmanager:us-east-1:1:secret:prod/api-key-AbC123"
    # the identity reading the vault got Key Vault Secrets User (checked through the plan in test_identity)
    assert ctx.indexes[INDEX_KEY]["classIdentity"] == {"shop/app": "id-api-role"}


def test_v1alpha1_and_path_translation():
    text = spc(SIMPLE, api="v1alpha1", extra_params='pathTranslation: "False"\n')
    _, _, results = run(text)
    res = results["SecretProviderClass/shop/app"]
    assert res.objects[0]["apiVersion"] == "secrets-store.csi.x-k8s.io/v1"
    assert azure_objects(res)[0]["objectAlias"] == "prod/db/password"
    assert res.objects[0]["spec"]["parameters"]["clientID"] == ""
    assert sorted(f.rule_id for f in res.findings) == ["SEC-002", "SEC-005", "SEC-013"]


def test_other_providers_are_not_our_concern():
    text = ("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: a}\n"
            "spec: {provider: azure, parameters: {keyvaultName: kv}}\n")
    assert run(text)[2] == {}


def test_class_shared_by_two_identities_gets_its_own():
    text = spc(SIMPLE) + mount("api", role="role-a") + mount("worker", role="role-b")
    ctx, findings, results = run(text)
    assert results["SecretProviderClass/shop/app"].objects[0]["spec"]["parameters"]["clientID"] == \
        "${IDENTITY_CLIENT_ID:id-spc-shop-app}"
    assert "SEC-006" in [f.rule_id for f in findings]


def test_unreadable_objects():
    text = ("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: app}\n"
            "spec: {provider: aws, parameters: {objects: '{{ .Values.objects }}'}}\n")
    _, _, results = run(text)
    res = results["SecretProviderClass/app"]
    assert res.objects[0]["spec"]["parameters"]["objects"] == "array: []\n"
    assert [f.rule_id for f in res.findings] == ["SEC-013", "SEC-002"]


# --- External Secrets ------------------------------------------------------------------------------

ESO = """\
apiVersion: external-secrets.io/v1beta1
kind: SecretStore
metadata: {name: aws, namespace: shop}
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
      auth:
        jwt:
          serviceAccountRef: {name: eso-reader}
---
apiVersion: external-secrets.io/v1beta1
kind: ClusterSecretStore
metadata: {name: params}
spec:
  provider:
    aws:
      service: ParameterStore
      region: eu-west-1
      auth:
        secretRef:
          accessKeyIDSecretRef: {name: awssm-secret, key: access-key}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: db, namespace: shop}
spec:
  secretStoreRef: {name: aws, kind: SecretStore}
  data:
    - secretKey: password
      remoteRef: {key: prod/db, property: password, version: AWSCURRENT}
  dataFrom:
    - extract: {key: prod/db_extra}
    - find: {name: {regexp: "^prod/"}}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: flags, namespace: shop}
spec:
  secretStoreRef: {name: params, kind: ClusterSecretStore}
  data:
    - secretKey: flag
      remoteRef: {key: /app/flag}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: vault, namespace: shop}
spec:
  secretStoreRef: {name: hashicorp}
  data: [{secretKey: a, remoteRef: {key: b}}]
"""


def test_external_secrets():
    ctx, findings, results = run(ESO)
    store = results["SecretStore/shop/aws"].objects[0]
    assert store["spec"]["provider"] == {"azurekv": {"authType": "WorkloadIdentity",
                                                     "vaultUrl": f"https://{KV}.vault.azure.net",
                                                     "serviceAccountRef": {"name": "eso-reader"}}}
    cluster = results["ClusterSecretStore/params"]
    assert "serviceAccountRef" not in cluster.objects[0]["spec"]["provider"]["azurekv"]
    assert sorted(f.rule_id for f in cluster.findings) == ["SEC-007", "SEC-008"]
    es = results["ExternalSecret/shop/db"]
    # v1beta1 input, v1 output: current External Secrets releases serve only v1
    assert {store["apiVersion"], cluster.objects[0]["apiVersion"], es.objects[0]["apiVersion"]} == \
        {"external-secrets.io/v1"}
    spec = es.objects[0]["spec"]
    assert spec["data"][0]["remoteRef"] == {"key": "prod-db", "property": "password"}
    assert spec["dataFrom"][0]["extract"] == {"key": "prod-db-extra"}
    assert sorted(f.rule_id for f in es.findings) == ["SEC-005", "SEC-014", "SEC-014"]
    flags = results["ExternalSecret/shop/flags"].objects[0]["spec"]["data"][0]["remoteRef"]
    assert flags == {"key": "app-flag"}
    assert "ExternalSecret/shop/vault" not in results
    mig = {m["keyVaultName"]: m for m in ctx.secrets_migration}
    assert mig["app-flag"]["awsService"] == "ssm" and "--region eu-west-1" in mig["prod-db"]["command"]
    # the store's ServiceAccount gets a workload identity with Key Vault Secrets User (SEC-015)
    assert ctx.service_account_identities[("shop", "eso-reader")] == "id-shop-eso-reader"
    assert "SEC-015" in [f.rule_id for f in findings]


# --- Kubernetes Secrets ----------------------------------------------------------------------------

PLANTED = "Pl4nted-value-d41d8c"


@pytest.mark.parametrize("body,rules", [
    ({"type": "Opaque", "stringData": {"password": PLANTED}}, ["SEC-009"]),
    ({"type": "Opaque", "data": {"AWS_ACCESS_KEY_ID": base64.b64encode(b"AKIA" + PLANTED.encode()).decode(),
                                 "AWS_SECRET_ACCESS_KEY": base64.b64encode(PLANTED.encode()).decode()}},
     ["SEC-009", "SEC-011"]),
    ({"stringData": {"url": f"postgres://u:{PLANTED}@db.abc.eu-west-1.rds.amazonaws.com:5432/x"}},
     ["SEC-009", "SEC-012"]),
    ({"type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": json.dumps(
        {"auths": {"1.dkr.ecr.us-east-1.amazonaws.com": {"password": PLANTED}}})}}, ["SEC-009", "SEC-010"]),
    ({"data": {"bad": "***not base64***"}}, ["SEC-009"]),
])
def test_kubernetes_secrets(body, rules):
    doc = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "shop"}, **body}
    (obj,) = load(yaml.safe_dump(doc))
    res = translate(obj, WorkloadContext(key_vault_name=KV))
    assert res.outcome == "passthrough" and res.objects == [obj.obj] and is_secret_manifest(res.objects[0])
    assert [f.rule_id for f in res.findings] == rules
    assert PLANTED not in json.dumps([f.as_json() for f in res.findings])
    assert "Secret/shop/s (keys: " in res.findings[0].message


# --- rule catalogue --------------------------------------------------------------------------------

RULE_EXAMPLES = {
    "SEC-001": spc(SIMPLE) + mount("api", role="r"),
    "SEC-002": spc(SIMPLE),
    "SEC-003": spc('- objectName: "/p"\n  objectType: ssmparameter\n'),
    "SEC-004": spc('- objectName: "j"\n  objectType: secretsmanager\n  jmesPath: [{path: a, objectAlias: a}]\n'),
    "SEC-005": spc(SIMPLE),
    "SEC-006": spc(SIMPLE) + mount("api", role="r1") + mount("api2", role="r2"),
    "SEC-007": ESO,
    "SEC-008": ESO,
    "SEC-009": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n",
    "SEC-010": ("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson\n"
                "stringData: {.dockerconfigjson: '{\"auths\": {\"1.dkr.ecr.x.amazonaws.com\": {}}}'}\n"),
    "SEC-011": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {AWS_SECRET_ACCESS_KEY: x}\n",
    "SEC-012": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {h: x.cache.amazonaws.com}\n",
    "SEC-013": spc('- objectName: "a"\n  objectType: secretsmanager\n  objectVersionLabel: AWSPREVIOUS\n',
                   extra_params="failoverRegion: us-west-2\n"),
    "SEC-014": ESO,
    "SEC-015": spc(SIMPLE) + mount("no-role"),
    # secret-looking plain values (translators/secrets/plain.py; more in test_secret_values.py)
    "SEC-016": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: i\n"
                "      env: [{name: DB_PASSWORD, value: x}]\n"),
    "SEC-017": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, args: [--token=x]}]\n",
    "SEC-018": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {API_KEY: x}\n",
    "SEC-019": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, annotations: {example.com/token: x}}\n",
    "SEC-020": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nbinaryData: {a: eA==}\n",
}
SECRETS_RULES = {rid for rid, r in catalogue().items() if rid.startswith("SEC-")}


@pytest.mark.parametrize("rule_id", sorted(SECRETS_RULES))
def test_every_rule_is_triggered(rule_id):
    assert catalogue()[rule_id].area == "secrets"
    assert rule_id in RULE_EXAMPLES, f"no example input for {rule_id}"
    assert rule_id in [f.rule_id for f in run(RULE_EXAMPLES[rule_id])[1]]


def test_every_emitted_rule_is_catalogued():
    src = Path(__file__).resolve().parents[1] / "translators"
    ids = set()
    for f in src.rglob("*.py"):
        ids |= set(re.findall(r'"(SEC-\d{3})"', f.read_text()))
    assert ids <= SECRETS_RULES and (DATA / "rules" / "secrets.yaml").exists()


# --- corpus ----------------------------------------------------------------------------------------

def test_corpus_secrets():
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(newline="", encoding="utf-8") as fh:
        paths = [CORPUS / r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] == "secrets"]
    assert len(paths) >= 6
    objs = [o for p in paths for o in load_manifests([p])]  # all six load
    ctx, findings = WorkloadContext(key_vault_name=KV), Findings()
    plan = plan_identities(None, objs, ctx, findings)
    prepare(objs, ctx)
    classes = 0
    for o in objs:
        res = translate(o, ctx)
        if o.kind == "SecretProviderClass":
            classes += 1
            assert res.outcome == "translated" and res.objects[0]["spec"]["provider"] == "azure"
            items = azure_objects(res)
            assert items and all(KV_SECRET_NAME.match(i["objectName"]) for i in items)
        if res is not None:
            assert {f.rule_id for f in res.findings} <= SECRETS_RULES
    assert classes == 3
    # every class in the corpus is mounted by a Deployment or Pod: each gets an identity with vault access
    assert set(ctx.indexes[INDEX_KEY]["classIdentity"]) == {
        "default/nginx-irsa-deployment-aws-secrets", "default/nginx-pod-identity-deployment-aws-secrets",
        "default/basic-test-mount-spc"}
    for ident in plan.identities:
        assert [g.role for g in ident.roles] == ["Key Vault Secrets User"]
    spc_jmes = next(m for m in ctx.secrets_migration if m["jsonKey"] == "username" and "ssm" in m["command"])
    assert spc_jmes["keyVaultName"] == "jsonSsm-username"


@pytest.mark.parametrize("value", ["db-password", "_team_prod_x", "prod/db/pass.json", "keys.json", "123", "1_000",
                                   "2024-01-02", "true", "No", "null", "1e3", "0x1F", "12:30", "a: b", "#x", "-x",
                                   "...", "---", "é", "", "x y", "'q'"])
def test_objects_array_matches_yaml_dump(value):
    from translators.secrets.translate import _array

    items = [{"objectName": value, "objectType": "secret", "objectAlias": value}]
    expected = "array:\n  - |\n" + "".join(
        "    " + ln + "\n" for ln in yaml.safe_dump(items[0], sort_keys=False, width=4096).splitlines())
    assert _array(items) == expected
    assert yaml.safe_load(yaml.safe_load(_array(items))["array"][0]) == items[0]
