"""Network builders shared by the test_network* modules: the DNS egress rule, a SecurityGroupPolicy, security group
and permission dicts, the network translators run with groups, and NetworkPolicy validation."""
from __future__ import annotations

import json

import kubernetes_validate

from helpers import first_result, run as run_translators
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.network.translate import DNS_RULE, NETWORK_TRANSLATORS, prepare

DNS = json.loads(json.dumps(DNS_RULE))

SGP = """\
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: database-pod-sg
  namespace: database
  labels: {team: data}
spec:
  podSelector:
    matchLabels: {app: postgres, tier: database}
  securityGroups:
    groupIds:
    - sg-0a1b2c3d4e5f6a7b8
    - sg-1a2b3c4d5e6f7a8b9
"""


def translate(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """The result of the first network translator that claims ``obj``."""
    return first_result(NETWORK_TRANSLATORS, obj, ctx)


def run(source: str | list[K8sObject], groups: list[dict] | None = None, do_prepare: bool = True):
    """``helpers.run`` over the network translators in a fresh context holding ``groups`` (when given)."""
    ctx = WorkloadContext(options={"securityGroups": {"SecurityGroups": groups}} if groups is not None else {})
    return run_translators(NETWORK_TRANSLATORS, source, ctx, prepare if do_prepare else None)


def first(text: str, groups: list[dict] | None = None):
    """Run ``text`` with ``groups``; returns ``(ctx, obj, translation)`` for its first object."""
    ctx, pairs = run(text, groups)
    return (ctx, *pairs[0])


def validate(policy: dict) -> dict:
    """``policy`` after a strict kubernetes_validate (Kubernetes 1.31)."""
    kubernetes_validate.validate(policy, "1.31", strict=True)
    return policy


def sg(gid: str, ingress: list[dict] | None = None, egress: list[dict] | None = None) -> dict:
    """One SecurityGroups[] entry in `aws ec2 describe-security-groups` shape."""
    return {"GroupId": gid, "GroupName": gid, "Description": "d", "VpcId": "vpc-1", "OwnerId": "123456789012",
            "IpPermissions": ingress or [], "IpPermissionsEgress": egress or []}


def perm(proto: str = "tcp", lo: int | None = None, hi: int | None = None, cidrs=(), cidrs6=(), groups=(),
         prefix_lists=()) -> dict:
    """An EC2 IpPermission: protocol, port range and CIDR, IPv6, group and prefix-list sources."""
    p = {"IpProtocol": proto, "IpRanges": [{"CidrIp": c} for c in cidrs],
         "Ipv6Ranges": [{"CidrIpv6": c} for c in cidrs6], "PrefixListIds": [{"PrefixListId": x} for x in prefix_lists],
         "UserIdGroupPairs": [{"GroupId": g, "UserId": "123456789012"} for g in groups]}
    if lo is not None:
        p.update(FromPort=lo, ToPort=hi if hi is not None else lo)
    return p
