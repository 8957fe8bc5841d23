"""Mock tests of the deployed workloads and workload identities (the bundled example, as `pulumi up` would see it)."""
from __future__ import annotations

import json
import textwrap

from translators.estate import TranslateOptions, translate_estate
from translators.refdata import builtin_roles

ISSUER = "https://oidc.mock/shop-prod/"  # the mocks' cluster OIDC issuer URL for resourceName shop-prod


def res(result, token, name=None):
    found = [r for r in result.resources if r["type"] == token and (name is None or r["name"] == name)]
    assert found, f"no {token} {name or ''}"
    return found


def test_each_object_is_its_own_resource_with_its_exact_type(example_up, example_plan):
    k8s = [r for r in example_up.resources if r["type"].startswith("kubernetes:") and r["type"] != "pulumi:providers:kubernetes"
           and r["type"] != "kubernetes:helm.sh/v3:Release"]
    # objects that cannot be deployed (unknown kind, unfillable placeholder) are skipped: tests/test_deploy_*.py
    assert len(k8s) == len(example_plan.workloads.objects) - len(example_plan.deploy.skipped)
    (dep,) = res(example_up, "kubernetes:apps/v1:Deployment", "deployment-shop-storefront")
    assert dep["inputs"]["spec"]["template"]["spec"]["containers"][0]["image"].startswith("docker.io/")
    res(example_up, "kubernetes:core/v1:Namespace", "namespace-shop")
    res(example_up, "kubernetes:storage.k8s.io/v1:StorageClass", "storageclass-ebs-gp3")
    assert all(r["parent"] == "workloads" for r in k8s)


def test_secret_data_is_a_pulumi_secret(example_up, example_preview):
    for result in (example_up, example_preview):
        for r in res(result, "kubernetes:core/v1:Secret"):
            for key in ("data", "stringData"):
                if key in r["inputs"]:
                    assert r["inputs"][key] == "[secret]", r["name"]


def test_ecr_images_point_at_the_stack_registry(example_up, example_plan):
    login = f"{example_plan.registry_name}.azurecr.io"
    images = [c["image"] for r in example_up.resources if r["type"] == "kubernetes:apps/v1:Deployment"
              for c in r["inputs"]["spec"]["template"]["spec"].get("containers", [])]
    assert not [i for i in images if ".dkr.ecr." in i]
    assert any(i.startswith(login + "/") for i in images)


def test_service_account_annotations_carry_the_identity_outputs(example_up, example_plan):
    (sa,) = res(example_up, "kubernetes:core/v1:ServiceAccount", "serviceaccount-shop-catalog-api")
    ann = sa["inputs"]["metadata"]["annotations"]
    ident = example_plan.workloads.context.service_account_identities[("shop", "catalog-api")]
    assert ann["azure.workload.identity/client-id"] == f"{ident}-client-id"  # the mock's clientId of that UAMI
    assert ann["azure.workload.identity/tenant-id"] == "00000000-0000-0000-0000-000000000000"
    assert not [k for k in ann if k.startswith("eks.amazonaws.com/")]


def test_workloads_running_as_federated_service_accounts_get_the_pod_label(example_up):
    (dep,) = res(example_up, "kubernetes:apps/v1:Deployment", "deployment-shop-catalog-api")
    assert dep["inputs"]["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] == "true"


def test_federated_credentials_use_the_cluster_issuer_and_exact_subjects(example_up, example_plan):
    fics = [r["inputs"] for r in res(example_up, "azure-native:managedidentity:FederatedIdentityCredential")]
    subjects = sorted(f["subject"] for f in fics)
    expected = sorted(c.subject for i in example_plan.workloads.identities.identities for c in i.federated)
    assert subjects == expected
    assert "system:serviceaccount:shop:catalog-api" in subjects and "system:serviceaccount:shop:search-indexer" in subjects
    assert all(f["issuer"] == ISSUER and f["audiences"] == ["api://AzureADTokenExchange"] for f in fics)
    shared = [f for f in fics if f["resourceName"] == "id-shop-prod-catalog-media"]
    assert len(shared) == 2  # two ServiceAccounts trusting one IAM role share one identity


def test_secret_reader_gets_key_vault_secrets_user_on_the_stack_vault(example_up):
    vault = res(example_up, "azure-native:keyvault:Vault")[0]
    assigns = [r["inputs"] for r in res(example_up, "azure-native:authorization:RoleAssignment")]
    reader = [a for a in assigns if a["roleDefinitionId"].endswith(builtin_roles()["Key Vault Secrets User"])
              and a["principalId"] != "app-routing-object-id"]  # app routing's grant: tests/test_deploy_stack.py
    assert reader and all(a["scope"] == f"/mock/azure-native:keyvault:Vault/{vault['name']}" for a in reader)
    assert all(a["principalId"].startswith("id-") and a["principalId"].endswith("-principal") for a in reader)
    assert not [a for a in assigns if a["scope"].count("/") <= 2]  # never a subscription-wide scope


def test_placeholders_never_reach_deployed_objects(example_up):
    text = json.dumps([r["inputs"] for r in example_up.resources if r["type"].startswith("kubernetes:")])
    assert "${IDENTITY_CLIENT_ID" not in text and "${AZURE_TENANT_ID}" not in text


def test_a_role_with_25_service_accounts_is_split_across_identities(tmp_path):
    from offline.runner import run_offline

    (tmp_path / "cluster.yaml").write_text(textwrap.dedent("""\
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata: {name: many, region: eu-west-1, version: "1.35"}
        managedNodeGroups:
          - {name: general, instanceType: m5.xlarge, desiredCapacity: 2}
        """))
    docs = [f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: worker-{i:02d}\n  namespace: jobs\n"
            f"  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/batch\n" for i in range(25)]
    (tmp_path / "m.yaml").write_text("---\n".join(docs))
    plan = translate_estate(tmp_path / "cluster.yaml", TranslateOptions(stack="t"), [str(tmp_path / "m.yaml")])
    result = run_offline(plan, stack="t", preview=False)
    fics = [r["inputs"] for r in result.resources if r["type"] == "azure-native:managedidentity:FederatedIdentityCredential"]
    per_identity: dict[str, int] = {}
    for f in fics:
        per_identity[f["resourceName"]] = per_identity.get(f["resourceName"], 0) + 1
    assert sum(per_identity.values()) == 25 and len(per_identity) == 2
    assert max(per_identity.values()) <= 20  # Azure's limit per user-assigned identity
    assert sorted({f["subject"] for f in fics}) == [f"system:serviceaccount:jobs:worker-{i:02d}" for i in range(25)]


def test_secret_values_from_config_become_key_vault_secrets_kept_secret(example_plan):
    from landing_zone import secret_names
    from offline.runner import run_offline

    names = secret_names(example_plan)
    assert names, "the example's SecretProviderClass should yield a secrets migration plan"
    planted = {n: f"planted-{i}-s3cr3t" for i, n in enumerate(names)}
    result = run_offline(example_plan, stack="dev", preview=False,
                         config={"eks-to-aks:secretValues": json.dumps(planted)})
    secrets = [r for r in result.resources if r["type"] == "azure-native:keyvault:Secret"]
    assert sorted(r["inputs"]["secretName"] for r in secrets) == names
    assert all(r["inputs"]["properties"] == "[secret]" or r["inputs"]["properties"]["value"] == "[secret]"
               for r in secrets)
    text = json.dumps(result.resources) + json.dumps(result.outputs)
    assert not [v for v in planted.values() if v in text]


def test_objects_depend_on_their_namespace_and_crd_only():
    from workloads import _dependencies

    ns, crd, other = (object() for _ in range(3))
    namespaces = {"shop": ns, "other": other}
    crds = {("widgets.example.com", "Widget"): crd}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "namespace": "shop"}}
    widget = {"apiVersion": "widgets.example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "shop"}}
    cluster_scoped = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "s"}}
    assert _dependencies(dep, namespaces, crds) == [ns]  # type: ignore[arg-type]
    assert _dependencies(widget, namespaces, crds) == [ns, crd]  # type: ignore[arg-type]
    assert _dependencies(cluster_scoped, namespaces, crds) == []  # type: ignore[arg-type]
