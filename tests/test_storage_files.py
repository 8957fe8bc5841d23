"""Storage translators, EFS/FSx/S3 → Azure Files / Blob (translators/storage/files.py): classes and static volumes."""
from __future__ import annotations

import pytest

from builders_storage import EFS, ebs_class, line_of, only, rules, run
from translators.findings import catalogue
from translators.k8s import WorkloadContext


# --- EFS → Azure Files -----------------------------------------------------------------------------

def test_efs_class_to_azure_files_nfs():
    ctx, _, res = only(EFS)
    (sc,) = res.objects
    assert sc["provisioner"] == "file.csi.azure.com"
    assert sc["parameters"] == {"protocol": "nfs", "skuName": "Premium_LRS"}
    assert sc["mountOptions"] == ["nconnect=4"] and sc["reclaimPolicy"] == "Retain"
    assert "allowedTopologies" not in sc
    assert rules(res) == ["STO-013"]
    assert "fileSystemId" in res.findings[0].message and "mountOptions tls" in res.findings[0].message
    assert ctx.cluster_requests == set()


def test_efs_smb_option():
    ctx = WorkloadContext(options={"azureFilesProtocol": "smb"})
    text = EFS + """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads}
spec: {storageClassName: efs-sc, accessModes: [ReadWriteMany], resources: {requests: {storage: 5Gi}}}
"""
    _, pairs = run(text, ctx)
    sc = pairs[0][1]
    assert sc.objects[0]["parameters"] == {"protocol": "smb", "skuName": "Standard_LRS"}
    assert "STO-014" in rules(sc)
    assert pairs[1][1].outcome == "passthrough"  # Standard shares have no 100 GiB minimum


# --- static volumes and other AWS drivers ----------------------------------------------------------

PV_CASES = [
    # (spec body, rule, cluster requests, finding anchor)
    ("csi: {driver: ebs.csi.aws.com, volumeHandle: vol-03c604538dd7d2f41, fsType: ext4}", "STO-008", set(),
     "vol-03c6"),
    ("awsElasticBlockStore: {volumeID: vol-0abc, fsType: ext4}", "STO-008", set(), "vol-0abc"),
    ("csi: {driver: efs.csi.aws.com, volumeHandle: 'fs-e8a95a42::fsap-068c22f0246419f75'}", "STO-008", set(),
     "fs-e8a95a42"),
    ("nfs: {server: fs-0123abcd.efs.us-east-1.amazonaws.com, path: /}", "STO-008", set(), "fs-0123abcd"),
    ("csi: {driver: ebs.csi.aws.com, volumeHandle: 'local-ebs://dev/xvdbz'}", "STO-009", set(), "local-ebs"),
    ("csi: {driver: fsx.csi.aws.com, volumeHandle: fs-0199e0d1b1ab2ad5c}", "STO-010", set(), "fs-0199"),
    ("csi: {driver: s3.csi.aws.com, volumeHandle: s3-csi-driver-volume, volumeAttributes: {bucketName: b}}",
     "STO-011", {"blobCSIDriver"}, "s3-csi-driver-volume"),
]


@pytest.mark.parametrize("body,rule,requests,anchor", PV_CASES)
def test_static_aws_volumes_are_dropped(body, rule, requests, anchor):
    text = f"""\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv1
spec:
  capacity: {{storage: 5Gi}}
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  {body}
"""
    ctx, _, res = only(text)
    assert res.outcome == "dropped" and res.objects == []
    (f,) = res.findings
    assert f.rule_id == rule and f.line == line_of(text, anchor) and f.file == "in.yaml"
    assert f.severity == catalogue()[rule].severity
    if rule == "STO-008":
        assert f.severity == "high"
        assert all(w in f.remediation for w in ("Velero", "AzCopy", "replication"))
    assert ctx.cluster_requests == requests


def test_non_aws_volume_is_not_our_concern():
    _, _, res = only("""\
apiVersion: v1
kind: PersistentVolume
metadata: {name: local}
spec: {capacity: {storage: 1Gi}, hostPath: {path: /data}}
""")
    assert res is None


@pytest.mark.parametrize("provisioner,rule,requests", [
    ("fsx.csi.aws.com", "STO-010", set()),
    ("fsx.openzfs.csi.aws.com", "STO-010", set()),
    ("s3.csi.aws.com", "STO-011", {"blobCSIDriver"}),
])
def test_fsx_and_s3_classes_are_dropped(provisioner, rule, requests):
    ctx, _, res = only(ebs_class({"subnetId": "subnet-1"}, provisioner))
    assert res.outcome == "dropped" and rules(res) == [rule] and ctx.cluster_requests == requests

