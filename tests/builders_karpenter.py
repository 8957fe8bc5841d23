"""Karpenter builders shared by the test_karpenter* modules: NodePool requirement dicts and the common Azure SKU
keys and architecture requirements."""
from __future__ import annotations

SF, SV = "karpenter.azure.com/sku-family", "karpenter.azure.com/sku-version"
AMD, ARM = {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}, \
    {"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}


def req(key, op, *values, **extra):
    """A node selector requirement: ``key`` ``op`` ``values`` (no values key when none) plus ``extra``."""
    return {"key": key, "operator": op, **({"values": list(values)} if values else {}), **extra}
