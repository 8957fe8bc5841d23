"""Container registry: Amazon ECR → the stack's Azure Container Registry.

:data:`REGISTRY_TRANSLATORS` (contract in :mod:`translators.k8s`):

* workloads with a pod spec: images in ECR (``<account>.dkr.ecr.<region>.amazonaws.com/<repo>``
  and the FIPS, dual-stack, China and sovereign hosts of ``data/registry_ecr_endpoints.csv``)
  → ``<ctx.registry_login_server>/<repo>:<tag>`` (digests kept, no tag → ``:latest``); public
  images unchanged unless ``ctx.options["mirrorPublicImages"]``; ECR pull secrets removed
  (the kubelet identity has AcrPull). ServiceAccounts lose ECR pull secrets too.
* Docker config ``Secret`` holding ECR credentials → dropped (other registries' entries kept).

Rewritten images are recorded in ``ctx.options["imageCopyPlan"]`` (source → target) for
:func:`image_copy_plan` (``az acr import`` commands) and :func:`velero_image_configmap`.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from collections.abc import Iterable

from .findings import Findings
from .k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, estate_index, handles
from .podspec import POD_KINDS, containers, get_path, pod_template
from .refdata import read_table

PLAN_KEY = "imageCopyPlan"
INDEX_KEY = "registryIndex"
MIRROR_OPTION = "mirrorPublicImages"
DOCKER_CONFIG_TYPES = {"kubernetes.io/dockerconfigjson": ".dockerconfigjson", "kubernetes.io/dockercfg": ".dockercfg"}
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
def _eks_addon_accounts() -> set[str]:
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
    if _TEMPLATED.search(image):
        return None
    host = public_host(ref)
    if mirror_public and host is not None:
        path = ref.path if ref.host or "/" in ref.path or host != "docker.io" else f"library/{ref.path}"
        return f"{login_server}/{host}/{path}{_with_latest(ref)}"
    return None


def image_copy_plan(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """One ``{"source", "target", "command"}`` per (source image, ACR image) pair, sorted by source.

    ``command`` is ``az acr import --name <acr> --source <src> --image <repo:tag>`` (or
    ``--repository <repo>`` for a digest-only copy); ECR sources add ``--username AWS
    --password "$(aws ecr get-login-password --region <region>)"``.
    """
    out = []
    for source, target in sorted(dict(pairs).items()):
        src, tgt = parse_image(source), parse_image(target)
        src_host = src.host or "docker.io"
        src_path = src.path if src.host or "/" in src.path else f"library/{src.path}"
        full_source = f"{src_host}/{src_path}" + (f"@{src.digest}" if src.digest else f":{src.tag or 'latest'}")
        cmd = f"az acr import --name {(tgt.host or '').split('.', 1)[0]} --source {full_source}"
        cmd += f" --image {tgt.path}:{tgt.tag}" if tgt.tag else f" --repository {tgt.path}"
        ecr = ecr_host(src.host)
        if ecr is not None:
            region = ecr["region"] or "<region>"
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
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": VELERO_CONFIGMAP_NAME,
            "namespace": "velero",
            "labels": {"velero.io/plugin-config": "", "velero.io/change-image-name": "RestoreItemAction"},
        },
        "data": {f"case{i}": f"{old},{new}" for i, (old, new) in enumerate(sorted(prefixes), 1)},
    }


# --- the estate index: which pull secrets are ECR credentials -------------------------------------

def docker_config_hosts(secret: dict[str, Any]) -> list[str] | None:
    """Registry hosts in a Docker config Secret (``data`` base64 or ``stringData``), or ``None`` if
    the secret is not of a Docker config type or its content cannot be read (placeholders)."""
    key = DOCKER_CONFIG_TYPES.get(str(secret.get("type", "")))
    cfg = _read_docker_config(secret, key) if key else None
    if cfg is None:
        return None
    auths = cfg.get("auths", {}) if key == ".dockerconfigjson" else cfg
    return [str(h) for h in auths] if isinstance(auths, dict) else None


def _read_docker_config(secret: dict[str, Any], key: str) -> dict | None:
    raw = (secret.get("stringData") or {}).get(key)
    if raw is None:
        try:
            raw = base64.b64decode(str((secret.get("data") or {}).get(key, "")), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
    try:
        cfg = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return cfg if isinstance(cfg, dict) else None


def _is_ecr_entry(entry: str) -> bool:
    return ecr_host(re.sub(r"^https?://", "", entry).split("/", 1)[0]) is not None


def _secret_kind(secret: dict[str, Any]) -> str:
    """``ecr`` (only ECR hosts), ``mixed``, ``other`` or ``unknown`` (unreadable Docker config)."""
    hosts = docker_config_hosts(secret)
    if hosts is None:
        return "unknown"
    ecr = [h for h in hosts if _is_ecr_entry(h)]
    return "other" if not ecr else "ecr" if len(ecr) == len(hosts) else "mixed"


def _ns(obj: K8sObject) -> str:
    return obj.namespace or "default"


def _pull_secrets(tpl: dict) -> list[str]:
    spec = tpl.get("spec") if isinstance(tpl.get("spec"), dict) else {}
    return [str(s["name"]) for s in spec.get("imagePullSecrets") or [] if isinstance(s, dict) and s.get("name")]


def _all_ecr(manifest: dict) -> bool:
    images = [c.get("image") for _, c in containers(manifest)]
    return bool(images) and all(isinstance(i, str) and _is_ecr_image(i) for i in images)


def _is_ecr_image(image: str) -> bool:
    host = parse_image(image).host
    return bool(host) and _ecr_host(host) is not None


def _register(idx: dict[str, Any], obj: K8sObject) -> None:
    if obj.kind == "Secret" and obj.group == "" and str(obj.obj.get("type", "")) in DOCKER_CONFIG_TYPES:
        idx["secrets"][f"{_ns(obj)}/{obj.name}"] = _secret_kind(obj.obj)
    found = pod_template(obj.obj)
    if found is not None:
        use = "ecr" if _all_ecr(obj.obj) else "other"
        for name in _pull_secrets(found[1]):
            uses = idx["pullSecretUses"].setdefault(f"{_ns(obj)}/{name}", [])
            if use not in uses:
                uses.append(use)


def index_registry(objects: Iterable[K8sObject]) -> dict[str, Any]:
    """JSON-safe index: Docker config Secrets by ``ns/name`` → kind, and how pods use them."""
    idx: dict[str, Any] = {"complete": True, "secrets": {}, "pullSecretUses": {}}
    for o in objects:
        _register(idx, o)
    return idx


def prepare(objects: list[K8sObject], ctx: WorkloadContext) -> None:
    """Store :func:`index_registry` of the whole estate in ``ctx.options["registryIndex"]``."""
    ctx.options[INDEX_KEY] = index_registry(objects)


def _index(ctx: WorkloadContext) -> dict[str, Any]:
    return estate_index(ctx, INDEX_KEY, lambda: {"complete": False, "secrets": {}, "pullSecretUses": {}})


# --- translators --------------------------------------------------------------------------------

def _vpc_cni_component(obj: K8sObject) -> bool:
    from .network import aws_network_object  # the VPC CNI is dropped by the network translators

    return aws_network_object(obj) is not None


@handles(*POD_KINDS)
def translate_workload_images(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Workload images in ECR → ACR, public images (optionally mirrored), ECR pull secrets removed.

    The manifest is read first and copied only when an image or a pull secret changes.
    """
    found = pod_template(obj.obj)
    if found is None:
        return None
    tpl_path, tpl = found
    spec_path = tpl_path + ("spec",)
    findings = Findings()
    mirror = bool(ctx.options.get(MIRROR_OPTION))
    ls = ctx.registry_login_server
    edits: list[tuple[tuple, str, str]] = []  # (container path, image, target)
    concern = False
    for path, container in containers(obj.obj):
        image = container.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        ref = parse_image(image)
        target = rewrite_image(image, ls, mirror)
        where = (*path, "image")
        ecr = ecr_host(ref.host)
        if target is None:
            if ecr is None and public_host(ref) is None and ref.host != ls and not ref.host.endswith(".azurecr.io") \
                    and not _TEMPLATED.search(image):
                concern = True
                add_finding(findings, "REG-008", f"{obj.ref()}: image {image} comes from registry {ref.host}",
                            obj, *where)
            continue
        edits.append((path, image, target))
        name = container.get("name", "?")
        if ecr is not None:
            add_finding(findings, "REG-001", f"{obj.ref()} container {name}: {image} → {target}", obj, *where)
            if ecr["kind"] == "templated":
                add_finding(findings, "REG-007", f"{obj.ref()} container {name}: registry host {ref.host} is "
                            "templated", obj, *where)
            elif ecr["account"] in _eks_addon_accounts():
                add_finding(findings, "REG-006", f"{obj.ref()} container {name}: {ref.path} is published by the "
                            f"EKS add-on registry of account {ecr['account']}", obj, *where)
        else:
            add_finding(findings, "REG-005", f"{obj.ref()} container {name}: {image} mirrored as {target}; "
                        f"{image_copy_plan([(image, target)])[0]['command']}", obj, *where)
        if not (ref.tag or ref.digest):
            add_finding(findings, "REG-002", f"{obj.ref()} container {name}: {image} has no tag; now {target}",
                        obj, *where)
    pod_spec = tpl.get("spec")
    has_pull_secrets = isinstance(pod_spec, dict) and isinstance(pod_spec.get("imagePullSecrets"), list)
    if not (edits or concern or has_pull_secrets) or _vpc_cni_component(obj):
        return None
    removed = _ecr_pull_secrets(obj, pod_spec, ctx, _all_ecr(obj.obj)) if has_pull_secrets else []
    if not (edits or removed):
        return Translation("passthrough", [obj.obj], findings) if concern else None
    new = obj.copy()
    for path, image, target in edits:
        get_path(new, path)["image"] = target
        ctx.options.setdefault(PLAN_KEY, {})[image] = target
    _drop_pull_secrets(obj, get_path(new, spec_path), removed, spec_path, findings)
    return Translation("translated", [new], findings)


def _ecr_pull_secrets(obj: K8sObject, spec: dict, ctx: WorkloadContext, all_ecr: bool) -> list[tuple[int, str, bool]]:
    """``(index, name, holds ECR credentials)`` of the ``imagePullSecrets`` in ``spec`` (read only) to remove:
    those holding ECR credentials, or every one when the pods use only ECR images (``all_ecr``)."""
    secrets = _index(ctx)["secrets"]
    removed = []
    for i, entry in enumerate(spec["imagePullSecrets"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        is_ecr = name is not None and secrets.get(f"{_ns(obj)}/{name}") == "ecr"
        if name is not None and (is_ecr or all_ecr):
            removed.append((i, name, is_ecr))
    return removed


def _drop_pull_secrets(obj: K8sObject, spec: dict, removed: list[tuple[int, str, bool]], spec_path: tuple,
                       findings: Findings) -> None:
    """Remove the :func:`_ecr_pull_secrets` entries from the ``imagePullSecrets`` of ``spec`` (in a copy)."""
    if not removed:
        return
    for i, name, is_ecr in removed:
        why = "holds ECR credentials" if is_ecr else "served only ECR images"
        add_finding(findings, "REG-003", f"{obj.ref()}: imagePullSecrets {name} removed ({why})", obj,
                    *spec_path, "imagePullSecrets", i)
    gone = {i for i, _, _ in removed}
    keep = [entry for i, entry in enumerate(spec["imagePullSecrets"]) if i not in gone]
    if keep:
        spec["imagePullSecrets"] = keep
    else:
        del spec["imagePullSecrets"]


@handles("ServiceAccount")
def translate_service_account(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """ServiceAccount ``imagePullSecrets`` that hold only ECR credentials → removed."""
    pull_secrets = obj.obj.get("imagePullSecrets")
    if obj.kind != "ServiceAccount" or obj.group != "" or not pull_secrets or not isinstance(pull_secrets, list) \
            or _vpc_cni_component(obj):
        return None
    removed = _ecr_pull_secrets(obj, obj.obj, ctx, all_ecr=False)
    if not removed:
        return None
    findings, new = Findings(), obj.copy()
    _drop_pull_secrets(obj, new, removed, (), findings)
    return Translation("translated", [new], findings)


@handles("Secret")
def translate_pull_secret(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Docker config Secret for ECR → dropped; one that also holds other registries keeps those."""
    if obj.kind != "Secret" or obj.group != "" or str(obj.obj.get("type", "")) not in DOCKER_CONFIG_TYPES:
        return None
    idx = _index(ctx)
    _register(idx, obj)
    kind = idx["secrets"][f"{_ns(obj)}/{obj.name}"]
    uses = idx["pullSecretUses"].get(f"{_ns(obj)}/{obj.name}", [])
    key = DOCKER_CONFIG_TYPES[str(obj.obj["type"])]
    findings = Findings()
    if kind == "ecr" or (kind == "unknown" and uses == ["ecr"]):
        why = "its registries are all ECR" if kind == "ecr" else "only pods with ECR images use it"
        add_finding(findings, "REG-004", f"{obj.ref()}: dropped, {why}", obj, "type")
        return Translation("dropped", [], findings)
    if kind != "mixed":
        return None
    new = obj.copy()
    cfg = _read_docker_config(new, key) or {}
    auths = cfg.get("auths") if key == ".dockerconfigjson" else cfg
    gone = sorted(h for h in list(auths) if _is_ecr_entry(h))
    for h in gone:
        del auths[h]
    text = json.dumps(cfg, separators=(",", ":"))
    if key in (new.get("stringData") or {}):
        new["stringData"][key] = text
    else:
        new["data"][key] = base64.b64encode(text.encode("utf-8")).decode("ascii")
    add_finding(findings, "REG-004", f"{obj.ref()}: ECR entries {', '.join(gone)} removed", obj, "type")
    return Translation("translated", [new], findings)


REGISTRY_TRANSLATORS: list[Translator] = [
    translate_workload_images,
    translate_service_account,
    translate_pull_secret,
]
