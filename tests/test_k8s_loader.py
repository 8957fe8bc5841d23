"""Manifest loading: folders, List kinds, Kustomize folders rendered with `kubectl kustomize`."""
from __future__ import annotations

import copy
import os
import stat
import textwrap

import pytest

from translators.errors import InputError
from translators.input.manifests import load_manifests
from helpers import load

RENDERED = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: from-kustomize, namespace: shop}
data: {a: "1"}
"""


def fake_kubectl(bin_dir, log):
    """A stand-in `kubectl` that records its arguments and prints a rendered manifest."""
    script = bin_dir / "kubectl"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\ncat <<'EOF'\n{RENDERED}EOF\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_kustomize_folder_is_rendered_and_its_files_not_read_twice(tmp_path, monkeypatch):
    app = tmp_path / "app"
    app.mkdir()
    (app / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (app / "deploy.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: raw}\n")
    (tmp_path / "plain.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
          - {apiVersion: v1, kind: ServiceAccount, metadata: {name: sa, namespace: shop}}
        """))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_kubectl(bin_dir, tmp_path / "calls.log")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    objs = load_manifests([tmp_path])
    assert sorted(o.name for o in objs) == ["from-kustomize", "sa", "shop"]  # deploy.yaml only via kustomize
    assert (tmp_path / "calls.log").read_text().split() == ["kustomize", str(app)]
    (sa,) = [o for o in objs if o.name == "sa"]
    assert sa.file.endswith("plain.yaml") and sa.line() == 5


def test_kustomize_folder_without_kubectl_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(InputError) as err:
        load_manifests([tmp_path])
    assert "kubectl kustomize" in str(err.value) and str(err.value).startswith(str(tmp_path / "kustomization.yaml"))


def test_edit_copies_only_the_mappings_along_the_path():
    (o,) = load("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          template:
            spec: {containers: [{name: app, image: x}]}
        """)
    before = copy.deepcopy(o.obj)
    new, md = o.edit("spec", "template", "metadata")
    md["labels"] = {"a": "b"}
    assert o.obj == before  # the input is untouched
    assert new["spec"]["template"]["metadata"] == {"labels": {"a": "b"}}
    assert new["spec"]["template"] is not o.obj["spec"]["template"] and new["spec"]["replicas"] == 2
    assert new["spec"]["template"]["spec"] is o.obj["spec"]["template"]["spec"]  # off the path: shared
