"""Storage translators: EBS/EFS/FSx/S3 → Azure Disk / Azure Files / Blob (translators/storage*.py)."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from helpers import corpus_paths, run as run_translators, triggered_rule_ids
import yaml

from translators.findings import catalogue
from translators.k8s import K8sObject, Translation, WorkloadContext, load_manifests
from translators.refdata import DATA
from translators.storage import (STORAGE_TRANSLATORS, INDEX_KEY, index_storage, prepare as prepare_storage,
                                 quantity_gib, storage_class_mapping, velero_storage_class_configmap)
from translators.storage_disk import DES_PLACEHOLDER, azure_zone

SRC = Path(__file__).resolve().parents[1] / "translators"


def run(source: str | list[K8sObject], ctx: WorkloadContext | None = None, prepare: bool = True):
    """Translate every object of ``source``; returns ``(ctx, [(obj, translation), ...])``."""
    return run_translators(STORAGE_TRANSLATORS, source, ctx, prepare_storage if prepare else None)


def only(text: str, ctx: WorkloadContext | None = None, prepare: bool = True):
    """Translate and return ``(ctx, obj, translation)`` for the last object of ``text``."""
    ctx, pairs = run(text, ctx, prepare)
    return (ctx, *pairs[-1])


def rules(res: Translation) -> list[str]:
    return [f.rule_id for f in res.findings]


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in ln)


def ebs_class(params: dict | None = None, provisioner: str = "ebs.csi.aws.com", **extra) -> str:
    doc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
           "provisioner": provisioner, **extra}
    if params is not None:
        doc["parameters"] = params
    return yaml.safe_dump(doc, sort_keys=False)


# --- EBS → Azure Disk: the tier table -------------------------------------------------------------

TIERS = [
    # (parameters, provisioner, skuName, DiskIOPSReadWrite, DiskMBpsReadWrite, cluster requests, rules)
    (None, "ebs.csi.aws.com", "PremiumV2_LRS", None, None, {"zones"}, ["STO-002"]),
    ({"type": "gp3"}, "ebs.csi.aws.com", "PremiumV2_LRS", None, None, {"zones"}, ["STO-002"]),
    ({"type": "gp3", "iops": "16000", "throughput": "1000"}, "ebs.csi.aws.com", "PremiumV2_LRS", "16000",
     "1000", {"zones"}, ["STO-002"]),
    ({"type": "gp3", "iops": "80000", "throughput": "2000"}, "ebs.csi.aws.com", "UltraSSD_LRS", "80000",
     "2000", {"zones", "enableUltraSSD"}, ["STO-001"]),
    ({"type": "gp3", "iops": "8000", "throughput": "1500"}, "ebs.csi.aws.com", "UltraSSD_LRS", "8000", "1500",
     {"zones", "enableUltraSSD"}, ["STO-001"]),
    ({"type": "gp3", "throughput": "300"}, "ebs.csi.aws.com", "PremiumV2_LRS", None, "300", {"zones"},
     ["STO-002"]),
    ({"type": "io1", "iops": "20000"}, "ebs.csi.aws.com", "PremiumV2_LRS", "20000", None, {"zones"},
     ["STO-002"]),
    ({"type": "io2", "iops": "64000"}, "ebs.csi.aws.com", "PremiumV2_LRS", "64000", None, {"zones"},
     ["STO-002"]),
    ({"type": "io2", "iops": "256000", "blockExpress": "true"}, "ebs.csi.aws.com", "UltraSSD_LRS", "256000",
     None, {"zones", "enableUltraSSD"}, ["STO-001"]),
    ({"type": "io2", "iops": "500000"}, "ebs.csi.aws.com", "UltraSSD_LRS", "400000", None,
     {"zones", "enableUltraSSD"}, ["STO-004", "STO-001"]),
    ({"type": "gp2"}, "ebs.csi.aws.com", "Premium_LRS", None, None, set(), []),
    ({"type": "st1"}, "ebs.csi.aws.com", "StandardSSD_LRS", None, None, set(), ["STO-004"]),
    ({"type": "sc1"}, "ebs.csi.aws.com", "StandardSSD_LRS", None, None, set(), ["STO-004"]),
    ({"type": "standard"}, "ebs.csi.aws.com", "Standard_LRS", None, None, set(), []),
    (None, "kubernetes.io/aws-ebs", "Premium_LRS", None, None, set(), []),
    ({"type": "io1", "iopsPerGB": "10"}, "kubernetes.io/aws-ebs", "PremiumV2_LRS", None, None, {"zones"},
     ["STO-005", "STO-002"]),
    ({"type": "GP3", "IOPS": "4000"}, "ebs.csi.aws.com", "PremiumV2_LRS", "4000", None, {"zones"},
     ["STO-002"]),
    ({"type": "gp9"}, "ebs.csi.aws.com", "PremiumV2_LRS", None, None, {"zones"}, ["STO-006", "STO-002"]),
    ({"type": "gp2", "iops": "5000"}, "ebs.csi.aws.com", "Premium_LRS", None, None, set(), ["STO-006"]),
]


@pytest.mark.parametrize("params,provisioner,sku,iops,mbps,requests,expected_rules", TIERS)
def test_ebs_tier_table(params, provisioner, sku, iops, mbps, requests, expected_rules):
    ctx, obj, res = only(ebs_class(params, provisioner))
    assert res.outcome == "translated"
    (sc,) = res.objects
    assert sc["provisioner"] == "disk.csi.azure.com"
    assert sc["metadata"]["name"] == "fast"
    p = sc["parameters"]
    assert p["skuName"] == sku
    assert p.get("DiskIOPSReadWrite") == iops
    assert p.get("DiskMBpsReadWrite") == mbps
    if sku in ("PremiumV2_LRS", "UltraSSD_LRS"):
        assert p["cachingMode"] == "None"  # the only caching these SKUs take
    else:
        assert "cachingMode" not in p and "DiskIOPSReadWrite" not in p
    assert ctx.cluster_requests == requests
    assert rules(res) == expected_rules
    assert not any(k in p for k in ("type", "iops", "throughput", "iopsPerGB"))


def test_kept_fields_and_fstype():
    text = """\
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata:
      name: fast-ssd
      labels: {team: db}
    provisioner: ebs.csi.aws.com
    parameters:
      type: gp3
      csi.storage.k8s.io/fstype: xfs
    allowVolumeExpansion: true
    volumeBindingMode: WaitForFirstConsumer
    reclaimPolicy: Retain
    mountOptions: [noatime]
    ---
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata: {name: win}
    provisioner: kubernetes.io/aws-ebs
    parameters: {fstype: ntfs}
    """
    _, pairs = run(text)
    sc = pairs[0][1].objects[0]
    assert sc["metadata"] == {"name": "fast-ssd", "labels": {"team": "db"}}
    assert (sc["allowVolumeExpansion"], sc["volumeBindingMode"], sc["reclaimPolicy"], sc["mountOptions"]) == \
        (True, "WaitForFirstConsumer", "Retain", ["noatime"])
    assert sc["parameters"]["csi.storage.k8s.io/fstype"] == "xfs"
    assert pairs[1][1].objects[0]["parameters"]["fsType"] == "ntfs"


# --- zones ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("aws,azure,exact", [
    ("us-east-1a", "eastus-1", True), ("us-east-1b", "eastus-2", True), ("eu-west-3c", "eastus-3", True),
    ("us-east-1d", "eastus-1", False), ("use1-az2", "eastus-2", True), ("us-west-2-lax-1a", "eastus-1", True),
    ("somewhere", None, False),
])
def test_azure_zone(aws, azure, exact):
    assert azure_zone(aws, "eastus") == (azure, exact)


def test_allowed_topologies_to_azure_zones():
    text = """\
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata: {name: zonal}
    provisioner: ebs.csi.aws.com
    allowedTopologies:
    - matchLabelExpressions:
      - key: topology.ebs.csi.aws.com/zone
        values: [us-east-1a, us-east-1b]
      - key: node.kubernetes.io/instance-type-class
        values: [db]
    - matchLabelExpressions:
      - key: topology.kubernetes.io/zone
        values: [us-east-1d, nowhere]
    - matchLabelExpressions:
      - key: failure-domain.beta.kubernetes.io/zone
        values: [us-east-1c]
      - key: topology.ebs.csi.aws.com/outpost-id
        values: [op-1]
    """
    ctx = WorkloadContext(location="westeurope", zones=["1", "2"])
    _, _, res = only(text, ctx)
    topo = res.objects[0]["allowedTopologies"]
    assert topo == [
        {"matchLabelExpressions": [{"key": "topology.disk.csi.azure.com/zone",
                                    "values": ["westeurope-1", "westeurope-2"]},
                                   {"key": "node.kubernetes.io/instance-type-class", "values": ["db"]}]},
        {"matchLabelExpressions": [{"key": "topology.disk.csi.azure.com/zone", "values": ["westeurope-1"]}]},
        {"matchLabelExpressions": [{"key": "topology.disk.csi.azure.com/zone", "values": ["westeurope-3"]}]},
    ]
    # us-east-1d wraps, "nowhere" is not a zone, westeurope-3 has no node pool, outpost key dropped
    assert rules(res).count("STO-007") == 3 and "STO-006" in rules(res)
    assert res.findings[0].line == line_of(text, "us-east-1d")


def test_in_tree_zones_parameter():
    _, _, res = only(ebs_class({"zones": "us-east-1a, us-east-1c"}, "kubernetes.io/aws-ebs"))
    assert res.objects[0]["allowedTopologies"] == [{"matchLabelExpressions": [
        {"key": "topology.disk.csi.azure.com/zone", "values": ["eastus-1", "eastus-3"]}]}]
    assert "zones" not in res.objects[0]["parameters"]


# --- encryption, tags, dropped parameters ---------------------------------------------------------

def test_kms_key_becomes_disk_encryption_set_placeholder():
    text = ebs_class({"type": "gp3", "encrypted": "true",
                      "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abcd"})
    _, _, res = only(text)
    assert res.objects[0]["parameters"]["diskEncryptionSetID"] == DES_PLACEHOLDER
    f = next(f for f in res.findings if f.rule_id == "STO-003")
    assert f.severity == "medium" and f.line == line_of(text, "kmsKeyId")


def test_disk_encryption_set_option_and_plain_encrypted():
    des = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des1"
    ctx = WorkloadContext(options={"diskEncryptionSetID": des})
    _, _, res = only(ebs_class({"kmsKeyId": "arn:aws:kms:k"}), ctx)
    assert res.objects[0]["parameters"]["diskEncryptionSetID"] == des and "STO-003" not in rules(res)
    _, _, res = only(ebs_class({"encrypted": "true"}))  # AWS-managed key: Azure encrypts at rest anyway
    assert "diskEncryptionSetID" not in res.objects[0]["parameters"] and "STO-003" not in rules(res)


def test_tags_and_untranslatable_parameters():
    text = ebs_class({"type": "gp3", "tagSpecification_1": "team=db", "tagSpecification_2": "pvc={{ .PVCName }}",
                      "blockSize": "4096", "csi.storage.k8s.io/provisioner-secret-name": "aws"})
    _, _, res = only(text)
    p = res.objects[0]["parameters"]
    assert p["tags"] == "team=db"
    assert not any(k in p for k in ("blockSize", "csi.storage.k8s.io/provisioner-secret-name"))
    assert rules(res).count("STO-006") == 2
    assert any("blockSize" in f.message and "provisioner-secret-name" in f.message for f in res.findings)


def test_iops_per_gb_sized_from_smallest_claim():
    text = ebs_class({"type": "io1", "iopsPerGB": "50"}) + """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: big}
spec: {storageClassName: fast, resources: {requests: {storage: 1Ti}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: small}
spec: {storageClassName: fast, resources: {requests: {storage: 200Gi}}}
"""
    _, pairs = run(text)
    sc_res = pairs[0][1]
    assert sc_res.objects[0]["parameters"]["DiskIOPSReadWrite"] == "10000"  # 50 IOPS/GiB x 200 GiB
    assert "STO-005" in rules(sc_res)
    assert [r.outcome for _, r in pairs[1:]] == ["passthrough", "passthrough"]


def test_premium_v2_iops_per_gib_against_claims():
    text = ebs_class({"type": "io2", "iops": "64000"}) + """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: small}
spec: {storageClassName: fast, resources: {requests: {storage: 100Gi}}}
"""
    _, pairs = run(text)
    res = pairs[0][1]
    assert res.objects[0]["parameters"]["skuName"] == "PremiumV2_LRS"
    (f,) = [f for f in res.findings if f.rule_id == "STO-004"]
    assert "128 GiB" in f.message  # 64,000 IOPS / 500 IOPS per GiB


def test_ultra_gets_gp3_baseline_not_driver_default():
    # Ultra's driver default is 500 IOPS / 100 MB/s; an unset gp3 IOPS keeps gp3's 3,000 baseline instead
    _, _, res = only(ebs_class({"type": "gp3", "throughput": "1500"}))
    p = res.objects[0]["parameters"]
    assert (p["skuName"], p["DiskIOPSReadWrite"], p["DiskMBpsReadWrite"]) == ("UltraSSD_LRS", "3000", "1500")


def test_default_class_annotation():
    text = ebs_class({"type": "gp3"}, metadata={"name": "gp3", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}})
    _, _, res = only(text)
    assert "STO-017" in rules(res)
    assert res.objects[0]["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"


# --- EFS → Azure Files -----------------------------------------------------------------------------

EFS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: efs-sc}
provisioner: efs.csi.aws.com
parameters:
  provisioningMode: efs-ap
  fileSystemId: fs-0123456789abcdef0
  directoryPerms: "700"
mountOptions: [tls, iam, "accesspoint=fsap-1", nconnect=4]
allowedTopologies:
- matchLabelExpressions:
  - {key: topology.kubernetes.io/zone, values: [us-east-1a]}
reclaimPolicy: Retain
"""


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


CLAIM = """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads, namespace: web}
spec:
  storageClassName: {cls}
  accessModes: [ReadWriteMany]
  resources:
    requests:
      storage: {size}
"""


@pytest.mark.parametrize("cls,size,outcome,new_size", [
    ("efs-sc", "5Gi", "translated", "100Gi"),
    ("efs-sc", "100G", "translated", "100Gi"),  # 100 GB = 93.1 GiB
    ("efs-sc", "100Gi", "passthrough", "100Gi"),
    ("efs-sc", "1Ti", "passthrough", "1Ti"),
    ("fast", "5Gi", "passthrough", "5Gi"),  # Azure Disk: no minimum
    ("managed-csi", "5Gi", None, None),  # not an AWS class: not our concern
])
def test_claim_on_translated_class(cls, size, outcome, new_size):
    text = EFS + "---\n" + ebs_class({"type": "gp3"}) + CLAIM.replace("{cls}", cls).replace("{size}", size)
    _, pairs = run(text)
    obj, res = pairs[-1]
    if outcome is None:
        assert res is None
        return
    assert res.outcome == outcome
    assert res.objects[0]["spec"]["resources"]["requests"]["storage"] == new_size
    assert res.objects[0]["spec"]["storageClassName"] == cls  # names are kept
    if outcome == "translated":
        (f,) = res.findings
        assert f.rule_id == "STO-012" and f.line == obj.line("spec", "resources", "requests", "storage")
    else:
        assert not res.findings


def test_claim_before_class_needs_prepare():
    text = CLAIM.replace("{cls}", "efs-sc").replace("{size}", "5Gi") + "---\n" + EFS
    _, pairs = run(text, prepare=True)
    assert pairs[0][1].outcome == "translated"
    _, pairs = run(text, prepare=False)  # order-dependent without the index
    assert pairs[0][1] is None and pairs[1][1].outcome == "translated"


def test_statefulset_claim_templates():
    sts = """\
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
  - metadata: {name: shared}
    spec: {storageClassName: efs-sc, accessModes: [ReadWriteMany], resources: {requests: {storage: 10Gi}}}
"""
    text = EFS + "---\n" + ebs_class({"type": "gp3"}) + sts
    _, pairs = run(text)
    obj, res = pairs[-1]
    assert res.outcome == "translated"
    vcts = res.objects[0]["spec"]["volumeClaimTemplates"]
    assert [v["spec"]["resources"]["requests"]["storage"] for v in vcts] == ["10Gi", "100Gi"]
    (f,) = res.findings
    assert f.rule_id == "STO-012"
    assert f.line == obj.line("spec", "volumeClaimTemplates", 1, "spec", "resources", "requests", "storage")
    _, pairs = run(ebs_class({"type": "gp3"}) + sts.replace("efs-sc", "fast"))
    assert pairs[-1][1].outcome == "passthrough"
    _, pairs = run(sts.replace("efs-sc", "other").replace("fast", "other"))
    assert pairs[-1][1] is None


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


def test_claim_bound_to_dropped_volume():
    pv = """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: test-pv}
spec: {storageClassName: fast, csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}}
---
"""
    claim = """\
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: c}
spec: {storageClassName: CLS, volumeName: test-pv, resources: {requests: {storage: 5Gi}}}
"""
    _, pairs = run(pv + ebs_class({"type": "gp3"}) + claim.replace("CLS", "fast"))
    obj, res = pairs[-1]
    assert pairs[0][1].outcome == "dropped" and "into StorageClass fast" in pairs[0][1].findings[0].message
    assert res.outcome == "translated" and "volumeName" not in res.objects[0]["spec"]
    assert rules(res) == ["STO-016"] and res.findings[0].line == obj.line("spec", "volumeName")
    _, pairs = run(pv + ebs_class({"type": "gp3"}) + claim.replace("CLS", '""'))
    res = pairs[-1][1]
    assert res.outcome == "passthrough" and res.objects[0]["spec"]["volumeName"] == "test-pv"
    assert rules(res) == ["STO-016"]


def test_eks_preinstalled_gp2_class():
    claim = CLAIM.replace("{cls}", "gp2").replace("{size}", "5Gi")
    _, _, res = only(claim)
    assert res.outcome == "passthrough" and rules(res) == ["STO-018"]
    _, _, res = only(ebs_class({"type": "gp2"}, metadata={"name": "gp2"}) + claim)
    assert res.outcome == "passthrough" and rules(res) == []
    _, _, res = only(claim, prepare=False)  # without the full index the tool cannot know
    assert res is None


# --- snapshots and volume attributes --------------------------------------------------------------

def test_volume_snapshot_class():
    text = """\
apiVersion: snapshot.storage.k8s.io/v1beta1
kind: VolumeSnapshotClass
metadata:
  name: csi-aws-vsc
  labels: {velero.io/csi-volumesnapshot-class: "true"}
driver: ebs.csi.aws.com
deletionPolicy: Retain
parameters: {tagSpecification_1: "a=b"}
"""
    _, _, res = only(text)
    assert res.outcome == "translated"
    (vsc,) = res.objects
    assert vsc == {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
                   "metadata": {"name": "csi-aws-vsc", "labels": {"velero.io/csi-volumesnapshot-class": "true"}},
                   "driver": "disk.csi.azure.com", "deletionPolicy": "Retain",
                   "parameters": {"incremental": "true"}}
    assert rules(res) == ["STO-006"]


@pytest.mark.parametrize("driver,outcome,expected", [
    ("efs.csi.aws.com", "dropped", ["STO-006"]),
    ("fsx.openzfs.csi.aws.com", "dropped", ["STO-010"]),
    ("disk.csi.azure.com", None, None),
])
def test_other_snapshot_classes(driver, outcome, expected):
    _, _, res = only(f"""\
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshotClass
metadata: {{name: v}}
driver: {driver}
deletionPolicy: Delete
""")
    assert (res.outcome if res else None) == outcome and (rules(res) if res else None) == expected


def test_preprovisioned_ebs_snapshot_is_dropped():
    text = """\
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: {name: imported, namespace: default}
spec: {volumeSnapshotClassName: csi-aws-vsc, source: {volumeSnapshotContentName: static-content}}
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshotContent
metadata: {name: static-content}
spec:
  driver: ebs.csi.aws.com
  deletionPolicy: Delete
  source: {snapshotHandle: snap-0fba4d7649d765c50}
  volumeSnapshotRef: {kind: VolumeSnapshot, name: imported, namespace: default}
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: {name: plain}
spec: {volumeSnapshotClassName: csi-aws-vsc, source: {persistentVolumeClaimName: data}}
"""
    _, pairs = run(text)
    assert [r.outcome if r else None for _, r in pairs] == ["dropped", "dropped", None]
    assert rules(pairs[0][1]) == rules(pairs[1][1]) == ["STO-015"]
    assert "snap-0fba4d7649d765c50" in pairs[1][1].findings[0].message


def test_volume_attributes_class():
    text = """\
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata: {name: io2-class}
driverName: ebs.csi.aws.com
parameters: {type: io2, iops: "500000", throughput: "500", tagSpecification_1: "a=b"}
"""
    _, _, res = only(text)
    vac = res.objects[0]
    assert vac["driverName"] == "disk.csi.azure.com" and vac["apiVersion"] == "storage.k8s.io/v1beta1"
    assert vac["parameters"] == {"DiskIOPSReadWrite": "400000", "DiskMBpsReadWrite": "500"}
    assert sorted(rules(res)) == ["STO-004", "STO-006"]


# --- Velero -----------------------------------------------------------------------------------------

def test_velero_change_storage_class_configmap():
    cm = velero_storage_class_configmap({"fast": "fast", "gp2": "managed-csi-premium", "efs-sc": "azurefile"})
    assert cm == {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "change-storage-class-config", "namespace": "velero",
                     "labels": {"velero.io/plugin-config": "",
                                "velero.io/change-storage-class": "RestoreItemAction"}},
        "data": {"efs-sc": "azurefile", "gp2": "managed-csi-premium"},
    }
    ctx, _ = run(EFS + "---\n" + ebs_class({"type": "gp3"}))
    assert storage_class_mapping(ctx) == {"efs-sc": "efs-sc", "fast": "fast"}
    assert velero_storage_class_configmap(storage_class_mapping(ctx))["data"] == {}


# --- helpers, catalogue, data ----------------------------------------------------------------------

@pytest.mark.parametrize("q,gib", [("5Gi", 5), ("100G", 100e9 / 2**30), ("1Ti", 1024), ("512Mi", 0.5),
                                   ("1e9", 1e9 / 2**30), ("2", 2 / 2**30), ("lots", None), (None, None)])
def test_quantity_gib(q, gib):
    assert quantity_gib(q) == (pytest.approx(gib) if gib is not None else None)


def test_index_is_json_safe():
    import json
    ctx, _ = run(EFS + CLAIM.replace("{cls}", "efs-sc").replace("{size}", "5Gi"))
    idx = ctx.options[INDEX_KEY]
    assert json.loads(json.dumps(idx)) == idx
    assert idx["classes"] == {"efs-sc": "efs"} and idx["claimMinGiB"] == {"efs-sc": 5.0}
    assert index_storage([])["complete"] is True


STORAGE_RULES = {rid for rid, r in catalogue().items() if rid.startswith("STO-")}


def test_rule_catalogue_shape():
    raw = yaml.safe_load((DATA / "rules" / "storage.yaml").read_text())["rules"]
    assert set(raw) == STORAGE_RULES
    for rid, r in raw.items():
        assert re.fullmatch(r"STO-\d{3}", rid) and r["area"] == "storage"
        assert r["severity"] in ("high", "medium", "low", "info") and r["remediation"].strip()


def _emitted_rule_ids() -> set[str]:
    ids = set()
    for f in SRC.glob("storage*.py"):
        ids |= set(re.findall(r'"(STO-\d{3})"', f.read_text()))
    for table in DATA.glob("storage_*.csv"):
        ids |= set(re.findall(r"\bSTO-\d{3}\b", "\n".join(
            ln for ln in table.read_text().splitlines() if not ln.startswith("#"))))
    return ids


def test_every_emitted_rule_is_catalogued():
    assert _emitted_rule_ids() <= STORAGE_RULES


def test_every_rule_is_triggered_by_a_test():
    triggered = triggered_rule_ids(__file__, "STO")
    assert triggered >= STORAGE_RULES, STORAGE_RULES - triggered


def test_data_tables_have_provenance():
    tables = sorted(DATA.glob("storage_*.csv"))
    assert {t.name for t in tables} >= {"storage_ebs_to_azure_disk.csv", "storage_azure_disk_skus.csv",
                                         "storage_efs_to_azure_files.csv", "storage_aws_csi_drivers.csv"}
    for t in tables:
        assert t.read_text().startswith("# provenance:"), t.name


def test_translators_do_not_import_pulumi():
    for f in SRC.glob("storage*.py"):
        assert not re.search(r"^\s*(import|from)\s+pulumi", f.read_text(), re.M), f.name


# --- corpus ---------------------------------------------------------------------------------------

AWS_DRIVERS = ("ebs.csi.aws.com", "kubernetes.io/aws-ebs", "efs.csi.aws.com", "fsx.csi.aws.com",
               "fsx.openzfs.csi.aws.com", "s3.csi.aws.com")


def test_storage_corpus():
    files = corpus_paths("storage")
    assert files and all(f.suffix in (".yaml", ".yml") for f in files)
    _, pairs = run(load_manifests(files), WorkloadContext(location="eastus"))
    seen = 0
    for o, res in pairs:
        spec = o.obj.get("spec") or {}
        driver = (o.obj.get("provisioner") or o.obj.get("driver") or
                  (spec.get("csi") or {}).get("driver") or ("kubernetes.io/aws-ebs" if "awsElasticBlockStore" in spec
                                                            else None))
        if o.kind in ("StorageClass", "PersistentVolume", "VolumeSnapshotClass") and driver in AWS_DRIVERS:
            seen += 1
            assert res is not None, o.ref()
            assert res.outcome == "translated" or (res.outcome == "dropped" and res.findings), o.ref()
            for new in res.objects:
                assert new.get("provisioner", new.get("driver")) in ("disk.csi.azure.com", "file.csi.azure.com")
        if res is not None:
            assert {f.rule_id for f in res.findings} <= STORAGE_RULES
            assert all(f.file == o.file and f.line for f in res.findings)
    assert seen >= 35
