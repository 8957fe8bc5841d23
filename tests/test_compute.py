"""eksctl node groups -> AKS agent pools (translators/compute.py)."""
from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from translators.compute import parse_taints, zone_number
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.findings import catalogue
from translators.naming import POOL_LINUX, POOL_WINDOWS
from translators.refdata import vm_sizes

AS_OF = dt.date(2026, 11, 22)


def head(region: str = "us-east-1") -> str:
    return ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n"
            f"  region: {region}\n  version: \"1.35\"\n")


def run(tmp_path: Path, body: str, region: str = "us-east-1", **opts):
    p = tmp_path / "cluster.yaml"
    p.write_text(head(region) + textwrap.dedent(body), encoding="utf-8")
    return translate_estate(str(p), TranslateOptions(as_of=AS_OF, **opts))


def groups(tmp_path: Path, kind: str, *groups: dict, **opts):
    """Translate ``groups`` (dicts) written as JSON flow YAML under ``kind``."""
    body = f"{kind}:\n" + "".join(f"  - {json.dumps(g)}\n" for g in groups)
    return run(tmp_path, body, **opts)


def pool(plan, source_prefix: str):
    (p,) = [p for p in plan.node_pools if p.source.startswith(source_prefix)]
    return p


def rules(plan, rule_id: str | None = None):
    ids = [f.rule_id for f in plan.findings]
    return ids if rule_id is None else [f for f in plan.findings if f.rule_id == rule_id]


def assert_system_pool_valid(plan):
    """Exactly one System pool, first, and it meets the AKS system pool rules."""
    systems = [p for p in plan.node_pools if p.mode == "System"]
    assert len(systems) == 1
    s = systems[0]
    assert plan.node_pools[0] is s
    vm = vm_sizes()[s.vm_size]
    assert s.os_type == "Linux" and not s.spot
    assert not vm.series.startswith("B")
    assert vm.vcpu >= 4 and vm.memory_gib >= 4
    assert (s.max_pods or 250) >= 30
    assert s.count >= 1 and (s.min_count is None or s.min_count >= 1)
    names = [p.name for p in plan.node_pools]
    assert len(names) == len(set(names))
    for p in plan.node_pools:
        assert (POOL_WINDOWS if p.os_type == "Windows" else POOL_LINUX).match(p.name), p.name
    return s


# --- names -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("group, ami, expected", [
    ("ng-general-purpose", None, "nggeneralpur"),
    ("NG_1", None, "ng1"),
    ("1st-group", None, "np1stgroup"),
    ("workers.blue", None, "workersblue"),
    ("a" * 30, None, "a" * 12),
    ("---", None, "pool"),
    ("windows-ng", "WindowsServer2022CoreContainer", "window"),
    ("win2019", "WindowsServer2019FullContainer", "win201"),
    ("9win", "WindowsServer2022FullContainer", "np9win"),
])
def test_pool_names_are_sanitised(tmp_path, group, ami, expected):
    g = {"name": group, "instanceType": "m5.xlarge"}
    if ami:
        g["amiFamily"] = ami
    plan = groups(tmp_path, "nodeGroups", g)
    p = pool(plan, "nodeGroups[0]")
    assert p.name == expected
    assert (POOL_WINDOWS if ami else POOL_LINUX).match(p.name)
    assert_system_pool_valid(plan)


@pytest.mark.parametrize("kinds, names", [
    (("nodeGroups", "nodeGroups"), ("ng-general-purpose-1", "ng-general-purpose-2")),
    (("managedNodeGroups", "nodeGroups"), ("ng-1", "ng_1")),
    (("managedNodeGroups", "managedNodeGroups"), ("Workers", "workers")),
])
def test_name_collision_after_sanitising_is_an_error_naming_both(tmp_path, kinds, names):
    body = ""
    for kind in dict.fromkeys(kinds):
        body += f"{kind}:\n" + "".join(f"  - name: {n}\n    instanceType: m5.xlarge\n"
                                       for k, n in zip(kinds, names) if k == kind)
    with pytest.raises(InputError) as ei:
        run(tmp_path, body)
    msg = str(ei.value)
    assert f"({names[0]})" in msg and f"({names[1]})" in msg
    assert ei.value.field.endswith(".name") and ei.value.field.startswith(kinds[1])
    assert ei.value.line is not None and ei.value.line > 6


def test_added_system_pool_avoids_a_group_called_system(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "system", "instanceType": "t3.medium"})
    assert [p.name for p in plan.node_pools] == ["sysnp", "system"]
    assert_system_pool_valid(plan)


@pytest.mark.parametrize("taken, expected", [
    (["system"], "sysnp"),
    (["system", "sysnp"], "sysnp1"),
    (["system", "sysnp", "sysnp1"], "sysnp2"),
])
def test_added_system_pool_name_never_collides(tmp_path, taken, expected):
    plan = groups(tmp_path, "nodeGroups", *({"name": n, "instanceType": "t3.medium"} for n in taken))
    assert plan.node_pools[0].name == expected
    assert_system_pool_valid(plan)


# --- counts --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("desired, lo, hi, count, auto, min_count, max_count", [
    (None, None, None, 2, False, None, None),   # eksctl default desiredCapacity 2
    (3, None, None, 3, False, None, None),
    (3, 1, 5, 3, True, 1, 5),
    (None, 1, 4, 1, True, 1, 4),
    (None, 2, 2, 2, False, None, None),
    (2, 2, 2, 2, False, None, None),
    (None, None, 5, 2, True, 2, 5),
    (None, 3, None, 3, False, None, None),
    (0, 0, 3, 0, True, 0, 3),
])
def test_counts_and_autoscaling(tmp_path, desired, lo, hi, count, auto, min_count, max_count):
    g = {"name": "ng", "instanceType": "m5.xlarge"}
    for k, v in (("desiredCapacity", desired), ("minSize", lo), ("maxSize", hi)):
        if v is not None:
            g[k] = v
    p = pool(groups(tmp_path, "managedNodeGroups", g), "managedNodeGroups[0]")
    assert (p.count, p.enable_auto_scaling, p.min_count, p.max_count) == (count, auto, min_count, max_count)


def test_min_greater_than_max_is_an_error(tmp_path):
    with pytest.raises(InputError) as ei:
        run(tmp_path, "managedNodeGroups:\n  - name: ng\n    minSize: 5\n    maxSize: 2\n")
    assert (ei.value.line, ei.value.field) == (9, "managedNodeGroups[0].minSize")
    assert "minSize 5 is greater than maxSize 2" in ei.value.message


# --- scheduling ------------------------------------------------------------------------------------------

def test_labels_and_tags(tmp_path):
    p = pool(groups(tmp_path, "managedNodeGroups", {
        "name": "ng", "instanceType": "m5.xlarge", "labels": {"role": "web", "example.com/tier": "1"},
        "tags": {"cost-center": "42"}}), "managedNodeGroups[0]")
    assert p.labels == {"role": "web", "example.com/tier": "1"}
    assert p.tags == {"cost-center": "42"}


@pytest.mark.parametrize("taints, expected", [
    ([{"key": "k1", "value": "v1", "effect": "NoSchedule"}, {"key": "k2", "effect": "NoExecute"}],
     ["k1=v1:NoSchedule", "k2:NoExecute"]),
    ([{"key": "example.com/gpu", "value": "true", "effect": "PreferNoSchedule"}],
     ["example.com/gpu=true:PreferNoSchedule"]),
    ({"dedicated": "db:NoSchedule", "k2": ":NoExecute"}, ["dedicated=db:NoSchedule", "k2:NoExecute"]),
])
def test_taints_list_and_map_forms(tmp_path, taints, expected):
    p = pool(groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge", "taints": taints}),
             "nodeGroups[0]")
    assert p.taints == expected


@pytest.mark.parametrize("taints", [{"dedicated": "db"}, [{"key": "k", "value": "v", "effect": "Bogus"}]])
def test_taint_without_valid_effect_is_refused(tmp_path, taints):
    with pytest.raises(InputError):
        groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge", "taints": taints})


@pytest.mark.parametrize("raw, expected", [
    ({"a": "b:NoSchedule"}, [("a", "b", "NoSchedule")]),
    ({"a": "x:y:NoExecute"}, [("a", "x:y", "NoExecute")]),
    ([{"key": "a"}], [("a", "", "NoSchedule")]),
    (None, []),
])
def test_parse_taints(raw, expected):
    assert parse_taints(raw) == expected


def test_volume_size(tmp_path):
    plan = groups(tmp_path, "managedNodeGroups",
                  {"name": "ng", "instanceType": "m5.xlarge", "volumeSize": 120, "volumeType": "gp3"})
    p = pool(plan, "managedNodeGroups[0]")
    assert (p.os_disk_size_gb, p.os_disk_type) == (120, "Managed")
    assert rules(plan, "CMP-018") == []  # volumeType alone is not approximated


def test_volume_extras_are_reported(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge", "volumeSize": 50,
                                           "volumeIOPS": 4000, "volumeEncrypted": True})
    (f,) = rules(plan, "CMP-018")
    assert "volumeIOPS" in f.message and "volumeEncrypted" in f.message


@pytest.mark.parametrize("zones, expected, unmapped", [
    (["us-east-1a", "us-east-1b", "us-east-1c"], ["1", "2", "3"], 0),
    (["us-east-1c", "us-east-1a"], ["1", "3"], 0),
    (["us-east-1a", "us-east-1d"], ["1"], 1),
    (["use1-az1"], [], 1),
])
def test_availability_zones(tmp_path, zones, expected, unmapped):
    plan = groups(tmp_path, "managedNodeGroups", {"name": "ng", "instanceType": "m5.xlarge",
                                                  "availabilityZones": zones})
    assert pool(plan, "managedNodeGroups[0]").availability_zones == expected
    assert len(rules(plan, "CMP-016")) == unmapped


def test_zones_dropped_in_a_region_without_zones(tmp_path):
    body = "managedNodeGroups:\n  - name: ng\n    instanceType: m5.xlarge\n" \
           "    availabilityZones: [ap-south-2a, ap-south-2b]\n"
    plan = run(tmp_path, body, region="ap-south-2")  # -> southindia, no availability zones
    assert plan.cluster.location == "southindia"
    assert pool(plan, "managedNodeGroups[0]").availability_zones == []
    assert len(rules(plan, "CMP-016")) == 2


@pytest.mark.parametrize("zone, n", [("us-east-1a", "1"), ("eu-west-2c", "3"), ("ap-southeast-2b", "2"),
                                     ("us-east-1e", None), ("us-west-2-lax-1a", None), ("use1-az4", None)])
def test_zone_number(zone, n):
    assert zone_number(zone) == n


@pytest.mark.parametrize("max_pods, expected, capped", [(110, 110, False), (250, 250, False), (300, 250, True),
                                                        (None, None, False)])
def test_max_pods(tmp_path, max_pods, expected, capped):
    g = {"name": "ng", "instanceType": "m5.xlarge"}
    if max_pods is not None:
        g["maxPodsPerNode"] = max_pods
    plan = groups(tmp_path, "managedNodeGroups", g)
    assert pool(plan, "managedNodeGroups[0]").max_pods == expected
    assert bool(rules(plan, "CMP-021")) == capped


def test_windows_max_pods_default_and_cap(tmp_path):
    plan = groups(tmp_path, "nodeGroups",
                  {"name": "win", "instanceType": "m5.xlarge", "amiFamily": "WindowsServer2022CoreContainer"},
                  {"name": "win2", "instanceType": "m5.xlarge", "amiFamily": "WindowsServer2022CoreContainer",
                   "maxPodsPerNode": 200})
    assert pool(plan, "nodeGroups[0]").max_pods == 110
    assert pool(plan, "nodeGroups[1]").max_pods == 110
    assert len(rules(plan, "CMP-021")) == 1


# --- spot ------------------------------------------------------------------------------------------------

def assert_spot(p):
    assert p.spot is True
    assert p.spot_eviction_policy == "Delete"
    assert p.spot_max_price == -1.0


def test_managed_spot(tmp_path):
    plan = groups(tmp_path, "managedNodeGroups",
                  {"name": "spot", "instanceTypes": ["m5.xlarge", "m5a.xlarge", "m4.xlarge"], "spot": True})
    p = pool(plan, "managedNodeGroups[0]")
    assert_spot(p)
    assert p.vm_size == "Standard_D4s_v5"  # the first type
    (cmp4,) = rules(plan, "CMP-004")
    assert "m5.xlarge, m5a.xlarge, m4.xlarge" in cmp4.message
    assert len(rules(plan, "CMP-011")) == 1
    assert p.mode == "User"
    assert rules(plan, "CMP-010")  # spot can't be the system pool


def test_unmanaged_spot_instances_distribution(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "spot", "instancesDistribution": {
        "instanceTypes": ["c5.xlarge", "c5a.xlarge"], "onDemandBaseCapacity": 0,
        "onDemandPercentageAboveBaseCapacity": 0, "spotInstancePools": 2}})
    p = pool(plan, "nodeGroups[0]")
    assert_spot(p)
    assert p.vm_size == "Standard_F4s_v2"
    assert len(rules(plan, "CMP-004")) == 1
    assert len(rules(plan, "CMP-011")) == 1
    assert rules(plan, "CMP-012") == []


def test_unmanaged_spot_max_price(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "spot", "instancesDistribution": {
        "instanceTypes": ["m5.xlarge"], "maxPrice": 0.2, "onDemandPercentageAboveBaseCapacity": 0}})
    p = pool(plan, "nodeGroups[0]")
    assert p.spot and p.spot_max_price == 0.2


@pytest.mark.parametrize("dist, cmp012", [
    ({"onDemandPercentageAboveBaseCapacity": 50}, True),
    ({"onDemandPercentageAboveBaseCapacity": 0, "onDemandBaseCapacity": 1}, True),
    ({"onDemandPercentageAboveBaseCapacity": 100}, False),
])
def test_mixed_capacity_is_planned_regular(tmp_path, dist, cmp012):
    dist = {"instanceTypes": ["m5.xlarge"], **dist}
    plan = groups(tmp_path, "nodeGroups", {"name": "mixed", "instancesDistribution": dist})
    p = pool(plan, "nodeGroups[0]")
    assert p.spot is False and p.spot_eviction_policy is None
    assert bool(rules(plan, "CMP-012")) == cmp012


# --- OS ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ami, os_type, os_sku, rule", [
    (None, "Linux", "AzureLinux", None),
    ("AmazonLinux2", "Linux", "AzureLinux", None),
    ("AmazonLinux2023", "Linux", "AzureLinux", None),
    ("Ubuntu2204", "Linux", "Ubuntu", None),
    ("UbuntuPro2404", "Linux", "Ubuntu", None),
    ("Bottlerocket", "Linux", "AzureLinux", "CMP-014"),
    ("WindowsServer2019FullContainer", "Windows", "Windows2022", "CMP-017"),
    ("WindowsServer2019CoreContainer", "Windows", "Windows2022", "CMP-017"),
    ("WindowsServer2022CoreContainer", "Windows", "Windows2022", "CMP-017"),
    ("WindowsServer2025FullContainer", "Windows", "Windows2025", "CMP-017"),
])
def test_ami_family_to_os(tmp_path, ami, os_type, os_sku, rule):
    g = {"name": "ng", "instanceType": "m5.xlarge"}
    if ami:
        g["amiFamily"] = ami
    plan = groups(tmp_path, "nodeGroups", g)
    p = pool(plan, "nodeGroups[0]")
    assert (p.os_type, p.os_sku) == (os_type, os_sku)
    for r in ("CMP-014", "CMP-017"):
        assert bool(rules(plan, r)) == (r == rule), r
    if os_type == "Windows":
        assert p.mode == "User" and len(p.name) <= 6
    assert_system_pool_valid(plan)


# --- kubelet -----------------------------------------------------------------------------------------------

def test_kubelet_extra_config(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge", "kubeletExtraConfig": {
        "cpuManagerPolicy": "static", "cpuCFSQuota": False, "imageGCHighThresholdPercent": 85,
        "imageGCLowThresholdPercent": 70, "topologyManagerPolicy": "best-effort",
        "allowedUnsafeSysctls": ["net.core.somaxconn"], "failSwapOn": True, "containerLogMaxSize": "50Mi",
        "containerLogMaxFiles": 5, "podPidsLimit": 1024, "maxPods": 60,
        "kubeReserved": {"cpu": "300m"}, "evictionHard": {"memory.available": "200Mi"}}})
    p = pool(plan, "nodeGroups[0]")
    assert p.kubelet_config == {
        "cpuManagerPolicy": "static", "cpuCfsQuota": False, "imageGcHighThreshold": 85, "imageGcLowThreshold": 70,
        "topologyManagerPolicy": "best-effort", "allowedUnsafeSysctls": ["net.core.somaxconn"], "failSwapOn": True,
        "containerLogMaxSizeMB": 50, "containerLogMaxFiles": 5, "podMaxPids": 1024}
    assert p.max_pods == 60
    unsupported = rules(plan, "CMP-013")
    assert sorted(f.message.split("kubeletExtraConfig.")[1].split()[0] for f in unsupported) == [
        "evictionHard", "kubeReserved"]
    assert {f.line for f in unsupported} == {8}  # one-line flow mapping: all on the group's line


@pytest.mark.parametrize("size, mb", [("10Mi", 10), ("1Gi", 1024), ("2048Ki", 2), ("104857600", 100)])
def test_container_log_max_size_conversion(tmp_path, size, mb):
    p = pool(groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge",
                                             "kubeletExtraConfig": {"containerLogMaxSize": size}}), "nodeGroups[0]")
    assert p.kubelet_config == {"containerLogMaxSizeMB": mb}


def test_unconvertible_kubelet_value_is_reported(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge",
                                           "kubeletExtraConfig": {"containerLogMaxSize": "lots"}})
    assert pool(plan, "nodeGroups[0]").kubelet_config == {}
    (f,) = rules(plan, "CMP-013")
    assert "could not be converted" in f.message


def test_max_pods_per_node_wins_over_kubelet_max_pods(tmp_path):
    p = pool(groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge", "maxPodsPerNode": 90,
                                             "kubeletExtraConfig": {"maxPods": 40}}), "nodeGroups[0]")
    assert p.max_pods == 90


# --- unsupported features ----------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, rule", [
    ({"preBootstrapCommands": ["echo hi"]}, "CMP-008"),
    ({"overrideBootstrapCommand": "#!/bin/bash\n/etc/eks/bootstrap.sh demo"}, "CMP-008"),
    ({"ssh": {"allow": True}}, "CMP-009"),
    ({"ssh": {"publicKeyName": "my-key"}}, "CMP-009"),
    ({"ssh": {"publicKeyPath": "~/.ssh/id_rsa.pub"}}, "CMP-009"),
    ({"efaEnabled": True}, "CMP-015"),
    ({"ami": "ami-0123456789abcdef0", "amiFamily": "AmazonLinux2"}, "CMP-014"),
    ({"iam": {"attachPolicyARNs": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}}, "CMP-020"),
    ({"instanceSelector": {"vCPUs": 4, "memory": "16"}}, "CMP-019"),
])
def test_unsupported_features_are_reported(tmp_path, extra, rule):
    g = {"name": "ng", **extra}
    if "instanceSelector" not in extra:
        g["instanceType"] = "m5.xlarge"
    plan = groups(tmp_path, "nodeGroups", g)
    assert len(rules(plan, rule)) == 1
    assert rules(plan, "INP-001") == []


def test_ssh_disabled_is_not_reported(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge", "ssh": {"allow": False}})
    assert rules(plan, "CMP-009") == [] and rules(plan, "INP-001") == []


def test_instance_selector_plans_the_default_size(tmp_path):
    plan = groups(tmp_path, "managedNodeGroups", {"name": "sel", "instanceSelector": {"vCPUs": 2}})
    assert pool(plan, "managedNodeGroups[0]").vm_size == "Standard_D2s_v5"


def test_untranslated_group_field_is_reported_not_dropped(tmp_path):
    plan = run(tmp_path, "nodeGroups:\n  - name: ng\n    instanceType: m5.xlarge\n    disableIMDSv1: true\n"
                         "    instanceName: custom\n")
    inp = {f.message: f.line for f in rules(plan, "INP-001")}
    assert inp == {"nodeGroups[0].disableIMDSv1 is not translated": 10,
                   "nodeGroups[0].instanceName is not translated": 11}


# --- system pool ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("gs, system_source", [
    ([{"name": "big", "instanceType": "m5.xlarge"}], "managedNodeGroups[0]"),
    ([{"name": "arm", "instanceType": "m6g.xlarge"}], "managedNodeGroups[0]"),
    ([{"name": "tainted", "instanceType": "m5.xlarge", "taints": [{"key": "k", "effect": "NoSchedule"}]},
      {"name": "plain", "instanceType": "m5.2xlarge"}], "managedNodeGroups[1]"),
    ([{"name": "small", "instanceType": "m5.large"}, {"name": "big", "instanceType": "m5.xlarge"}],
     "managedNodeGroups[1]"),
    ([{"name": "small", "instanceType": "t3.medium"}], None),          # 2 vCPU, B-series
    ([{"name": "burst", "instanceType": "t3.xlarge"}], None),          # 4 vCPU but B-series
    ([{"name": "two", "instanceType": "m5.large"}], None),             # 2 vCPU
    ([{"name": "spot", "instanceType": "m5.xlarge", "spot": True}], None),
    ([{"name": "win", "instanceType": "m5.xlarge", "amiFamily": "WindowsServer2022FullContainer"}], None),
    ([{"name": "few", "instanceType": "m5.xlarge", "maxPodsPerNode": 20}], None),   # < 30 pods
    ([{"name": "zero", "instanceType": "m5.xlarge", "desiredCapacity": 0, "minSize": 0, "maxSize": 3}], None),
    ([{"name": "zeromin", "instanceType": "m5.xlarge", "desiredCapacity": 1, "minSize": 0, "maxSize": 3}], None),
    ([{"name": "small", "instanceType": "t3.medium"}, {"name": "spot", "instanceType": "m5.xlarge",
                                                       "spot": True}], None),
])
def test_exactly_one_system_pool(tmp_path, gs, system_source):
    plan = groups(tmp_path, "managedNodeGroups", *gs)
    s = assert_system_pool_valid(plan)
    added = rules(plan, "CMP-010")
    if system_source is None:
        assert len(added) == 1
        assert (s.name, s.vm_size, s.count, s.min_count, s.max_count, s.enable_auto_scaling) == (
            "system", "Standard_D4s_v5", 2, 2, 3, True)
        assert s.taints == ["CriticalAddonsOnly=true:NoSchedule"]
        assert len(plan.node_pools) == len(gs) + 1
    else:
        assert added == []
        assert s.source.startswith(system_source)
        assert len(plan.node_pools) == len(gs)
    assert all(p.mode == "User" for p in plan.node_pools[1:])


def test_no_node_groups_still_gets_a_system_pool(tmp_path):
    plan = run(tmp_path, "")
    s = assert_system_pool_valid(plan)
    assert s.name == "system" and len(plan.node_pools) == 1


# --- accelerators ----------------------------------------------------------------------------------------------

def test_arm64_pool(tmp_path):
    plan = groups(tmp_path, "managedNodeGroups", {"name": "arm", "instanceType": "m6g.xlarge"})
    p = pool(plan, "managedNodeGroups[0]")
    assert (p.arch, p.vm_size) == ("arm64", "Standard_D4ps_v5")
    assert len(rules(plan, "CMP-005")) == 1


@pytest.mark.parametrize("ec2, size, gpus, inexact", [
    ("g4dn.xlarge", "Standard_NC4as_T4_v3", 1, False),
    ("p3.2xlarge", "Standard_NC24ads_A100_v4", 1, True),
])
def test_gpu_pool(tmp_path, ec2, size, gpus, inexact):
    plan = groups(tmp_path, "managedNodeGroups", {"name": "gpu", "instanceType": ec2})
    p = pool(plan, "managedNodeGroups[0]")
    assert (p.vm_size, p.gpu_count) == (size, gpus)
    assert len(rules(plan, "CMP-006")) == 1
    assert bool(rules(plan, "CMP-007")) == inexact


@pytest.mark.parametrize("ec2", ["inf1.xlarge", "trn1.2xlarge", "mac1.metal"])
def test_no_equivalent_group_is_not_planned(tmp_path, ec2):
    plan = groups(tmp_path, "nodeGroups", {"name": "acc", "instanceType": ec2},
                  {"name": "general", "instanceType": "m5.xlarge"})
    assert [p.source for p in plan.node_pools] == ["nodeGroups[1] (general)"]
    (f,) = rules(plan, "CMP-002")
    assert f.severity == "high" and catalogue()["CMP-002"].blocking
    assert ec2 in f.message and "pool not planned" in f.message
    assert f.line == 8  # the instanceType line of the first group
    assert_system_pool_valid(plan)


def test_no_equivalent_group_with_cpu_fallback(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "acc", "instanceType": "inf1.xlarge"}, allow_cpu_fallback=True)
    p = pool(plan, "nodeGroups[0]")
    assert p.gpu_count == 0 and vm_sizes()[p.vm_size].vcpu >= 4
    (f,) = rules(plan, "CMP-002")
    assert "fallback" in f.message


def test_unknown_type_is_not_planned(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "odd", "instanceType": "m5.gigantic"})
    assert not [p for p in plan.node_pools if p.source.startswith("nodeGroups")]
    (f,) = rules(plan, "CMP-003")
    assert "m5.gigantic" in f.message and f.severity == "high"


def test_vm_size_override(tmp_path):
    plan = groups(tmp_path, "nodeGroups", {"name": "ng", "instanceType": "m5.xlarge"},
                  vm_size_overrides={"m5.xlarge": "Standard_D4as_v5"})
    assert pool(plan, "nodeGroups[0]").vm_size == "Standard_D4as_v5"
    (f,) = rules(plan, "CMP-001")
    assert "override" in f.message


def test_default_instance_type_is_eksctl_default(tmp_path):
    plan = groups(tmp_path, "managedNodeGroups", {"name": "ng"})
    assert pool(plan, "managedNodeGroups[0]").vm_size == "Standard_D2s_v5"  # m5.large


def test_mapping_finding_points_at_instance_type_line(tmp_path):
    plan = run(tmp_path, "managedNodeGroups:\n  - name: ng\n\n    instanceType: r5.xlarge\n")
    (f,) = rules(plan, "CMP-001")
    assert f.line == 10 and "r5.xlarge -> Standard_E4s_v5" in f.message
