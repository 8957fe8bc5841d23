"""Deployability check, references: what a pod or object names must be in the estate, the plan or AKS."""
from __future__ import annotations

import textwrap

from deployability_helpers import deployment, plan_of, sch, verdict


def _findings(plan, rule="SCH-005"):
    return [(f.severity, f.message) for f in plan.findings if f.rule_id == rule]


def test_missing_service_account_config_map_and_secret_cannot_start(tmp_path):
    pod = """
    serviceAccountName: app
    volumes:
      - {name: cfg, configMap: {name: app-config}}
      - {name: opt, secret: {secretName: maybe, optional: true}}
    """
    manifest = deployment("w", pod).replace(
        "{name: c, image: nginx}", "{name: c, image: nginx, envFrom: [{secretRef: {name: app-secret}}]}")
    plan = plan_of(tmp_path, manifest)
    v = verdict(plan, "w")
    assert v.verdict == "cannot-run"
    assert sorted(v.reasons) == ["ConfigMap app-config missing", "Secret app-secret missing",
                                 "ServiceAccount app missing"]
    assert {s for s, _ in _findings(plan)} == {"high"}
    assert not any("maybe" in m for _, m in _findings(plan))  # optional reference


def test_references_present_in_the_estate_or_made_by_operators_are_fine(tmp_path):
    manifests = textwrap.dedent("""
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: app, namespace: default}
    ---
    apiVersion: external-secrets.io/v1beta1
    kind: ExternalSecret
    metadata: {name: db, namespace: default}
    spec: {target: {name: db-creds}}
    ---
    apiVersion: cert-manager.io/v1
    kind: Certificate
    metadata: {name: tls, namespace: default}
    spec: {secretName: tls-cert}
    ---
    """) + deployment("w", """
    serviceAccountName: app
    priorityClassName: system-cluster-critical
    volumes:
      - {name: a, secret: {secretName: db-creds}}
      - {name: b, secret: {secretName: tls-cert}}
      - {name: c, configMap: {name: kube-root-ca.crt}}
    """)
    plan = plan_of(tmp_path, manifests)
    assert verdict(plan, "w").verdict == "runs"
    assert _findings(plan) == []


def test_missing_image_pull_secret_is_low_and_does_not_block(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "imagePullSecrets: [{name: regcred}]"))
    assert _findings(plan) == [("low", "Deployment/default/w: Secret regcred is not defined")]
    assert verdict(plan, "w").verdict == "runs-after-steps"


def test_missing_priority_class_and_namespace(tmp_path):
    plan = plan_of(tmp_path, deployment("w", "priorityClassName: batch-low", ns="jobs"))
    msgs = [m for _, m in _findings(plan)]
    assert "Deployment/jobs/w: namespace jobs is not defined (objects in it cannot be created)" in msgs
    assert "PriorityClass batch-low missing" in verdict(plan, "w").reasons


def test_claim_storage_class_and_ingress_class(tmp_path):
    manifests = """
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: data, namespace: default}
    spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
    ---
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: builtin, namespace: default}
    spec: {storageClassName: managed-csi, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: web, namespace: default}
    spec: {ingressClassName: traefik, defaultBackend: {service: {name: web, port: {number: 80}}}}
    """
    plan = plan_of(tmp_path, manifests)
    assert ("high", "PersistentVolumeClaim/default/data: StorageClass fast is not defined (the claim stays Pending)") \
        in _findings(plan)
    assert not any("managed-csi" in m for _, m in _findings(plan))
    assert ("medium", "Ingress/default/web: IngressClass traefik is not defined (no controller serves the Ingress)") \
        in _findings(plan)
    assert sch(plan, "SCH-001") == []


def test_an_object_of_unexpected_shape_is_an_input_error_naming_it(tmp_path):
    import pytest

    from translators.checks.deployability import check_deployability
    from translators.errors import InputError

    plan = plan_of(tmp_path, deployment("w", "dnsPolicy: ClusterFirst"))
    plan.workloads.objects.append({"apiVersion": "apps/v1", "kind": "StatefulSet",
                                   "metadata": {"name": "bad", "namespace": "default"},
                                   "spec": {"template": {"spec": {}}, "volumeClaimTemplates": [{"metadata": "x"}]}})
    with pytest.raises(InputError, match="StatefulSet/default/bad: a field has a type or shape"):
        check_deployability(plan)


def test_secret_provider_class_of_a_csi_volume_must_exist(tmp_path):
    volume = ("volumes: [{name: s, csi: {driver: secrets-store.csi.k8s.io, readOnly: true, "
              "volumeAttributes: {secretProviderClass: vault-keys}}}]")
    plan = plan_of(tmp_path, deployment("w", volume))
    assert verdict(plan, "w").reasons == ["SecretProviderClass vault-keys missing"]
