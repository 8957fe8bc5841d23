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
