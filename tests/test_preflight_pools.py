"""Preflight (translators/checks/preflight/), continued: OS disk, maxPods and counts, VM sizes, names, version,
audit logs, ARM enums and Spot; the rules table, tags, network and disks are in tests/test_preflight.py."""
from __future__ import annotations


import pytest

from translators.estate import TranslateOptions

from builders_preflight import HEAD, LINUX_GROUP, WINDOWS_GROUP, estate, pool, pre, rerun


# --- OS disk, maxPods, counts --------------------------------------------------------------------------------

def test_pre013_os_disk_below_30_gib_is_raised(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + "    volumeSize: 10\n")
    assert pool(plan, "apps").os_disk_size_gb == 30
    assert "10 GiB -> 30 GiB" in pre(plan.findings, "PRE-013")[0].message


def test_pre014_os_disk_above_2048_gib_is_capped(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + "    volumeSize: 4096\n")
    assert pool(plan, "apps").os_disk_size_gb == 2048 and pre(plan.findings, "PRE-014")


def test_pre015_ephemeral_os_disk_on_size_without_local_disk(tmp_path):
    plan = estate(tmp_path)
    p = pool(plan, "apps")
    p.os_disk_type = "Ephemeral"
    assert p.vm_size == "Standard_D4s_v5"  # no local temp disk
    assert pre(rerun(plan), "PRE-015") and p.os_disk_type == "Managed"


def test_pre016_max_pods_below_10_is_raised(tmp_path):
    plan = estate(tmp_path, "managedNodeGroups:\n  - name: apps\n    instanceType: m5.xlarge\n"
                            "    desiredCapacity: 4\n    maxPodsPerNode: 4\n")
    assert pool(plan, "apps").max_pods == 10 and pre(plan.findings, "PRE-016")
    assert not pre(plan.findings, "PRE-037")  # 4 nodes x 10 pods >= 30


def test_pre037_pool_needs_room_for_30_pods(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + "    maxPodsPerNode: 12\n")  # 2 nodes x 12 = 24 pods
    assert pool(plan, "apps").max_pods == 15
    assert "2 node(s) x maxPods 12" in pre(plan.findings, "PRE-037")[0].message


def test_pre017_max_pods_above_250_is_capped(tmp_path):
    plan = estate(tmp_path)
    pool(plan, "apps").max_pods = 500
    assert pre(rerun(plan), "PRE-017") and pool(plan, "apps").max_pods == 250


def test_pre018_system_pool_needs_30_pods(tmp_path):
    plan = estate(tmp_path)
    system = plan.system_pools[0]
    system.max_pods = 20
    assert pre(rerun(plan), "PRE-018") and system.max_pods == 30


def test_pre019_system_pool_needs_one_node(tmp_path):
    plan = estate(tmp_path)
    system = plan.system_pools[0]
    system.count, system.enable_auto_scaling, system.min_count, system.max_count = 0, True, 0, 3
    assert pre(rerun(plan), "PRE-019")
    assert (system.count, system.min_count, system.max_count) == (1, 1, 3)


def test_pre020_node_counts_clamped_to_1000(tmp_path):
    plan = estate(tmp_path, "managedNodeGroups:\n  - name: big\n    instanceType: m5.xlarge\n    minSize: 10\n"
                            "    maxSize: 1500\n    desiredCapacity: 1200\n")
    p = pool(plan, "big")
    assert (p.count, p.min_count, p.max_count) == (1000, 10, 1000)
    assert pre(plan.findings, "PRE-020")


def test_pre021_inconsistent_autoscaler_bounds(tmp_path):
    plan = estate(tmp_path, "managedNodeGroups:\n  - name: apps\n    instanceType: m5.xlarge\n    minSize: 2\n"
                            "    maxSize: 5\n")
    p = pool(plan, "apps")
    p.min_count, p.max_count, p.count = 5, 2, 9
    assert pre(rerun(plan), "PRE-021")
    assert (p.count, p.min_count, p.max_count) == (5, 2, 5)


def test_pre022_more_than_5000_nodes_is_refused(tmp_path):
    groups = "".join(f"  - name: g{i}\n    instanceType: m5.xlarge\n    desiredCapacity: 1000\n" for i in range(6))
    plan = estate(tmp_path, "managedNodeGroups:\n" + groups)
    [f] = pre(plan.findings, "PRE-022")
    assert f.severity == "high" and "600" in f.message


def test_pre023_more_than_100_pools_is_refused(tmp_path):
    groups = "".join(f"  - name: g{i}\n    instanceType: m5.xlarge\n    desiredCapacity: 1\n" for i in range(101))
    plan = estate(tmp_path, "managedNodeGroups:\n" + groups)
    [f] = pre(plan.findings, "PRE-023")
    assert f.severity == "high"


# --- VM sizes -------------------------------------------------------------------------------------------------

def test_pre024_vm_size_not_offered_for_aks(tmp_path):
    plan = estate(tmp_path, vm_size_overrides={"m5.xlarge": "Standard_A1_v2"})
    assert pool(plan, "apps").vm_size == "Standard_A1_v2"
    [f] = pre(plan.findings, "PRE-024")
    assert "not in the AKS-eligible size list" in f.message and f.severity == "high"


def test_pre025_system_pool_on_b_series(tmp_path):
    plan = estate(tmp_path)
    plan.system_pools[0].vm_size = "Standard_B4ms"
    [f] = pre(rerun(plan), "PRE-025")
    assert "B-series" in f.message


# --- names ------------------------------------------------------------------------------------------------

def test_pre026_pool_name_invalid(tmp_path):
    plan = estate(tmp_path)
    pool(plan, "apps").name = "Apps-Pool-Number-1"
    assert pre(rerun(plan), "PRE-026") and any(p.name == "appspoolnumb" for p in plan.node_pools)


def test_pre027_duplicate_pool_names(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + "  - name: web\n    instanceType: m5.xlarge\n")
    pool(plan, "web").name = "apps"
    assert pre(rerun(plan), "PRE-027")
    assert sorted(p.name for p in plan.node_pools if p.name.startswith("apps")) == ["apps", "apps2"]


def test_pre028_cluster_name_invalid(tmp_path):
    plan = estate(tmp_path)
    plan.cluster.name = "bad name!"
    assert pre(rerun(plan), "PRE-028") and plan.cluster.name == "bad-name"


def test_pre029_dns_prefix_invalid(tmp_path):
    plan = estate(tmp_path)
    plan.cluster.dns_prefix = "-x" * 40
    assert pre(rerun(plan), "PRE-029") and plan.cluster.dns_prefix == "demo"


def test_pre030_resource_group_name_invalid(tmp_path):
    plan = estate(tmp_path)
    plan.cluster.resource_group_name = "rg-demo."
    assert pre(rerun(plan), "PRE-030") and plan.cluster.resource_group_name == "rg-demo"


# --- version, logs, enums, spot ------------------------------------------------------------------------------

def test_pre031_unsupported_version_is_clamped(tmp_path):
    plan = estate(tmp_path)
    plan.cluster.kubernetes_version = "1.29"
    [f] = pre(rerun(plan), "PRE-031")
    # on 2026-11-22 1.34 is past its end of life (2026-11-01): the oldest supported minor is 1.35
    assert plan.cluster.kubernetes_version == "1.35" and "1.29" in f.message


def test_pre032_one_audit_category(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + "cloudWatch:\n  clusterLogging:\n    enableTypes: [audit]\n")
    assert plan.cluster.diagnostic_categories == ["kube-audit"]
    plan.cluster.diagnostic_categories = ["kube-audit", "kube-audit-admin"]
    assert pre(rerun(plan, audit_admin_only=True), "PRE-032")
    assert plan.cluster.diagnostic_categories == ["kube-audit-admin"]


@pytest.mark.parametrize("types", [["audit"], ["all"]])
def test_audit_admin_only_option(tmp_path, types):
    body = LINUX_GROUP + f"cloudWatch:\n  clusterLogging:\n    enableTypes: {types}\n".replace("'", '"')
    cats = estate(tmp_path, body, audit_log_admin_only=True).cluster.diagnostic_categories
    assert "kube-audit-admin" in cats and "kube-audit" not in cats


def test_audit_admin_only_from_config():
    opts = TranslateOptions.from_config({"auditLogAdminOnly": "true"}.get, "dev")
    assert opts.audit_log_admin_only and not TranslateOptions.from_config({}.get, "dev").audit_log_admin_only


def test_pre033_value_outside_the_arm_enum(tmp_path):
    plan = estate(tmp_path)
    plan.network.network_policy = "weave"
    [f] = pre(rerun(plan), "PRE-033")
    assert "networkPolicy 'weave'" in f.message and f.severity == "high"


def test_pre034_spot_max_price_with_too_many_decimals(tmp_path):
    plan = estate(tmp_path)
    p = pool(plan, "apps")
    p.spot, p.spot_max_price = True, 0.1234567
    assert pre(rerun(plan), "PRE-034") and p.spot_max_price == -1


def test_pre036_windows_2025_planned_on_windows_2022(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + WINDOWS_GROUP.replace("2022", "2025"))
    assert pool(plan, "win").os_sku == "Windows2022"
    assert pre(plan.findings, "PRE-036") and not pre(plan.findings, "PRE-033")


def test_preflight_is_idempotent(tmp_path):
    plan = estate(tmp_path, "karpenter:\n  version: '1.0.0'\n" + LINUX_GROUP + "    volumeSize: 10\n"
                  + WINDOWS_GROUP, head=HEAD + "  tags:\n    karpenter.sh/discovery: demo\n")
    assert [f.rule_id for f in rerun(plan)] == []


def test_naming_patterns_match_the_vendored_arm_excerpt():
    from translators.checks.preflight import arm_schema
    from translators.naming import CLUSTER, POOL_LINUX

    assert POOL_LINUX.pattern == arm_schema()["agentPool"]["name"]["pattern"]
    assert CLUSTER.pattern == arm_schema()["managedCluster"]["name"]["pattern"]
    assert arm_schema()["agentPool"]["osDiskSizeGB"] == {"minimum": 0, "maximum": 2048}


def test_arm_enums_match_the_pulumi_provider_enums():
    """The excerpt's enums are the ones pulumi-azure-native (the deploying provider) accepts."""
    import pulumi_azure_native.containerservice as cs

    from translators.checks.preflight import arm_schema

    pool, net = arm_schema()["agentPool"], arm_schema()["managedCluster"]["networkProfile"]
    for key, enum in (("osSKU", cs.OSSKU), ("osType", cs.OSType), ("osDiskType", cs.OSDiskType),
                      ("mode", cs.AgentPoolMode), ("scaleSetEvictionPolicy", cs.ScaleSetEvictionPolicy)):
        assert sorted(pool[key]) == sorted(m.value for m in enum), key
    for key, enum in (("networkPlugin", cs.NetworkPlugin), ("networkPolicy", cs.NetworkPolicy),
                      ("networkDataplane", cs.NetworkDataplane), ("networkPluginMode", cs.NetworkPluginMode)):
        assert sorted(net[key]) == sorted(m.value for m in enum), key


def test_cli_audit_admin_only_flag(tmp_path):
    from translators.__main__ import _parser, _translate

    cfg = tmp_path / "cluster.yaml"
    cfg.write_text(HEAD + LINUX_GROUP + "cloudWatch:\n  clusterLogging:\n    enableTypes: [audit]\n", encoding="utf-8")
    args = _parser().parse_args(["plan", "--cluster-config", str(cfg), "--audit-admin-only"])
    assert args.audit_admin_only
    assert _translate(args).cluster.diagnostic_categories == ["kube-audit-admin"]
