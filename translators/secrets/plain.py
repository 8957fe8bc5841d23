"""Secret-looking values in plain fields → findings, and where they are (pure: never imports Pulumi).

Values in container ``env``, container ``command``/``args``, ConfigMap ``data`` and the annotations of any object
go to the translated manifests, ``plan --json`` and the Pulumi state as they are. This module finds the ones
that look like secrets, by two means:

* **by name** (``data/secret_value_rules.csv``, ``name``/``reference`` rows): an env variable or ConfigMap key
  named like a password, token, key, credentials or connection string (``DB_PASSWORD``, ``API_TOKEN``),
  unless named like a reference to one (``DB_PASSWORD_FILE``, ``SECRET_NAME``); annotation keys by the part
  after their last ``/``; a command-line flag named so (``--db-password=…``, or ``--token`` then the value);
* **by value**: the regex plugins of detect-secrets (Yelp/detect-secrets: AWS keys, basic-auth credentials in
  URLs, JWTs, private keys, GitHub/GitLab/Slack/Stripe/... tokens, Azure storage keys; :data:`PLUGINS`) and the
  table's ``value`` rows (``Password=…`` in connection strings). Their patterns are read from
  ``data/derived/secret_patterns.json`` (``tools/gen_secret_patterns.py``) and searched without importing
  detect-secrets (~90 ms); a hit is confirmed by the detect-secrets plugin itself (imported then, once).

Kubernetes ``Secret`` objects are not scanned here (their whole ``data`` is secret, see
:mod:`translators.secrets.translate`). Values that are only a reference (``$(VAR)``, ``${VAR}``, ``<placeholder>``) and
empty values are not secrets. Nothing here keeps, logs or returns a value: a :class:`PlainSecret` names its
path, and findings name the object, container and variable.

The Pulumi layer (``workloads/``) wraps every :func:`secret_paths` value with ``pulumi.Output.secret``;
``translate --out`` empties them (:func:`redacted`).

Rules: ``SEC-016`` env, ``SEC-017`` command/args, ``SEC-018`` ConfigMap data, ``SEC-019`` annotations.
"""
from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding
from translators.plan import object_key
from translators.podspec import containers
from translators.refdata import DATA, read_table
from translators.input.yamlsource import clone
from translators.shapes import as_list

_sre_parser: Any = importlib.import_module("re._parser")  # the regex parser (typeshed has no stub for it)

PLUGINS: tuple[str, ...] = (
    "artifactory.ArtifactoryDetector", "aws.AWSKeyDetector", "azure_storage_key.AzureStorageKeyDetector",
    "basic_auth.BasicAuthDetector", "cloudant.CloudantDetector", "discord.DiscordBotTokenDetector",
    "github_token.GitHubTokenDetector", "gitlab_token.GitLabTokenDetector", "ibm_cloud_iam.IbmCloudIamDetector",
    "ibm_cos_hmac.IbmCosHmacDetector", "jwt.JwtTokenDetector", "mailchimp.MailchimpDetector", "npm.NpmDetector",
    "openai.OpenAIDetector", "private_key.PrivateKeyDetector", "pypi_token.PypiTokenDetector",
    "sendgrid.SendGridDetector", "slack.SlackDetector", "softlayer.SoftlayerDetector",
    "square_oauth.SquareOAuthDetector", "stripe.StripeDetector", "telegram_token.TelegramBotTokenDetector",
    "twilio.TwilioKeyDetector")
"""detect-secrets regex plugins used (``module.Class`` under ``detect_secrets.plugins``). Not used: the
high-entropy plugins (image digests, hashes and ids in manifests are high-entropy and not secrets), the keyword
plugin (made for source lines; names are matched by the table instead) and the public-IP plugin."""

RULE_OF = {"env": "SEC-016", "args": "SEC-017", "configmap": "SEC-018", "annotation": "SEC-019"}
REDACTED = "eks-to-aks.io/values-redacted"
_CACHE_LEN = 256  # short values repeat across workloads: their (negative) results are cached
_REFERENCE = re.compile(r"\s*(?:\$\([A-Za-z0-9_.-]+\)|\$\{[A-Za-z0-9_.:-]+\}|<[^<>]*>|\{\{[^{}]*\}\})\s*")
_NOT_SECRET_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null"})
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"  # a JSON copy of the object (kubectl apply)


@dataclass(frozen=True)
class PlainSecret:
    """A secret-looking value: where it is and why (never the value).

    Attributes:
        path: path of the value inside the manifest (``("spec", "template", "spec", "containers", 0, "env", 2,
            "value")``).
        where: ``env``, ``args``, ``configmap`` or ``annotation`` (see :data:`RULE_OF`).
        label: names only: ``container api env DB_PASSWORD``, ``key application.properties``.
        reason: what it looks like: ``a password (by its name)``, ``Basic Auth Credentials (detect-secrets)``.
        keep: for ``--flag=value`` items, the ``--flag=`` part a redaction keeps; else ``""``.
    """

    path: tuple
    where: str
    label: str
    reason: str
    keep: str = ""


def plugin_class(name: str) -> Any:
    """The detect-secrets plugin class ``module.Class`` (imports detect-secrets)."""
    module, cls = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), cls)


@cache
def _rules() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    out: dict[str, list[tuple[re.Pattern[str], str]]] = {"reference": [], "name": [], "value": [], "flag": []}
    for r in read_table("secret_value_rules.csv"):
        out[r["kind"]].append((re.compile(r["pattern"], re.I), r["what"]))
    return out


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Every value pattern (detect-secrets plugins, then the table's ``value`` rows), compiled one by one: searched
    in turn they cost ~15 µs for a short value, one alternation of them all ~100 µs (no literal-prefix scan)."""
    doc = json.loads((DATA / "derived" / "secret_patterns.json").read_text(encoding="utf-8"))
    out = [re.compile(pattern, flags) for d in doc["detectors"] for pattern, flags in d["patterns"]]
    return tuple(out + [p for p, _ in _rules()["value"]])


def _required_literal(pattern: re.Pattern[str]) -> str:
    """The longest run of literal characters at the top level of ``pattern`` (as its parser reads it): every match
    holds it, so a value without it cannot match; ``""`` when there is none."""
    best = run = ""
    for op, arg in _sre_parser.parse(pattern.pattern, pattern.flags):
        if op is _sre_parser.LITERAL:
            run += chr(arg)
        else:
            best, run = max(best, run, key=len), ""
    return max(best, run, key=len)


@cache
def _prefiltered() -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    """:func:`_patterns` with each one's required literal (lower-cased for case-insensitive patterns) and whether
    the pattern ignores case: a cheap ``in`` test that skips most searches."""
    out = []
    for p in _patterns():
        nocase = bool(p.flags & re.IGNORECASE)
        literal = _required_literal(p)
        out.append((p, literal.lower() if nocase else literal, nocase))
    return tuple(out)


def _any_pattern(value: str) -> bool:
    """``any(p.search(value) for p in _patterns())``, with each required literal tested first. Case-insensitive
    literals are tested on the lower-cased value only when it is ASCII (Unicode case folding matches more, e.g.
    ``ſ`` for ``s``); otherwise the pattern is searched."""
    lowered = value.lower() if value.isascii() else None
    for p, literal, nocase in _prefiltered():
        if literal:
            if not nocase:
                if literal not in value:
                    continue
            elif lowered is not None and literal not in lowered:
                continue
        if p.search(value):
            return True
    return False


@cache
def _plugins() -> tuple[Any, ...]:
    return tuple(plugin_class(n)() for n in PLUGINS)


@lru_cache(maxsize=4096)
def name_reason(name: str) -> str | None:
    """What a variable / key name says its value is (``a password``), or ``None`` (not a secret's name)."""
    rules = _rules()
    if any(p.fullmatch(name) for p, _ in rules["reference"]):
        return None
    return next((what for p, what in rules["name"] if p.fullmatch(name)), None)


@lru_cache(maxsize=1024)
def flag_reason(flag: str) -> str | None:
    """What a command-line flag (``--db-password``) says its value is, or ``None``."""
    return next((what for p, what in _rules()["flag"] if p.fullmatch(flag)), None)


_clean: set[str] = set()  # short values known to hold no secret (never a secret: only negatives are kept)


def value_reason(value: str) -> str | None:
    """What a value looks like (``Basic Auth Credentials (detect-secrets)``), or ``None``.

    Secret-looking values are not cached (they must not stay in memory); short clean values are.
    """
    if value in _clean or _is_reference(value):
        return None
    if _any_pattern(value):
        for plugin in _plugins():
            if next(iter(plugin.analyze_string(value)), None) is not None:
                return f"{plugin.secret_type} (detect-secrets)"
        for p, what in _rules()["value"]:
            if p.search(value):
                return what
    if len(value) <= _CACHE_LEN and len(_clean) < 100_000:
        _clean.add(value)
    return None


def _is_reference(value: str) -> bool:
    return not value.strip() or _REFERENCE.fullmatch(value) is not None


def _named_value(name: str, value: Any) -> str | None:
    """Why an entry named ``name`` with ``value`` is a secret, or ``None``."""
    if not isinstance(value, str) or _is_reference(value):
        return None
    by_name = name_reason(name)
    if by_name and value.strip().lower() not in _NOT_SECRET_WORDS:
        return f"{by_name} (by its name)"
    return value_reason(value)


def _copy_reason(value: Any) -> str | None:
    """Why a ``last-applied-configuration`` annotation is secret: the copy it holds has secret-looking values (or
    is a Secret with values), else ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        copy = json.loads(value)
    except ValueError:
        return value_reason(value)
    if not isinstance(copy, dict):
        return None
    if copy.get("apiVersion") == "v1" and copy.get("kind") == "Secret":
        from translators.secrets.translate import secret_value_fields

        return "a copy of a Secret's values" if secret_value_fields(copy) else None
    return "a copy of the object's secret-looking values" if find_plain_secrets(copy) else None


def _args(cpath: tuple, c: dict, cname: str) -> list[PlainSecret]:
    out = []
    for field in ("command", "args"):
        items = c.get(field)
        if not isinstance(items, list):
            continue
        flagged: str | None = None
        for i, item in enumerate(items):
            if not isinstance(item, str):
                flagged = None
                continue
            label = f"container {cname} {field}[{i}]"
            if flagged and not item.startswith("-"):
                if not _is_reference(item):
                    out.append(PlainSecret(cpath + (field, i), "args", label, f"{flagged} (by its flag)"))
                flagged = None
                continue
            flagged = None
            flag, eq, rest = item.partition("=")
            why = flag_reason(flag) if flag.startswith("-") else None
            if why and eq and not _is_reference(rest):
                out.append(PlainSecret(cpath + (field, i), "args", label, f"{why} (by its flag)", keep=flag + "="))
                continue
            if why and not eq:
                flagged = why
                continue
            reason = value_reason(item)
            if reason:
                out.append(PlainSecret(cpath + (field, i), "args", label, reason))
    return out


def find_plain_secrets(manifest: dict[str, Any]) -> list[PlainSecret]:
    """Every secret-looking plain value of ``manifest`` (see module docstring), in document order."""
    out: list[PlainSecret] = []
    if not isinstance(manifest, dict):
        return out
    md = manifest.get("metadata")
    annotations = md.get("annotations") if isinstance(md, dict) else None
    if isinstance(annotations, dict):
        for key, value in annotations.items():
            if not isinstance(key, str):
                continue
            why = _copy_reason(value) if key == LAST_APPLIED else _named_value(key.rsplit("/", 1)[-1], value)
            if why:
                out.append(PlainSecret(("metadata", "annotations", key), "annotation", f"annotation {key}", why))
    kind, api = manifest.get("kind"), manifest.get("apiVersion")
    if api == "v1" and kind == "Secret":
        return out
    if api == "v1" and kind == "ConfigMap":
        data = manifest.get("data")
        for key, value in (data.items() if isinstance(data, dict) else ()):
            why = _named_value(str(key), value)
            if why:
                out.append(PlainSecret(("data", key), "configmap", f"key {key}", why))
        return out
    for cpath, c in containers(manifest):
        cname = str(c.get("name", "?"))
        for i, env in enumerate(as_list(c.get("env"))):
            if isinstance(env, dict) and isinstance(env.get("name"), str):
                why = _named_value(env["name"], env.get("value"))
                if why:
                    out.append(PlainSecret(cpath + ("env", i, "value"), "env", f"container {cname} env {env['name']}",
                                           why))
        out += _args(cpath, c, cname)
    return out


def secret_paths(manifest: dict[str, Any]) -> list[tuple]:
    """Paths of the values the Pulumi layer must mark secret (:func:`find_plain_secrets`)."""
    return [s.path for s in find_plain_secrets(manifest)]


def redacted(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` with every secret-looking value emptied (a ``--flag=`` keeps its flag) and the annotation
    ``eks-to-aks.io/values-redacted: "true"``; ``manifest`` itself when there is none."""
    found = find_plain_secrets(manifest)
    if not found:
        return manifest
    out = clone(manifest)
    for s in found:
        holder = out
        for part in s.path[:-1]:
            holder = holder[part]
        holder[s.path[-1]] = s.keep
    md = out.setdefault("metadata", {})
    if not isinstance(md.get("annotations"), dict):
        md["annotations"] = {}
    md["annotations"][REDACTED] = "true"
    return out


def translate_plain_secrets(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Any object with secret-looking plain values → passthrough with one finding per value (never the value)."""
    found = find_plain_secrets(obj.obj)
    if not found:
        return None
    findings = Findings()
    ctx.secret_values[object_key(obj.obj)] = [s.path for s in found]  # the Pulumi layer marks them secret
    for s in found:
        add_finding(findings, RULE_OF[s.where], f"{obj.ref()} {s.label}: looks like {s.reason}; the value is "
                    "marked secret in the Pulumi program and emptied in --out manifests", obj, *s.path)
    return Translation("passthrough", [obj.obj], findings)


PLAIN_SECRET_TRANSLATORS: list[Translator] = [translate_plain_secrets]
