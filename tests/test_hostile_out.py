"""Output folders and files (issue #14): ``translate --out`` writes only into a new, empty or tool-owned folder
and removes only its own stale files, every output is checked before the work and written staged, and no
output overwrites or lands among the inputs. Input faults: tests/test_hostile_io.py.

The tests run as root, so read-only folders and full disks are simulated by making the system call raise the
error a normal user would get (``EROFS``, ``ENOSPC``).
"""
from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import pytest
import yaml

from translators import __main__ as cli
from translators.reports import outdir

from builders_hostile import CLUSTER, cm, manifests, one_error, run_cli, run_main


# ------------------------------------------------------------------------------ translate --out

def named(out: Path, suffix: str) -> list[str]:
    """File names in ``out`` ending in ``suffix`` (the apply-order prefix varies)."""
    return sorted(n for n in os.listdir(out) if n.endswith(suffix))


def translate(capsys, folder: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_main(capsys, "translate", "--cluster-config", CLUSTER, "--manifests", str(folder), "--out", str(out),
                    *extra)


def test_out_is_tool_owned_and_stale_files_are_removed(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"), cm("b"))
    out = tmp_path / "out"
    assert translate(capsys, folder, out)[0] == 0
    first = set(os.listdir(out))
    [b] = named(out, "-configmap-shop-b.yaml")
    assert len(named(out, "-configmap-shop-a.yaml")) == 1 and outdir.MARKER in first
    marker = json.loads((out / outdir.MARKER).read_text())
    assert marker == {"tool": "eks-to-aks", "files": sorted(first - {outdir.MARKER})}
    (out / "notes.txt").write_text("mine")  # a file the user added: never removed
    manifests(folder, cm("a"))  # a smaller run
    assert translate(capsys, folder, out)[0] == 0
    now = set(os.listdir(out))
    second = json.loads((out / outdir.MARKER).read_text())["files"]
    assert b not in now and named(out, "-configmap-shop-b.yaml") == []
    assert now == set(second) | {outdir.MARKER, "notes.txt"}  # every stale file of the first run is gone
    assert len(second) == len(first) - 2  # one object fewer (the marker is not listed)
    assert not [n for n in now if n.startswith(".eks-to-aks-staging-")]


def test_foreign_non_empty_folder_is_refused_before_the_work(capsys, monkeypatch, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    out = tmp_path / "mine"
    out.mkdir()
    (out / "002-configmap-shop-a.yaml").write_text("precious")
    monkeypatch.setattr(cli, "translate_estate", lambda *a, **k: pytest.fail("translated before checking --out"))
    code, stdout, err = translate(capsys, folder, out)
    assert (code, stdout) == (1, "")
    one_error(err, f"{out}: folder is not empty and was not written by eks-to-aks; choose an empty or new folder, "
                   "or pass --force to write into it (files of the same names are replaced)")
    assert (out / "002-configmap-shop-a.yaml").read_text() == "precious"


def test_force_writes_into_a_foreign_folder_and_keeps_other_files(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("keep")
    assert translate(capsys, folder, out, "--force")[0] == 0
    [a] = named(out, "-configmap-shop-a.yaml")
    (out / a).write_text("old")
    assert translate(capsys, folder, out)[0] == 0  # now tool-owned: no --force needed
    assert (out / "keep.txt").read_text() == "keep"
    assert yaml.safe_load((out / a).read_text())["data"] == {"k": "1"}


def test_foreign_marker_is_refused(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    out = tmp_path / "out"
    out.mkdir()
    (out / outdir.MARKER).write_text('{"tool": "other", "files": ["../../etc/passwd"]}')
    code, _, err = translate(capsys, folder, out, "--force")
    assert code == 1
    assert err.startswith(f"error: {out / outdir.MARKER}: not an eks-to-aks output marker (")
    assert err.endswith("); remove it or choose another folder\n") and err.count("\n") == 1


def test_out_is_a_file(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = translate(capsys, folder, target)
    assert code == 1
    one_error(err, f"{target}: is a file, not a folder; choose a folder for --out")
    assert target.read_text() == "x"


def test_out_below_a_file(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    (tmp_path / "file").write_text("x")
    code, _, err = translate(capsys, folder, tmp_path / "file" / "out")
    assert code == 1
    one_error(err, f"{tmp_path / 'file' / 'out'}: {tmp_path / 'file'} is a file, not a folder")


def _read_only(monkeypatch, folder: Path) -> None:
    """Creating files in ``folder`` fails with EROFS, as on a read-only mount (root ignores chmod)."""
    real = tempfile.mkstemp

    def mkstemp(*a, dir=None, **k):
        if dir is not None and Path(dir) == folder:
            raise OSError(errno.EROFS, "Read-only file system")
        return real(*a, dir=dir, **k)

    monkeypatch.setattr(outdir.tempfile, "mkstemp", mkstemp)


def test_read_only_out_is_refused_before_the_plan_is_printed(capsys, monkeypatch, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    _read_only(monkeypatch, ro)
    monkeypatch.setattr(cli, "translate_estate", lambda *a, **k: pytest.fail("translated before checking --out"))
    for argv in (["translate", "--out", str(ro / "out")], ["translate", "--out", str(ro)],
                 ["plan", "--json", str(ro / "plan.json")], ["analyze", "--out", str(ro / "r.md")]):
        code, out, err = run_main(capsys, *argv)
        assert (code, out) == (1, ""), argv
        shown = argv[-1]
        one_error(err, f"{shown}: cannot write here: read-only file system")


def test_disk_full_while_writing_a_new_folder_leaves_nothing(capsys, monkeypatch, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"), cm("b"))
    parent = tmp_path / "dest"
    parent.mkdir()
    calls = {"n": 0}
    real_write = os.write

    def write(fd, data):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(outdir.os, "write", write)
    code, out, err = translate(capsys, folder, parent / "out")
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {parent / 'out'}/") and err.endswith(
        ": cannot write: no space left on device; the output folder was left as it was\n")
    assert os.listdir(parent) == []  # no partial folder, no temporary folder


def test_disk_full_while_rewriting_keeps_the_previous_output(capsys, monkeypatch, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    out = tmp_path / "out"
    assert translate(capsys, folder, out)[0] == 0
    before = {n: (out / n).read_bytes() for n in os.listdir(out)}
    manifests(folder, cm("a", "2"), cm("c"))

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outdir.os, "write", full)
    code, _, err = translate(capsys, folder, out)
    assert code == 1 and "cannot write: no space left on device" in err and err.count("\n") == 1
    assert {n: (out / n).read_bytes() for n in os.listdir(out)} == before


def test_disk_full_on_analyze_report(capsys, monkeypatch, tmp_path):
    report = tmp_path / "report.md"
    report.write_text("previous report")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outdir.os, "write", full)
    code, out, err = run_main(capsys, "analyze", "--out", str(report))
    assert (code, out) == (1, "")
    one_error(err, f"{report}: cannot write: no space left on device; nothing was written")
    assert report.read_text() == "previous report" and os.listdir(tmp_path) == ["report.md"]


def test_long_object_name_gets_a_short_file_name(capsys, tmp_path):
    name = "a" * 253
    folder = manifests(tmp_path / "m", cm(name, ns="n" * 63))
    out = tmp_path / "out"
    code, _, err = translate(capsys, folder, out)
    assert (code, err) == (0, "")
    long = [n for n in os.listdir(out) if "-configmap-" in n]
    assert len(long) == 1 and len(long[0].encode()) <= 255
    assert yaml.safe_load((out / long[0]).read_text())["metadata"]["name"] == name


def test_out_inside_the_manifests_folder_is_not_read_back(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    out = folder / "out"
    for _ in range(2):
        code, stdout, err = translate(capsys, folder, out)
        assert (code, err) == (0, "")
        assert stdout.endswith(": 0 translated, 1 passthrough, 0 dropped\n")


def test_out_holding_the_inputs_is_refused(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    code, _, err = translate(capsys, folder, folder, "--force")
    assert code == 1
    one_error(err, f"{folder}: the output folder would hold the input {folder}; choose another folder")
    code, _, err = translate(capsys, folder, tmp_path, "--force")
    assert code == 1
    one_error(err, f"{tmp_path}: the output folder would hold the input {folder}; choose another folder")


# ------------------------------------------------------------------------------ analyze / plan --out

def test_analyze_refuses_to_overwrite_an_input(capsys, tmp_path):
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text(Path(CLUSTER).read_text())
    before = cluster.read_bytes()
    code, out, err = run_main(capsys, "analyze", "--cluster-config", str(cluster), "--out", str(cluster))
    assert (code, out) == (1, "")
    one_error(err, f"{cluster}: is an input file ({cluster}); refusing to overwrite it")
    folder = manifests(tmp_path / "m", cm("a"))
    code, _, err = run_main(capsys, "analyze", "--cluster-config", str(cluster), "--manifests", str(folder),
                            "--out", str(folder / "app.yaml"))
    assert code == 1
    one_error(err, f"{folder / 'app.yaml'}: lies inside the manifests folder {folder} and would be read as input by "
                   "the next run; write it elsewhere")
    code, _, err = run_main(capsys, "analyze", "--cluster-config", str(cluster), "--manifests", str(folder / "app.yaml"),
                            "--out", str(folder / "app.yaml"))
    assert code == 1
    one_error(err, f"{folder / 'app.yaml'}: is an input file ({folder / 'app.yaml'}); refusing to overwrite it")
    assert cluster.read_bytes() == before


def test_analyze_json_inside_the_manifests_folder_is_refused(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    code, _, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder),
                            "--format", "json", "--out", str(folder / "report.json"))
    assert code == 1
    one_error(err, f"{folder / 'report.json'}: lies inside the manifests folder {folder} and would be read as input "
                   "by the next run; write it elsewhere")


def test_analyze_markdown_inside_the_manifests_folder_is_fine(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    report = folder / "report.md"
    for _ in range(2):
        code, _, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder),
                                "--out", str(report))
        assert (code, err) == (0, "")
    assert report.read_text().startswith("# ")
    assert sorted(os.listdir(folder)) == ["app.yaml", "report.md"]


def test_analyze_out_is_a_folder(capsys, tmp_path):
    code, _, err = run_main(capsys, "analyze", "--out", str(tmp_path))
    assert code == 1
    one_error(err, f"{tmp_path}: is a folder; --out needs a file name")


def test_no_traceback_for_any_fault_in_a_subprocess(tmp_path):
    """The same faults through the real entry point: exit 1, one ``error:`` line, no traceback."""
    (tmp_path / "f").write_text("x")
    cases = [("analyze", "--cluster-config", str(tmp_path)),
             ("translate", "--out", str(tmp_path / "f")),
             ("analyze", "--cluster-config", CLUSTER, "--out", CLUSTER)]
    for argv in cases:
        res = run_cli(*argv, timeout=120)
        assert res.returncode == 1, argv
        assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_disk_full_on_plan_json_leaves_no_partial_file(capsys, monkeypatch, tmp_path):
    target = tmp_path / "plan.json"

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outdir.os, "write", full)
    code, _, err = run_main(capsys, "plan", "--json", str(target))
    assert code == 1
    one_error(err, f"{target}: cannot write: no space left on device; nothing was written")
    assert os.listdir(tmp_path) == []
