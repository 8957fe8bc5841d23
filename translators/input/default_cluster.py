"""The neutral cluster planned when only manifests are given (no eksctl ClusterConfig).

The bundled example estate is used only when no input at all is given; manifests alone get this
minimal generated ClusterConfig instead (never the example's node groups, service accounts or version):

* one managed node group ``system`` of ``m5.xlarge`` (4 vCPU / 16 GiB, mapped like any EC2 type to a
  general-purpose size that meets AKS's system pool rules), 2 nodes, autoscaling 2-3;
* no ``metadata.version`` (AKS's default version) and no region: the location is ``--location`` /
  ``eks-to-aks:location`` or ``DEFAULT_LOCATION`` (see :func:`translators.estate.translate_estate`).

Its findings are estate-wide (file ``""``): there is no file to point at. Finding INP-011 says the cluster
is a default.
"""
from __future__ import annotations

from translators.input.eksctl import ClusterConfig, validate
from translators.input.yamlsource import load_documents

NAME = "aks-migrated"
SYSTEM_INSTANCE_TYPE = "m5.xlarge"
_TEMPLATE = f"""\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: {NAME}
managedNodeGroups:
  - name: system
    instanceType: {SYSTEM_INSTANCE_TYPE}
    desiredCapacity: 2
    minSize: 2
    maxSize: 3
"""


def default_cluster_config() -> ClusterConfig:
    """A fresh, validated neutral :class:`~translators.input.eksctl.ClusterConfig` (file ``""``).

    Returns a new object on every call (it records which fields the translation read).
    """
    doc = next(iter(load_documents(_TEMPLATE, "")))
    validate(doc)
    return ClusterConfig(doc)
