"""Kubernetes manifests as input: files and folders → :class:`~translators.k8s.K8sObject` list.

Input paths are files or folders (recursive, ``*.yaml``/``*.yml``/``*.json``); multi-document files and
``List`` kinds are split into single objects; a folder holding ``kustomization.yaml`` is rendered with
``kubectl kustomize`` (Helm charts are taken pre-rendered with ``helm template``). Every object keeps its
source file and line. Loaded objects are checked against their schemas (:mod:`translators.input.validate`)
and for conflicting duplicates (:mod:`translators.input.duplicates`).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from collections.abc import Iterable

from translators.errors import InputError, field_path
from translators.k8s import K8sObject
from translators.input.yamlsource import SourceDoc, load_documents

YAML_SUFFIXES = (".yaml", ".yml", ".json")


def iter_input_files(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Expand files and folders into a sorted, de-duplicated list of YAML/JSON files.

    Folders are walked by :func:`translators.input.files.walk_input_folder`: tool-owned output folders
    and paths under ``exclude`` are skipped.

    Raises:
        InputError: a path does not exist; a subfolder cannot be listed; a broken symbolic link or a
            non-regular ``*.yaml`` entry inside a folder.
    """
    from translators.input.files import walk_input_folder

    out: list[Path] = []
    excluded = [Path(e) for e in exclude]
    for p in map(Path, paths):
        if p.is_dir():
            out += walk_input_folder(p, YAML_SUFFIXES, excluded)
        elif p.exists() or p.is_symlink():
            out.append(p)  # read_text refuses what is not a regular file, naming it
        else:
            raise InputError(str(p), None, "", "no such file or folder")
    seen: set[Path] = set()
    return [f for f in out if not (f in seen or seen.add(f))]


#: Seconds ``kubectl kustomize`` may run (a remote base that never answers); the CLI's
#: ``--kustomize-timeout`` or the ``EKS_TO_AKS_KUSTOMIZE_TIMEOUT`` environment variable changes it.
KUSTOMIZE_TIMEOUT = 60.0


def kustomize_timeout() -> float:
    """The bound on one ``kubectl kustomize`` run, in seconds (environment variable, else the default).

    Raises:
        InputError: ``EKS_TO_AKS_KUSTOMIZE_TIMEOUT`` is not a positive number.
    """
    import os

    raw = os.environ.get("EKS_TO_AKS_KUSTOMIZE_TIMEOUT")
    if raw is None:
        return KUSTOMIZE_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 86_400:
        raise InputError("EKS_TO_AKS_KUSTOMIZE_TIMEOUT", None, "", f"expected seconds (a positive number), got {raw!r}")
    return value


def render_kustomization(folder: Path) -> str:
    """``kubectl kustomize FOLDER`` output, within :func:`kustomize_timeout` seconds (the whole process
    group is killed then: a remote base's ``git`` child cannot keep the pipes open).

    Raises:
        InputError: kubectl is not on PATH, the render fails or times out.
    """
    import contextlib
    import os
    import signal

    kubectl = shutil.which("kubectl")
    where = str(folder / "kustomization.yaml")
    if kubectl is None:
        raise InputError(where, None, "",
                         "a Kustomize folder needs `kubectl kustomize`; install kubectl or pass "
                         "the rendered output (kubectl kustomize DIR > rendered.yaml)")
    limit = kustomize_timeout()
    try:
        proc = subprocess.Popen([kubectl, "kustomize", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    except OSError as exc:
        raise InputError(where, None, "", f"cannot run kubectl: {exc.strerror or exc}") from None
    try:
        stdout, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):  # the group may be gone already
            os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
        proc.wait()
        raise InputError(where, None, "",
                         f"kubectl kustomize did not finish within {limit:g} s (a remote base that does not "
                         "answer?); render it yourself (kubectl kustomize DIR > rendered.yaml) or raise the "
                         "limit with --kustomize-timeout / EKS_TO_AKS_KUSTOMIZE_TIMEOUT") from None
    if proc.returncode != 0:
        raise InputError(where, None, "", f"kubectl kustomize failed: {stderr.strip()[:500]}")
    return stdout


def split_objects(doc: SourceDoc) -> list[K8sObject]:
    """One document → its objects (a ``List`` kind yields its ``items``).

    Raises:
        InputError: the document is not a mapping, or lacks ``apiVersion``/``kind``.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a Kubernetes manifest must be a mapping with apiVersion and kind")
    if data.get("kind") == "List" or (isinstance(data.get("kind"), str) and data["kind"].endswith("List")
                                      and isinstance(data.get("items"), list)):
        if not isinstance(data.get("items") or [], list):
            raise doc.error(("items",), "a List's items must be a list of manifests")
        out = []
        for i, item in enumerate(data.get("items") or []):
            if not isinstance(item, dict):
                raise doc.error(("items", i), "List items must be mappings")
            out.append(_checked(K8sObject(doc, item, ("items", i))))
        return out
    return [_checked(K8sObject(doc, data))]


_METADATA_TYPES = ((("metadata",), dict), (("metadata", "name"), str), (("metadata", "namespace"), str),
                   (("metadata", "labels"), dict), (("metadata", "annotations"), dict))


def _checked(o: K8sObject) -> K8sObject:
    for key in ("apiVersion", "kind"):
        if not isinstance(o.obj.get(key), str) or not o.obj.get(key):
            raise InputError(o.file, o.line(), key, f"missing or not a string (every manifest needs {key})")
    md = o.obj.get("metadata")
    for path, typ in _METADATA_TYPES:
        value = md if len(path) == 1 else md.get(path[1]) if isinstance(md, dict) else None
        if value is not None and not isinstance(value, typ):
            raise InputError(o.file, o.line(*path), field_path(o.base_path + path),
                             f"expected a {'mapping' if typ is dict else 'string'}, got {type(value).__name__}")
    return o


def load_manifests(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[K8sObject]:
    """Load every object under ``paths`` (see module docstring), in a stable order; paths under
    ``exclude`` (the run's own output) and tool-owned output folders are not read.

    Every object is validated against its schema (:mod:`translators.input.validate`).

    Raises:
        InputError: unreadable file or folder, YAML error, non-manifest document, failed kustomize render, an
            object that does not fit its schema or has no name (:mod:`translators.input.validate`), two objects
            of the same identity with different content (:func:`translators.input.duplicates.check_duplicates`).
    """
    from translators.input.yamlsource import read_text

    paths = [Path(p) for p in paths]
    files = iter_input_files(paths, exclude)  # first: an unreadable folder is named before any render
    objects: list[K8sObject] = []
    rendered: set[Path] = set()
    folders = [p for p in map(Path, paths) if p.is_dir()]
    kustomizations = {f for f in files if f.name in ("kustomization.yaml", "kustomization.yml")
                      and any(d in f.parents for d in folders)}
    for kfile in sorted(kustomizations):
        if not any(parent in rendered for parent in kfile.parents):
            text = render_kustomization(kfile.parent)
            rendered.add(kfile.parent)
            for doc in load_documents(text, f"{kfile.parent}/(kustomize)"):
                objects += split_objects(doc)
    for f in files:
        if any(parent in rendered for parent in f.parents):
            continue
        for doc in load_documents(read_text(f), str(f)):
            objects += split_objects(doc)
    from translators.input.duplicates import check_duplicates
    from translators.input.validate import validate_objects  # schema checks (types, required fields, names)

    validate_objects(objects)
    check_duplicates(objects)
    return objects
