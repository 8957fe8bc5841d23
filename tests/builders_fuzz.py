"""Fuzzing builders shared by the test_fuzz* modules: the corpus files, the readers as fuzz targets checked
against an independent oracle (PyYAML), the scratch-directory fixture and the hypothesis strategies."""
from __future__ import annotations

import copy
import csv
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any
from collections.abc import Callable

import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from conftest import CORPUS
from translators.input.eksctl import load_cluster_config
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.k8s import WorkloadContext
from translators.input.manifests import load_manifests
from translators.workloads import translate_workloads
from translators.input.yamlsource import load_documents

AS_OF = dt.date(2026, 11, 22)
REPO = Path(__file__).resolve().parents[1]

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CLUSTER_HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n"


# ---------------------------------------------------------------------------------------------- corpus

def _corpus_rows() -> list[dict[str, str]]:
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _corpus_rows() if (CORPUS / "PROVENANCE.tsv").is_file() else []
CLUSTER_FILES = sorted(r["path"] for r in ROWS if r["category"] == "eksctl")
MANIFEST_FILES = sorted(r["path"] for r in ROWS if r["category"] not in ("eksctl", "eksctl-schema"))


@cache
def corpus_text(rel: str) -> str:
    """The text of a corpus file (cached)."""
    return (CORPUS / rel).read_text(encoding="utf-8")


@cache
def corpus_docs(rel: str) -> tuple[Any, ...]:
    """The documents of a corpus file as the readers see them (``()`` when the file itself is refused)."""
    try:
        return tuple(d.data for d in load_documents(corpus_text(rel), rel))
    except InputError:
        return ()


# ---------------------------------------------------------------------------------------------- targets

@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A scratch directory per test module for the fuzzed input files."""
    return tmp_path_factory.mktemp("fuzz")


def write_input(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text, surrogates kept, or bytes) to ``path``; returns ``path``."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return path


def assert_located(err: InputError, path: Path) -> None:
    """``str(err)`` is ``<file>:<line> <field>: <message>`` (line and field optional) for ``path``."""
    text = str(err)
    assert err.file == str(path), text
    assert text.startswith(str(path)), text
    assert text[len(str(path)):][:1] in (":", " "), text
    assert "Traceback" not in text


# A small valid estate translated with every ClusterConfig (its identities meet the config's ``iam``).
SMALL_ESTATE = [
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
        "name": "s3-reader", "namespace": "backend-apps",
        "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/s3-reader"}}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "backend-apps"},
     "spec": {"template": {"spec": {"serviceAccountName": "s3-reader",
                                    "containers": [{"name": "api", "image": "111122223333.dkr.ecr.us-east-1"
                                                                             ".amazonaws.com/api:1"}]}}}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "backend-apps"},
     "data": {"AWS_REGION": "us-east-1"}},
]


class _OracleLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader with timestamps and binary kept as text, as the readers keep them."""


_OracleLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


_OracleLoader.add_constructor("tag:yaml.org,2002:binary", yaml.SafeLoader.construct_yaml_str)


def oracle_docs(path: Path) -> list[Any] | None:
    """The non-empty documents of ``path`` by PyYAML (an independent reader), or ``None`` when PyYAML cannot
    build them (it refuses some input the readers take, e.g. unknown tags). Called only after the readers
    accepted the file, so the file is within their size, depth and alias limits."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return [d for d in yaml.load_all(text, Loader=_OracleLoader) if d is not None]
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None


def manifest_violation(docs: list[Any]) -> str | None:
    """The first reason the manifest contract refuses ``docs`` (a document that is not a mapping, a missing
    apiVersion/kind, mistyped metadata, List items that are not mappings), or ``None``."""
    def checked(obj: dict) -> str | None:
        for key in ("apiVersion", "kind"):
            if not isinstance(obj.get(key), str) or not obj.get(key):
                return f"{key} missing or not a string"
        md = obj.get("metadata")
        if md is not None and not isinstance(md, dict):
            return "metadata is not a mapping"
        for key, typ in (("name", str), ("namespace", str), ("labels", dict), ("annotations", dict)):
            if isinstance(md, dict) and md.get(key) is not None and not isinstance(md[key], typ):
                return f"metadata.{key} has the wrong type"
        return None

    for doc in docs:
        if not isinstance(doc, dict):
            return "a document is not a mapping"
        kind = doc.get("kind")
        if kind == "List" or (isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list)):
            items = doc.get("items") or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                return "List items are not a list of mappings"
            bad = next((b for b in map(checked, items) if b), None)
        else:
            bad = checked(doc)
        if bad:
            return bad
    return None


def cluster_violation(docs: list[Any]) -> str | None:
    """The first reason ``load_cluster_config`` must refuse ``docs`` (not exactly one ClusterConfig, another
    apiVersion, metadata that is neither a mapping nor empty), or ``None``."""
    configs = [d for d in docs if isinstance(d, dict) and d.get("kind") == "ClusterConfig"]
    if len(configs) != 1:
        return f"{len(configs)} ClusterConfig documents"
    if configs[0].get("apiVersion") != "eksctl.io/v1alpha5":
        return "apiVersion is not eksctl.io/v1alpha5"
    if configs[0].get("metadata") is not None and not isinstance(configs[0]["metadata"], dict):
        return "metadata is not a mapping"
    return None


def not_utf8_line(path: Path) -> int | None:
    """The 1-based line of the first byte that is not UTF-8, or ``None`` for a UTF-8 file."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    return None


def _assert_error_expected(err: InputError, path: Path) -> None:
    assert_located(err, path)
    line = not_utf8_line(path)
    if line is not None:  # decoding comes first: the error is exactly this one
        assert str(err) == f"{path}:{line}: file is not valid UTF-8"


def _assert_ok_expected(path: Path, violation: Callable[[list[Any]], str | None]) -> None:
    assert not_utf8_line(path) is None, "a file that is not UTF-8 was accepted"
    docs = oracle_docs(path)
    if docs is not None:
        bad = violation(docs)
        assert bad is None, f"accepted although {bad}"


def _emitted_well_formed(objects: list[dict[str, Any]]) -> None:
    for o in objects:
        assert isinstance(o.get("apiVersion"), str) and o["apiVersion"], o
        assert isinstance(o.get("kind"), str) and o["kind"], o
        assert o.get("metadata") is None or isinstance(o["metadata"], dict), o


def run_cluster(path: Path) -> str:
    """ClusterConfig readers on ``path``, alone and with :data:`SMALL_ESTATE`: ``"ok"`` or ``"error"``.

    The outcome is checked against an independent oracle: a file that is not UTF-8 must be exactly that
    error; a file PyYAML reads as not exactly one ``eksctl.io/v1alpha5`` ClusterConfig with mapping metadata
    must be an error; an accepted file gives a plan with a System pool. An error is a located InputError;
    any other exception fails the test."""
    manifests = path.parent / "small-estate.yaml"
    if not manifests.exists():
        manifests.write_text(dump(SMALL_ESTATE), encoding="utf-8")
    try:
        load_cluster_config(str(path))
        plans = [translate_estate(str(path), TranslateOptions(stack="fuzz", as_of=AS_OF), m)
                 for m in (None, [str(manifests)])]
    except InputError as err:
        _assert_error_expected(err, path)
        return "error"
    _assert_ok_expected(path, cluster_violation)
    for plan in plans:
        assert plan.node_pools and plan.node_pools[0].mode == "System"
    assert plans[1].workloads is not None
    _emitted_well_formed(plans[1].workloads.objects)
    return "ok"


def run_manifests(path: Path) -> str:
    """Manifest readers on ``path``: ``"ok"`` or ``"error"``, checked against the oracle as in
    :func:`run_cluster` (not UTF-8 → exactly that error; a document PyYAML reads as breaking the manifest
    contract → an error; accepted → every object accounted for, every emitted object well formed)."""
    try:
        objects = load_manifests([str(path)])
        result = translate_workloads(objects, WorkloadContext())
    except InputError as err:
        _assert_error_expected(err, path)
        return "error"
    _assert_ok_expected(path, manifest_violation)
    assert sum(result.counts.values()) == len(objects)
    _emitted_well_formed(result.objects)
    return "ok"


def run_pulumi(path: Path, cluster: Path | None = None) -> str:
    """The whole chain through the Pulumi layer: translate ``path`` as manifests (with ``cluster``, the bundled
    example's ClusterConfig by default; or ``path`` as the ClusterConfig when ``cluster`` is ``path``) and run
    the real program under the offline plan runner. ``"error"`` is a located InputError raised before
    Pulumi; an accepted estate must register one Kubernetes resource per emitted object and one
    ManagedCluster; any exception from the Pulumi layer fails the test."""
    from offline.runner import run_offline
    from translators.plan import object_key

    config = str(cluster or REPO / "examples" / "cluster.yaml")
    manifests = None if cluster == path else [str(path)]
    try:
        plan = translate_estate(config, TranslateOptions(stack="fuzz", as_of=AS_OF), manifests)
    except InputError as err:
        assert_located(err, path)
        return "error"
    result = run_offline(plan, stack="fuzz")
    types = [r["type"] for r in result.resources]
    assert types.count("azure-native:containerservice:ManagedCluster") == 1
    k8s = [t for t in types if t.startswith("kubernetes:") and not t.startswith("kubernetes:helm.sh/")]
    skipped = set(plan.deploy.skipped) if plan.deploy else set()  # kinds the API server would not know (PRE-052)
    sent = [o for o in (plan.workloads.objects if plan.workloads else []) if object_key(o) not in skipped]
    assert len(k8s) == len(sent)
    return "ok"


def run_both(path: Path) -> tuple[str, str]:
    """:func:`run_cluster` and :func:`run_manifests` on ``path``."""
    return run_cluster(path), run_manifests(path)


# ---------------------------------------------------------------------------------------------- strategies

UNICODE_SAMPLES = ["🚀🔥", "ζ-名前-имя", "\u202egnp.exe\u202c", "\u200fשלום\u200e", "a\u0301\u0308", "\ufeffbom",
                   "tab\there", "bell\x07esc\x1b[31m", "\x7f\x85\u2028\u2029", "\U0001F600" * 20, "\ud7ff\ue000"]

TEXTY = st.one_of(st.sampled_from(UNICODE_SAMPLES + ["", " ", "${VAR}", "$(VAR)", "{{ .Values.x }}", "<name>",
                                                     "0x1f", "1e400", "-0", "~", "null", "yes", "no", "on",
                                                     "2024-01-01", "10**30", "9" * 400, "*a", "&a", "!!binary",
                                                     "a: b", "- x", "[", "}"]),
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40))

HUGE = st.sampled_from([10**30, -10**30, 2**63, -2**63 - 1, 2**31, -1, 0, 1.5, -0.0, 1e308, float("inf"),
                        float("-inf"), float("nan")])

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), HUGE, TEXTY)

VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXTY, inner, max_size=4)), max_leaves=12)


def node_paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys and indexes) into ``node``, the root's ``()`` first."""
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += node_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += node_paths(v, path + (i,))
    return out


def node_at(root: Any, path: tuple) -> Any:
    """The node of ``root`` at ``path``."""
    for p in path:
        root = root[p]
    return root


def _nest(value: Any, depth: int, flavour: str) -> Any:
    for i in range(depth):
        value = [value] if flavour == "list" or (flavour == "mixed" and i % 2) else {"k": value}
    return value


@st.composite
def mutated(draw: st.DrawFn, docs: tuple[Any, ...]) -> list[Any]:
    """``docs`` with 1-3 mutations: a wrong type, a deletion, a renamed key, or deep nesting."""
    docs = [copy.deepcopy(d) for d in docs]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(docs) - 1))
        path = draw(st.sampled_from(node_paths(docs[i])))
        op = draw(st.sampled_from(["retype", "retype", "huge", "unicode", "delete", "rename", "nest"]))
        if op == "delete" and path:
            del node_at(docs[i], path[:-1])[path[-1]]
            continue
        if op == "rename" and path and isinstance(path[-1], str):
            parent = node_at(docs[i], path[:-1])
            parent[draw(TEXTY)] = parent.pop(path[-1])
            continue
        old = node_at(docs[i], path)
        if op == "huge":
            new = draw(HUGE)
        elif op == "unicode":
            new = draw(TEXTY)
        elif op == "nest":
            new = _nest(old, draw(st.integers(1, 240)), draw(st.sampled_from(["list", "dict", "mixed"])))
        else:  # a value of another type: int <-> str <-> list <-> dict
            new = draw(VALUES.filter(lambda v, old=old: type(v) is not type(old)))
        if path:
            node_at(docs[i], path[:-1])[path[-1]] = new
        else:
            docs[i] = new
    return docs


def dump(docs: list[Any]) -> str:
    """YAML text of ``docs`` (unicode kept, keys in order, no line wrapping)."""
    return yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False, width=4096)


# YAML-significant fragments, so that random text reaches past the first syntax error.
TOKENS = ["\n", "\n  ", "\n    ", " ", "- ", ": ", "? ", ",", "[", "]", "{", "}", "&a ", "*a", "<<: *a", "!!str ",
          "!!int ", "!!map ", "!custom ", "---\n", "...\n", "'q'", '"d\\x41"', "#c", "|\n  x", ">-\n  y", "%YAML 1.1\n",
          "kind: ClusterConfig\n", "apiVersion: eksctl.io/v1alpha5\n", "apiVersion: v1\n", "kind: Deployment\n",
          "metadata:\n  name: x\n", "spec:\n  template:\n    spec:\n      containers:\n        - name: c\n",
          "managedNodeGroups:\n  - name: ng\n", "name", "0", "1e9", "~", "true", *UNICODE_SAMPLES]

RANDOM_TEXT = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
                        st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
