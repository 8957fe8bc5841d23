"""Run the real Pulumi program (``program.build``) under :mod:`offline.mocks` and collect the plan.

No Pulumi CLI, no cloud credentials, no network: the SDK's mock monitor stands in
for the engine, with preview semantics (``dry_run=True``).
"""
from __future__ import annotations

import copy
import gc
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from translators.plan import AksPlan

from .mocks import UNKNOWN_TEXT, PreviewMocks, RecordingMonitor, scrub

PROJECT = "eks-to-aks"
OFFLINE_WINDOWS_PASSWORD = "offline-plan-placeholder"  # never deployed: the offline plan has no engine
REGISTRATION_BATCH = 500  # Kubernetes objects in flight at once (program.build: bounds the plan's memory)
YOUNG_GC_THRESHOLD = 2000  # allocations between young-generation collections during registration
NEVER = 1_000_000  # collections of the young generation before an older one is collected: not during the run


@dataclass
class OfflinePlan:
    """What a preview would create: ``resources`` in a stable tree order (parents first), scrubbed ``outputs``."""

    resources: list[dict[str, Any]]
    outputs: dict[str, Any]


def run_offline(plan: AksPlan, stack: str = "dev", config: dict[str, str] | None = None,
                preview: bool = True) -> OfflinePlan:
    """Register every resource of ``plan`` under mocks and return them.

    Args:
        plan: the translated estate.
        stack: Pulumi stack name (logical names and deterministic global names).
        config: extra ``eks-to-aks:*`` config values (strings).
        preview: preview semantics (computed outputs unknown); ``False`` gives known fake values (tests).
    """
    pulumi_settings.set_root_resource(None)  # type: ignore[arg-type]  # a fresh Stack per run
    mocks = PreviewMocks(preview)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=preview, monitor=monitor)
    values = {f"{PROJECT}:windowsAdminPassword": OFFLINE_WINDOWS_PASSWORD, **(config or {})}
    set_all_config(values, secret_keys=[f"{PROJECT}:windowsAdminPassword", f"{PROJECT}:secretValues"])
    import program  # the same module the Pulumi CLI runs

    def program_func() -> None:
        pulumi.runtime.register_stack_transformation(_without_aliases)
        program.build(plan, registration_batch=REGISTRATION_BATCH)

    # Registration allocates millions of short-lived objects while every registered resource stays alive. Full
    # collections walk that growing heap again and again (measured: 79 s -> 31 s at 10,000 objects without them),
    # but without any collection the reference cycles the SDK leaves behind (one per Output, per contains_unknowns
    # call, ...) pile up: so freeze what exists, then collect only the young generation while registering.
    gc.collect()
    gc.freeze()
    gc_was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, NEVER, NEVER)
    gc.enable()
    try:
        _sync_await(run_pulumi_func(program_func))
        outputs = {name: _resolve(value) for name, value in _stack_outputs().items()}
        resources = _tree(monitor.recorded)  # still with the collector held back: the heap is at its largest
    finally:
        getattr(pulumi_settings.SETTINGS, "rpc_manager").clear()  # noqa: B009 - untyped in the SDK
        gc.set_threshold(*thresholds)
        if not gc_was_enabled:
            gc.disable()
        gc.unfreeze()
    return OfflinePlan(resources, outputs)


def _tree(recorded: list[Any]) -> list[dict[str, Any]]:
    """The recorded registrations in a stable tree order (parents first), inputs scrubbed, ``dependsOn`` the
    ``"<type>::<name>"`` of each dependency (sorted)."""
    urns = {r.urn: r for r in recorded}

    def lineage(r: Any) -> tuple:
        """(type, name) pairs from the root down: a stable order (registration order is async)."""
        chain = []
        while r is not None:
            chain.append((r.type, r.name))
            r = urns.get(r.parent)
        return tuple(reversed(chain))

    resources = []
    for r in sorted(recorded, key=lineage):
        parent = urns.get(r.parent)
        resources.append({"type": r.type, "name": r.name, "parent": parent.name if parent else "",
                          "parentType": parent.type if parent else "pulumi:pulumi:Stack",
                          "inputs": scrub(r.inputs),
                          "dependsOn": sorted(f"{urns[d].type}::{urns[d].name}" for d in r.dependencies if d in urns)})
    return resources


def _without_aliases(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """Drop a resource's aliases (pulumi-azure-native gives every resource one per API version, ManagedCluster
    over 100). Aliases only match resources already in a stack's state and the offline plan has no state, so
    the plan is the same without them; resolving them would cost more Outputs than the resource itself.
    """
    if not args.opts.aliases:
        return None
    opts = copy.copy(args.opts)
    opts.aliases = None
    return pulumi.ResourceTransformationResult(args.props, opts)


def _stack_outputs() -> dict[str, Any]:
    root = pulumi_settings.get_root_resource()
    return dict(getattr(root, "outputs", {}) or {})


def _resolve(value: Any) -> Any:
    """A stack output as a preview shows it: secrets hidden, unknowns marked."""
    out = pulumi.Output.from_input(value)
    if _sync_await(out.is_secret()):
        return "[secret]"
    if not _sync_await(out.is_known()):
        return UNKNOWN_TEXT
    return scrub(_sync_await(out.future()))
