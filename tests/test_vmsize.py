"""EC2 instance type -> Azure VM size (translators/cluster/vmsize.py), checked against the data tables."""
from __future__ import annotations

import json

import pytest

from translators import refdata
from translators.refdata import ec2_types, family_series, series_key, vm_sizes
from translators.cluster.vmsize import SizeMatch, map_instance_type

NO_EQUIVALENT_FAMILIES = ("inf1", "inf2", "trn1", "dl1", "mac1", "f1")


@pytest.mark.parametrize("ec2, size", [
    # issue rules: equal vCPU, smallest memory >= EC2 memory, family's primary series, premium storage
    ("m5.large", "Standard_D2s_v5"),
    ("m5.xlarge", "Standard_D4s_v5"),
    ("m5.2xlarge", "Standard_D8s_v5"),
    ("c5.large", "Standard_F2s_v2"),
    ("c5.xlarge", "Standard_F4s_v2"),
    ("r5.xlarge", "Standard_E4s_v5"),
    ("r5.large", "Standard_E2s_v5"),
    # Graviton -> Azure Arm64 ('p') sizes
    ("m6g.large", "Standard_D2ps_v5"),
    ("m6g.xlarge", "Standard_D4ps_v5"),
    ("r6g.large", "Standard_E2ps_v5"),
])
def test_cpu_exact_mappings(ec2, size):
    m = map_instance_type(ec2)
    assert (m.vm_size, m.reason) == (size, "exact")
    e, v = ec2_types()[ec2], vm_sizes()[size]
    assert (v.vcpu, v.memory_gib, v.arch) == (e.vcpu, e.memory_gib, e.arch)


@pytest.mark.parametrize("ec2", ["m5.large", "c5.xlarge", "r5.xlarge", "m6g.xlarge", "c7g.xlarge", "t3.medium",
                                 "c5n.large", "i3.large", "x1e.xlarge", "a1.medium"])
def test_cpu_rule_properties(ec2):
    """Same arch, premium-storage capable size on the AKS list, vCPU equal where possible and memory >= EC2."""
    e = ec2_types()[ec2]
    m = map_instance_type(ec2)
    v = vm_sizes()[m.vm_size]
    assert v.arch == e.arch
    assert v.premium_storage and v.aks_supported
    assert v.vcpu >= e.vcpu and v.memory_gib >= e.memory_gib
    assert v.gpu_count == 0
    # no size with the same vCPU count and less (but sufficient) memory on the allowed series
    same_vcpu = [s for s in vm_sizes().values() if s.vcpu == e.vcpu and s.arch == e.arch and s.premium_storage
                 and s.aks_supported and s.gpu_count == 0 and s.memory_gib >= e.memory_gib and s.series == v.series]
    assert all(s.memory_gib >= v.memory_gib for s in same_vcpu)


@pytest.mark.parametrize("ec2", ["m5.large", "c5.xlarge", "r5.xlarge", "m6i.2xlarge", "c6i.4xlarge"])
def test_exact_match_is_in_the_family_primary_series(ec2):
    m = map_instance_type(ec2)
    preferred = family_series()[ec2_types()[ec2].family]["azure_series"].split()
    assert vm_sizes()[m.vm_size].series in preferred


def test_nearest_prefers_equal_vcpu_over_primary_series():
    # c5n.large: 2 vCPU / 5.25 GiB; F2s_v2 has only 4 GiB, so an equal-vCPU size with >= 5.25 GiB wins
    m = map_instance_type("c5n.large")
    v = vm_sizes()[m.vm_size]
    assert m.reason == "nearest"
    assert v.vcpu == 2 and v.memory_gib >= 5.25


def test_next_larger_vcpu_when_no_equal_vcpu_size_exists():
    # a1.medium has 1 vCPU; Azure Arm64 sizes start at 2 vCPU
    m = map_instance_type("a1.medium")
    v = vm_sizes()[m.vm_size]
    assert m.reason == "nearest" and v.arch == "arm64" and v.vcpu == 2


@pytest.mark.parametrize("ec2", ["x8aedz.large", "x8i.xlarge"])
def test_special_purpose_fpga_series_never_chosen_for_cpu_types(ec2):
    """Standard_PB6s is an FPGA (Project Brainwave) size; it must not stand in for a memory-optimised type."""
    m = map_instance_type(ec2)
    assert m.vm_size is not None
    assert not vm_sizes()[m.vm_size].series.startswith("PB")


@pytest.mark.parametrize("ec2, size, reason, gpus", [
    ("g4dn.xlarge", "Standard_NC4as_T4_v3", "gpu", 1),
    ("g4dn.2xlarge", "Standard_NC8as_T4_v3", "gpu", 1),
    ("g4dn.12xlarge", "Standard_NC64as_T4_v3", "gpu", 4),
    ("p4d.24xlarge", "Standard_ND96asr_v4", "gpu", 8),
    ("p5.48xlarge", "Standard_ND96isr_H100_v5", "gpu", 8),
    ("p3.2xlarge", "Standard_NC24ads_A100_v4", "gpu-inexact", 1),
    ("p3.8xlarge", "Standard_NC96ads_A100_v4", "gpu-inexact", 4),
])
def test_gpu_mappings(ec2, size, reason, gpus):
    m = map_instance_type(ec2)
    assert (m.vm_size, m.reason) == (size, reason)
    v = vm_sizes()[size]
    assert v.gpu_count == gpus >= ec2_types()[ec2].gpu_count


@pytest.mark.parametrize("ec2", ["p3.2xlarge", "p3.8xlarge", "p3.16xlarge", "p3dn.24xlarge"])
def test_v100_never_maps_to_retired_ncv3(ec2):
    m = map_instance_type(ec2)
    assert m.vm_size is not None
    assert not m.vm_size.endswith("s_v3"), m.vm_size  # NC6s_v3 / NC12s_v3 / NC24s_v3 / NC24rs_v3 retired
    assert series_key(m.vm_size) in ("NCadsA100v4", "NDasrv4")
    if ec2 == "p3.2xlarge":
        assert series_key(m.vm_size) == "NCadsA100v4"  # the NC A100 v4 size Microsoft recommends
    assert "NCv3 retired" in m.note


@pytest.mark.parametrize("ec2", ["inf1.xlarge", "inf1.2xlarge", "inf2.xlarge", "trn1.2xlarge", "dl1.24xlarge",
                                 "mac1.metal", "f1.2xlarge", "f1.16xlarge"])
def test_no_equivalent_devices(ec2):
    m = map_instance_type(ec2)
    assert (m.vm_size, m.reason) == (None, "no-equivalent")
    assert "no Azure" in m.note
    assert m.ec2 is ec2_types()[ec2]


@pytest.mark.parametrize("ec2", ["inf1.xlarge", "trn1.2xlarge", "dl1.24xlarge", "mac1.metal", "f1.2xlarge"])
def test_no_equivalent_devices_with_cpu_fallback(ec2):
    e = ec2_types()[ec2]
    m = map_instance_type(ec2, allow_cpu_fallback=True)
    assert m.reason == "cpu-fallback"
    v = vm_sizes()[m.vm_size]
    assert v.gpu_count == 0 and v.arch == e.arch
    assert v.vcpu >= e.vcpu and v.memory_gib >= e.memory_gib
    assert "no Azure equivalent" in m.note


def test_gpu_without_azure_series_is_no_equivalent():
    # g5g: arm64 host with T4G GPUs; Azure has no Arm64 GPU VM
    assert map_instance_type("g5g.xlarge").reason == "no-equivalent"
    fb = map_instance_type("g5g.xlarge", allow_cpu_fallback=True)
    assert fb.reason == "cpu-fallback" and vm_sizes()[fb.vm_size].arch == "arm64"


@pytest.mark.parametrize("ec2, override", [
    ("m5.large", "Standard_D2as_v5"),        # override wins over a clean mapping
    ("inf1.xlarge", "Standard_D4s_v5"),      # ... over no-equivalent
    ("made.up", "Standard_D2s_v5"),          # ... and over unknown
])
def test_overrides_win(ec2, override):
    m = map_instance_type(ec2, {ec2: override, "other.type": "Standard_X"})
    assert (m.vm_size, m.reason) == (override, "override")


def test_override_for_another_type_is_ignored():
    assert map_instance_type("m5.large", {"m5.xlarge": "Standard_E4s_v5"}).vm_size == "Standard_D2s_v5"


@pytest.mark.parametrize("ec2", ["m5.huge", "p2.xlarge", "", "M5.LARGE"])
def test_unknown_type(ec2):
    m = map_instance_type(ec2)
    assert m == SizeMatch(None, None, "unknown", m.note)
    assert "not in the EC2 instance table" in m.note


def test_size_match_vm_property():
    assert map_instance_type("m5.large").vm == vm_sizes()["Standard_D2s_v5"]
    assert map_instance_type("inf1.xlarge").vm is None


@pytest.mark.parametrize("name, key", [
    ("Standard_D4s_v5", "Dsv5"),
    ("Standard_NC24ads_A100_v4", "NCadsA100v4"),
    ("Standard_M416-208s_v2", "Msv2"),
    ("Standard_D2ps_v5", "Dpsv5"),
])
def test_series_key(name, key):
    assert series_key(name) == key


ALL_TYPES = sorted(ec2_types())


@pytest.mark.parametrize("fallback", [False, True], ids=["strict", "cpu-fallback"])
def test_every_ec2_type_maps_or_is_reported(fallback):
    """Property over the whole EC2 table: never an exception; a size with the EC2 arch and enough capacity,
    or a no-equivalent reason."""
    assert len(ALL_TYPES) > 1000
    problems = []
    for name in ALL_TYPES:
        e = ec2_types()[name]
        m = map_instance_type(name, allow_cpu_fallback=fallback)
        if m.vm_size is None:
            if m.reason not in ("no-equivalent", "unknown") or not m.note:
                problems.append((name, "no size", m.reason))
            continue
        v = vm_sizes().get(m.vm_size)
        if v is None:
            problems.append((name, "size not in table", m.vm_size))
            continue
        if v.arch != e.arch:
            problems.append((name, "arch", m.vm_size))
        if m.reason in ("exact", "nearest", "cpu-fallback"):
            if v.vcpu < e.vcpu or v.memory_gib < e.memory_gib or v.gpu_count:
                problems.append((name, "capacity", m.vm_size))
            if not (v.premium_storage and v.aks_supported):
                problems.append((name, "not premium/AKS", m.vm_size))
            if m.reason == "exact" and (v.vcpu, v.memory_gib) != (e.vcpu, e.memory_gib):
                problems.append((name, "not exact", m.vm_size))
        elif m.reason in ("gpu", "gpu-inexact"):
            if v.gpu_count < max(e.gpu_count, 1):
                problems.append((name, "gpu count", m.vm_size))
        else:
            problems.append((name, "reason", m.reason))
    assert problems == []


def test_no_equivalent_families_never_get_a_size_without_fallback():
    for name, e in ec2_types().items():
        if e.family in NO_EQUIVALENT_FAMILIES or family_series().get(e.family, {}).get("kind") == "none":
            assert map_instance_type(name).vm_size is None, name


# ---------------------------------------------------------------------------------------------- derived files

@pytest.mark.parametrize("name", sorted(refdata.DERIVED))
def test_derived_file_is_current_and_equals_its_sources(name):
    """What the translators load is what the sources say, generated from their current bytes."""
    digest, build = refdata.DERIVED[name]
    derived = json.loads(refdata.derived_path(name).read_text(encoding="utf-8"))
    assert derived["sha256"] == digest(), "run `python tools/gen_tables.py`"
    assert derived["provenance"].startswith("generated by tools/gen_tables.py")
    assert derived["rows"] == build()
    assert refdata.derived_rows(name) == derived["rows"]


def test_stale_derived_file_falls_back_to_the_sources(tmp_path, monkeypatch):
    name = "azure_vm_sizes.json"
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"sha256": "0" * 64, "rows": [["Standard_Fake", "Fake", 1, 1.0, "amd64", 0, True,
                                                                  True]]}), encoding="utf-8")
    monkeypatch.setattr(refdata, "derived_path", lambda _: stale)
    rows = refdata.derived_rows(name)
    assert rows == refdata.DERIVED[name][1]() and all(r[0] != "Standard_Fake" for r in rows)
    monkeypatch.setattr(refdata, "derived_path", lambda _: tmp_path / "missing.json")
    assert refdata.derived_rows(name) == rows
