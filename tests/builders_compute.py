"""eksctl node-group builders shared by the test_compute* modules: a ClusterConfig written and translated, a pool by
source, findings by rule, and the AKS system-pool check."""
from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from translators.estate import TranslateOptions, translate_estate
from translators.naming import POOL_LINUX, POOL_WINDOWS
from translators.refdata import vm_sizes

AS_OF = dt.date(2026, 11, 22)


def head(region: str = "us-east-1") -> str:
    """The ClusterConfig head (apiVersion, kind, metadata) for ``region`` and Kubernetes 1.35."""
    return ("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n"
            f"  region: {region}\n  version: \"1.35\"\n")


def run(tmp_path: Path, body: str, region: str = "us-east-1", **opts):
    """Write ``head(region)`` plus ``body`` to tmp_path/cluster.yaml and translate it (versions as of AS_OF)."""
    p = tmp_path / "cluster.yaml"
    p.write_text(head(region) + textwrap.dedent(body), encoding="utf-8")
    return translate_estate(str(p), TranslateOptions(as_of=AS_OF, **opts))


def groups(tmp_path: Path, kind: str, *groups: dict, **opts):
    """Translate ``groups`` (dicts) written as JSON flow YAML under ``kind``."""
    body = f"{kind}:\n" + "".join(f"  - {json.dumps(g)}\n" for g in groups)
    return run(tmp_path, body, **opts)


def pool(plan, source_prefix: str):
    """The one node pool whose source starts with ``source_prefix``."""
    (p,) = [p for p in plan.node_pools if p.source.startswith(source_prefix)]
    return p


def rules(plan, rule_id: str | None = None):
    """The plan's rule ids, or its findings of ``rule_id`` when given."""
    ids = [f.rule_id for f in plan.findings]
    return ids if rule_id is None else [f for f in plan.findings if f.rule_id == rule_id]


def assert_system_pool_valid(plan):
    """Exactly one System pool, first, and it meets the AKS system pool rules."""
    systems = [p for p in plan.node_pools if p.mode == "System"]
    assert len(systems) == 1
    s = systems[0]
    assert plan.node_pools[0] is s
    vm = vm_sizes()[s.vm_size]
    assert s.os_type == "Linux" and not s.spot
    assert not vm.series.startswith("B")
    assert vm.vcpu >= 4 and vm.memory_gib >= 4
    assert (s.max_pods or 250) >= 30
    assert s.count >= 1 and (s.min_count is None or s.min_count >= 1)
    names = [p.name for p in plan.node_pools]
    assert len(names) == len(set(names))
    for p in plan.node_pools:
        assert (POOL_WINDOWS if p.os_type == "Windows" else POOL_LINUX).match(p.name), p.name
    return s
