"""Azure resource names: sanitising, validation and deterministic global names.

Rules follow Azure's resource-name rules (azure-docs ``resource-name-rules.md``)
and the AKS docs, as recorded in ``shared/reference/aks_constraints.json``:

* agent pool: ``^[a-z][a-z0-9]{0,11}$`` (Linux), ``^[a-z][a-z0-9]{0,5}$`` (Windows);
* managed cluster: 1–63, alphanumerics, ``-`` and ``_``, alphanumeric at both ends;
* ACR: 5–50 alphanumerics, globally unique;
* Key Vault: 3–24, alphanumerics and ``-``, starts with a letter, ends with a letter
  or digit, no ``--``, globally unique;
* Log Analytics workspace: 4–63, alphanumerics and ``-``, alphanumeric at both ends;
* resource group: 1–90, alphanumerics, ``-_.()``, not ending in ``.``.
"""
from __future__ import annotations

import hashlib
import re
import uuid

POOL_LINUX = re.compile(r"^[a-z][a-z0-9]{0,11}$")
POOL_WINDOWS = re.compile(r"^[a-z][a-z0-9]{0,5}$")
CLUSTER = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$")
ACR = re.compile(r"^[a-zA-Z0-9]{5,50}$")
KEY_VAULT = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")
WORKSPACE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$")
RESOURCE_GROUP = re.compile(r"^[-\w._()]{0,89}[-\w_()]$")
DNS_PREFIX = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-a-zA-Z0-9]{0,52}[a-zA-Z0-9]$")

# Deterministic role-assignment / resource GUIDs live in this namespace.
NAMESPACE = uuid.UUID("6f1c3c1e-5a53-4b6e-9b0e-2f0e8e6a7c11")


def short_hash(*parts: str, length: int = 8) -> str:
    """Lowercase hex digest of ``parts`` (sha256), ``length`` characters."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def stable_guid(*parts: str) -> str:
    """A UUIDv5 from ``parts``: the same inputs always give the same GUID (role assignment names)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def alnum_lower(text: str) -> str:
    """``text`` lowercased with everything but ``a-z0-9`` removed."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def pool_name(group_name: str, windows: bool = False) -> str:
    """AKS agent pool name for an eksctl node group name (may still collide: callers check).

    ``ng-general-purpose`` → ``nggeneralpur``; a leading digit gets an ``np`` prefix.
    """
    base = alnum_lower(group_name) or "pool"
    if not base[0].isalpha():
        base = "np" + base
    return base[: 6 if windows else 12]


def hyphenated(text: str) -> str:
    """``text`` lowercased, runs of other characters turned into single hyphens, trimmed."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-")


def cluster_name(name: str) -> str:
    """Managed cluster name from an EKS cluster name (≤63, valid characters)."""
    out = re.sub(r"[^A-Za-z0-9_-]", "-", name).strip("-_")[:63].strip("-_")
    return out or "aks"


def dns_prefix(name: str) -> str:
    """DNS prefix (≤45 chars, starts with a letter: safe for old and new validators)."""
    out = hyphenated(name)
    if not out or not out[0].isalpha():
        out = "aks-" + out
    return out[:45].strip("-")


def resource_group_name(cluster: str) -> str:
    """``rg-<cluster>`` within 90 characters."""
    return f"rg-{cluster}"[:90].rstrip(".")


def acr_name(stack: str, cluster: str) -> str:
    """Globally unique ACR name: ``acr`` + up to 39 cluster alphanumerics + 8 hex of sha256(stack, cluster)."""
    return ("acr" + alnum_lower(cluster)[:39] + short_hash(stack, cluster))[:50]


KEY_VAULT_SUFFIX = re.compile(r"^[a-z0-9]{1,6}$")


def key_vault_name(stack: str, cluster: str, suffix: str = "") -> str:
    """Globally unique Key Vault name: ``kv-`` + ≤12 cluster chars + ``-`` + 8 hex (≤24 characters, Key Vault's
    3–24 limit).

    ``suffix`` (``eks-to-aks:keyVaultNameSuffix``, 1–6 lowercase letters or digits) gives a new name, e.g.
    after a destroy: a purge-protected vault keeps its name for the 90-day retention. The stem is shortened
    to keep 24 characters: ``kv-`` + ≤(11 - len(suffix)) cluster chars + ``-`` + 8 hex + ``-`` + suffix.

    Raises:
        ValueError: ``suffix`` is not 1–6 lowercase letters or digits.
    """
    if suffix and not KEY_VAULT_SUFFIX.match(suffix):
        raise ValueError(f"eks-to-aks:keyVaultNameSuffix {suffix!r}: use 1-6 lowercase letters or digits")
    if not suffix:
        stem = hyphenated(cluster)[:12].strip("-") or "aks"
        return f"kv-{stem}-{short_hash(stack, cluster)}"
    stem = hyphenated(cluster)[:11 - len(suffix)].strip("-") or "kv"
    return f"kv-{stem}-{short_hash(stack, cluster)}-{suffix}"


def workspace_name(cluster: str) -> str:
    """Log Analytics workspace name ``log-<cluster>`` (≤63)."""
    return ("log-" + (hyphenated(cluster) or "aks"))[:63].strip("-")
