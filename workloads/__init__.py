"""Kubernetes workloads layer: deploys translated manifests with pulumi-kubernetes (next stage, issue #4)."""
