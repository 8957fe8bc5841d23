"""Preflight (translators/checks/preflight/): one test per PRE rule, each with a small estate that triggers it.

Where the translators already keep a value in range (so no eksctl file can reach the preflight with it), the
test translates a small estate, breaks the plan the way a future translator or override could, and runs the
preflight again on it.
"""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from translators.checks.preflight import PreflightOptions, preflight_rules, run_preflight
from translators.estate import TranslateOptions, translate_estate
from translators.findings import Findings, catalogue

AS_OF = dt.date(2026, 11, 22)
HEAD = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-east-1\n' \
       '  version: "1.35"\n'
LINUX_GROUP = """
managedNodeGroups:
  - name: apps
    instanceType: m5.xlarge
    desiredCapacity: 2
"""
WINDOWS_GROUP = """
  - name: win
    amiFamily: WindowsServer2022FullContainer
    instanceType: m5.large
    desiredCapacity: 1
"""
NODEPOOL = """
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: burst
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: kubernetes.io/arch, operator: In, values: [amd64]}
"""


def estate(tmp_path, body: str = LINUX_GROUP, head: str = HEAD, manifests: str | None = None, **opts):
    """Translate ``head + body`` (and ``manifests`` YAML, if given) with ``TranslateOptions(**opts)``."""
    p = tmp_path / "cluster.yaml"
    p.write_text(head + textwrap.dedent(body), encoding="utf-8")
    files = None
    if manifests is not None:
        m = tmp_path / "m.yaml"
        m.write_text(textwrap.dedent(manifests), encoding="utf-8")
        files = [str(m)]
    return translate_estate(str(p), TranslateOptions(as_of=opts.pop("as_of", AS_OF), **opts), files)


def pre(findings, rule_id: str) -> list:
    return [f for f in findings if f.rule_id == rule_id]


def rerun(plan, **opts) -> Findings:
    """Run the preflight again on ``plan`` (after a test broke it); its new findings."""
    found = Findings()
    run_preflight(plan, found, PreflightOptions(as_of=AS_OF, **opts))
    return found


def pool(plan, name):
    return next(p for p in plan.node_pools if p.name == name)


# --- the rules table ----------------------------------------------------------------------------------------

def test_every_preflight_rule_is_in_the_table_with_its_doc():
    table = {r.id: r for r in preflight_rules().values()}
    ids = sorted(r for r in catalogue() if r.startswith("PRE-") and int(r[4:]) < 50)  # PRE-050..099: deployment
    assert sorted(table) == ids and len(ids) >= 30
    for rid in ids:
        rule = catalogue()[rid]
        assert rule.doc.startswith("https://learn.microsoft.com/") and rule.doc == table[rid].doc, rid
        assert table[rid].auto_fix == bool(table[rid].fixed_severity), rid
        assert rule.area == "preflight" and rule.severity in ("high", "medium")


def test_docs_rules_md_shows_each_preflight_rule_source():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rid, rule in catalogue().items():
        if rid.startswith("PRE-"):
            line = next(ln for ln in text.splitlines() if f"</a>{rid} |" in ln)
            assert f"Source: <{rule.doc}>" in line


# --- tags ----------------------------------------------------------------------------------------------------

def test_pre001_tag_name_with_slash_is_renamed(tmp_path):
    plan = estate(tmp_path, head=HEAD + "  tags:\n    karpenter.sh/discovery: demo\n    team: a&b\n")
    assert plan.cluster.tags == {"karpenter.sh_discovery": "demo", "team": "a&b"}  # values may hold them
    [f] = pre(plan.findings, "PRE-001")
    assert f.severity == "low" and "karpenter.sh/discovery -> karpenter.sh_discovery" in f.message


def test_pre002_cluster_autoscaler_tags_are_dropped(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + "    tags:\n      k8s.io/cluster-autoscaler/enabled: 'true'\n"
                                          "      k8s.io/cluster-autoscaler/demo: owned\n      cost: web\n")
    assert pool(plan, "apps").tags == {"cost": "web"}
    [f] = pre(plan.findings, "PRE-002")
    assert f.severity == "info" and "k8s.io/cluster-autoscaler/enabled" in f.message


def test_pre003_long_tag_value_is_truncated(tmp_path):
    plan = estate(tmp_path, head=HEAD + f"  tags:\n    note: {'x' * 300}\n")
    assert plan.cluster.tags["note"] == "x" * 256
    assert pre(plan.findings, "PRE-003")


def test_pre004_more_than_50_tags_keeps_50(tmp_path):
    tags = "".join(f"    t{i:02d}: v\n" for i in range(55))
    plan = estate(tmp_path, head=HEAD + "  tags:\n" + tags)
    assert sorted(plan.cluster.tags) == [f"t{i:02d}" for i in range(50)]
    [f] = pre(plan.findings, "PRE-004")
    assert "t54" in f.message and f.severity == "medium"


def test_tag_collision_after_rename_keeps_the_azure_valid_tag(tmp_path):
    plan = estate(tmp_path, head=HEAD + "  tags:\n    a_b: kept\n    a/b: lost\n")
    assert plan.cluster.tags == {"a_b": "kept"}
    assert "a/b dropped" in pre(plan.findings, "PRE-001")[0].message


def test_pre001_storage_class_disk_tags_are_renamed(tmp_path):
    sc = SC_GP3.replace('throughput: "250"', 'throughput: "250", tagSpecification_1: "team/owner=web", '
                                             'tagSpecification_2: "cost=1"')
    plan = estate(tmp_path, ZONAL_GROUP, manifests=sc)
    assert _class(plan, "fast")["parameters"]["tags"] == "team_owner=web,cost=1"
    assert "team/owner -> team_owner" in pre(plan.findings, "PRE-001")[0].message


# --- node auto-provisioning, Windows, network ---------------------------------------------------------------

def test_pre005_nap_turns_cluster_autoscaler_pools_into_fixed_pools(tmp_path):
    body = "karpenter:\n  version: '1.0.0'\nmanagedNodeGroups:\n  - name: apps\n    instanceType: m5.xlarge\n" \
           "    minSize: 2\n    maxSize: 6\n    desiredCapacity: 3\n"
    plan = estate(tmp_path, body)
    assert plan.cluster.node_auto_provisioning
    assert not any(p.enable_auto_scaling for p in plan.node_pools)
    assert pool(plan, "apps").count == 3 and pool(plan, "apps").min_count is None
    [f] = pre(plan.findings, "PRE-005")
    assert "apps=3" in f.message and f.severity == "low"


def test_pre006_nap_with_windows_pools_keeps_windows_and_drops_nap_objects(tmp_path):
    plan = estate(tmp_path, "karpenter:\n  version: '1.0.0'\n" + LINUX_GROUP + WINDOWS_GROUP, manifests=NODEPOOL)
    assert not plan.cluster.node_auto_provisioning
    assert not [o for o in plan.workloads.objects if str(o.get("apiVersion", "")).startswith("karpenter.")]
    [f] = pre(plan.findings, "PRE-006")
    assert "NodePool/burst" in f.message and f.severity == "medium"
    assert not pre(plan.findings, "PRE-005")


def test_pre007_windows_pools_get_azure_dataplane_and_calico(tmp_path):
    plan = estate(tmp_path, LINUX_GROUP + WINDOWS_GROUP)
    n = plan.network
    assert (n.network_plugin, n.network_plugin_mode, n.network_dataplane, n.network_policy) == \
        ("azure", "overlay", "azure", "calico")
    assert pre(plan.findings, "PRE-007")[0].severity == "low"


def test_linux_only_estate_keeps_cilium(tmp_path):
    plan = estate(tmp_path)
    assert (plan.network.network_dataplane, plan.network.network_policy) == ("cilium", "cilium")
    assert not [f for f in plan.findings if f.rule_id.startswith("PRE-")]


def test_pre008_nap_needs_overlay_with_cilium(tmp_path):
    plan = estate(tmp_path, "karpenter:\n  version: '1.0.0'\n" + LINUX_GROUP)
    plan.network.network_dataplane, plan.network.network_policy = "azure", "calico"
    [f] = pre(rerun(plan), "PRE-008")
    assert (plan.network.network_dataplane, plan.network.network_policy) == ("cilium", "cilium")
    assert "azure/overlay/azure, policy calico" in f.message


def test_pre035_nap_on_dual_stack_is_refused(tmp_path):
    body = "karpenter:\n  version: '1.0.0'\nkubernetesNetworkConfig:\n  ipFamily: IPv6\n" + LINUX_GROUP
    plan = estate(tmp_path, body)
    [f] = pre(plan.findings, "PRE-035")
    assert f.severity == "high"


# --- zones and disks ----------------------------------------------------------------------------------------

SC_GP3 = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
parameters: {type: gp3, iops: "6000", throughput: "250"}
"""
SC_IO2 = """
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fastest}
provisioner: ebs.csi.aws.com
parameters: {type: io2, iops: "100000"}
"""
ZONAL_GROUP = LINUX_GROUP + "    availabilityZones: [us-east-1a, us-east-1b]\n"


def _class(plan, name):
    return next(o for o in plan.workloads.objects if o.get("kind") == "StorageClass" and o["metadata"]["name"] == name)


def test_pre009_premium_v2_without_zonal_pool_falls_back_to_premium_ssd(tmp_path):
    plan = estate(tmp_path, manifests=SC_GP3)
    params = _class(plan, "fast")["parameters"]
    assert params["skuName"] == "Premium_LRS"
    assert "DiskIOPSReadWrite" not in params and "cachingMode" not in params
    [f] = pre(plan.findings, "PRE-009")
    assert "PremiumV2_LRS" in f.message and f.severity == "medium"


def test_premium_v2_with_zonal_pool_is_kept(tmp_path):
    plan = estate(tmp_path, ZONAL_GROUP, manifests=SC_GP3)
    assert _class(plan, "fast")["parameters"]["skuName"] == "PremiumV2_LRS"
    assert not pre(plan.findings, "PRE-009")


def test_pre010_ultra_without_ultra_pool_falls_back_to_premium_v2(tmp_path):
    plan = estate(tmp_path, ZONAL_GROUP, manifests=SC_IO2)
    assert _class(plan, "fastest")["parameters"]["skuName"] == "UltraSSD_LRS"  # the zonal pool got enableUltraSSD
    for p in plan.node_pools:
        p.enable_ultra_ssd = False
    [f] = pre(rerun(plan), "PRE-010")
    params = _class(plan, "fastest")["parameters"]
    assert params["skuName"] == "PremiumV2_LRS" and params["DiskIOPSReadWrite"] == "80000"
    assert "-> PremiumV2_LRS" in f.message


def test_pre010_ultra_without_any_zonal_pool_ends_on_premium_ssd(tmp_path):
    plan = estate(tmp_path, manifests=SC_IO2)
    params = _class(plan, "fastest")["parameters"]
    assert params["skuName"] == "Premium_LRS" and "DiskIOPSReadWrite" not in params
    [f] = pre(plan.findings, "PRE-010")
    assert f.message.endswith("-> Premium_LRS")


def test_pre011_ultra_ssd_needs_a_zonal_pool(tmp_path):
    plan = estate(tmp_path)
    pool(plan, "apps").enable_ultra_ssd = True
    assert pre(rerun(plan), "PRE-011") and not pool(plan, "apps").enable_ultra_ssd


def test_pre038_ultra_ssd_on_a_size_without_ultra_support(tmp_path):
    plan = estate(tmp_path, ZONAL_GROUP, manifests=SC_IO2)
    p = pool(plan, "apps")
    assert p.enable_ultra_ssd
    p.vm_size = "Standard_D2_v2"  # UltraSSD False in the size data
    found = rerun(plan)
    assert pre(found, "PRE-038") and not p.enable_ultra_ssd
    assert pre(found, "PRE-010") and _class(plan, "fastest")["parameters"]["skuName"] == "PremiumV2_LRS"


def test_pre012_zones_removed_in_a_region_without_zones(tmp_path):
    plan = estate(tmp_path, ZONAL_GROUP, location="westus")  # westus has no availability zones
    assert pool(plan, "apps").availability_zones == []  # compute does not map zones there (CMP-016)
    pool(plan, "apps").availability_zones = ["1", "2"]
    [f] = pre(rerun(plan), "PRE-012")
    assert pool(plan, "apps").availability_zones == [] and "westus" in f.message


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
