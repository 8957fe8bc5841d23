"""The findings rule catalogue (translators/data/rules/*.yaml) and its generated page docs/rules.md."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from translators.findings import SEVERITIES, catalogue
from translators.reports.formats import AREAS, EFFORTS

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "translators" / "data" / "rules"
REQUIRED = ("title", "area", "severity", "effort", "remediation")
ID = re.compile(r"^[A-Z]{3}-\d{3}$")


def _raw_rules() -> list[tuple[str, str, dict]]:
    """(file name, rule id, body) for every rule of every file, duplicates kept."""
    out = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert isinstance(doc, dict) and isinstance(doc.get("rules", {}), dict), path.name
        out += [(path.name, rid, body) for rid, body in (doc.get("rules") or {}).items()]
    return out


def test_catalogue_loads_and_is_not_empty():
    assert len(catalogue()) == len(_raw_rules()) > 0


def test_rule_ids_are_unique_and_well_formed():
    ids = [rid for _, rid, _ in _raw_rules()]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    assert dups == []
    bad = sorted(f"{name}: {rid!r}" for name, rid, _ in _raw_rules() if not (isinstance(rid, str) and ID.match(rid)))
    assert bad == []


@pytest.mark.parametrize("name,rid,body", _raw_rules(), ids=[f"{n}:{r}" for n, r, _ in _raw_rules()])
def test_rule_has_the_required_fields(name, rid, body):
    assert isinstance(body, dict)
    missing = [k for k in REQUIRED if not (isinstance(body.get(k), str) and body[k].strip())]
    assert missing == [], f"{name} {rid}: missing or empty {missing}"
    assert body["severity"] in SEVERITIES, f"{name} {rid}: severity {body['severity']!r}"
    assert body["effort"] in EFFORTS, f"{name} {rid}: effort {body['effort']!r}"
    assert body["area"] in AREAS, f"{name} {rid}: area {body['area']!r} not in {AREAS}"
    assert isinstance(body.get("blocking", False), bool), f"{name} {rid}: blocking must be true/false"
    assert "\n" not in body["title"].strip()


def test_docs_rules_md_is_up_to_date():
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rules_doc.py"), "--check"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr + "\nrun: python tools/gen_rules_doc.py"


def test_docs_rules_md_lists_every_rule():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rid in catalogue():
        assert f'<a id="{rid.lower()}"></a>{rid} |' in text
    for area in {r.area for r in catalogue().values()}:
        assert f"\n## {area}\n" in text


def test_gen_rules_doc_check_fails_when_stale(tmp_path):
    stale = tmp_path / "rules.md"
    stale.write_text("# old\n", encoding="utf-8")
    tool = [sys.executable, str(ROOT / "tools" / "gen_rules_doc.py"), "--output", str(stale)]
    assert subprocess.run(tool + ["--check"], cwd=ROOT, capture_output=True).returncode == 1
    assert subprocess.run(tool, cwd=ROOT, capture_output=True).returncode == 0
    assert subprocess.run(tool + ["--check"], cwd=ROOT, capture_output=True).returncode == 0
    from translators.reports.formats.markdown import rules_markdown

    assert stale.read_text(encoding="utf-8") == rules_markdown(catalogue().values())
