"""Static keys next to an endpoint that is not AWS (MinIO in the cluster) are not AWS credentials."""
from __future__ import annotations

import pytest
from helpers import load

from translators.appconfig.translate import non_aws_endpoint, translate_app_config
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


def test_secret_used_only_for_a_minio_endpoint_is_not_aws_credentials(tmp_path):
    from deployability_helpers import plan_of

    secret = """
    apiVersion: v1
    kind: Secret
    metadata: {name: minio, namespace: default}
    stringData: {AWS_ACCESS_KEY_ID: minio, AWS_SECRET_ACCESS_KEY: minio-secret-value}
    ---
    """
    import textwrap

    manifests = textwrap.dedent(secret) + DEPLOYMENT.format(endpoint_name="AWS_ENDPOINT_URL",
                                                            endpoint="http://admin:pw@minio.storage.svc:9000")
    manifests = manifests.replace("key: user", "key: AWS_ACCESS_KEY_ID").replace("key: password",
                                                                               "key: AWS_SECRET_ACCESS_KEY")
    plan = plan_of(tmp_path, manifests)
    rules = {f.rule_id for f in plan.findings}
    assert "SEC-011" not in rules and "APP-001" not in rules
    sch011 = [f.message for f in plan.findings if f.rule_id == "SCH-011"]
    assert any(m.startswith("Secret/default/minio keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: keys for the "
                            "non-AWS endpoint minio.storage.svc") for m in sch011)
    text = " ".join(f.message for f in plan.findings)
    assert "minio-secret-value" not in text and "pw@" not in text  # no secret value, no URL credentials
    app = next(v for v in plan.verdicts if v.name == "app")
    assert not any(s.startswith("SEC-011") for s in app.steps)
