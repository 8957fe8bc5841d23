"""Pod specs inside emitted objects: the pod-spec path table (``data/podspec_paths.csv``), :class:`PodView`,
:func:`pod_views`, and the path walkers and copy-on-write edits the other modules use."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.plan import api_group
from translators.refdata import read_table


# --------------------------------------------------------------------------------------------------
# Data tables
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PodSpecPath:
    """One row of ``data/podspec_paths.csv``: where ``kind`` keeps a pod spec.

    ``path`` is a tuple of keys where ``"[]"`` iterates a list; ``shape`` is ``template`` (metadata + spec) or
    ``spec`` (the pod spec fields at the path); ``labels`` is the labels path inside the view; ``inherit`` the
    path whose scheduling fields are this view's defaults (``()`` for none).
    """

    group: str
    kind: str
    path: tuple[str, ...]
    shape: str
    labels: tuple[str, ...]
    inherit: tuple[str, ...]


def _split(path: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in path.split(".") if path else []:
        if part.endswith("[]"):
            out += [part[:-2], "[]"]
        else:
            out.append(part)
    return tuple(out)


@lru_cache(maxsize=1)
def podspec_paths() -> dict[str, tuple[PodSpecPath, ...]]:
    """``kind`` → its pod spec locations (``data/podspec_paths.csv``)."""
    out: dict[str, list[PodSpecPath]] = {}
    for r in read_table("podspec_paths.csv"):
        out.setdefault(r["kind"], []).append(PodSpecPath(r["group"], r["kind"], _split(r["path"]), r["shape"],
                                                         _split(r["labels"]), _split(r["inherit"])))
    return {k: tuple(v) for k, v in out.items()}


# --------------------------------------------------------------------------------------------------
# Pod views
# --------------------------------------------------------------------------------------------------


@dataclass
class PodView:
    """One pod spec inside an emitted object. ``path`` is where it is; ``spec`` the pod spec fields; ``defaults``
    the inherited scheduling fields (Argo templates, Spark driver/executor); ``labels_path`` the labels' path."""

    path: tuple
    spec: dict[str, Any]
    defaults: dict[str, Any]
    labels_path: tuple
    core: bool  # a Kubernetes workload kind (identity.py already labels these)

    def get(self, key: str) -> Any:
        """Field ``key`` of the pod spec, else the inherited default, else ``None``."""
        v = self.spec.get(key)
        return v if v is not None else self.defaults.get(key)

    def service_account(self) -> str:
        """The ServiceAccount the pods run as (``serviceAccountName``, Spark's ``serviceAccount``, ``default``)."""
        return str(self.get("serviceAccountName") or self.get("serviceAccount") or "default")

    def containers(self) -> list[dict[str, Any]]:
        """Init containers and containers (mappings only)."""
        return [c for key in ("initContainers", "containers") for c in (self.spec.get(key) or [])
                if isinstance(c, dict)]


def _walk(node: Any, path: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if not path:
        yield prefix, node
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _walk(item, rest, prefix + (i,))
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, prefix + (head,))


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def pod_views(obj: dict[str, Any]) -> list[PodView]:
    """Every pod spec of ``obj`` (see ``data/podspec_paths.csv``), ``[]`` for kinds without one."""
    kind = obj.get("kind")
    rows = podspec_paths().get(kind) if isinstance(kind, str) else None
    if not rows:
        return []
    api = str(obj.get("apiVersion", ""))
    group = api_group(api)
    out = []
    for row in rows:
        if row.group != group:
            continue
        for path, node in _walk(obj, row.path):
            if not isinstance(node, dict):
                continue
            if row.shape == "template":
                spec = node.get("spec")
                if not isinstance(spec, dict):
                    continue
                spec_path = path + ("spec",)
            else:
                spec, spec_path = node, path
            defaults = _get(obj, row.inherit) if row.inherit else None
            out.append(PodView(spec_path, spec, defaults if isinstance(defaults, dict) else {},
                               path + row.labels, row.group in ("", "apps", "batch")))
    return out


# --------------------------------------------------------------------------------------------------
# Paths: walking and copy-on-write edits
# --------------------------------------------------------------------------------------------------


def _set_path(obj: dict[str, Any] | list[Any], path: tuple, value: Any) -> dict[str, Any]:
    """A copy of ``obj`` with ``value`` at ``path``: only the containers along the path are copied."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(obj, list):
        out_l = list(obj)
        out_l[head] = _set_path(obj[head], rest, value)
        return out_l  # type: ignore[return-value]
    out = dict(obj) if isinstance(obj, dict) else {}
    child = out.get(head)
    out[head] = _set_path(child if isinstance(child, (dict, list)) else {}, rest, value)
    return out


def _edit_view(obj: dict[str, Any], view: PodView, key: str, value: Any) -> tuple[dict[str, Any], PodView]:
    new = _set_path(obj, view.path + (key,), value)
    spec = _get_list_path(new, view.path)
    return new, PodView(view.path, spec, view.defaults, view.labels_path, view.core)


def _get_list_path(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part] if isinstance(node, list) else node.get(part)
    return node
