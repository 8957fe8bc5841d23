"""Every eksctl ClusterConfig in the shared corpus either translates to a valid plan or is refused with an
InputError; the refused ones are an explicit, reviewed set. No file is skipped."""
from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from helpers import EXPECTED_ERRORS
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.findings import catalogue
from translators.naming import POOL_LINUX, POOL_WINDOWS
from translators.refdata import vm_sizes
from translators.cluster.vmsize import map_instance_type
from translators.input.yamlsource import load_file

AS_OF = dt.date(2026, 11, 22)


def _corpus_root() -> Path:
    here = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    return here if (here / "PROVENANCE.tsv").is_file() else Path("/work/shared/corpus")


ROOT = _corpus_root()


def _rows() -> list[str]:
    with (ROOT / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] == "eksctl"]


PATHS = _rows()


@cache
def translate(rel: str):
    """(plan, None) or (None, InputError) for a corpus file, computed once."""
    try:
        return translate_estate(str(ROOT / rel), TranslateOptions(stack="corpus", as_of=AS_OF)), None
    except InputError as err:
        return None, err


def test_corpus_is_present_and_expected_errors_are_in_it():
    assert len(PATHS) >= 70, f"only {len(PATHS)} eksctl rows in {ROOT / 'PROVENANCE.tsv'}"
    assert set(EXPECTED_ERRORS) <= set(PATHS)


@pytest.mark.parametrize("rel", PATHS)
def test_corpus_file_translates_or_is_refused(rel):
    assert (ROOT / rel).is_file(), rel
    plan, err = translate(rel)
    if rel in EXPECTED_ERRORS:
        assert err is not None, f"{rel} translated but must be refused"
        field, fragments = EXPECTED_ERRORS[rel]
        assert err.field == field
        assert err.file == str(ROOT / rel) and err.line is not None
        for frag in fragments:
            assert frag in str(err), (frag, str(err))
        assert str(err).startswith(f"{ROOT / rel}:{err.line} {field}: ")
        return
    assert err is None, f"{rel} refused unexpectedly: {err}"
    systems = [p for p in plan.node_pools if p.mode == "System"]
    assert len(systems) == 1
    s = systems[0]
    vm = vm_sizes()[s.vm_size]
    assert s.os_type == "Linux" and not s.spot and not vm.series.startswith("B") and vm.vcpu >= 4
    assert s.count >= 1 and (s.min_count is None or s.min_count >= 1)
    names = [p.name for p in plan.node_pools]
    assert len(names) == len(set(names)), names
    for p in plan.node_pools:
        assert (POOL_WINDOWS if p.os_type == "Windows" else POOL_LINUX).match(p.name), p.name
        assert p.vm_size in vm_sizes() or p.source == "added: AKS requires a System pool"
        if p.enable_auto_scaling:
            assert p.min_count <= p.count <= p.max_count
    for f in plan.findings:
        assert f.file in ("", str(ROOT / rel))


def _instance_types(rel: str) -> list[tuple[str, int, str, int]]:
    """(kind, group index, instance type, position in the group's list) for every type named in a file."""
    out = []
    for doc in load_file(ROOT / rel):
        if not isinstance(doc.data, dict) or doc.data.get("kind") != "ClusterConfig":
            continue
        for kind in ("managedNodeGroups", "nodeGroups"):
            for i, g in enumerate(doc.data.get(kind) or []):
                if not isinstance(g, dict):
                    continue
                types = ([g["instanceType"]] if g.get("instanceType") else []) + list(g.get("instanceTypes") or []) \
                    + list((g.get("instancesDistribution") or {}).get("instanceTypes") or [])
                out += [(kind, i, str(t), n) for n, t in enumerate(types)]
    return out


ALL_TYPES = sorted({t for rel in PATHS for _, _, t, _ in _instance_types(rel)})


def test_corpus_names_instance_types():
    assert len(ALL_TYPES) >= 15
    assert {"m5.large", "g4dn.xlarge", "p3.2xlarge", "t3.medium"} <= set(ALL_TYPES)


@pytest.mark.parametrize("ec2", ALL_TYPES)
def test_corpus_instance_type_maps_or_is_reportable(ec2):
    m = map_instance_type(ec2)
    if m.vm_size is None:
        assert m.reason in ("no-equivalent", "unknown")
    else:
        assert m.vm_size in vm_sizes()


@pytest.mark.parametrize("rel", [r for r in PATHS if r not in EXPECTED_ERRORS])
def test_corpus_group_types_become_pools_or_findings(rel):
    plan, _ = translate(rel)
    sources = {p.source.split(" ")[0]: p for p in plan.node_pools}
    for kind, i, ec2, n in _instance_types(rel):
        if n:  # only the first type of a group is planned (others -> CMP-004)
            continue
        pool = sources.get(f"{kind}[{i}]")
        if pool is not None:
            assert pool.vm_size == map_instance_type(ec2).vm_size
        else:
            assert any(f.rule_id in ("CMP-002", "CMP-003") and f.message.startswith(f"{kind}[{i}] ")
                       and ec2 in f.message for f in plan.findings), (kind, i, ec2)


def test_every_emitted_rule_is_in_the_catalogue():
    cat = catalogue()
    emitted = {}
    for rel in PATHS:
        plan, _ = translate(rel)
        for f in plan.findings if plan else []:
            emitted.setdefault(f.rule_id, f)
    assert len(emitted) >= 20
    for rid, f in emitted.items():
        assert rid in cat, rid
        assert f.area == cat[rid].area and f.remediation == cat[rid].remediation
