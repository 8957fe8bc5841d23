"""The first `pulumi up` on real Azure, as the real program registers it under mocks (issue #11): access for the
deployer, image copies, Key Vault secrets and operators before the objects, private clusters through Flux."""
from __future__ import annotations

import json
import shlex

import pytest

from landing_zone.access import deployer_principal_type
from landing_zone.images import IMAGES_PER_COMMAND
from translators.registry.images import image_copy_plan
from offline.runner import run_offline
from translators.checks.deployment import ANGLE_PLACEHOLDER, TRANSLATOR_PLACEHOLDER, DeployOptions, object_key
from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from translators.refdata import builtin_roles
from tests.conftest import AS_OF

CLIENT = "00000000-0000-0000-0000-000000000000"  # the mocks' getClientConfig ids


def res(result, token, name=None):
    return [r for r in result.resources if r["type"] == token and (name is None or r["name"] == name)]


def k8s_objects(result):
    return [r for r in result.resources if r["type"].startswith("kubernetes:")
            and r["type"] != "kubernetes:helm.sh/v3:Release"]


def role_id(role: str) -> str:
    return f"/subscriptions/{CLIENT}/providers/Microsoft.Authorization/roleDefinitions/{builtin_roles()[role]}"


def translate(tmp_path, private: bool = False, **deploy):
    cfg = tmp_path / "cluster.yaml"
    extra = "\nprivateCluster:\n  enabled: true\n" if private else ""
    cfg.write_text(DEFAULT_CLUSTER_CONFIG.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return translate_estate(str(cfg), TranslateOptions(stack="dev", as_of=AS_OF, deploy=DeployOptions(**deploy)),
                            [str(DEFAULT_MANIFESTS)])


def test_the_deployer_is_cluster_admin_before_any_object(example_up):
    (grant,) = res(example_up, "azure-native:authorization:RoleAssignment", "deployer-cluster-admin")
    (cluster,) = res(example_up, "azure-native:containerservice:ManagedCluster")
    assert grant["inputs"]["roleDefinitionId"] == role_id("Azure Kubernetes Service RBAC Cluster Admin")
    assert grant["inputs"]["scope"] == f"/mock/azure-native:containerservice:ManagedCluster/{cluster['name']}"
    assert grant["inputs"]["principalId"] == CLIENT
    (provider,) = res(example_up, "pulumi:providers:kubernetes")
    assert "azure-native:authorization:RoleAssignment::deployer-cluster-admin" in provider["dependsOn"]
    assert all(r["parent"] == "workloads" for r in k8s_objects(example_up))  # each uses that provider


def test_deployer_principal_type():
    assert deployer_principal_type({}).value == "User"
    assert deployer_principal_type({"ARM_CLIENT_ID": "x"}).value == "ServicePrincipal"
    assert deployer_principal_type({"ARM_CLIENT_ID": "x"}, "User").value == "User"
    with pytest.raises(ValueError, match="deployerPrincipalType"):
        deployer_principal_type({}, "Robot")


def test_images_are_copied_before_the_workloads(example_up, example_plan):
    copies = example_plan.workloads.image_copy_commands
    assert len(copies) == len(example_plan.workloads.image_copy) > 0  # every image of the example is valid
    commands = res(example_up, "command:local:Command")
    copied = [line for c in commands for line in c["inputs"]["create"].split(" && ")]
    assert sorted(copied) == sorted(c["command"] for c in copies)
    assert len(commands) == -(-len(copies) // IMAGES_PER_COMMAND)
    assert all("azure-native:containerregistry:Registry::acr" in c["dependsOn"] for c in commands)
    (provider,) = res(example_up, "pulumi:providers:kubernetes")
    assert {f"command:local:Command::{c['name']}" for c in commands} <= set(provider["dependsOn"])


def test_import_commands_are_quoted_and_hostile_references_left_out():
    hostile = ("ghcr.io/acme/app:1.0;rm -rf /", "acrx.azurecr.io/ghcr.io/acme/app:1.0")
    ecr_pair = ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api@sha256:" + "a" * 64, "acrx.azurecr.io/shop/api")
    plain = ("ghcr.io/acme/app:1.0", "acrx.azurecr.io/ghcr.io/acme/app:1.0")
    copies = image_copy_plan([hostile, ecr_pair, plain])
    assert [c["source"] for c in copies] == [ecr_pair[0], plain[0]]  # an invalid reference never reaches a command
    argv = shlex.split(copies[1]["command"])
    assert argv == ["az", "acr", "import", "--name", "acrx", "--source", "ghcr.io/acme/app:1.0",
                    "--image", "ghcr.io/acme/app:1.0", "--force"]
    ecr = copies[0]["command"]
    assert "--repository shop/api" in ecr and "--region eu-west-1" in ecr and "--force" in ecr


def test_key_vault_secrets_exist_before_the_workloads(example_plan):
    from landing_zone import secret_names

    names = secret_names(example_plan)
    assert names
    up = run_offline(example_plan, stack="dev", preview=False,
                     config={"eks-to-aks:secretValues": json.dumps({n: "v" for n in names})})
    secrets = res(up, "azure-native:keyvault:Secret")
    assert len(secrets) == len(names)
    (provider,) = res(up, "pulumi:providers:kubernetes")
    assert {f"azure-native:keyvault:Secret::{s['name']}" for s in secrets} <= set(provider["dependsOn"])


def test_operators_are_pinned_helm_releases_and_their_objects_wait(example_up, example_plan):
    releases = {r["name"]: r["inputs"] for r in res(example_up, "kubernetes:helm.sh/v3:Release")}
    assert releases["operator-velero"]["version"] == "8.1.0"
    assert releases["operator-velero"]["repositoryOpts"] == {"repo": "https://vmware-tanzu.github.io/helm-charts"}
    assert releases["operator-external-secrets"]["createNamespace"] is True
    assert releases["operator-velero"]["createNamespace"] is False  # the estate's Namespace velero is used
    custom = [r for r in k8s_objects(example_up) if r["inputs"]["apiVersion"].startswith(("velero.io/",
                                                                                           "external-secrets.io/"))]
    assert custom
    for r in custom:
        op = "velero" if r["inputs"]["apiVersion"].startswith("velero.io/") else "external-secrets"
        assert f"kubernetes:helm.sh/v3:Release::operator-{op}" in r["dependsOn"], r["name"]


def test_objects_that_cannot_be_deployed_are_not_registered(example_up, example_plan):
    sent = {object_key(r["inputs"]) for r in k8s_objects(example_up)}
    assert example_plan.deploy.skipped and not sent & set(example_plan.deploy.skipped)
    text = json.dumps([r["inputs"] for r in k8s_objects(example_up)])
    assert not TRANSLATOR_PLACEHOLDER.search(text) and not ANGLE_PLACEHOLDER.search(text)


def test_app_routing_identity_reads_key_vault_certificates(example_up, example_plan):
    assert example_plan.deploy.app_routing_key_vault
    (vault,) = res(example_up, "azure-native:keyvault:Vault")
    grants = [r["inputs"] for r in res(example_up, "azure-native:authorization:RoleAssignment")
              if r["inputs"]["principalId"] == "app-routing-object-id"]
    assert sorted(g["roleDefinitionId"] for g in grants) == sorted(
        role_id(r) for r in ("Key Vault Certificate User", "Key Vault Secrets User"))
    assert all(g["scope"] == f"/mock/azure-native:keyvault:Vault/{vault['name']}" for g in grants)


def test_private_cluster_without_repository_registers_no_kubernetes_object(tmp_path):
    plan = translate(tmp_path, private=True)
    up = run_offline(plan, stack="dev", preview=False)
    assert not k8s_objects(up) and not res(up, "pulumi:providers:kubernetes")
    assert up.outputs["workloadsDeployment"] == "none"
    (cluster,) = res(up, "azure-native:containerservice:ManagedCluster")
    assert cluster["inputs"]["apiServerAccessProfile"]["enablePrivateCluster"] is True
    assert res(up, "azure-native:authorization:RoleAssignment", "deployer-cluster-admin")  # ready for a VNet run


def test_private_cluster_with_repository_deploys_through_flux(tmp_path):
    plan = translate(tmp_path, private=True, gitops_repository="https://github.com/acme/shop-aks.git",
                     gitops_branch="aks", gitops_path="./clusters/shop-prod")
    up = run_offline(plan, stack="dev", preview=False)
    assert not k8s_objects(up) and up.outputs["workloadsDeployment"] == "gitops"
    (ext,) = res(up, "azure-native:kubernetesconfiguration:Extension", "flux")
    assert ext["inputs"]["extensionType"] == "microsoft.flux"
    pools = {f"azure-native:containerservice:AgentPool::{p['name']}" for p in res(up, "azure-native:containerservice:AgentPool")}
    assert pools and pools <= set(ext["dependsOn"])  # extensions run on nodes
    assert ext["inputs"]["scope"] == {"cluster": {"releaseNamespace": "flux-system"}}
    assert (ext["inputs"]["clusterRp"], ext["inputs"]["clusterResourceName"]) == (
        "Microsoft.ContainerService", "managedClusters")
    (flux,) = res(up, "azure-native:kubernetesconfiguration:FluxConfiguration")
    git = flux["inputs"]["gitRepository"]
    assert git["url"] == "https://github.com/acme/shop-aks.git" and git["repositoryRef"] == {"branch": "aks"}
    kustomization = flux["inputs"]["kustomizations"]["workloads"]
    assert kustomization["path"] == "./clusters/shop-prod" and kustomization["prune"] is True
    assert kustomization["postBuild"]["substitute"]["AZURE_TENANT_ID"] == CLIENT
    assert "azure-native:kubernetesconfiguration:Extension::flux" in flux["dependsOn"]
    (hint,) = [f for f in plan.findings if f.rule_id == "PRE-059"]  # Flux cannot fill identity placeholders
    assert hint.severity == "high" and "placeholders Flux cannot substitute" in hint.message
    ids = up.outputs["identityClientIds"]
    assert ids and all(v == f"{k}-client-id" for k, v in ids.items())  # identity name → client id


def test_objects_of_an_extension_wait_for_it(tmp_path):
    cfg = tmp_path / "cluster.yaml"
    cfg.write_text(DEFAULT_CLUSTER_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "m.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: state, namespace: default}\n"
        "spec: {type: state.redis, version: v1, metadata: []}\n", encoding="utf-8")
    plan = translate_estate(str(cfg), TranslateOptions(stack="dev", as_of=AS_OF), [str(tmp_path / "m.yaml")])
    up = run_offline(plan, stack="dev", preview=True)
    (ext,) = res(up, "azure-native:kubernetesconfiguration:Extension")
    assert (ext["name"], ext["inputs"]["extensionType"]) == ("dapr", "microsoft.dapr")
    (component,) = res(up, "kubernetes:dapr.io/v1alpha1:Component")
    assert "azure-native:kubernetesconfiguration:Extension::dapr" in component["dependsOn"]
    assert not res(up, "azure-native:kubernetesconfiguration:FluxConfiguration")


def test_a_run_inside_the_vnet_deploys_with_the_provider(tmp_path):
    plan = translate(tmp_path, private=True, deploy_workloads=True)
    up = run_offline(plan, stack="dev", preview=True)
    assert k8s_objects(up) and up.outputs["workloadsDeployment"] == "provider"


def test_admin_groups_are_cluster_admins(tmp_path):
    plan = translate(tmp_path, admin_group_object_ids=["11111111-1111-1111-1111-111111111111"])
    up = run_offline(plan, stack="dev", preview=True)
    (cluster,) = res(up, "azure-native:containerservice:ManagedCluster")
    assert cluster["inputs"]["aadProfile"]["adminGroupObjectIDs"] == ["11111111-1111-1111-1111-111111111111"]
    (grant,) = [r["inputs"] for r in res(up, "azure-native:authorization:RoleAssignment")
                if r["name"].startswith("admin-group-")]
    assert grant["principalType"] == "Group" and grant["principalId"] == "11111111-1111-1111-1111-111111111111"
    assert grant["roleDefinitionId"] == role_id("Azure Kubernetes Service RBAC Cluster Admin")


def test_key_vault_name_suffix_reaches_the_vault(tmp_path):
    cfg = tmp_path / "cluster.yaml"
    cfg.write_text(DEFAULT_CLUSTER_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    plan = translate_estate(str(cfg), TranslateOptions(stack="dev", as_of=AS_OF, key_vault_name_suffix="r2"))
    up = run_offline(plan, stack="dev", preview=True)
    (vault,) = res(up, "azure-native:keyvault:Vault")
    assert vault["inputs"]["vaultName"] == plan.key_vault_name and plan.key_vault_name.endswith("-r2")
    assert len(plan.key_vault_name) <= 24


def test_deployer_principal_type_and_image_copy_from_config(example_plan):
    import pulumi

    up = run_offline(example_plan, stack="dev", preview=True,
                     config={"eks-to-aks:deployerPrincipalType": "ServicePrincipal", "eks-to-aks:copyImages": "false"})
    (grant,) = res(up, "azure-native:authorization:RoleAssignment", "deployer-cluster-admin")
    assert grant["inputs"]["principalType"] == "ServicePrincipal"
    assert not res(up, "command:local:Command")
    with pytest.raises(pulumi.RunError, match="deployerPrincipalType 'Robot'"):
        run_offline(example_plan, stack="dev", config={"eks-to-aks:deployerPrincipalType": "Robot"})
