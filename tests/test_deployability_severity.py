"""Severity follows impact: accounts of components AKS replaces are info; disabled features make no finding."""
from __future__ import annotations

from translators.estate import translate_estate


def test_example_roles_of_replaced_components_are_info(example_plan):
    import re

    sev = {re.match(r"IAM role arn:aws:iam::\d+:role/(\S+):", f.message).group(1): f.severity
           for f in example_plan.findings if f.rule_id == "IDN-013"}
    assert sev == {"shop-prod-cluster-autoscaler": "info", "shop-prod-fluent-bit": "info",
                   "shop-prod-order-archiver": "medium"}


def test_example_addon_permissions_are_info(example_plan):
    addons = [f for f in example_plan.findings if f.rule_id == "CLU-016" and f.message.startswith("add-on ")]
    assert addons and {f.severity for f in addons} == {"info"}


def test_eksctl_accounts_of_replaced_components_are_info(tmp_path):
    cfg = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: d, region: us-east-1}
iam:
  withOIDC: true
  serviceAccounts:
    - metadata: {name: ebs-csi-controller-sa, namespace: kube-system}
      wellKnownPolicies: {ebsCSIController: true}
    - metadata: {name: aws-load-balancer-controller, namespace: kube-system}
      wellKnownPolicies: {awsLoadBalancerController: true}
    - metadata: {name: cluster-autoscaler, namespace: kube-system}
      wellKnownPolicies: {autoScaler: true}
    - metadata: {name: app, namespace: default}
      attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
managedNodeGroups:
  - {name: g, instanceType: m5.xlarge}
"""
    (tmp_path / "c.yaml").write_text(cfg, encoding="utf-8")
    plan = translate_estate(tmp_path / "c.yaml")
    sev = {f.message.split(" ")[1]: f.severity for f in plan.findings if f.rule_id == "CLU-016"}
    assert sev == {"kube-system/ebs-csi-controller-sa": "info", "kube-system/aws-load-balancer-controller": "info",
                   "kube-system/cluster-autoscaler": "info", "default/app": "high"}


def test_manifest_accounts_of_replaced_components_are_info(tmp_path):
    accounts = ""
    for name, role in (("aws-load-balancer-controller", "lbc"), ("ebs-csi-controller-sa", "ebs"),
                       ("cluster-autoscaler", "ca"), ("shop-api", "shop")):
        accounts += (f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: kube-system\n"
                     f"  annotations: {{eks.amazonaws.com/role-arn: 'arn:aws:iam::123456789012:role/{role}'}}\n---\n")
    (tmp_path / "sa.yaml").write_text(accounts, encoding="utf-8")
    plan = translate_estate(None, None, [str(tmp_path / "sa.yaml")])
    idn1 = {f.message.split(":")[0]: f.severity for f in plan.findings if f.rule_id == "IDN-001"}
    assert idn1 == {"ServiceAccount/kube-system/aws-load-balancer-controller": "info",
                    "ServiceAccount/kube-system/ebs-csi-controller-sa": "info",
                    "ServiceAccount/kube-system/cluster-autoscaler": "info",
                    "ServiceAccount/kube-system/shop-api": "high"}
    idn13 = {f.message.split(":")[5].split("/")[-1]: f.severity for f in plan.findings if f.rule_id == "IDN-013"}
    assert idn13 == {"lbc": "info", "ebs": "info", "ca": "info", "shop": "medium"}
