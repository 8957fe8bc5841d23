"""The provider's kubeconfig never prompts: AKS's Entra ID exec user rewritten to kubelogin azurecli / workload
identity (workloads/kubeconfig.py)."""
from __future__ import annotations

import pytest
import yaml

from workloads.kubeconfig import AKS_SERVER_ID, login_mode, non_interactive_kubeconfig

# What `az aks get-credentials` / listClusterUserCredentials(format=exec) returns for an Entra ID cluster.
AKS_EXEC_KUBECONFIG = """\
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    server: https://shop-prod-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443
  name: shop-prod
contexts:
- context:
    cluster: shop-prod
    user: clusterUser_rg-shop-prod_shop-prod
  name: shop-prod
current-context: shop-prod
kind: Config
preferences: {}
users:
- name: clusterUser_rg-shop-prod_shop-prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - 6dae42f8-4368-4678-94ff-3960e28e3630
      - --client-id
      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
      - --tenant-id
      - 72f988bf-86f1-41af-91ab-2d7cd011db47
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: |2

        kubelogin is not installed which is required to connect to AAD enabled cluster.
      provideClusterInfo: false
"""

LEGACY_AZURE_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://c.hcp.eastus.azmk8s.io:443"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
users:
- name: u
  user:
    auth-provider:
      name: azure
      config:
        apiserver-id: 11111111-2222-3333-4444-555555555555
        client-id: 80faf920-1908-4b52-b5ef-a8e7bedfc67a
        config-mode: "1"
        environment: AzurePublicCloud
        tenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47
- name: cert-user
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
"""


def _users(text: str) -> dict[str, dict]:
    return {u["name"]: u["user"] for u in yaml.safe_load(text)["users"]}


def test_device_code_becomes_azure_cli_and_keeps_the_server_id():
    out = _users(non_interactive_kubeconfig(AKS_EXEC_KUBECONFIG))["clusterUser_rg-shop-prod_shop-prod"]["exec"]
    assert out["command"] == "kubelogin"
    assert out["args"] == ["get-token", "--login", "azurecli", "--server-id", AKS_SERVER_ID]
    assert "devicecode" not in out["args"] and out["interactiveMode"] == "Never"
    assert out["apiVersion"] == "client.authentication.k8s.io/v1beta1"


def test_clusters_and_contexts_are_kept():
    before, after = yaml.safe_load(AKS_EXEC_KUBECONFIG), yaml.safe_load(non_interactive_kubeconfig(AKS_EXEC_KUBECONFIG))
    assert after["clusters"] == before["clusters"] and after["contexts"] == before["contexts"]
    assert after["current-context"] == "shop-prod"


def test_workload_identity_in_a_federated_pipeline():
    mode = login_mode({"AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token"})
    assert mode == "workloadidentity" and login_mode({}) == "azurecli"
    out = _users(non_interactive_kubeconfig(AKS_EXEC_KUBECONFIG, mode))["clusterUser_rg-shop-prod_shop-prod"]
    assert out["exec"]["args"][:3] == ["get-token", "--login", "workloadidentity"]


def test_legacy_azure_auth_provider_becomes_exec_with_its_apiserver_id():
    users = _users(non_interactive_kubeconfig(LEGACY_AZURE_KUBECONFIG))
    assert "auth-provider" not in users["u"]
    assert users["u"]["exec"]["args"] == ["get-token", "--login", "azurecli", "--server-id",
                                          "11111111-2222-3333-4444-555555555555"]
    assert users["cert-user"] == {"client-certificate-data": "Y2VydA==", "client-key-data": "a2V5"}


def test_unknown_credentials_and_bad_input():
    assert non_interactive_kubeconfig("") == ""
    with pytest.raises(ValueError, match="login mode"):
        non_interactive_kubeconfig(AKS_EXEC_KUBECONFIG, "devicecode")
    with pytest.raises(ValueError, match="not a kubeconfig"):
        non_interactive_kubeconfig("- just\n- a list\n")
