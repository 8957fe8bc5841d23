"""The manifest concerns, in chain order: a typed, statically imported registry.

Each :class:`Concern` names the translators of one folder of ``translators/`` (one small function per
kind of change, kustomize-filter style: see :mod:`translators.k8s`) and the ``prepare`` step that indexes the
whole estate before any object is translated. :mod:`translators.workloads` runs them:

1. every concern's ``prepare`` (in this order), then identity planning (it needs the ClusterConfig and the
   other concerns' indexes);
2. per object, the translators of every concern, chained in this order.

Add-ons come first: what they drop (AWS-only controllers) should not collect identity or image findings.
To add a concern, see ``docs/architecture.md`` ("Add a translator").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from translators.addons import translate as addons
from translators.appconfig import translate as appconfig
from translators.backup import translate as backup
from translators.identity import translate as identity
from translators.ingress import loadbalancer
from translators.ingress import translate as ingress
from translators.k8s import K8sObject, Translator, WorkloadContext, kinds_of
from translators.karpenter import translate as karpenter
from translators.network import translate as network
from translators.registry import translate as registry
from translators.secrets import plain as plain_secrets
from translators.secrets import translate as secrets
from translators.storage import translate as storage

Prepare = Callable[[list[K8sObject], WorkloadContext], None]


@dataclass(frozen=True)
class Concern:
    """One manifest concern.

    Attributes:
        name: the concern's folder under ``translators/`` (``storage``, ``ingress``, ...).
        translators: its translator functions, in chain order.
        prepare: indexes the whole estate into ``ctx.indexes`` before translation, or ``None``.
    """

    name: str
    translators: tuple[Translator, ...]
    prepare: Prepare | None = None

    @property
    def kinds(self) -> frozenset[str] | None:
        """The kinds its translators can claim, or ``None`` when one of them is called for every kind."""
        declared = [kinds_of(t) for t in self.translators]
        if any(k is None for k in declared):
            return None
        return frozenset().union(*[k for k in declared if k is not None])


CONCERNS: tuple[Concern, ...] = (
    Concern("addons", tuple(addons.ADDON_TRANSLATORS), addons.prepare),
    Concern("karpenter", tuple(karpenter.KARPENTER_TRANSLATORS)),
    Concern("backup", tuple(backup.BACKUP_TRANSLATORS), backup.prepare),
    Concern("storage", tuple(storage.STORAGE_TRANSLATORS), storage.prepare),
    Concern("ingress", tuple(ingress.INGRESS_TRANSLATORS), ingress.prepare),
    Concern("loadbalancer", tuple(loadbalancer.SERVICE_TRANSLATORS)),
    Concern("network", tuple(network.NETWORK_TRANSLATORS), network.prepare),
    Concern("registry", tuple(registry.REGISTRY_TRANSLATORS), registry.prepare),
    Concern("identity", tuple(identity.IDENTITY_TRANSLATORS)),
    Concern("secrets", tuple(secrets.SECRETS_TRANSLATORS), secrets.prepare),
    Concern("appconfig", tuple(appconfig.APPCONFIG_TRANSLATORS)),
    # last: sees every edit of the chain, and records the values the Pulumi layer marks secret
    Concern("plain_secrets", tuple(plain_secrets.PLAIN_SECRET_TRANSLATORS)),
)
"""Every concern, in chain order."""

plan_identities = identity.plan_identities
drop_service_accounts = identity.drop_service_accounts
