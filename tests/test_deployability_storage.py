"""Deployability check, storage topology: zonal disk classes (Premium SSD v2, Ultra) need zoned pools."""
from __future__ import annotations

from deployability_helpers import deployment, plan_of, sch, verdict

CLASS_AND_CLAIM = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: gp3}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec: {storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
---
"""
REGIONAL = """
- name: regional
  instanceType: m5.xlarge
  labels: {pool: regional}
"""
VOLUME = "volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]"


def test_zonal_disk_on_a_zoned_pool_runs(tmp_path):
    plan = plan_of(tmp_path, CLASS_AND_CLAIM + deployment("w", f"nodeSelector: {{pool: general}}\n{VOLUME}"), REGIONAL)
    assert verdict(plan, "w").verdict == "runs"
    assert sch(plan, "SCH-006") == [] and sch(plan, "SCH-009") == []


def test_zonal_disk_on_a_pool_without_zones_in_a_zoned_cluster_gets_the_pool_zoned(tmp_path):
    plan = plan_of(tmp_path, CLASS_AND_CLAIM + deployment("w", f"nodeSelector: {{pool: regional}}\n{VOLUME}"),
                   REGIONAL)
    regional = next(p for p in plan.node_pools if p.name == "regional")
    assert regional.availability_zones == ["1", "2"]
    assert [f.severity for f in plan.findings if f.rule_id == "SCH-012"] == ["low"]
    assert verdict(plan, "w").verdict == "runs" and sch(plan, "SCH-006") == []


def test_zonal_disk_without_any_zoned_pool_cannot_run(tmp_path):
    plan = plan_of(tmp_path, CLASS_AND_CLAIM + deployment("w", f"nodeSelector: {{pool: regional}}\n{VOLUME}"),
                   REGIONAL, zoned=False)
    v = verdict(plan, "w")
    assert v.verdict == "cannot-run" and v.reasons == ["zonal disk on non-zoned pool (regional)"]
    assert [f.severity for f in plan.findings if f.rule_id == "SCH-006"] == ["high"]
    assert sch(plan, "SCH-012") == []


def test_zonal_disk_on_mixed_pools_is_medium(tmp_path):
    plan = plan_of(tmp_path, CLASS_AND_CLAIM + deployment("w", VOLUME), REGIONAL)
    assert verdict(plan, "w").verdict == "runs-after-steps"
    assert len(sch(plan, "SCH-009")) == 1


def test_statefulset_claim_templates_count(tmp_path):
    sts = """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: default}
    spec:
      selector: {matchLabels: {app: db}}
      serviceName: db
      template:
        metadata: {labels: {app: db}}
        spec:
          nodeSelector: {pool: regional}
          containers: [{name: c, image: postgres, volumeMounts: [{name: pgdata, mountPath: /var/lib/pg}]}]
      volumeClaimTemplates:
        - metadata: {name: pgdata}
          spec: {storageClassName: gp3, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
    """
    import textwrap

    plan = plan_of(tmp_path, CLASS_AND_CLAIM + textwrap.dedent(sts), REGIONAL, zoned=False)
    assert verdict(plan, "db").verdict == "cannot-run"
    assert "pgdata" in sch(plan, "SCH-006")[0]
    assert not [m for m in sch(plan, "SCH-005") if "pgdata" in m]  # the template makes the claim
