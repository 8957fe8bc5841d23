"""Mock tests of the whole Pulumi stack on the bundled example: assert what a real `pulumi up` would create."""
from __future__ import annotations

import json
import re

from translators.naming import ACR, KEY_VAULT, POOL_LINUX, POOL_WINDOWS
from translators.refdata import builtin_roles

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def by_type(result, token):
    return [r for r in result.resources if r["type"] == token]


def one(result, token):
    found = by_type(result, token)
    assert len(found) == 1, f"expected one {token}, got {len(found)}"
    return found[0]


def test_cluster_security_baseline(example_up):
    mc = one(example_up, "azure-native:containerservice:ManagedCluster")["inputs"]
    assert mc["oidcIssuerProfile"] == {"enabled": True}
    assert mc["securityProfile"]["workloadIdentity"] == {"enabled": True}
    kv = mc["addonProfiles"]["azureKeyvaultSecretsProvider"]
    assert kv["enabled"] is True and kv["config"]["enableSecretRotation"] == "true"
    assert mc["addonProfiles"]["omsagent"]["enabled"] is True
    assert mc["addonProfiles"]["omsagent"]["config"]["logAnalyticsWorkspaceResourceID"] \
        == "/mock/azure-native:operationalinsights:Workspace/workspace"
    net = mc["networkProfile"]
    # the example has a Windows pool: Azure CNI Overlay with the azure dataplane and Calico (preflight PRE-007)
    assert (net["networkPlugin"], net["networkPluginMode"], net["networkPolicy"]) == ("azure", "overlay", "calico")
    assert net["networkDataplane"] == "azure"
    assert mc["aadProfile"]["managed"] is True and mc["aadProfile"]["enableAzureRBAC"] is True
    assert mc["disableLocalAccounts"] is True and mc["enableRBAC"] is True
    assert mc["identity"]["type"] == "UserAssigned"


def test_exactly_one_system_pool_inline_and_user_pools_as_resources(example_up, example_plan):
    mc = one(example_up, "azure-native:containerservice:ManagedCluster")["inputs"]
    profiles = mc["agentPoolProfiles"]
    assert [p["mode"] for p in profiles] == ["System"]
    system = profiles[0]
    assert system["osType"] == "Linux" and "scaleSetPriority" not in system
    assert not system["vmSize"].startswith("Standard_B")
    pools = by_type(example_up, "azure-native:containerservice:AgentPool")
    assert sorted(p["inputs"]["agentPoolName"] for p in pools) == sorted(
        p.name for p in example_plan.node_pools if p.mode == "User")
    for p in pools:
        inputs = p["inputs"]
        assert inputs["mode"] == "User"
        pattern = POOL_WINDOWS if inputs["osType"] == "Windows" else POOL_LINUX
        assert pattern.match(inputs["agentPoolName"]), inputs["agentPoolName"]
        assert inputs["resourceName"] == mc["resourceName"]


def test_spot_and_gpu_pools(example_up):
    pools = {p["inputs"]["agentPoolName"]: p["inputs"] for p in by_type(example_up, "azure-native:containerservice:AgentPool")}
    spot = [p for p in pools.values() if p.get("scaleSetPriority") == "Spot"]
    assert spot and all(p["scaleSetEvictionPolicy"] == "Delete" and p["spotMaxPrice"] == -1 for p in spot)
    assert any(p["vmSize"] == "Standard_NC4as_T4_v3" for p in pools.values())  # g4dn.xlarge (T4)
    assert any(p["vmSize"].startswith("Standard_D") and "p" in p["vmSize"].split("_")[1] for p in pools.values())


def test_kubelet_identity_gets_acrpull_on_the_registry(example_up):
    acr = one(example_up, "azure-native:containerregistry:Registry")
    assigns = [r["inputs"] for r in by_type(example_up, "azure-native:authorization:RoleAssignment")]
    pulls = [a for a in assigns if a["roleDefinitionId"].endswith("/" + builtin_roles()["AcrPull"])]
    assert len(pulls) == 1
    assert pulls[0]["principalId"] == "kubelet-object-id"
    assert pulls[0]["scope"] == f"/mock/azure-native:containerregistry:Registry/{acr['name']}"
    assert pulls[0]["principalType"] == "ServicePrincipal"
    assert pulls[0]["roleDefinitionId"].startswith("/subscriptions/00000000-0000-0000-0000-000000000000/providers/")


def test_role_assignment_names_are_deterministic_guids(example_plan, example_up):
    from offline.runner import run_offline

    names = sorted(r["inputs"]["roleAssignmentName"] for r in by_type(example_up, "azure-native:authorization:RoleAssignment"))
    assert names and all(GUID.match(n) for n in names)
    again = run_offline(example_plan, stack="dev", preview=False)
    assert names == sorted(r["inputs"]["roleAssignmentName"] for r in by_type(again, "azure-native:authorization:RoleAssignment"))
    other = run_offline(example_plan, stack="prod", preview=False)
    assert set(names).isdisjoint(r["inputs"]["roleAssignmentName"] for r in by_type(other, "azure-native:authorization:RoleAssignment"))


def test_registry_and_vault_settings(example_up, example_plan):
    acr = one(example_up, "azure-native:containerregistry:Registry")["inputs"]
    assert ACR.match(acr["registryName"]) and acr["adminUserEnabled"] is False
    vault = one(example_up, "azure-native:keyvault:Vault")["inputs"]
    props = vault["properties"]
    assert KEY_VAULT.match(vault["vaultName"])
    assert props["enableRbacAuthorization"] is True and props["enableSoftDelete"] is True
    assert props["enablePurgeProtection"] is True


def test_kms_encryption_uses_the_vault_key(example_up):
    mc = one(example_up, "azure-native:containerservice:ManagedCluster")["inputs"]
    kms = mc["securityProfile"]["azureKeyVaultKms"]
    assert kms["enabled"] is True and kms["keyId"] == "https://mock.vault.azure.net/keys/etcd-kms/1"
    assigns = [r["inputs"] for r in by_type(example_up, "azure-native:authorization:RoleAssignment")]
    crypto = [a for a in assigns if a["roleDefinitionId"].endswith(builtin_roles()["Key Vault Crypto User"])]
    assert crypto and crypto[0]["principalId"] == "control-plane-principal"


def test_diagnostic_settings_send_mapped_categories(example_up, example_plan):
    ds = one(example_up, "azure-native:monitor:DiagnosticSetting")["inputs"]
    assert [log["category"] for log in ds["logs"]] == example_plan.cluster.diagnostic_categories
    assert {"kube-apiserver", "kube-audit", "guard"} <= {log["category"] for log in ds["logs"]}


def test_exports(example_up, example_preview):
    out = example_up.outputs
    assert out["kubeconfig"] == "[secret]"
    assert out["oidcIssuerUrl"].startswith("https://oidc.mock/")
    assert out["acrLoginServer"].endswith(".azurecr.io")
    assert out["keyVaultUri"].startswith("https://kv-")
    assert example_preview.outputs["oidcIssuerUrl"] == "(known after apply)"


def test_every_resource_has_a_component_parent(example_preview):
    components = {(r["type"], r["name"]) for r in example_preview.resources if r["type"].startswith("eks-to-aks:")}
    for r in example_preview.resources:
        if r["type"] in ("eks-to-aks:index:LandingZone", "eks-to-aks:index:Workloads"):
            assert r["parent"] == ""  # the two top-level components sit under the stack
        else:
            assert r["parent"], f"{r['type']} {r['name']} has no parent"
    assert ("eks-to-aks:landing-zone:AksCluster", "cluster") in components


def test_windows_password_is_secret_in_the_plan(example_preview):
    mc = one(example_preview, "azure-native:containerservice:ManagedCluster")["inputs"]
    assert mc["windowsProfile"] == "[secret]"
    assert "offline-plan-placeholder" not in json.dumps(example_preview.resources)
