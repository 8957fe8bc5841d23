"""Constants shared by the deployability check's modules: the Spot label, taint and toleration AKS uses, the
workload identity label, GPU resources, the objects AKS builds in, and the check's limits."""
from __future__ import annotations

from translators.k8s import BUILTIN_NAMESPACES as BUILTIN_NAMESPACES  # re-exported: one definition
from translators.k8s import SHAPE_ERRORS as SHAPE_ERRORS  # re-exported: one definition

SPOT_LABEL = "kubernetes.azure.com/scalesetpriority"
SPOT_TAINT = (SPOT_LABEL, "spot", "NoSchedule")
SPOT_TOLERATION = {"key": SPOT_LABEL, "operator": "Equal", "value": "spot", "effect": "NoSchedule"}
USE_LABEL = "azure.workload.identity/use"
GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu")
#: AKS's built-in StorageClasses (https://learn.microsoft.com/azure/aks/concepts-storage#storage-classes).
BUILTIN_STORAGE_CLASSES = frozenset({
    "default", "managed", "managed-csi", "managed-csi-premium", "managed-premium", "azurefile", "azurefile-csi",
    "azurefile-csi-premium", "azurefile-premium", "azureblob-fuse-premium", "azureblob-nfs-premium"})
#: Kubernetes' built-in PriorityClasses (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/).
BUILTIN_PRIORITY_CLASSES = frozenset({"system-cluster-critical", "system-node-critical"})
#: IngressClasses AKS add-ons create: application routing (https://learn.microsoft.com/azure/aks/app-routing)
#: and AGIC (https://learn.microsoft.com/azure/application-gateway/ingress-controller-overview).
BUILTIN_INGRESS_CLASSES = frozenset({"webapprouting.kubernetes.azure.com", "azure-application-gateway"})
#: AWS label prefixes no AKS node carries.
AWS_LABEL_PREFIXES = ("eks.amazonaws.com/", "karpenter.k8s.aws/", "alpha.eksctl.io/", "k8s.amazonaws.com/",
                      "vpc.amazonaws.com/")
MAX_REASONS = 4  # pools whose misfit an SCH-001 message explains
VERDICTS = ("runs", "runs-after-steps", "cannot-run")
