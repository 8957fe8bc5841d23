"""Workload identity plan and translators (translators/identity/translate.py), in the full chain with secrets and app config.

Who binds to which identity (eksctl IAM entries, IRSA annotations: translators/identity/bindings.py) is tested in
``test_identity_bindings.py``, over the same estate (builders_identity).
"""
from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

import builders_identity
from builders_identity import (CLIENT, MEDIA, PLANTED, PLANTED_ENV, RECEIPTS, SPC, TENANT, USE, by_name, chain,
                               corpus_rows, load, sa)
from translators.input.eksctl import load_cluster_config
from translators.errors import InputError
from translators.findings import Findings, catalogue
from translators.plan import Placeholder
from translators.identity.translate import IDENTITY_NAME, plan_identities
from translators.k8s import WorkloadContext
from translators.input.manifests import load_manifests
from translators.refdata import builtin_roles
from translators.secrets.translate import prepare
from helpers import SCHEMA_INVALID

from conftest import CORPUS  # noqa: E402

run = builders_identity.run  # the estate fixture (bound, not imported: ruff F811 at each use)


def test_role_with_25_service_accounts_is_split(run):
    plan, ctx, _, findings = run
    ids = by_name(plan)
    first, second = ids["id-bulk"], ids["id-bulk-2"]
    assert (len(first.federated), len(second.federated)) == (20, 5)
    assert [c.service_account for c in second.federated] == [f"worker-{i}" for i in range(20, 25)]
    assert ctx.service_account_identities[("batch", "worker-22")] == "id-bulk-2"
    assert first.roles == second.roles
    assert any(f.rule_id == "IDN-002" and "25 ServiceAccounts" in f.message for f in findings)


def test_role_grants_and_scopes(run):
    plan, _, _, findings = run
    ids = by_name(plan)
    grants = {n: [(g.role, g.scope, g.resource_id) for g in i.roles] for n, i in ids.items()}
    assert grants["id-shared-media"] == [("Storage Blob Data Reader", "resource", MEDIA)]
    assert grants["id-payments"] == [("Key Vault Secrets User", "vault", None),
                                     ("Storage Blob Data Contributor", "resource", RECEIPTS)]
    assert grants["id-tools-builder"] == [("AcrPush", "registry", None)]
    assert grants["id-velero"] == [("Storage Blob Data Contributor", "resource", MEDIA)]  # via resourceMap["s3"]
    assert grants["id-orders"] == [] and grants["id-bulk"] == []
    for ident in plan.identities:
        for g in ident.roles:
            assert g.role in builtin_roles() and g.scope in ("vault", "registry", "resource")
            assert (g.resource_id is None) == (g.scope != "resource")
    rules = {(f.rule_id, f.file.endswith("cluster.yaml")) for f in findings}
    assert {("IDN-003", True), ("IDN-005", True), ("IDN-004", True), ("IDN-013", False), ("IDN-007", True)} <= rules
    msgs = " ".join(f.message for f in findings)
    assert "resourceMap['sqs']" in msgs and "Cosmos DB" in msgs


def test_service_accounts_translated(run):
    _, _, out, findings = run
    new, outcomes, f = out[("ServiceAccount", "shop", "payments")]
    assert outcomes == ["translated"]
    assert new["metadata"]["annotations"] == {
        "azure.workload.identity/service-account-token-expiration": "7200",
        CLIENT: Placeholder.client_id("id-payments"), TENANT: "${AZURE_TENANT_ID}"}
    assert sorted(x.rule_id for x in f) == ["IDN-001", "IDN-012", "IDN-012"]
    new, _, _ = out[("ServiceAccount", "shop", "search")]
    assert new["metadata"]["annotations"][CLIENT] == "${IDENTITY_CLIENT_ID:id-shared-media}"
    new, _, f = out[("ServiceAccount", "shop", "orders")]  # pod identity association, no annotation
    assert new["metadata"]["annotations"][CLIENT] == "${IDENTITY_CLIENT_ID:id-orders}" and not f
    new, outcomes, f = out[("ServiceAccount", "kube-system", "ebs-csi-controller-sa")]
    assert "annotations" not in new["metadata"] and [x.rule_id for x in f] == ["IDN-012"]
    assert not any(k.startswith("eks.amazonaws.com/") for (kind, _, _), (n, _, _) in out.items()
                   if kind == "ServiceAccount" for k in n["metadata"].get("annotations", {}))


@pytest.mark.parametrize("kind,name,ns,labelled", [
    ("Deployment", "catalog", "shop", True), ("StatefulSet", "search", "shop", True),
    ("Deployment", "payments", "shop", True), ("DaemonSet", "orders-agent", "shop", True),
    ("Job", "orders-once", "shop", True), ("CronJob", "orders-nightly", "shop", True), ("Pod", "debug", "shop", True),
    ("Job", "worker-22", "batch", True), ("Deployment", "frontend", "shop", False)])
def test_pod_labels(run, kind, name, ns, labelled):
    _, _, out, _ = run
    new, outcomes, _ = out[(kind, ns, name)]
    tpl = {"Pod": lambda o: o, "CronJob": lambda o: o["spec"]["jobTemplate"]["spec"]["template"]}.get(
        kind, lambda o: o["spec"]["template"])(new)
    assert (tpl["metadata"]["labels"].get(USE) == "true") is labelled
    assert tpl["metadata"]["labels"]["app"] == name
    assert ("translated" in outcomes) is labelled


def test_secret_provider_class_uses_the_mounting_identity(run):
    _, ctx, out, _ = run
    new, outcomes, f = out[("SecretProviderClass", "shop", "payments-secrets")]
    p = new["spec"]["parameters"]
    assert new["spec"]["provider"] == "azure" and p["clientID"] == "${IDENTITY_CLIENT_ID:id-payments}"
    assert (p["keyvaultName"], p["tenantId"], p["usePodIdentity"]) == \
        ("kv-shop-1a2b3c4d", "${AZURE_TENANT_ID}", "false")
    objects = [yaml.safe_load(x) for x in yaml.safe_load(p["objects"])["array"]]
    assert objects == [{"objectName": "prod-db-password", "objectType": "secret", "objectAlias": "prod_db_password"},
                       {"objectName": "prod-api-key", "objectType": "secret", "objectAlias": "api-key"}]
    assert new["spec"]["secretObjects"] == SPC["spec"]["secretObjects"]
    assert {x["keyVaultName"] for x in ctx.secrets_migration} == {"prod-db-password", "prod-api-key"}


def test_secret_values_never_leak(run):
    plan, ctx, out, findings = run
    for (kind, _, _), (new, outcomes, _) in out.items():
        if kind == "Secret":
            assert outcomes == ["passthrough"]
        else:
            assert PLANTED not in json.dumps(new)
    assert PLANTED in out[("Secret", "shop", "db")][0]["stringData"]["DB_PASSWORD"]  # the Secret itself keeps it
    text = json.dumps([x.as_json() for x in findings]) + json.dumps(dataclasses.asdict(plan), default=str)
    text += json.dumps(ctx.options, default=str)
    assert PLANTED not in text and PLANTED_ENV not in text
    secret_findings = [x for (k, _, _), (_, _, f) in out.items() if k == "Secret" for x in f]
    assert {x.rule_id for x in secret_findings} == {"SEC-009", "SEC-012"}
    assert any("DB_PASSWORD" in x.message for x in secret_findings)


def test_application_findings_in_the_chain(run):
    _, _, out, _ = run
    _, outcomes, f = out[("Deployment", "shop", "catalog")]
    assert outcomes == ["translated", "passthrough"]
    assert sorted(x.rule_id for x in f) == ["APP-001", "APP-003"]


def test_names_are_sanitised_and_unique():
    long_role = "r" * 140
    objs = load([sa("a", "default", long_role), sa("b", "default", "x.y"), sa("c", "default", "x_y"),
                 sa("d", "ns", None, **{"eks.amazonaws.com/role-arn": "$(CARTS_IAM_ROLE)"})])
    ctx, f = WorkloadContext(), Findings()
    plan = plan_identities(None, objs, ctx, f)
    names = [i.name for i in plan.identities]
    assert len(set(names)) == 4 and all(IDENTITY_NAME.match(n) for n in names)
    assert "id-x_y" in names and "id-x-y" in names and "id-CARTS_IAM_ROLE" in names
    assert [x.rule_id for x in f].count("IDN-013") == 4


def test_example_estate(tmp_path):
    from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS

    cfg = load_cluster_config(str(DEFAULT_CLUSTER_CONFIG))
    objs = load_manifests([DEFAULT_MANIFESTS])
    ctx, f = WorkloadContext(), Findings()
    plan = plan_identities(cfg, objs, ctx, f)
    ids = by_name(plan)
    assert {c.service_account for c in ids["id-shop-prod-catalog-media"].federated} == {"catalog-api", "search-indexer"}
    assert ("Key Vault Secrets User", "vault") in [(g.role, g.scope) for g in ids["id-shop-prod-payments-api"].roles]
    assert {x.rule_id for x in f} <= set(catalogue())


# --- corpus ----------------------------------------------------------------------------------------


def placeholder_or_not_a_manifest(row: dict, err: InputError) -> bool:
    """The corpus file cannot be input as is: a template with placeholders, a docs fragment or Helm values."""
    return (row["parse_check"].startswith("yaml-FAIL") or "placeholder" in row["notes"] or err.field == "apiVersion"
            or "duplicate key" in err.message or row["path"] in SCHEMA_INVALID)


def test_corpus_manifests_through_the_chain():
    seen_sa = 0
    for row in corpus_rows({"secrets", "apps", "aws-integrations"}):
        p = row["path"]
        try:
            objs = load_manifests([CORPUS / p])
        except InputError as e:
            assert placeholder_or_not_a_manifest(row, e), str(e)
            continue
        ctx, f = WorkloadContext(), Findings()
        plan_identities(None, objs, ctx, f)
        prepare(objs, ctx)
        for o in objs:
            new, outcomes, found = chain(o, ctx)
            assert {x.rule_id for x in found} <= set(catalogue())
            if o.kind == "ServiceAccount" and "eks.amazonaws.com/role-arn" in (o.metadata.get("annotations") or {}):
                seen_sa += 1
                ann = new["metadata"]["annotations"]
                assert not any(k.startswith("eks.amazonaws.com/") for k in ann) and CLIENT in ann, p
    assert seen_sa >= 1  # cert-manager's route53 ServiceAccount has no name: refused (helpers.SCHEMA_INVALID)


def test_drop_service_accounts_removes_empty_identities():
    from translators.identity.translate import drop_service_accounts

    objs = load([sa("a", "ns", "r1"), sa("b", "ns", "r1"), sa("c", "ns", "r2")])
    ctx = WorkloadContext()
    plan = plan_identities(None, objs, ctx, Findings())
    drop_service_accounts(plan, {("ns", "a"), ("ns", "c")}, ctx)
    assert [(i.name, [c.service_account for c in i.federated]) for i in plan.identities] == [("id-r1", ["b"])]
    assert ctx.service_account_identities == {("ns", "b"): "id-r1"}
