"""Preflight (translators/checks/preflight/): one test per PRE rule, each with a small estate that triggers it
(the rules table, tags, node auto-provisioning and network, zones and disks here; pools, sizes, names, version,
logs and enums in tests/test_preflight_pools.py).

Where the translators already keep a value in range (so no eksctl file can reach the preflight with it), the
test translates a small estate, breaks the plan the way a future translator or override could, and runs the
preflight again on it.
"""
from __future__ import annotations



from translators.checks.preflight import preflight_rules
from translators.findings import catalogue

from builders_preflight import HEAD, LINUX_GROUP, NODEPOOL, WINDOWS_GROUP, estate, pool, pre, rerun


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
