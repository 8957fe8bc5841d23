"""Manifests alone get a neutral default cluster, never the bundled example's (issue #13)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pulumi

from translators.estate import DEFAULT_CLUSTER_CONFIG, TranslateOptions, translate_estate

ROOT = Path(__file__).resolve().parents[1]
APP = """
apiVersion: v1
kind: Namespace
metadata: {name: billing}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: billing}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: nginx:1.27}]}
"""


def _app(tmp_path: Path) -> Path:
    p = tmp_path / "app.yaml"
    p.write_text(APP, encoding="utf-8")
    return p


def _assert_neutral(plan, location="eastus"):
    assert plan.source_file == ""
    assert plan.cluster.location == location
    assert plan.cluster.kubernetes_version is None  # AKS's default, not the example's version
    assert [(p.name, p.mode) for p in plan.node_pools] == [("system", "System")]
    neutral = [f for f in plan.findings if f.rule_id == "INP-011"]
    assert len(neutral) == 1 and neutral[0].severity == "info" and location in neutral[0].message
    assert not any(f.file.endswith("cluster.yaml") for f in plan.findings)
    # nothing of the example's ClusterConfig: no eksctl service accounts, no example namespaces
    ids = plan.workloads.identities.identities if plan.workloads.identities else []
    assert ids == []
    names = {(o["kind"], o["metadata"]["name"]) for o in plan.workloads.objects}
    assert names == {("Namespace", "billing"), ("Deployment", "api")}


def test_manifests_alone_get_the_neutral_cluster(tmp_path):
    _assert_neutral(translate_estate(None, TranslateOptions(), [str(_app(tmp_path))]))


def test_location_option_wins(tmp_path):
    _assert_neutral(translate_estate(None, TranslateOptions(location="westeurope"), [str(_app(tmp_path))]),
                    "westeurope")


def test_no_input_at_all_is_the_example():
    plan = translate_estate()
    assert plan.source_file == str(DEFAULT_CLUSTER_CONFIG)
    assert not any(f.rule_id == "INP-011" for f in plan.findings)
    assert len(plan.node_pools) > 1


def test_cli_manifests_alone(tmp_path):
    out = tmp_path / "report.json"
    res = subprocess.run([sys.executable, "-m", "translators", "analyze", "--manifests", str(_app(tmp_path)),
                          "--format", "json", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text())
    text = json.dumps(doc)
    assert "INP-011" in text and "examples/cluster.yaml" not in text


def test_program_manifests_alone(tmp_path, monkeypatch):
    import program

    values = {"manifests": str(_app(tmp_path))}

    class FakeConfig:
        def __init__(self, name):
            assert name == "eks-to-aks"

        def get(self, key):
            return values.get(key)

        def get_object(self, key):
            return values.get(key)

    monkeypatch.setattr(pulumi, "Config", FakeConfig)
    monkeypatch.setattr(pulumi, "get_stack", lambda: "t")
    _assert_neutral(program.translate_from_config())
    values.clear()
    plan = program.translate_from_config()  # nothing configured: the whole example
    assert plan.source_file == str(DEFAULT_CLUSTER_CONFIG) and len(plan.workloads.objects) > 20
