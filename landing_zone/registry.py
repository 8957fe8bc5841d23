"""Azure Container Registry (replaces ECR) with AcrPull for the kubelet identity."""
from __future__ import annotations

import pulumi
import pulumi_azure_native.containerregistry as containerregistry

from .roles import assign_role


class Registry(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:Registry``: a Premium ACR, admin user disabled.

    Premium gives private endpoints, geo-replication and the retention policies ECR
    lifecycle rules map to. Outputs: ``registry_id``, ``login_server``.
    """

    def __init__(self, name: str, registry_name: str, resource_group_name: pulumi.Input[str], location: str,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:Registry", name, None, opts)
        self.registry = containerregistry.Registry(
            "acr", registry_name=registry_name, resource_group_name=resource_group_name, location=location,
            sku=containerregistry.SkuArgs(name=containerregistry.SkuName.PREMIUM), admin_user_enabled=False,
            opts=pulumi.ResourceOptions(parent=self))
        self.registry_id = self.registry.id
        self.login_server = self.registry.login_server
        self.register_outputs({"registry_id": self.registry_id, "login_server": self.login_server})

    def grant_pull(self, logical_name: str, principal_id: pulumi.Input[str], subscription_id: pulumi.Input[str],
                   name_seed: tuple[str, ...]) -> None:
        """AcrPull on this registry for ``principal_id`` (the AKS kubelet identity)."""
        assign_role(logical_name, role="AcrPull", scope=self.registry_id, principal_id=principal_id,
                    subscription_id=subscription_id, name_seed=name_seed,
                    opts=pulumi.ResourceOptions(parent=self))
