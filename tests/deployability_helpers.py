"""Build small estates (eksctl ClusterConfig + manifests) for the deployability check tests."""
from __future__ import annotations

import textwrap
from pathlib import Path

from translators.estate import TranslateOptions, translate_estate

CLUSTER = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {{name: demo, region: us-east-1, version: "1.31"}}
availabilityZones: ["us-east-1a", "us-east-1b"]
managedNodeGroups:
  - name: general
    instanceType: m5.xlarge
    availabilityZones: ["us-east-1a", "us-east-1b"]
    labels: {{pool: general}}
{groups}
"""


def plan_of(tmp_path: Path, manifests: str, groups: str = "", zoned: bool = True):
    """Translate ``manifests`` (YAML, dedented) on a cluster with a ``general`` pool (in zones 1 and 2 unless
    ``zoned`` is false) plus ``groups`` (eksctl managedNodeGroups items, indented by 2)."""
    text = CLUSTER.format(groups=textwrap.dedent(groups).rstrip().replace("\n", "\n  ").join(["  ", ""])
                          if groups else "")
    if not zoned:
        text = text.replace('    availabilityZones: ["us-east-1a", "us-east-1b"]\n', "")
    (tmp_path / "cluster.yaml").write_text(text, encoding="utf-8")
    m = tmp_path / "m.yaml"
    m.write_text(textwrap.dedent(manifests), encoding="utf-8")
    return translate_estate(tmp_path / "cluster.yaml", TranslateOptions(), [str(m)])


def verdict(plan, name: str):
    """The verdict of the workload named ``name``."""
    return next(v for v in plan.verdicts if v.name == name)


def emitted(plan, kind: str, name: str) -> dict:
    """The emitted object ``kind``/``name``."""
    return next(o for o in plan.workloads.objects if o["kind"] == kind and o["metadata"]["name"] == name)


def sch(plan, rule: str) -> list[str]:
    """Messages of the plan's findings of ``rule``."""
    return [f.message for f in plan.findings if f.rule_id == rule]


def deployment(name: str, pod_spec: str, ns: str = "default") -> str:
    """A Deployment manifest whose pod spec is ``pod_spec`` (YAML at indent 0)."""
    spec = textwrap.indent(textwrap.dedent(pod_spec).strip(), " " * 6)
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n"
            f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec:\n{spec}\n      containers: [{{name: c, image: nginx}}]\n---\n")
