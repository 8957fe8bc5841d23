"""How the translated objects reach the cluster on the first ``pulumi up``: mode, prerequisites, operators."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Prerequisite:
    """An operator or CRD the estate's custom resources need on AKS (a row of ``data/prerequisites.csv``).

    Attributes:
        group, kind: the API group and kind (``kind`` ``*``: every kind of the group).
        provider: ``aks-addon`` | ``aks-extension`` | ``helm`` | ``none`` | ``estate`` (the CRD is in the estate).
        how: what provides it, in words; doc: its Microsoft Learn page.
        objects: how many objects of the estate need it.
        provided: whether this stack provides it (add-on enabled, extension or chart installed, CRD in the estate).
        operator: name of the :class:`OperatorPlan` that provides it (``""``: none).
    """

    group: str
    kind: str
    provider: str
    how: str
    doc: str
    objects: int = 0
    provided: bool = False
    operator: str = ""


@dataclass
class OperatorPlan:
    """An operator the stack installs before the custom resources that need it.

    ``provider`` ``helm``: a pinned chart (``chart_repo``, ``chart``, ``chart_version``, ``namespace``,
    ``values`` as flat ``key → string``); ``aks-extension``: an AKS cluster extension of ``extension_type``.
    ``groups``: the API groups whose objects wait for it.
    """

    name: str
    provider: str
    chart_repo: str = ""
    chart: str = ""
    chart_version: str = ""
    namespace: str = ""
    values: dict[str, str] = field(default_factory=dict)
    extension_type: str = ""
    groups: list[str] = field(default_factory=list)


@dataclass
class DeployPlan:
    """How the Pulumi layer deploys the translated objects on the first ``pulumi up`` (issue #11).

    Attributes:
        mode: ``provider`` (pulumi-kubernetes, from the deploying machine), ``gitops`` (the AKS Flux extension
            applies ``gitops_path`` of ``gitops_repository``@``gitops_branch``), or ``none`` (not deployed).
        admin_group_object_ids: Entra ID groups made cluster admins (AKS RBAC Cluster Admin, aadProfile).
        prerequisites: operators and CRDs the custom resources need; operators: what the stack installs.
        skipped: ``"<apiVersion>/<kind>/<namespace>/<name>"`` of objects never sent to the API server.
        app_routing_key_vault: an Ingress takes its TLS certificate from Key Vault through app routing.
    """

    mode: str = "provider"
    gitops_repository: str = ""
    gitops_branch: str = "main"
    gitops_path: str = "./"
    admin_group_object_ids: list[str] = field(default_factory=list)
    prerequisites: list[Prerequisite] = field(default_factory=list)
    operators: list[OperatorPlan] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    app_routing_key_vault: bool = False
