"""First-`up` deployability of the translated objects (translators/checks/deployment.py): deploy mode, kinds
the API server does not know, operators, placeholders, dangling volumeName, missing Namespaces, Key Vault name."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from translators.checks.deployment import (DeployOptions, kubernetes_minor, object_key, prerequisite_for,
                                              served_builtin, unfillable_placeholders)
from translators.estate import TranslateOptions, translate_estate
from translators.naming import key_vault_name
from translators.refdata import read_table

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 22)


def estate(tmp_path: Path, manifests: str, cluster: str = "", **deploy) -> object:
    """Translate a small estate: ``manifests`` (YAML text) on a 1.33 cluster with the ``cluster`` extra fields."""
    cfg = tmp_path / "cluster.yaml"
    cfg.write_text("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-east-1\n"
                   '  version: "1.33"\n' + textwrap.dedent(cluster), encoding="utf-8")
    (tmp_path / "m").mkdir(exist_ok=True)
    (tmp_path / "m" / "objects.yaml").write_text(textwrap.dedent(manifests), encoding="utf-8")
    opts = TranslateOptions(stack="dev", as_of=AS_OF, deploy=DeployOptions(**deploy))
    return translate_estate(str(cfg), opts, [str(tmp_path / "m")])


def rules(plan, rule_id):
    return [f for f in plan.findings if f.rule_id == rule_id]


APP = """\
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: app}
data: {script: "echo ${HOME} <html>"}
"""


def test_public_cluster_deploys_through_the_provider(tmp_path):
    plan = estate(tmp_path, APP)
    assert plan.deploy.mode == "provider" and plan.deploy.skipped == []
    assert not [f for f in plan.findings if f.rule_id.startswith("PRE-")]  # a user's ${HOME} is not a placeholder


PRIVATE = "privateCluster:\n  enabled: true\n"


def test_private_cluster_without_repository_is_not_deployed_and_says_why(tmp_path):
    plan = estate(tmp_path, APP, PRIVATE)
    assert plan.cluster.private_cluster and plan.deploy.mode == "none"
    (f,) = rules(plan, "PRE-050")
    assert f.severity == "high" and "gitopsRepository" in f.remediation and "deployWorkloads" in f.remediation


def test_private_cluster_with_repository_uses_gitops(tmp_path):
    plan = estate(tmp_path, APP, PRIVATE, gitops_repository="https://github.com/acme/shop-aks",
                  gitops_branch="release", gitops_path="./manifests")
    assert plan.deploy.mode == "gitops" and not rules(plan, "PRE-050")
    assert (plan.deploy.gitops_repository, plan.deploy.gitops_branch, plan.deploy.gitops_path) == (
        "https://github.com/acme/shop-aks", "release", "./manifests")
    assert "acme/shop-aks@release" in rules(plan, "PRE-051")[0].message


def test_inside_the_vnet_and_landing_zone_only_runs(tmp_path):
    assert estate(tmp_path, APP, PRIVATE, deploy_workloads=True).deploy.mode == "provider"
    plan = estate(tmp_path, APP, deploy_workloads=False)
    assert plan.deploy.mode == "none" and rules(plan, "PRE-058")


def test_deploy_options_from_config():
    opts = DeployOptions.from_config({"deployWorkloads": "false", "gitopsRepository": "https://git/x",
                                      "adminGroupObjectIds": "g1, g2", "installOperators": "no"}.get)
    assert (opts.deploy_workloads, opts.gitops_repository, opts.gitops_branch, opts.gitops_path) == (
        False, "https://git/x", "main", "./")
    assert opts.admin_group_object_ids == ["g1", "g2"] and opts.install_operators is False
    assert DeployOptions.from_config({"adminGroupObjectIds": ["a"]}.get).admin_group_object_ids == ["a"]
    with pytest.raises(ValueError, match="deployWorkloads"):
        DeployOptions.from_config({"deployWorkloads": "maybe"}.get)
    with pytest.raises(ValueError, match="adminGroupObjectIds"):
        DeployOptions.from_config({"adminGroupObjectIds": {"a": 1}}.get)
    with pytest.raises(ValueError, match="adminGroupObjectIds"):
        DeployOptions.from_config({"adminGroupObjectIds": '["a",'}.get)
    assert DeployOptions.from_config({"adminGroupObjectIds": '["a", "b"]'}.get).admin_group_object_ids == ["a", "b"]


UNKNOWN_CR = """\
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: widgets.acme.io/v1
kind: Widget
metadata: {name: w1, namespace: app}
spec: {size: 3}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: sm, namespace: app}
spec: {selector: {}}
"""


def test_kinds_nobody_serves_are_never_sent(tmp_path):
    plan = estate(tmp_path, UNKNOWN_CR)
    assert sorted(plan.deploy.skipped) == ["monitoring.coreos.com/v1/ServiceMonitor/app/sm",
                                           "widgets.acme.io/v1/Widget/app/w1"]
    msgs = " | ".join(f.message for f in rules(plan, "PRE-052"))
    assert "widgets.acme.io/Widget" in msgs and "azmonitoring.coreos.com" in msgs
    assert all(f.severity == "high" for f in rules(plan, "PRE-052"))
    pre = {(p.group, p.kind): p for p in plan.deploy.prerequisites}
    assert pre[("widgets.acme.io", "Widget")].provider == "none" and not pre[("widgets.acme.io", "Widget")].provided


def test_a_crd_in_the_estate_makes_its_kind_known(tmp_path):
    crd = """\
    ---
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: widgets.widgets.acme.io}
    spec:
      group: widgets.acme.io
      names: {kind: Widget, plural: widgets}
      scope: Namespaced
      versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
    """
    plan = estate(tmp_path, UNKNOWN_CR + textwrap.dedent(crd))
    assert "widgets.acme.io/v1/Widget/app/w1" not in plan.deploy.skipped
    assert [p.provider for p in plan.deploy.prerequisites if p.group == "widgets.acme.io"] == ["estate"]


def test_api_versions_removed_from_the_cluster_minor_are_not_sent(tmp_path):
    psp = """\
    apiVersion: policy/v1beta1
    kind: PodDisruptionBudget
    metadata: {name: pdb, namespace: default}
    spec: {minAvailable: 1, selector: {matchLabels: {app: a}}}
    """
    plan = estate(tmp_path, psp)
    assert "policy/v1beta1/PodDisruptionBudget/default/pdb" in plan.deploy.skipped
    assert f"not served by Kubernetes {plan.cluster.kubernetes_version}" in rules(plan, "PRE-052")[0].message
    assert not served_builtin("policy", "v1beta1", "PodDisruptionBudget", 33)
    assert served_builtin("flowcontrol.apiserver.k8s.io", "v1beta2", "FlowSchema", 28)
    assert not served_builtin("flowcontrol.apiserver.k8s.io", "v1beta2", "FlowSchema", 29)
    assert served_builtin("apps", "v1", "Deployment", None) and served_builtin("apps", "v1", "Deployment", 99)
    assert kubernetes_minor("1.33.2") == 33 and kubernetes_minor(None) is None


NAP = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: general}
spec: {template: {spec: {nodeClassRef: {group: karpenter.azure.com, kind: AKSNodeClass, name: default}, requirements: []}}}
"""


def test_aks_addon_kinds_follow_the_feature(tmp_path):
    plan = estate(tmp_path, NAP)
    nodepool = [p for p in plan.deploy.prerequisites if p.group == "karpenter.sh"]
    assert nodepool and nodepool[0].provider == "aks-addon"
    assert nodepool[0].provided == plan.cluster.node_auto_provisioning
    if plan.cluster.node_auto_provisioning:  # the translation switched NAP on for this object
        assert not [k for k in plan.deploy.skipped if "/NodePool/" in k]
    row = prerequisite_for("secrets-store.csi.x-k8s.io", "SecretProviderClass")
    assert row is not None and row["provider"] == "aks-addon" and row["feature"] == "always"


def test_keda_objects_need_an_addon_this_stack_does_not_enable(tmp_path):
    keda = """\
    apiVersion: keda.sh/v1alpha1
    kind: ScaledObject
    metadata: {name: so, namespace: default}
    spec: {scaleTargetRef: {name: web}, triggers: []}
    """
    plan = estate(tmp_path, keda)
    assert plan.deploy.skipped == ["keda.sh/v1alpha1/ScaledObject/default/so"]
    assert "KEDA add-on" in rules(plan, "PRE-052")[0].message


VELERO_SCHEDULE = """\
apiVersion: v1
kind: Namespace
metadata: {name: velero}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: nightly, namespace: velero}
spec: {schedule: "0 1 * * *", template: {includedNamespaces: ["*"]}}
"""


def test_helm_operators_are_planned_pinned(tmp_path):
    plan = estate(tmp_path, VELERO_SCHEDULE)
    (op,) = plan.deploy.operators
    assert (op.name, op.provider, op.chart_repo, op.namespace, op.groups) == (
        "velero", "helm", "https://vmware-tanzu.github.io/helm-charts", "velero", ["velero.io"])
    assert op.chart_version and op.chart_version[0].isdigit()
    assert plan.deploy.skipped == [] and "velero 8.1.0" in rules(plan, "PRE-053")[0].message


def test_nothing_is_installed_or_reported_per_kind_when_nothing_is_deployed(tmp_path):
    plan = estate(tmp_path, VELERO_SCHEDULE + "---\n" + UNKNOWN_CR.split("---\n", 1)[1], PRIVATE)
    assert plan.deploy.mode == "none" and plan.deploy.operators == []
    assert not rules(plan, "PRE-052") and not rules(plan, "PRE-053") and rules(plan, "PRE-050")
    assert {p.group for p in plan.deploy.prerequisites} >= {"velero.io", "widgets.acme.io"}  # still reported


def test_operators_not_installed_when_disabled_or_on_a_gitops_cluster(tmp_path):
    plan = estate(tmp_path, VELERO_SCHEDULE, install_operators=False)
    assert plan.deploy.operators == [] and plan.deploy.skipped == ["velero.io/v1/Schedule/velero/nightly"]
    plan = estate(tmp_path, VELERO_SCHEDULE, PRIVATE, gitops_repository="https://git/x")
    assert plan.deploy.operators == []
    assert "HelmRelease" in rules(plan, "PRE-054")[0].remediation


def test_an_estate_running_the_controller_without_crds_gets_no_second_controller(tmp_path):
    controller = """\
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: velero, namespace: velero}
    spec:
      selector: {matchLabels: {app: velero}}
      template:
        metadata: {labels: {app: velero}}
        spec: {containers: [{name: velero, image: "velero/velero:v1.14.0"}]}
    """
    plan = estate(tmp_path, VELERO_SCHEDULE + textwrap.dedent(controller))
    assert plan.deploy.operators == [] and "velero.io/v1/Schedule/velero/nightly" in plan.deploy.skipped
    assert "velero/velero" in rules(plan, "PRE-052")[0].message


def test_user_only_placeholders_block_the_object_and_name_the_option():
    bsl = {"apiVersion": "velero.io/v1", "kind": "BackupStorageLocation",
           "spec": {"config": {"subscriptionId": "${VELERO_SUBSCRIPTION_ID}", "storageAccount": "${VELERO_STORAGE_ACCOUNT}",
                               "tenant": "${AZURE_TENANT_ID}"}}}
    assert unfillable_placeholders(bsl) == ["${VELERO_STORAGE_ACCOUNT}"]  # subscription/tenant: getClientConfig
    sc = {"parameters": {"diskEncryptionSetID": "/subscriptions/<subscription-id>/resourceGroups/<resource-group>/x"}}
    assert unfillable_placeholders(sc) == ["<resource-group>", "<subscription-id>"]
    assert unfillable_placeholders({"data": {"page": "<html><body>${HOME}</body></html>"}}) == []


def test_the_example_never_deploys_a_placeholder(example_plan):
    skipped = set(example_plan.deploy.skipped)
    for o in example_plan.workloads.objects:
        if object_key(o) not in skipped:
            assert unfillable_placeholders(o) == [], object_key(o)
    assert {f.message.split(" is not")[0] for f in rules(example_plan, "PRE-056")} >= {
        "BackupStorageLocation velero/shop-s3", "StorageClass ebs-gp3-fast"}
    (sc,) = [f for f in rules(example_plan, "PRE-056") if f.message.startswith("StorageClass ebs-gp3-fast")]
    assert "<subscription-id>" in sc.message and "claims using it stay Pending: shop/search" in sc.message


PVC = """\
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: kept}
spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], csi: {driver: disk.csi.azure.com, volumeHandle: x}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: bound, namespace: app}
spec: {accessModes: [ReadWriteOnce], volumeName: kept, resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: dangling, namespace: app}
spec: {accessModes: [ReadWriteOnce], volumeName: gone-pv, resources: {requests: {storage: 1Gi}}}
"""


def test_claims_naming_a_volume_that_is_not_migrated_are_not_planned_as_bound(tmp_path):
    plan = estate(tmp_path, PVC)
    claims = {o["metadata"]["name"]: o["spec"] for o in plan.workloads.objects if o["kind"] == "PersistentVolumeClaim"}
    assert "volumeName" not in claims["dangling"]
    (f,) = rules(plan, "PRE-055")
    assert "app/dangling" in f.message and "gone-pv" in f.message and f.severity == "medium"
    if any(o["kind"] == "PersistentVolume" for o in plan.workloads.objects):
        assert claims["bound"].get("volumeName") == "kept"


def test_every_namespace_an_object_uses_is_created(tmp_path):
    objs = """\
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: a, namespace: orphan}
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: b, namespace: kube-system}
    """
    plan = estate(tmp_path, objs)
    first = plan.workloads.objects[0]
    assert (first["kind"], first["metadata"]["name"]) == ("Namespace", "orphan")
    assert not [o for o in plan.workloads.objects if o["kind"] == "Namespace" and o["metadata"]["name"] == "kube-system"]
    assert [f.message.split()[1] for f in rules(plan, "PRE-057")] == ["orphan"]


def test_key_vault_name_suffix_keeps_the_limits():
    base = key_vault_name("dev", "a-very-long-cluster-name-indeed")
    for suffix in ("2", "r2", "abc123"):
        name = key_vault_name("dev", "a-very-long-cluster-name-indeed", suffix)
        assert 3 <= len(name) <= 24 and name.endswith("-" + suffix) and name != base, name
        assert "--" not in name and name[0].isalpha()
    with pytest.raises(ValueError, match="keyVaultNameSuffix"):
        key_vault_name("dev", "c", "UPPER")
    with pytest.raises(ValueError, match="keyVaultNameSuffix"):
        key_vault_name("dev", "c", "toolong7")


def test_key_vault_suffix_from_config(tmp_path):
    opts = TranslateOptions.from_config({"keyVaultNameSuffix": "b"}.get, "dev")
    assert opts.key_vault_name_suffix == "b"


def test_prerequisites_table_rows_are_complete():
    rows = read_table("prerequisites.csv")
    assert rows and all(r["doc"].startswith("https://learn.microsoft.com/") for r in rows)
    for r in rows:
        assert r["provider"] in ("aks-addon", "aks-extension", "helm", "none"), r
        if r["provider"] == "helm":
            assert r["chart_repo"].startswith("https://") and r["chart"] and r["chart_version"] and r["namespace"], r
        if r["provider"] == "aks-extension":
            assert r["extension_type"].startswith("microsoft."), r
        if r["provider"] == "aks-addon":
            assert r["feature"], r


def test_builtin_kinds_table_is_generated_from_the_installed_schemas():
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_builtin_kinds.py"), "--check"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
