"""eksctl node groups -> AKS agent pools (translators/cluster/compute.py): names, counts and scheduling
(helpers in builders_compute.py). Spot/OS/kubelet/system pool: test_compute_pools.py; VM sizes: test_compute_sizes.py."""
from __future__ import annotations


import pytest

from builders_compute import assert_system_pool_valid, groups, pool, rules, run
from translators.cluster.compute import parse_taints, zone_number
from translators.errors import InputError
from translators.naming import POOL_LINUX, POOL_WINDOWS


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
def test_name_collision_after_sanitising_renames_the_second(tmp_path, kinds, names):
    body = ""
    for kind in dict.fromkeys(kinds):
        body += f"{kind}:\n" + "".join(f"  - name: {n}\n    instanceType: m5.xlarge\n"
                                       for k, n in zip(kinds, names) if k == kind)
    plan = run(tmp_path, body)  # was an InputError; now a unique name and CMP-022 (tests/test_pool_names.py)
    assert len({p.name for p in plan.node_pools}) == 2
    [f] = [f for f in plan.findings if f.rule_id == "CMP-022"]
    assert f"({names[0]})" in f.message and f"({names[1]})" in f.message and f.line > 6


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
