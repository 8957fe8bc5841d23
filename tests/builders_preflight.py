"""Shared estates and helpers of the preflight tests (tests/test_preflight.py, tests/test_preflight_pools.py)."""
from __future__ import annotations

import datetime as dt
import textwrap


from translators.checks.preflight import PreflightOptions, run_preflight
from translators.estate import TranslateOptions, translate_estate
from translators.findings import Findings

AS_OF = dt.date(2026, 11, 22)
HEAD = 'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-east-1\n' \
       '  version: "1.35"\n'
LINUX_GROUP = """
managedNodeGroups:
  - name: apps
    instanceType: m5.xlarge
    desiredCapacity: 2
"""
WINDOWS_GROUP = """
  - name: win
    amiFamily: WindowsServer2022FullContainer
    instanceType: m5.large
    desiredCapacity: 1
"""
NODEPOOL = """
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: burst
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: kubernetes.io/arch, operator: In, values: [amd64]}
"""


def estate(tmp_path, body: str = LINUX_GROUP, head: str = HEAD, manifests: str | None = None, **opts):
    """Translate ``head + body`` (and ``manifests`` YAML, if given) with ``TranslateOptions(**opts)``."""
    p = tmp_path / "cluster.yaml"
    p.write_text(head + textwrap.dedent(body), encoding="utf-8")
    files = None
    if manifests is not None:
        m = tmp_path / "m.yaml"
        m.write_text(textwrap.dedent(manifests), encoding="utf-8")
        files = [str(m)]
    return translate_estate(str(p), TranslateOptions(as_of=opts.pop("as_of", AS_OF), **opts), files)


def pre(findings, rule_id: str) -> list:
    return [f for f in findings if f.rule_id == rule_id]


def rerun(plan, **opts) -> Findings:
    """Run the preflight again on ``plan`` (after a test broke it); its new findings."""
    found = Findings()
    run_preflight(plan, found, PreflightOptions(as_of=AS_OF, **opts))
    return found


def pool(plan, name):
    return next(p for p in plan.node_pools if p.name == name)
