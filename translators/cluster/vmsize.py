"""EC2 instance type → Azure VM size, from the spec tables in ``data/``.

Rules (issue #2; data: ``ec2_instance_types.csv``, ``azure_vm_sizes.csv``,
``ec2_family_series.csv``, ``gpu_series.csv``):

1. a per-type override (config ``eks-to-aks:vmSizeOverrides``) wins;
2. same CPU architecture (Graviton ``arm64`` → Azure Arm64 ``p`` sizes);
3. GPU types: the GPU model's Azure series (T4 → NCasT4_v3, A100 → ND A100 v4,
   H100 → ND H100 v5, V100 → NC A100 v4 because NCv3 retired 2025-09-30), at least
   the same GPU count, then closest vCPU;
4. CPU types: equal vCPU and the smallest memory ≥ the EC2 memory, preferring the
   family's primary Azure series, premium-storage capable (``s``) sizes on the AKS
   size list; if no equal-vCPU size exists, the next larger vCPU count;
5. Inferentia, Trainium, Gaudi, Mac, FPGA and other devices with no Azure
   equivalent → no size (the caller reports a blocking finding) unless a CPU
   fallback is allowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from translators.refdata import Ec2Type, VmSize, ec2_types, family_series, gpu_series, vm_sizes


@dataclass(frozen=True)
class SizeMatch:
    """Result of :func:`map_instance_type`.

    Attributes:
        ec2: the EC2 spec, or ``None`` for an unknown type.
        vm_size: chosen Azure size name, or ``None`` when there is no equivalent.
        reason: ``override``, ``exact`` (vCPU and memory equal), ``nearest``,
            ``gpu``, ``gpu-inexact``, ``cpu-fallback``, ``no-equivalent``, ``unknown``.
        note: human-readable detail for findings.
    """

    ec2: Ec2Type | None
    vm_size: str | None
    reason: str
    note: str = ""

    @property
    def vm(self) -> VmSize | None:
        return vm_sizes().get(self.vm_size) if self.vm_size else None


# Special-purpose series used only when the EC2 family maps to them explicitly:
# confidential (DC/EC), HPC (HB/HC/HX), storage (L), high-memory (M), FX, burstable (B), basic (A).
_SPECIAL_PREFIXES = ("DC", "EC", "HB", "HC", "HX", "L", "M", "FX", "B", "A", "NC", "ND", "NV", "NG", "NP", "PB")


def _eligible(v: VmSize, arch: str) -> bool:
    return v.aks_supported and v.arch == arch and v.premium_storage


@cache
def _cpu_sizes(arch: str) -> tuple[VmSize, ...]:
    """AKS-supported, premium-storage, CPU-only sizes of ``arch`` without constrained cores (``-``)."""
    return tuple(v for v in vm_sizes().values() if _eligible(v, arch) and v.gpu_count == 0 and "-" not in v.name)


def _best_cpu(ec2: Ec2Type, preferred: list[str]) -> VmSize | None:
    """Closest CPU-only size: rank by (series not preferred, vCPU below/above, memory short, extra)."""
    order = {s: i for i, s in enumerate(preferred)}
    cands = [v for v in _cpu_sizes(ec2.arch) if v.vcpu >= ec2.vcpu and v.memory_gib >= ec2.memory_gib
             and (v.series in order or not v.series.startswith(_SPECIAL_PREFIXES))]
    if not cands:
        return None

    def rank(v: VmSize) -> tuple:
        return (v.vcpu - ec2.vcpu, v.series not in order, v.memory_gib - ec2.memory_gib,
                order.get(v.series, 99), v.name)
    return min(cands, key=rank)


def _best_gpu(ec2: Ec2Type, series: list[str]) -> VmSize | None:
    order = {s: i for i, s in enumerate(series)}
    cands = [v for v in vm_sizes().values() if v.series in order and v.gpu_count >= max(ec2.gpu_count, 1)
             and v.arch == "amd64"]
    if not cands:
        return None
    return min(cands, key=lambda v: (v.gpu_count - ec2.gpu_count, abs(v.vcpu - ec2.vcpu),
                                     order[v.series], v.name))


def map_instance_type(instance_type: str, overrides: dict[str, str] | None = None,
                      allow_cpu_fallback: bool = False) -> SizeMatch:
    """Map one EC2 instance type (``m5.xlarge``) to an Azure VM size (``Standard_D4s_v5``).

    Args:
        instance_type: EC2 type name.
        overrides: ``{ec2 type: azure size}`` from config; wins over the rules.
        allow_cpu_fallback: for devices with no Azure equivalent, return the closest
            CPU size (reason ``cpu-fallback``) instead of ``None``.

    Returns:
        A :class:`SizeMatch`; ``vm_size`` is ``None`` for ``unknown`` and ``no-equivalent``.
    """
    if overrides and instance_type in overrides:
        return SizeMatch(ec2_types().get(instance_type), overrides[instance_type], "override",
                         "set by eks-to-aks:vmSizeOverrides")
    return _by_rules(instance_type, allow_cpu_fallback)


@lru_cache(maxsize=4096)
def _by_rules(instance_type: str, allow_cpu_fallback: bool) -> SizeMatch:
    """:func:`map_instance_type` without overrides (pure over the reference tables: cached, as node
    groups of one estate repeat a few types)."""
    ec2 = ec2_types().get(instance_type)
    if ec2 is None:
        return SizeMatch(None, None, "unknown", f"{instance_type} is not in the EC2 instance table")
    fam = family_series().get(ec2.family, {"kind": "cpu", "azure_series": "", "device": ""})
    if fam["kind"] == "none" or (ec2.accelerator and fam["kind"] != "gpu"):
        device = fam.get("device") or ec2.accelerator or "device"
        if allow_cpu_fallback:
            v = _best_cpu(ec2, [])
            if v is not None:
                return SizeMatch(ec2, v.name, "cpu-fallback",
                                 f"{device} has no Azure equivalent; CPU-only fallback {v.name}")
        return SizeMatch(ec2, None, "no-equivalent", f"{device} has no Azure VM equivalent")
    if fam["kind"] == "gpu" or ec2.gpu_count:
        gpu = ec2.gpu_name or fam.get("device", "")
        row = gpu_series().get(gpu, {"azure_series": "", "exact": "false", "note": ""})
        v = _best_gpu(ec2, row["azure_series"].split())
        if v is None:
            if allow_cpu_fallback:
                c = _best_cpu(ec2, [])
                if c is not None:
                    return SizeMatch(ec2, c.name, "cpu-fallback", f"GPU {gpu or '?'}: no Azure GPU VM; CPU-only {c.name}")
            return SizeMatch(ec2, None, "no-equivalent", f"GPU {gpu or '?'}: {row['note'] or 'no Azure GPU VM'}")
        exact = row["exact"] == "true"
        return SizeMatch(ec2, v.name, "gpu" if exact else "gpu-inexact",
                         f"{ec2.gpu_count}x {gpu.upper()} -> {v.gpu_count} GPU(s) on {v.name}; {row['note']}")
    v = _best_cpu(ec2, fam["azure_series"].split())
    if v is None:
        return SizeMatch(ec2, None, "no-equivalent", f"no Azure {ec2.arch} size with >= {ec2.vcpu} vCPU "
                                                     f"and >= {ec2.memory_gib:g} GiB")
    exact = v.vcpu == ec2.vcpu and v.memory_gib == ec2.memory_gib
    return SizeMatch(ec2, v.name, "exact" if exact else "nearest",
                     f"{ec2.vcpu} vCPU/{ec2.memory_gib:g} GiB -> {v.vcpu} vCPU/{v.memory_gib:g} GiB")
