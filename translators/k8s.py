"""Kubernetes manifests as input: loading and the translator contract.

Input paths are files or folders (recursive, ``*.yaml``/``*.yml``/``*.json``);
multi-document files and ``List`` kinds are split into single objects; a folder
holding ``kustomization.yaml`` is rendered with ``kubectl kustomize`` (Helm charts
are taken pre-rendered with ``helm template``). Every object keeps its source
file and line.

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
can edit the same Deployment. A module may also expose
``prepare(objects: list[K8sObject], ctx: WorkloadContext) -> None`` to index the
whole estate first (e.g. which StorageClasses are EFS).
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Callable, Iterable

from .errors import InputError, field_path
from .findings import Finding, Findings, finding
from .yamlsource import SourceDoc, clone, load_documents

OUTCOMES = ("translated", "passthrough", "dropped")
YAML_SUFFIXES = (".yaml", ".yml", ".json")


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
        self.group = api.rsplit("/", 1)[0] if "/" in api else ""
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
        options: config values (``ingress``: approuting|agic|nginx, ``resourceMap``, ...).
        cluster_requests: features a translation needs on the cluster
            (e.g. ``enableUltraSSD``, ``blobCSIDriver``, ``appRouting``); the landing zone honours them.
        tenant_id: Azure tenant id, or a placeholder the Pulumi layer fills from the client config.
        ingress_classes: IngressClass names whose controller is the AWS Load Balancer Controller.
        service_account_identities: which workload identity each ServiceAccount federates with.
    """

    registry_login_server: str = "example.azurecr.io"
    key_vault_name: str = "kv-example"
    location: str = "eastus"
    tenant_id: str = "${AZURE_TENANT_ID}"
    zones: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    cluster_requests: set[str] = field(default_factory=set)
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
    """The whole-estate index a module's ``prepare`` stored under ``ctx.options[key]``.

    When ``prepare`` did not run (a translator called on its own), stores and returns ``empty()``,
    an index marked ``"complete": False`` by convention, so translators can tell they see one object only.
    """
    idx = ctx.options.get(key)
    if not isinstance(idx, dict):
        idx = ctx.options[key] = empty()
    return idx


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


def iter_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted, de-duplicated list of YAML/JSON files.

    Raises:
        InputError: a path does not exist.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in YAML_SUFFIXES)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(str(p), None, "", "no such file or folder")
    seen: set[Path] = set()
    return [f for f in out if not (f in seen or seen.add(f))]


def render_kustomization(folder: Path) -> str:
    """``kubectl kustomize FOLDER`` output.

    Raises:
        InputError: kubectl is not on PATH or the render fails.
    """
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise InputError(str(folder / "kustomization.yaml"), None, "",
                         "a Kustomize folder needs `kubectl kustomize`; install kubectl or pass "
                         "the rendered output (kubectl kustomize DIR > rendered.yaml)")
    res = subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise InputError(str(folder / "kustomization.yaml"), None, "",
                         f"kubectl kustomize failed: {res.stderr.strip()[:500]}")
    return res.stdout


def split_objects(doc: SourceDoc) -> list[K8sObject]:
    """One document → its objects (a ``List`` kind yields its ``items``).

    Raises:
        InputError: the document is not a mapping, or lacks ``apiVersion``/``kind``.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a Kubernetes manifest must be a mapping with apiVersion and kind")
    if data.get("kind") == "List" or (isinstance(data.get("kind"), str) and data["kind"].endswith("List")
                                      and isinstance(data.get("items"), list)):
        if not isinstance(data.get("items") or [], list):
            raise doc.error(("items",), "a List's items must be a list of manifests")
        out = []
        for i, item in enumerate(data.get("items") or []):
            if not isinstance(item, dict):
                raise doc.error(("items", i), "List items must be mappings")
            out.append(_checked(K8sObject(doc, item, ("items", i))))
        return out
    return [_checked(K8sObject(doc, data))]


_METADATA_TYPES = ((("metadata",), dict), (("metadata", "name"), str), (("metadata", "namespace"), str),
                   (("metadata", "labels"), dict), (("metadata", "annotations"), dict))


def _checked(o: K8sObject) -> K8sObject:
    for key in ("apiVersion", "kind"):
        if not isinstance(o.obj.get(key), str) or not o.obj.get(key):
            raise InputError(o.file, o.line(), key, f"missing or not a string (every manifest needs {key})")
    md = o.obj.get("metadata")
    for path, typ in _METADATA_TYPES:
        value = md if len(path) == 1 else md.get(path[1]) if isinstance(md, dict) else None
        if value is not None and not isinstance(value, typ):
            raise InputError(o.file, o.line(*path), field_path(o.base_path + path),
                             f"expected a {'mapping' if typ is dict else 'string'}, got {type(value).__name__}")
    return o


def load_manifests(paths: Iterable[str | Path]) -> list[K8sObject]:
    """Load every object under ``paths`` (see module docstring), in a stable order.

    Every object is validated against its schema (:mod:`translators.input.validate`).

    Raises:
        InputError: unreadable file, YAML error, non-manifest document, failed kustomize render, an object
            that does not fit its schema or has no name.
    """
    from .yamlsource import read_text

    objects: list[K8sObject] = []
    rendered: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            for kfile in sorted(p.rglob("kustomization.y*ml")):
                if not any(parent in rendered for parent in kfile.parents):
                    text = render_kustomization(kfile.parent)
                    rendered.add(kfile.parent)
                    for doc in load_documents(text, f"{kfile.parent}/(kustomize)"):
                        objects += split_objects(doc)
    for f in iter_input_files(paths):
        if any(parent in rendered for parent in f.parents):
            continue
        for doc in load_documents(read_text(f), str(f)):
            objects += split_objects(doc)
    from .input.validate import validate_objects  # schema checks (types, required fields, names)

    validate_objects(objects)
    return objects
