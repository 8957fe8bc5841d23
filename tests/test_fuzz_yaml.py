"""Bad input never crashes a reader: the YAML source's guards, over the corpus and strategies of ``builders_fuzz``.

Bytes that are not UTF-8, characters YAML does not allow, empty files, several ClusterConfigs in one file and
duplicate keys end in an :class:`~translators.errors.InputError` located at the file (and line); alias bombs and
oversized files are refused naming the limit. Crash-prone inputs (nesting thousands of levels deep, memory bombs
at the real limits) run in a subprocess with a timeout and a memory cap.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import builders_fuzz
from builders_fuzz import (CLUSTER_FILES, CLUSTER_HEAD, FUZZ, MANIFEST_FILES, REPO, assert_located, corpus_docs,
                           corpus_text, dump, node_at, node_paths, run_cluster, run_manifests, write_input)
from translators.input import yamlsource
from translators.input.eksctl import load_cluster_config
from translators.errors import InputError
from translators.input.manifests import load_manifests

work = builders_fuzz.work  # the scratch-directory fixture (bound, not imported: ruff F811 at each use)


# ---------------------------------------------------------------------------------------------- text refused

@FUZZ
@given(data=st.data())
def test_bytes_that_are_not_utf8(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES + MANIFEST_FILES))
    raw = corpus_text(rel).encode("utf-8")
    at = data.draw(st.integers(0, len(raw)))
    bad = data.draw(st.sampled_from([b"\xff", b"\xc3(", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]))
    path = write_input(work / "latin.yaml", raw[:at] + bad + raw[at:])
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
    path = write_input(work / "control.yaml", text[:at] + char + text[at:])
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
    path = write_input(work / "empty.yaml", text)
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
    path = write_input(work / "many.yaml", "\n---\n".join(corpus_text(r) for r in picks))
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
    holders = [p for p in node_paths(doc) if isinstance(node_at(doc, p), dict) and node_at(doc, p)
               and all(isinstance(k, str) and k != "<<" for k in node_at(doc, p))]
    where = data.draw(st.sampled_from(holders))
    key = data.draw(st.sampled_from(sorted(node_at(doc, where))))
    # the duplicate is written by hand (yaml.safe_dump cannot emit one): a marker key, then replaced
    node_at(doc, where)["__DUPLICATE__"] = None
    text = dump([doc]).replace("__DUPLICATE__: null", f"{json.dumps(key, ensure_ascii=False)}: duplicate")
    path = write_input(work / "dup.yaml", text)
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
    path = write_input(work / "bomb.yaml", text)
    with mock.patch.object(yamlsource, "MAX_NODES", limit), pytest.raises(InputError) as ei:
        (load_cluster_config if cluster else _load)(str(path))  # refused either way: bomb or not a valid input
    assert_located(ei.value, path)
    assert (f"document expands to more than {limit:,} nodes (YAML alias bomb?)" in ei.value.message) == (total > limit)


@FUZZ
@given(rel=st.sampled_from(CLUSTER_FILES + MANIFEST_FILES), limit=st.integers(0, 4000))
def test_oversized_files_are_refused_naming_the_limit(work, rel, limit):
    path = write_input(work / "big.yaml", corpus_text(rel))
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
    from translators.input.eksctl import load_cluster_config
    from translators.k8s import WorkloadContext
    from translators.input.manifests import load_manifests
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
