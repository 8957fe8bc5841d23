"""Log Analytics workspace for Container Insights and control-plane diagnostic logs."""
from __future__ import annotations

import pulumi
import pulumi_azure_native.operationalinsights as operationalinsights

RETENTION_DAYS = 30


class Monitoring(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:Monitoring``: one Log Analytics workspace (PerGB2018; retention from
    ``cloudWatch.clusterLogging.logRetentionInDays``, 30 days by default).

    Outputs: ``workspace_id``.
    """

    def __init__(self, name: str, workspace_name: str, resource_group_name: pulumi.Input[str], location: str,
                 retention_days: int = RETENTION_DAYS, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:Monitoring", name, None, opts)
        self.workspace = operationalinsights.Workspace(
            "workspace", workspace_name=workspace_name, resource_group_name=resource_group_name, location=location,
            sku=operationalinsights.WorkspaceSkuArgs(name=operationalinsights.WorkspaceSkuNameEnum.PER_GB2018),
            retention_in_days=retention_days, opts=pulumi.ResourceOptions(parent=self))
        self.workspace_id = self.workspace.id
        self.register_outputs({"workspace_id": self.workspace_id})
