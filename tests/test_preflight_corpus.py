"""Acceptance of the preflight on real inputs: the bundled example (with its manifests) and every eksctl file of
the shared corpus plan with no deploy-blocking (high) preflight finding left where the preflight has an automatic
fix, and a second preflight run over the fixed plan finds nothing (every fix held)."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import CORPUS
from helpers import EXPECTED_ERRORS, corpus_paths
from translators.checks.preflight import PreflightOptions, preflight_rules, run_preflight
from translators.errors import InputError
from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from translators.findings import Findings

AS_OF = dt.date(2026, 11, 22)
FIXABLE = {r.id for r in preflight_rules().values() if r.auto_fix}


def _check(plan) -> None:
    left = [f for f in plan.findings if f.rule_id in FIXABLE and f.severity == "high"]
    assert left == []
    again = Findings()
    run_preflight(plan, again, PreflightOptions(as_of=AS_OF))
    assert [(f.rule_id, f.message) for f in again if f.rule_id in FIXABLE] == []


def test_bundled_example_has_no_unfixed_blocking_preflight_finding():
    plan = translate_estate(DEFAULT_CLUSTER_CONFIG, TranslateOptions(as_of=AS_OF), [str(DEFAULT_MANIFESTS)])
    _check(plan)
    pre = {f.rule_id for f in plan.findings if f.rule_id.startswith("PRE-")}
    assert {"PRE-001", "PRE-002", "PRE-006", "PRE-007"} <= pre  # karpenter.sh/discovery, autoscaler tags, Windows
    # preflight rules (PRE-001..049) only: the deployment stage's PRE-056 (the example's Velero location still
    # needs eks-to-aks:velero) skips that object, so it does not block the deployment
    assert not [f for f in plan.findings if f.rule_id.startswith("PRE-") and int(f.rule_id[4:]) < 50
                and f.severity == "high"]


PATHS = corpus_paths("eksctl")


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_corpus_eksctl_file_has_no_unfixed_blocking_preflight_finding(path):
    try:
        plan = translate_estate(str(path), TranslateOptions(as_of=AS_OF))
    except InputError:  # only the reviewed refusals of test_corpus_eksctl may end here
        assert str(path.relative_to(CORPUS)) in EXPECTED_ERRORS
        return
    _check(plan)
