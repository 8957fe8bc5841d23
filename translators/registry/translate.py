"""Container registry: Amazon ECR → the stack's Azure Container Registry.

:data:`REGISTRY_TRANSLATORS` (contract in :mod:`translators.k8s`):

* workloads with a pod spec: images in ECR (``<account>.dkr.ecr.<region>.amazonaws.com/<repo>``
  and the FIPS, dual-stack, China and sovereign hosts of ``data/registry_ecr_endpoints.csv``)
  → ``<ctx.registry_login_server>/<repo>:<tag>`` (digests kept, no tag → ``:latest``); public
  images unchanged unless ``ctx.options["mirrorPublicImages"]``; ECR pull secrets removed
  (the kubelet identity has AcrPull). ServiceAccounts lose ECR pull secrets too.
* Docker config ``Secret`` holding ECR credentials → dropped (other registries' entries kept).

Rewritten images are recorded in ``ctx.image_copy`` (source → target) for
:func:`~translators.registry.images.image_copy_plan` (``az acr import`` commands) and
:func:`~translators.registry.images.velero_image_configmap`. Reading image references and registry hosts is
:mod:`translators.registry.images`.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from collections.abc import Iterable

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, estate_indexer, handles
from translators.podspec import POD_KINDS, containers, get_path, pod_template
from translators.registry.images import (ecr_host, eks_addon_accounts, image_copy_plan, is_ecr_host, is_templated, parse_image,
                              public_host, rewrite_image)
from translators.registry.images import image_reference_error
from translators.reports.shell import shown
from translators.shapes import as_dict

INDEX_KEY = "registryIndex"
MIRROR_OPTION = "mirrorPublicImages"
DOCKER_CONFIG_TYPES = {"kubernetes.io/dockerconfigjson": ".dockerconfigjson", "kubernetes.io/dockercfg": ".dockercfg"}


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
    spec = as_dict(tpl.get("spec"))
    return [str(s["name"]) for s in spec.get("imagePullSecrets") or [] if isinstance(s, dict) and s.get("name")]


def _all_ecr(manifest: dict) -> bool:
    images = [c.get("image") for _, c in containers(manifest)]
    return bool(images) and all(isinstance(i, str) and _is_ecr_image(i) for i in images)


def _is_ecr_image(image: str) -> bool:
    host = parse_image(image).host
    return is_ecr_host(host)


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


prepare, _index = estate_indexer(INDEX_KEY, index_registry, lambda: {"complete": False, "secrets": {}, "pullSecretUses": {}})


# --- translators --------------------------------------------------------------------------------

def _vpc_cni_component(obj: K8sObject) -> bool:
    from translators.network.translate import aws_network_object  # the VPC CNI is dropped by the network translators

    return aws_network_object(obj) is not None


@handles(*POD_KINDS)
def _templated_elsewhere(image: str) -> bool:
    """An invalid reference that another rule reports: a templated ECR host (REG-007)."""
    ecr = ecr_host(parse_image(image).host)
    return ecr is not None and ecr["kind"] == "templated"


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
        if image_reference_error(image) and not _templated_elsewhere(image):
            concern = True
            add_finding(findings, "INP-050", f"{obj.ref()} container {container.get('name', '?')}: "
                        f"{shown(image)} is not a valid image reference ({image_reference_error(image)}); "
                        "left as is and not copied", obj, *path, "image")
            continue
        ref = parse_image(image)
        target = rewrite_image(image, ls, mirror)
        where = (*path, "image")
        ecr = ecr_host(ref.host)
        if target is None:
            if ecr is None and public_host(ref) is None and ref.host is not None and ref.host != ls \
                    and not ref.host.endswith(".azurecr.io") and not is_templated(image):  # (host None: public)
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
            elif ecr["account"] in eks_addon_accounts():
                add_finding(findings, "REG-006", f"{obj.ref()} container {name}: {ref.path} is published by the "
                            f"EKS add-on registry of account {ecr['account']}", obj, *where)
        else:
            copy = image_copy_plan([(image, target)])  # empty when the target is not a valid reference
            add_finding(findings, "REG-005", f"{obj.ref()} container {name}: {image} mirrored as {target}; "
                        f"{copy[0]['command'] if copy else 'copy it by hand'}", obj, *where)
        if not (ref.tag or ref.digest):
            add_finding(findings, "REG-002", f"{obj.ref()} container {name}: {image} has no tag; now {target}",
                        obj, *where)
    pod_spec = as_dict(tpl.get("spec"))
    has_pull_secrets = isinstance(pod_spec.get("imagePullSecrets"), list)
    if not (edits or concern or has_pull_secrets) or _vpc_cni_component(obj):
        return None
    removed = _ecr_pull_secrets(obj, pod_spec, ctx, _all_ecr(obj.obj)) if has_pull_secrets else []
    if not (edits or removed):
        return Translation("passthrough", [obj.obj], findings) if concern else None
    new = obj.copy()
    for path, image, target in edits:
        get_path(new, path)["image"] = target
        if not image_reference_error(image):  # templated references are reported (REG-007), never scripted
            ctx.image_copy[image] = target
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
    auths = as_dict(cfg.get("auths")) if key == ".dockerconfigjson" else cfg  # a mapping, as kind is "mixed"
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
