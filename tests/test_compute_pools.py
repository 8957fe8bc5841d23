"""eksctl node groups -> AKS agent pools (translators/cluster/compute.py): spot, OS, kubelet, unsupported
features and the system pool. Helpers live in builders_compute.py."""
from __future__ import annotations

import pytest

from builders_compute import assert_system_pool_valid, groups, pool, rules, run


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
    # Windows2025 is not in the osSKU enum of API 2025-09-01 (the provider's): preflight PRE-036 plans 2022
    ("WindowsServer2025FullContainer", "Windows", "Windows2022", "CMP-017"),
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
    # disableIMDSv1: true is eksctl's default (read as unset, eksctl_dryrun_defaults.csv) and a false flag turns
    # nothing on (no finding); instancePrefix/instanceName name EC2 instances, which AKS names itself
    plan = run(tmp_path, "nodeGroups:\n  - name: ng\n    instanceType: m5.xlarge\n    disableIMDSv1: false\n"
                         "    instancePrefix: shop\n    instanceName: custom\n")
    inp = {f.message: f.line for f in rules(plan, "INP-001")}
    assert inp == {"nodeGroups[0].instancePrefix is not translated": 11,
                   "nodeGroups[0].instanceName is not translated": 12}


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

