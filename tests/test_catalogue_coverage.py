"""One rule catalogue: code emits only catalogued ids, and every catalogued rule is emitted by some test
(recorded as findings are built: ``conftest.EMITTED_RULE_IDS``)."""
from __future__ import annotations

import re

import pytest
from pathlib import Path

from translators.findings import catalogue

ROOT = Path(__file__).resolve().parents[1]
RULE_ID = re.compile(r"\b([A-Z]{3}-\d{3})\b")


def test_every_catalogued_rule_is_emitted_by_a_test(request):
    """Runs last (conftest orders it): every rule of the catalogue was built as a Finding by some test of this run.

    Needs the whole suite: a run of a subset (file arguments, ``-k``, ``-m``) skips it."""
    from conftest import EMITTED_RULE_IDS, FULL_RUN

    if not request.config.stash.get(FULL_RUN, False):
        pytest.skip("needs the whole test suite")
    missing = sorted(set(catalogue()) - EMITTED_RULE_IDS)
    assert missing == []


def _ids_in(paths) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for p in paths:
        for rid in RULE_ID.findall(p.read_text(encoding="utf-8")):
            found.setdefault(rid, set()).add(str(p.relative_to(ROOT)))
    return found


def test_code_emits_only_catalogued_ids():
    code = [p for p in (ROOT / "translators").rglob("*") if p.is_file() and p.suffix in (".py", ".csv")]
    code += [ROOT / "program.py", *(ROOT / "landing_zone").glob("*.py")]
    emitted = _ids_in(code)
    unknown = {rid: sorted(where) for rid, where in emitted.items() if rid not in catalogue()}
    assert unknown == {}

