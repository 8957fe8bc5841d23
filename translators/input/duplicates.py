"""Two input objects with the same identity: identical copies are allowed, different ones are an error.

Identity is ``(API group, kind, namespace, name)``: ``apps/v1`` and ``apps/v1beta1`` Deployments of the same
name are one object in a cluster. Before, the first file won silently (finding ``INP-004``); now a
conflicting pair is an :class:`~translators.errors.InputError` naming both ``file:line`` (``INP-004`` stays
for objects the translators themselves emit twice).
"""
from __future__ import annotations

from translators.errors import InputError
from translators.k8s import K8sObject


def identity(o: K8sObject) -> tuple[str, str, str, str]:
    """``(group, kind, namespace or "", name)`` of an input object."""
    return o.group, o.kind, o.namespace or "", o.name


def check_duplicates(objects: list[K8sObject]) -> None:
    """Raise on the first two objects of the same :func:`identity` whose manifests differ.

    Objects without a name (``generateName``) are never duplicates.

    Raises:
        InputError: located at the second object, naming the first one's ``file:line``.
    """
    seen: dict[tuple[str, str, str, str], K8sObject] = {}
    for o in objects:
        if not o.name:
            continue
        key = identity(o)
        first = seen.setdefault(key, o)
        if first is not o and first.obj != o.obj:
            raise InputError(o.file, o.line(), "metadata.name",
                             f"{o.ref()} is also defined at {first.file}:{first.line()} with different content; "
                             "keep one of them (identical copies are allowed)")
