"""Karpenter requirement keys on AWS → AKS node auto-provisioning (NAP) requirements, for :mod:`translators.karpenter.translate`.

:func:`map_requirements` maps NodePool requirements and node selector terms by
``data/karpenter_requirement_keys.csv``: EC2 category/family/generation → the Azure series of those families
(``data/ec2_family_series.csv``) as ``karpenter.azure.com/sku-family`` (``Standard_D4s_v5`` → ``D``) and
``sku-version`` (``5``); size → ``sku-cpu``; cpu/memory/GPU → ``sku-*``; instance types → Azure sizes; zones →
``<location>-<n>``; capacity types kept; other AWS-only keys dropped with a finding.
"""
from __future__ import annotations

import re
from functools import lru_cache, cache
from typing import Any
from collections.abc import Callable

from translators.k8s import WorkloadContext
from translators.refdata import ec2_types, family_series, gpu_series, read_table
from translators.storage.disk import azure_zone
from translators.cluster.vmsize import map_instance_type

SKU_FAMILY, SKU_VERSION = "karpenter.azure.com/sku-family", "karpenter.azure.com/sku-version"
CATEGORY, FAMILY, GENERATION = ("karpenter.k8s.aws/instance-category", "karpenter.k8s.aws/instance-family",
                                "karpenter.k8s.aws/instance-generation")
AWS_DOMAINS = ("karpenter.k8s.aws/", "eks.amazonaws.com/", "k8s.amazonaws.com/", "topology.k8s.aws/",
               "vpc.amazonaws.com/")
_FAMILY = re.compile(r"^([a-z]+)-?(\d+)")
Add = Callable[..., None]  # add(rule, message, *path relative to the requirement list)
_SLOT = object()


@cache
def table(name: str, key: str) -> dict[str, dict[str, str]]:
    """``data/<name>`` rows keyed by column ``key`` (karpenter_requirement_keys.csv, karpenter_ami_families.csv,
    karpenter_nodeclass_fields.csv, karpenter_gpu_names.csv)."""
    return {r[key]: r for r in read_table(name)}


@lru_cache(maxsize=1)
def _family_arch() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in ec2_types().values():
        out.setdefault(t.family, set()).add(t.arch)
    return out


@lru_cache(maxsize=1)
def _sizes() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for t in ec2_types().values():
        out.setdefault(t.name.split(".", 1)[-1], []).append(t.vcpu)
    return out


def size_cpus(size: str) -> list[str]:
    """vCPU counts of an EC2 size (``xlarge`` → ``["4"]``): those of at least 10% of the types of that size."""
    cpus = _sizes().get(size, [])
    return [str(c) for c in sorted(set(cpus)) if cpus.count(c) * 10 >= len(cpus)]


def family_parts(family: str) -> tuple[str, int | None]:
    """EC2 family → ``(category, generation)``: ``c6gn`` → ``("c", 6)``, ``u-6tb1`` → ``("u", 6)``."""
    m = _FAMILY.match(family)
    return (m.group(1), int(m.group(2))) if m else (family, None)


def azure_series(family: str) -> list[str]:
    """Azure series keys for an EC2 family (GPU families through the GPU model); ``[]`` when none."""
    row = family_series().get(family)
    if row is None:
        return []
    if row["kind"] == "gpu":
        return (gpu_series().get(row["device"]) or {}).get("azure_series", "").split()
    return row["azure_series"].split()


def sku_family(series: str) -> str:
    """``Dsv5`` → ``D``; ``NCadsA100v4`` → ``N`` (the size family letter NAP labels nodes with)."""
    return series[:1].upper()


def sku_version(series: str) -> str:
    """``Dsv5`` → ``5``; series without a version (``Ms``) → ``1``, as NAP backfills it."""
    m = re.search(r"v(\d+)$", series)
    return m.group(1) if m else "1"


def _matches(value: Any, req: dict[str, Any]) -> bool:
    op, vals = req.get("operator"), [str(v) for v in req.get("values") or []]
    if op == "In":
        return str(value) in vals
    if op == "NotIn":
        return str(value) not in vals
    if op in ("Gt", "Lt") and vals and value is not None and str(vals[0]).lstrip("-").isdigit():
        return value > int(vals[0]) if op == "Gt" else value < int(vals[0])
    return op == "Exists" or (op == "DoesNotExist" and value is None)


def _family_requirements(reqs: dict[str, dict[str, Any]], arch: dict[str, Any] | None, add: Add,
                         first: int) -> list[dict[str, Any]]:
    """EC2 category/family/generation requirements → sku-family (+ sku-version) requirements."""
    min_values = max((int(r["minValues"]) for r in reqs.values() if str(r.get("minValues", "")).isdigit()),
                     default=None)
    if not any(r.get("operator") in ("In", "NotIn", "Gt", "Lt") for r in reqs.values()):
        ops = {r.get("operator") for r in reqs.values()}
        if min_values:
            add("KAR-005", f"minValues {min_values} on an Exists family requirement dropped", first)
        return [{"key": SKU_FAMILY, "operator": op} for op in ("Exists", "DoesNotExist") if op in ops][:1]
    cands = []
    for fam in family_series():
        cat, gen = family_parts(fam)
        if (_matches(cat, reqs.get(CATEGORY, {"operator": "Exists"}))
                and _matches(fam, reqs.get(FAMILY, {"operator": "Exists"}))
                and _matches(gen, reqs.get(GENERATION, {"operator": "Exists"}))
                and (arch is None or _family_arch().get(fam, {"amd64"}) & {str(v) for v in arch.get("values") or []})):
            cands.append(fam)
    if not cands:
        add("KAR-002", f"no EC2 family matches {', '.join(sorted(k.rsplit('/', 1)[1] for k in reqs))}; dropped", first)
        return []
    series = sorted({s for f in cands for s in azure_series(f)})
    missing = sorted(f for f in cands if not azure_series(f))
    picked = [str(v) for v in (reqs.get(FAMILY) or {}).get("values") or [] if reqs[FAMILY].get("operator") == "In"]
    if missing and (picked or not series):
        add("KAR-003", f"EC2 families {', '.join(missing)} have no Azure equivalent", first)
    if not series:
        return []
    letters = sorted({sku_family(s) for s in series})
    out: list[dict[str, Any]] = [{"key": SKU_FAMILY, "operator": "In", "values": letters}]
    if GENERATION in reqs or picked or (FAMILY in reqs and reqs[FAMILY].get("operator") == "NotIn"):
        out.append({"key": SKU_VERSION, "operator": "In", "values": sorted({sku_version(s) for s in series}, key=int)})
    if min_values:
        out[0]["minValues"] = min(min_values, len(letters))
        if out[0]["minValues"] < min_values:
            add("KAR-005", f"minValues {min_values} lowered to {len(letters)} (Azure SKU families "
                f"{', '.join(letters)})", first)
    add("KAR-001", f"{', '.join(sorted(k.rsplit('/', 1)[1] for k in reqs))} → sku-family {', '.join(letters)}"
        + (f", sku-version {', '.join(out[1]['values'])}" if len(out) > 1 else "")
        + f" (Azure series {', '.join(series)})", first)
    return out


def _map_values(how: str, req: dict[str, Any], ctx: WorkloadContext, add: Add, i: int) -> list[str] | None:
    """New values for a value-mapped requirement, or ``None`` to drop it."""
    vals = [str(v) for v in req.get("values") or []]
    out: list[str] = []
    for v in vals:
        if how == "capacity":
            if v in ("spot", "on-demand"):
                out.append(v)
            else:
                add("KAR-004", f"capacity type {v} dropped", i)
        elif how == "zone":
            zone, exact = azure_zone(v, ctx.location)
            out.append(zone or v)
            if zone and not exact:
                add("KAR-016", f"zone {v} → {zone}", i)
        elif how == "region":
            out.append(ctx.location)
        elif how == "size":
            if v.startswith("metal") or not size_cpus(v):
                add("KAR-002", f"instance size {v} has no Azure vCPU equivalent; dropped", i)
            elif req.get("operator") == "NotIn":  # exclude only vCPU counts no other size has
                kept = {c for s in _sizes() if s not in vals for c in size_cpus(s)}
                out += [c for c in size_cpus(v) if c not in kept]
            else:
                out += size_cpus(v)
        elif how == "gpu-name":
            row = table("karpenter_gpu_names.csv", "aws_gpu").get(v.lower())
            if row is None:
                add("KAR-003", f"GPU {v} has no Azure VM", i)
                continue
            out += row["azure_gpu"].split()
            if row["exact"] != "true":
                add("KAR-001", f"GPU {v} → {row['azure_gpu']}", i)
        elif how == "gpu-manufacturer":
            if v.lower() in ("nvidia", "amd"):
                out.append(v.lower())
            else:
                add("KAR-003", f"GPU manufacturer {v} has no Azure VM", i)
        elif how == "instance-type":
            m = map_instance_type(v)
            if m.vm_size:
                out.append(m.vm_size)
            else:
                add("KAR-003", f"instance type {v}: {m.note}", i)
        else:
            out.append(v)
    out = list(dict.fromkeys(out))
    if req.get("operator") in ("In", "NotIn") and not out:
        if how == "size" and req.get("operator") == "NotIn":
            add("KAR-002", f"excluded sizes {', '.join(vals)} share their vCPU counts with other sizes; dropped", i)
        return None
    return out


def map_requirements(reqs: list[Any], ctx: WorkloadContext, add: Add) -> list[dict[str, Any]]:
    """Karpenter AWS requirements (or node selector terms) → NAP requirements; ``add`` reports findings."""
    out: list[Any] = []
    family: dict[str, dict[str, Any]] = {}
    first = None
    arch = next((r for r in reqs if isinstance(r, dict) and r.get("key") == "kubernetes.io/arch"
                 and r.get("operator") == "In"), None)
    for i, req in enumerate(reqs):
        key = str((req or {}).get("key", "")) if isinstance(req, dict) else ""
        row = table("karpenter_requirement_keys.csv", "aws_key").get(key)
        if row is None:
            if key.startswith(AWS_DOMAINS):
                add("KAR-002", f"requirement {key} has no AKS counterpart; dropped", i)
            else:
                out.append(req)
            continue
        if row["how"] == "drop":
            add("KAR-002", f"requirement {key} dropped: {row['note']}", i)
        elif row["how"] == "family":
            family[key] = req
            if first is None:
                first = i
                out.append(_SLOT)  # placeholder, keeps the requirement order
        elif row["how"] == "keep":
            out.append(req)
        else:
            new = {**req, "key": row["azure_key"]}
            if req.get("operator") in ("In", "NotIn") or row["how"] in ("size", "gpu-name"):
                values = _map_values(row["how"], req, ctx, add, i)
                if values is None:
                    continue
                new["values"] = values
                if req.get("operator") == "In" and str(new.get("minValues", "")).isdigit() \
                        and int(new["minValues"]) > len(values):
                    new["minValues"] = len(values)
                    add("KAR-005", f"minValues of {key} lowered to {len(values)}", i)
            out.append(new)
    if first is not None:
        at = next(n for n, r in enumerate(out) if r is _SLOT)
        out[at:at + 1] = _family_requirements(family, arch, add, first)
    return out
