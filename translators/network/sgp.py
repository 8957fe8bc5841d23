"""Security group rules (``aws ec2 describe-security-groups`` JSON) → NetworkPolicy ingress/egress rules, for the
SecurityGroupPolicy translator in :mod:`translators.network.translate`.

:class:`SgRules` turns each inbound/outbound permission of a group into a NetworkPolicy rule: CIDRs →
``ipBlock`` (private ranges flagged), groups referenced by ``UserIdGroupPairs`` → pods of the policies attaching
them, protocols and port ranges by ``data/network_sg_protocols.csv``; prefix lists and protocols NetworkPolicy
cannot express are left out with a finding.
"""
from __future__ import annotations

import ipaddress
import json
from functools import cache
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, WorkloadContext, add_finding
from translators.refdata import read_table

SG_OPTION = "securityGroups"
NS_LABEL = "kubernetes.io/metadata.name"  # set on every namespace by the API server since Kubernetes 1.22
ANYWHERE = ("0.0.0.0/0", "::/0")
#: RFC 1918, RFC 6598 shared space (EKS custom networking pod CIDRs) and RFC 4193 unique local addresses.
PRIVATE_RANGES = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                    "100.64.0.0/10", "fc00::/7")]


@cache
def _protocols() -> dict[str, dict[str, str]]:
    """``data/network_sg_protocols.csv`` rows by ``ip_protocol``."""
    return {r["ip_protocol"]: r for r in read_table("network_sg_protocols.csv")}


def private_range(cidr: Any) -> bool:
    """Inside a private-use range (:data:`PRIVATE_RANGES`): most likely VPC or pod addresses."""
    try:
        net = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False
    if isinstance(net, ipaddress.IPv4Network):
        return any(isinstance(r, ipaddress.IPv4Network) and net.subnet_of(r) for r in PRIVATE_RANGES)
    return any(isinstance(r, ipaddress.IPv6Network) and net.subnet_of(r) for r in PRIVATE_RANGES)


def security_groups(ctx: WorkloadContext) -> dict[str, dict[str, Any]] | None:
    """The groups of ``ctx.options["securityGroups"]`` by ``GroupId``, or ``None`` without that option."""
    data = ctx.options.get(SG_OPTION)
    groups = data.get("SecurityGroups") if isinstance(data, dict) else data
    if not isinstance(groups, list):
        return None
    return {str(g.get("GroupId")): g for g in groups if isinstance(g, dict)}


def _ports(perm: dict[str, Any], row: dict[str, str]) -> list[dict[str, Any]] | None:
    if row["k8s_protocol"] == "ALL":
        return None
    proto = row["k8s_protocol"]
    lo, hi = perm.get("FromPort"), perm.get("ToPort")
    if row["ports"] != "true" or lo is None or lo in (-1, 0) and hi in (-1, 65535, None):
        return [{"protocol": proto}]
    lo, hi = max(int(lo), 1), int(hi if hi is not None else lo)
    return [{"protocol": proto, "port": lo, **({"endPort": hi} if hi > lo else {})}]


class SgRules:
    """Translates the rules of a SecurityGroupPolicy's groups, collecting findings at ``groupIds[i]``."""

    def __init__(self, obj: K8sObject, policies: dict[str, dict[str, Any]], findings: Findings):
        """``policies``: the network index's SecurityGroupPolicies (``idx["policies"]``), for group references."""
        self.obj, self.findings, self.policies = obj, findings, policies

    def note(self, rule: str, msg: str, i: int) -> None:
        add_finding(self.findings, rule, f"{self.obj.ref()}: {msg}", self.obj, "spec", "securityGroups", "groupIds", i)

    def peers_for_group(self, gid: str) -> list[dict[str, Any]]:
        out = []
        for p in sorted(self.policies.values(), key=lambda p: (p["namespace"], p["name"])):
            if gid in p["groups"]:
                peer: dict[str, Any] = {"podSelector": p["selector"]}
                if p["namespace"] != (self.obj.namespace or "default"):
                    peer = {"namespaceSelector": {"matchLabels": {NS_LABEL: p["namespace"]}}, **peer}
                out.append(peer)
        return out

    def rule(self, gid: str, perm: dict[str, Any], direction: str, i: int) -> dict[str, Any] | None:
        proto = str(perm.get("IpProtocol", "-1")).lower()
        row = _protocols().get(proto)
        lo, hi = perm.get("FromPort"), perm.get("ToPort")
        ports = "" if lo in (None, -1) else f" {lo}" if hi in (None, lo) else f" {lo}-{hi}"
        what = f"security group {gid} {direction} rule ({proto}{ports})"
        if row is None or not row["k8s_protocol"]:
            self.note("NET-007", f"{what}: protocol {proto} has no NetworkPolicy form; left out", i)
            return None
        peers, anywhere = [], False
        cidrs = [r.get("CidrIp") for r in perm.get("IpRanges") or []]
        cidrs += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
        for cidr in filter(None, cidrs):
            if cidr in ANYWHERE:
                anywhere = True
                continue
            try:
                net = ipaddress.ip_network(str(cidr), strict=False)
            except ValueError:
                self.note("NET-007", f"{what}: {cidr} is not a CIDR; left out", i)
                continue
            if private_range(net):
                self.note("NET-006", f"{what}: private range {net} kept as an ipBlock", i)
            peers.append({"ipBlock": {"cidr": str(net)}})
        for pl in perm.get("PrefixListIds") or []:
            self.note("NET-007", f"{what}: prefix list {pl.get('PrefixListId')} left out", i)
        for pair in perm.get("UserIdGroupPairs") or []:
            ref = str(pair.get("GroupId"))
            found = self.peers_for_group(ref)
            if not found:
                self.note("NET-005", f"{what}: no SecurityGroupPolicy attaches group {ref}; left out", i)
            peers += found
        if not anywhere and not peers:
            return None
        out: dict[str, Any] = {}
        if not anywhere:
            out["from" if direction == "inbound" else "to"] = dedupe(peers)
        ports = _ports(perm, row)
        if ports:
            out["ports"] = ports
        return out


def dedupe(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rules`` without repeats, in first-seen order."""
    return list({json.dumps(r, sort_keys=True): r for r in rules}.values())
