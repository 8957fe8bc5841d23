"""AWS-only add-ons → AKS features; external-dns / cert-manager → Azure DNS (translators/addons/translate.py, addons_dns.py)."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from builders_addons import ADD_RULES, run
from helpers import emitted_rule_ids, first_result, load, rules
from translators.addons import translate as addons
from translators.addons.translate import (ADDON_TRANSLATORS, INDEX_KEY, autoscaler_profile, detect_addon, index_addons,
                                prepare)
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.refdata import DATA

SRC = Path(__file__).resolve().parents[1] / "translators"


def translate(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    return first_result(ADDON_TRANSLATORS, obj, ctx)


def workload(image: str, args: list[str] | None = None, name: str = "agent", kind: str = "Deployment",
             ns: str = "kube-system", env: list | None = None, extra: dict | None = None) -> str:
    c: dict = {"name": "main", "image": image}
    if args is not None:
        c["args"] = args
    if env is not None:
        c["env"] = env
    spec = {"containers": [c], **(extra or {})}
    doc = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": ns},
           "spec": {"selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}
    return yaml.safe_dump(doc, sort_keys=False)


# --- add-on workloads -----------------------------------------------------------------------------

ADDON_CASES = [
    # (image, args, env, addon id or None, rule, cluster request)
    ("registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1", ["--cloud-provider=aws", "--expander=least-waste"],
     None, "cluster-autoscaler", "ADD-001", None),
    ("registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1",
     ["--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled"], None, "cluster-autoscaler",
     "ADD-001", None),
    ("registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1", ["--cloud-provider=clusterapi"], None, None, None,
     None),
    ("public.ecr.aws/aws-ec2/aws-node-termination-handler:v1.22.0", [], None, "aws-node-termination-handler",
     "ADD-002", None),
    ("public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1", ["--cluster-name=c"], None,
     "aws-load-balancer-controller", "ADD-003", None),
    ("public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.30.0", ["controller"], None, "aws-ebs-csi-driver",
     "ADD-004", None),
    ("amazon/aws-efs-csi-driver:v2.0.0", [], None, "aws-efs-csi-driver", "ADD-004", None),
    ("public.ecr.aws/mountpoint-s3-csi-driver/aws-mountpoint-s3-csi-driver:v1.7.0", [], None,
     "aws-mountpoint-s3-csi-driver", "ADD-004", "blobCSIDriver"),
    ("public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300066.1b1374", None, None, "cloudwatch-agent", "ADD-005",
     "containerInsights"),
    ("public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0", None, None, "adot-collector", "ADD-005",
     "containerInsights"),
    ("public.ecr.aws/aws-observability/aws-for-fluent-bit:3.0.1", None, None, "aws-for-fluent-bit", "ADD-006",
     "containerInsights"),
    ("fluent/fluentd-kubernetes-daemonset:v1-debian-cloudwatch", None, None, "fluent-to-cloudwatch", "ADD-006",
     "containerInsights"),
    ("fluent/fluent-bit:3.1", None, [{"name": "LOG_GROUP", "value": "/aws/containerinsights/cloudwatch"}],
     "fluent-to-cloudwatch", "ADD-006", "containerInsights"),
    ("fluent/fluent-bit:3.1", None, [{"name": "ES_HOST", "value": "es.example.com"}], None, None, None),
    ("public.ecr.aws/karpenter/controller:1.0.6", None, None, "karpenter", "ADD-007", "nodeAutoProvisioning"),
    ("public.ecr.aws/neuron/neuron-device-plugin:2.23.30.0", None, None, "aws-neuron", "ADD-008", None),
    ("public.ecr.aws/eks/eks-pod-identity-agent:0.1.10", None, None, "eks-pod-identity-agent", "ADD-010",
     "workloadIdentity"),
    ("public.ecr.aws/aws-secrets-manager/secrets-store-csi-driver-provider-aws:1.0.r2", None, None,
     "secrets-store-csi-driver-provider-aws", "ADD-010", None),
    ("public.ecr.aws/appmesh/appmesh-controller:v1.12.3", None, None, "appmesh-controller", "ADD-011",
     "serviceMeshIstio"),
    ("public.ecr.aws/aws-controllers-k8s/rds-controller:1.4.3", None, None, "ack-controller", "ADD-012", None),
    ("602401143452.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent:v1.7.0", None, None, "aws-guardduty-agent",
     "ADD-013", None),
    ("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.23.0", None, None, None, None, None),
    ("nginx:1.27", None, None, None, None, None),
]


@pytest.mark.parametrize("image,args,env,addon,rule,request_", ADDON_CASES)
def test_addon_workloads(image, args, env, addon, rule, request_):
    text = workload(image, args, env=env)
    ctx, ((obj, res),) = run(text)
    found = detect_addon(obj.obj)
    assert (found.id if found and found.rule != "skip" else None) == addon
    if addon is None:
        assert res is None
        return
    assert res.outcome == "dropped" and res.objects == [] and rules(res) == [rule]
    f = res.findings[0]
    assert f.line == obj.line("spec", "template", "spec", "containers", 0, "image") and f.file == "in.yaml"
    assert addons._addon(addon).aks_feature in f.message
    assert ctx.cluster_requests == ({request_} if request_ else set())
    assert ctx.indexes[INDEX_KEY]["present"] == {addon: ["kube-system"]}


def test_cluster_autoscaler_flags_become_an_autoscaler_profile():
    text = workload("registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1", [
        "--cloud-provider=aws", "--expander=least-waste", "--balance-similar-node-groups",
        "--skip-nodes-with-local-storage=false", "--node-group-auto-discovery=asg:tag=x", "--v=4"])
    ctx, ((obj, res),) = run(text)
    assert autoscaler_profile(obj.obj) == {"expander": "least-waste", "balance-similar-node-groups": "true",
                                           "skip-nodes-with-local-storage": "false"}
    assert ctx.indexes[INDEX_KEY]["autoScalerProfile"] == autoscaler_profile(obj.obj)
    assert "autoScalerProfile: balance-similar-node-groups=true, expander=least-waste" in res.findings[0].message


FLUENT_BIT = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: fluent-bit-config, namespace: logging}
data:
  output.conf: |
    [OUTPUT]
        Name cloudwatch_logs
        Match *
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluent-bit, namespace: logging}
spec:
  selector: {matchLabels: {app: fluent-bit}}
  template:
    metadata: {labels: {app: fluent-bit}}
    spec:
      serviceAccountName: fluent-bit
      containers:
      - {name: fluent-bit, image: "cr.fluentbit.io/fluent/fluent-bit:3.1",
         volumeMounts: [{name: config, mountPath: /fluent-bit/etc/}]}
      volumes:
      - {name: config, configMap: {name: fluent-bit-config}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: fluent-bit, namespace: logging}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: fluent-bit-read}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fluent-bit-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fluent-bit-read}
subjects: [{kind: ServiceAccount, name: fluent-bit, namespace: logging}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fluent-bit-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: fluent-bit, namespace: logging}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-settings, namespace: logging}
data: {a: b}
"""


def test_fluent_bit_shipping_to_cloudwatch_through_its_configmap():
    ctx, pairs = run(FLUENT_BIT)
    outcome = {o.ref(): (r.outcome if r else None, rules(r)) for o, r in pairs}
    assert outcome == {
        "ConfigMap/logging/fluent-bit-config": ("dropped", ["ADD-009"]),
        "DaemonSet/logging/fluent-bit": ("dropped", ["ADD-006"]),
        "ServiceAccount/logging/fluent-bit": ("dropped", ["ADD-009"]),
        "ClusterRole/fluent-bit-read": ("dropped", ["ADD-009"]),   # only bound to the add-on's account
        "ClusterRoleBinding/fluent-bit-read": ("dropped", ["ADD-009"]),
        "ClusterRoleBinding/fluent-bit-view": ("dropped", ["ADD-009"]),
        "ConfigMap/logging/app-settings": (None, []),             # not the add-on's, not named after it
    }
    assert "ClusterRole||view" not in ctx.indexes[INDEX_KEY]["companions"]  # built-in roles are never dropped
    # the same DaemonSet shipping elsewhere is left alone
    _, pairs = run(FLUENT_BIT.replace("cloudwatch_logs", "es"))
    assert all(r is None for _, r in pairs)


def test_a_role_shared_with_other_subjects_is_kept():
    text = FLUENT_BIT + textwrap.dedent("""\
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: app-read}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: fluent-bit-read}
        subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
        """)
    _, pairs = run(text)
    got = {o.ref(): r.outcome if r else None for o, r in pairs}
    assert got["ClusterRole/fluent-bit-read"] == "dropped"  # still named after the add-on
    idx = index_addons(load(text))
    assert "ClusterRole||fluent-bit-read" not in idx["companions"] and idx["complete"] is True
    assert got["ClusterRoleBinding/app-read"] is None


CA = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: cluster-autoscaler, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-autoscaler-status, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-autoscaler-status, namespace: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cluster-autoscaler, namespace: kube-system}
spec:
  selector: {matchLabels: {app: ca}}
  template:
    metadata: {labels: {app: ca}}
    spec:
      serviceAccountName: cluster-autoscaler
      containers:
      - name: ca
        image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1
        command: [./cluster-autoscaler, --cloud-provider=aws]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ec2nodeclasses.karpenter.k8s.aws}
spec: {group: karpenter.k8s.aws, names: {kind: EC2NodeClass, plural: ec2nodeclasses}, scope: Cluster}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}
---
apiVersion: v1
kind: Namespace
metadata: {name: amazon-cloudwatch}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: anything, namespace: amazon-cloudwatch}
"""


@pytest.mark.parametrize("with_prepare", [True, False])
def test_companions(with_prepare):
    _, pairs = run(CA, with_prepare=with_prepare)
    got = {o.ref(): (r.outcome if r else None) for o, r in pairs}
    assert got == {
        # without the whole-estate index the account is seen before its Deployment
        "ServiceAccount/kube-system/cluster-autoscaler": "dropped" if with_prepare else None,
        "ConfigMap/kube-system/cluster-autoscaler-status": "dropped" if with_prepare else None,
        "ConfigMap/other/cluster-autoscaler-status": None,  # another namespace: not the add-on's
        "Deployment/kube-system/cluster-autoscaler": "dropped",
        "CustomResourceDefinition/ec2nodeclasses.karpenter.k8s.aws": "dropped",
        "CustomResourceDefinition/widgets.example.com": None,
        "Namespace/amazon-cloudwatch": "dropped",
        "ConfigMap/amazon-cloudwatch/anything": "dropped",
    }
    for o, r in pairs:
        if r is not None and o.kind != "Deployment":
            assert rules(r) == ["ADD-009"] and r.findings[0].line == o.line()


def test_aws_node_is_left_to_networking():
    objs = load(workload("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.23.0", name="aws-node")
                + "---\n" + yaml.safe_dump({"apiVersion": "v1", "kind": "ServiceAccount",
                                            "metadata": {"name": "aws-node", "namespace": "kube-system"}}))
    ctx = WorkloadContext()
    prepare(objs, ctx)
    assert [translate(o, ctx) for o in objs] == [None, None]
    assert ctx.indexes[INDEX_KEY]["workloads"] == {}


def test_dropped_service_accounts_for_identity_planning():
    ctx, _ = run(CA)
    assert addons.dropped_service_accounts(ctx) == {("kube-system", "cluster-autoscaler")}


# --- App Mesh and ACK -----------------------------------------------------------------------------

@pytest.mark.parametrize("api_version,kind,rule,text_", [
    ("appmesh.k8s.aws/v1beta2", "VirtualService", "ADD-018", "an Istio VirtualService"),
    ("appmesh.k8s.aws/v1beta2", "VirtualGateway", "ADD-018", "Istio Gateway"),
    ("appmesh.k8s.aws/v1beta2", "Mystery", "ADD-018", "an Istio networking resource"),
    ("rds.services.k8s.aws/v1alpha1", "DBInstance", "ADD-019", "PostgreSQL or MySQL flexible server"),
    ("elasticache.services.k8s.aws/v1alpha1", "ReplicationGroup", "ADD-019", "Redis"),
    ("s3.services.k8s.aws/v1alpha1", "Bucket", "ADD-020", "Azure Storage account"),
    ("services.k8s.aws/v1alpha1", "AdoptedResource", "ADD-020", "ACK adoption"),
    ("widgets.services.k8s.aws/v1alpha1", "Widget", None, None),  # unknown service: pipeline safety net
])
def test_aws_custom_resources(api_version, kind, rule, text_):
    ctx, ((obj, res),) = run(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x, namespace: ack-system}}\n")
    if rule is None:
        assert res is None
        return
    assert res.outcome == "dropped" and rules(res) == [rule] and text_ in res.findings[0].message
    assert ctx.cluster_requests == ({"serviceMeshIstio"} if rule == "ADD-018" else set())


# --- catalogue, data, corpus -----------------------------------------------------------------------

def test_rule_catalogue_shape():
    raw = yaml.safe_load((DATA / "rules" / "addons.yaml").read_text())["rules"]
    assert set(raw) == ADD_RULES
    for rid, r in raw.items():
        assert re.fullmatch(r"ADD-\d{3}", rid) and r["severity"] in ("high", "medium", "low", "info")
        assert r["area"] in ("observability", "compute", "backup", "service mesh", "database", "ci/cd", "cluster",
                             "identity")


def test_every_emitted_rule_is_catalogued_and_every_rule_is_emitted():
    assert emitted_rule_ids("ADD", "addons/*.py", "addons_*.csv") == ADD_RULES


def test_data_tables_have_provenance_and_valid_regexes():
    tables = sorted(DATA.glob("addons_*.csv"))
    assert {t.name for t in tables} == {"addons_components.csv", "addons_ack_services.csv",
                                        "addons_appmesh_kinds.csv", "addons_autoscaler_profile.csv"}
    for t in tables:
        assert t.read_text().startswith("# provenance:"), t.name
    assert len({a.id for a in addons.addons()}) == len(addons.addons())
    assert all(a.rule == "skip" or a.rule in ADD_RULES for a in addons.addons())


def test_translator_does_not_import_pulumi():
    for f in SRC.glob("addons/*.py"):
        assert not re.search(r"^\s*(import|from)\s+pulumi", f.read_text(), re.M), f.name
