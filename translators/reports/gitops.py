"""What the GitOps output (``translate --out``) still needs from the user, and what the stack's outputs fill.

Pure (no Pulumi). The translated manifests carry placeholders for values known only once the stack is
deployed (identity client ids, the tenant id) or that the translation was not given (the Azure DNS zone,
Velero's storage account, a disk encryption set); the table ``data/gitops_placeholders.csv`` says what each
one is and what fills it. Secrets are written with their values emptied (see :mod:`translators.reports.output`).

* :func:`read_stack_outputs` validates the JSON of ``pulumi stack output --json``;
* :func:`fill_placeholders` replaces, in plain strings of the manifests, every placeholder the outputs know;
* :func:`gitops_findings` lists what is left: Docker config pull secrets (not written: an empty
  ``.dockerconfigjson`` is rejected by the API server), Secret values to supply, placeholders left;
* :func:`render_section` is the matching section of ``report.txt``.
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from translators.errors import InputError
from translators.plan import Placeholder, map_strings
from translators.findings import Finding, finding

DOCKER_CONFIG_TYPES = {"kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"}
ECR_HOST = re.compile(r"\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
IDENTITY_PREFIX = Placeholder.client_id_key("")
_TOKEN = re.compile(r"\$\{([A-Z][A-Z0-9_]*(?::[A-Za-z0-9._-]+)?)\}")


@dataclass(frozen=True)
class PlaceholderEntry:
    """One row of ``data/gitops_placeholders.csv``.

    Attributes:
        text: the placeholder as written (``${AZURE_TENANT_ID}``; ``${IDENTITY_CLIENT_ID:*}`` stands for every
            identity name).
        meaning: what the value is.
        stack_output: the ``pulumi stack output`` that holds it (``""``: none).
        option: the ``eks-to-aks`` option (and field) that sets it at translation (``""``: none).
    """

    text: str
    meaning: str
    stack_output: str
    option: str

    def how(self, token: str = "") -> str:
        """One phrase: how to fill ``token`` (a placeholder of this row, as found)."""
        if self.stack_output:
            key = f'["{token[len(IDENTITY_PREFIX) + 2:-1]}"]' if token.startswith("${" + IDENTITY_PREFIX) else ""
            return f"stack output {self.stack_output}{key} (translate --stack-outputs)"
        return f"option eks-to-aks:{self.option}"


@lru_cache(maxsize=1)
def placeholders() -> tuple[PlaceholderEntry, ...]:
    """The rows of ``data/gitops_placeholders.csv``."""
    from translators.refdata import read_table

    return tuple(PlaceholderEntry(r["placeholder"], r["meaning"], r["stack_output"], r["option"])
                 for r in read_table("gitops_placeholders.csv"))


def _entry(token: str) -> PlaceholderEntry | None:
    """The table row of a placeholder as found in a manifest (``${IDENTITY_CLIENT_ID:id-x}`` → the ``*`` row)."""
    for p in placeholders():
        if p.text == token or (p.text.endswith(":*}") and token.startswith(p.text[:-2]) and token.endswith("}")):
            return p
    return None


def read_stack_outputs(doc: Any, source: str) -> dict[str, str]:
    """Placeholder values from the JSON of ``pulumi stack output --json``.

    Args:
        doc: the parsed JSON (an object).
        source: the file, for error messages.

    Returns:
        ``{placeholder name: value}``, e.g. ``{"AZURE_TENANT_ID": "...", "IDENTITY_CLIENT_ID:id-x": "..."}``.

    Raises:
        InputError: not an object, or ``tenantId`` / ``identityClientIds`` of the wrong shape (names the field).
    """
    if not isinstance(doc, dict):
        raise InputError(source, None, "", "expected the JSON object of `pulumi stack output --json`")
    out: dict[str, str] = {}
    tenant = doc.get("tenantId")
    if tenant is not None:
        if not isinstance(tenant, str):
            raise InputError(source, None, "tenantId", "expected a string")
        out[Placeholder.TENANT_ID] = tenant
    ids = doc.get("identityClientIds")
    if ids is not None:
        if not isinstance(ids, dict) or not all(isinstance(v, str) for v in ids.values()):
            raise InputError(source, None, "identityClientIds", "expected an object of identity name → client id")
        out.update({IDENTITY_PREFIX + str(k): v for k, v in ids.items()})
    if not out:
        raise InputError(source, None, "", "no tenantId or identityClientIds: export the outputs of this stack's "
                                           "program (`pulumi stack output --json > outputs.json`)")
    return out


def fill_placeholders(value: Any, values: Mapping[str, str]) -> Any:
    """``value`` (a manifest or any JSON value) with every ``${NAME}`` of ``values`` replaced, leaf by leaf;
    placeholders without a value stay. Returns the same object when nothing changes."""
    def fill(text: str) -> str:
        return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), text) if "${" in text else text
    return map_strings(value, fill)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def placeholders_in(manifest: Any) -> set[str]:
    """The known placeholders (table rows) left in ``manifest``, as written (``${IDENTITY_CLIENT_ID:id-x}``)."""
    found: set[str] = set()
    literal = [p.text for p in placeholders() if not p.text.startswith("${")]
    for s in _strings(manifest):
        if "${" in s:
            found.update(m.group(0) for m in _TOKEN.finditer(s) if _entry(m.group(0)) is not None)
        found.update(t for t in literal if t in s)
    return found


def ref(manifest: Mapping[str, Any]) -> str:
    """``Kind namespace/name`` (cluster-scoped: ``Kind name``)."""
    md = manifest.get("metadata") or {}
    ns = md.get("namespace")
    return f"{manifest.get('kind')} {ns + '/' if ns else ''}{md.get('name')}"


def is_secret(manifest: Mapping[str, Any]) -> bool:
    """A core ``v1/Secret``."""
    return manifest.get("kind") == "Secret" and manifest.get("apiVersion") == "v1"


def _is_ecr_pull_secret(manifest: Mapping[str, Any]) -> bool:
    """Whether any value of the Docker config Secret names an ECR host (``data`` decoded, ``stringData`` as is)."""
    texts = [str(v) for v in (manifest.get("stringData") or {}).values()]
    for v in (manifest.get("data") or {}).values():
        try:
            texts.append(base64.b64decode(str(v), validate=True).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            texts.append(str(v))
    return any(ECR_HOST.search(t) for t in texts)


def skipped_pull_secret(manifest: Mapping[str, Any]) -> Finding | None:
    """The finding for a Docker config Secret the GitOps output leaves out (``INP-030`` for ECR, ``INP-031``
    otherwise), or ``None`` for every other object."""
    if not is_secret(manifest) or str(manifest.get("type", "")) not in DOCKER_CONFIG_TYPES:
        return None
    if _is_ecr_pull_secret(manifest):
        return finding("INP-030", f"{ref(manifest)}: ECR pull secret not written")
    return finding("INP-031", f"{ref(manifest)}: pull secret ({manifest.get('type')}) not written; create it "
                              "before the pods that name it")


def gitops_findings(written: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings about the written manifests (``written``: as written, Secrets already emptied): ``INP-032``
    per Secret with values to supply (its keys, never values), ``INP-033`` per placeholder left (what it is,
    how to fill it, the objects holding it)."""
    out: list[Finding] = []
    where: dict[str, list[str]] = {}
    for m in written:
        if is_secret(m):
            keys: list[str] = sorted({*(m.get("data") or {}), *(m.get("stringData") or {})})
            if keys:
                out.append(finding("INP-032", f"{ref(m)}: supply the values of {', '.join(keys)}"))
        for token in placeholders_in(m):
            where.setdefault(token, []).append(ref(m))
    for token in sorted(where):
        p = _entry(token)
        if p is None:  # placeholders_in keeps table rows only
            continue
        refs = sorted(set(where[token]))
        shown = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
        out.append(finding("INP-033", f"{token} ({p.meaning}) in {shown}; fill from the {p.how(token)}"))
    return out


def render_section(found: list[Finding]) -> str:
    """The ``report.txt`` section for :func:`gitops_findings` and the skipped pull secrets (``""`` if none)."""
    if not found:
        return ""
    titles = {"INP-033": "Placeholders to fill", "INP-032": "Secret values to supply",
              "INP-030": "Pull secrets not written", "INP-031": "Pull secrets not written"}
    lines = ["", "GitOps output: before applying"]
    for rid in ("INP-033", "INP-032", "INP-031", "INP-030"):
        group = [f for f in found if f.rule_id == rid]
        if group:
            lines += ["", f"  {titles[rid]} [{rid}]"] + [f"    - {f.message}" for f in group]
    return "\n".join(lines) + "\n"
