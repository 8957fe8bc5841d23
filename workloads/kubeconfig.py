"""A non-interactive kubeconfig for an AKS cluster with Microsoft Entra ID and Azure RBAC (pure: no Pulumi).

AKS returns the user kubeconfig of an Entra ID cluster with an ``exec`` credential plugin running
``kubelogin get-token ... --login devicecode`` (or, in the legacy ``azure`` format, an ``auth-provider``): a
device-code prompt that would hang ``pulumi up``. :func:`non_interactive_kubeconfig` rewrites every user to
``kubelogin get-token --login azurecli`` (the Azure CLI session ``pulumi up`` already uses) or, in a pipeline
with workload identity federation (``AZURE_FEDERATED_TOKEN_FILE`` set), ``--login workloadidentity``. Same
result as ``kubelogin convert-kubeconfig -l azurecli`` (https://azure.github.io/kubelogin/cli/convert-kubeconfig.html,
https://learn.microsoft.com/en-us/azure/aks/kubelogin-authentication). kubelogin must be on the PATH.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

#: The AKS AAD server application id (the audience of every AKS Entra ID token; AKS kubelogin docs).
AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"
LOGIN_MODES = ("azurecli", "workloadidentity")


def login_mode(environ: Mapping[str, str]) -> str:
    """``workloadidentity`` when ``AZURE_FEDERATED_TOKEN_FILE`` is set in ``environ`` (a federated pipeline),
    else ``azurecli``."""
    return "workloadidentity" if environ.get("AZURE_FEDERATED_TOKEN_FILE") else "azurecli"


def _server_id(user: Mapping[str, Any]) -> str:
    """The ``--server-id`` of an exec user, or the ``apiserver-id`` of a legacy auth-provider user."""
    args = list((user.get("exec") or {}).get("args") or [])
    for i, a in enumerate(args):
        if a == "--server-id" and i + 1 < len(args):
            return str(args[i + 1])
        if isinstance(a, str) and a.startswith("--server-id="):
            return a.split("=", 1)[1]
    cfg = (user.get("auth-provider") or {}).get("config") or {}
    return str(cfg.get("apiserver-id") or AKS_SERVER_ID)


def non_interactive_kubeconfig(text: str, login: str = "azurecli") -> str:
    """``text`` (a kubeconfig, YAML) with every Entra ID user rewritten to a non-interactive kubelogin exec.

    Users with client certificates or tokens are left as they are; the server id is kept (the AKS one when
    absent). ``""`` (credentials not known yet, as in a preview) gives ``""``.

    Raises:
        ValueError: ``login`` is not one of :data:`LOGIN_MODES`, or ``text`` is not a kubeconfig mapping.
    """
    if login not in LOGIN_MODES:
        raise ValueError(f"kubelogin login mode {login!r}: use one of {', '.join(LOGIN_MODES)}")
    if not text.strip():
        return text
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("users", []), list):
        raise ValueError("not a kubeconfig: expected a mapping with a users list")
    for entry in doc.get("users") or []:
        user = entry.get("user") if isinstance(entry, dict) else None
        if not isinstance(user, dict):
            continue
        exec_ = user.get("exec") if isinstance(user.get("exec"), dict) else None
        legacy = isinstance(user.get("auth-provider"), dict) and user["auth-provider"].get("name") == "azure"
        if not legacy and (exec_ is None or "kubelogin" not in str(exec_.get("command", ""))):
            continue
        server_id = _server_id(user)
        user.pop("auth-provider", None)
        user["exec"] = {"apiVersion": EXEC_API_VERSION, "command": "kubelogin",
                        "args": ["get-token", "--login", login, "--server-id", server_id],
                        "env": None, "provideClusterInfo": False, "interactiveMode": "Never",
                        "installHint": "kubelogin is required: https://azure.github.io/kubelogin/install.html"}
    return yaml.safe_dump(doc, sort_keys=False)
