"""One schema for every option: the CLI flags, the Pulumi config keys, ``Pulumi.yaml`` and the README table.

The schema is ``data/options.yaml`` (key, type, default, help, CLI flag, commands, target). This module
(pure, no Pulumi import):

* :func:`add_arguments` adds an option's flags to a subcommand's ``argparse`` parser;
* :func:`values_from_args` / :func:`values_from_config` read the raw values (argparse results, or a
  ``get(key) -> str | None`` accessor such as ``pulumi.Config("eks-to-aks").get``), validate and convert them
  (:func:`parse_value`, from :mod:`translators.options_values`, which this module re-exports);
* :func:`translate_options` turns the values into a :class:`~translators.estate.TranslateOptions`;
* :func:`pulumi_config_section` and :func:`readme_table` render the generated documentation
  (``tools/gen_options.py`` writes them into ``Pulumi.yaml`` and ``README.md``).

A bad value raises :class:`OptionError` (an :class:`~translators.errors.InputError`) naming the option as the
user wrote it (``--vm-size-override`` on the command line, ``eks-to-aks:vmSizeOverrides`` under Pulumi) and
what was expected; secret values are never quoted in messages.
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from translators.options_values import FALSE, TRUE, OptionError, azure_locations, parse_value

__all__ = [
    "COMMANDS", "DATA", "FALSE", "PROJECT", "PULUMI_TYPES", "TRUE", "TYPES", "Option", "OptionError", "add_arguments",
    "azure_locations", "from_config", "option", "parse_value", "pulumi_config_section", "readme_table", "schema",
    "translate_options", "values_from_args", "values_from_config"]

DATA = Path(__file__).resolve().parent / "data"
PROJECT = "eks-to-aks"
COMMANDS = ("plan", "analyze", "translate")
TYPES = {"str", "bool", "int", "enum", "path", "paths", "json-object", "json-file", "secret", "secret-json-object",
         "location"}
#: Pulumi.yaml ``type`` per schema type (objects have none: Pulumi project config knows string, integer,
#: boolean and array only).
PULUMI_TYPES = {"str": "string", "enum": "string", "path": "string", "paths": "string", "json-file": "string",
                "location": "string", "bool": "boolean", "int": "integer"}


@dataclass(frozen=True)
class Option:
    """One row of ``data/options.yaml``.

    Attributes:
        key: Pulumi config key without the project prefix.
        type: one of :data:`TYPES`.
        default: value when unset (as documented; ``""``/``{}`` = unset).
        help: one line.
        cli: command-line flag, or ``""`` (Pulumi config only).
        metavar: the flag's value name in ``--help``.
        cli_form: ``""`` (one value), ``flag`` (switch), ``pairs`` (repeatable K=V), ``nargs`` (several values).
        commands: subcommands that take the flag.
        config: whether it is a Pulumi config key.
        target: ``TranslateOptions`` attribute, ``workload`` or ``program``.
        choices: allowed values of an ``enum``.
        values: what every value of a JSON object must be: ``str``, ``scalar`` (string, number, boolean) or
            ``object`` (empty: anything).
        keys: allowed keys of a JSON object (empty: any).
        pattern: regular expression a ``str`` must match; ``pattern_help`` says what it is.
    """

    key: str
    type: str
    default: Any
    help: str
    cli: str = ""
    cli_form: str = ""
    commands: tuple[str, ...] = COMMANDS
    config: bool = True
    target: str = "workload"
    choices: tuple[str, ...] = ()
    values: str = ""
    keys: tuple[str, ...] = ()
    pattern: str = ""
    pattern_help: str = ""
    metavar: str = ""

    @property
    def config_key(self) -> str:
        """``eks-to-aks:<key>``."""
        return f"{PROJECT}:{self.key}"

    @property
    def secret(self) -> bool:
        """Whether the value is a secret (Pulumi config ``--secret``; never on the command line)."""
        return self.type.startswith("secret")

    @property
    def dest(self) -> str:
        """argparse destination (``--vm-size-override`` → ``vm_size_override``)."""
        return self.cli.lstrip("-").replace("-", "_")


@lru_cache(maxsize=1)
def schema() -> tuple[Option, ...]:
    """The options of ``data/options.yaml``, in file order.

    Raises:
        ValueError: the schema itself is malformed (unknown type, enum without choices, duplicate key or flag).
    """
    doc = yaml.safe_load((DATA / "options.yaml").read_text(encoding="utf-8"))
    out: list[Option] = []
    for row in doc["options"]:
        opt = Option(key=row["key"], type=row["type"], default=row.get("default"), help=row["help"],
                     cli=row.get("cli", ""), cli_form=row.get("cli_form", ""),
                     commands=tuple(row.get("commands") or COMMANDS), config=row.get("config", True),
                     target=row.get("target", "workload"), choices=tuple(row.get("choices") or ()),
                     values=row.get("values", ""), keys=tuple(row.get("keys") or ()), pattern=row.get("pattern", ""),
                     pattern_help=row.get("pattern_help", ""), metavar=row.get("metavar", ""))
        if opt.type not in TYPES or (opt.type == "enum") != bool(opt.choices):
            raise ValueError(f"data/options.yaml {opt.key}: bad type {opt.type!r} or choices")
        if opt.secret and opt.cli:
            raise ValueError(f"data/options.yaml {opt.key}: a secret has no command-line flag")
        out.append(opt)
    for attr in ("key", "cli"):
        seen = [getattr(o, attr) for o in out if getattr(o, attr)]
        if len(seen) != len(set(seen)):
            raise ValueError(f"data/options.yaml: duplicate {attr}")
    return tuple(out)


def option(key: str) -> Option:
    """The schema entry of ``key`` (``KeyError`` if there is none)."""
    for opt in schema():
        if opt.key == key:
            return opt
    raise KeyError(key)


# --- sources ---------------------------------------------------------------------------------------

def values_from_config(get: Callable[[str], Any], keys: set[str] | None = None) -> dict[str, Any]:
    """Every Pulumi config option (except secrets) read through ``get(key)`` and validated.

    Args:
        get: ``key -> str | None`` (``pulumi.Config("eks-to-aks").get``) or a dict's ``get``; JSON objects may
            come as JSON text or already parsed.
        keys: only these keys (default: all config options that are not secrets).

    Returns:
        ``{key: value}`` for the options that are set (unset ones are left out).

    Raises:
        OptionError: a value does not fit its option (names ``eks-to-aks:<key>``).
    """
    out: dict[str, Any] = {}
    for opt in schema():
        if not opt.config or opt.secret or (keys is not None and opt.key not in keys):
            continue
        value = parse_value(opt, get(opt.key))
        if value is not None:
            out[opt.key] = value
    return out


def _metavar(opt: Option) -> str:
    """The value name of ``opt``'s flag."""
    if opt.metavar:
        return opt.metavar
    if opt.cli_form == "nargs":
        return "PATH"
    return {"json-object": "JSON|@FILE", "json-file": "FILE", "path": "FILE",
            "enum": "{" + ",".join(opt.choices) + "}"}.get(opt.type, "VALUE")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Add the flags of every option ``command`` takes to ``parser`` (defaults ``None``: unset)."""
    for opt in schema():
        if not opt.cli or command not in opt.commands:
            continue
        default = f" (default: {opt.default})" if opt.default not in ("", None, {}, False) else ""
        conf = f" [config {opt.config_key}]" if opt.config else ""
        text = opt.help.replace("%", "%%") + default + conf
        if opt.cli_form == "flag":
            parser.add_argument(opt.cli, dest=opt.dest, action="store_true", default=None, help=text)
        elif opt.cli_form == "pairs":
            parser.add_argument(opt.cli, dest=opt.dest, action="append", default=None,
                                metavar=_metavar(opt), help=text)
        elif opt.cli_form == "nargs":
            parser.add_argument(opt.cli, dest=opt.dest, nargs="*", default=None, metavar=_metavar(opt), help=text)
        else:
            parser.add_argument(opt.cli, dest=opt.dest, default=None, metavar=_metavar(opt), help=text)


def values_from_args(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """The options given on the command line (parsed by a parser built with :func:`add_arguments`),
    validated like config values.

    Raises:
        OptionError: a value does not fit its option (names the flag).
    """
    out: dict[str, Any] = {}
    for opt in schema():
        if not opt.cli or command not in opt.commands:
            continue
        raw = getattr(args, opt.dest, None)
        if opt.cli_form == "pairs" and raw is not None:
            pairs: dict[str, str] = {}
            for item in raw:
                k, eq, v = str(item).partition("=")
                if not eq or not k.strip() or not v.strip():
                    raise OptionError(opt.cli, f"expected KEY=VALUE (e.g. m5.large=Standard_D2as_v5), got {item!r}")
                pairs[k.strip()] = v.strip()
            raw = pairs
        value = parse_value(opt, raw, opt.cli)
        if value is not None:
            out[opt.key] = value
    return out


def translate_options(values: Mapping[str, Any], stack: str | None = None) -> Any:
    """A :class:`~translators.estate.TranslateOptions` from validated ``values`` (``{key: value}``):
    options with an attribute target set that attribute, ``workload`` ones go to ``workload_options``
    under their key; ``program`` ones are left to the caller."""
    from translators.estate import TranslateOptions

    kwargs: dict[str, Any] = {}
    workload: dict[str, Any] = {}
    deploy: dict[str, Any] = {}
    for opt in schema():
        if opt.key not in values or opt.target == "program":
            continue
        if opt.target == "deploy":
            deploy[opt.key] = values[opt.key]
            continue
        if opt.target == "workload" and opt.key == "iamExport":  # the path → the loaded export
            from translators.input.iam_export import OPTION, load_iam_export

            workload[OPTION] = load_iam_export(str(values[opt.key]))
        elif opt.target == "workload":
            workload[opt.key] = values[opt.key]
        else:
            kwargs[opt.target] = values[opt.key]
    if stack is not None:
        kwargs["stack"] = stack
    return TranslateOptions(workload_options=workload, deploy=_deploy_options(deploy), **kwargs)


def _deploy_options(values: Mapping[str, Any]) -> Any:
    """:class:`~translators.checks.deployment.DeployOptions` from the ``target: deploy`` options.

    Raises:
        OptionError: ``adminGroupObjectIds`` is not a list of group object ids.
    """
    from translators.checks.deployment import DeployOptions

    def get(key: str) -> Any:
        value = values.get(key)
        return None if value == "auto" else value
    try:
        return DeployOptions.from_config(get)
    except ValueError:
        raise OptionError("eks-to-aks:adminGroupObjectIds",
                          "expected a JSON list or comma-separated Entra ID group object ids") from None


def from_config(get: Callable[[str], Any], stack: str) -> Any:
    """``TranslateOptions`` from a ``get(key)`` accessor (Pulumi config or a dict's ``get``).

    Raises:
        OptionError: a value does not fit its option.
    """
    return translate_options(values_from_config(get), stack)


# --- generated documentation ---------------------------------------------------------------------------

def pulumi_config_section() -> dict[str, Any]:
    """The ``config:`` mapping of ``Pulumi.yaml``: every non-secret config option with type, description and
    default. Secrets are left out: Pulumi requires a value in every stack for a project key without a
    default, and a secret cannot have one in ``Pulumi.yaml`` (see the README table for them)."""
    out: dict[str, Any] = {}
    for opt in schema():
        if not opt.config or opt.secret:
            continue
        entry: dict[str, Any] = {}
        if opt.type in PULUMI_TYPES:
            entry["type"] = PULUMI_TYPES[opt.type]
        entry["description"] = opt.help
        entry["default"] = opt.default if opt.default is not None else ""
        out[opt.config_key] = entry
    return out


def readme_table() -> str:
    """The README's options table (Markdown): config key, CLI flag and commands, default, meaning."""
    lines = ["| config key | command line | default | meaning |", "|---|---|---|---|"]
    for opt in schema():
        key = f"`{opt.config_key}`" + (" (secret)" if opt.secret else "") if opt.config else "—"
        if opt.cli:
            flag = opt.cli + {"pairs": f" {_metavar(opt)} …", "nargs": " PATH …", "flag": ""}.get(
                opt.cli_form, f" {_metavar(opt)}")
            cmds = "" if set(opt.commands) == set(COMMANDS) else f" ({', '.join(opt.commands)})"
            cli = f"`{flag}`{cmds}"
        else:
            cli = "—"
        default = "—" if opt.default in ("", None) else f"`{json.dumps(opt.default)}`" \
            if not isinstance(opt.default, str) else f"`{opt.default}`"
        choices = f" One of {', '.join(opt.choices)}." if opt.choices else ""
        lines.append(f"| {key} | {cli} | {default} | {opt.help.replace('|', '/')}{choices} |")
    return "\n".join(lines) + "\n"
