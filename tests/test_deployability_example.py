"""Deployability check on the bundled example: every workload's verdict, reviewed against examples/.

Reading the example (examples/cluster.yaml + examples/manifests):

* ``recommendations`` selects ``pool: gpu`` (the gpu-reco group lists no availabilityZones, so eksctl spread it over
  the cluster's zones) and mounts ``reco-models`` / ``reco-feature-cache`` of class ebs-gp3, which becomes Premium
  SSD v2 (zonal, attaches only to zonal VMs): the check plans the gpureco pool in zones 1-3 (SCH-012); the model
  volume's data must still be migrated (STO-016) and AWS_REGION removed (APP-003): runs after steps.
* ``search`` (StatefulSet) selects ``pool: legacy`` (legacy-mixed, no zones) with claims of ebs-gp3-fast → Premium
  SSD v2: its pool gets zones the same way; the group's preBootstrapCommands (vm.max_map_count for OpenSearch)
  are not run on AKS (CMP-008), a step before it runs.
* ``catalog-db`` selects ``pool: general`` (zones 1-3) with ebs-io2 → Premium SSD v2: fits; its Secret's values
  must move to Key Vault first.
* ``storefront`` (no selector, only a ConfigMap) runs as translated; ``invoice-renderer`` (``kubernetes.io/os:
  windows``, ``pool: windows``) fits the Windows pool (CMP-017: Windows pool) but still reads AWS settings
  (APP-003: AWS_REGION).
* workloads selecting a node group inherit its medium/high findings: ``search-indexer`` the Arm64 one (CMP-005),
  ``recommendations`` the GPU one (CMP-006).
* ``payments-api`` mounts SecretProviderClass ``payments-gateway``: its Key Vault secrets must be copied first
  (SEC-001, SEC-004).
* the others run after listed steps: the application must use its workload identity (IDN-001), its env,
  Secrets or ConfigMaps name AWS services (APP-*, SEC-*), or a claim's AWS volume was dropped (STO-016).
* ``external-dns`` (switched to Azure DNS) still holds ``${DNS_ZONE_RESOURCE_GROUP}``: the deployment stage does not
  send it until ``eks-to-aks:dns`` is set (PRE-056), so it cannot run on this plan.
* ``fluent-bit`` and ``cluster-autoscaler`` are replaced by AKS features (dropped): no verdict.
"""
from __future__ import annotations

import json

from translators.reports.formats import ReportInput, render
from translators.reports.formats.jsonreport import report_schema

EXPECTED = {
    ("Deployment", "shop", "catalog-api"): ("runs-after-steps", {"IDN-001", "APP-003", "APP-004", "SEC-009", "STO-016"}),
    ("Deployment", "shop", "orders-api"): ("runs-after-steps", {"APP-002", "APP-003", "APP-004", "APP-005", "SEC-009",
                                                                "SEC-012"}),
    ("Deployment", "shop-payments", "payments-api"): ("runs-after-steps", {"IDN-001", "APP-003", "SEC-001", "SEC-004"}),
    ("Deployment", "shop", "search-indexer"): ("runs-after-steps", {"IDN-001", "APP-003", "APP-004", "CMP-005"}),
    ("Deployment", "shop", "recommendations"): ("runs-after-steps", {"STO-016", "APP-003", "CMP-006"}),
    ("Deployment", "shop", "invoice-renderer"): ("runs-after-steps", {"APP-003", "CMP-017"}),
    ("CronJob", "shop-jobs", "order-archiver"): ("runs-after-steps", {"IDN-001", "APP-003", "APP-004"}),
    ("StatefulSet", "shop", "catalog-db"): ("runs-after-steps", {"SEC-009"}),
    ("StatefulSet", "shop", "search"): ("runs-after-steps", {"CMP-008"}),
    ("Deployment", "kube-system", "external-dns"): ("cannot-run", {"IDN-001", "ADD-014", "ADD-015"}),
    ("Deployment", "shop", "storefront"): ("runs", set()),
}


def test_every_example_workload_has_its_reviewed_verdict(example_plan):
    got = {(v.kind, v.namespace, v.name): (v.verdict, {s.split(" ", 1)[0] for s in v.steps})
           for v in example_plan.verdicts}
    assert got == EXPECTED


def test_example_pools_of_zonal_disk_workloads_get_zones(example_plan):
    zones = {p.name: p.availability_zones for p in example_plan.node_pools}
    assert zones["gpureco"] == zones["legacymixed"] == zones["general"] == ["1", "2", "3"]
    assert zones["batchspot"] == zones["armsearch"] == zones["window"] == []  # no zonal disk needs them
    assert {v.name for v in example_plan.verdicts if v.reasons} == {"external-dns"}
    (dns,) = [v for v in example_plan.verdicts if v.name == "external-dns"]
    assert dns.reasons[0].startswith("PRE-056: Deployment kube-system/external-dns is not deployed")


def test_example_has_no_scheduling_or_reference_misses(example_plan):
    rules = {f.rule_id for f in example_plan.findings if f.rule_id.startswith("SCH-")}
    assert rules == {"SCH-012"}
    assert len([f for f in example_plan.findings if f.rule_id == "SCH-012"]) == 2


def test_reports_start_with_the_verdict_table(example_plan):
    r = ReportInput(findings=example_plan.findings, counts=example_plan.workloads.counts, inputs=["x"],
                    verdicts=example_plan.verdicts)
    md = render(r, "markdown")
    assert md.index("## Workloads") < md.index("## Quick reference")
    assert "1 run, 9 run after the listed steps, 1 cannot run on the planned cluster." in md
    assert "| Deployment/shop/recommendations | runs after the listed steps | CMP-006, STO-016, APP-003 |" in md
    doc = json.loads(render(r, "json"))
    import jsonschema

    jsonschema.validate(doc, report_schema())
    assert {w["name"]: w["verdict"] for w in doc["workloads"]}["storefront"] == "runs"
    assert "workloads" not in json.loads(render(ReportInput([], {}, []), "json"))
