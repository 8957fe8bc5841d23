"""Cleaning a ``kubectl get -A -o yaml`` export (translators/input/export.py, data/export_cleanup.csv)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import load
from translators.estate import TranslateOptions, translate_estate
from translators.input.export import ACTIONS, cleanup_rules, clean_export
from translators.input.manifests import load_manifests
from translators.refdata import DATA

FIXTURE = Path(__file__).parent / "fixtures" / "export" / "kubectl-get-all.yaml"


def _cleaned():
    objects = load_manifests([FIXTURE])
    return objects, clean_export(objects)


def _by_ref(objs):
    return {o.ref(): o.obj for o in objs}


def test_table_has_provenance_and_known_actions():
    first = (DATA / "export_cleanup.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# provenance:") and "crane-lib" in first
    assert {r.action for r in cleanup_rules()} <= ACTIONS
    assert {r.rule for r in cleanup_rules()} <= {f"INP-{n:03d}" for n in range(5, 11)}


def test_export_keeps_only_source_objects():
    objects, res = _cleaned()
    assert len(objects) == 30
    kept = sorted(o.ref() for o in res.objects)
    assert kept == sorted([
        "Namespace/shop", "Deployment/shop/web", "Pod/shop/debug", "StatefulSet/shop/db",
        "PersistentVolumeClaim/shop/data-db-0", "CronJob/shop/report", "Job/shop/migrate", "Service/shop/web",
        "Service/shop/web-public", "Service/shop/db", "ConfigMap/shop/app-config", "ServiceAccount/shop/web",
        "Secret/shop/db-credentials"])
    assert res.removed == len(objects) - len(res.objects) == 17


def test_server_set_fields_are_gone_everywhere():
    _, res = _cleaned()
    for o in res.objects:
        md = o.obj["metadata"]
        assert "status" not in o.obj, o.ref()
        for key in ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
                    "ownerReferences"):
            assert key not in md, (o.ref(), key)
        assert "kubectl.kubernetes.io/last-applied-configuration" not in (md.get("annotations") or {})
        assert "controller-uid" not in (md.get("labels") or {})
    web = _by_ref(res.objects)["Deployment/shop/web"]
    assert "annotations" not in web["metadata"]  # emptied mapping removed too
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    sa = _by_ref(res.objects)["ServiceAccount/shop/web"]
    assert "secrets" not in sa
    assert sa["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop-web"}


def test_service_addresses_released_but_headless_and_explicit_node_ports_kept():
    _, res = _cleaned()
    svc = _by_ref(res.objects)
    web = svc["Service/shop/web"]["spec"]
    assert "clusterIP" not in web and "clusterIPs" not in web
    public = svc["Service/shop/web-public"]["spec"]
    assert "healthCheckNodePort" not in public and "clusterIP" not in public
    ports = {p["name"]: p for p in public["ports"]}
    assert "nodePort" not in ports["http"]  # allocated by EKS
    assert ports["admin"]["nodePort"] == 30900  # asked for in the last applied manifest
    headless = svc["Service/shop/db"]["spec"]
    assert headless["clusterIP"] == "None" and headless["clusterIPs"] == ["None"]


def test_bare_pod_unbound_job_selector_and_pvc_binding():
    _, res = _cleaned()
    objs = _by_ref(res.objects)
    pod = objs["Pod/shop/debug"]["spec"]
    assert "nodeName" not in pod and "priority" not in pod
    assert pod["preemptionPolicy"] == "PreemptLowerPriority"
    job = objs["Job/shop/migrate"]["spec"]
    assert "selector" not in job
    assert job["template"]["metadata"]["labels"] == {"batch.kubernetes.io/job-name": "migrate", "job-name": "migrate"}
    pvc = objs["PersistentVolumeClaim/shop/data-db-0"]
    assert "volumeName" not in pvc["spec"] and "finalizers" not in pvc["metadata"]
    assert "annotations" not in pvc["metadata"]
    assert pvc["spec"]["storageClassName"] == "gp3"


def test_one_summary_finding_per_rule_and_kind():
    _, res = _cleaned()
    keys = [(f.rule_id, f.message.split(":")[0]) for f in res.findings]
    assert len(keys) == len(set(keys))
    by = {(f.rule_id, f.line): f.message for f in res.findings}
    pods = [m for (rid, _), m in by.items() if rid == "INP-007" and " Pod " in m]
    assert pods == ["2 Pod owned by a controller that recreates them removed: shop/web-6b7f9c8d5-x2k8p, "
                    "shop/web-6b7f9c8d5-q9w4z"]
    assert any(rid == "INP-006" and "shop/web-token-7xk2p" in m for (rid, _), m in by.items())
    assert not any("ZXlKaGJHY2" in f.message for f in res.findings)  # token value never quoted
    missing = [f for f in res.findings if f.rule_id == "INP-008"]
    assert len(missing) == 1 and "ReplicaSet/shop/batch-worker-5f4d8" in missing[0].message
    assert missing[0].severity == "medium" and missing[0].line == 254  # its ownerReferences line
    assert {f.rule_id for f in res.findings} == {"INP-005", "INP-006", "INP-007", "INP-008", "INP-009", "INP-010"}


def test_written_manifests_are_left_alone():
    objs = load("""
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: shop, annotations: {eks.amazonaws.com/role-arn: arn:aws:iam::1:role/r}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: shop}
        spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}], selector: {app: s}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d, namespace: shop}
        spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: {containers: []}}}
        """)
    res = clean_export(objs)
    assert res.removed == 0 and res.findings == []
    assert all(a is b for a, b in zip(res.objects, objs))  # unchanged objects are not copied
    # a default ServiceAccount someone annotated is kept; an explicit nodePort without last-applied is not
    # kept by Crane either, but only when the object came from an export: here there is nothing to clean
    assert res.objects[1].obj["spec"]["ports"][0]["nodePort"] == 30080


def test_non_controller_owner_reference_removed_object_kept():
    objs = load("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          namespace: shop
          ownerReferences: [{apiVersion: example.com/v1, kind: Widget, name: w, uid: u-1}]
        data: {k: v}
        """)
    res = clean_export(objs)
    assert len(res.objects) == 1 and "ownerReferences" not in res.objects[0].obj["metadata"]
    assert [f.rule_id for f in res.findings] == ["INP-005"]


def test_estate_accounting_adds_up_with_the_export():
    plan = translate_estate(None, TranslateOptions(stack="t"), [str(FIXTURE)])
    wl = plan.workloads
    assert sum(wl.counts.values()) == 30
    assert wl.counts["dropped"] >= 17
    emitted = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in wl.objects}
    assert ("ReplicaSet", "shop", "web-6b7f9c8d5") not in emitted
    assert ("Service", "default", "kubernetes") not in emitted
    assert ("Deployment", "shop", "web") in emitted
    assert not any("status" in o for o in wl.objects)
    export_findings = [f for f in plan.findings if f.rule_id in ("INP-006", "INP-007")]
    assert export_findings and all(f in wl.findings for f in export_findings)


@pytest.mark.parametrize("kind,api", [("Endpoints", "v1"), ("EndpointSlice", "discovery.k8s.io/v1"),
                                      ("Event", "events.k8s.io/v1"), ("Lease", "coordination.k8s.io/v1")])
def test_generated_kinds_are_dropped(kind, api):
    res = clean_export(load(f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x, namespace: shop}}\n"))
    assert res.removed == 1 and [f.rule_id for f in res.findings] == ["INP-006"]


def test_bootstrapped_and_eks_rbac_dropped_user_rbac_kept():
    res = clean_export(load("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:controller:job-controller", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: "eks:addon-manager", namespace: kube-system}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: shop-reader}
        rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: system-node-critical}
        value: 2000001000
        """))
    assert [o.name for o in res.objects] == ["shop-reader"]
    assert res.removed == 4
    assert sorted(f.message.split(" removed")[0] for f in res.findings) == [
        "1 cluster-generated PriorityClass", "1 cluster-generated RoleBinding", "2 cluster-generated ClusterRole"]
