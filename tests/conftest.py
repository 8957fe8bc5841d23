"""Shared fixtures: the bundled example translated once, and the stack run under mocks once."""
from __future__ import annotations

import datetime as dt

import pytest
from pathlib import Path

from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, TranslateOptions, translate_estate

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def example_plan():
    """The bundled example estate's AksPlan (version calendar pinned to AS_OF)."""
    return translate_estate(DEFAULT_CLUSTER_CONFIG, TranslateOptions(stack="dev", as_of=AS_OF),
                            [str(DEFAULT_MANIFESTS)])


@pytest.fixture(scope="session")
def example_up(example_plan):
    """The example stack registered under mocks with known fake outputs (an 'up')."""
    from offline.runner import run_offline

    return run_offline(example_plan, stack="dev", preview=False)


@pytest.fixture(scope="session")
def example_preview(example_plan):
    """The example stack registered under mocks with preview semantics."""
    from offline.runner import run_offline

    return run_offline(example_plan, stack="dev", preview=True)

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repo (as CI lays it out), else the workplace's copy. Corpus tests fail, never skip,
# when it is missing.
CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")) if p.is_dir()),
              ROOT.parent / "shared" / "corpus")
