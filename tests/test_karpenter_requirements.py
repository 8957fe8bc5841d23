"""Karpenter NodePool requirements → Azure VM series / AKS node auto-provisioning requirements
(translators/karpenter/requirements.py), split from test_karpenter.py."""
from __future__ import annotations

import pytest

from builders_karpenter import AMD, ARM, SF, SV, req
from translators.k8s import WorkloadContext
from translators.karpenter.requirements import (azure_series, family_parts, map_requirements, size_cpus, sku_family,
                                                sku_version)


# --- helpers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("series,family,version", [("Dsv5", "D", "5"), ("NCadsA100v4", "N", "4"), ("Fsv2", "F", "2"),
                                                    ("Ms", "M", "1"), ("HBrsv3", "H", "3"), ("Dplsv6", "D", "6")])
def test_sku_family_and_version(series, family, version):
    assert (sku_family(series), sku_version(series)) == (family, version)


@pytest.mark.parametrize("family,parts,series", [
    ("m5", ("m", 5), ["Dsv5"]), ("c6gn", ("c", 6), ["Dplsv5"]), ("u-6tb1", ("u", 6), None),
    ("inf2", ("inf", 2), []), ("g4dn", ("g", 4), ["NCasT4v3"]), ("nosuch", ("nosuch", None), [])])
def test_family_parts_and_series(family, parts, series):
    assert family_parts(family) == parts
    if series is not None:
        assert azure_series(family) == series


def test_size_cpus():
    assert size_cpus("xlarge") == ["4"] and size_cpus("large") == ["2"] and size_cpus("medium") == ["1", "2"]
    assert size_cpus("nosuch") == []


# --- requirements ---------------------------------------------------------------------------------

CAT, FAM, GEN = "karpenter.k8s.aws/instance-category", "karpenter.k8s.aws/instance-family", \
    "karpenter.k8s.aws/instance-generation"


REQUIREMENTS = [
    # (input requirements, expected output, rules)
    ([req(CAT, "In", "c", "m", "r"), AMD], [req(SF, "In", "D", "E", "F"), AMD], ["KAR-001"]),
    ([req(FAM, "In", "m5")], [req(SF, "In", "D"), req(SV, "In", "5")], ["KAR-001"]),
    ([req(FAM, "In", "c6g"), ARM], [req(SF, "In", "D"), req(SV, "In", "5"), ARM], ["KAR-001"]),
    ([req(FAM, "In", "m5", "inf2")], [req(SF, "In", "D"), req(SV, "In", "5")], ["KAR-003", "KAR-001"]),
    ([req(FAM, "In", "inf2")], [], ["KAR-003"]),
    ([req(CAT, "In", "inf", "trn")], [], ["KAR-003"]),
    ([req(CAT, "In", "g")], [req(SF, "In", "N")], ["KAR-001"]),
    ([req(CAT, "In", "m"), req(GEN, "Gt", "6"), AMD], [req(SF, "In", "D"), req(SV, "In", "5"), AMD], ["KAR-001"]),
    ([req(CAT, "In", "m"), req(GEN, "Gt", "6")], [req(SF, "In", "D"), req(SV, "In", "5", "6")], ["KAR-001"]),
    ([req(CAT, "In", "c"), req(FAM, "In", "m5")], [], ["KAR-002"]),
    ([req(CAT, "In", "c", "m", "r", minValues=5)], [req(SF, "In", "D", "E", "F", minValues=3)],
     ["KAR-005", "KAR-001"]),
    ([req(FAM, "Exists", minValues=5)], [req(SF, "Exists")], ["KAR-005"]),
    ([req("karpenter.k8s.aws/instance-cpu", "In", "4", "8")], [req("karpenter.azure.com/sku-cpu", "In", "4", "8")], []),
    ([req("karpenter.k8s.aws/instance-memory", "Gt", "8191")], [req("karpenter.azure.com/sku-memory", "Gt", "8191")],
     []),
    ([req("karpenter.k8s.aws/instance-size", "In", "xlarge", "2xlarge", "metal")],
     [req("karpenter.azure.com/sku-cpu", "In", "4", "8")], ["KAR-002"]),
    ([req("karpenter.k8s.aws/instance-size", "NotIn", "nano", "micro", "small")], [], ["KAR-002"]),
    ([req("karpenter.k8s.aws/instance-gpu-name", "In", "t4", "a10g", "radeon-pro-v520")],
     [req("karpenter.azure.com/sku-gpu-name", "In", "T4", "A10")], ["KAR-001", "KAR-003"]),
    ([req("karpenter.k8s.aws/instance-gpu-manufacturer", "In", "nvidia", "habana")],
     [req("karpenter.azure.com/sku-gpu-manufacturer", "In", "nvidia")], ["KAR-003"]),
    ([req("karpenter.k8s.aws/instance-gpu-count", "Gt", "0")], [req("karpenter.azure.com/sku-gpu-count", "Gt", "0")],
     []),
    ([req("node.kubernetes.io/instance-type", "In", "m5.large", "inf2.xlarge", "c5.xlarge", minValues=3)],
     [req("node.kubernetes.io/instance-type", "In", "Standard_D2s_v5", "Standard_F4s_v2", minValues=2)],
     ["KAR-003", "KAR-005"]),
    ([req("node.kubernetes.io/instance-type", "Exists", minValues=2)],
     [req("node.kubernetes.io/instance-type", "Exists", minValues=2)], []),
    ([req("topology.kubernetes.io/zone", "In", "us-east-1a", "us-east-1d")],
     [req("topology.kubernetes.io/zone", "In", "eastus-1")], ["KAR-016"]),
    ([req("topology.k8s.aws/zone-id", "In", "use1-az2")], [req("topology.kubernetes.io/zone", "In", "eastus-2")], []),
    ([req("topology.kubernetes.io/region", "In", "us-east-1")], [req("topology.kubernetes.io/region", "In", "eastus")],
     []),
    ([req("karpenter.sh/capacity-type", "In", "spot", "reserved")], [req("karpenter.sh/capacity-type", "In", "spot")],
     ["KAR-004"]),
    ([req("karpenter.sh/capacity-type", "In", "reserved")], [], ["KAR-004"]),
    ([req("karpenter.k8s.aws/instance-hypervisor", "In", "nitro")], [], ["KAR-002"]),
    ([req("karpenter.k8s.aws/instance-something-new", "Exists")], [], ["KAR-002"]),
    ([req("team", "In", "payments"), req("kubernetes.io/os", "In", "linux")],
     [req("team", "In", "payments"), req("kubernetes.io/os", "In", "linux")], []),
]


@pytest.mark.parametrize("reqs,expected,expected_rules", REQUIREMENTS)
def test_requirement_mapping(reqs, expected, expected_rules):
    got_rules = []
    out = map_requirements(reqs, WorkloadContext(location="eastus"),
                           lambda rule, msg, *path, severity=None: got_rules.append(rule))
    assert out == expected and got_rules == expected_rules
