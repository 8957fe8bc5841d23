"""Deploy the translated manifests to the new cluster with pulumi-kubernetes.

Each object becomes its own resource with its exact type token
(``kubernetes:<group>/<version>:<Kind>``, core group written ``core/v1``), so every
field is kept and ``pulumi preview`` lists each object. Namespaces and CRDs are
created first; Secrets carry their ``data``/``stringData`` (and any other value field) as Pulumi secrets, and
secret-looking values in plain fields (``translators.checks.plain_secrets``: env, args, ConfigMap data,
annotations) are wrapped with ``pulumi.Output.secret`` one by one, so neither shows plain in the state, a preview
or the offline plan.
Placeholders that translators leave for values known only after ``pulumi up``
(``${IDENTITY_CLIENT_ID:<identity>}``, ``${AZURE_TENANT_ID}``) are filled from outputs.
"""
from __future__ import annotations

import json
import re
from typing import Any
from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

from translators.checks.plain_secrets import secret_paths
from translators.secrets import secret_value_fields
from translators.yamlsource import clone


PLACEHOLDER = re.compile(r"\$\{(IDENTITY_CLIENT_ID:[A-Za-z0-9._-]+|AZURE_TENANT_ID)\}")


def type_token(manifest: Mapping[str, Any]) -> str:
    """``apps/v1`` + ``Deployment`` → ``kubernetes:apps/v1:Deployment``; ``v1`` → ``kubernetes:core/v1:<Kind>``."""
    api = str(manifest["apiVersion"])
    return f"kubernetes:{api if '/' in api else 'core/' + api}:{manifest['kind']}"


def logical_name(manifest: Mapping[str, Any]) -> str:
    """Stable logical name ``<kind>-<namespace>-<name>`` (lowercase; cluster-scoped: ``<kind>-<name>``)."""
    md = manifest.get("metadata") or {}
    parts = [str(manifest["kind"]), str(md.get("namespace") or ""), str(md.get("name") or "")]
    return "-".join(p for p in parts if p).lower()


def fill_placeholders(value: Any, values: Mapping[str, pulumi.Input[str]]) -> pulumi.Input[Any]:
    """``value`` (any JSON value) with every placeholder replaced by its output; ``value`` itself if it has none.

    Raises:
        KeyError: a placeholder has no value (a translator and the identity plan disagree).
    """
    text = json.dumps(value, sort_keys=True)
    names = sorted(set(PLACEHOLDER.findall(text)))
    if not names:
        return value
    outs = [pulumi.Output.from_input(values[n]) for n in names]

    def fill(resolved: list[str]) -> Any:
        out = text
        for n, v in zip(names, resolved):
            out = out.replace("${" + n + "}", str(v))
        return json.loads(out)
    return pulumi.Output.all(*outs).apply(fill)


def _may_hold_placeholders(manifest: Mapping[str, Any]) -> bool:
    """False when no value of ``manifest`` can hold a placeholder (one C-speed scan instead of one per field)."""
    return "${" in json.dumps(manifest)


class KubernetesObject(pulumi.CustomResource):
    """One Kubernetes object of any kind, registered with its exact pulumi-kubernetes type token.

    Every top-level field of the manifest is sent as is (``data``, ``rules``, ``subjects`` included),
    which ``apiextensions.CustomResource`` would drop for core kinds.
    """

    def __init__(self, name: str, props: Mapping[str, pulumi.Input[Any]], token: str,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(token, name, dict(props), opts)


class Workloads(pulumi.ComponentResource):
    """``eks-to-aks:index:Workloads``: every translated object on the AKS cluster.

    Args:
        objects: translated manifests (``WorkloadPlan.objects``), Namespaces and CRDs first.
        kubeconfig: the cluster's user kubeconfig (secret).
        placeholders: values for ``${...}`` placeholders (identity client ids, tenant id).
        batch_size: register the objects in batches of this many, each batch once the previous batch's last
            object is registered (its URN is known). The same resources either way; the offline plan uses it
            because under mocks a registration completes at once, so batches bound how many registrations are
            in flight, and the memory they hold (at 10,000 objects: ~380 MB). ``None`` (a real deployment):
            everything at once, so that no object waits for another one's rollout.
    """

    def __init__(self, name: str, objects: list[dict[str, Any]], kubeconfig: pulumi.Input[str],
                 placeholders: Mapping[str, pulumi.Input[str]], opts: pulumi.ResourceOptions | None = None,
                 batch_size: int | None = None) -> None:
        super().__init__("eks-to-aks:index:Workloads", name, None, opts)
        self.provider = k8s.Provider("aks", kubeconfig=kubeconfig, enable_server_side_apply=True,
                                     opts=pulumi.ResourceOptions(parent=self))
        self.resources: list[KubernetesObject] = []
        self._placeholders = placeholders
        self._namespaces: dict[str, pulumi.Resource] = {}
        self._crds: dict[tuple[str, str], pulumi.Resource] = {}
        # one ResourceOptions per distinct (secret fields, dependencies): Resource copies the options it is given
        self._options: dict[tuple[Any, ...], pulumi.ResourceOptions] = {}
        self._add_batch(objects, 0, batch_size if batch_size and batch_size > 0 else max(1, len(objects)))
        self.register_outputs({"objects": len(objects)})

    def _add_batch(self, objects: list[dict[str, Any]], start: int, size: int) -> None:
        end = min(start + size, len(objects))
        last: KubernetesObject | None = None
        for i in range(start, end):
            last = self._add(objects[i])
        if last is not None and end < len(objects):
            last.urn.apply(lambda _: self._add_batch(objects, end, size))

    def _add(self, manifest: dict[str, Any]) -> KubernetesObject:
        kind, api = manifest.get("kind"), str(manifest.get("apiVersion", ""))
        secret = kind == "Secret" and api == "v1"
        props: Mapping[str, pulumi.Input[Any]] = manifest
        if _may_hold_placeholders(manifest):
            props = {k: fill_placeholders(v, self._placeholders) for k, v in manifest.items()}
        if secret:  # never plain in state, previews or the offline plan
            fields = secret_value_fields(manifest)
            props = {k: pulumi.Output.secret(v) if k in fields else v for k, v in props.items()}
        else:
            props, fields = with_secret_values(props, secret_paths(manifest))
        deps = _dependencies(manifest, self._namespaces, self._crds)
        key = (tuple(fields), *map(id, deps))
        opts = self._options.get(key)
        if opts is None:
            opts = self._options[key] = pulumi.ResourceOptions(
                parent=self, provider=self.provider, depends_on=deps,
                additional_secret_outputs=list(fields) or None)
        res = KubernetesObject(logical_name(manifest), props, type_token(manifest), opts)
        if kind == "Namespace" and api == "v1":
            self._namespaces[str((manifest.get("metadata") or {}).get("name"))] = res
        elif kind == "CustomResourceDefinition":
            spec = manifest.get("spec") or {}
            self._crds[(str(spec.get("group", "")), str((spec.get("names") or {}).get("kind", "")))] = res
        else:
            self.resources.append(res)
        return res


def with_secret_values(props: Mapping[str, pulumi.Input[Any]],
                       paths: list[tuple]) -> tuple[Mapping[str, pulumi.Input[Any]], list[str]]:
    """``(props with the value at each path wrapped in pulumi.Output.secret, top-level fields touched)``.

    ``props`` is not changed: each touched top-level field is copied. A field that is already an Output (its
    placeholders were filled) is made secret as a whole.
    """
    if not paths:
        return props, []
    out = dict(props)
    fields = sorted({str(p[0]) for p in paths})
    for top in fields:
        value = out[top]
        if isinstance(value, pulumi.Output):
            out[top] = pulumi.Output.secret(value)
            continue
        value = out[top] = clone(value)
        for path in (p[1:] for p in paths if p[0] == top):
            holder = value
            for part in path[:-1]:
                holder = holder[part]
            holder[path[-1]] = pulumi.Output.secret(holder[path[-1]])
    return out, fields


BUILTIN_GROUP_SUFFIXES = (".k8s.io",)
BUILTIN_GROUPS = {"", "apps", "batch", "autoscaling", "policy"}


def _dependencies(manifest: Mapping[str, Any], namespaces: Mapping[str, pulumi.Resource],
                  crds: Mapping[tuple[str, str], pulumi.Resource]) -> list[pulumi.Resource]:
    """What an object waits for: its own Namespace, and its CRD when the estate defines it (at most two edges,
    so registration stays linear in the number of objects).

    (Objects arrive Namespaces and CRDs first, so those are already registered.)
    """
    deps: list[pulumi.Resource] = []
    ns = str((manifest.get("metadata") or {}).get("namespace") or "")
    if ns in namespaces:
        deps.append(namespaces[ns])
    api = str(manifest.get("apiVersion", ""))
    group = api.rsplit("/", 1)[0] if "/" in api else ""
    crd = crds.get((group, str(manifest.get("kind", ""))))
    if crd is not None and group not in BUILTIN_GROUPS and not group.endswith(BUILTIN_GROUP_SUFFIXES):
        deps.append(crd)
    return deps
