"""The translator contract: the input object (:class:`K8sObject`), what translators know about the target
(:class:`WorkloadContext`) and what they return (:class:`Translation`). Manifests are loaded by
:mod:`translators.input.manifests`.

Translator contract (one small function per concern, kustomize-filter style)::

    def translate_x(obj: K8sObject, ctx: WorkloadContext) -> Translation | None

returns ``None`` when the object is not its concern, otherwise a
:class:`Translation` whose ``outcome`` is ``translated`` (``objects[0]`` is the
AKS form of the input; further objects are new ones), ``passthrough`` (portable,
``objects[0]`` is the input manifest itself, not to be edited: the chain emits
a copy of it) or ``dropped`` (AWS-only, nothing emitted,
at least one finding says why).

Translators are chained per object (``translators.workloads``): each sees the
previous one's ``objects[0]``, so several concerns (registry, identity, storage)
can edit the same Deployment. A concern may also give a
``prepare(objects: list[K8sObject], ctx: WorkloadContext) -> None`` that indexes the
whole estate first (e.g. which StorageClasses are EFS; see :func:`estate_indexer` and
:mod:`translators.concerns`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar
from collections.abc import Callable

from translators.findings import Finding, Findings, finding
from translators.plan import ImageCopyPlan, Placeholder, SecretMigration, api_group
from translators.input.yamlsource import SourceDoc, clone

OUTCOMES = ("translated", "passthrough", "dropped")
#: Namespaces every Kubernetes cluster has (never created, never missing).
BUILTIN_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
#: What code reading a manifest raises when a field has a type or shape it does not expect: reported as an
#: InputError naming the object (translators.workloads, translators.checks.deployability).
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)


@dataclass
class K8sObject:
    """One input object with its origin. ``obj`` is the manifest as a plain dict."""

    doc: SourceDoc
    obj: dict[str, Any]
    base_path: tuple = ()  # path of ``obj`` inside ``doc.data`` (for List items)

    # Read-only views of ``obj``, computed once: translators never edit ``obj`` in place (they edit
    # :meth:`copy`), and the chain wraps every edited manifest in a new K8sObject.
    kind: str = field(init=False, repr=False, compare=False)
    api_version: str = field(init=False, repr=False, compare=False)
    group: str = field(init=False, repr=False, compare=False)  # API group ("" for the core group)
    name: str = field(init=False, repr=False, compare=False)
    namespace: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        obj = self.obj
        self.kind = str(obj.get("kind", ""))
        api = self.api_version = str(obj.get("apiVersion", ""))
        self.group = api_group(api)
        md = self.metadata
        self.name = str(md.get("name", ""))
        ns = md.get("namespace")
        self.namespace = str(ns) if ns is not None else None

    @property
    def metadata(self) -> dict[str, Any]:
        md = self.obj.get("metadata")
        return md if isinstance(md, dict) else {}

    @property
    def file(self) -> str:
        return self.doc.file

    def line(self, *path: Any) -> int:
        """1-based source line of ``path`` inside this object."""
        return self.doc.line_of(*self.base_path, *path)

    def ref(self) -> str:
        """``Kind/namespace/name`` for messages."""
        return f"{self.kind}/{self.namespace + '/' if self.namespace else ''}{self.name}"

    def copy(self) -> dict[str, Any]:
        """A deep copy of the manifest, for translators to edit."""
        return clone(self.obj)

    def edit(self, *path: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(new manifest, mapping at path)`` where only the mappings along ``path`` are copied (a
        missing or non-mapping one becomes ``{}``): for a small edit of a large object. Edit only the
        returned mapping's own keys (replace, do not mutate, the values under it: they are shared
        with the input)."""
        root = dict(self.obj)
        node = root
        for part in path:
            child = node.get(part)
            node[part] = child = dict(child) if isinstance(child, dict) else {}
            node = child
        return root, node


@dataclass
class WorkloadContext:
    """What translators know about the target stack.

    Attributes:
        registry_login_server: the stack's ACR, e.g. ``acrshop1a2b3c4d.azurecr.io``.
        key_vault_name: the stack's Key Vault name.
        location: Azure region; zones: zones the node pools use.
        options: the user's options only (``ingress``: approuting|agic|nginx, ``resourceMap``, ...).
        indexes: whole-estate indexes the concerns' ``prepare`` built, by key (see :func:`estate_indexer`).
        cluster_requests: features a translation needs on the cluster (values of
            :class:`translators.plan.ClusterFeature`); :func:`translators.estate.apply_cluster_requests` handles each.
        image_copy: source image → ACR image, filled by the registry translators.
        secrets_migration: AWS secrets to copy into Key Vault, filled by the secrets translators.
        secret_values: object key (:func:`translators.plan.object_key`) → paths of its secret-looking plain values,
            filled by :mod:`translators.secrets.plain`.
        tenant_id: Azure tenant id, or a placeholder the Pulumi layer fills from the client config.
        ingress_classes: IngressClass names whose controller is the AWS Load Balancer Controller.
        service_account_identities: which workload identity each ServiceAccount federates with.
    """

    registry_login_server: str = "example.azurecr.io"
    key_vault_name: str = "kv-example"
    location: str = "eastus"
    tenant_id: str = field(default_factory=Placeholder.tenant_id)
    zones: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    indexes: dict[str, Any] = field(default_factory=dict)
    cluster_requests: set[str] = field(default_factory=set)
    image_copy: ImageCopyPlan = field(default_factory=dict)
    secrets_migration: list[SecretMigration] = field(default_factory=list)
    secret_values: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    ingress_classes: set[str] = field(default_factory=set)
    # (namespace, service account name) -> workload identity name (a key of the identity plan)
    service_account_identities: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class Translation:
    """The outcome for one input object (see module docstring)."""

    outcome: str
    objects: list[dict[str, Any]] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")


def estate_index(ctx: WorkloadContext, key: str, empty: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The whole-estate index a module's ``prepare`` stored under ``ctx.indexes[key]``.

    When ``prepare`` did not run (a translator called on its own), stores and returns ``empty()``,
    an index marked ``"complete": False`` by convention, so translators can tell they see one object only.
    """
    idx = ctx.indexes.get(key)
    if not isinstance(idx, dict):
        idx = ctx.indexes[key] = empty()
    return idx


def estate_indexer(key: str, build: Callable[[list[K8sObject]], dict[str, Any]], empty: Callable[[], dict[str, Any]]
                   ) -> tuple[Callable[[list[K8sObject], WorkloadContext], None], Callable[[WorkloadContext], dict[str, Any]]]:
    """A concern's ``(prepare, index)`` pair for a whole-estate index kept at ``ctx.indexes[key]``.

    ``prepare(objects, ctx)`` stores ``build(objects)``; ``index(ctx)`` returns it, or ``empty()`` (marked
    ``"complete": False``) when ``prepare`` did not run (a translator called on one object).
    """
    def prepare(objects: list[K8sObject], ctx: WorkloadContext) -> None:
        ctx.indexes[key] = build(objects)

    def index(ctx: WorkloadContext) -> dict[str, Any]:
        return estate_index(ctx, key, empty)

    prepare.__doc__ = f"Store ``{build.__name__}`` of all input objects in ``ctx.indexes[{key!r}]``."
    index.__doc__ = f"The estate index at ``ctx.indexes[{key!r}]`` (see :func:`translators.k8s.estate_indexer`)."
    return prepare, index


def add_finding(findings: Findings, rule_id: str, message: str, obj: K8sObject, *path: Any,
                severity: str | None = None) -> Finding:
    """Append a finding located at ``path`` inside ``obj``."""
    f = finding(rule_id, message, obj.file, obj.line(*path), severity)
    findings.append(f)
    return f


Translator = Callable[[K8sObject, WorkloadContext], "Translation | None"]
_T = TypeVar("_T", bound=Callable[..., Any])


def handles(*kinds: str) -> Callable[[_T], _T]:
    """Declare the only kinds a translator can claim (return a Translation for): the chain
    (:mod:`translators.workloads`) then skips the call for every other kind. A translator without
    the declaration is called for every object. ``tests/test_workloads.py`` checks each declaration
    against every corpus, example and benchmark object.
    """
    def declare(fn: _T) -> _T:
        setattr(fn, "kinds", frozenset(kinds))  # noqa: B010 - an attribute on a function
        return fn
    return declare


def kinds_of(translator: Callable[..., Any]) -> frozenset[str] | None:
    """The kinds declared with :func:`handles`, or ``None`` (any kind)."""
    return getattr(translator, "kinds", None)
