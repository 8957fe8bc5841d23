"""Security groups for pods → NetworkPolicy, the Amazon VPC CNI (translators/network/translate.py, network_sgp.py)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from builders_network import DNS, SGP, first, perm, run, sg, translate, validate
from helpers import corpus_objects as load_corpus_objects, load, rules
import yaml

from translators.findings import catalogue
from translators.k8s import K8sObject, WorkloadContext
from translators.network.translate import (INDEX_KEY, clean_selector, index_network, selector_matches, sgp_label_key)


SRC = Path(__file__).resolve().parents[1] / "translators"


# --- SecurityGroupPolicy without security group data: default deny --------------------------------

def test_default_deny_without_security_groups():
    _, obj, res = first(SGP)
    assert res.outcome == "translated"
    (policy,) = res.objects
    assert validate(policy) == {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "database-pod-sg", "namespace": "database", "labels": {"team": "data"},
                     "annotations": {"networking.eks-to-aks.io/security-groups":
                                     "sg-0a1b2c3d4e5f6a7b8,sg-1a2b3c4d5e6f7a8b9"}},
        "spec": {"podSelector": {"matchLabels": {"app": "postgres", "tier": "database"}},
                 "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": [DNS]},
    }
    (f,) = res.findings
    assert f.rule_id == "NET-001" and f.severity == "high" and f.line == obj.line("spec", "securityGroups", "groupIds")
    assert "sg-0a1b2c3d4e5f6a7b8, sg-1a2b3c4d5e6f7a8b9" in f.message


def test_dns_rule_targets_aks_coredns():
    assert DNS["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    assert sorted((p["protocol"], p["port"]) for p in DNS["ports"]) == [("TCP", 53), ("UDP", 53)]


# --- service account selectors -----------------------------------------------------------------------

SA_TEXT = """\
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata: {name: api-sg, namespace: shop}
spec:
  serviceAccountSelector: {matchLabels: {role: api}}
  podSelector: {matchExpressions: [{key: app, operator: In, values: [api, worker]}]}
  securityGroups: {groupIds: [sg-api]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop, labels: {role: api}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: batch, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {serviceAccountName: api, containers: [{name: api, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {serviceAccountName: api, containers: [{name: web, image: nginx}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: report, namespace: shop}
spec:
  template:
    metadata: {labels: {app: worker}}
    spec: {serviceAccountName: batch, containers: [{name: r, image: nginx}]}
"""


def test_service_account_selector_becomes_a_label():
    _, pairs = run(SA_TEXT)
    res = pairs[0][1]
    policy = validate(res.objects[0])
    assert policy["spec"]["podSelector"] == {
        "matchLabels": {"sgp.eks-to-aks.io/api-sg": "true"},
        "matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "worker"]}]}
    assert rules(res) == ["NET-001", "NET-004"]
    assert "added to Deployment/shop/api)" in res.findings[1].message
    api, web, job = (pairs[i][1] for i in (3, 4, 5))
    assert api.outcome == "translated" and rules(api) == ["NET-004"]
    labels = api.objects[0]["spec"]["template"]["metadata"]["labels"]
    assert labels == {"app": "api", "sgp.eks-to-aks.io/api-sg": "true"}
    assert api.objects[0]["spec"]["selector"] == {"matchLabels": {"app": "api"}}  # selectors are immutable: untouched
    assert web is None  # right service account, but the podSelector does not match (ANDed)
    assert job is None  # matching pod labels, but its service account lacks role=api
    assert pairs[1][1] is None and pairs[2][1] is None


def test_service_account_selector_without_workloads():
    _, _, res = first(SA_TEXT.split("---")[0])
    assert "no workload in the input runs as a matching ServiceAccount" in res.findings[-1].message


def test_policy_selecting_nothing_is_dropped():
    _, _, res = first("""\
    apiVersion: vpcresources.k8s.aws/v1beta1
    kind: SecurityGroupPolicy
    metadata: {name: empty}
    spec: {securityGroups: {groupIds: [sg-1]}}
    """)
    assert res.outcome == "dropped" and rules(res) == ["NET-012"]


@pytest.mark.parametrize("selector,labels,match", [
    ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
    ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
    ({"matchLabels": {"on": True}}, {"on": "true"}, True),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"}, True),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"b": "1"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"b": "1"}, True),
    ({"matchExpressions": [{"key": "a", "operator": "Bogus"}]}, {"a": "1"}, False),
    ({}, {"x": "y"}, True),
    (None, {}, False),
])
def test_selector_matches(selector, labels, match):
    assert selector_matches(selector, labels) is match


def test_clean_selector_and_label_keys():
    assert clean_selector({"matchLabels": {"v": 1, "on": True}, "other": 1}) == \
        {"matchLabels": {"v": "1", "on": "true"}}
    assert sgp_label_key("web") == "sgp.eks-to-aks.io/web"
    long = sgp_label_key("x" * 100)
    assert len(long.split("/", 1)[1]) <= 63 and long != sgp_label_key("x" * 99)
    validate({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "n"},
              "spec": {"podSelector": {"matchLabels": {long: "true"}}}})


# --- VPC CNI, NetworkPolicies, workloads -------------------------------------------------------------

@pytest.mark.parametrize("doc,rule,anchor", [
    ({"apiVersion": "crd.k8s.amazonaws.com/v1alpha1", "kind": "ENIConfig", "metadata": {"name": "us-west-2a"},
      "spec": {"subnet": "subnet-0a1b", "securityGroups": ["sg-1"]}}, "NET-008", "subnet-0a1b"),
    ({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "aws-node", "namespace": "kube-system"},
      "spec": {"template": {"spec": {"containers": [{"name": "aws-node", "image": "x"}]}}}}, "NET-009", "VPC CNI"),
    ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "amazon-vpc-cni", "namespace": "kube-system"},
      "data": {"warm-ip-target": "1", "enable-network-policy-controller": "false"}}, "NET-010", "warm-ip-target=1"),
    ({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "eniconfigs.crd.k8s.amazonaws.com"}}, "NET-009", "CRD"),
    ({"apiVersion": "networking.k8s.aws/v1alpha1", "kind": "PolicyEndpoint",
      "metadata": {"name": "p", "namespace": "a"}},
     "NET-009", "network policy controller"),
])
def test_vpc_cni_objects_are_dropped(doc, rule, anchor):
    _, _, res = first(yaml.safe_dump(doc))
    assert res.outcome == "dropped" and res.objects == [] and rules(res) == [rule]
    assert anchor in res.findings[0].message


def test_same_names_elsewhere_are_not_ours():
    for doc in ({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "aws-node", "namespace": "default"},
                 "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}},
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "amazon-vpc-cni", "namespace": "app"}}):
        assert first(yaml.safe_dump(doc))[2] is None


def test_network_policy_passthrough():
    text = """\
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: np, namespace: web}
    spec:
      podSelector: {}
      policyTypes: [Ingress, Egress]
      ingress:
      - from:
        - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.5.0/24]}
        - ipBlock: {cidr: 203.0.113.0/24}
      egress:
      - to:
        - ipBlock: {cidr: 0.0.0.0/0}
        - ipBlock: {cidr: 100.64.0.0/16}
    """
    _, obj, res = first(text)
    assert res.outcome == "passthrough" and res.objects[0] is obj.obj
    assert rules(res) == ["NET-006", "NET-006"]
    assert [f.line for f in res.findings] == [obj.line("spec", "ingress", 0, "from", 0, "ipBlock", "cidr"),
                                              obj.line("spec", "egress", 0, "to", 1, "ipBlock", "cidr")]


def test_pod_eni_resources_are_removed():
    text = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: db, namespace: database}
    spec:
      template:
        spec:
          containers:
          - name: db
            image: postgres:15
            resources:
              requests: {cpu: 500m, vpc.amazonaws.com/pod-eni: "1"}
              limits: {vpc.amazonaws.com/pod-eni: "1"}
          - name: win
            image: mcr.microsoft.com/windows/servercore/iis
            resources: {limits: {vpc.amazonaws.com/PrivateIPv4Address: 1}}
    """
    _, obj, res = first(text)
    assert res.outcome == "translated" and rules(res) == ["NET-011", "NET-011", "NET-011"]
    db, win = res.objects[0]["spec"]["template"]["spec"]["containers"]
    assert db["resources"] == {"requests": {"cpu": "500m"}} and win["resources"] == {}
    assert res.findings[0].line == obj.line("spec", "template", "spec", "containers", 0, "resources", "requests",
                                            "vpc.amazonaws.com/pod-eni")
    plain = text.replace(', vpc.amazonaws.com/pod-eni: "1"', "").replace(
        'limits: {vpc.amazonaws.com/pod-eni: "1"}', "limits: {cpu: 1}").replace(
        "{limits: {vpc.amazonaws.com/PrivateIPv4Address: 1}}", "{}")
    assert first(plain)[2] is None


def test_index_is_json_safe():
    idx = index_network(load(SA_TEXT + "---\n" + SGP))
    assert json.loads(json.dumps(idx)) == idx and idx["complete"] is True
    assert idx["policies"]["shop/api-sg"]["groups"] == ["sg-api"]
    assert idx["serviceAccounts"] == {"shop/api": {"role": "api"}, "shop/batch": {}}
    assert [w["ref"] for w in idx["workloads"]] == ["Deployment/shop/api", "Deployment/shop/web", "Job/shop/report"]
    ctx = WorkloadContext()
    translate(load(SGP)[0], ctx)
    idx = ctx.indexes[INDEX_KEY]
    assert idx["complete"] is False and "database/database-pod-sg" in idx["policies"]


def test_translation_leaves_the_input_alone():
    objs = load(SA_TEXT)
    before = copy.deepcopy([o.obj for o in objs])
    run(objs)
    assert [o.obj for o in objs] == before


# --- catalogue, data, purity ------------------------------------------------------------------------

NETWORK_RULES = {rid for rid in catalogue() if rid.startswith("NET-")}


# Catalogue shape, emitted/triggered ids, data-table provenance and the no-Pulumi rule are checked
# project-wide (tests/test_rules_catalogue.py, test_catalogue_coverage.py, test_architecture.py).


# --- corpus -------------------------------------------------------------------------------------------

CATEGORIES = ("security-group-policy", "aws-integrations", "apps")


def corpus_objects() -> list[K8sObject]:
    return load_corpus_objects(*CATEGORIES)


@pytest.mark.parametrize("with_groups", [False, True])
def test_corpus(with_groups):
    objs = corpus_objects()
    groups = [sg(g, [perm("tcp", 5432, groups=[g]), perm("tcp", 443, cidrs=["10.0.0.0/8"])],
                 [perm("-1", cidrs=["0.0.0.0/0"])])
              for o in objs if o.kind == "SecurityGroupPolicy"
              for g in o.obj["spec"]["securityGroups"]["groupIds"]]
    _, pairs = run(objs, groups if with_groups else None)
    policies = dropped = 0
    for o, res in pairs:
        if res is None:
            continue
        assert {f.rule_id for f in res.findings} <= NETWORK_RULES
        assert all(f.file == o.file and f.line for f in res.findings)
        if o.kind == "SecurityGroupPolicy":
            policies += 1
            assert res.outcome == "translated" and res.objects[0]["kind"] == "NetworkPolicy", o.ref()
        for new in res.objects:
            if new["kind"] == "NetworkPolicy":
                validate(new)
        dropped += res.outcome == "dropped"
    assert policies >= 5 and dropped >= 6
