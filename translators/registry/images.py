"""Image references: parsing, ECR and public registry hosts, the ACR reference of an image, and the copy
plan (pure: never imports Pulumi).

Facts come from ``data/registry_ecr_endpoints.csv`` (ECR hosts: standard, FIPS, dual-stack, China and sovereign
partitions), ``data/registry_public_hosts.csv`` (well-known public registries) and
``data/registry_eks_addon_accounts.csv`` (the AWS accounts serving EKS add-on images). The translators that use
them are in :mod:`translators.registry.translate`.
"""
from __future__ import annotations

import re
from translators.reports.shell import quote
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from collections.abc import Iterable

from translators.backup.translate import velero_plugin_configmap
from translators.refdata import read_table

#: Velero's image-name mapping ConfigMap (velero.io docs, restore reference "Changing image repositories").
VELERO_CONFIGMAP_NAME = "change-image-name-config"
_TEMPLATED = re.compile(r"\$\{|\$\(|\{\{|<[A-Za-z_]")


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference. ``host`` is ``None`` for Docker Hub short names (``nginx:1``)."""

    host: str | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def suffix(self) -> str:
        return (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


_PRINTABLE = re.compile(r"[!-~]+")  # ASCII without spaces and control characters: all the grammar allows


@lru_cache(maxsize=4096)
def image_reference_error(image: str) -> str | None:
    """Why ``image`` is not a valid image reference, or ``None`` when it is one.

    The grammar is the distribution/reference one (``github.com/distribution/reference``, regexp.go:
    ``[domain[:port]/]path-component(/path-component)*[:tag][@digest]``, lowercase path, tag up to 128
    ``[A-Za-z0-9_.-]`` characters, digest ``algorithm:hex``), checked with ``docker-image-py``
    (a port of that package, :class:`docker_image.reference.Reference`). Its anchored regexes let a
    trailing newline through (Python's ``$``), so characters outside printable ASCII are refused
    first. Cached: estates repeat images.
    """
    from docker_image import reference

    if not _PRINTABLE.fullmatch(image):
        return "holds whitespace or control characters"
    try:
        reference.Reference.parse(image)
    except Exception as exc:  # the library raises its own classes and, for odd digests, ValueError
        return str(exc) or type(exc).__name__
    return None


@lru_cache(maxsize=4096)
def parse_image(image: str) -> ImageRef:
    """Split ``[host/]path[:tag][@digest]`` (distribution reference grammar: the first path
    component is a host when it holds ``.`` or ``:`` or is ``localhost``). Cached: estates repeat images."""
    name, _, digest = image.strip().partition("@")
    first, slash, rest = name.partition("/")
    host = first if slash and ("." in first or ":" in first or first == "localhost") else None
    remainder = rest if host else name
    colon, last_slash = remainder.rfind(":"), remainder.rfind("/")
    tag = remainder[colon + 1:] if colon > last_slash else None
    path = remainder[:colon] if tag is not None else remainder
    return ImageRef(host, path, tag or None, digest or None)


@lru_cache(maxsize=1)
def _ecr_patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    for r in read_table("registry_ecr_endpoints.csv"):
        rx = re.escape(r["host_template"]).replace(r"\{account\}", r"(?P<account>\d{12})")
        rx = rx.replace(r"\{region\}", r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)")
        out.append((re.compile(f"^{rx}$"), r["endpoint_kind"]))
    return out


@lru_cache(maxsize=1)
def _public_hosts() -> dict[str, str]:
    return {r["host"]: r["canonical_host"] for r in read_table("registry_public_hosts.csv")}


@lru_cache(maxsize=1)
def eks_addon_accounts() -> set[str]:
    """AWS accounts whose ECR repositories serve EKS add-on images (``data/registry_eks_addon_accounts.csv``)."""
    return {r["account"] for r in read_table("registry_eks_addon_accounts.csv")}


def ecr_host(host: str | None) -> dict[str, str] | None:
    """``{"account", "region", "kind"}`` for an ECR registry host (``{}`` values when the host is
    templated, e.g. ``${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com``); ``None`` for other hosts."""
    if not host:
        return None
    found = _ecr_host(host)
    return None if found is None else {"account": found[0], "region": found[1], "kind": found[2]}


@lru_cache(maxsize=1024)
def _ecr_host(host: str) -> tuple[str, str, str] | None:
    """:func:`ecr_host` as an immutable ``(account, region, kind)`` (cached)."""
    for rx, kind in _ecr_patterns():
        m = rx.match(host.lower())
        if m:
            return m["account"], m["region"], kind
    if ".dkr.ecr" in host or ".dkr-ecr." in host:
        return "", "", "templated"
    return None


def is_ecr_host(host: str | None) -> bool:
    """Whether ``host`` is an ECR registry host (templated hosts included); cached, unlike :func:`ecr_host`."""
    if not host:
        return False
    return _ecr_host(host) is not None


def is_templated(image: str) -> bool:
    """Whether an image reference holds a placeholder (``${...}``, ``$(...)``, ``{{ ... }}``, ``<name>``)."""
    return _TEMPLATED.search(image) is not None


def public_host(ref: ImageRef) -> str | None:
    """Canonical host of a well-known public registry (Docker Hub short names → ``docker.io``)."""
    if ref.host is None:
        return "docker.io"
    return _public_hosts().get(ref.host.lower())


def _with_latest(ref: ImageRef) -> str:
    return ref.suffix if (ref.tag or ref.digest) else ":latest"


def rewrite_image(image: str, login_server: str, mirror_public: bool = False) -> str | None:
    """The ACR reference for ``image``, or ``None`` if it stays as is.

    ECR images become ``<login_server>/<repo>[:tag][@digest]`` (``:latest`` when neither is
    given). With ``mirror_public`` images of well-known public registries become
    ``<login_server>/<original host>/<path>`` (Docker Hub short names as
    ``docker.io/library/<name>``).
    """
    if not isinstance(image, str) or not image.strip():
        return None
    ref = parse_image(image)
    if ecr_host(ref.host) is not None:
        return f"{login_server}/{ref.path}{_with_latest(ref)}"
    if is_templated(image):
        return None
    host = public_host(ref)
    if mirror_public and host is not None:
        path = ref.path if ref.host or "/" in ref.path or host != "docker.io" else f"library/{ref.path}"
        return f"{login_server}/{host}/{path}{_with_latest(ref)}"
    return None


def image_copy_plan(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """One ``{"source", "target", "command"}`` per (source image, ACR image) pair, sorted by source.

    Pairs whose source or target is not a valid image reference (:func:`image_reference_error`, e.g. a
    templated ``${ACCOUNT}.dkr.ecr...`` host) are left out: the translator reports them instead. Every
    value in ``command`` is shell-quoted (:func:`shlex.quote`). ``command`` is
    ``az acr import --name <acr> --source <src> --image <repo:tag> --force`` (or
    ``--repository <repo>`` for a digest-only copy; ``--force``: a re-run is harmless); ECR sources add
    ``--username AWS --password "$(aws ecr get-login-password --region <region>)"`` (the region from the host,
    else ``$AWS_REGION``). ``az acr import`` docs:
    https://learn.microsoft.com/azure/container-registry/container-registry-import-images
    """
    out = []
    for source, target in sorted(dict(pairs).items()):
        if image_reference_error(source) or image_reference_error(target):
            continue
        src, tgt = parse_image(source), parse_image(target)
        src_host = src.host or "docker.io"
        src_path = src.path if src.host or "/" in src.path else f"library/{src.path}"
        full_source = f"{src_host}/{src_path}" + (f"@{src.digest}" if src.digest else f":{src.tag or 'latest'}")
        q = quote
        cmd = f"az acr import --name {q((tgt.host or '').split('.', 1)[0])} --source {q(full_source)}"
        cmd += f" --image {q(f'{tgt.path}:{tgt.tag}')}" if tgt.tag else f" --repository {q(tgt.path)}"
        cmd += " --force"
        ecr = ecr_host(src.host)
        if ecr is not None:
            region = q(ecr["region"]) if ecr["region"] else '"${AWS_REGION:?set AWS_REGION}"'
            cmd += f' --username AWS --password "$(aws ecr get-login-password --region {region})"'
        out.append({"source": source, "target": target, "command": cmd})
    return out


def velero_image_configmap(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Velero's ``change-image-name-config`` ConfigMap mapping each source registry prefix to its
    ACR prefix (``data: {"case1": "<old_prefix>,<new_prefix>", ...}``).

    Velero's restore plugin replaces the first matching ``old`` substring of each restored
    container image, so prefixes end with ``/`` to stay unambiguous. Docker Hub short names
    (no host) cannot be matched safely and are left out.
    """
    prefixes = set()
    for source, target in pairs:
        ref = parse_image(source)
        if ref.host is None:
            continue
        rest = source.strip()[len(ref.host) + 1:]
        for tail in (rest, rest + ":latest"):
            if target.endswith(tail) and len(target) > len(tail):
                prefixes.add((f"{ref.host}/", target[: -len(tail)]))
                break
    return velero_plugin_configmap(VELERO_CONFIGMAP_NAME, "change-image-name",
                                   {f"case{i}": f"{old},{new}" for i, (old, new) in enumerate(sorted(prefixes), 1)})
