"""Static keys next to an endpoint that is not AWS (MinIO in the cluster) are not AWS credentials."""
from __future__ import annotations

import pytest
from helpers import load

from translators.appconfig import non_aws_endpoint, translate_app_config
from translators.k8s import WorkloadContext

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app, namespace: default}}
spec:
  selector: {{matchLabels: {{app: a}}}}
  template:
    metadata: {{labels: {{app: a}}}}
    spec:
      containers:
        - name: c
          image: app
          env:
            - {{name: {endpoint_name}, value: "{endpoint}"}}
            - {{name: AWS_ACCESS_KEY_ID, valueFrom: {{secretKeyRef: {{name: minio, key: user}}}}}}
            - {{name: AWS_SECRET_ACCESS_KEY, valueFrom: {{secretKeyRef: {{name: minio, key: password}}}}}}
"""


def _rules(endpoint_name: str, endpoint: str) -> list[tuple[str, str]]:
    obj = load(DEPLOYMENT.format(endpoint_name=endpoint_name, endpoint=endpoint))[0]
    res = translate_app_config(obj, WorkloadContext())
    return [(f.rule_id, f.severity) for f in res.findings] if res else []


@pytest.mark.parametrize("name,endpoint", [
    ("AWS_ENDPOINT_URL", "http://minio.storage.svc.cluster.local:9000"),
    ("S3_ENDPOINT", "http://minio:9000"),
    ("AWS_ENDPOINT_URL_S3", "https://storage.example.net"),
    ("MINIO_SERVER_URL", "minio.storage.svc:9000"),
])
def test_keys_for_an_in_cluster_or_non_aws_endpoint_are_kept(name, endpoint):
    assert _rules(name, endpoint) == [("SCH-011", "info"), ("SCH-011", "info")]


def test_keys_next_to_an_aws_endpoint_are_aws_credentials():
    got = _rules("S3_ENDPOINT", "https://s3.us-east-1.amazonaws.com")
    assert [r for r, _ in got].count("APP-001") == 2 and "SCH-011" not in [r for r, _ in got]


def test_non_aws_endpoint_ignores_other_names_and_aws_hosts():
    assert non_aws_endpoint([("DB_HOST", "postgres.svc"), ("S3_ENDPOINT", "https://s3.amazonaws.com")]) is None
    assert non_aws_endpoint([("S3_ENDPOINT", "")]) is None
