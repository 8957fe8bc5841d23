"""Cluster-level eksctl settings -> AKS managed cluster and network (translators/cluster/control_plane.py)."""
from __future__ import annotations

import datetime as dt
import ipaddress
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from translators.cluster.control_plane import translate_network
from translators.input.eksctl import ClusterConfig
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.findings import Findings
from translators.input.yamlsource import SourceDoc

AS_OF = dt.date(2026, 11, 22)


def run(tmp_path: Path, body: str = "", region: str | None = "us-east-1", version: str | None = "1.35",
        name: str = "demo", **opts):
    text = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n" + f"  name: {name}\n"
    text += f"  region: {region}\n" if region else ""
    text += f'  version: "{version}"\n' if version else ""
    p = tmp_path / "cluster.yaml"
    p.write_text(text + textwrap.dedent(body), encoding="utf-8")
    return translate_estate(str(p), TranslateOptions(as_of=opts.pop("as_of", AS_OF), **opts))


def rules(plan, rule_id):
    return [f for f in plan.findings if f.rule_id == rule_id]


# --- region ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("region, location", [
    ("us-east-1", "eastus"),
    ("us-east-2", "eastus2"),
    ("us-west-2", "westus2"),
    ("eu-west-1", "northeurope"),
    ("eu-central-1", "germanywestcentral"),
    ("ap-southeast-2", "australiaeast"),
    ("sa-east-1", "brazilsouth"),
])
def test_region_map(tmp_path, region, location):
    plan = run(tmp_path, region=region)
    assert plan.cluster.location == location
    (f,) = rules(plan, "CLU-002")
    assert f.message.startswith(f"{region} -> {location}") and f.line == 5


def test_unknown_region_uses_default_and_reports(tmp_path):
    plan = run(tmp_path, region="xx-nowhere-9")
    assert plan.cluster.location == "eastus"
    (f,) = rules(plan, "CLU-001")
    assert "xx-nowhere-9" in f.message and f.line == 5


def test_missing_region(tmp_path):
    plan = run(tmp_path, region=None)
    assert plan.cluster.location == "eastus"
    assert len(rules(plan, "CLU-001")) == 1


@pytest.mark.parametrize("region", ["us-east-1", None])
def test_location_override(tmp_path, region):
    plan = run(tmp_path, region=region, location="westeurope")
    assert plan.cluster.location == "westeurope"
    assert rules(plan, "CLU-001") == [] and rules(plan, "CLU-002") == []


# --- version -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version, use_lts, planned, tier, support, clu003", [
    ("1.35", False, "1.35", "Standard", "KubernetesOfficial", None),
    ("1.36", False, "1.36", "Standard", "KubernetesOfficial", None),
    ("1.37", False, "1.37", "Standard", "KubernetesOfficial", None),
    ("1.35.3", False, "1.35", "Standard", "KubernetesOfficial", None),
    ("1.31", False, "1.35", "Standard", "KubernetesOfficial", "high"),
    ("1.26", False, "1.35", "Standard", "KubernetesOfficial", "high"),   # older than the calendar
    ("1.34", False, "1.35", "Standard", "KubernetesOfficial", "high"),   # EOL 2026-11-01
    ("1.34", True, "1.34", "Premium", "AKSLongTermSupport", "low"),      # LTS until 2027-11-01
    ("1.33", True, "1.33", "Premium", "AKSLongTermSupport", "low"),      # LTS until 2027-07-01
    ("1.31", True, "1.35", "Standard", "KubernetesOfficial", "high"),    # LTS ended 2026-11-01
    ("1.35", True, "1.35", "Standard", "KubernetesOfficial", None),      # supported: no LTS needed
])
def test_version(tmp_path, version, use_lts, planned, tier, support, clu003):
    plan = run(tmp_path, version=version, use_lts=use_lts)
    c = plan.cluster
    assert (c.kubernetes_version, c.sku_tier, c.support_plan) == (planned, tier, support)
    found = rules(plan, "CLU-003")
    assert [f.severity for f in found] == ([clu003] if clu003 else [])
    if found:
        assert found[0].line == 6


def test_eol_minor_message_names_target_and_lts_option(tmp_path):
    (f,) = rules(run(tmp_path, version="1.34"), "CLU-003")
    assert "planned 1.35" in f.message and "2027-11-01" in f.message and "useLts" in f.message
    (g,) = rules(run(tmp_path, version="1.31"), "CLU-003")
    assert "planned 1.35" in g.message and "useLts" not in g.message  # its LTS is over too


@pytest.mark.parametrize("as_of, planned", [(dt.date(2026, 10, 31), "1.34"), (dt.date(2026, 11, 1), "1.35")])
def test_version_end_of_life_boundary(tmp_path, as_of, planned):
    assert run(tmp_path, version="1.34", as_of=as_of).cluster.kubernetes_version == planned


def test_newer_than_calendar_is_kept(tmp_path):
    plan = run(tmp_path, version="1.40")
    assert plan.cluster.kubernetes_version == "1.40"
    assert len(rules(plan, "CLU-004")) == 1 and rules(plan, "CLU-003") == []


@pytest.mark.parametrize("version", [None, "latest"])
def test_no_version_means_aks_default(tmp_path, version):
    plan = run(tmp_path, version=version)
    assert (plan.cluster.kubernetes_version, plan.cluster.sku_tier) == (None, "Standard")
    assert rules(plan, "CLU-003") == []


def test_version_override(tmp_path):
    plan = run(tmp_path, version="1.31", kubernetes_version="1.36")
    assert plan.cluster.kubernetes_version == "1.36" and rules(plan, "CLU-003") == []


@pytest.mark.parametrize("use_lts, reported", [(False, True), (True, False)])
def test_extended_support(tmp_path, use_lts, reported):
    plan = run(tmp_path, "upgradePolicy:\n  supportType: EXTENDED\n", use_lts=use_lts)
    assert bool(rules(plan, "CLU-022")) == reported


# --- network ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("vpc, svc, vnet, node, service, dns", [
    ("10.40.0.0/16", "172.20.0.0/16", "10.40.0.0/16", "10.40.0.0/17", "172.20.0.0/16", "172.20.0.10"),
    ("192.168.0.0/16", None, "192.168.0.0/16", "192.168.0.0/17", "10.100.0.0/16", "10.100.0.10"),
    (None, None, "192.168.0.0/16", "192.168.0.0/17", "10.100.0.0/16", "10.100.0.10"),   # eksctl defaults
    ("10.0.0.0/20", "10.96.0.0/12", "10.0.0.0/20", "10.0.0.0/21", "10.96.0.0/12", "10.96.0.10"),
])
def test_vnet_and_service_cidr(tmp_path, vpc, svc, vnet, node, service, dns):
    body = (f"vpc:\n  cidr: {vpc}\n" if vpc else "") + \
           (f"kubernetesNetworkConfig:\n  serviceIPv4CIDR: {svc}\n" if svc else "")
    net = run(tmp_path, body).network
    assert (net.vnet_cidr, net.node_subnet_cidr, net.service_cidr, net.dns_service_ip) == (vnet, node, service, dns)
    assert ipaddress.ip_network(net.node_subnet_cidr).subnet_of(ipaddress.ip_network(net.vnet_cidr))
    assert ipaddress.ip_address(net.dns_service_ip) in ipaddress.ip_network(net.service_cidr)
    pod = ipaddress.ip_network(net.pod_cidr)
    assert not pod.overlaps(ipaddress.ip_network(net.vnet_cidr))
    assert not pod.overlaps(ipaddress.ip_network(net.service_cidr))


@pytest.mark.parametrize("vpc, pod", [("10.244.0.0/16", "172.16.0.0/16"), ("10.0.0.0/8", "172.16.0.0/16"),
                                      ("172.16.0.0/12", "10.244.0.0/16")])
def test_pod_cidr_avoids_the_vnet(tmp_path, vpc, pod):
    assert run(tmp_path, f"vpc:\n  cidr: {vpc}\n").network.pod_cidr == pod


def _network(vpc: str, svc: str | None):
    data = {"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "x"},
            "vpc": {"cidr": vpc}}
    if svc:
        data["kubernetesNetworkConfig"] = {"serviceIPv4CIDR": svc}
    return translate_network(ClusterConfig(SourceDoc("x.yaml", 0, data)), Findings())


_PRIVATE = st.sampled_from([("10.0.0.0", 8), ("172.16.0.0", 12), ("192.168.0.0", 16), ("100.64.0.0", 10)])


@st.composite
def cidrs(draw, lo: int = 8, hi: int = 28):
    base, plen = draw(_PRIVATE)
    prefix = draw(st.integers(min_value=max(lo, plen), max_value=hi))
    net = ipaddress.ip_network(f"{base}/{plen}")
    offset = draw(st.integers(min_value=0, max_value=2 ** (prefix - plen) - 1))
    return str(ipaddress.ip_network((int(net.network_address) + (offset << (32 - prefix)), prefix)))


@settings(max_examples=300, deadline=None, database=None)
@given(vpc=cidrs(lo=8, hi=28), svc=st.one_of(st.none(), cidrs(lo=12, hi=24)))
def test_pod_cidr_never_overlaps_vnet_or_service(vpc, svc):
    net = _network(vpc, svc)
    vnet, service, pod = (ipaddress.ip_network(x) for x in (net.vnet_cidr, net.service_cidr, net.pod_cidr))
    assert not pod.overlaps(vnet) and not pod.overlaps(service)
    assert not service.overlaps(vnet)
    assert ipaddress.ip_network(net.node_subnet_cidr).subnet_of(vnet)
    assert ipaddress.ip_address(net.dns_service_ip) in service


def test_existing_vpc_is_reported(tmp_path):
    plan = run(tmp_path, "vpc:\n  id: vpc-123\n  cidr: 10.1.0.0/16\n")
    assert len(rules(plan, "CLU-005")) == 1 and plan.network.vnet_cidr == "10.1.0.0/16"


@pytest.mark.parametrize("gateway, reported", [("HighlyAvailable", True), ("Single", True), ("Disable", False)])
def test_nat_gateway(tmp_path, gateway, reported):
    plan = run(tmp_path, f"vpc:\n  nat:\n    gateway: {gateway}\n")
    assert bool(rules(plan, "CLU-019")) == reported


def test_ipv6_is_planned_dual_stack(tmp_path):
    plan = run(tmp_path, "kubernetesNetworkConfig:\n  ipFamily: IPv6\n")
    assert plan.network.ip_families == ["IPv4", "IPv6"]
    assert len(rules(plan, "CLU-018")) == 1


# --- endpoint ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, private, ranges", [
    ("vpc:\n  clusterEndpoints: {privateAccess: true, publicAccess: false}\n", True, []),
    ("vpc:\n  clusterEndpoints: {privateAccess: true, publicAccess: false}\n"
     "  publicAccessCIDRs: [203.0.113.0/24]\n", True, []),
    ("vpc:\n  clusterEndpoints: {privateAccess: true, publicAccess: true}\n"
     "  publicAccessCIDRs: [203.0.113.0/24, 0.0.0.0/0, 198.51.100.17/32]\n", False,
     ["203.0.113.0/24", "198.51.100.17/32"]),
    ("vpc:\n  publicAccessCIDRs: [0.0.0.0/0]\n", False, []),
    ("privateCluster:\n  enabled: true\n", True, []),
    ("", False, []),
])
def test_endpoint(tmp_path, body, private, ranges):
    plan = run(tmp_path, body)
    assert plan.cluster.private_cluster is private
    assert plan.cluster.authorized_ip_ranges == ranges
    assert bool(rules(plan, "CLU-017")) == private


# --- encryption, logging, add-ons, platform ---------------------------------------------------------------------

def test_secrets_encryption(tmp_path):
    plan = run(tmp_path, "secretsEncryption:\n  keyARN: arn:aws:kms:us-east-1:123456789012:key/abc\n")
    assert plan.cluster.kms_key_name == "etcd-kms"
    (f,) = rules(plan, "CLU-006")
    assert "arn:aws:kms:us-east-1:123456789012:key/abc" in f.message and f.line == 8


def test_no_secrets_encryption(tmp_path):
    assert run(tmp_path).cluster.kms_key_name is None


ALL_CATEGORIES = ["kube-apiserver", "kube-audit", "kube-controller-manager", "kube-scheduler",
                  "cluster-autoscaler", "cloud-controller-manager", "guard", "csi-azuredisk-controller",
                  "csi-azurefile-controller", "csi-snapshot-controller"]


@pytest.mark.parametrize("types, categories", [
    (["api", "audit", "authenticator"], ["kube-apiserver", "kube-audit", "guard"]),
    (["controllerManager", "scheduler"], ["kube-controller-manager", "kube-scheduler"]),
    (["all"], ALL_CATEGORIES),
    (["*"], ALL_CATEGORIES),
    (["api", "all"], ALL_CATEGORIES),
    ([], []),
])
def test_cluster_logging(tmp_path, types, categories):
    plan = run(tmp_path, f"cloudWatch:\n  clusterLogging:\n    enableTypes: {types}\n".replace("'", '"'))
    assert plan.cluster.diagnostic_categories == categories
    # one audit category: kube-audit (every event, as EKS audit logs); kube-audit-admin only with auditLogAdminOnly
    assert "kube-audit-admin" not in plan.cluster.diagnostic_categories
    assert len(rules(plan, "CLU-007")) == (1 if categories else 0)


@pytest.mark.parametrize("days, expected", [(90, 90), (7, 30), (3653, 730)])
def test_log_retention_becomes_workspace_retention(tmp_path, days, expected):
    plan = run(tmp_path, f"cloudWatch:\n  clusterLogging:\n    enableTypes: [api]\n    logRetentionInDays: {days}\n")
    assert plan.cluster.log_retention_days == expected  # Log Analytics accepts 30-730 days
    assert not rules(plan, "INP-001")


def test_addons(tmp_path):
    plan = run(tmp_path, """\
        addons:
          - name: vpc-cni
          - name: coredns
          - name: aws-ebs-csi-driver
            serviceAccountRoleARN: arn:aws:iam::123456789012:role/ebs
          - name: aws-mountpoint-s3-csi-driver
          - name: my-custom-addon
        """)
    assert [f.line for f in rules(plan, "CLU-009")] == [8, 9, 10, 12]
    (unknown,) = rules(plan, "CLU-010")
    assert "my-custom-addon" in unknown.message and unknown.line == 13
    (iam,) = rules(plan, "CLU-016")
    assert iam.severity == "info" and "aws-ebs-csi-driver" in iam.message
    assert plan.cluster.blob_csi_driver is True
    assert rules(plan, "INP-001") == []


def test_karpenter_becomes_node_auto_provisioning(tmp_path):
    plan = run(tmp_path, 'iam:\n  withOIDC: true\nkarpenter:\n  version: "1.2.0"\n  withSpotInterruptionQueue: true\n')
    assert plan.cluster.node_auto_provisioning is True
    (f,) = rules(plan, "CLU-014")
    assert "1.2.0" in f.message
    assert rules(plan, "INP-001") == []


def test_auto_mode(tmp_path):
    plan = run(tmp_path, "autoModeConfig:\n  enabled: true\n")
    assert plan.cluster.node_auto_provisioning is True and len(rules(plan, "CLU-021")) == 1


def test_no_karpenter(tmp_path):
    assert run(tmp_path).cluster.node_auto_provisioning is False


def test_fargate_profiles(tmp_path):
    plan = run(tmp_path, """\
        fargateProfiles:
          - name: fp-default
            selectors:
              - namespace: default
              - namespace: batch
                labels: {tier: jobs}
          - name: fp-system
            selectors:
              - namespace: kube-system
        """)
    found = rules(plan, "CLU-011")
    assert [f.line for f in found] == [8, 13]
    assert "fp-default" in found[0].message and "namespace batch" in found[0].message
    assert "tier" in found[0].message
    assert rules(plan, "INP-001") == []


@pytest.mark.parametrize("body, rule", [
    ("accessConfig:\n  authenticationMode: API\n", "CLU-012"),
    ("iamIdentityMappings:\n  - arn: arn:aws:iam::123456789012:role/admin\n    groups: [system:masters]\n"
     "    username: admin\n", "CLU-012"),
    ("zonalShiftConfig:\n  enabled: true\n", "CLU-020"),
    ("iam:\n  withOIDC: true\n  serviceAccounts:\n    - metadata: {name: app, namespace: shop}\n"
     "      attachPolicyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]\n", "CLU-016"),
])
def test_platform_findings(tmp_path, body, rule):
    plan = run(tmp_path, body)
    assert len(rules(plan, rule)) == 1
    assert rules(plan, "INP-001") == []


def test_service_account_finding_names_namespace_and_name(tmp_path):
    plan = run(tmp_path, "iam:\n  withOIDC: true\n  serviceAccounts:\n    - metadata: {name: app, namespace: shop}\n")
    (f,) = rules(plan, "CLU-016")
    assert "shop/app" in f.message and f.severity == "high" and f.line == 10


# --- nothing dropped silently ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, field, line", [
    ("iam:\n  withOIDC: true\n  serviceRolePermissionsBoundary: arn:aws:iam::11111:policy/boundary\n",
     "iam.serviceRolePermissionsBoundary", 9),
    ("iam:\n  serviceRolePermissionsBoundary: arn:aws:iam::11111:policy/boundary\n", "iam", 7),
    ("kubernetesNetworkConfig:\n  serviceIPv4CIDR: 172.20.0.0/16\n  serviceIPv6CIDR: fd00::/108\n",
     "kubernetesNetworkConfig.serviceIPv6CIDR", 9),
    ("managedNodeGroups:\n  - name: ng\n    instanceType: m5.xlarge\n    updateConfig: {maxUnavailable: 1}\n",
     "managedNodeGroups[0].updateConfig", 10),
])
def test_unread_schema_valid_fields_become_inp001(tmp_path, body, field, line):
    plan = run(tmp_path, body)
    found = {f.message: f.line for f in rules(plan, "INP-001")}
    assert found == {f"{field} is not translated": line}


def test_translated_cluster_fields_raise_no_inp001(tmp_path):
    plan = run(tmp_path, """\
        availabilityZones: [us-east-1a, us-east-1b]
        vpc:
          cidr: 10.40.0.0/16
          clusterEndpoints: {publicAccess: true, privateAccess: true}
          publicAccessCIDRs: [203.0.113.0/24]
        kubernetesNetworkConfig:
          serviceIPv4CIDR: 172.20.0.0/16
        secretsEncryption:
          keyARN: arn:aws:kms:us-east-1:1:key/x
        cloudWatch:
          clusterLogging:
            enableTypes: [api]
        """)
    assert rules(plan, "INP-001") == []


def test_cluster_names_and_tags(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: Shop_Prod.EU\n"
                 "  region: eu-west-1\n  tags: {team: shop, cost-center: 42}\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        translate_estate(str(p))  # tags must be strings in eksctl's schema
    assert ei.value.field == "metadata.tags.cost-center"
    p.write_text(p.read_text().replace("cost-center: 42", 'cost-center: "42"'), encoding="utf-8")
    plan = translate_estate(str(p), TranslateOptions(as_of=AS_OF))
    c = plan.cluster
    assert c.name == "Shop_Prod-EU"
    assert c.resource_group_name == "rg-Shop_Prod-EU"
    assert c.dns_prefix == "shop-prod-eu"
    assert c.tags == {"team": "shop", "cost-center": "42"}
    assert plan.log_analytics_name == "log-shop-prod-eu"
