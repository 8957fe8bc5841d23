"""Add-on builders shared by the test_addons* modules: the ADD- rules of the catalogue and the add-on translators
run over YAML text or objects."""
from __future__ import annotations

from helpers import run as run_translators
from translators.addons.translate import ADDON_TRANSLATORS, prepare
from translators.findings import catalogue
from translators.k8s import K8sObject, WorkloadContext

ADD_RULES = {rid for rid in catalogue() if rid.startswith("ADD-")}


def run(source: str | list[K8sObject], ctx: WorkloadContext | None = None, with_prepare: bool = True):
    """``helpers.run`` over the add-on translators; the default context carries a tenant id."""
    return run_translators(ADDON_TRANSLATORS, source, ctx or WorkloadContext(location="eastus", tenant_id="tenant-1"),
                           prepare if with_prepare else None)
