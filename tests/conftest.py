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


# ------------------------------------------------------------------------------------- rule ids actually emitted
# Every Finding built while the tests run is recorded (in this process); at the end of a full run, every rule of
# the catalogue must have been emitted by some test (tests/test_zz_rules_emitted.py reads EMITTED).
EMITTED_RULE_IDS: set[str] = set()


def _record_findings() -> None:
    from translators.findings import Finding

    init = Finding.__init__

    def recording_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        init(self, *args, **kwargs)
        EMITTED_RULE_IDS.add(self.rule_id)

    Finding.__init__ = recording_init  # type: ignore[method-assign]


_record_findings()


FULL_RUN = pytest.StashKey[bool]()
LAST_TEST = "test_catalogue_coverage.py::test_every_catalogued_rule_is_emitted_by_a_test"


def pytest_collection_modifyitems(session, config, items):
    """Move the emitted-rules check last, and note whether this run is the whole suite."""
    last = [i for i in items if i.nodeid.endswith(LAST_TEST)]
    items[:] = [i for i in items if i not in last] + last
    files = {i.path.name for i in items}
    everything = {p.name for p in (ROOT / "tests").glob("test_*.py")}
    config.stash[FULL_RUN] = files == everything and not config.option.keyword and not config.option.markexpr


def pytest_sessionfinish(session, exitstatus):
    import json
    import os

    out = os.environ.get("EKS_TO_AKS_EMITTED_RULES")
    if out:
        Path(out).write_text(json.dumps(sorted(EMITTED_RULE_IDS)))
