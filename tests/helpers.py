"""Helpers shared by the translator tests."""
from __future__ import annotations

import csv
import textwrap
from pathlib import Path

from conftest import CORPUS
from translators.k8s import K8sObject, split_objects
from translators.yamlsource import load_documents


def load(text: str, file: str = "in.yaml") -> list[K8sObject]:
    """Objects of a YAML string (dedented), with ``file`` as their source for findings."""
    return [o for d in load_documents(textwrap.dedent(text), file) for o in split_objects(d)]


def corpus_paths(*categories: str) -> list[Path]:
    """Corpus files of the given PROVENANCE.tsv categories (fails, never skips, when the corpus is missing)."""
    assert (CORPUS / "PROVENANCE.tsv").is_file(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return [CORPUS / r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] in categories]


def first_result(translators, obj: K8sObject, ctx):
    """The result of the first translator in ``translators`` that claims ``obj`` (``None`` if none does)."""
    for translate in translators:
        res = translate(obj, ctx)
        if res is not None:
            return res
    return None


def corpus_objects(*categories: str) -> list[K8sObject]:
    """Every object of the corpus files in ``categories``; files refused with an InputError are left out."""
    from translators.errors import InputError
    from translators.k8s import load_manifests

    paths = corpus_paths(*categories)
    assert len(paths) >= 30
    objs: list[K8sObject] = []
    for p in paths:
        try:
            objs += load_manifests([p])
        except InputError:
            continue
    return objs
