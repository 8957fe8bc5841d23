"""One rule catalogue: code emits only catalogued ids, and every catalogued rule has a test that triggers it."""
from __future__ import annotations

import re
from pathlib import Path

from translators.findings import catalogue

ROOT = Path(__file__).resolve().parents[1]
RULE_ID = re.compile(r"\b([A-Z]{3}-\d{3})\b")


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


def test_every_catalogued_rule_is_triggered_by_a_test():
    tests = [p for p in (ROOT / "tests").glob("test_*.py") if p.name != Path(__file__).name]
    referenced = _ids_in(tests)
    untested = sorted(rid for rid in catalogue() if rid not in referenced)
    assert untested == []
