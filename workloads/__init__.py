"""Deploy the translated manifests to the new cluster with pulumi-kubernetes.

Each object becomes its own resource with its exact type token
(``kubernetes:<group>/<version>:<Kind>``, core group written ``core/v1``), so every
field is kept and ``pulumi preview`` lists each object. Namespaces and CRDs are
created first; Secrets carry their ``data``/``stringData`` (and any other value field) as Pulumi secrets, and
secret-looking values in plain fields (``translators.secrets.plain``: env, args, ConfigMap data,
annotations) are wrapped with ``pulumi.Output.secret`` one by one, so neither shows plain in the state, a preview
or the offline plan.
Placeholders that translators leave for values known only after ``pulumi up``
(``${IDENTITY_CLIENT_ID:<identity>}``, ``${AZURE_TENANT_ID}``, subscription ids) are filled from outputs.
Objects wait for what the first ``pulumi up`` needs before them (cluster admin grant, image copies, Key Vault
secrets: through the provider's dependencies) and custom resources for their operator (Helm release or AKS
cluster extension).
"""
from __future__ import annotations

import copy
import json
from typing import Any
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_kubernetes as k8s

from translators.plan import OperatorPlan, Placeholder, api_group, map_strings, object_key

#: The placeholders this layer fills (identity client ids, tenant, subscription).
PLACEHOLDER = Placeholder.FILLED_BY_STACK


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
    """``value`` (any JSON value) with every placeholder replaced by its output, leaf by leaf.

    Dicts and lists are rebuilt with plain values; only a string holding a placeholder becomes an Output
    (so in a preview only that string is unknown: the object's name, namespace and other fields stay
    known). Values without placeholders are returned as they are (the same object).

    Raises:
        KeyError: a placeholder has no value (a translator and the identity plan disagree).
    """
    def fill_string(value: str) -> pulumi.Input[str]:
        names = sorted(set(PLACEHOLDER.findall(value)))
        if not names:
            return value
        outs = [pulumi.Output.from_input(values[n]) for n in names]

        def fill(resolved: list[Any], text: str = value) -> str:
            for n, v in zip(names, resolved):
                text = text.replace("${" + n + "}", str(v))
            return text
        return pulumi.Output.all(*outs).apply(fill)
    return map_strings(value, fill_string)


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
        operators: Helm-installed operators (``DeployPlan.operators`` of provider ``helm``): each is a
            ``helm.v3.Release`` of its pinned chart, and the objects of its API groups depend on it.
        group_dependencies: API group → resource its objects wait for (an AKS cluster extension).
        prerequisites: resources every object waits for (cluster admin grant, image imports, Key Vault secrets):
            the Kubernetes provider depends on them, and every object uses the provider.
        secret_values: object key → paths of the values deployed as Pulumi secrets (``WorkloadPlan.secret_values``:
            a Secret's value fields, secret-looking plain values): never plain in state, previews or the offline plan.
        batch_size: register the objects in batches of this many, each batch once the previous batch's last
            object is registered (its URN is known). The same resources either way; the offline plan uses it
            because under mocks a registration completes at once, so batches bound how many registrations are
            in flight, and the memory they hold (at 10,000 objects: ~380 MB). ``None`` (a real deployment):
            everything at once, so that no object waits for another one's rollout.
    """

    def __init__(self, name: str, objects: list[dict[str, Any]], kubeconfig: pulumi.Input[str],
                 placeholders: Mapping[str, pulumi.Input[str]], opts: pulumi.ResourceOptions | None = None,
                 batch_size: int | None = None, operators: Sequence[OperatorPlan] = (),
                 group_dependencies: Mapping[str, pulumi.Resource] | None = None,
                 prerequisites: Sequence[pulumi.Resource] = (),
                 secret_values: Mapping[str, Sequence[tuple[Any, ...]]] | None = None) -> None:
        super().__init__("eks-to-aks:index:Workloads", name, None, opts)
        self.provider = k8s.Provider("aks", kubeconfig=kubeconfig, enable_server_side_apply=True,
                                     opts=pulumi.ResourceOptions(parent=self, depends_on=list(prerequisites)))
        self.groups: dict[str, pulumi.Resource] = dict(group_dependencies or {})
        self.releases: list[k8s.helm.v3.Release] = []
        self._operators = {g: op for op in operators for g in op.groups}  # installed at their first object
        self.resources: list[KubernetesObject] = []
        self._placeholders = placeholders
        self._secret_values = secret_values or {}
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

    def _install(self, op: OperatorPlan) -> None:
        """A ``helm.v3.Release`` of ``op``'s pinned chart, in its namespace (the estate's Namespace object when
        there is one: Namespaces are registered first), before the objects of its groups."""
        ns = self._namespaces.get(op.namespace)
        release = k8s.helm.v3.Release(
            f"operator-{op.name}", name=op.name, chart=op.chart, version=op.chart_version,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=op.chart_repo), namespace=op.namespace,
            create_namespace=ns is None, values=helm_values(op.values), atomic=True,
            opts=pulumi.ResourceOptions(parent=self, provider=self.provider, depends_on=[ns] if ns else None))
        self.releases.append(release)
        self.groups.update({g: release for g in op.groups})

    def _add(self, manifest: dict[str, Any]) -> KubernetesObject:
        kind, api = manifest.get("kind"), str(manifest.get("apiVersion", ""))
        props: Mapping[str, pulumi.Input[Any]] = manifest
        if _may_hold_placeholders(manifest):
            props = {k: fill_placeholders(v, self._placeholders) for k, v in manifest.items()}
        paths = self._secret_values.get(object_key(manifest)) if self._secret_values else None
        props, fields = with_secret_values(props, list(paths or ()))
        group = api_group(api)
        if group in self._operators and group not in self.groups:
            self._install(self._operators[group])
        deps = _dependencies(manifest, self._namespaces, self._crds, self.groups)
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
                       paths: list[tuple[Any, ...]]) -> tuple[Mapping[str, pulumi.Input[Any]], list[str]]:
    """``(props with the value at each path wrapped in pulumi.Output.secret, top-level fields touched)``.

    A one-element path (``("data",)``) makes the whole field secret. ``props`` is not changed: each touched
    top-level field is copied. A field that is already an Output (its placeholders were filled) is made secret as
    a whole.
    """
    if not paths:
        return props, []
    out = dict(props)
    fields = sorted({str(p[0]) for p in paths if p and p[0] in out})
    for top in fields:
        value = out[top]
        inner = [p[1:] for p in paths if p[0] == top]
        if isinstance(value, pulumi.Output) or any(not p for p in inner):
            out[top] = pulumi.Output.secret(value)
            continue
        plain: Any = copy.deepcopy(value)  # JSON-like data of the plan (no Output: checked above)
        out[top] = plain
        for path in inner:
            holder = plain
            for part in path[:-1]:
                holder = holder[part]
            holder[path[-1]] = pulumi.Output.secret(holder[path[-1]])
    return out, fields


BUILTIN_GROUP_SUFFIXES = (".k8s.io",)
BUILTIN_GROUPS = {"", "apps", "batch", "autoscaling", "policy"}


def helm_values(flat: Mapping[str, str]) -> dict[str, Any]:
    """``{"crds.enabled": "true"}`` → ``{"crds": {"enabled": True}}`` (dotted keys nested; ``true``/``false``
    become booleans, other values stay strings)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = {"true": True, "false": False}.get(value, value)
    return out


def _dependencies(manifest: Mapping[str, Any], namespaces: Mapping[str, pulumi.Resource],
                  crds: Mapping[tuple[str, str], pulumi.Resource],
                  groups: Mapping[str, pulumi.Resource] | None = None) -> list[pulumi.Resource]:
    """What an object waits for: its own Namespace, its CRD when the estate defines it, else the operator of its
    API group (at most two edges, so registration stays linear in the number of objects).

    (Objects arrive Namespaces and CRDs first, so those are already registered.)
    """
    deps: list[pulumi.Resource] = []
    ns = str((manifest.get("metadata") or {}).get("namespace") or "")
    if ns in namespaces:
        deps.append(namespaces[ns])
    api = str(manifest.get("apiVersion", ""))
    group = api_group(api)
    crd = crds.get((group, str(manifest.get("kind", ""))))
    if crd is not None and group not in BUILTIN_GROUPS and not group.endswith(BUILTIN_GROUP_SUFFIXES):
        deps.append(crd)
    elif groups and group in groups:
        deps.append(groups[group])
    return deps
