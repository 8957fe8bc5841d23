"""Architecture rules: translators are pure (never import Pulumi); test modules share builders, not each other."""
from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_translators_do_not_import_pulumi_statically():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "translators").rglob("*.py")
                 if re.search(r"^\s*(import pulumi|from pulumi)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_importing_every_translator_module_loads_no_pulumi():
    import translators

    names = [m.name for m in pkgutil.walk_packages(translators.__path__, "translators.")]
    assert {"translators.estate", "translators.storage.disk", "translators.reports.formats.sarif"} <= set(names)
    code = ("import importlib, sys\n"
            f"for n in {names!r}: importlib.import_module(n)\n"
            "bad = sorted(m for m in sys.modules if m == 'pulumi' or m.startswith('pulumi'))\n"
            "print(','.join(bad))\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


def test_every_data_table_states_its_provenance():
    tables = [p for p in (ROOT / "translators" / "data").iterdir() if p.suffix in (".csv", ".tsv")]
    assert len(tables) > 30
    missing = [p.name for p in tables if not p.read_text(encoding="utf-8").startswith("# provenance:")]
    assert missing == []


def test_the_pulumi_layer_reads_only_the_plan():
    """``landing_zone/`` and ``workloads/`` take everything from ``translators.plan`` (the typed hand-over)."""
    imports = re.compile(r"^\s*(?:from|import)\s+(translators[\w.]*)", re.M)
    used = {(str(p.relative_to(ROOT)), mod) for folder in ("landing_zone", "workloads") for p in (ROOT / folder).rglob("*.py")
            for mod in imports.findall(p.read_text(encoding="utf-8"))}
    assert used and {mod for _, mod in used} == {"translators.plan"}, sorted(used)


def test_every_concern_folder_is_registered():
    """Every folder of a manifest concern has its translators in the static registry, in a fixed chain order."""
    from translators.concerns import CONCERNS

    folders = {p.parent.name for p in (ROOT / "translators").glob("*/translate.py")}
    assert {c.name for c in CONCERNS} == folders | {"loadbalancer", "plain_secrets"}
    assert all(c.translators for c in CONCERNS)


def test_no_test_module_imports_another_test_module():
    """Shared builders live in tests/helpers.py, tests/builders_*.py and conftest.py, never in a ``test_*`` module."""
    offenders = []
    for p in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"), str(p))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{p.name}:{node.lineno} {n}" for n in names if n.split(".")[0].startswith("test_")]
    assert offenders == []
