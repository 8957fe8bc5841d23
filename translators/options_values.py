"""Option values: validation and conversion of one raw value to its option's type (:func:`parse_value`), the
known Azure regions (:func:`azure_locations`) and :class:`OptionError`.

Pure (no Pulumi import). :mod:`translators.options` (the schema and the sources of values) re-exports these names;
a bad value raises :class:`OptionError` naming the option as the user wrote it, never quoting a secret.
"""
from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from translators.errors import InputError

if TYPE_CHECKING:
    from translators.options import Option

TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


class OptionError(InputError):
    """An option value that cannot be used; ``file`` names the option (``--flag`` or ``eks-to-aks:<key>``)."""

    def __init__(self, option: str, message: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(file or option, line, "", message if file is None else f"{option}: {message}")
        self.option = option


@lru_cache(maxsize=1)
def azure_locations() -> frozenset[str]:
    """Known Azure region names: ``data/azure_locations.csv`` (``az account list-locations``, physical
    regions) plus every Azure region of ``data/aws_to_azure_region_map.csv``."""
    from translators.refdata import read_table

    names = {r["name"] for r in read_table("azure_locations.csv")}
    for r in read_table("aws_to_azure_region_map.csv"):
        names.update(r[c] for c in ("azure_region_recommended", "azure_paired_region", "nearest_by_distance",
                                    "second_nearest") if r.get(c))
    return frozenset(names)


# --- validation ------------------------------------------------------------------------------------

def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number",
            str: "a string"}.get(type(value), type(value).__name__)


def _shown(opt: Option, value: Any) -> str:
    """``value`` for an error message (never a secret's)."""
    if opt.secret:
        return _kind(value)
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _read_json_file(opt: Option, label: str, path: str) -> Any:
    from translators.input.yamlsource import read_text

    try:
        text = read_text(path)
    except InputError as err:
        raise OptionError(label, err.message, file=path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise OptionError(label, f"not valid JSON: {exc.msg} (column {exc.colno})", file=path,
                          line=exc.lineno) from None


def _json_object(opt: Option, label: str, raw: Any) -> dict[str, Any]:
    value = raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("@"):
            value = _read_json_file(opt, label, text[1:])
        else:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                hint = "" if opt.secret else " (inline JSON, or @FILE for a JSON file)"
                raise OptionError(label, f"expected a JSON object{hint}: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise OptionError(label, f"expected a JSON object, got {_shown(opt, value)}")
    for k, v in value.items():
        if opt.keys and k not in opt.keys:
            raise OptionError(label, f"unknown key {k!r}; known: {', '.join(opt.keys)}")
        expected = {"str": (str, "a string"), "scalar": ((str, bool, int, float), "a string, number or boolean"),
                    "object": (dict, "a JSON object")}.get(opt.values)
        if expected is not None and not isinstance(v, expected[0]):
            raise OptionError(label, f"[{json.dumps(k)}]: expected {expected[1]}, got {_shown(opt, v)}")
    return dict(value)


def parse_value(opt: Option, raw: Any, label: str | None = None) -> Any:
    """Validate and convert one raw value (a string from config or the command line, or an already parsed
    JSON value) to the option's type; ``None`` when unset (``None`` or empty).

    Types: ``bool`` (true/false/yes/no/1/0), ``int``, ``enum`` (case-insensitive, returns the choice),
    ``location`` (a known Azure region; ``West Europe`` → ``westeurope``), ``str`` (with ``pattern``),
    ``path``, ``paths`` (list, or comma-separated string), ``json-object`` (object, JSON text or ``@FILE``),
    ``json-file`` (path → parsed JSON), ``secret``, ``secret-json-object``.

    Raises:
        OptionError: the value does not fit; names ``label`` (default ``eks-to-aks:<key>``).
    """
    label = label or opt.config_key
    if raw is None or (isinstance(raw, str) and not raw.strip() and opt.type != "bool") or raw == [] or raw == {}:
        return None
    t = opt.type
    if t == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise OptionError(label, f"expected true or false, got {_shown(opt, raw)}")
    if t == "int":
        try:
            return int(str(raw).strip())
        except ValueError:
            raise OptionError(label, f"expected an integer, got {_shown(opt, raw)}") from None
    if t in ("json-object", "secret-json-object"):
        return _json_object(opt, label, raw)
    if t == "paths":
        if isinstance(raw, str) and raw.strip().startswith("["):  # `pulumi config set --path 'manifests[0]' ...`
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise OptionError(label, f"expected a JSON list or comma-separated paths: {exc.msg}") from None
            if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
                raise OptionError(label, "expected a list of paths")
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return [str(p).strip() for p in items if str(p).strip()] or None
    if not isinstance(raw, str):
        raise OptionError(label, f"expected a string, got {_shown(opt, raw)}")
    text = raw.strip()
    if t == "enum":
        low = text.lower()
        if low not in opt.choices:
            raise OptionError(label, f"expected one of {', '.join(opt.choices)}, got {text!r}")
        return low
    if t == "location":
        name = re.sub(r"\s+", "", text).lower()
        known = azure_locations()
        if name not in known:
            near = difflib.get_close_matches(name, sorted(known), n=3)
            raise OptionError(label, f"unknown Azure region {text!r}" +
                              (f" (did you mean {', '.join(near)}?)" if near else
                               " (expected a region name such as westeurope; `az account list-locations -o table`)"))
        return name
    if t == "json-file":
        return _read_json_file(opt, label, text)
    if t == "str" and opt.pattern and not re.match(opt.pattern, text):
        raise OptionError(label, f"expected {opt.pattern_help or 'a value matching ' + opt.pattern}, got {text!r}")
    return raw if t == "secret" else text
