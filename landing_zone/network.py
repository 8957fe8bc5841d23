"""VNet and node subnet (the VPC's address space, Azure CNI Overlay for pods)."""
from __future__ import annotations

import pulumi
import pulumi_azure_native.network as network

from translators.plan import NetworkPlan


class Network(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:Network``: a VNet with one node subnet.

    Outputs: ``vnet_id``, ``node_subnet_id``.
    """

    def __init__(self, name: str, plan: NetworkPlan, resource_group_name: pulumi.Input[str], location: str,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vnet = network.VirtualNetwork(
            "vnet", resource_group_name=resource_group_name, location=location,
            address_space=network.AddressSpaceArgs(address_prefixes=[plan.vnet_cidr]),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["subnets"]))
        self.node_subnet = network.Subnet(
            "nodes", resource_group_name=resource_group_name, virtual_network_name=self.vnet.name,
            subnet_name="nodes", address_prefix=plan.node_subnet_cidr, opts=child)
        self.vnet_id = self.vnet.id
        self.node_subnet_id = self.node_subnet.id
        self.register_outputs({"vnet_id": self.vnet_id, "node_subnet_id": self.node_subnet_id})
