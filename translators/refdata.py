"""Loaders for the mapping tables in ``translators/data`` (read once, cached).

Each table is a CSV/TSV whose first line is a ``# provenance:`` comment; see
``data/README.md`` for the sources.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from operator import itemgetter
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from collections.abc import Callable

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` of ``data/<name>``: ``#`` comment lines and blank lines skipped, short rows padded with
    ``""``; ``.tsv`` is tab-separated."""
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.reader((ln for ln in fh if not ln.startswith("#")), delimiter="\t" if name.endswith(".tsv") else ",")
        header = next(reader, [])
        width = len(header)
        return header, [r if len(r) >= width else r + [""] * (width - len(r)) for r in reader if r]


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>`` as dicts (see :func:`_rows`)."""
    header, rows = _rows(name)
    return [dict(zip(header, r)) for r in rows]


def read_columns(name: str, *columns: str) -> list[tuple[str, ...]]:
    """``columns`` of every row of ``data/<name>``, as tuples (for the large tables: no dict per row).

    Raises:
        ValueError: a column is not in the table's header.
    """
    header, rows = _rows(name)
    pick = itemgetter(*[header.index(c) for c in columns])
    return [pick(r) for r in rows]


@lru_cache(maxsize=1)
def eksctl_schema() -> dict[str, Any]:
    """eksctl's JSON schema (draft-07) for ``ClusterConfig``."""
    return json.loads((DATA / "eksctl_schema.json").read_text(encoding="utf-8"))


class Ec2Type(NamedTuple):
    """An EC2 instance type. ``memory_gib`` in GiB; ``gpu_name`` lowercase (``t4``, ``a100``) or ``""``.

    Immutable; a NamedTuple rather than a frozen dataclass because ~900 are built per run (about 5× faster to
    build).
    """

    name: str
    family: str
    vcpu: int
    memory_gib: float
    arch: str
    burstable: bool
    gpu_count: int
    gpu_name: str
    accelerator: str
    efa: bool
    eni_max_pods: int | None


class VmSize(NamedTuple):
    """An Azure VM size. ``series`` is the size-name key (``Standard_D4s_v5`` → ``Dsv5``). Immutable (see
    :class:`Ec2Type`)."""

    name: str
    series: str
    vcpu: int
    memory_gib: float
    arch: str
    gpu_count: int
    premium_storage: bool
    aks_supported: bool


def series_key(vm_size: str) -> str:
    """Series key of an Azure size name: digits and constrained-core suffixes removed.

    ``Standard_D4s_v5`` → ``Dsv5``; ``Standard_NC24ads_A100_v4`` → ``NCadsA100v4``;
    ``Standard_M416-208s_v2`` → ``Msv2``.
    """
    parts = vm_size.removeprefix("Standard_").split("_")
    base = re.sub(r"\d+", "", re.sub(r"-\d+", "", parts[0]))
    return base + "".join(parts[1:])


def _int(v: str) -> int:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return 0


def _ec2_rows_from_csv() -> list[list[Any]]:
    """``data/ec2_instance_types.csv`` as :class:`Ec2Type` field lists."""
    return [[name, family, _int(vcpu), float(memory or 0), arch or "amd64", burstable == "true", _int(gpus),
             gpu.lower(), accelerator.lower(), efa == "True", _int(max_pods) or None]
            for name, family, vcpu, memory, arch, burstable, gpus, gpu, accelerator, efa, max_pods in read_columns(
                "ec2_instance_types.csv", "instance_type", "family", "vcpu", "memory_gib", "arch", "burstable",
                "gpu_count", "gpu_name", "accelerator_name", "efa", "eni_max_pods")]


def _vm_rows_from_csv() -> list[list[Any]]:
    """``data/azure_vm_sizes.csv`` as :class:`VmSize` field lists.

    ``premium_storage`` uses Aspire's 2026 Premium SSD flag where present, else the ``s`` naming rule;
    ``aks_supported`` is Aspire's 2026 AKS-eligible list.
    """
    out = []
    for name, vcpu, memory, arch, gpus, flag, named_premium, aks in read_columns(
            "azure_vm_sizes.csv", "vm_size", "vcpu", "memory_gib", "arch", "gpu_count", "premium_ssd_aspire_2026",
            "name_premium_storage", "in_aspire_aks_list_2026"):
        premium = flag == "True" if flag in ("True", "False") else named_premium == "True"
        out.append([name, series_key(name), _int(vcpu), float(memory or 0), arch or "amd64", _int(gpus), premium,
                    aks == "True"])
    return out


def source_digest(name: str) -> str:
    """sha256 of ``data/<name>``."""
    return hashlib.sha256((DATA / name).read_bytes()).hexdigest()


def rules_digest() -> str:
    """sha256 over the names and bytes of ``data/rules/*.yaml``, in name order."""
    h = hashlib.sha256()
    for path in sorted((DATA / "rules").glob("*.yaml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def rule_items_from_yaml() -> list[list[Any]]:
    """``[rule id, body]`` of every rule in ``data/rules/*.yaml``, files in name order (duplicates kept, so the
    catalogue can refuse them)."""
    from translators.input.yamlsource import load_documents

    items: list[list[Any]] = []
    for path in sorted((DATA / "rules").glob("*.yaml")):
        for doc in load_documents(path.read_text(encoding="utf-8"), str(path)):
            items += [[rid, body] for rid, body in (doc.data.get("rules") or {}).items()]
    return items


# Derived files (``data/derived/*.json``, written by tools/gen_tables.py): the typed rows of the large tables
# and the rule catalogue, each with the sha256 of its sources. Reading one is ~5x faster than parsing the source.
DERIVED: dict[str, tuple[Callable[[], str], Callable[[], list[list[Any]]]]] = {
    "ec2_instance_types.json": (lambda: source_digest("ec2_instance_types.csv"), _ec2_rows_from_csv),
    "azure_vm_sizes.json": (lambda: source_digest("azure_vm_sizes.csv"), _vm_rows_from_csv),
    "rules.json": (rules_digest, rule_items_from_yaml),
}


def derived_path(name: str) -> Path:
    """Where tools/gen_tables.py writes derived file ``name`` (a key of :data:`DERIVED`)."""
    return DATA / "derived" / name


def derived_rows(name: str) -> list[list[Any]]:
    """The rows of derived file ``name`` when it was generated from the current sources (same sha256), else
    built from the sources (so a stale derived file costs speed, never correctness)."""
    digest, build = DERIVED[name]
    try:
        derived = json.loads(derived_path(name).read_text(encoding="utf-8"))
        if derived.get("sha256") == digest():
            return derived["rows"]
    except (OSError, ValueError):
        pass
    return build()


@lru_cache(maxsize=1)
def ec2_types() -> dict[str, Ec2Type]:
    """All EC2 instance types by name (``data/ec2_instance_types.csv``)."""
    return {row[0]: Ec2Type(*row) for row in derived_rows("ec2_instance_types.json")}


@lru_cache(maxsize=1)
def vm_sizes() -> dict[str, VmSize]:
    """All Azure VM sizes by name (``data/azure_vm_sizes.csv``; see :func:`_vm_rows_from_csv`)."""
    return {row[0]: VmSize(*row) for row in derived_rows("azure_vm_sizes.json")}


@lru_cache(maxsize=1)
def family_series() -> dict[str, dict[str, str]]:
    """EC2 family → ``{"kind": cpu|gpu|none, "azure_series": "Dsv5 Dsv6", "device": ...}``."""
    return {r["ec2_family"]: r for r in read_table("ec2_family_series.csv")}


@lru_cache(maxsize=1)
def gpu_series() -> dict[str, dict[str, str]]:
    """GPU model (lowercase) → ``{"azure_series": "...", "exact": "true|false", "note": ...}``."""
    return {r["gpu"]: r for r in read_table("gpu_series.csv")}


@lru_cache(maxsize=1)
def region_map() -> dict[str, dict[str, str]]:
    """AWS region → row of ``data/aws_to_azure_region_map.csv``."""
    return {r["aws_region"]: r for r in read_table("aws_to_azure_region_map.csv")}


@lru_cache(maxsize=1)
def addon_map() -> dict[str, dict[str, str]]:
    """EKS add-on name → row of ``data/eks_addon_to_aks_feature.csv``."""
    return {r["eks_addon_or_component"]: r for r in read_table("eks_addon_to_aks_feature.csv")}


@lru_cache(maxsize=1)
def log_type_map() -> dict[str, dict[str, str]]:
    """eksctl ``cloudWatch.clusterLogging.enableTypes`` value → AKS diagnostic category row."""
    return {r["eksctl_cloudWatch_clusterLogging_enableType"]: r
            for r in read_table("eks_log_types_to_aks_diagnostic_categories.csv")}


@lru_cache(maxsize=1)
def builtin_roles() -> dict[str, str]:
    """Azure built-in role name → role definition GUID (``data/azure_builtin_roles.tsv``)."""
    return {r["role_name"]: r["role_definition_guid"] for r in read_table("azure_builtin_roles.tsv")}
