"""Faults and hostile file-system input end in one error line and exit 1 (issue #14): never a traceback,
a hang, unbounded memory, a silent skip, an overwritten input, or a partial output.

The tests run as root, so unreadable files and read-only folders are simulated by making the system call
raise the error a normal user would get (``PermissionError``, ``EROFS``, ``ENOSPC``).
"""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from translators import __main__ as cli
from translators.errors import InputError
from translators.input import files as input_files
from translators.input.manifests import load_manifests
from translators.reports import outdir
from translators.input.yamlsource import read_text

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = str(ROOT / "examples" / "cluster.yaml")


def cm(name: str, value: str = "1", ns: str = "shop") -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": {"k": value}}


def manifests(folder: Path, *docs: dict, name: str = "app.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    return folder


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*argv: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in a subprocess, as a user runs it (a hang fails the test through ``timeout``)."""
    return subprocess.run([sys.executable, "-m", "translators", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def one_error(err: str, expected: str) -> None:
    assert err == f"error: {expected}\n"


# ------------------------------------------------------------------------------ --cluster-config faults

def test_cluster_config_is_a_folder(capsys, tmp_path):
    one_error(run_main(capsys, "analyze", "--cluster-config", str(tmp_path))[2],
              f"{tmp_path}: is a folder, not a regular file")
    assert cli.main(["analyze", "--cluster-config", str(tmp_path)]) == 1


def test_cluster_config_fifo_neither_blocks_nor_reads(tmp_path):
    fifo = tmp_path / "cluster.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    res = run_cli("analyze", "--cluster-config", str(fifo), timeout=60)
    assert time.monotonic() - start < 30
    assert (res.returncode, res.stdout) == (1, "")
    one_error(res.stderr, f"{fifo}: is a FIFO (named pipe), not a regular file")


def test_cluster_config_dev_zero_is_refused_without_reading():
    res = run_cli("analyze", "--cluster-config", "/dev/zero", timeout=60)
    assert (res.returncode, res.stdout) == (1, "")
    one_error(res.stderr, "/dev/zero: is a device, not a regular file")


def test_unreadable_cluster_config(capsys, monkeypatch, tmp_path):
    target = tmp_path / "cluster.yaml"
    target.write_text(Path(CLUSTER).read_text(encoding="utf-8"), encoding="utf-8")
    real_open = os.open

    def deny(path, *a, **k):
        if str(path) == str(target):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(input_files.os, "open", deny)
    code, out, err = run_main(capsys, "analyze", "--cluster-config", str(target))
    assert (code, out) == (1, "")
    one_error(err, f"{target}: cannot read file: permission denied")


def test_read_error_midway_is_one_error(monkeypatch, tmp_path):
    target = tmp_path / "a.yaml"
    target.write_text("a: 1\n", encoding="utf-8")

    class Failing:
        def __init__(self, *a, **k):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def read(self, n):
            raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(input_files.os, "fdopen", Failing)
    with pytest.raises(InputError) as ei:
        read_text(target)
    assert str(ei.value) == f"{target}: cannot read file: Input/output error"


def test_size_is_counted_by_reading_not_by_stat(monkeypatch, tmp_path):
    target = tmp_path / "big.yaml"
    target.write_bytes(b"a: " + b"x" * 200 + b"\n")
    monkeypatch.setattr("translators.input.yamlsource.MAX_FILE_BYTES", 100)
    real_fstat = os.fstat

    class Small:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10  # stat lies: the file looks small

    monkeypatch.setattr(input_files.os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(InputError) as ei:
        read_text(target)
    assert str(ei.value) == f"{target}: file is more than 100 bytes; the limit is 100 bytes"


def test_bounded_read_of_a_huge_regular_file(tmp_path):
    target = tmp_path / "sparse.yaml"
    with target.open("wb") as fh:  # 64 GiB sparse file: stat says huge, nothing to read
        fh.truncate(64 << 30)
    with pytest.raises(InputError) as ei:
        read_text(target)
    assert str(ei.value) == f"{target}: file is {64 << 30:,} bytes; the limit is {16 << 20:,} bytes"


# ------------------------------------------------------------------------------ manifests folder faults

def test_broken_symlink_inside_manifests_folder(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    (folder / "gone.yaml").symlink_to(tmp_path / "missing.yaml")
    code, out, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder))
    assert (code, out) == (1, "")
    one_error(err, f"{folder / 'gone.yaml'}: broken symbolic link: its target does not exist")


def test_broken_symlink_named_on_the_command_line(capsys, tmp_path):
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "missing.yaml")
    code, _, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(link))
    assert code == 1
    one_error(err, f"{link}: broken symbolic link: its target does not exist")


def test_unreadable_subfolder_is_an_error(capsys, monkeypatch, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    locked = folder / "team"
    manifests(locked, cm("b"))
    real_scandir = os.scandir

    def deny(path="."):
        if str(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(input_files.os, "scandir", deny)
    code, out, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder))
    assert (code, out) == (1, "")
    one_error(err, f"{locked}: cannot read folder: permission denied")


def test_fifo_inside_manifests_folder(tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    os.mkfifo(folder / "pipe.yaml")
    res = run_cli("analyze", "--cluster-config", CLUSTER, "--manifests", str(folder), timeout=60)
    assert (res.returncode, res.stdout) == (1, "")
    one_error(res.stderr, f"{folder / 'pipe.yaml'}: is a FIFO (named pipe), not a regular file")


def test_symlink_to_a_file_is_still_read(tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    manifests(tmp_path / "elsewhere", cm("b"), name="b.yaml")
    (folder / "b.yaml").symlink_to(tmp_path / "elsewhere" / "b.yaml")
    assert sorted(o.name for o in load_manifests([folder])) == ["a", "b"]


# ------------------------------------------------------------------------------ kustomize remote base

def _fake_kubectl(tmp_path: Path) -> dict:
    """A ``kubectl`` whose ``kustomize`` never answers, with a child that keeps the output pipe open."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").write_text("#!/bin/sh\nsleep 300 &\nsleep 300\n", encoding="utf-8")
    (bin_dir / "kubectl").chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


@pytest.mark.parametrize("how", ["env", "flag"])
def test_kustomize_that_never_answers_times_out(tmp_path, how):
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text("resources:\n  - https://example.invalid/never//base\n")
    env = _fake_kubectl(tmp_path)
    args = ["analyze", "--cluster-config", CLUSTER, "--manifests", str(folder)]
    if how == "env":
        env["EKS_TO_AKS_KUSTOMIZE_TIMEOUT"] = "1"
    else:
        args += ["--kustomize-timeout", "1"]
    start = time.monotonic()
    res = run_cli(*args, timeout=60, env=env)
    assert time.monotonic() - start < 30
    assert (res.returncode, res.stdout) == (1, "")
    one_error(res.stderr, f"{folder / 'kustomization.yaml'}: kubectl kustomize did not finish within 1 s (a remote "
                          "base that does not answer?); render it yourself (kubectl kustomize DIR > rendered.yaml) or "
                          "raise the limit with --kustomize-timeout / EKS_TO_AKS_KUSTOMIZE_TIMEOUT")


def test_bad_kustomize_timeout_values(capsys, monkeypatch, tmp_path):
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text("resources: []\n")
    monkeypatch.setenv("EKS_TO_AKS_KUSTOMIZE_TIMEOUT", "soon")
    monkeypatch.setenv("PATH", _fake_kubectl(tmp_path)["PATH"])
    code, _, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder))
    assert code == 1
    one_error(err, "EKS_TO_AKS_KUSTOMIZE_TIMEOUT: expected seconds (a positive number), got 'soon'")
    code, _, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--kustomize-timeout", "-1")
    assert code == 1
    one_error(err, "--kustomize-timeout: expected a positive number of seconds")


# ------------------------------------------------------------------------------ duplicates

def test_conflicting_duplicates_in_two_files_are_an_error(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a", "1"), name="a.yaml")
    manifests(folder, cm("b"), cm("a", "2"), name="b.yaml")
    code, out, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder))
    assert (code, out) == (1, "")
    one_error(err, f"{folder / 'b.yaml'}:9 metadata.name: ConfigMap/shop/a is also defined at {folder / 'a.yaml'}:1 "
                   "with different content; keep one of them (identical copies are allowed)")


def test_identical_duplicates_are_allowed_and_emitted_once(capsys, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"), name="a.yaml")
    manifests(folder, cm("a"), name="b.yaml")
    out = tmp_path / "out"
    code, stdout, err = run_main(capsys, "translate", "--cluster-config", CLUSTER, "--manifests", str(folder),
                                 "--out", str(out))
    assert (code, err) == (0, "")
    assert len([n for n in os.listdir(out) if n.endswith("-configmap-shop-a.yaml")]) == 1


def test_duplicates_across_api_versions_of_one_group(tmp_path):
    template = {"spec": {"containers": [{"name": "a", "image": "nginx:1"}]}}
    dep = {"kind": "Deployment", "metadata": {"name": "x", "namespace": "n"}, "spec": {"replicas": 1, "template": template}}
    folder = manifests(tmp_path / "m", {"apiVersion": "apps/v1", **dep},
                       {"apiVersion": "apps/v1beta2", **dep, "spec": {"replicas": 2, "template": template}})
    with pytest.raises(InputError, match=r"Deployment/n/x is also defined at .*app.yaml:1 with different content"):
        load_manifests([folder])


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


def test_security_groups_fifo_is_refused(tmp_path):
    fifo = tmp_path / "sg.json"
    os.mkfifo(fifo)
    res = run_cli("analyze", "--security-groups", str(fifo), timeout=60)
    assert (res.returncode, res.stdout) == (1, "")
    one_error(res.stderr, f"{fifo}: --security-groups: is a FIFO (named pipe), not a regular file")


def test_unreadable_manifest_inside_a_folder(capsys, monkeypatch, tmp_path):
    folder = manifests(tmp_path / "m", cm("a"))
    manifests(folder, cm("b"), name="locked.yaml")
    real_open = os.open

    def deny(path, *a, **k):
        if str(path) == str(folder / "locked.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(input_files.os, "open", deny)
    code, out, err = run_main(capsys, "analyze", "--cluster-config", CLUSTER, "--manifests", str(folder))
    assert (code, out) == (1, "")
    one_error(err, f"{folder / 'locked.yaml'}: cannot read file: permission denied")
