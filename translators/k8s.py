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

from translators.errors import InputError, field_path
from translators.findings import Finding, Findings, finding
from translators.plan import ImageCopyPlan, Placeholder, SecretMigration
from translators.input.yamlsource import SourceDoc, clone, load_documents

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


def iter_input_files(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Expand files and folders into a sorted, de-duplicated list of YAML/JSON files.

    Folders are walked by :func:`translators.input.files.walk_input_folder`: tool-owned output folders
    and paths under ``exclude`` are skipped.

    Raises:
        InputError: a path does not exist; a subfolder cannot be listed; a broken symbolic link or a
            non-regular ``*.yaml`` entry inside a folder.
    """
    from translators.input.files import walk_input_folder

    out: list[Path] = []
    excluded = [Path(e) for e in exclude]
    for p in map(Path, paths):
        if p.is_dir():
            out += walk_input_folder(p, YAML_SUFFIXES, excluded)
        elif p.exists() or p.is_symlink():
            out.append(p)  # read_text refuses what is not a regular file, naming it
        else:
            raise InputError(str(p), None, "", "no such file or folder")
    seen: set[Path] = set()
    return [f for f in out if not (f in seen or seen.add(f))]


#: Seconds ``kubectl kustomize`` may run (a remote base that never answers); the CLI's
#: ``--kustomize-timeout`` or the ``EKS_TO_AKS_KUSTOMIZE_TIMEOUT`` environment variable changes it.
KUSTOMIZE_TIMEOUT = 60.0


def kustomize_timeout() -> float:
    """The bound on one ``kubectl kustomize`` run, in seconds (environment variable, else the default).

    Raises:
        InputError: ``EKS_TO_AKS_KUSTOMIZE_TIMEOUT`` is not a positive number.
    """
    import os

    raw = os.environ.get("EKS_TO_AKS_KUSTOMIZE_TIMEOUT")
    if raw is None:
        return KUSTOMIZE_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 86_400:
        raise InputError("EKS_TO_AKS_KUSTOMIZE_TIMEOUT", None, "", f"expected seconds (a positive number), got {raw!r}")
    return value


def render_kustomization(folder: Path) -> str:
    """``kubectl kustomize FOLDER`` output, within :func:`kustomize_timeout` seconds (the whole process
    group is killed then: a remote base's ``git`` child cannot keep the pipes open).

    Raises:
        InputError: kubectl is not on PATH, the render fails or times out.
    """
    import contextlib
    import os
    import signal

    kubectl = shutil.which("kubectl")
    where = str(folder / "kustomization.yaml")
    if kubectl is None:
        raise InputError(where, None, "",
                         "a Kustomize folder needs `kubectl kustomize`; install kubectl or pass "
                         "the rendered output (kubectl kustomize DIR > rendered.yaml)")
    limit = kustomize_timeout()
    try:
        proc = subprocess.Popen([kubectl, "kustomize", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    except OSError as exc:
        raise InputError(where, None, "", f"cannot run kubectl: {exc.strerror or exc}") from None
    try:
        stdout, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):  # the group may be gone already
            os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
        proc.wait()
        raise InputError(where, None, "",
                         f"kubectl kustomize did not finish within {limit:g} s (a remote base that does not "
                         "answer?); render it yourself (kubectl kustomize DIR > rendered.yaml) or raise the "
                         "limit with --kustomize-timeout / EKS_TO_AKS_KUSTOMIZE_TIMEOUT") from None
    if proc.returncode != 0:
        raise InputError(where, None, "", f"kubectl kustomize failed: {stderr.strip()[:500]}")
    return stdout


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


def load_manifests(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[K8sObject]:
    """Load every object under ``paths`` (see module docstring), in a stable order; paths under
    ``exclude`` (the run's own output) and tool-owned output folders are not read.

    Every object is validated against its schema (:mod:`translators.input.validate`).

    Raises:
        InputError: unreadable file or folder, YAML error, non-manifest document, failed kustomize render, an
            object that does not fit its schema or has no name (:mod:`translators.input.validate`), two objects
            of the same identity with different content (:func:`translators.input.duplicates.check_duplicates`).
    """
    from translators.input.yamlsource import read_text

    paths = [Path(p) for p in paths]
    files = iter_input_files(paths, exclude)  # first: an unreadable folder is named before any render
    objects: list[K8sObject] = []
    rendered: set[Path] = set()
    folders = [p for p in map(Path, paths) if p.is_dir()]
    kustomizations = {f for f in files if f.name in ("kustomization.yaml", "kustomization.yml")
                      and any(d in f.parents for d in folders)}
    for kfile in sorted(kustomizations):
        if not any(parent in rendered for parent in kfile.parents):
            text = render_kustomization(kfile.parent)
            rendered.add(kfile.parent)
            for doc in load_documents(text, f"{kfile.parent}/(kustomize)"):
                objects += split_objects(doc)
    for f in files:
        if any(parent in rendered for parent in f.parents):
            continue
        for doc in load_documents(read_text(f), str(f)):
            objects += split_objects(doc)
    from translators.input.duplicates import check_duplicates
    from translators.input.validate import validate_objects  # schema checks (types, required fields, names)

    validate_objects(objects)
    check_duplicates(objects)
    return objects
