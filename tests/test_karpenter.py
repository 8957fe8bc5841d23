"""Karpenter NodePool / EC2NodeClass → AKS node auto-provisioning (translators/karpenter*.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders_karpenter import AMD, SF, SV, req
from helpers import corpus_files, emitted_rule_ids, load, load_corpus, rules, run, validate_core
import yaml

from translators.findings import catalogue
from translators.k8s import WorkloadContext
from translators.karpenter.translate import KARPENTER_TRANSLATORS
from translators.refdata import DATA

SRC = Path(__file__).resolve().parents[1] / "translators"
KAR_RULES = {rid for rid in catalogue() if rid.startswith("KAR-")}
# karpenter.azure.com keys a NAP NodePool may use (karpenter-provider-azure karpenter.sh_nodepools.yaml CEL rule)
AZURE_KEYS = {"aksnodeclass", "sku-name", "sku-family", "sku-version", "sku-cpu", "sku-memory", "sku-accelerator",
              "sku-networking-accelerated", "sku-storage-premium-capable", "sku-storage-ephemeralos-maxsize",
              "sku-encryptionathost-capable", "sku-gpu-name", "sku-gpu-manufacturer", "sku-gpu-count"}
IMAGE_FAMILIES = {"Ubuntu", "Ubuntu2204", "Ubuntu2404", "AzureLinux", "Windows2022", "Windows2025"}


def only(text: str, ctx: WorkloadContext | None = None):
    """Translate only the last object of ``text``; returns ``(ctx, obj, translation)``."""
    ctx, ((obj, res),) = run(KARPENTER_TRANSLATORS, load(text)[-1:], ctx)
    return ctx, obj, res


def check_nap(o: dict) -> None:
    """The emitted object satisfies the NAP CRDs' main validation rules."""
    if o["kind"] == "NodePool":
        assert o["apiVersion"] == "karpenter.sh/v1"
        tspec = o["spec"]["template"]["spec"]
        assert tspec["nodeClassRef"]["group"] == "karpenter.azure.com" and tspec["nodeClassRef"]["kind"] == \
            "AKSNodeClass" and tspec["nodeClassRef"]["name"]
        assert isinstance(tspec["requirements"], list) and len(tspec["requirements"]) <= 100
        for r in tspec["requirements"]:
            assert r["operator"] in ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"), r
            vals = r.get("values") or []
            if r["operator"] == "In":
                assert vals and r.get("minValues", 1) <= len(vals), r
            if r["operator"] in ("Gt", "Lt"):
                assert len(vals) == 1 and int(vals[0]) >= 0, r
            if r["operator"] in ("Exists", "DoesNotExist"):
                assert not vals, r
            assert all(re.fullmatch(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", v) and len(v) <= 63
                       for v in vals), r
            assert not r["key"].startswith(("karpenter.k8s.aws/", "topology.k8s.aws/", "eks.amazonaws.com/"))
            if r["key"].startswith("karpenter.azure.com/"):
                assert r["key"].split("/", 1)[1] in AZURE_KEYS, r
        if "disruption" in o["spec"]:
            assert o["spec"]["disruption"]["consolidateAfter"]
            assert o["spec"]["disruption"].get("consolidationPolicy", "WhenEmpty") in ("WhenEmpty",
                                                                                      "WhenEmptyOrUnderutilized")
        assert "expireAfter" not in o["spec"].get("disruption", {})
    else:
        assert (o["apiVersion"], o["kind"]) == ("karpenter.azure.com/v1beta1", "AKSNodeClass")
        spec = o["spec"]
        assert spec["imageFamily"] in IMAGE_FAMILIES
        assert 30 <= spec.get("osDiskSizeGB", 128) <= 2048 and 10 <= spec.get("maxPods", 110) <= 250
        assert set(spec) <= {"imageFamily", "osDiskSizeGB", "maxPods", "kubelet", "tags", "vnetSubnetID"}
        assert set(spec.get("kubelet", {})) <= {"imageGCHighThresholdPercent", "imageGCLowThresholdPercent",
                                                "cpuCFSQuota"}


# --- NodePool -------------------------------------------------------------------------------------

NODE_POOL_V1 = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: general
  annotations: {kubernetes.io/description: general purpose}
  resourceVersion: "12"
spec:
  template:
    metadata:
      labels: {team: web, karpenter.k8s.aws/ec2nodeclass-hash: "x"}
    spec:
      requirements:
      - {key: kubernetes.io/arch, operator: In, values: [amd64]}
      - {key: karpenter.k8s.aws/instance-category, operator: In, values: [c, m, r]}
      - {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ["4"]}
      - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
      - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      taints: [{key: dedicated, value: web, effect: NoSchedule}]
      expireAfter: 720h
  disruption: {consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 1m, budgets: [{nodes: 10%}]}
  limits: {cpu: "1000", memory: 1000Gi}
  weight: 10
status: {resources: {cpu: "4"}}
"""


def test_v1_node_pool():
    ctx, obj, res = only(NODE_POOL_V1)
    assert res.outcome == "translated" and rules(res) == ["KAR-001", "KAR-002"]
    (np,) = res.objects
    check_nap(np)
    assert np["metadata"] == {"name": "general", "annotations": {"kubernetes.io/description": "general purpose"}}
    assert "status" not in np
    assert np["spec"]["template"]["metadata"]["labels"] == {"team": "web"}
    tspec = np["spec"]["template"]["spec"]
    assert tspec["nodeClassRef"] == {"group": "karpenter.azure.com", "kind": "AKSNodeClass", "name": "default"}
    assert tspec["requirements"] == [
        AMD, req(SF, "In", "D", "E", "F"), req(SV, "In", "2", "5", "6"),
        req("karpenter.sh/capacity-type", "In", "spot", "on-demand"),
        req("topology.kubernetes.io/zone", "In", "eastus-1", "eastus-2")]
    assert tspec["taints"] == [{"key": "dedicated", "value": "web", "effect": "NoSchedule"}]
    assert tspec["expireAfter"] == "720h"
    assert np["spec"]["disruption"] == yaml.safe_load(NODE_POOL_V1)["spec"]["disruption"]
    assert (np["spec"]["limits"], np["spec"]["weight"]) == ({"cpu": "1000", "memory": "1000Gi"}, 10)
    assert res.findings[0].line == obj.line("spec", "template", "spec", "requirements", 1)
    assert ctx.cluster_requests == {"nodeAutoProvisioning"}


def test_v1beta1_node_pool_is_converted():
    text = """\
apiVersion: karpenter.sh/v1beta1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      requirements: [{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5, r5]}]
      nodeClassRef: {apiVersion: karpenter.k8s.aws/v1beta1, kind: EC2NodeClass, name: default}
      kubelet: {maxPods: 50}
  disruption: {consolidationPolicy: WhenUnderutilized, expireAfter: 168h}
"""
    _, obj, res = only(text)
    assert rules(res) == ["KAR-001", "KAR-014", "KAR-006"]
    (np,) = res.objects
    check_nap(np)
    assert np["spec"]["disruption"] == {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "0s"}
    assert np["spec"]["template"]["spec"]["expireAfter"] == "168h"
    assert "kubelet" not in np["spec"]["template"]["spec"]
    assert "consolidationPolicy, expireAfter" in res.findings[-1].message
    assert res.findings[-1].line == obj.line("apiVersion")
    assert np["spec"]["template"]["spec"]["requirements"] == [req(SF, "In", "D", "E"), req(SV, "In", "5")]


@pytest.mark.parametrize("api_version,kind", [("karpenter.sh/v1alpha5", "Provisioner"),
                                              ("karpenter.k8s.aws/v1alpha1", "AWSNodeTemplate"),
                                              ("karpenter.sh/v1", "NodeClaim"), ("karpenter.sh/v1alpha5", "Machine")])
def test_legacy_and_run_time_objects_are_dropped(api_version, kind):
    _, obj, res = only(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n")
    assert res.outcome == "dropped" and rules(res) == ["KAR-018"] and res.findings[0].line == 1


def test_other_kinds_are_not_our_concern():
    assert only("apiVersion: example.com/v1\nkind: NodePool\nmetadata: {name: x}\n")[2] is None
    assert only("apiVersion: karpenter.sh/v1\nkind: NodeOverlay\nmetadata: {name: x}\n")[2] is None


# --- EC2NodeClass ---------------------------------------------------------------------------------

NODE_CLASSES = [
    # (spec, expected AKSNodeClass spec, rules)
    ({"amiSelectorTerms": [{"alias": "al2023@latest"}], "role": "KarpenterNodeRole",
      "subnetSelectorTerms": [{"tags": {"a": "b"}}], "securityGroupSelectorTerms": [{"tags": {"a": "b"}}]},
     {"imageFamily": "AzureLinux"}, ["KAR-012", "KAR-011", "KAR-011"]),
    ({"amiFamily": "Ubuntu", "instanceProfile": "p"}, {"imageFamily": "Ubuntu"}, ["KAR-012"]),
    ({"amiFamily": "AL2"}, {"imageFamily": "AzureLinux"}, []),
    ({}, {"imageFamily": "AzureLinux"}, []),
    ({"amiSelectorTerms": [{"alias": "bottlerocket@latest"}],
      "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": "4Gi"}},
                              {"deviceName": "/dev/xvdb", "ebs": {"volumeSize": "100Gi"}}]},
     {"imageFamily": "AzureLinux", "osDiskSizeGB": 108}, ["KAR-008", "KAR-010"]),
    ({"amiFamily": "Custom", "amiSelectorTerms": [{"id": "ami-123"}], "userData": "#!/bin/bash"},
     {"imageFamily": "AzureLinux"}, ["KAR-007", "KAR-007"]),
    ({"amiSelectorTerms": [{"alias": "al2@latest"}, {"name": "my-ami-*"}]}, {"imageFamily": "AzureLinux"},
     ["KAR-007"]),
    ({"amiSelectorTerms": [{"alias": "al2023@v20240625"}]}, {"imageFamily": "AzureLinux"}, ["KAR-008"]),
    ({"amiSelectorTerms": [{"alias": "windows2019@latest"}], "metadataOptions": {"httpTokens": "required"}},
     {"imageFamily": "Windows2022"}, ["KAR-008", "KAR-013"]),
    ({"blockDeviceMappings": [{"deviceName": "/dev/sdf", "rootVolume": True,
                               "ebs": {"volumeSize": "3000Gi", "encrypted": True, "kmsKeyID": "k"}},
                              {"deviceName": "/dev/xvda", "ebs": {"volumeSize": "20Gi"}}]},
     {"imageFamily": "AzureLinux", "osDiskSizeGB": 2048}, ["KAR-010", "KAR-010", "KAR-009"]),
    ({"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": "20Gi"}}]},
     {"imageFamily": "AzureLinux", "osDiskSizeGB": 30}, ["KAR-009"]),
    ({"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": "100G"}}]},
     {"imageFamily": "AzureLinux", "osDiskSizeGB": 100}, []),
    ({"kubelet": {"maxPods": 300, "imageGCHighThresholdPercent": 85, "systemReserved": {"cpu": "100m"}}},
     {"imageFamily": "AzureLinux", "maxPods": 250, "kubelet": {"imageGCHighThresholdPercent": 85}},
     ["KAR-014", "KAR-014"]),
    ({"tags": {"team": "web", "karpenter.sh/discovery": "c"}},
     {"imageFamily": "AzureLinux", "tags": {"team": "web"}}, ["KAR-015"]),
    ({"instanceStorePolicy": "RAID0", "detailedMonitoring": True, "somethingNew": 1},
     {"imageFamily": "AzureLinux"}, ["KAR-015", "KAR-010", "KAR-015"]),
]


@pytest.mark.parametrize("spec,expected,expected_rules", NODE_CLASSES)
def test_node_classes(spec, expected, expected_rules):
    doc = {"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass",
           "metadata": {"name": "default", "labels": {"a": "b"}, "uid": "x"}, "spec": spec}
    ctx, obj, res = only(yaml.safe_dump(doc, sort_keys=False))
    assert res.outcome == "translated" and rules(res) == expected_rules
    (nc,) = res.objects
    check_nap(nc)
    assert nc["metadata"] == {"name": "default", "labels": {"a": "b"}} and nc["spec"] == expected
    assert all(f.line and f.file == "in.yaml" for f in res.findings)
    assert ctx.cluster_requests == {"nodeAutoProvisioning"}


def test_v1beta1_node_class():
    _, _, res = only("apiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata: {name: d}\n"
                     "spec: {amiFamily: Ubuntu, role: r}\n")
    assert res.objects[0]["spec"] == {"imageFamily": "Ubuntu"} and rules(res) == ["KAR-012"]


# --- workloads selecting Karpenter AWS labels ----------------------------------------------------

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: SELECTOR
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 10
            preference:
              matchExpressions: [{key: karpenter.k8s.aws/instance-gpu-name, operator: In, values: [t4]}]
      containers: [{name: web, image: nginx}]
"""


def test_node_selection_on_karpenter_labels():
    text = DEPLOY.replace("SELECTOR", "{karpenter.k8s.aws/instance-cpu: '4', karpenter.k8s.aws/instance-category: c,"
                                      " kubernetes.io/os: linux}")
    _, obj, res = only(text)
    assert res.outcome == "translated" and rules(res) == ["KAR-001", "KAR-017"]
    assert res.findings[0].line == obj.line("spec", "template", "spec", "nodeSelector")
    spec = res.objects[0]["spec"]["template"]["spec"]
    # single-valued results stay node selectors; multi-valued ones become required node affinity
    assert spec["nodeSelector"] == {"kubernetes.io/os": "linux", "karpenter.azure.com/sku-cpu": "4"}
    aff = spec["affinity"]["nodeAffinity"]
    assert aff["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] == [
        {"matchExpressions": [req(SF, "In", "D", "F")]}]
    assert aff["preferredDuringSchedulingIgnoredDuringExecution"][0]["preference"]["matchExpressions"] == [
        req("karpenter.azure.com/sku-gpu-name", "In", "T4")]
    validate_core(res.objects[0])


@pytest.mark.parametrize("selector", ["{kubernetes.io/os: linux}", "{topology.kubernetes.io/zone: us-east-1a}"])
def test_workloads_without_karpenter_labels_are_not_our_concern(selector):
    text = DEPLOY.replace("SELECTOR", selector).replace("karpenter.k8s.aws/instance-gpu-name", "gpu")
    assert only(text)[2] is None


# --- catalogue, data, corpus -----------------------------------------------------------------------

def test_rule_catalogue_shape():
    raw = yaml.safe_load((DATA / "rules" / "karpenter.yaml").read_text())["rules"]
    assert set(raw) == KAR_RULES
    for rid, r in raw.items():
        assert re.fullmatch(r"KAR-\d{3}", rid) and r["area"] == "compute"


def test_every_emitted_rule_is_catalogued_and_every_rule_is_emitted():
    assert emitted_rule_ids("KAR", "karpenter/*.py", "karpenter_*.csv") == KAR_RULES


def test_data_tables_have_provenance():
    tables = sorted(DATA.glob("karpenter_*.csv"))
    assert {t.name for t in tables} == {"karpenter_requirement_keys.csv", "karpenter_gpu_names.csv",
                                        "karpenter_ami_families.csv", "karpenter_nodeclass_fields.csv"}
    for t in tables:
        assert t.read_text().startswith("# provenance:"), t.name


def test_translator_does_not_import_pulumi():
    for f in SRC.glob("karpenter/*.py"):
        assert not re.search(r"^\s*(import|from)\s+pulumi", f.read_text(), re.M), f.name


def test_karpenter_corpus():
    ctx, pairs = run(KARPENTER_TRANSLATORS, load_corpus(corpus_files()), WorkloadContext(location="eastus"))
    counts = {"NodePool": 0, "EC2NodeClass": 0}
    for o, res in pairs:
        if (o.group, o.kind) in (("karpenter.sh", "NodePool"), ("karpenter.k8s.aws", "EC2NodeClass")):
            counts[o.kind] += 1
            assert res is not None and res.outcome == "translated", o.ref()
            check_nap(res.objects[0])
        if res is not None:
            assert {f.rule_id for f in res.findings} <= KAR_RULES
            assert all(f.file == o.file and f.line for f in res.findings)
            for new in res.objects:
                validate_core(new)
    assert counts["NodePool"] >= 27 and counts["EC2NodeClass"] >= 26
    assert ctx.cluster_requests == {"nodeAutoProvisioning"}


def test_whole_corpus_never_raises():
    _, pairs = run(KARPENTER_TRANSLATORS, load_corpus(corpus_files(None)), WorkloadContext(location="eastus"))
    for _, res in pairs:
        assert res is None or res.outcome in ("translated", "passthrough", "dropped")
