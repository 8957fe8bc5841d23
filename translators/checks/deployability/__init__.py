"""Whole-estate deployability check: would every translated workload run on the planned cluster?

Runs after the manifests translation, over the :class:`~translators.plan.AksPlan` only (pure: no Pulumi, no
input files). For every pod spec of every emitted object (workload kinds and the pod specs inside well-known
custom resources, located by ``data/podspec_paths.csv``) it checks:

* **scheduling**: the pod's nodeSelector, required node affinity, tolerations and GPU requests against each
  planned AKS pool (labels, taints, architecture, OS, zones, the Spot taint AKS adds) and, with node
  auto-provisioning, each NAP ``NodePool``; AWS-only node labels (``data/node_labels_aws.csv``) are rewritten
  to their AKS equivalent or removed; workloads that selected a Spot group get the Spot toleration;
* **references**: every Namespace, ServiceAccount, Secret, ConfigMap, PVC/PV, StorageClass, IngressClass and
  PriorityClass an object names is in the plan (or built into AKS, or created by an operator object of the
  plan such as an ExternalSecret);
* **storage topology**: pods using zonal disk classes (Premium SSD v2, Ultra) run on zoned pools only;
* **workload identity inside custom resources**: the ``azure.workload.identity/use`` label on their pod specs.

Edits are applied by copying: an edited object is a new dict (only the mappings on the edited path copied),
replacing the old one in ``plan.workloads.objects`` and in its :class:`~translators.workloads.ObjectResult`;
the input manifests are never mutated (see :mod:`translators.k8s`).

The outcome is one :class:`~translators.plan.WorkloadVerdict` per object with a pod spec: ``runs``,
``runs-after-steps`` (the findings on it or on what it references need a human) or ``cannot-run``.

Node labels that eksctl set through bootstrap commands (``--node-labels``) are moved onto the pool's labels by
:func:`move_bootstrap_labels`, which runs before the manifests translation.

The check is split by concern:

* :mod:`~translators.checks.deployability.constants`: the constants the modules share;
* :mod:`~translators.checks.deployability.pods`: the pod-spec path table, :class:`PodView`, :func:`pod_views` and the
  path walkers;
* :mod:`~translators.checks.deployability.scheduling`: pools (:class:`Pool`, :func:`aks_pool`, :func:`nap_pool`) and
  the matching of pods to them (:func:`needs`, :func:`fit_needs`, :func:`fit`);
* :mod:`~translators.checks.deployability.labels`: AWS node label rewriting and :func:`move_bootstrap_labels`;
* :mod:`~translators.checks.deployability.references`: the reference checks;
* :mod:`~translators.checks.deployability.severity`: the severity adjustments for replaced add-ons and non-AWS
  endpoints;
* :mod:`~translators.checks.deployability.check`: :func:`check_deployability` and :func:`apply_deployability`.

This package re-exports their public names.
"""
from __future__ import annotations

from translators.checks.deployability.check import (
    AWS_EVENT_KEYS, DeployabilityResult, apply_deployability, check_deployability)
from translators.checks.deployability.constants import (
    AWS_LABEL_PREFIXES, BUILTIN_INGRESS_CLASSES, BUILTIN_NAMESPACES, BUILTIN_PRIORITY_CLASSES, BUILTIN_STORAGE_CLASSES,
    GPU_RESOURCES, MAX_REASONS, SHAPE_ERRORS, SPOT_LABEL, SPOT_TAINT, SPOT_TOLERATION, USE_LABEL, VERDICTS)
from translators.checks.deployability.labels import aws_node_labels, move_bootstrap_labels
from translators.checks.deployability.pods import PodSpecPath, PodView, pod_views, podspec_paths
from translators.checks.deployability.scheduling import (
    ANY, DYNAMIC_GPU_LABELS, DYNAMIC_LABELS, Needs, Pool, aks_pool, fit, fit_needs, nap_pool, needs, parse_taint)
from translators.checks.deployability.severity import REPLACED_ADDONS, replaced_component

__all__ = [
    "ANY", "AWS_EVENT_KEYS", "AWS_LABEL_PREFIXES", "BUILTIN_INGRESS_CLASSES", "BUILTIN_NAMESPACES",
    "BUILTIN_PRIORITY_CLASSES", "BUILTIN_STORAGE_CLASSES", "DYNAMIC_GPU_LABELS", "DYNAMIC_LABELS", "GPU_RESOURCES",
    "MAX_REASONS", "REPLACED_ADDONS", "SHAPE_ERRORS", "SPOT_LABEL", "SPOT_TAINT", "SPOT_TOLERATION", "USE_LABEL",
    "VERDICTS", "DeployabilityResult", "Needs", "PodSpecPath", "PodView", "Pool", "aks_pool", "apply_deployability",
    "aws_node_labels", "check_deployability", "fit", "fit_needs", "move_bootstrap_labels", "nap_pool", "needs",
    "parse_taint", "pod_views", "podspec_paths", "replaced_component"]
