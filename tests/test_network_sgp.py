"""Security group rules → NetworkPolicy ingress/egress (translators/network/sgp.py), split from test_network.py."""
from __future__ import annotations

import pytest
from builders_network import DNS, SGP, first, perm, run, sg, translate, validate
from helpers import load, rules

from translators.k8s import WorkloadContext
from translators.network.sgp import private_range

APP_SGP = """\
---
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata: {name: app-tier, namespace: application}
spec:
  podSelector: {matchLabels: {tier: application}}
  securityGroups: {groupIds: [sg-app]}
"""


# --- security group rules → ingress/egress --------------------------------------------------------

DB, SSH = "sg-0a1b2c3d4e5f6a7b8", "sg-1a2b3c4d5e6f7a8b9"
APP_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "application"}},
            "podSelector": {"matchLabels": {"tier": "application"}}}
SELF_PEER = {"podSelector": {"matchLabels": {"app": "postgres", "tier": "database"}}}

RULE_CASES = [
    # (inbound permission, expected ingress rules, expected findings besides NET-002)
    (perm("tcp", 5432, groups=["sg-app"]), [{"from": [APP_PEER], "ports": [{"protocol": "TCP", "port": 5432}]}], []),
    (perm("tcp", 5432, groups=[DB]), [{"from": [SELF_PEER], "ports": [{"protocol": "TCP", "port": 5432}]}], []),
    (perm("tcp", 8000, 8100, cidrs=["203.0.113.0/24"]),
     [{"from": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
       "ports": [{"protocol": "TCP", "port": 8000, "endPort": 8100}]}],
     []),
    (perm("udp", 0, 65535, cidrs6=["2001:db8::/32"]),
     [{"from": [{"ipBlock": {"cidr": "2001:db8::/32"}}], "ports": [{"protocol": "UDP"}]}], []),
    (perm("6", 443, cidrs=["0.0.0.0/0", "198.51.100.7/32"]), [{"ports": [{"protocol": "TCP", "port": 443}]}], []),
    (perm("-1", cidrs=["0.0.0.0/0"]), [{}], []),
    (perm("132", cidrs6=["::/0"]), [{"ports": [{"protocol": "SCTP"}]}], []),
    (perm("tcp", 22, cidrs=["10.0.0.0/16", "10.0.1.9/24"]),
     [{"from": [{"ipBlock": {"cidr": "10.0.0.0/16"}}, {"ipBlock": {"cidr": "10.0.1.0/24"}}],
       "ports": [{"protocol": "TCP", "port": 22}]}], ["NET-006", "NET-006"]),
    (perm("tcp", 5432, groups=["sg-bastion"]), [], ["NET-005"]),
    (perm("tcp", 5432, groups=["sg-bastion", "sg-app"]),
     [{"from": [APP_PEER], "ports": [{"protocol": "TCP", "port": 5432}]}], ["NET-005"]),
    (perm("icmp", -1, cidrs=["0.0.0.0/0"]), [], ["NET-007"]),
    (perm("47", cidrs=["0.0.0.0/0"]), [], ["NET-007"]),
    (perm("tcp", 443, prefix_lists=["pl-63a5400a"]), [], ["NET-007"]),
    (perm("tcp", 443, cidrs=["not-a-cidr"]), [], ["NET-007"]),
]


@pytest.mark.parametrize("permission,ingress,extra", RULE_CASES)
def test_inbound_rule_table(permission, ingress, extra):
    groups = [sg(DB, [permission]), sg(SSH), sg("sg-app")]
    _, obj, res = first(SGP + APP_SGP, groups)
    policy = validate(res.objects[0])
    assert policy["spec"]["ingress"] == ingress
    assert policy["spec"]["egress"] == [DNS]  # no outbound rules: only DNS
    assert sorted(rules(res)) == sorted(["NET-002", *extra])
    assert all(f.line == obj.line("spec", "securityGroups", "groupIds", 0) for f in res.findings
               if f.rule_id != "NET-002")


def test_outbound_rules_and_dns():
    groups = [sg(DB, egress=[perm("tcp", 5432, groups=[DB]), perm("tcp", 443, cidrs=["0.0.0.0/0"])]),
              sg(SSH, egress=[perm("tcp", 443, cidrs=["0.0.0.0/0"])])]
    _, _, res = first(SGP, groups)
    egress = validate(res.objects[0])["spec"]["egress"]
    assert egress == [{"to": [SELF_PEER], "ports": [{"protocol": "TCP", "port": 5432}]},
                      {"ports": [{"protocol": "TCP", "port": 443}]}, DNS]  # duplicates merged
    assert rules(res) == ["NET-002"] and "0 ingress and 2 egress rules" in res.findings[0].message


def test_unrestricted_egress_needs_no_dns_rule():
    _, _, res = first(SGP, [sg(DB, egress=[perm("-1", cidrs=["0.0.0.0/0"])]), sg(SSH)])
    assert validate(res.objects[0])["spec"]["egress"] == [{}]


def test_group_missing_from_export():
    _, obj, res = first(SGP, [sg(DB, [perm("tcp", 5432, cidrs=["192.0.2.0/24"])])])
    assert rules(res) == ["NET-003", "NET-002"]
    assert res.findings[0].line == obj.line("spec", "securityGroups", "groupIds", 1) and SSH in res.findings[0].message
    assert res.findings[0].severity == "high"


def test_a_list_of_groups_is_accepted_too():
    ctx = WorkloadContext(options={"securityGroups": [sg(DB), sg(SSH)]})
    res = translate(load(SGP)[0], ctx)
    assert rules(res) == ["NET-002"]


def test_peers_need_the_whole_estate():
    groups = [sg(DB, [perm("tcp", 5432, groups=["sg-app"])]), sg(SSH), sg("sg-app")]
    _, pairs = run(SGP + APP_SGP, groups, do_prepare=False)  # app-tier not seen yet
    assert pairs[0][1].objects[0]["spec"]["ingress"] == [] and "NET-005" in rules(pairs[0][1])
    _, pairs = run(SGP + APP_SGP, groups)
    assert pairs[0][1].objects[0]["spec"]["ingress"][0]["from"] == [APP_PEER]


@pytest.mark.parametrize("cidr,private", [("10.1.0.0/16", True), ("172.20.0.0/16", True), ("192.168.1.0/24", True),
                                          ("100.64.0.0/10", True), ("fd00::/8", True), ("0.0.0.0/0", False),
                                          ("::/0", False), ("8.8.8.8/32", False), ("bogus", False)])
def test_private_range(cidr, private):
    assert private_range(cidr) is private
