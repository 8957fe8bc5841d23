"""Faults and hostile file-system input end in one error line and exit 1 (issue #14): never a traceback,
a hang, unbounded memory, a silent skip or a partial read. Output folders and files: tests/test_hostile_out.py.

The tests run as root, so unreadable files and read-only folders are simulated by making the system call
raise the error a normal user would get (``PermissionError``, ``EROFS``, ``ENOSPC``).
"""
from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from translators import __main__ as cli
from translators.errors import InputError
from translators.input import files as input_files
from translators.input.manifests import load_manifests
from translators.input.yamlsource import read_text

from builders_hostile import CLUSTER, cm, manifests, one_error, run_cli, run_main


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
