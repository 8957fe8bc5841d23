"""Storage translators, EBS → Azure Disk (translators/storage/disk.py): tiers, zones, encryption, tags, IOPS."""
from __future__ import annotations

import pytest

from builders_storage import ebs_class, line_of, only, rules, run
from translators.k8s import WorkloadContext
from translators.storage.disk import DES_PLACEHOLDER, azure_zone


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



# --- volume attributes ---------------------------------------------------------------------------

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

