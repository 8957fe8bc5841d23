"""Who claims a workload identity (translators/identity/bindings.py): eksctl ``iam.serviceAccounts`` and
``iam.podIdentityAssociations`` and ServiceAccounts annotated ``eks.amazonaws.com/role-arn`` → identities, their
federated subjects and the ServiceAccounts eksctl would have created; over the estate of ``builders_identity``.
"""
from __future__ import annotations

import re
import textwrap

import builders_identity
from builders_identity import CLIENT, TENANT, by_name, corpus_rows, load, sa
from conftest import CORPUS  # noqa: E402
from translators.input.eksctl import load_cluster_config
from translators.errors import InputError
from translators.findings import Findings, catalogue
from translators.identity.translate import CREDENTIAL_NAME, IDENTITY_NAME, MAX_FEDERATED, plan_identities
from translators.k8s import WorkloadContext
from translators.refdata import builtin_roles

run = builders_identity.run  # the estate fixture (bound, not imported: ruff F811 at each use)


def test_identities_and_federated_subjects(run):
    plan, ctx, _, _ = run
    ids = by_name(plan)
    assert sorted(ids) == ["id-bulk", "id-bulk-2", "id-orders", "id-payments", "id-shared-media", "id-tools-builder",
                           "id-velero"]
    assert [c.subject for c in ids["id-shared-media"].federated] == [
        "system:serviceaccount:shop:catalog", "system:serviceaccount:shop:search"]
    assert [c.subject for c in ids["id-orders"].federated] == ["system:serviceaccount:shop:orders"]
    assert [c.subject for c in ids["id-velero"].federated] == ["system:serviceaccount:velero:velero"]
    for ident in plan.identities:
        assert IDENTITY_NAME.match(ident.name) and len(ident.federated) <= MAX_FEDERATED
        for c in ident.federated:
            assert c.subject == f"system:serviceaccount:{c.namespace}:{c.service_account}"
            assert c.audience == "api://AzureADTokenExchange" and CREDENTIAL_NAME.match(c.name)
    assert ctx.service_account_identities[("shop", "search")] == "id-shared-media"
    assert {"workloadIdentity", "keyVaultSecretsProvider"} <= ctx.cluster_requests
    assert ("kube-system", "ebs-csi-controller-sa") not in ctx.service_account_identities  # replaced by AKS


def test_eksctl_only_service_accounts_are_created(run):
    plan, _, _, _ = run
    assert plan.service_accounts == [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
        "name": "builder", "namespace": "tools", "labels": {"team": "ci"},
        "annotations": {CLIENT: "${IDENTITY_CLIENT_ID:id-tools-builder}", TENANT: "${AZURE_TENANT_ID}"}}}]
    # velero is roleOnly: identity but no ServiceAccount object


# --- corpus ----------------------------------------------------------------------------------------

def test_corpus_eksctl_identity_sources():
    paths = [r["path"] for r in corpus_rows({"eksctl"}) if re.search(
        r"serviceAccounts:|podIdentityAssociations:", (CORPUS / r["path"]).read_text(encoding="utf-8"))]
    assert len(paths) >= 4
    planned = 0
    for p in paths:
        try:
            cfg = load_cluster_config(str(CORPUS / p))
        except InputError as e:
            assert "${" in (CORPUS / p).read_text(encoding="utf-8") and str(e).startswith(str(CORPUS / p)), p
            continue
        ctx, f = WorkloadContext(), Findings()
        plan = plan_identities(cfg, [], ctx, f)
        planned += len(plan.identities)
        assert {x.rule_id for x in f} <= set(catalogue())
        for ident in plan.identities:
            assert IDENTITY_NAME.match(ident.name) and 1 <= len(ident.federated) <= MAX_FEDERATED
            assert all(g.role in builtin_roles() for g in ident.roles)
            for c in ident.federated:
                assert ctx.service_account_identities[(c.namespace, c.service_account)] == ident.name
        for s in plan.service_accounts:
            assert s["metadata"]["annotations"][CLIENT].startswith("${IDENTITY_CLIENT_ID:")
    assert planned >= 10


def test_conflicting_roles_and_unknown_roles(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(textwrap.dedent("""\
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata: {name: c, region: us-east-1}
        iam:
          serviceAccounts:
            - metadata: {name: app, namespace: default}
              attachRoleARN: arn:aws:iam::1:role/existing
              permissionsBoundary: arn:aws:iam::1:policy/boundary
          podIdentityAssociations:
            - namespace: default
              serviceAccountName: app
              roleARN: arn:aws:iam::1:role/other
              targetRoleARN: arn:aws:iam::2:role/remote
        """))
    cfg = load_cluster_config(str(p))
    objs = load([sa("app", "default", "annotated")])
    ctx, f = WorkloadContext(), Findings()
    plan = plan_identities(cfg, objs, ctx, f)
    assert [i.name for i in plan.identities] == ["id-annotated"]
    assert ctx.service_account_identities == {("default", "app"): "id-annotated"}
    assert sorted(x.rule_id for x in f) == ["IDN-011", "IDN-011", "IDN-013", "IDN-014", "IDN-014"]
