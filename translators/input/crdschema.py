"""Validating emitted custom resources against their CRDs' OpenAPI v3 schemas.

Core kinds are checked with ``kubernetes_validate``; the custom resources the translators emit
(``SecretProviderClass``, ``NodePool``, ``AKSNodeClass``, Velero locations and schedules, External Secrets
stores and secrets, ``NginxIngressController``) are checked here against the
``spec.versions[].schema.openAPIV3Schema`` of their upstream CRDs, bundled in ``data/crd_schemas/`` as
``<group>_<version>_<kind>.json`` (sources and trimming in ``data/crd_schemas/README.md``).

An OpenAPI v3 structural schema is turned into a JSON Schema (Draft 2020-12) the way the API server reads it:

* ``nullable: true`` admits ``null``;
* ``x-kubernetes-int-or-string: true`` / ``format: int-or-string`` admit an integer or a string;
* ``additionalProperties`` is *not* implied by OpenAPI, but the API server prunes fields a structural schema
  does not list. A field the schema does not list, under an object whose schema lists ``properties`` (and has
  neither ``additionalProperties`` nor ``x-kubernetes-preserve-unknown-fields``), is reported as an unknown
  field: the API server would silently drop it, which for a translator is a bug;
* ``x-kubernetes-embedded-resource`` admits ``apiVersion``/``kind``/``metadata``;
* ``format: byte`` (base64) and ``format: date-time`` are checked; numeric formats (``int32``, ``int64``) are
  not (the API server does not range-check them either); CEL rules (``x-kubernetes-validations``) are not
  evaluated.

``metadata`` is checked loosely: a mapping with a non-empty string ``name`` (or ``generateName``) and, when
present, string-valued ``labels``/``annotations``.

Pure: no Pulumi, no cluster access.
"""
from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from functools import cache, lru_cache
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import jsonschema
import jsonschema.protocols
import jsonschema.validators

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "crd_schemas"

# Bundled versions whose CRD, at the recorded upstream commit, says ``served: false`` (the API server of a current
# install rejects them; older installs still serve them). See data/crd_schemas/README.md.
NOT_SERVED_UPSTREAM: frozenset[tuple[str, str]] = frozenset({
    ("external-secrets.io/v1beta1", "ExternalSecret"),
    ("external-secrets.io/v1beta1", "SecretStore"),
    ("external-secrets.io/v1beta1", "ClusterSecretStore"),
})

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_INT_OR_STRING = {"anyOf": [{"type": "integer"}, {"type": "string"}]}


def _file_key(path: Path) -> tuple[str, str] | None:
    """``(apiVersion, kind)`` of a schema file named ``<group>_<version>_<kind>.json``."""
    parts = path.stem.split("_")
    if len(parts) != 3 or not all(parts):
        return None
    group, version, kind = parts
    return f"{group}/{version}", kind


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], Path]:
    out: dict[tuple[str, str], Path] = {}
    for p in sorted(SCHEMA_DIR.glob("*.json")):
        key = _file_key(p)
        if key is not None:
            out[key] = p
    return out


def known_kinds() -> list[tuple[str, str]]:
    """Every ``(apiVersion, kind)`` with a bundled schema, sorted."""
    return sorted(_index())


def schema_for(api_version: str, kind: str) -> dict[str, Any] | None:
    """The CRD's ``openAPIV3Schema`` for ``api_version``/``kind`` (a fresh copy), or ``None`` if none is
    bundled (core kinds, unknown CRDs, versions not bundled)."""
    s = _raw_schema(str(api_version), str(kind))
    return copy.deepcopy(s) if s is not None else None


@cache
def _raw_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    path = _index().get((api_version, kind))
    if path is None:
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("type")
    return [t] if isinstance(t, str) else list(t) if isinstance(t, list) else []


def to_json_schema(node: Any, *, root: bool = True) -> Any:
    """The JSON Schema (Draft 2020-12) equivalent of an OpenAPI v3 structural schema (see module docstring)."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(value, dict):
            out[key] = {k: to_json_schema(v, root=False) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not", "additionalItems") and isinstance(value, dict):
            out[key] = to_json_schema(value, root=False)
        elif key in ("anyOf", "allOf", "oneOf") and isinstance(value, list):
            out[key] = [to_json_schema(v, root=False) for v in value]
        elif key in ("description", "default", "example", "x-kubernetes-validations"):
            continue  # documentation / defaulting / CEL: not validated here
        else:
            out[key] = value
    int_or_string = node.get("x-kubernetes-int-or-string") is True or node.get("format") == "int-or-string"
    if int_or_string:
        out.pop("type", None)
        if out.get("format") == "int-or-string":
            out.pop("format")
        if "anyOf" not in out:
            out["anyOf"] = copy.deepcopy(_INT_OR_STRING["anyOf"])
    if node.get("nullable") is True:
        types = _types(out)
        if types and "null" not in types:
            out["type"] = [*types, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if int_or_string:
            out["anyOf"] = [*out["anyOf"], {"type": "null"}]
    if node.get("x-kubernetes-embedded-resource") is True:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    prunes = (isinstance(out.get("properties"), dict) and "additionalProperties" not in out
              and node.get("x-kubernetes-preserve-unknown-fields") is not True)
    if prunes:
        out["additionalProperties"] = False
    if root:
        out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return out


def _is_byte(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(_DATE_TIME.match(value))


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("byte")(_is_byte)
_FORMATS.checks("date-time")(_is_date_time)


@cache
def _validator(api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
    raw = _raw_schema(api_version, kind)
    if raw is None:
        return None
    schema = to_json_schema(raw)
    # every object admits apiVersion/kind/metadata at its root (some CRDs do not list metadata); metadata is
    # checked loosely by _metadata_errors, whatever the CRD says of it
    if isinstance(schema.get("properties"), dict):
        schema["properties"].setdefault("apiVersion", {"type": "string"})
        schema["properties"].setdefault("kind", {"type": "string"})
        schema["properties"]["metadata"] = {}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=_FORMATS)


def json_path(path: Any) -> str:
    """``spec.template.requirements[0].key`` from a jsonschema path (``$`` for the document root)."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(p)):
            out += f".{p}" if out else str(p)
        else:
            out += f"[{json.dumps(str(p))}]"
    return out or "$"


def _unknown_fields(err: jsonschema.ValidationError) -> list[str]:
    inst, schema = err.instance, err.schema
    if not isinstance(inst, dict) or not isinstance(schema, Mapping):  # the schema holds additionalProperties
        return []
    props = schema.get("properties") or {}
    pats = [re.compile(p) for p in (schema.get("patternProperties") or {})]
    extra = [k for k in inst if k not in props and not any(p.search(str(k)) for p in pats)]
    return [f"{json_path([*err.absolute_path, k])}: unknown field (not in the CRD schema; the API server "
            f"would prune it)" for k in extra]


def _messages(err: jsonschema.ValidationError) -> list[str]:
    if err.validator == "additionalProperties" and isinstance(err.schema, Mapping) \
            and err.schema.get("additionalProperties") is False:
        return _unknown_fields(err) or [f"{json_path(err.absolute_path)}: {err.message}"]
    return [f"{json_path(err.absolute_path)}: {err.message}"]


def _metadata_errors(obj: dict[str, Any]) -> list[str]:
    md = obj.get("metadata")
    if not isinstance(md, dict):
        return ["metadata: missing or not a mapping"]
    errors = []
    if not any(isinstance(md.get(k), str) and md.get(k) for k in ("name", "generateName")):
        errors.append("metadata.name: missing or empty")
    for field in ("labels", "annotations"):
        block = md.get(field)
        if block is None:
            continue
        if not isinstance(block, dict):
            errors.append(f"metadata.{field}: must be a mapping of strings")
            continue
        errors += [f"{json_path(['metadata', field, k])}: {v!r} is not a string"
                   for k, v in block.items() if not isinstance(v, str)]
    return errors


def served_upstream(api_version: str, kind: str) -> bool:
    """``False`` when the current upstream CRD no longer serves this bundled version (see
    :data:`NOT_SERVED_UPSTREAM`), else ``True``."""
    return (str(api_version), str(kind)) not in NOT_SERVED_UPSTREAM


def has_schema(obj: dict[str, Any]) -> bool:
    """Whether a schema is bundled for ``obj``'s apiVersion and kind."""
    return _raw_schema(str(obj.get("apiVersion", "")), str(obj.get("kind", ""))) is not None


def validate_custom_resource(obj: dict[str, Any]) -> list[str]:
    """Errors of ``obj`` against its CRD schema, each ``<json path>: <message>``, sorted; ``[]`` when it is
    valid or when no schema is bundled for its apiVersion/kind (see :func:`has_schema`)."""
    if not isinstance(obj, dict):
        return ["$: a manifest must be a mapping"]
    validator = _validator(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    if validator is None:
        return []
    errors = _metadata_errors(obj)
    for err in validator.iter_errors(obj):
        errors += _messages(err)
    return sorted(dict.fromkeys(errors))
