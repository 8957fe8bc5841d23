"""Shared helpers of the hostile input/output tests (tests/test_hostile_io.py, tests/test_hostile_out.py): small
manifests, running the CLI in process or in a subprocess, and the one-error-line check."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from translators import __main__ as cli

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
