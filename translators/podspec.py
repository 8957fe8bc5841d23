"""Where pod specs live inside workload kinds, for translators that edit containers, labels or volumes.

``Pod``: ``spec``; ``Deployment``/``StatefulSet``/``DaemonSet``/``ReplicaSet``/``Job``/
``ReplicationController``: ``spec.template.spec``; ``CronJob``: ``spec.jobTemplate.spec.template.spec``.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Iterator

TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}
POD_KINDS = ("Pod", "CronJob", *sorted(TEMPLATE_KINDS))  # every kind :func:`pod_template` finds a template in


def pod_template_path(kind: str) -> tuple | None:
    """Path to the pod *template* (the object holding ``metadata`` and ``spec``), or ``None``.

    For ``Pod`` the object itself is the template: ``()``.
    """
    if kind == "Pod":
        return ()
    if kind in TEMPLATE_KINDS:
        return ("spec", "template")
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template")
    return None


_TEMPLATE_PATHS = {k: p for k in (*POD_KINDS, "") if (p := pod_template_path(k)) is not None}


def get_path(obj: Any, path: tuple) -> Any:
    """Value at ``path`` in nested dicts/lists, or ``None``."""
    for part in path:
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list) and isinstance(part, int) and 0 <= part < len(obj):
            obj = obj[part]
        else:
            return None
    return obj


def pod_template(obj: dict) -> tuple[tuple, dict] | None:
    """``(path, template)`` of the pod template in a manifest dict, or ``None`` for non-workload kinds."""
    kind = obj.get("kind")
    path = _TEMPLATE_PATHS.get(kind) if isinstance(kind, str) else None
    if path is None:
        return None
    tpl: Any = obj
    for part in path:
        tpl = tpl.get(part) if isinstance(tpl, dict) else None
    return (path, tpl) if isinstance(tpl, dict) else None


def containers(obj: dict) -> Iterator[tuple[tuple, dict]]:
    """``(path, container)`` for every container, init container and ephemeral container of a workload."""
    found = pod_template(obj)
    if found is None:
        return
    path, tpl = found
    spec = tpl.get("spec")
    if not isinstance(spec, dict):
        return
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(spec.get(key) or []):
            if isinstance(c, dict):
                yield path + ("spec", key, i), c
