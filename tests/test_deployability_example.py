"""Deployability check on the bundled example: every workload's verdict, reviewed against examples/.

Reading the example (examples/cluster.yaml + examples/manifests):

* ``recommendations`` selects ``pool: gpu`` (the gpu-reco group, no availabilityZones: a pool without zones) and
  mounts ``reco-models`` / ``reco-feature-cache`` of class ebs-gp3, which becomes Premium SSD v2 (zonal): the
  disks cannot attach, so it cannot run until the pool gets zones.
* ``search`` (StatefulSet) selects ``pool: legacy`` (legacy-mixed, no zones) with claims of ebs-gp3-fast → Premium
  SSD v2: cannot run, same reason.
* ``catalog-db`` selects ``pool: general`` (zones 1-3) with ebs-io2 → Premium SSD v2: fits; its Secret's values
  must move to Key Vault first.
* ``storefront`` (no selector, only a ConfigMap) runs as translated; ``invoice-renderer`` (``kubernetes.io/os:
  windows``, ``pool: windows``) fits the Windows pool but still reads AWS settings (APP-003: AWS_REGION).
* the others run after listed steps: the application must use its workload identity (IDN-001), its env,
  Secrets or ConfigMaps name AWS services (APP-*, SEC-*), or a claim's AWS volume was dropped (STO-016).
* ``fluent-bit`` and ``cluster-autoscaler`` are replaced by AKS features (dropped): no verdict.
"""
from __future__ import annotations

import json

from translators.formats import ReportInput, render
from translators.formats.jsonreport import report_schema

EXPECTED = {
    ("Deployment", "shop", "catalog-api"): ("runs-after-steps", {"IDN-001", "APP-003", "APP-004", "SEC-009", "STO-016"}),
    ("Deployment", "shop", "orders-api"): ("runs-after-steps", {"APP-002", "APP-003", "APP-004", "APP-005", "SEC-009",
                                                                "SEC-012"}),
    ("Deployment", "shop-payments", "payments-api"): ("runs-after-steps", {"IDN-001", "APP-003"}),
    ("Deployment", "shop", "search-indexer"): ("runs-after-steps", {"IDN-001", "APP-003", "APP-004"}),
    ("Deployment", "shop", "recommendations"): ("cannot-run", {"SCH-006", "STO-016", "APP-003"}),
    ("Deployment", "shop", "invoice-renderer"): ("runs-after-steps", {"APP-003"}),
    ("CronJob", "shop-jobs", "order-archiver"): ("runs-after-steps", {"IDN-001", "APP-003", "APP-004"}),
    ("StatefulSet", "shop", "catalog-db"): ("runs-after-steps", {"SEC-009"}),
    ("StatefulSet", "shop", "search"): ("cannot-run", {"SCH-006"}),
    ("Deployment", "kube-system", "external-dns"): ("runs-after-steps", {"IDN-001", "ADD-014", "ADD-015"}),
    ("Deployment", "shop", "storefront"): ("runs", set()),
}


def test_every_example_workload_has_its_reviewed_verdict(example_plan):
    got = {(v.kind, v.namespace, v.name): (v.verdict, {s.split(" ", 1)[0] for s in v.steps})
           for v in example_plan.verdicts}
    assert got == EXPECTED


def test_example_cannot_run_reasons_name_the_pool(example_plan):
    reasons = {v.name: v.reasons for v in example_plan.verdicts if v.reasons}
    assert reasons == {"recommendations": ["zonal disk on non-zoned pool (gpureco)"],
                       "search": ["zonal disk on non-zoned pool (legacymixed)"]}


def test_example_has_no_scheduling_or_reference_misses(example_plan):
    rules = {f.rule_id for f in example_plan.findings if f.rule_id.startswith("SCH-")}
    assert rules == {"SCH-006"}


def test_reports_start_with_the_verdict_table(example_plan):
    r = ReportInput(findings=example_plan.findings, counts=example_plan.workloads.counts, inputs=["x"],
                    verdicts=example_plan.verdicts)
    md = render(r, "markdown")
    assert md.index("## Workloads") < md.index("## Quick reference")
    assert "1 run, 8 run after the listed steps, 2 cannot run on the planned cluster." in md
    assert "| Deployment/shop/recommendations | **cannot run** | zonal disk on non-zoned pool (gpureco) |" in md
    doc = json.loads(render(r, "json"))
    import jsonschema

    jsonschema.validate(doc, report_schema())
    assert {w["name"]: w["verdict"] for w in doc["workloads"]}["storefront"] == "runs"
    assert "workloads" not in json.loads(render(ReportInput([], {}, []), "json"))
