"""Storage translators: chain, index, StorageClass/PV/PVC dispatch, snapshots, Velero (translators/storage/translate.py).

EBS → Azure Disk is tested in test_storage_disk.py, EFS/FSx/S3 → Azure Files / Blob in test_storage_files.py;
all three use the shared helpers and manifests of builders_storage.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders_storage import EFS, ebs_class, only, rules, run
from helpers import corpus_paths, emitted_rule_ids
import yaml

from translators.findings import catalogue
from translators.k8s import WorkloadContext
from translators.input.manifests import load_manifests
from translators.refdata import DATA
from translators.storage.translate import (INDEX_KEY, index_storage, quantity_gib, storage_class_mapping, velero_storage_class_configmap)

SRC = Path(__file__).resolve().parents[1] / "translators"


# --- StorageClass dispatch ------------------------------------------------------------------------

def test_default_class_annotation():
    text = ebs_class({"type": "gp3"}, metadata={"name": "gp3", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}})
    _, _, res = only(text)
    assert "STO-017" in rules(res)
    assert res.objects[0]["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"


# --- claims on translated classes ----------------------------------------------------------------


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


# --- snapshots -----------------------------------------------------------------------------------

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
    idx = ctx.indexes[INDEX_KEY]
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


def test_every_emitted_rule_is_catalogued():
    assert emitted_rule_ids("STO", "storage/*.py", "storage_*.csv") <= STORAGE_RULES


def test_data_tables_have_provenance():
    tables = sorted(DATA.glob("storage_*.csv"))
    assert {t.name for t in tables} >= {"storage_ebs_to_azure_disk.csv", "storage_azure_disk_skus.csv",
                                         "storage_efs_to_azure_files.csv", "storage_aws_csi_drivers.csv"}
    for t in tables:
        assert t.read_text().startswith("# provenance:"), t.name


def test_translators_do_not_import_pulumi():
    for f in SRC.glob("storage/*.py"):
        assert not re.search(r"^\s*(import|from)\s+pulumi", f.read_text(), re.M), f.name


# --- corpus ---------------------------------------------------------------------------------------

AWS_DRIVERS = ("ebs.csi.aws.com", "kubernetes.io/aws-ebs", "efs.csi.aws.com", "fsx.csi.aws.com",
               "fsx.openzfs.csi.aws.com", "s3.csi.aws.com")


def test_storage_corpus():
    files = corpus_paths("storage")
    assert files and all(f.suffix in (".yaml", ".yml") for f in files)
    # file by file: unrelated examples reuse object names (one estate would refuse the conflicting pairs)
    _, pairs = run([o for f in files for o in load_manifests([f])], WorkloadContext(location="eastus"))
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
