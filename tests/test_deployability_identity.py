"""Deployability check, workload identity inside custom resources' pod specs."""
from __future__ import annotations

from deployability_helpers import emitted, plan_of, sch

MANIFESTS = """
apiVersion: v1
kind: ServiceAccount
metadata:
  name: spark
  namespace: default
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/spark"}
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: etl, namespace: default}
spec:
  driver: {serviceAccount: spark, labels: {team: data}}
  executor: {labels: {team: data}}
---
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: ray, namespace: default}
spec:
  headGroupSpec:
    template:
      spec: {serviceAccountName: spark, containers: [{name: head, image: rayproject/ray}]}
"""


def test_identity_label_added_inside_custom_resources(tmp_path):
    plan = plan_of(tmp_path, MANIFESTS)
    spark = emitted(plan, "SparkApplication", "etl")
    assert spark["spec"]["driver"]["labels"] == {"team": "data", "azure.workload.identity/use": "true"}
    assert "azure.workload.identity/use" not in spark["spec"]["executor"]["labels"]  # runs as default
    ray = emitted(plan, "RayCluster", "ray")
    assert ray["spec"]["headGroupSpec"]["template"]["metadata"]["labels"] == {"azure.workload.identity/use": "true"}
    assert len(sch(plan, "SCH-007")) == 2


def test_edits_copy_and_never_mutate_the_objects_they_read(tmp_path):
    import copy

    from translators.checks.deployability import check_deployability

    plan = plan_of(tmp_path, MANIFESTS)
    objs = plan.workloads.objects
    i = next(n for n, o in enumerate(objs) if o["kind"] == "SparkApplication")
    shared_driver = {"serviceAccount": "spark", "labels": {"team": "data"}}
    original = {**objs[i], "spec": {**objs[i]["spec"], "driver": shared_driver}}
    objs[i] = original
    before = copy.deepcopy(original)
    res = check_deployability(plan)
    assert original == before and shared_driver["labels"] == {"team": "data"}  # input untouched
    assert objs[i] is not original and objs[i]["spec"]["driver"]["labels"]["azure.workload.identity/use"] == "true"
    assert objs[i]["spec"]["executor"] is original["spec"]["executor"]  # untouched branches are shared
    assert res.edited >= 1


AWS_CRS = """
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: etl, namespace: default}
spec:
  mainApplicationFile: s3a://larkspur-jobs/etl.py
  hadoopConf:
    fs.s3a.aws.credentials.provider: com.amazonaws.auth.WebIdentityTokenCredentialsProvider
  driver:
    env: [{name: AWS_REGION, value: us-east-1}]
---
apiVersion: argoproj.io/v1alpha1
kind: EventSource
metadata: {name: orders, namespace: default}
spec:
  template: {serviceAccountName: default}
  sqs:
    orders: {region: us-east-1, queue: shop-orders, waitTimeSeconds: 20}
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: local, namespace: default}
spec:
  sparkConf:
    spark.hadoop.fs.s3a.endpoint: http://minio.storage.svc:9000
    spark.hadoop.fs.s3a.access.key: AWS_ACCESS_KEY_ID
  driver:
    env: [{name: AWS_SECRET_ACCESS_KEY, value: not-a-real-key}]
"""


def test_aws_settings_inside_custom_resources_get_the_deployment_findings(tmp_path):
    plan = plan_of(tmp_path, AWS_CRS)
    etl = [(f.rule_id, f.message) for f in plan.findings if f.message.startswith("SparkApplication/default/etl")]
    rules = sorted({r for r, _ in etl})
    assert rules == ["APP-002", "APP-003", "APP-004"]
    assert any("s3a://larkspur-jobs" in m for _, m in etl)
    assert any("AWS credentials provider class (com.amazonaws.auth.WebIdentityTokenCredentialsProvider)" in m
               for _, m in etl)
    sqs = [f for f in plan.findings if f.message.startswith("EventSource/default/orders")]
    assert [(f.rule_id, f.severity) for f in sqs] == [("APP-004", "medium")]
    local = [f.rule_id for f in plan.findings if f.message.startswith("SparkApplication/default/local")]
    assert "APP-001" not in local and "SCH-011" in local  # keys for the in-cluster MinIO, not AWS credentials
    assert not any("not-a-real-key" in f.message for f in plan.findings)
