"""Schema validation of every input object before it is translated (pure: never imports Pulumi).

Built-in kinds are checked against the Kubernetes OpenAPI schemas bundled with ``kubernetes-validate``
(its ``v<version>-local`` JSON schemas, non-strict: unknown fields are not errors) for Kubernetes
:data:`SCHEMA_VERSION`. An apiVersion that version no longer serves (``batch/v1beta1`` CronJob,
``policy/v1beta1`` PodDisruptionBudget, ...) is checked against the newest bundled version that still has
it. Custom resources whose CRD schema is bundled in ``data/crd_schemas`` (:mod:`translators.input.crdschema`)
are checked against it; other custom kinds are not validated. Every object needs a non-empty string
``metadata.name`` (the target objects and the Pulumi resources are named after it).

What is checked, per field: the JSON type (``type``, with ``null`` where the schema allows it; an
integer-valued float is an integer, a boolean is never a number), ``required`` fields, the keys of every
mapping being strings (``labels: {1: x}``), Kubernetes quantities (``resources.requests.memory``,
``storage: 10Gi``) against the quantity grammar, and ``x-kubernetes-int-or-string`` / ``nullable`` in CRD
schemas. Not checked: enums, patterns, formats other than quantities, CEL rules, list-map key uniqueness
(the API server checks those; a translator does not misread a manifest because of them).

Speed: each schema is compiled once per ``(apiVersion, kind)`` into nested closures (one per schema node,
``$ref`` compiled once per definition), and a closure visits only the fields the object has, so checking
costs about one function call per field (the 10,000-object benchmark estate: see ``benchmarks/README.md``).
``jsonschema`` (1.9 s on that estate) is used by neither path.

Errors are :class:`~translators.errors.InputError` located at the offending field (``file:line field``);
messages name the expected and the found *type*, never the value (values may be secrets).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from translators.plan import api_group
from translators.errors import InputError, field_path
from translators.k8s import K8sObject

SCHEMA_VERSION = "1.31"
"""Kubernetes minor whose OpenAPI schemas validate built-in kinds: a version every AKS-supported minor of the
calendar in ``data/aks_kubernetes_versions.csv`` can serve the API of (fields added later are unknown
fields, which are not errors), and the one the test suite validates emitted objects against."""
OLDEST_SCHEMA_VERSION = "1.25"  # the oldest schema set kubernetes-validate 1.37 bundles

Check = Callable[[Any], None]

# A Kubernetes quantity (k8s.io/apimachinery/pkg/api/resource: the serialization format of Quantity)
_QUANTITY = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))?")
_QUANTITY_REF = "io.k8s.apimachinery.pkg.api.resource.Quantity"
NOT_REQUIRED: dict[str, frozenset[str]] = {
    f"io.k8s.api.apps.v1.{spec}": frozenset({"selector"})
    for spec in ("DeploymentSpec", "StatefulSetSpec", "DaemonSetSpec", "ReplicaSetSpec")}
"""Required fields not enforced, by definition: Kustomize strategic-merge patches of workloads (taken as
manifests when passed file by file) omit the immutable ``spec.selector``, which no translator reads."""
_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "a boolean", "null": "null"}


class _Invalid(Exception):
    """A field that does not fit its schema; ``path`` is collected innermost first while unwinding."""

    def __init__(self, message: str, *path: Any) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[Any] = list(reversed(path))
        self.key: tuple = ()  # a mapping key the error is about: located at its line, not named in the field


def type_name(value: Any) -> str:
    """``a mapping``/``a list``/``a string``/... for a YAML value (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _is_integer(v: Any) -> bool:
    return (v.__class__ is int) or (v.__class__ is float and v.is_integer())


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: v.__class__ is str,
    "integer": _is_integer,
    "number": lambda v: v.__class__ is int or v.__class__ is float,
    "boolean": lambda v: v.__class__ is bool,
    "null": lambda v: v is None,
    "object": lambda v: v.__class__ is dict,
    "array": lambda v: v.__class__ is list,
}


def _expected(types: Iterable[str]) -> str:
    names = [_TYPE_NAMES[t] for t in types if t != "null"]
    return " or ".join(names) or "null"


def _scalar_check(types: frozenset[str]) -> Check | None:
    """A check accepting a value of any of ``types`` (none of them ``object``/``array``)."""
    if not types or types >= {"string", "integer", "number", "boolean"}:
        return None
    want = _expected(sorted(types))
    tests = [_TYPE_TESTS[t] for t in sorted(types)]
    if len(tests) == 1:
        test = tests[0]

        def check(v: Any) -> None:
            if not test(v):
                raise _Invalid(f"expected {want}, got {type_name(v)}")
        return check

    def check_any(v: Any) -> None:
        for test in tests:
            if test(v):
                return
        raise _Invalid(f"expected {want}, got {type_name(v)}")
    return check_any


def _quantity(v: Any) -> None:
    if v is None or v.__class__ is int or v.__class__ is float:
        return
    if v.__class__ is not str:
        raise _Invalid(f"expected a Kubernetes quantity (a string like 10Gi or 500m, or a number), got {type_name(v)}")
    if _QUANTITY.fullmatch(v) is None:
        raise _Invalid("not a Kubernetes quantity (a number with an optional suffix: 10Gi, 500m, 1.5, 2e3)")


class _Compiler:
    """Compiles one schema family (a kubernetes-validate version, or CRD schemas) into checks."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.refs: dict[str, Check | None] = {}

    def ref(self, name: str) -> Check | None:
        if name == _QUANTITY_REF:
            return _quantity
        if name not in self.refs:
            slot: list[Check | None] = [None]
            self.refs[name] = lambda v: slot[0](v) if slot[0] is not None else None  # recursion while compiling
            node = self.definitions.get(name)
            if isinstance(node, dict) and name in NOT_REQUIRED:
                node = {**node, "required": [r for r in node.get("required") or () if r not in NOT_REQUIRED[name]]}
            slot[0] = self.compile(node) if isinstance(node, dict) else None
            self.refs[name] = slot[0]
        return self.refs[name]

    def compile(self, node: dict[str, Any]) -> Check | None:
        """The check for ``node`` (``None``: anything goes)."""
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self.ref(ref.rsplit("/", 1)[-1])
        alternatives = node.get("oneOf") or node.get("anyOf")
        if node.get("x-kubernetes-int-or-string") is True:
            types = {"integer", "string"}
        elif node.get("type") is None and isinstance(alternatives, list):
            types = set()  # IntOrString, Quantity: the union of the alternatives' types
            for alt in alternatives:
                t = alt.get("type") if isinstance(alt, dict) else None
                if t is None:
                    return None  # an alternative without a type: anything goes
                types |= {t} if isinstance(t, str) else set(t)
        else:
            t = node.get("type")
            types = {t} if isinstance(t, str) else set(t) if isinstance(t, list) else set()
        if node.get("nullable") is True:
            types.add("null")
        if "object" in types or (not types and isinstance(node.get("properties"), dict)):
            props = {k: self.compile(v) for k, v in (node.get("properties") or {}).items() if isinstance(v, dict)}
            addl = node.get("additionalProperties")
            required = tuple(r for r in node.get("required") or () if isinstance(r, str))
            return self._object(types or {"object"}, props, self.compile(addl) if isinstance(addl, dict) else None,
                                required)
        if "array" in types:
            items = node.get("items")
            return self._array(types, self.compile(items) if isinstance(items, dict) else None)
        return _scalar_check(frozenset(types))

    @staticmethod
    def _object(types: set[str], props: dict[str, Check | None], addl: Check | None,
                required: tuple[str, ...]) -> Check:
        null_ok = "null" in types
        want = _expected(sorted(types))
        fields = {k: c for k, c in props.items() if c is not None}
        get = fields.get

        def check(v: Any) -> None:
            if v.__class__ is not dict:
                if v is None and null_ok:
                    return
                raise _Invalid(f"expected {want}, got {type_name(v)}")
            for k, x in v.items():
                if k.__class__ is not str:
                    bad = _Invalid(f"keys must be strings, got {type_name(k)} key (quote it)")
                    bad.key = (k,)
                    raise bad
                c = get(k, addl)
                if c is not None:
                    try:
                        c(x)
                    except _Invalid as e:
                        e.path.append(k)
                        raise
            for r in required:
                if r not in v:
                    raise _Invalid("required field is missing", r)
        return check

    @staticmethod
    def _array(types: set[str], items: Check | None) -> Check:
        null_ok = "null" in types
        want = _expected(sorted(types))

        def check(v: Any) -> None:
            if v.__class__ is not list:
                if v is None and null_ok:
                    return
                raise _Invalid(f"expected {want}, got {type_name(v)}")
            if items is not None:
                for i, x in enumerate(v):
                    try:
                        items(x)
                    except _Invalid as e:
                        e.path.append(i)
                        raise
        return check


@cache
def _schema_root() -> Path:
    """kubernetes-validate's schema folder, found without importing the package (it imports jsonschema)."""
    spec = find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:  # pragma: no cover - a requirement of the project
        raise RuntimeError("kubernetes-validate is not installed (see requirements.txt)")
    return Path(spec.origin).parent / "kubernetes-json-schema"


@cache
def _builtin_compiler(version: str) -> _Compiler | None:
    folder = _schema_root() / f"v{version}.0-local"
    try:
        defs = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _Compiler(defs.get("$defs") or defs.get("definitions") or {})


def _versions() -> list[str]:
    """Schema versions to try, :data:`SCHEMA_VERSION` first, then older ones (newest first)."""
    major, minor = map(int, SCHEMA_VERSION.split("."))
    oldest = int(OLDEST_SCHEMA_VERSION.split(".")[1])
    return [f"{major}.{m}" for m in range(minor, oldest - 1, -1)]


def _file_stem(api_version: str, kind: str) -> str:
    """kubernetes-validate's file name for a kind: ``deployment-apps-v1``, ``ingress-networking-v1``, ``pod-v1``."""
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{api}"


_checks: dict[tuple[str, str], Check] = {}


def _builtin_check(api_version: str, kind: str) -> Check | None:
    group = api_group(api_version)
    if "." in group and not group.endswith(".k8s.io"):
        return None  # a custom resource's group
    for version in _versions():
        path = _schema_root() / f"v{version}.0-local" / f"{_file_stem(api_version, kind)}.json"
        if not path.is_file():
            continue
        compiler = _builtin_compiler(version)
        if compiler is None:
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        gvk = schema.get("x-kubernetes-group-version-kind") or []
        if not any(f"{g['group']}/{g['version']}".lstrip("/") == api_version and g.get("kind") == kind
                   for g in gvk if isinstance(g, dict)):
            continue  # the file name maps several groups to one stem (e.g. a CRD group sharing a prefix)
        props = {k: v for k, v in (schema.get("properties") or {}).items() if k not in ("apiVersion", "kind")}
        return compiler.compile({**schema, "properties": props})
    return None


def _crd_check(api_version: str, kind: str) -> Check | None:
    from translators.input.crdschema import _raw_schema  # the bundled CRD schemas, parsed once

    raw = _raw_schema(api_version, kind)
    if raw is None:
        return None
    props = {k: v for k, v in (raw.get("properties") or {}).items() if k not in ("apiVersion", "kind", "metadata")}
    return _Compiler({}).compile({**raw, "properties": props})


def check_for(api_version: str, kind: str) -> Check:
    """The compiled check for an apiVersion/kind (cached): its built-in schema, else its bundled CRD schema plus
    ``metadata`` against ObjectMeta, else ``metadata`` alone (an unknown kind)."""
    key = (api_version, kind)
    check = _checks.get(key)
    if check is None:
        check = _checks[key] = _builtin_check(api_version, kind) or _with_metadata(_crd_check(api_version, kind))
    return check


def has_schema(api_version: str, kind: str) -> bool:
    """Whether a built-in or bundled CRD schema checks more than the metadata of this apiVersion/kind."""
    return _builtin_check(api_version, kind) is not None or _crd_check(api_version, kind) is not None


def _with_metadata(check: Check | None) -> Check:
    compiler = _builtin_compiler(SCHEMA_VERSION)
    md = compiler.ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") if compiler else None

    def checked(obj: Any) -> None:
        if md is not None:
            try:
                md(obj.get("metadata"))
            except _Invalid as e:
                e.path.append("metadata")
                raise
        if check is not None:
            check(obj)
    return checked


def _schema_name(o: K8sObject) -> str:
    return f"{o.api_version} {o.kind}" if has_schema(o.api_version, o.kind) else f"Kubernetes {SCHEMA_VERSION} ObjectMeta"


def validate_object(o: K8sObject) -> None:
    """Check one object (see module docstring).

    Raises:
        InputError: at the first field that does not fit the schema, or a missing/empty ``metadata.name``.
    """
    obj = o.obj
    try:
        check_for(o.api_version, o.kind)(obj)
    except _Invalid as e:
        path = tuple(reversed(e.path))
        raise InputError(o.file, o.line(*path, *e.key), field_path(o.base_path + path),
                         f"{e.message} ({_schema_name(o)} schema)") from None
    md = obj.get("metadata")
    name = md.get("name") if isinstance(md, dict) else None
    if not isinstance(name, str) or not name.strip():
        at = ("metadata", "name") if isinstance(md, dict) and "name" in md else ("metadata",)
        raise InputError(o.file, o.line(*at), field_path(o.base_path + ("metadata", "name")),
                         f"missing or empty (every {o.kind} needs a name)")


def validate_objects(objects: Iterable[K8sObject]) -> None:
    """:func:`validate_object` for each object, in input order (the first error is raised)."""
    for o in objects:
        validate_object(o)
