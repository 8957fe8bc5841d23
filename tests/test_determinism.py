"""Two runs on the same input give byte-identical artefacts, whatever the hash seed.

Every command (``plan --json``, ``analyze`` in the four formats, ``translate --out``) runs twice as a
user runs it (a subprocess from the repository root), with a different ``PYTHONHASHSEED`` each time
so that an ordering taken from a ``set`` or ``dict`` of strings would show. Estates: the bundled
example, and a corpus-based one (an eksctl example with IAM service accounts plus every manifest
file of the shared corpus that loads on its own).
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import CORPUS  # noqa: E402
from translators.errors import InputError
from translators.input.duplicates import identity
from translators.input.manifests import load_manifests

REPO = Path(__file__).resolve().parents[1]
SEEDS = ("1", "4242")  # PYTHONHASHSEED of run "a" and run "b"
FORMATS = ("md", "json", "sarif", "konveyor")
CORPUS_CLUSTER = CORPUS / "eksctl-io__eksctl/examples/13-iamserviceaccounts.yaml"


def corpus_manifests() -> list[str]:
    """Every corpus manifest file that loads on its own (the others are InputError test material) and
    defines no object an earlier file defines differently (unrelated examples reuse names such as
    ``Pod/app``; one estate refuses such a pair)."""
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] not in ("eksctl", "eksctl-schema")]
    out, seen = [], {}
    for rel in rows:
        try:
            objects = load_manifests([str(CORPUS / rel)])
        except InputError:
            continue
        if any(seen.get(identity(o), o.obj) != o.obj for o in objects):
            continue
        seen.update((identity(o), o.obj) for o in objects if o.name)
        out.append(str(CORPUS / rel))
    assert len(out) >= 100, len(out)  # 105 of the 174 that load alone (the rest each redefine an earlier object)
    return out


def commands(inputs: list[str], out: Path) -> dict[str, list[str]]:
    cmds = {"plan": ["plan", *inputs, "--json", str(out / "plan.json")],
            "translate": ["translate", *inputs, "--out", str(out / "translated")]}
    cmds.update({f"analyze-{fmt}": ["analyze", *inputs, "--format", fmt] for fmt in FORMATS})
    return cmds


def run(args: list[str], seed: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    res = subprocess.run([sys.executable, "-m", "translators", *args], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=600)
    return res.returncode, res.stdout, res.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """{(estate, run): {"results": {command: (rc, stdout, stderr)}, "out": folder}} for runs "a" and "b"."""
    manifests = corpus_manifests()
    assert CORPUS_CLUSTER.is_file() and len(manifests) >= 100, CORPUS
    estates = {"example": [], "corpus": ["--cluster-config", str(CORPUS_CLUSTER), "--manifests", *manifests]}
    jobs = {}
    layout = {}
    for estate, inputs in estates.items():
        for name, seed in zip("ab", SEEDS):
            out = tmp_path_factory.mktemp(f"{estate}-{name}")
            layout[(estate, name)] = out
            for cmd, args in commands(inputs, out).items():
                jobs[(estate, name, cmd)] = (args, seed)
    # the slow plans first, so that the pool stays busy
    order = sorted(jobs, key=lambda k: k[2] != "plan")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {k: pool.submit(run, *jobs[k]) for k in order}
        results = {k: f.result() for k, f in futures.items()}
    return {(e, n): {"results": {c: results[(e, n, c)] for (e2, n2, c) in jobs if (e2, n2) == (e, n)},
                     "out": layout[(e, n)]} for (e, n) in layout}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("estate", ["example", "corpus"])
def test_every_command_succeeds(runs, estate):
    for name in "ab":
        for cmd, (rc, _, stderr) in runs[(estate, name)]["results"].items():
            assert rc == 0, (estate, name, cmd, stderr[-3000:])


@pytest.mark.parametrize("estate", ["example", "corpus"])
@pytest.mark.parametrize("cmd", ["plan", *(f"analyze-{f}" for f in FORMATS)])
def test_console_output_is_identical(runs, estate, cmd):
    a, b = (runs[(estate, n)]["results"][cmd] for n in "ab")
    assert a[1] and a[1] == b[1], f"{estate} {cmd}: stdout differs between PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}"
    assert a[2] == b[2]


@pytest.mark.parametrize("estate", ["example", "corpus"])
def test_plan_json_is_identical(runs, estate):
    a, b = ((runs[(estate, n)]["out"] / "plan.json").read_bytes() for n in "ab")
    assert len(a) > 1000 and a == b


@pytest.mark.parametrize("estate", ["example", "corpus"])
def test_translated_manifests_are_identical(runs, estate):
    a, b = (files(runs[(estate, n)]["out"] / "translated") for n in "ab")
    assert list(a) == list(b)
    assert sum(name.endswith(".yaml") for name in a) > 20 and {"report.txt", "findings.json"} <= set(a)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
    stdout = [runs[(estate, n)]["results"]["translate"][1].replace(str(runs[(estate, n)]["out"]), "OUT") for n in "ab"]
    assert stdout[0] == stdout[1]
