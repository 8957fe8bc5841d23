"""AKS cluster extensions (Microsoft.KubernetesConfiguration): operators the custom resources need, and the
GitOps (Flux) deployment of a private cluster (issue #11).

A private cluster's API server is reachable only from its virtual network, so ``pulumi up`` from outside
cannot create Kubernetes objects. Extensions are ARM resources: the ``microsoft.flux`` extension and a
``FluxConfiguration`` pointing at the Git repository the user commits the ``translate --out`` output to make
the cluster pull its own objects (https://learn.microsoft.com/en-us/azure/azure-arc/kubernetes/tutorial-use-gitops-flux2,
https://learn.microsoft.com/en-us/azure/aks/cluster-extensions).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native.kubernetesconfiguration as kc

from translators.plan import DeployPlan, OperatorPlan

CLUSTER_RP = "Microsoft.ContainerService"
CLUSTER_RESOURCE = "managedClusters"
FLUX_EXTENSION = "microsoft.flux"
SYNC_SECONDS = 300
TIMEOUT_SECONDS = 600


class ClusterExtensions(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:ClusterExtensions``.

    Args:
        operators: the ``aks-extension`` operators of the deploy plan (installed before their objects).
        deploy: the deploy plan; mode ``gitops`` adds the Flux extension and a Flux configuration.
        substitutes: values Flux substitutes for ``${NAME}`` placeholders of the committed manifests
            (``postBuild.substitute``: the tenant and subscription ids).
        depends_on: what every extension waits for (the node pools: extensions run on nodes).

    Attributes: ``extensions`` (extension type → Extension), ``flux_configuration`` (or ``None``).
    """

    def __init__(self, name: str, *, cluster_name: pulumi.Input[str], resource_group_name: pulumi.Input[str],
                 operators: Sequence[OperatorPlan], deploy: DeployPlan,
                 substitutes: Mapping[str, pulumi.Input[str]] | None = None,
                 depends_on: Sequence[pulumi.Resource] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:ClusterExtensions", name, None, opts)
        self.extensions: dict[str, kc.Extension] = {}
        types = [op.extension_type for op in operators if op.provider == "aks-extension"]
        if deploy.mode == "gitops" and FLUX_EXTENSION not in types:
            types.append(FLUX_EXTENSION)
        for ext_type in sorted(set(types)):
            short = ext_type.split(".")[-1]
            self.extensions[ext_type] = kc.Extension(
                short, extension_name=short, extension_type=ext_type, cluster_name=cluster_name,
                cluster_resource_name=CLUSTER_RESOURCE, cluster_rp=CLUSTER_RP,
                resource_group_name=resource_group_name, auto_upgrade_minor_version=True,
                scope=kc.ScopeArgs(cluster=kc.ScopeClusterArgs(release_namespace=f"{short}-system")),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)))
        self.flux_configuration: kc.FluxConfiguration | None = None
        if deploy.mode == "gitops":
            self.flux_configuration = kc.FluxConfiguration(
                "gitops", flux_configuration_name="eks-to-aks", cluster_name=cluster_name,
                cluster_resource_name=CLUSTER_RESOURCE, cluster_rp=CLUSTER_RP,
                resource_group_name=resource_group_name, namespace="flux-system", scope=kc.ScopeType.CLUSTER,
                source_kind=kc.SourceKindType.GIT_REPOSITORY,
                git_repository=kc.GitRepositoryDefinitionArgs(
                    url=deploy.gitops_repository,
                    repository_ref=kc.RepositoryRefDefinitionArgs(branch=deploy.gitops_branch),
                    sync_interval_in_seconds=SYNC_SECONDS, timeout_in_seconds=TIMEOUT_SECONDS),
                kustomizations={"workloads": kc.KustomizationDefinitionArgs(
                    path=deploy.gitops_path, prune=True, sync_interval_in_seconds=SYNC_SECONDS,
                    timeout_in_seconds=TIMEOUT_SECONDS,
                    post_build=kc.PostBuildDefinitionArgs(substitute=dict(substitutes)) if substitutes else None)},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.extensions[FLUX_EXTENSION]]))
        self.register_outputs({"extensions": sorted(self.extensions)})
