"""eksctl's own output is accepted: `eksctl create cluster --dry-run` (nulls, empty strings, defaults filled in)
and what eksctl's validation accepts although its generated schema marks it required."""
from __future__ import annotations

from pathlib import Path

import pytest

from translators.input.eksctl import load_cluster_config
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate

DRY_RUN = Path(__file__).parent / "fixtures" / "eksctl" / "dry-run.yaml"
HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1, version: '1.33'}\n"


def _write(tmp_path: Path, body: str) -> str:
    p = tmp_path / "cluster.yaml"
    p.write_text(HEAD + body, encoding="utf-8")
    return str(p)


def test_dry_run_output_translates_without_noise():
    plan = translate_estate(str(DRY_RUN), TranslateOptions())
    assert [(p.name, p.mode, p.vm_size) for p in plan.node_pools] == [
        ("general", "System", "Standard_D4s_v5"), ("generalbatch", "User", "Standard_D8s_v5")]
    batch = plan.node_pools[1]
    assert batch.taints == ["workload=batch:NoSchedule"] and batch.labels["workload"] == "batch"
    assert (batch.min_count, batch.max_count, batch.enable_auto_scaling) == (0, 4, True)
    assert plan.node_pools[0].os_disk_size_gb == 80
    ids = {f.rule_id for f in plan.findings}
    # eksctl's printed defaults are not "not translated", nor node IAM, nor an approximated disk, nor access config
    assert not ids & {"INP-001", "CMP-020", "CMP-018", "CLU-012", "CLU-005"}, sorted(ids)
    assert "CLU-020" in ids  # remoteNetworkConfig without vpcGatewayID is accepted and reported


def test_nulls_and_empty_strings_read_as_unset():
    cfg = load_cluster_config(str(DRY_RUN))
    ng = cfg.data["managedNodeGroups"][0]
    assert "releaseVersion" not in ng and "withShared" not in ng.get("securityGroups", {})
    assert ng["labels"]["alpha.eksctl.io/nodegroup-name"] == "general"  # free-form maps untouched
    assert cfg.line("managedNodeGroups", 0, "instanceType") == 40  # lines survive the clean-up


def test_empty_label_value_is_kept(tmp_path):
    cfg = load_cluster_config(_write(tmp_path, "managedNodeGroups:\n  - name: ng\n    labels: {role: ''}\n"
                                               "    securityGroups: {withShared: null, attachIDs: null}\n"))
    assert cfg.data["managedNodeGroups"][0]["labels"] == {"role": ""}


def test_vpc_gateway_id_may_be_omitted_but_remote_node_networks_may_not(tmp_path):
    load_cluster_config(_write(tmp_path, "remoteNetworkConfig:\n  remoteNodeNetworks:\n    - cidrs: [10.80.0.0/24]\n"))
    with pytest.raises(InputError) as ei:
        load_cluster_config(_write(tmp_path, "remoteNetworkConfig:\n  vpcGatewayID: tgw-1\n"))
    assert ei.value.field == "remoteNetworkConfig.remoteNodeNetworks" and ei.value.line == 4


def test_instances_distribution_without_types_needs_an_instance_selector(tmp_path):
    ok = ("nodeGroups:\n  - name: ng\n    instanceSelector: {vCPUs: 2, memory: '4'}\n"
          "    instancesDistribution: {onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0}\n")
    plan = translate_estate(_write(tmp_path, ok), TranslateOptions())
    assert any(p.spot for p in plan.node_pools)
    bad = "nodeGroups:\n  - name: ng\n    instancesDistribution: {onDemandBaseCapacity: 0}\n"
    with pytest.raises(InputError) as ei:
        load_cluster_config(_write(tmp_path, bad))
    assert ei.value.field == "nodeGroups[0].instancesDistribution.instanceTypes"


def test_a_non_default_value_still_counts(tmp_path):
    plan = translate_estate(_write(tmp_path, "managedNodeGroups:\n  - name: ng\n    instanceType: m5.xlarge\n"
                                             "    volumeType: io1\n    volumeIOPS: 3000\n    instancePrefix: shop\n"),
                            TranslateOptions())
    ids = [f.rule_id for f in plan.findings]
    assert "CMP-018" in ids  # io1 at 3000 IOPS is a choice, not the gp3 baseline
    assert any(f.rule_id == "INP-001" and "instancePrefix" in f.message for f in plan.findings)


def test_wrong_types_are_still_refused(tmp_path):
    with pytest.raises(InputError) as ei:
        load_cluster_config(_write(tmp_path, "managedNodeGroups:\n  - name: ng\n    minSize: two\n"))
    assert "expected integer" in str(ei.value)
