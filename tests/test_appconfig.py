"""AWS SDK settings in application configuration → findings (translators/appconfig/translate.py)."""
from __future__ import annotations

import csv
import json

import pytest
from helpers import load

from translators.appconfig.translate import APPCONFIG_TRANSLATORS, match_name, patterns, scan_value, translate_app_config
from translators.errors import InputError
from translators.findings import catalogue
from translators.k8s import K8sObject, WorkloadContext
from translators.input.manifests import load_manifests
from translators.refdata import DATA
from helpers import SCHEMA_INVALID

from conftest import CORPUS  # noqa: E402

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox
          env:
            - name: AWS_WEB_IDENTITY_TOKEN_FILE
              value: /var/run/secrets/eks.amazonaws.com/serviceaccount/token
      containers:
        - name: api
          image: api:1
          env:
            - name: AWS_REGION
              value: us-east-1
            - name: AWS_ACCESS_KEY_ID
              value: AKIAEXAMPLEKEY123456
            - name: AWS_SECRET_ACCESS_KEY
              valueFrom: {secretKeyRef: {name: aws, key: secret}}
            - name: AWS_ROLE_ARN
              value: arn:aws:iam::111122223333:role/api
            - name: S3_ENDPOINT
              value: https://s3.us-east-1.amazonaws.com
            - name: QUEUE_URL
              value: https://sqs.us-east-1.amazonaws.com/111122223333/jobs
            - name: PLAIN
              value: hello
"""


def objs(text: str) -> list[K8sObject]:
    return load(text, "app.yaml")


def test_workload_env():
    (obj,) = objs(DEPLOYMENT)
    res = translate_app_config(obj, WorkloadContext())
    assert res.outcome == "passthrough" and res.objects == [obj.obj]
    got = [(f.rule_id, f.line) for f in res.findings]
    assert got == [("APP-002", 11), ("APP-003", 17), ("APP-001", 19), ("APP-001", 21), ("APP-002", 23),
                   ("APP-004", 24), ("APP-004", 26), ("APP-004", 28)]
    text = json.dumps([f.as_json() for f in res.findings])
    assert "AKIAEXAMPLEKEY123456" not in text  # credential values are never read
    assert "Azure Blob Storage" in text and "Azure Service Bus" in text and "AZURE_FEDERATED_TOKEN_FILE" in text


CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data:
  DB_HOST: orders.cluster-abc.us-east-1.rds.amazonaws.com
  CACHE: rediss://master.sessions.x8k2lq.use1.cache.amazonaws.com:6379
  TABLE_ENDPOINT: https://dynamodb.eu-west-1.amazonaws.com
  TOPIC: arn:aws:sns:us-east-1:111122223333:receipts
  META: http://169.254.169.254/latest/meta-data/placement/availability-zone
  BUCKET: s3://media-prod/uploads
  LOGS: https://logs.us-east-1.amazonaws.com and https://kinesis.us-east-1.amazonaws.com
  OTHER: https://athena.us-east-1.amazonaws.com
  AWS_DEFAULT_REGION: eu-west-1
  AWS_STS_REGIONAL_ENDPOINTS: regional
  config.json: '{"url": "https://example.com"}'
"""


def test_configmap_data():
    (obj,) = objs(CONFIGMAP)
    res = translate_app_config(obj, WorkloadContext())
    got = [(f.rule_id, f.line, f.message.split(" names ")[-1].split(";")[0]) for f in res.findings]
    assert got == [
        ("APP-004", 5, "Amazon RDS (orders.cluster-abc.us-east-1.rds.amazonaws.com)"),
        ("APP-004", 6, "Amazon ElastiCache (master.sessions.x8k2lq.use1.cache.amazonaws.com)"),
        ("APP-004", 7, "Amazon DynamoDB (dynamodb.eu-west-1.amazonaws.com)"),
        ("APP-004", 8, "AWS resource ARN (arn:aws:sns:)"),
        ("APP-005", 9, "EC2 instance metadata service (169.254.169.254)"),
        ("APP-004", 10, "S3 URI (s3://media-prod)"),
        ("APP-004", 11, "Amazon CloudWatch (logs.us-east-1.amazonaws.com)"),
        ("APP-004", 11, "Amazon Kinesis (kinesis.us-east-1.amazonaws.com)"),
        ("APP-004", 12, "another AWS service (athena.us-east-1.amazonaws.com)"),
        ("APP-003", 13, "ConfigMap/shop/cfg key AWS_DEFAULT_REGION: AWS region"),
        ("APP-002", 14, "ConfigMap/shop/cfg key AWS_STS_REGIONAL_ENDPOINTS: AWS STS endpoint setting"),
    ]


@pytest.mark.parametrize("text", [
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
    "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
    "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {AWS_REGION: us-east-1}\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: c}]}}}\n",
])
def test_nothing_found_is_none(text):
    (obj,) = objs(text)
    assert translate_app_config(obj, WorkloadContext()) is None


@pytest.mark.parametrize("host,aws", [
    ("my-bucket.s3.amazonaws.com", "Amazon S3"), ("s3.us-east-1.amazonaws.com", "Amazon S3"),
    ("bucket.s3.eu-west-1.amazonaws.com", "Amazon S3"), ("s3-us-west-2.amazonaws.com", "Amazon S3"),
    ("mydb.abc.us-east-1.rds.amazonaws.com", "Amazon RDS"), ("sns.us-east-1.amazonaws.com", "Amazon SNS"),
    ("queue.amazonaws.com", "Amazon SQS"), ("123.dkr.ecr.us-east-1.amazonaws.com", "Amazon ECR"),
    ("secretsmanager.us-east-1.amazonaws.com", "AWS Secrets Manager"), ("sts.amazonaws.com", "AWS STS"),
    ("ssm.us-east-1.amazonaws.com", "AWS Systems Manager Parameter Store"),
    ("s3.cn-north-1.amazonaws.com.cn", "Amazon S3"),
])
def test_host_classification(host, aws):
    ((p, hit),) = scan_value(f"https://{host}/path")
    assert (p.aws, hit) == (aws, host)


def test_names_and_values():
    assert match_name("AWS_SESSION_TOKEN").rule == "APP-001"
    assert match_name("AWS_CONTAINER_CREDENTIALS_FULL_URI").rule == "APP-002"
    assert match_name("AWS_ENDPOINT_URL_S3").rule == "APP-004"
    assert match_name("MY_AWS_REGION") is None
    assert scan_value("user:pw@db.x.rds.amazonaws.com")[0][1] == "db.x.rds.amazonaws.com"
    assert scan_value("notamazonaws.com.example.org") == []
    assert [p.rule for p, _ in scan_value("http://[fd00:ec2::254]/latest")] == ["APP-005"]


def test_patterns_table():
    assert (DATA / "iam_app_patterns.csv").read_text().startswith("# provenance:")
    assert {p.kind for p in patterns()} == {"env", "host", "value"}
    assert {p.rule for p in patterns()} == {"APP-001", "APP-002", "APP-003", "APP-004", "APP-005"}
    assert all(p.rule in catalogue() for p in patterns())
    assert patterns()[-1].kind == "value" and [p for p in patterns() if p.kind == "host"][-1].regex.pattern == ".+"


def test_corpus_apps_and_aws_integrations():
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["category"] in ("apps", "aws-integrations")]
    assert len(rows) >= 30
    rules: set[str] = set()
    for row in rows:
        p = CORPUS / row["path"]
        try:
            loaded = load_manifests([p])
        except InputError as e:
            assert placeholder_or_not_a_manifest(row, e), str(e)
            continue
        for o in loaded:
            for t in APPCONFIG_TRANSLATORS:
                res = t(o, WorkloadContext())
                if res is not None:
                    assert res.outcome == "passthrough" and res.findings and res.objects == [o.obj]
                    assert all(f.file == str(p) and f.line for f in res.findings)
                    rules |= {f.rule_id for f in res.findings}
    assert "APP-003" in rules and rules <= set(catalogue())


def placeholder_or_not_a_manifest(row: dict, err: InputError) -> bool:
    """The corpus file cannot be input as is: a template with placeholders, a docs fragment or Helm values."""
    return (row["parse_check"].startswith("yaml-FAIL") or "placeholder" in row["notes"] or err.field == "apiVersion"
            or "duplicate key" in err.message or row["path"] in SCHEMA_INVALID)


def test_scan_value_short_and_long_values_agree():
    short = "https://sqs.us-east-1.amazonaws.com/1/q and s3://bucket/x"
    long_value = short + " " * 300
    assert scan_value(short) == scan_value(long_value) == scan_value(short)
    assert scan_value(short) is not scan_value(short)  # a fresh list per call, though the scan is cached
    assert [p.aws for p, _ in scan_value(short)] == ["Amazon SQS", "S3 URI"]
