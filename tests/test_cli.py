"""The offline plan command, end to end in a subprocess (as a user runs it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translators", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_plan_on_the_bundled_example_writes_json(tmp_path):
    out = tmp_path / "plan.json"
    res = run("plan", "--json", str(out))
    assert res.returncode == 0, res.stderr
    assert "azure-native:containerservice:ManagedCluster" in res.stdout
    assert "Findings:" in res.stdout and "HIGH (" in res.stdout
    doc = json.loads(out.read_text())
    assert set(doc) == {"resources", "findings", "outputs"}
    assert {tuple(sorted(r)) for r in doc["resources"]} == {("inputs", "name", "parent", "type")}
    types = [r["type"] for r in doc["resources"]]
    for token in ("azure-native:resources:ResourceGroup", "azure-native:network:VirtualNetwork",
                  "azure-native:operationalinsights:Workspace", "azure-native:containerservice:ManagedCluster",
                  "azure-native:containerservice:AgentPool", "azure-native:containerregistry:Registry",
                  "azure-native:keyvault:Vault", "azure-native:monitor:DiagnosticSetting"):
        assert token in types
    f = doc["findings"][0]
    assert set(f) >= {"ruleId", "severity", "message", "file", "line", "remediation"}
    assert any(x["file"] == "examples/cluster.yaml" and x["line"] for x in doc["findings"])


def test_plan_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run("plan", "--json", str(a)).returncode == 0
    assert run("plan", "--json", str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_invalid_config_is_a_clear_error_without_traceback(tmp_path):
    bad = tmp_path / "cluster.yaml"
    bad.write_text("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: us-east-1\n"
                   "managedNodeGroups:\n  - name: ng-1\n    minSize: two\n")
    res = run("plan", "--cluster-config", str(bad))
    assert res.returncode == 1
    assert f'{bad}:8 managedNodeGroups[0].minSize: expected integer, got a string' in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_missing_file_is_a_clear_error(tmp_path):
    res = run("plan", "--cluster-config", str(tmp_path / "nope.yaml"))
    assert (res.returncode, res.stdout) == (1, "")
    assert res.stderr == f"error: {tmp_path / 'nope.yaml'}: cannot read file: no such file or folder\n"
