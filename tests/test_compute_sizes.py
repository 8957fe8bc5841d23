"""eksctl node groups -> AKS agent pools (translators/cluster/compute.py): VM size mapping, accelerators and
overrides. Helpers live in builders_compute.py."""
from __future__ import annotations

import pytest

from builders_compute import assert_system_pool_valid, groups, pool, rules, run
from translators.findings import catalogue
from translators.refdata import vm_sizes

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
