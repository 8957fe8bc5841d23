"""Identity builders shared by the test_identity* modules: a small estate (ClusterConfig with iam, ServiceAccounts,
workloads, a SecretProviderClass, Secrets), the identity, secrets and app-config chain run over it as a
module-scoped fixture, and corpus rows by category."""
from __future__ import annotations

import csv
import textwrap

import pytest
import yaml

from translators.appconfig.translate import APPCONFIG_TRANSLATORS
from translators.input.eksctl import load_cluster_config
from translators.findings import Findings
from translators.identity.translate import IDENTITY_TRANSLATORS, IdentityPlan, plan_identities
from translators.k8s import K8sObject, WorkloadContext
from translators.input.manifests import split_objects
from translators.secrets.translate import SECRETS_TRANSLATORS, prepare
from translators.input.yamlsource import load_documents
from conftest import CORPUS

CHAIN = IDENTITY_TRANSLATORS + SECRETS_TRANSLATORS + APPCONFIG_TRANSLATORS
PLANTED = "pl4nted-Secret-VALUE-7f3e9a"
PLANTED_ENV = "wJalrEXAMPLE-env-credential-0c1d"
MEDIA = "/subscriptions/0000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/media"
RECEIPTS = "/subscriptions/0000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/receipts"
USE = "azure.workload.identity/use"
CLIENT = "azure.workload.identity/client-id"
TENANT = "azure.workload.identity/tenant-id"

CLUSTER = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-east-1}
iam:
  withOIDC: true
  serviceAccounts:
    - metadata: {name: catalog, namespace: shop}
      roleName: shared-media
      attachPolicyARNs: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    - metadata: {name: payments, namespace: shop}
      roleName: payments
      attachPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ["secretsmanager:GetSecretValue"]
            Resource: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db/password-AbCdEf"
          - Effect: Allow
            Action: ["s3:PutObject", "s3:GetObject"]
            Resource: "arn:aws:s3:::receipts/*"
          - Effect: Allow
            Action: ["dynamodb:*"]
            Resource: "arn:aws:dynamodb:us-east-1:111122223333:table/ledger"
          - Effect: Allow
            Action: "*"
            Resource: "*"
    - metadata: {name: ebs-csi-controller-sa, namespace: kube-system}
      wellKnownPolicies: {ebsCSIController: true}
    - metadata: {name: builder, namespace: tools, labels: {team: ci}}
      wellKnownPolicies: {imageBuilder: true}
    - metadata: {name: velero, namespace: velero}
      roleName: velero
      roleOnly: true
      attachPolicyARNs: ["arn:aws:iam::111122223333:policy/velero-backup"]
  podIdentityAssociations:
    - namespace: shop
      serviceAccountName: orders
      roleName: orders
      permissionPolicyARNs: ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"]
"""


def sa(name: str, ns: str, role: str | None = None, **annotations: str) -> dict:
    """A ServiceAccount dict, annotated with the IRSA role ``role`` (when given) and ``annotations``."""
    ann = dict(annotations)
    if role:
        ann["eks.amazonaws.com/role-arn"] = f"arn:aws:iam::111122223333:role/{role}"
    md: dict = {"name": name, "namespace": ns}
    if ann:
        md["annotations"] = ann
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": md}


def pod_spec(sa_name: str | None, env: list | None = None, volumes: list | None = None) -> dict:
    """A one-container pod spec running as ``sa_name`` with ``env`` and ``volumes``."""
    spec: dict = {"containers": [{"name": "app", "image": "app:1", "env": env or []}]}
    if sa_name:
        spec["serviceAccountName"] = sa_name
    if volumes:
        spec["volumes"] = volumes
    return spec


def workload(kind: str, name: str, ns: str, sa_name: str | None, **kw) -> dict:
    """A workload of ``kind`` (Pod, Job, CronJob or an apps/v1 kind) whose pods run as ``sa_name``."""
    api = {"Pod": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "apps/v1")
    tpl = {"metadata": {"labels": {"app": name}}, "spec": pod_spec(sa_name, **kw)}
    body: dict = {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns}}
    if kind == "Pod":
        body["metadata"]["labels"] = {"app": name}
        body["spec"] = tpl["spec"]
    elif kind == "CronJob":
        body["spec"] = {"schedule": "@daily", "jobTemplate": {"spec": {"template": tpl}}}
    else:
        body["spec"] = {"template": tpl}
    return body


SPC = {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
       "metadata": {"name": "payments-secrets", "namespace": "shop"},
       "spec": {"provider": "aws", "parameters": {"region": "us-east-1", "objects": textwrap.dedent("""\
           - objectName: "prod/db/password"
             objectType: "secretsmanager"
           - objectName: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/api-key-AbCdEf"
             objectAlias: "api-key"
           """)},
                "secretObjects": [{"secretName": "db", "type": "Opaque",
                                   "data": [{"objectName": "prod_db_password", "key": "password"}]}]}}

CSI = [{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                   "volumeAttributes": {"secretProviderClass": "payments-secrets"}}}]


def estate() -> list[dict]:
    """The estate's manifest documents: ServiceAccounts, workloads, a SecretProviderClass and Secrets."""
    docs = [sa("catalog", "shop", "shared-media"), sa("search", "shop", "shared-media"),
            sa("payments", "shop", "payments", **{"eks.amazonaws.com/token-expiration": "7200",
                                                   "eks.amazonaws.com/audience": "sts.amazonaws.com"}),
            sa("orders", "shop"), sa("ebs-csi-controller-sa", "kube-system", "ebs-csi")]
    docs += [sa(f"worker-{i:02d}", "batch", "bulk") for i in range(25)]
    docs += [workload("Deployment", "catalog", "shop", "catalog",
                      env=[{"name": "AWS_REGION", "value": "us-east-1"},
                           {"name": "AWS_SECRET_ACCESS_KEY", "value": PLANTED_ENV}]),
             workload("StatefulSet", "search", "shop", "search"),
             workload("Deployment", "payments", "shop", "payments", volumes=CSI),
             workload("DaemonSet", "orders-agent", "shop", "orders"),
             workload("Job", "orders-once", "shop", "orders"),
             workload("CronJob", "orders-nightly", "shop", "orders"),
             workload("Pod", "debug", "shop", "payments"),
             workload("Deployment", "frontend", "shop", None),
             workload("Job", "worker-22", "batch", "worker-22"),
             SPC,
             {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
              "stringData": {"DB_PASSWORD": PLANTED, "DB_HOST": "db.abc.us-east-1.rds.amazonaws.com"}},
             {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-b64", "namespace": "shop"},
              "data": {"password": __import__("base64").b64encode(PLANTED.encode()).decode()}}]
    return docs


def load(docs: list[dict], file: str = "estate.yaml") -> list[K8sObject]:
    """The objects of ``docs`` dumped as YAML and read back with ``file`` as their source."""
    text = yaml.safe_dump_all(docs, sort_keys=False)
    return [o for d in load_documents(text, file) for o in split_objects(d)]


def chain(obj: K8sObject, ctx: WorkloadContext) -> tuple[dict, list[str], Findings]:
    """Run every translator over one object, each seeing the previous one's objects[0]."""
    outcomes, findings, cur = [], Findings(), obj
    for t in CHAIN:
        res = t(cur, ctx)
        if res is None:
            continue
        outcomes.append(res.outcome)
        findings += res.findings
        assert res.outcome != "dropped"
        cur = K8sObject(obj.doc, res.objects[0], obj.base_path)
    return cur.obj, outcomes, findings


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Module fixture: the estate planned and chained: ``(plan, ctx, {(kind, ns, name): (obj, outcomes, f)}, findings)``."""
    path = tmp_path_factory.mktemp("estate") / "cluster.yaml"
    path.write_text(CLUSTER)
    cfg = load_cluster_config(str(path))
    objs = load(estate())
    ctx = WorkloadContext(key_vault_name="kv-shop-1a2b3c4d", tenant_id="${AZURE_TENANT_ID}",
                          options={"resourceMap": {"s3": MEDIA, "receipts": RECEIPTS},
                                   "iamPolicies": {"arn:aws:iam::111122223333:policy/velero-backup": {
                                       "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                                      "Resource": "arn:aws:s3:::backups/*"}]}}})
    findings = Findings()
    plan = plan_identities(cfg, objs, ctx, findings)
    prepare(objs, ctx)
    out = {}
    for o in objs:
        new, outcomes, f = chain(o, ctx)
        out[(o.kind, o.namespace, o.name)] = (new, outcomes, f)
        findings += f
    return plan, ctx, out, findings


def by_name(plan: IdentityPlan) -> dict:
    """The plan's identities by name."""
    return {i.name: i for i in plan.identities}


def corpus_rows(categories: set[str]) -> list[dict]:
    """PROVENANCE.tsv rows of the corpus files in ``categories``."""
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["category"] in categories]
