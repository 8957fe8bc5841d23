"""Line-aware, bounded YAML loading (translators/input/yamlsource.py)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from translators.input import yamlsource
from translators.errors import InputError, field_path
from translators.input.yamlsource import load_documents, load_file, read_text

REPO = Path(__file__).resolve().parents[1]


def load(text: str, file: str = "in.yaml"):
    return list(load_documents(textwrap.dedent(text), file))


DOC = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: demo
  tags:
    team: a
managedNodeGroups:
  - name: ng-1
    labels: {role: web}
  -
    name: ng-2
    taints:
      - key: k
        effect: NoSchedule
"""


@pytest.mark.parametrize("path, line", [
    (("apiVersion",), 1),
    (("kind",), 2),
    (("metadata",), 3),
    (("metadata", "name"), 4),
    (("metadata", "tags", "team"), 6),
    (("managedNodeGroups",), 7),
    (("managedNodeGroups", 0), 8),
    (("managedNodeGroups", 0, "name"), 8),
    (("managedNodeGroups", 0, "labels", "role"), 9),
    (("managedNodeGroups", 1), 11),  # the item node starts at its first key, not at the bare dash
    (("managedNodeGroups", 1, "name"), 11),
    (("managedNodeGroups", 1, "taints", 0), 13),
    (("managedNodeGroups", 1, "taints", 0, "effect"), 14),
])
def test_line_numbers_of_keys_and_items(path, line):
    (doc,) = load(DOC)
    assert doc.line_of(*path) == line


def test_line_of_unknown_path_falls_back_to_deepest_known_prefix():
    (doc,) = load(DOC)
    assert doc.line_of("managedNodeGroups", 0, "nonexistent", "deeper") == 8
    assert doc.line_of("nope") == doc.start_line == 1


def test_values_are_plain_python():
    (doc,) = load(DOC)
    assert doc.data["managedNodeGroups"][0] == {"name": "ng-1", "labels": {"role": "web"}}
    assert doc.data["managedNodeGroups"][1]["taints"] == [{"key": "k", "effect": "NoSchedule"}]


@pytest.mark.parametrize("text, expected", [
    ("a: 1\n", 1),
    ("a: 1.5\n", 1.5),
    ("a: yes\n", True),  # YAML 1.1 booleans, as eksctl (sigs.k8s.io/yaml) reads them
    ("a: ~\n", None),
    ("a: '007'\n", "007"),
    ("a: 2024-01-01\n", "2024-01-01"),  # timestamps stay strings
    ("a: 0x1f\n", 31),
])
def test_scalar_resolution(text, expected):
    (doc,) = load(text)
    assert doc.data["a"] == expected
    assert type(doc.data["a"]) is type(expected)


def test_multi_document_start_lines_and_indexes():
    docs = load("""\
        a: 1
        ---
        # comment only
        ---

        b: 2
        """)
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert [d.index for d in docs] == [0, 2]
    assert docs[1].start_line == 6
    assert docs[1].line_of("b") == 6


def test_merge_keys_are_resolved_and_earlier_explicit_keys_win():
    (doc,) = load("""\
        base: &b {x: 1, y: 2}
        child:
          y: 3
          <<: *b
        """)
    assert doc.data["child"] == {"x": 1, "y": 3}


def test_merged_keys_keep_the_lines_where_they_are_written():
    (doc,) = load("""\
        a: &a
          x: 1
          deep: {k: v}
        b: &b
          z: [1, 2]
        one:
          <<: *a
          y: 3
        many:
          <<: [*a, *b]
        """)
    assert doc.data["many"] == {"x": 1, "deep": {"k": "v"}, "z": [1, 2]}
    assert [doc.line_of("one", k) for k in ("x", "deep", "y")] == [2, 3, 8]
    assert doc.line_of("one", "deep", "k") == 3
    assert [doc.line_of("many", k) for k in ("x", "deep", "z")] == [2, 3, 5]
    assert doc.line_of("many", "z", 1) == 5
    assert doc.line_of("one", "x", "below-a-scalar") == 2


def test_explicit_key_after_merge_overrides_merged_key():
    (doc,) = load("""\
        base: &b {x: 1, y: 2}
        child:
          <<: *b
          y: 3
        """)
    assert doc.data["child"] == {"x": 1, "y": 3}


def test_duplicate_key_is_an_error_naming_the_second_occurrence():
    with pytest.raises(InputError) as ei:
        load("""\
            metadata:
              name: a
              region: us-east-1
              name: b
            """)
    err = ei.value
    assert (err.line, err.field) == (4, "metadata.name")
    assert "duplicate key 'name'" in err.message
    assert str(err) == "in.yaml:4 metadata.name: duplicate key 'name'"


def test_duplicate_key_inside_list_item_names_the_index():
    with pytest.raises(InputError) as ei:
        load("""\
            nodeGroups:
              - name: a
                minSize: 1
                minSize: 2
            """)
    assert (ei.value.line, ei.value.field) == (4, "nodeGroups[0].minSize")


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(["*" + chr(97 + i)] * 10) + "]\n" for i in range(8))


def test_alias_bomb_refused_with_limit_in_message(monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_NODES", 5_000)
    with pytest.raises(InputError) as ei:
        load(BOMB)
    assert "more than 5,000 nodes" in ei.value.message
    assert "alias bomb" in ei.value.message


def test_alias_bomb_refused_at_the_real_limit():
    # 10**9 expanded nodes; the converter must stop at MAX_NODES, not expand the whole document
    with pytest.raises(InputError) as ei:
        load(BOMB)
    assert f"more than {yamlsource.MAX_NODES:,} nodes" in ei.value.message


def test_aliases_below_the_limit_are_expanded():
    (doc,) = load("a: &a {k: v}\nb: [*a, *a]\n")
    assert doc.data["b"] == [{"k": "v"}, {"k": "v"}]


def test_deep_nesting_refused_with_limit_in_message():
    depth = yamlsource.MAX_DEPTH + 50
    with pytest.raises(InputError) as ei:
        load("a: " + "[" * depth + "]" * depth + "\n")
    assert f"nesting deeper than {yamlsource.MAX_DEPTH} levels" in ei.value.message
    assert ei.value.line == 1


def test_nesting_at_the_limit_is_accepted():
    depth = yamlsource.MAX_DEPTH - 2
    (doc,) = load("a: " + "[" * depth + "]" * depth + "\n")
    node = doc.data["a"]
    for _ in range(depth - 1):
        node = node[0]
    assert node == []


DEEP = 30_000  # libyaml's composer recursion crashes the interpreter from ~25,000 levels


@pytest.mark.parametrize("text", [
    pytest.param("a: " + "[" * DEEP + "]" * DEEP + "\n", id="flow-sequences"),
    pytest.param("{a: " * DEEP + "}" * DEEP + "\n", id="flow-mappings"),
    pytest.param("- " * DEEP + "x\n", id="block-sequences"),
    pytest.param("&a [" * DEEP + "]" * DEEP + "\n", id="anchored"),
    pytest.param("? " * DEEP + "x\n", id="explicit-keys"),
])
def test_very_deep_nesting_is_an_input_error_not_a_crash(tmp_path, text):
    src = tmp_path / "deep.yaml"
    src.write_text(text, encoding="utf-8")
    code = ("import sys\nfrom translators.input.yamlsource import load_file\nfrom translators.errors import InputError\n"
            "try:\n    load_file(sys.argv[1])\nexcept InputError as e:\n    print('INPUTERROR', e.message)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(src)], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, f"interpreter died with {proc.returncode}"
    assert "INPUTERROR" in proc.stdout and "nesting" in proc.stdout


@pytest.mark.parametrize("text, line", [
    ("a: 1\nb: [1, 2\nc: 3\n", 3),
    ("a: b: c\n", 1),
    ("metadata:\n  name: x\n   region: y\n", 3),
    ("a: 1\nb: 'unterminated\n", 3),
    ("a:\n  - x\n - y\n", 3),
])
def test_syntax_error_names_the_line(text, line):
    with pytest.raises(InputError) as ei:
        load(text, "bad.yaml")
    assert ei.value.line == line
    assert ei.value.message.startswith("YAML syntax error: ")
    assert str(ei.value).startswith(f"bad.yaml:{line}: YAML syntax error")


def test_non_utf8_file_is_an_error_naming_the_line(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes(b"a: 1\nb: 2\nname: caf\xe9\n")
    with pytest.raises(InputError) as ei:
        load_file(p)
    assert (ei.value.file, ei.value.line) == (str(p), 3)
    assert "not valid UTF-8" in ei.value.message


def test_utf8_bom_is_accepted(tmp_path):
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbfa: caf\xc3\xa9\n")
    assert load_file(p)[0].data == {"a": "café"}


def test_oversize_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", 64)
    p = tmp_path / "big.yaml"
    p.write_text("a: " + "x" * 100 + "\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_file(p)
    assert ei.value.line is None
    assert "104 bytes" in ei.value.message and "limit is 64 bytes" in ei.value.message


def test_file_at_the_size_limit_is_read(tmp_path, monkeypatch):
    p = tmp_path / "ok.yaml"
    p.write_text("a: " + "x" * 61 + "\n", encoding="utf-8")
    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", p.stat().st_size)
    assert read_text(p).startswith("a: x")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as ei:
        load_file(tmp_path / "nope.yaml")
    assert "cannot read file" in ei.value.message


def test_non_scalar_mapping_key_is_refused():
    with pytest.raises(InputError) as ei:
        load("? [a, b]\n: 1\n")
    assert "mapping keys must be scalars" in ei.value.message


def test_source_doc_error_is_located():
    (doc,) = load(DOC)
    err = doc.error(("managedNodeGroups", 1, "taints", 0, "effect"), "bad effect")
    assert str(err) == "in.yaml:14 managedNodeGroups[1].taints[0].effect: bad effect"


@pytest.mark.parametrize("path, text", [
    (("managedNodeGroups", 0, "minSize"), "managedNodeGroups[0].minSize"),
    ((), ""),
    (("a", 0, 1, "b"), "a[0][1].b"),
])
def test_field_path(path, text):
    assert field_path(path) == text


@pytest.mark.parametrize("text, line", [
    ("a: 1\nb: *nope\n", 2),
    ("a: &a [1, *a]\n", 1),  # an anchor is complete only at its end: no recursive structures
])
def test_alias_without_a_complete_anchor_is_an_error_naming_the_line(text, line):
    with pytest.raises(InputError) as ei:
        load(text, "alias.yaml")
    assert ei.value.line == line and "names no complete anchor" in ei.value.message


def test_collector_pause_restores_the_previous_state():
    import gc

    from translators.gcpause import gc_paused

    was = gc.isenabled()
    try:
        gc.enable()
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # only the outermost block re-enables
        assert gc.isenabled()
        gc.disable()
        with gc_paused():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
