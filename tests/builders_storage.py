"""Storage builders shared by the test_storage* modules: EBS StorageClass and EFS text, the storage translators run
over YAML, and line and rule look-ups."""
from __future__ import annotations

import textwrap

import yaml

from helpers import run as run_translators
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.storage.translate import STORAGE_TRANSLATORS, prepare as prepare_storage


def run(source: str | list[K8sObject], ctx: WorkloadContext | None = None, prepare: bool = True):
    """Translate every object of ``source``; returns ``(ctx, [(obj, translation), ...])``."""
    return run_translators(STORAGE_TRANSLATORS, source, ctx, prepare_storage if prepare else None)


def only(text: str, ctx: WorkloadContext | None = None, prepare: bool = True):
    """Translate and return ``(ctx, obj, translation)`` for the last object of ``text``."""
    ctx, pairs = run(text, ctx, prepare)
    return (ctx, *pairs[-1])


def rules(res: Translation) -> list[str]:
    """The rule ids of ``res``'s findings in order."""
    return [f.rule_id for f in res.findings]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the dedented ``text`` holding ``needle``."""
    return next(i for i, ln in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in ln)


def ebs_class(params: dict | None = None, provisioner: str = "ebs.csi.aws.com", **extra) -> str:
    """A StorageClass ``fast`` of ``provisioner`` with ``params`` and ``extra`` top-level fields."""
    doc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
           "provisioner": provisioner, **extra}
    if params is not None:
        doc["parameters"] = params
    return yaml.safe_dump(doc, sort_keys=False)


EFS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: efs-sc}
provisioner: efs.csi.aws.com
parameters:
  provisioningMode: efs-ap
  fileSystemId: fs-0123456789abcdef0
  directoryPerms: "700"
mountOptions: [tls, iam, "accesspoint=fsap-1", nconnect=4]
allowedTopologies:
- matchLabelExpressions:
  - {key: topology.kubernetes.io/zone, values: [us-east-1a]}
reclaimPolicy: Retain
"""
