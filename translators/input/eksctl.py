"""Reading an eksctl ``ClusterConfig`` (``eksctl.io/v1alpha5``).

The file is parsed with line tracking (:mod:`translators.input.yamlsource`) and
validated against eksctl's own JSON schema (``data/eksctl_schema.json``). Schema
violations raise :class:`~translators.errors.InputError` naming file, line and
field path, e.g. ``cluster.yaml:14 managedNodeGroups[0].minSize: expected
integer, got a string`` (values read are never quoted: they may be secrets).

eksctl's validation code, not only its generated schema, decides what is accepted, so
some schema rules are relaxed where eksctl itself accepts what the schema rejects
(documented in eksctl's docs, validation code and test data):

* ``null`` and ``""`` for a field of an eksctl struct mean "unset" (Go decodes them to the
  zero value / nil pointer; ``eksctl create cluster --dry-run`` prints
  ``securityGroups.withShared: null`` and ``releaseVersion: ""``): such keys are removed
  before validation (:func:`drop_unset`), never inside free-form maps (labels, tags, ...);
* ``metadata.region`` may be absent (eksctl takes it from ``--region`` or the AWS
  profile); the translation reports it and uses the configured location;
* ``remoteNetworkConfig.vpcGatewayID`` may be absent (eksctl's hybrid nodes docs: omit it
  when the connectivity does not use a TGW/VGW, or with a pre-existing VPC);
* ``instancesDistribution.instanceTypes`` may be absent when ``instanceSelector`` is set
  (eksctl's ``validateInstancesDistribution``);
* keys set to eksctl's own defaults (which ``--dry-run`` prints) are read as left out
  (:func:`drop_defaults`), so they raise no "not translated" finding;
* ``taints`` may use the legacy map form ``{key: "value:Effect"}``;
* ``identityProviders[]`` items are a tagged union the schema cannot express.

:class:`ClusterConfig` wraps the parsed document and records which fields the
translators read, so that every field nobody read becomes a finding.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from collections.abc import Iterator, Mapping

import jsonschema

from translators.input.validate import type_name
from translators.errors import InputError, field_path
from translators.refdata import eksctl_schema
from translators.input.yamlsource import SourceDoc, clone, load_file

API_VERSION = "eksctl.io/v1alpha5"
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|<[A-Za-z_][^<>]*>")
_JSON_TYPES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean",
               "array": "list", "object": "mapping"}


class InputErrors(InputError):
    """Several input errors in one document; ``str()`` lists them all, one per line."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.file, first.line, first.field, first.message)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(InputError.__str__(e) for e in self.errors)


class ClusterConfig:
    """A validated eksctl ClusterConfig with read tracking.

    Attributes:
        doc: the source document (file, lines, data).
    """

    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self._read: set[tuple] = set()

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    def get(self, *path: Any, default: Any = None) -> Any:
        """Value at ``path`` (keys and list indexes), marking it as read; ``default`` if absent."""
        node: Any = self.doc.data
        for part in path:
            if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return default
        self._read.add(tuple(path))
        return node

    def mark(self, *path: Any) -> None:
        """Mark ``path`` (and everything below it) as handled without reading it."""
        self._read.add(tuple(path))

    def line(self, *path: Any) -> int:
        """1-based source line of ``path``."""
        return self.doc.line_of(*path)

    def unread(self) -> Iterator[tuple]:
        """Top-most paths with a non-empty value that no translator read or marked."""
        def walk(node: Any, path: tuple) -> Iterator[tuple]:
            if path in self._read:
                return
            if isinstance(node, dict) and node and any(p[: len(path)] == path for p in self._read):
                for k, v in node.items():
                    yield from walk(v, path + (k,))
            elif isinstance(node, list) and node and any(p[: len(path)] == path for p in self._read):
                for i, v in enumerate(node):
                    yield from walk(v, path + (i,))
            elif node not in (None, "", [], {}) and node is not False and path:  # a disabled feature: nothing to say
                yield path
        yield from walk(self.doc.data, ())


def _describe(error: jsonschema.ValidationError) -> tuple[list, str] | None:
    """(path, message) for a schema error, or ``None`` when the error is a documented relaxation."""
    path = list(error.absolute_path)
    inst = error.instance
    v = error.validator
    expected: Any = error.validator_value  # the failed keyword's value in the schema (JSON)
    if v == "required" and path == ["metadata"] and "'region'" in error.message:
        return None
    if v == "required" and path == ["remoteNetworkConfig"] and "'vpcGatewayID'" in error.message:
        return None
    if v == "required" and len(path) == 3 and path[2] == "instancesDistribution" \
            and "'instanceTypes'" in error.message and _has_instance_selector(error.instance, path):
        return None
    if path[:1] == ["identityProviders"] and len(path) > 1:
        return None
    if v == "type" and path and path[-1] == "taints" and isinstance(inst, dict) \
            and all(isinstance(x, str) for x in inst.values()):
        return None
    hint = ""
    if isinstance(inst, str) and _PLACEHOLDER.search(inst):
        hint = " (looks like an unsubstituted template placeholder; render the file first, e.g. with envsubst)"
    if v == "type":
        types: list[str] = expected if isinstance(expected, list) else [expected]  # JSON type names
        names = " or ".join(_JSON_TYPES.get(t, t) for t in types if t != "null")
        if expected == "string" and isinstance(inst, (int, float)) and not isinstance(inst, bool):
            hint = " (YAML read it as a number; quote it)"
        return path, f"expected {names}, got {type_name(inst)}{hint}"
    if v == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}  # the schema holding additionalProperties
        extra = sorted(set(inst) - set(schema.get("properties", {}))) if isinstance(inst, dict) else []
        if extra:
            return path + [extra[0]], (f"unknown field {extra[0]!r} (not in eksctl's schema)"
                                       + (f"; also {', '.join(map(repr, extra[1:]))}" if extra[1:] else ""))
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return path + [missing], "required field is missing"
    if v == "enum":
        allowed = ", ".join(json.dumps(x) for x in expected)
        return path, f"not one of the allowed values {allowed}{hint}"
    if v == "pattern":
        return path, f"does not match {expected!r}{hint}"
    # other constraints: named with their limit, never with the value read (it may be a secret)
    return path, f"does not meet the schema's {v} constraint ({json.dumps(expected, default=str)}){hint}"


_ROOT_DOC: dict[str, Any] = {}  # the document being validated (for relaxations that look at siblings)


def _has_instance_selector(_inst: Any, path: list) -> bool:
    group = _ROOT_DOC.get(path[0]) if isinstance(_ROOT_DOC, dict) else None
    ng = group[path[1]] if isinstance(group, list) and isinstance(path[1], int) and path[1] < len(group) else None
    sel = ng.get("instanceSelector") if isinstance(ng, dict) else None
    return isinstance(sel, dict) and any(v not in (None, "", 0, [], {}) for v in sel.values())


def _resolve(schema: dict[str, Any], node: Any) -> dict[str, Any]:
    """``node`` with ``$ref`` (``#/definitions/X``) and single-branch ``allOf`` followed."""
    for _ in range(20):
        if not isinstance(node, dict):
            return {}
        if "$ref" in node:
            node = schema.get("definitions", {}).get(str(node["$ref"]).rsplit("/", 1)[-1], {})
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        else:
            return node
    return {}


def drop_unset(doc: SourceDoc) -> list[tuple]:
    """Remove keys whose value is ``null`` or ``""`` from every eksctl struct in ``doc.data`` (in place).

    Only properties the schema declares are touched: free-form maps (``labels``, ``tags``,
    ``kubeletExtraConfig``, policy documents) keep their values. Returns the removed paths.
    """
    schema = eksctl_schema()
    removed: list[tuple] = []

    def walk(node: Any, sch: Any, path: tuple) -> None:
        sch = _resolve(schema, sch)
        if isinstance(node, dict) and "properties" in sch:
            props = sch["properties"]
            for key in list(node):
                if key not in props:
                    continue
                if node[key] is None or node[key] == "":
                    del node[key]
                    removed.append(path + (key,))
                else:
                    walk(node[key], props[key], path + (key,))
        elif isinstance(node, list) and isinstance(sch.get("items"), dict):
            for i, item in enumerate(node):
                walk(item, sch["items"], path + (i,))

    walk(doc.data, schema, ())
    return removed


@lru_cache(maxsize=1)
def _defaults() -> tuple[tuple[tuple[str, ...], Any], ...]:
    from translators.refdata import read_table

    return tuple((tuple(r["path"].split(".")), json.loads(r["value"])) for r in read_table("eksctl_dryrun_defaults.csv"))


def drop_defaults(doc: SourceDoc) -> list[tuple]:
    """Remove keys set to the value eksctl fills in by default (``data/eksctl_dryrun_defaults.csv``), in place.

    ``eksctl create cluster --dry-run`` prints every default; to eksctl such a key means the same as the key
    left out, so the translation reads it as left out. A mapping emptied by the removal goes too. The gp3
    IOPS/throughput baselines are kept when the group's ``volumeType`` is not gp3. Returns the removed paths.
    """
    removed: list[tuple] = []

    def walk(node: Any, pattern: tuple[str, ...], value: Any, path: tuple) -> bool:
        """Remove matches under ``node``; True when ``node`` became empty through a removal."""
        head, rest = pattern[0], pattern[1:]
        keys: list[Any]  # of a mapping, or indexes of a list
        if isinstance(node, dict):
            keys = list(node) if head == "*" else [head] if head in node else []
        elif isinstance(node, list) and head == "*":
            keys = list(range(len(node)))
        else:
            return False
        changed = False
        for k in keys:
            child = node[k]
            if not rest:
                if isinstance(node, dict) and type(child) is type(value) and child == value \
                        and not (k in ("volumeIOPS", "volumeThroughput") and node.get("volumeType", "gp3") != "gp3"):
                    del node[k]
                    removed.append(path + (k,))
                    changed = True
            elif walk(child, rest, value, path + (k,)) and isinstance(node, dict):
                del node[k]
                changed = True
        return changed and isinstance(node, dict) and not node

    for pattern, value in _defaults():
        if isinstance(doc.data, dict):
            walk(doc.data, pattern, value, ())
    return removed


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    """eksctl's schema with ``type: [object, null]`` on every struct definition.

    The generated schema leaves struct definitions untyped, so a scalar or list where eksctl
    decodes a struct (``fargateProfiles: [0]``, ``wellKnownPolicies: false``) would pass and
    crash a translator; eksctl's decoder refuses it. ``null`` stays valid (a key whose children
    are all commented out; Go reads it as a nil pointer).
    """
    schema = clone(eksctl_schema())
    for definition in schema.get("definitions", {}).values():
        if "properties" in definition and "type" not in definition:
            definition["type"] = ["object", "null"]
    return schema


def validate(doc: SourceDoc) -> None:
    """Validate a ClusterConfig document against eksctl's schema.

    Raises:
        InputErrors: one entry per schema violation, in document order; for a schema-valid document, one per
            violation of eksctl's value rules (:mod:`translators.input.eksctl_values`).
    """
    validator = jsonschema.Draft7Validator(_schema())
    errors = []
    _ROOT_DOC.clear()
    if isinstance(doc.data, dict):
        _ROOT_DOC.update(doc.data)
    for err in validator.iter_errors(doc.data):
        d = _describe(err)
        if d is not None:
            path, msg = d
            errors.append(InputError(doc.file, doc.line_of(*path), field_path(path), msg))
    if not errors:  # eksctl's own value rules (names, volume sizes, IOPS ranges) on a schema-valid document
        from translators.input.eksctl_values import value_errors

        errors = value_errors(doc)
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.field))
        raise InputErrors(errors)


def load_cluster_config(path: str) -> ClusterConfig:
    """Load and validate the single ClusterConfig in ``path``.

    Raises:
        InputError: unreadable or invalid YAML, no or several ClusterConfig documents,
            wrong apiVersion, schema violations.
    """
    docs = load_file(path)
    configs = [d for d in docs if isinstance(d.data, dict) and d.data.get("kind") == "ClusterConfig"]
    if not configs:
        raise InputError(path, None, "kind", "no document with kind: ClusterConfig found")
    if len(configs) > 1:
        raise InputError(path, configs[1].start_line, "kind",
                         f"{len(configs)} ClusterConfig documents in one file; pass one cluster per file")
    doc = configs[0]
    if doc.data.get("apiVersion") != API_VERSION:
        raise doc.error(("apiVersion",), f"expected {API_VERSION!r}")
    drop_unset(doc)
    validate(doc)
    drop_defaults(doc)
    return ClusterConfig(doc)
