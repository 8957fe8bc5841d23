"""Bad input never crashes a reader: property-based tests over every reader.

Every case ends in a translation (with findings) or an :class:`~translators.errors.InputError`
whose ``str()`` starts with the file path (``file:line field: message``); never another
exception type, a hang, or unbounded memory. Readers: ``load_cluster_config`` +
``translate_estate`` (ClusterConfig documents), ``load_manifests`` + ``translate_workloads``
(manifests). Inputs: random YAML text and documents, mutations of the real corpus files
(wrong types, deleted fields, huge numbers, unicode, deep nesting, bytes that are not UTF-8,
several ClusterConfigs in one file, duplicate keys, alias bombs), and names that collide
once sanitised. Crash-prone inputs (nesting thousands of levels deep, memory bombs at the
real limits) run in a subprocess with a timeout and a memory cap.
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import CORPUS  # noqa: E402
from translators import yamlsource
from translators.eksctl import load_cluster_config
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.findings import Findings
from translators.identity import CREDENTIAL_NAME, IDENTITY_NAME, plan_identities
from translators.k8s import WorkloadContext, load_manifests, split_objects
from translators.naming import POOL_LINUX, POOL_WINDOWS, pool_name
from translators.workloads import translate_workloads
from translators.yamlsource import load_documents

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
    return (CORPUS / rel).read_text(encoding="utf-8")


@cache
def corpus_docs(rel: str) -> tuple[Any, ...]:
    """The documents of a corpus file as the readers see them (``()`` when the file itself is refused)."""
    try:
        return tuple(d.data for d in load_documents(corpus_text(rel), rel))
    except InputError:
        return ()


def test_corpus_is_present():
    assert len(CLUSTER_FILES) >= 70 and len(MANIFEST_FILES) >= 150, CORPUS


# ---------------------------------------------------------------------------------------------- targets

@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(path: Path, content: str | bytes) -> Path:
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


def run_cluster(path: Path) -> str:
    """ClusterConfig readers on ``path``, alone and with :data:`SMALL_ESTATE`: ``"ok"`` or ``"error"``
    (located InputError); anything else raises."""
    manifests = path.parent / "small-estate.yaml"
    if not manifests.exists():
        manifests.write_text(dump(SMALL_ESTATE), encoding="utf-8")
    try:
        load_cluster_config(str(path))
        plans = [translate_estate(str(path), TranslateOptions(stack="fuzz", as_of=AS_OF), m)
                 for m in (None, [str(manifests)])]
    except InputError as err:
        assert_located(err, path)
        return "error"
    for plan in plans:
        assert plan.node_pools and plan.node_pools[0].mode == "System"
    return "ok"


def run_manifests(path: Path) -> str:
    """Manifest readers on ``path``: ``"ok"`` or ``"error"`` (located InputError); anything else raises."""
    try:
        objects = load_manifests([str(path)])
        result = translate_workloads(objects, WorkloadContext())
    except InputError as err:
        assert_located(err, path)
        return "error"
    assert sum(result.counts.values()) == len(objects)
    return "ok"


def run_both(path: Path) -> tuple[str, str]:
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


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, path + (i,))
    return out


def _get(root: Any, path: tuple) -> Any:
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
        path = draw(st.sampled_from(_paths(docs[i])))
        op = draw(st.sampled_from(["retype", "retype", "huge", "unicode", "delete", "rename", "nest"]))
        if op == "delete" and path:
            del _get(docs[i], path[:-1])[path[-1]]
            continue
        if op == "rename" and path and isinstance(path[-1], str):
            parent = _get(docs[i], path[:-1])
            parent[draw(TEXTY)] = parent.pop(path[-1])
            continue
        old = _get(docs[i], path)
        if op == "huge":
            new = draw(HUGE)
        elif op == "unicode":
            new = draw(TEXTY)
        elif op == "nest":
            new = _nest(old, draw(st.integers(1, 240)), draw(st.sampled_from(["list", "dict", "mixed"])))
        else:  # a value of another type: int <-> str <-> list <-> dict
            new = draw(VALUES.filter(lambda v, old=old: type(v) is not type(old)))
        if path:
            _get(docs[i], path[:-1])[path[-1]] = new
        else:
            docs[i] = new
    return docs


def dump(docs: list[Any]) -> str:
    return yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False, width=4096)


# YAML-significant fragments, so that random text reaches past the first syntax error.
TOKENS = ["\n", "\n  ", "\n    ", " ", "- ", ": ", "? ", ",", "[", "]", "{", "}", "&a ", "*a", "<<: *a", "!!str ",
          "!!int ", "!!map ", "!custom ", "---\n", "...\n", "'q'", '"d\\x41"', "#c", "|\n  x", ">-\n  y", "%YAML 1.1\n",
          "kind: ClusterConfig\n", "apiVersion: eksctl.io/v1alpha5\n", "apiVersion: v1\n", "kind: Deployment\n",
          "metadata:\n  name: x\n", "spec:\n  template:\n    spec:\n      containers:\n        - name: c\n",
          "managedNodeGroups:\n  - name: ng\n", "name", "0", "1e9", "~", "true", *UNICODE_SAMPLES]
RANDOM_TEXT = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
                        st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))


# ---------------------------------------------------------------------------------------------- random input

@FUZZ
@given(text=RANDOM_TEXT)
def test_random_yaml_text(work, text):
    run_both(_write(work / "random.yaml", text))


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(work, data):
    run_both(_write(work / "bytes.yaml", data))


SCHEMA_KEYS = ["metadata", "vpc", "iam", "managedNodeGroups", "nodeGroups", "fargateProfiles", "addons",
               "cloudWatch", "kubernetesNetworkConfig", "secretsEncryption", "identityProviders", "karpenter",
               "availabilityZones", "privateCluster", "accessConfig", "autoModeConfig", "gitops", "zonalShiftConfig"]


@FUZZ
@given(doc=st.fixed_dictionaries(
    {"metadata": st.one_of(st.fixed_dictionaries({"name": TEXTY}, optional={"region": TEXTY, "version": SCALARS,
                                                                          "tags": VALUES}), VALUES)},
    optional={k: VALUES for k in SCHEMA_KEYS[1:]}))
def test_random_cluster_config_documents(work, doc):
    run_cluster(_write(work / "cluster.yaml", CLUSTER_HEAD + dump([doc])))


@FUZZ
@given(doc=st.fixed_dictionaries({"apiVersion": st.sampled_from(["v1", "apps/v1", "networking.k8s.io/v1",
                                                                  "storage.k8s.io/v1", "karpenter.sh/v1",
                                                                  "secrets-store.csi.x-k8s.io/v1", "elbv2.k8s.aws/v1beta1"]),
                                  "kind": st.sampled_from(["Deployment", "Service", "Ingress", "StorageClass",
                                                           "NodePool", "Secret", "ConfigMap", "ServiceAccount",
                                                           "SecretProviderClass", "PersistentVolumeClaim", "List"])},
                                 optional={"metadata": VALUES, "spec": VALUES, "data": VALUES, "items": VALUES}))
def test_random_manifest_documents(work, doc):
    run_manifests(_write(work / "manifest.yaml", dump([doc])))


# ---------------------------------------------------------------------------------------------- corpus mutations

@FUZZ
@given(data=st.data())
def test_mutated_corpus_cluster_configs(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES))
    docs = corpus_docs(rel)
    assume(docs)
    run_cluster(_write(work / "cluster.yaml", dump(data.draw(mutated(docs)))))


@FUZZ
@given(data=st.data())
def test_mutated_corpus_manifests(work, data):
    rel = data.draw(st.sampled_from(MANIFEST_FILES))
    docs = corpus_docs(rel)
    assume(docs)
    run_manifests(_write(work / "manifests.yaml", dump(data.draw(mutated(docs)))))


@st.composite
def text_edits(draw: st.DrawFn, text: str) -> str:
    """``text`` with raw edits: inserted fragments or unicode, a deleted span, a duplicated line, truncation."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "insert", "delete", "dup-line", "truncate"]))
        if op == "insert":
            text = text[:at] + draw(st.one_of(st.sampled_from(TOKENS), TEXTY)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "dup-line":
            lines = text.splitlines(keepends=True) or [""]
            n = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: n + 1] + lines[n:])
        else:
            text = text[:at]
    return text


@FUZZ
@given(data=st.data())
def test_text_edits_of_corpus_files(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES + MANIFEST_FILES))
    path = _write(work / "edited.yaml", data.draw(text_edits(corpus_text(rel))))
    if rel in CLUSTER_FILES:
        run_cluster(path)
    else:
        run_manifests(path)


@FUZZ
@given(data=st.data())
def test_bytes_that_are_not_utf8(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES + MANIFEST_FILES))
    raw = corpus_text(rel).encode("utf-8")
    at = data.draw(st.integers(0, len(raw)))
    bad = data.draw(st.sampled_from([b"\xff", b"\xc3(", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]))
    path = _write(work / "latin.yaml", raw[:at] + bad + raw[at:])
    for load in (load_cluster_config, _load):
        with pytest.raises(InputError) as ei:
            load(str(path))
        assert_located(ei.value, path)
        assert "not valid UTF-8" in ei.value.message and ei.value.line == raw[:at].count(b"\n") + 1


# characters YAML 1.1 does not allow anywhere in a stream
FORBIDDEN = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85),
                              *range(0x86, 0xA0), 0xFFFE, 0xFFFF]]


@FUZZ
@given(data=st.data())
def test_forbidden_characters_name_their_line(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES + MANIFEST_FILES))
    assume(corpus_docs(rel))  # a file that loads: no earlier error comes first
    text = corpus_text(rel)
    at = data.draw(st.integers(0, len(text)))
    char = data.draw(st.sampled_from(FORBIDDEN))
    path = _write(work / "control.yaml", text[:at] + char + text[at:])
    for load in (load_cluster_config, _load):
        with pytest.raises(InputError) as ei:
            load(str(path))
        assert_located(ei.value, path)
        assert (ei.value.line, ei.value.message) == (text[:at].count("\n") + 1, f"character U+{ord(char):04X} is "
                                                     "not allowed in YAML (control characters are not allowed)")


def _load(path: str | Path) -> None:
    """The manifest loader (raises InputError)."""
    load_manifests([str(path)])


@pytest.mark.parametrize("text", ["", "\n", "   \n\n", "# only a comment\n", "---\n---\n", "\ufeff"])
def test_empty_files(work, text):
    path = _write(work / "empty.yaml", text)
    with pytest.raises(InputError) as ei:
        load_cluster_config(str(path))
    assert str(ei.value) == f"{path} kind: no document with kind: ClusterConfig found"
    assert load_manifests([str(path)]) == []
    assert run_manifests(path) == "ok"


@FUZZ
@given(data=st.data())
def test_several_cluster_configs_in_one_file(work, data):
    picks = data.draw(st.lists(st.sampled_from(CLUSTER_FILES), min_size=2, max_size=3))
    counts = [sum(isinstance(d, dict) and d.get("kind") == "ClusterConfig" for d in corpus_docs(r)) for r in picks]
    assume(all(counts))
    path = _write(work / "many.yaml", "\n---\n".join(corpus_text(r) for r in picks))
    with pytest.raises(InputError) as ei:
        load_cluster_config(str(path))
    assert_located(ei.value, path)
    assert f"{sum(counts)} ClusterConfig documents in one file" in str(ei.value)
    assert run_cluster(path) == "error"


@FUZZ
@given(data=st.data())
def test_duplicate_keys(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES + MANIFEST_FILES))
    docs = [d for d in corpus_docs(rel) if isinstance(d, dict) and d]
    assume(docs)
    doc = copy.deepcopy(data.draw(st.sampled_from(docs)))
    holders = [p for p in _paths(doc) if isinstance(_get(doc, p), dict) and _get(doc, p)
               and all(isinstance(k, str) and k != "<<" for k in _get(doc, p))]
    where = data.draw(st.sampled_from(holders))
    key = data.draw(st.sampled_from(sorted(_get(doc, where))))
    # the duplicate is written by hand (yaml.safe_dump cannot emit one): a marker key, then replaced
    _get(doc, where)["__DUPLICATE__"] = None
    text = dump([doc]).replace("__DUPLICATE__: null", f"{json.dumps(key, ensure_ascii=False)}: duplicate")
    path = _write(work / "dup.yaml", text)
    with pytest.raises(InputError) as ei:
        (load_cluster_config if rel in CLUSTER_FILES else _load)(str(path))
    assert_located(ei.value, path)
    assert ei.value.message == f"duplicate key {key!r}", text


# ---------------------------------------------------------------------------------------------- bounded resources

def bomb(levels: int, width: int, key: str = "lol") -> str:
    """A "billion laughs" document: ``width ** levels`` nodes from a few hundred bytes."""
    out = [f"l0: &l0 [{', '.join([repr(key)] * width)}]"]
    out += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(out) + "\n"


@FUZZ
@given(levels=st.integers(2, 9), width=st.integers(2, 9), cluster=st.booleans(), limit=st.sampled_from([3_000, 20_000]))
def test_alias_bombs_are_refused_naming_the_limit(work, levels, width, cluster, limit):
    sizes = [1 + width]  # converted nodes of l0, l1, ...
    for _ in range(1, levels):
        sizes.append(1 + width * sizes[-1])
    total = 1 + sum(1 + s for s in sizes) + (10 if cluster else 0)  # + root, keys, the ClusterConfig head
    text = (CLUSTER_HEAD + "metadata: {name: bomb, region: us-east-1}\n" if cluster else "") + bomb(levels, width)
    path = _write(work / "bomb.yaml", text)
    with mock.patch.object(yamlsource, "MAX_NODES", limit), pytest.raises(InputError) as ei:
        (load_cluster_config if cluster else _load)(str(path))  # refused either way: bomb or not a valid input
    assert_located(ei.value, path)
    assert (f"document expands to more than {limit:,} nodes (YAML alias bomb?)" in ei.value.message) == (total > limit)


@FUZZ
@given(rel=st.sampled_from(CLUSTER_FILES + MANIFEST_FILES), limit=st.integers(0, 4000))
def test_oversized_files_are_refused_naming_the_limit(work, rel, limit):
    path = _write(work / "big.yaml", corpus_text(rel))
    size = path.stat().st_size
    with mock.patch.object(yamlsource, "MAX_FILE_BYTES", limit):
        for load in (load_cluster_config, _load):
            try:
                load(str(path))
            except InputError as err:
                assert_located(err, path)
                if size > limit:
                    assert str(err) == f"{path}: file is {size:,} bytes; the limit is {limit:,} bytes"
                continue
            assert size <= limit


# A child process per batch: a reader that recursed per nesting level would kill the interpreter (C stack)
# or hang; the parent sees that as a non-zero exit or a timeout. RLIMIT_AS caps its memory.
CHILD = textwrap.dedent("""
    import json, resource, sys
    sys.path.insert(0, sys.argv[1])
    from translators.errors import InputError
    from translators.eksctl import load_cluster_config
    from translators.k8s import WorkloadContext, load_manifests
    from translators.workloads import translate_workloads
    limit = int(sys.argv[2]) * 2 ** 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = []
    for path in sys.argv[3:]:
        for name, run in (("cluster", lambda p: load_cluster_config(p)),
                          ("manifests", lambda p: translate_workloads(load_manifests([p]), WorkloadContext()))):
            try:
                run(path)
                out.append([path, name, "ok", ""])
            except InputError as err:
                out.append([path, name, "error", str(err)])
            except BaseException as err:  # noqa: BLE001 - reported to the parent
                out.append([path, name, "crash", repr(err)[:300]])
    print(json.dumps(out))
""")


def run_child(paths: list[Path], memory_mb: int = 1024, timeout: int = 60) -> list[list[str]]:
    res = subprocess.run([sys.executable, "-c", CHILD, str(REPO), str(memory_mb), *map(str, paths)],
                         capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout)


def test_deep_nesting_in_a_subprocess(tmp_path):
    import random

    rnd = random.Random(20261122)
    openers = {"[": "]", "{a: ": "}", "- ": None, "a:\n": None, "? ": None}
    texts = {"flow-seq": "[" * 100_000 + "]" * 100_000, "flow-map": "{a: " * 50_000 + "1" + "}" * 50_000,
             "block-seq": "".join("  " * i + "-\n" for i in range(2_000)),
             "block-map": "".join(" " * i + "k:\n" for i in range(3_000)),
             "compact-seq": "- " * 30_000 + "x\n",
             "cluster": CLUSTER_HEAD + "metadata: {name: deep, region: us-east-1}\nvpc:\n  cidr: " + "[" * 5_000}
    for n in range(12):  # random mixes of openers: block ones up to 1,500 levels, flow ones up to 60,000
        depth, parts, closers = rnd.randint(250, 1_500) if n % 2 else rnd.randint(2_000, 60_000), [], []
        for i in range(depth):
            op = rnd.choice(list(openers) if depth <= 1_500 else ["[", "{a: "])
            parts.append((" " * i if op in ("- ", "a:\n", "? ") else "") + op)
            closers.append(openers[op] or "")
        texts[f"mixed-{n}"] = "".join(parts) + "x" + "".join(reversed(closers))
    paths = []
    for name, text in texts.items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    results = run_child(paths, timeout=120)
    assert len(results) == 2 * len(paths)
    for path, target, status, message in results:
        assert status in ("ok", "error"), (path, target, message)
        if status == "error":
            assert message.startswith(path), message
    deep = [r for r in results if not Path(r[0]).name.startswith("mixed")]
    assert all(r[2] == "error" and "nesting deeper than 200 levels" in r[3] for r in deep if r[1] == "manifests"), deep


def test_memory_bombs_at_the_real_limits_in_a_subprocess(tmp_path):
    """At the default MAX_NODES / MAX_FILE_BYTES: refused, or read within 1 GiB of address space."""
    deep_anchor = ("z: " + "[" * 190 + "[&a ['lol','lol','lol','lol','lol','lol','lol','lol','lol'],"
                   + ",".join(f"&{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]" for i in range(5))
                   + "]" + "]" * 190 + "\n")  # 600 bytes, 600,000 nodes 190 levels deep
    flat = "[" + "1," * (yamlsource.MAX_FILE_BYTES // 2 - 8) + "1]\n"  # 8 million nodes just under the file limit
    cases = {"bomb": bomb(9, 9), "cluster-bomb": CLUSTER_HEAD + "metadata: {name: b}\n" + bomb(9, 9),
             "deep-anchor": deep_anchor, "flat": flat}
    paths = []
    for name, text in cases.items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(text, encoding="utf-8")
    results = {(Path(p).stem, t): (s, m) for p, t, s, m in run_child(paths, memory_mb=1024, timeout=120)}
    for (name, target), (status, message) in results.items():
        assert status in ("ok", "error"), (name, target, message)
    for target in ("cluster", "manifests"):
        for name in ("bomb", "cluster-bomb", "flat"):
            status, message = results[(name, target)]
            assert status == "error" and f"more than {yamlsource.MAX_NODES:,} nodes" in message, (name, message)
        assert results[("deep-anchor", target)][0] == "error"  # no ClusterConfig / no apiVersion, once read


# ---------------------------------------------------------------------------------------------- names

GROUP_NAME = st.text(st.sampled_from("abcXYZ019-_. "), min_size=1, max_size=16).filter(lambda s: s.strip())


@FUZZ
@given(groups=st.lists(st.tuples(st.sampled_from(["managedNodeGroups", "nodeGroups"]), GROUP_NAME,
                                 st.sampled_from(["AmazonLinux2023", "WindowsServer2022FullContainer"])),
                       min_size=1, max_size=5, unique_by=lambda g: g[1]))
def test_node_group_names_collide_only_with_an_error_naming_both(work, groups):
    body = ""
    for kind in ("managedNodeGroups", "nodeGroups"):
        mine = [g for g in groups if g[0] == kind]
        if mine:
            body += f"{kind}:\n" + "".join(f"  - name: {json.dumps(n)}\n    instanceType: m5.xlarge\n"
                                           f"    amiFamily: {ami}\n" for _, n, ami in mine)
    path = _write(work / "groups.yaml", CLUSTER_HEAD + "metadata: {name: c, region: us-east-1}\n" + body)
    ordered = [g for kind in ("managedNodeGroups", "nodeGroups") for g in groups if g[0] == kind]
    names = [pool_name(n, windows=ami.startswith("Windows")) for _, n, ami in ordered]
    try:
        plan = translate_estate(str(path), TranslateOptions(as_of=AS_OF))
    except InputError as err:
        assert_located(err, path)
        assert len(set(names)) < len(names), str(err)
        first = next(i for i, n in enumerate(names) if n in names[:i])
        earlier = names.index(names[first])
        assert f"({ordered[earlier][1]})" in err.message and f"({ordered[first][1]})" in err.message, err.message
        assert err.field == f"{ordered[first][0]}[{[g for g in ordered if g[0] == ordered[first][0]].index(ordered[first])}].name"
        return
    assert len(set(names)) == len(names)
    pools = [p.name for p in plan.node_pools]
    assert len(pools) == len(set(pools))
    for p in plan.node_pools:
        assert (POOL_WINDOWS if p.os_type == "Windows" else POOL_LINUX).match(p.name), p.name


def test_ng_1_and_ng_1_underscore_name_both_sources(work):
    path = _write(work / "ng.yaml", CLUSTER_HEAD + "metadata: {name: c, region: us-east-1}\n"
                  "managedNodeGroups:\n  - name: ng-1\nnodeGroups:\n  - name: ng_1\n")
    with pytest.raises(InputError) as ei:
        translate_estate(str(path), TranslateOptions(as_of=AS_OF))
    assert str(ei.value).startswith(f"{path}:7 nodeGroups[0].name: node group names managedNodeGroups[0] (ng-1) "
                                    "and nodeGroups[0] (ng_1) both become AKS pool name 'ng1'")


ROLE = st.text(st.sampled_from(list("aA-_.@+=,/1") + ["é", "🚀", " "]), min_size=1, max_size=150)
NS = st.sampled_from(["default", "shop", "Shop", "a-b", "a_b", "x" * 63])
SA = st.text(st.sampled_from("ab-._1"), min_size=1, max_size=70)


@FUZZ
@given(accounts=st.lists(st.tuples(NS, SA, st.one_of(st.none(), ROLE)), min_size=1, max_size=60,
                         unique_by=lambda a: (a[0], a[1])))
def test_identity_names_stay_valid_and_unique(accounts):
    docs = []
    for ns, name, role in accounts:
        md: dict[str, Any] = {"name": name, "namespace": ns}
        if role is not None:
            md["annotations"] = {"eks.amazonaws.com/role-arn": f"arn:aws:iam::111122223333:role/{role}"}
        docs.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": md})
        # every account also reads secrets, so that accounts without a role get an identity too
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"d{len(docs)}", "namespace": ns},
                     "spec": {"template": {"spec": {"serviceAccountName": name, "containers": [{"name": "c", "image": "i"}],
                                                    "volumes": [{"name": "s", "csi": {"driver": "secrets-store.csi.k8s.io",
                                                                 "volumeAttributes": {"secretProviderClass": "spc"}}}]}}}})
    docs += [{"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
              "metadata": {"name": "spc", "namespace": ns},
              "spec": {"provider": "aws", "parameters": {"objects": "- objectName: db\n"}}} for ns in {a[0] for a in accounts}]
    objects = [o for d in load_documents(dump(docs), "sa.yaml") for o in split_objects(d)]
    ctx, findings = WorkloadContext(), Findings()
    plan = plan_identities(None, objects, ctx, findings)
    names = [i.name for i in plan.identities]
    assert len({n.lower() for n in names}) == len(names), names  # Azure resource names ignore case
    assert all(IDENTITY_NAME.match(n) for n in names), names
    for ident in plan.identities:
        creds = [c.name for c in ident.federated]
        assert len({c.lower() for c in creds}) == len(creds) and all(CREDENTIAL_NAME.match(c) for c in creds), creds
        assert 1 <= len(ident.federated) <= 20
    assert set(ctx.service_account_identities) == {(ns, name) for ns, name, _ in accounts}
    assert set(ctx.service_account_identities.values()) <= set(names)
    # the whole chain accepts the plan (placeholders name planned identities only)
    result = translate_workloads(objects, WorkloadContext())
    planned = {i.name for i in result.identities.identities}
    for o in result.objects:
        for ident in re.findall(r"\$\{IDENTITY_CLIENT_ID:([^}]+)\}", json.dumps(o)):
            assert ident in planned
