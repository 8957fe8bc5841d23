"""Deployability check, scheduling: pod specs against the planned pools (labels, taints, Spot, GPU, Arm64, NAP)."""
from __future__ import annotations

from deployability_helpers import deployment, emitted, plan_of, sch, verdict

from translators.checks.deployability import SPOT_TOLERATION, check_deployability, pod_views

SPOT = """
- name: batch
  instanceType: c5.xlarge
  spot: true
  labels: {pool: batch}
  taints: [{key: shop/batch, value: "true", effect: NoSchedule}]
"""
GPU = """
- name: gpu
  instanceType: g4dn.xlarge
  labels: {pool: gpu}
  taints: [{key: nvidia.com/gpu, value: present, effect: NoSchedule}]
"""
ARM = """
- name: arm
  instanceType: m6g.large
  labels: {pool: arm}
"""


def _pod(plan, name):
    return emitted(plan, "Deployment", name)["spec"]["template"]["spec"]


def test_spot_toleration_added_for_a_workload_selecting_the_spot_group(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {pool: batch}\n"
                                             "tolerations: [{key: shop/batch, operator: Exists}]"), SPOT)
    assert SPOT_TOLERATION in _pod(plan, "w")["tolerations"]
    assert verdict(plan, "w").verdict == "runs"
    assert len(sch(plan, "SCH-004")) == 1
    # idempotent: a second run over the edited plan has nothing to add
    again = check_deployability(plan)
    assert again.edited == 0 and not [f for f in again.findings if f.rule_id == "SCH-004"]


def test_eks_capacity_type_spot_becomes_the_aks_spot_label_and_toleration(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {eks.amazonaws.com/capacityType: SPOT}\n"
                                             "tolerations: [{key: shop/batch, operator: Exists}]"), SPOT)
    pod = _pod(plan, "w")
    assert pod["nodeSelector"] == {"kubernetes.azure.com/scalesetpriority": "spot"}
    assert SPOT_TOLERATION in pod["tolerations"]
    assert verdict(plan, "w").verdict == "runs"
    assert any("eks.amazonaws.com/capacityType=SPOT -> kubernetes.azure.com/scalesetpriority=spot" in m
               for m in sch(plan, "SCH-002"))


def test_workload_on_spot_without_its_other_taint_cannot_run(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {pool: batch}"), SPOT)
    v = verdict(plan, "w")
    assert v.verdict == "cannot-run" and "shop/batch=true:NoSchedule not tolerated" in v.reasons[0]
    assert [f.severity for f in plan.findings if f.rule_id == "SCH-001"] == ["high"]
    assert "tolerations" not in _pod(plan, "w")


def test_unselective_workload_does_not_get_the_spot_toleration(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "tolerations: [{key: shop/batch, operator: Exists}]"), SPOT)
    assert SPOT_TOLERATION not in _pod(plan, "w")["tolerations"]
    assert verdict(plan, "w").verdict == "runs"  # the general pool takes it


def test_nodegroup_instance_type_and_zone_labels_rewritten(tmp_path):
    pod = """
    nodeSelector: {eks.amazonaws.com/nodegroup: general, node.kubernetes.io/instance-type: m5.xlarge}
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
            - matchExpressions:
                - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1b]}
    """
    plan = plan_of(tmp_path, deployment("w", pod))
    general = plan.node_pools[0]
    spec = _pod(plan, "w")
    assert spec["nodeSelector"] == {"kubernetes.azure.com/agentpool": general.name,
                                    "node.kubernetes.io/instance-type": general.vm_size}
    expr = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"][0]["matchExpressions"][0]
    assert expr == {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [f"{plan.cluster.location}-2"]}
    assert verdict(plan, "w").verdict == "runs"


def test_fargate_selector_removed(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {eks.amazonaws.com/compute-type: fargate}"))
    assert _pod(plan, "w")["nodeSelector"] == {}
    v = verdict(plan, "w")
    assert len(sch(plan, "SCH-003")) == 1 and v.verdict == "runs-after-steps" and v.steps[0].startswith("SCH-003 (low)")


def test_unknown_label_cannot_schedule(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {pool: nowhere}"))
    v = verdict(plan, "w")
    assert v.verdict == "cannot-run" and "needs pool=nowhere" in v.reasons[0]


def test_gpu_request_needs_a_gpu_pool(tmp_path):
    manifest = deployment("w", "tolerations: [{operator: Exists}]").replace(
        "{name: c, image: nginx}", "{name: c, image: cuda, resources: {limits: {nvidia.com/gpu: 1}}}")
    assert verdict(plan_of(tmp_path, manifest), "w").verdict == "cannot-run"
    assert verdict(plan_of(tmp_path, manifest, GPU), "w").verdict == "runs"


def test_gpu_pool_taint_must_be_tolerated(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {pool: gpu}"), GPU)
    assert "nvidia.com/gpu=present:NoSchedule not tolerated" in verdict(plan, "w").reasons[0]


def test_arm64_selector_needs_an_arm64_pool(tmp_path):
    sel = "nodeSelector: {kubernetes.io/arch: arm64}"
    assert verdict(plan_of(tmp_path, deployment("w", sel)), "w").verdict == "cannot-run"
    arm = verdict(plan_of(tmp_path, deployment("w", sel), ARM), "w")
    assert arm.verdict == "runs-after-steps" and [s.split(" ")[0] for s in arm.steps] == ["CMP-005"]  # Arm64 images


def test_system_pool_critical_addons_taint_blocks_unselective_pods(tmp_path):
    spot_only = ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: d, region: us-east-1}\n"
                 "managedNodeGroups:\n  - {name: s, instanceType: c5.xlarge, spot: true}\n")
    (tmp_path / "c.yaml").write_text(spot_only, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(deployment("w", "dnsPolicy: ClusterFirst"), encoding="utf-8")
    from translators.estate import translate_estate

    plan = translate_estate(tmp_path / "c.yaml", None, [str(tmp_path / "m.yaml")])
    reason = verdict(plan, "w").reasons[0]
    assert "CriticalAddonsOnly=true:NoSchedule not tolerated" in reason
    assert "kubernetes.azure.com/scalesetpriority=spot:NoSchedule not tolerated" in reason


def test_nap_nodepool_takes_pods_selecting_its_labels(tmp_path):
    nodepool = """
    apiVersion: karpenter.sh/v1
    kind: NodePool
    metadata: {name: burst}
    spec:
      template:
        metadata: {labels: {pool: burst}}
        spec:
          nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: x}
          requirements: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]
    ---
    """
    import textwrap

    manifests = textwrap.dedent(nodepool) + deployment("w", "nodeSelector: {pool: burst, kubernetes.io/arch: arm64}")
    plan = plan_of(tmp_path, manifests)
    assert plan.cluster.node_auto_provisioning
    assert verdict(plan, "w").verdict == "runs"


def test_custom_resource_pod_specs_are_checked(tmp_path):
    manifests = """
    apiVersion: sparkoperator.k8s.io/v1beta2
    kind: SparkApplication
    metadata: {name: etl, namespace: default}
    spec:
      driver: {nodeSelector: {pool: general}}
      executor: {nodeSelector: {pool: missing}}
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata: {name: wf, namespace: default}
    spec:
      tolerations: [{key: shop/batch, operator: Exists}]
      templates:
        - {name: main, nodeSelector: {pool: batch}, container: {image: busybox}}
    """
    plan = plan_of(tmp_path, manifests, SPOT)
    etl = verdict(plan, "etl")
    assert etl.verdict == "cannot-run" and "needs pool=missing" in etl.reasons[0]
    assert "spec.executor" in " ".join(sch(plan, "SCH-001"))
    # it fits the Spot pool (inherits the workflow's toleration, gets the Spot one), but no Argo CRD/controller is
    # in this estate or provided by the stack: it is not deployed (PRE-052), so it cannot run yet
    wf_verdict = verdict(plan, "wf")
    assert wf_verdict.verdict == "cannot-run" and len(wf_verdict.reasons) == 1
    assert "not deployed" in wf_verdict.reasons[0] and not [m for m in sch(plan, "SCH-001") if "wf" in m]
    wf = emitted(plan, "Workflow", "wf")
    assert SPOT_TOLERATION in wf["spec"]["templates"][0]["tolerations"]


def test_pod_views_cover_the_table_kinds():
    ray = {"apiVersion": "ray.io/v1", "kind": "RayCluster", "spec": {
        "headGroupSpec": {"template": {"spec": {"containers": []}}},
        "workerGroupSpecs": [{"template": {"spec": {}}}, {"template": {"spec": {}}}]}}
    assert [v.path for v in pod_views(ray)] == [("spec", "headGroupSpec", "template", "spec"),
                                                ("spec", "workerGroupSpecs", 0, "template", "spec"),
                                                ("spec", "workerGroupSpecs", 1, "template", "spec")]
    kafka = {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "Kafka",
             "spec": {"kafka": {"template": {"pod": {"tolerations": []}}}}}
    assert [v.path for v in pod_views(kafka)] == [("spec", "kafka", "template", "pod")]
    assert pod_views({"apiVersion": "other.io/v1", "kind": "Kafka", "spec": {}}) == []


def test_bootstrap_node_labels_move_onto_the_pool(tmp_path):
    group = """
    - name: legacy
      instanceType: m5.large
      preBootstrapCommands:
        - "/etc/eks/bootstrap.sh demo --kubelet-extra-args '--node-labels=role=search,tier=data'"
    """
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {role: search}"), group)
    pool = next(p for p in plan.node_pools if p.name == "legacy")
    assert pool.labels["role"] == "search" and pool.labels["tier"] == "data"
    assert len(sch(plan, "SCH-008")) == 1
    v = verdict(plan, "w")  # fits; the rest of the bootstrap command is not run (CMP-008, a step)
    assert v.verdict == "runs-after-steps" and [s.split(" ")[0] for s in v.steps] == ["CMP-008"]


def test_disabled_feature_makes_no_finding(tmp_path):
    from translators.estate import translate_estate

    cfg = ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: d, region: us-east-1}\n"
           "vpc: {autoAllocateIPv6: false}\nmanagedNodeGroups:\n  - {name: g, instanceType: m5.xlarge}\n")
    (tmp_path / "c.yaml").write_text(cfg, encoding="utf-8")
    plan = translate_estate(tmp_path / "c.yaml")
    assert not [f for f in plan.findings if "autoAllocateIPv6" in f.message]


def test_bootstrap_labels_with_reserved_prefixes_are_not_moved(tmp_path):
    group = """
    - name: br
      instanceType: m5.large
      amiFamily: Bottlerocket
      bottlerocket:
        settings:
          kubernetes:
            node-labels: {team: search, node-role.kubernetes.io/search: ""}
    """
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {team: search}"), group)
    pool = next(p for p in plan.node_pools if p.name == "br")
    assert pool.labels.get("team") == "search" and "node-role.kubernetes.io/search" not in pool.labels
    (msg,) = sch(plan, "SCH-008")
    assert "not moved (reserved prefix, AKS sets its own): node-role.kubernetes.io/search" in msg
    v = verdict(plan, "w")  # fits; the other Bottlerocket settings are the group's finding (CMP-014), a step
    assert v.verdict == "runs-after-steps" and [s.split(" ")[0] for s in v.steps] == ["CMP-014"]


def test_labels_already_in_aks_form_are_kept_and_aws_existence_terms_dropped(tmp_path):
    pod = """
    nodeSelector: {node.kubernetes.io/instance-type: Standard_D4s_v5}
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
            - matchExpressions:
                - {key: topology.kubernetes.io/zone, operator: In, values: [eastus-1]}
                - {key: eks.amazonaws.com/capacityType, operator: Exists}
    """
    plan = plan_of(tmp_path, deployment("w", pod))
    spec = _pod(plan, "w")
    assert spec["nodeSelector"] == {"node.kubernetes.io/instance-type": "Standard_D4s_v5"}
    exprs = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"][0]["matchExpressions"]
    assert exprs == [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eastus-1"]}]
    assert sch(plan, "SCH-002") == [] and len(sch(plan, "SCH-003")) == 1
    assert plan.cluster.location == "eastus" and verdict(plan, "w").verdict == "runs-after-steps"


def test_windows_pool_takes_only_pods_selecting_windows(tmp_path):
    windows = """
    - name: win
      instanceType: m5.large
      amiFamily: WindowsServer2022FullContainer
    """
    plan = plan_of(tmp_path, deployment("lin", "nodeSelector: {pool: general}") + deployment(
        "any", "dnsPolicy: ClusterFirst") + deployment("win", "nodeSelector: {kubernetes.io/os: windows}"),
        windows)
    assert {v.name: v.verdict for v in plan.verdicts} == {"lin": "runs", "any": "runs", "win": "runs-after-steps"}
    assert [s.split(" ")[0] for s in verdict(plan, "win").steps] == ["CMP-017"]  # the Windows pool's finding
    from translators.checks.deployability import aks_pool, fit, pod_views

    pools = {p.name: aks_pool(p, plan.cluster.location) for p in plan.node_pools}
    any_view = pod_views(emitted(plan, "Deployment", "any"))[0]
    assert fit(any_view, pools["win"]).startswith("Windows nodes")
    assert fit(pod_views(emitted(plan, "Deployment", "win"))[0], pools["general"]) == "needs kubernetes.io/os=windows"


def test_karpenter_capacity_type_without_nap_becomes_the_spot_label(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "nodeSelector: {karpenter.sh/capacity-type: spot}\n"
                                             "tolerations: [{key: shop/batch, operator: Exists}]"), SPOT)
    assert not plan.cluster.node_auto_provisioning
    pod = _pod(plan, "w")
    assert pod["nodeSelector"] == {"kubernetes.azure.com/scalesetpriority": "spot"}
    assert SPOT_TOLERATION in pod["tolerations"] and verdict(plan, "w").verdict == "runs"


def test_karpenter_capacity_type_kept_when_a_nap_nodepool_offers_spot(tmp_path):
    import textwrap

    nodepool = textwrap.dedent("""
    apiVersion: karpenter.sh/v1
    kind: NodePool
    metadata: {name: spot}
    spec:
      template:
        spec:
          nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: x}
          requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot]}]
    ---
    """)
    plan = plan_of(tmp_path, nodepool + deployment("w", "nodeSelector: {karpenter.sh/capacity-type: spot}"))
    assert plan.cluster.node_auto_provisioning
    assert _pod(plan, "w")["nodeSelector"] == {"karpenter.sh/capacity-type": "spot"}
    assert verdict(plan, "w").verdict == "runs"


def test_on_demand_nap_nodepool_does_not_take_spot_pods(tmp_path):
    import textwrap

    nodepool = textwrap.dedent("""
    apiVersion: karpenter.sh/v1
    kind: NodePool
    metadata: {name: od}
    spec:
      template:
        spec:
          nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: x}
          requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]
    ---
    """)
    plan = plan_of(tmp_path, nodepool + deployment("w", "nodeSelector: {karpenter.sh/capacity-type: spot}"))
    assert _pod(plan, "w")["nodeSelector"] == {"kubernetes.azure.com/scalesetpriority": "spot"}
    assert verdict(plan, "w").verdict == "cannot-run"


def test_spot_toleration_only_for_selectors_on_the_spot_group(tmp_path):
    untainted_spot = """
    - name: cheap
      instanceType: c5.xlarge
      spot: true
      labels: {pool: cheap}
    """
    plan = plan_of(tmp_path, deployment("os", "nodeSelector: {kubernetes.io/os: linux}")
                   + deployment("grp", "nodeSelector: {pool: cheap}"), untainted_spot)
    assert "tolerations" not in _pod(plan, "os")  # a generic selector: the general pool takes it
    assert _pod(plan, "grp")["tolerations"] == [SPOT_TOLERATION]
    assert {v.name: v.verdict for v in plan.verdicts} == {"os": "runs", "grp": "runs"}


def test_labels_set_by_node_agents_are_open(tmp_path):
    manifests = (deployment("nfd", "nodeSelector: {feature.node.kubernetes.io/cpu-cpuid.AVX512F: 'true'}")
                 + deployment("gfd", "nodeSelector: {nvidia.com/gpu.product: Tesla-T4}\n"
                                     "tolerations: [{key: nvidia.com/gpu, operator: Exists}]"))
    plan = plan_of(tmp_path, manifests, GPU)
    assert verdict(plan, "nfd").verdict == "runs"
    assert verdict(plan, "gfd").verdict != "cannot-run"  # the GPU pool's node labeller sets it
    assert verdict(plan_of(tmp_path, manifests), "gfd").verdict == "cannot-run"  # no GPU pool
