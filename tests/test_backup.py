"""Velero with the AWS plugin → Velero with the Azure plugin (translators/backup/translate.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import corpus_files, emitted_rule_ids, load, load_corpus, rules, run as run_translators, validate_core
import yaml

from translators.backup.translate import (BACKUP_TRANSLATORS, INDEX_KEY, container_name, index_velero, prepare,
                                velero_settings)
from translators.findings import catalogue
from translators.k8s import K8sObject, WorkloadContext
from translators.refdata import DATA

SRC = Path(__file__).resolve().parents[1] / "translators"
BAK_RULES = {rid for rid in catalogue() if rid.startswith("BAK-")}


def run(source: str | list[K8sObject], ctx: WorkloadContext | None = None, with_prepare: bool = True):
    """``helpers.run`` over the Velero translators, with or without the whole-estate index."""
    return run_translators(BACKUP_TRANSLATORS, source, ctx, prepare if with_prepare else None)


@pytest.mark.parametrize("bucket,container", [
    ("prod-velero-backups", "prod-velero-backups"), ("Prod.Velero_Backups", "prod-velero-backups"),
    ("a--b", "a-b"), ("-x-", "velero-x"), ("ab", "velero-ab"), ("...", "velero"), ("b" * 70, "b" * 63),
    ("my.bucket-" + "c" * 60, ("my-bucket-" + "c" * 60)[:63])])
def test_container_name(bucket, container):
    name = container_name(bucket)
    assert name == container
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}", name), name


BSL = """\
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: default, namespace: velero}
spec:
  provider: PROVIDER
  default: true
  objectStorage: {bucket: BUCKET, prefix: eks-cluster}
  credential: {name: cloud-credentials, key: cloud}
  config: {region: us-east-1, kmsKeyId: alias/velero, s3Url: "http://minio:9000", profile: default, foo: bar}
"""


@pytest.mark.parametrize("provider,new_provider", [("aws", "azure"), ("velero.io/aws", "velero.io/azure"),
                                                   ("AWS", "azure")])
def test_backup_storage_location(provider, new_provider):
    ctx = WorkloadContext(options={"velero": {"resourceGroup": "rg-backup", "storageAccount": "stvelero",
                                              "subscriptionId": "sub-1", "useAAD": False}})
    _, ((obj, res),) = run(BSL.replace("PROVIDER", provider).replace("BUCKET", "prod.velero"), ctx)
    assert res.outcome == "translated"
    assert rules(res) == ["BAK-001", "BAK-003", "BAK-005", "BAK-004", "BAK-003", "BAK-003", "BAK-006", "BAK-002"]
    (bsl,) = res.objects
    assert bsl["spec"] == {"provider": new_provider, "default": True,
                           "objectStorage": {"bucket": "prod-velero", "prefix": "eks-cluster"},
                           "config": {"resourceGroup": "rg-backup", "storageAccount": "stvelero",
                                      "subscriptionId": "sub-1", "useAAD": "false"}}
    assert bsl["metadata"] == {"name": "default", "namespace": "velero"}
    assert "container prod-velero/eks-cluster in storage account stvelero" in res.findings[0].message
    assert res.findings[0].line == obj.line("spec", "provider")
    assert res.findings[2].line == obj.line("spec", "config", "kmsKeyId")
    assert "cloud-credentials" in res.findings[6].message


def test_placeholders_without_options():
    _, ((_, res),) = run(BSL.replace("PROVIDER", "aws").replace("BUCKET", "prod-velero"))
    assert res.objects[0]["spec"]["config"] == {
        "resourceGroup": "${VELERO_RESOURCE_GROUP}", "storageAccount": "${VELERO_STORAGE_ACCOUNT}",
        "subscriptionId": "${VELERO_SUBSCRIPTION_ID}", "useAAD": "true"}
    assert "BAK-002" not in rules(res)
    assert velero_settings(WorkloadContext())["incremental"] == "true"


VSL = """\
apiVersion: velero.io/v1
kind: VolumeSnapshotLocation
metadata: {name: aws-default, namespace: velero}
spec:
  provider: velero.io/aws
  config: {region: us-east-1, ebsKmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/x"}
"""


def test_volume_snapshot_location():
    ctx, ((obj, res),) = run(VSL, with_prepare=False)
    assert res.outcome == "translated" and rules(res) == ["BAK-007", "BAK-003", "BAK-005"]
    assert res.objects[0]["spec"] == {"provider": "velero.io/azure", "config": {
        "resourceGroup": "${VELERO_RESOURCE_GROUP}", "subscriptionId": "${VELERO_SUBSCRIPTION_ID}",
        "incremental": "true"}}
    assert ctx.indexes[INDEX_KEY] == {"complete": False, "awsSnapshotLocations": ["aws-default"]}


@pytest.mark.parametrize("provider", ["azure", "velero.io/gcp", "aws-other"])
def test_other_providers_are_not_our_concern(provider):
    assert run(BSL.replace("PROVIDER", provider).replace("BUCKET", "b"))[1][0][1] is None
    assert run(VSL.replace("velero.io/aws", provider))[1][0][1] is None


BACKUPS = """\
apiVersion: velero.io/v1
kind: Backup
metadata: {name: nightly, namespace: velero}
spec: {includedNamespaces: [shop]}
---
apiVersion: velero.io/v1
kind: Backup
metadata: {name: fs, namespace: velero}
spec: {includedNamespaces: [shop], defaultVolumesToFsBackup: true}
---
apiVersion: velero.io/v1
kind: Backup
metadata: {name: nosnap, namespace: velero}
spec: {snapshotVolumes: false}
---
apiVersion: velero.io/v1
kind: Backup
metadata: {name: other-vsl, namespace: velero}
spec: {volumeSnapshotLocations: [azure-default]}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: daily, namespace: velero}
spec: {schedule: "0 1 * * *", template: {includedNamespaces: [shop], snapshotVolumes: true}}
---
apiVersion: velero.io/v1
kind: Restore
metadata: {name: r, namespace: velero}
spec: {backupName: nightly}
---
apiVersion: velero.io/v1
kind: Restore
metadata: {name: r2, namespace: velero}
spec: {backupName: nightly, restorePVs: false}
"""


@pytest.mark.parametrize("with_vsl", [True, False])
def test_backups_schedules_restores_pass_through(with_vsl):
    _, pairs = run((VSL + "---\n" if with_vsl else "") + BACKUPS)
    got = {o.ref(): (r.outcome, rules(r)) for o, r in pairs if o.kind != "VolumeSnapshotLocation"}
    snap = ["BAK-008"] if with_vsl else []
    assert got == {
        "Backup/velero/nightly": ("passthrough", snap),
        "Backup/velero/fs": ("passthrough", []),
        "Backup/velero/nosnap": ("passthrough", []),
        "Backup/velero/other-vsl": ("passthrough", []),
        "Schedule/velero/daily": ("passthrough", snap),
        "Restore/velero/r": ("passthrough", snap),
        "Restore/velero/r2": ("passthrough", []),
    }
    for o, r in pairs:
        if o.kind != "VolumeSnapshotLocation":
            assert r.objects[0] is o.obj
    assert index_velero(load(BACKUPS))["awsSnapshotLocations"] == []


VELERO = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: velero, namespace: velero}
spec:
  selector: {matchLabels: {name: velero}}
  template:
    metadata: {labels: {name: velero}}
    spec:
      initContainers:
      - {name: velero-velero-plugin-for-aws, image: "velero/velero-plugin-for-aws:v1.11.0",
         volumeMounts: [{mountPath: /target, name: plugins}]}
      containers:
      - name: velero
        image: velero/velero:v1.15.0
        env: [{name: AWS_SHARED_CREDENTIALS_FILE, value: /credentials/cloud}, {name: VELERO_NAMESPACE, value: velero}]
      volumes: [{name: plugins, emptyDir: {}}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: velero}
spec:
  selector: {matchLabels: {name: node-agent}}
  template:
    metadata: {labels: {name: node-agent}}
    spec:
      containers:
      - name: node-agent
        image: velero/velero:v1.15.0
        env: [{name: AWS_SHARED_CREDENTIALS_FILE, value: /credentials/cloud}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {name: app}}
  template:
    metadata: {labels: {name: app}}
    spec:
      containers: [{name: app, image: nginx, env: [{name: AWS_SHARED_CREDENTIALS_FILE, value: /x}]}]
"""


def test_velero_server_switches_plugin():
    _, ((dep, res), (ds, res2), (_, res3)) = run(VELERO)
    assert res.outcome == "translated" and rules(res) == ["BAK-009", "BAK-009"]
    spec = res.objects[0]["spec"]["template"]["spec"]
    assert spec["initContainers"][0]["image"] == "velero/velero-plugin-for-microsoft-azure:v1.11.0"
    assert spec["containers"][0]["env"][0] == {"name": "AZURE_CREDENTIALS_FILE", "value": "/credentials/cloud"}
    assert res.findings[0].line == dep.line("spec", "template", "spec", "initContainers", 0, "image")
    assert rules(res2) == ["BAK-009"]
    assert res2.objects[0]["spec"]["template"]["spec"]["containers"][0]["env"][0]["name"] == "AZURE_CREDENTIALS_FILE"
    assert res3 is None
    for r in (res, res2):
        validate_core(r.objects[0])


# --- catalogue, data, corpus -----------------------------------------------------------------------

def test_rule_catalogue_shape():
    raw = yaml.safe_load((DATA / "rules" / "backup.yaml").read_text())["rules"]
    assert set(raw) == BAK_RULES
    for rid, r in raw.items():
        assert re.fullmatch(r"BAK-\d{3}", rid) and r["area"] == "backup"


def test_every_emitted_rule_is_catalogued_and_every_rule_is_emitted():
    assert emitted_rule_ids("BAK", "backup/*.py", "backup_*.csv") == BAK_RULES




def test_data_tables_have_provenance():
    tables = sorted(DATA.glob("backup_*.csv"))
    assert [t.name for t in tables] == ["backup_velero_config.csv"]
    assert tables[0].read_text().startswith("# provenance:")


def test_translator_does_not_import_pulumi():
    assert not re.search(r"^\s*(import|from)\s+pulumi", (SRC / "backup" / "translate.py").read_text(), re.M)


def test_backup_corpus():
    _, pairs = run(load_corpus(corpus_files()), WorkloadContext(location="eastus"))
    locations = 0
    for o, res in pairs:
        if o.group == "velero.io" and o.kind in ("BackupStorageLocation", "VolumeSnapshotLocation") and \
                str(o.obj["spec"].get("provider")) in ("aws", "velero.io/aws"):
            locations += 1
            assert res is not None and res.outcome == "translated", o.ref()
            assert res.objects[0]["spec"]["provider"] == "velero.io/azure"
        if res is not None:
            assert {f.rule_id for f in res.findings} <= BAK_RULES
            assert all(f.file == o.file and f.line for f in res.findings)
            for new in res.objects:
                validate_core(new)
    assert locations == 2


def test_whole_corpus_never_raises():
    _, pairs = run(load_corpus(corpus_files(None)), WorkloadContext(location="eastus"))
    for _, res in pairs:
        assert res is None or res.outcome in ("translated", "passthrough", "dropped")
