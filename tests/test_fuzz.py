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

Every target checks its outcome against an independent oracle (PyYAML's reading of the file: not UTF-8,
not a mapping, no apiVersion/kind, mistyped metadata, not exactly one ClusterConfig must be errors) and
checks what an accepted file produces; a few examples of each kind also run through the Pulumi program
under the offline plan runner (:func:`run_pulumi`).

The corpus, targets and strategies are in ``builders_fuzz``; this module holds the random and mutated inputs;
the YAML source's guards (encoding, forbidden characters, duplicate keys, alias bombs, size and depth limits)
are tested in ``test_fuzz_yaml.py`` and colliding names in ``test_fuzz_names.py``, both with those helpers.
"""
from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import builders_fuzz
from builders_fuzz import (CLUSTER_FILES, CLUSTER_HEAD, FUZZ, MANIFEST_FILES, RANDOM_TEXT, SCALARS, TEXTY, TOKENS,
                           VALUES, cluster_violation, corpus_docs, corpus_text, dump, manifest_violation, mutated,
                           run_both, run_cluster, run_manifests, run_pulumi, write_input)
from conftest import CORPUS  # noqa: E402

work = builders_fuzz.work  # the scratch-directory fixture (bound, not imported: ruff F811 at each use)


def test_corpus_is_present():
    assert len(CLUSTER_FILES) >= 70 and len(MANIFEST_FILES) >= 150, CORPUS


# ---------------------------------------------------------------------------------------------- random input

@FUZZ
@given(text=RANDOM_TEXT)
def test_random_yaml_text(work, text):
    run_both(write_input(work / "random.yaml", text))


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(work, data):
    run_both(write_input(work / "bytes.yaml", data))


SCHEMA_KEYS = ["metadata", "vpc", "iam", "managedNodeGroups", "nodeGroups", "fargateProfiles", "addons",
               "cloudWatch", "kubernetesNetworkConfig", "secretsEncryption", "identityProviders", "karpenter",
               "availabilityZones", "privateCluster", "accessConfig", "autoModeConfig", "gitops", "zonalShiftConfig"]


@FUZZ
@given(doc=st.fixed_dictionaries(
    {"metadata": st.one_of(st.fixed_dictionaries({"name": TEXTY}, optional={"region": TEXTY, "version": SCALARS,
                                                                          "tags": VALUES}), VALUES)},
    optional={k: VALUES for k in SCHEMA_KEYS[1:]}))
def test_random_cluster_config_documents(work, doc):
    run_cluster(write_input(work / "cluster.yaml", CLUSTER_HEAD + dump([doc])))


MANIFEST_DOCS = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["v1", "apps/v1", "networking.k8s.io/v1", "storage.k8s.io/v1", "karpenter.sh/v1",
                                    "secrets-store.csi.x-k8s.io/v1", "elbv2.k8s.aws/v1beta1"]),
     "kind": st.sampled_from(["Deployment", "Service", "Ingress", "StorageClass", "NodePool", "Secret", "ConfigMap",
                              "ServiceAccount", "SecretProviderClass", "PersistentVolumeClaim", "List"])},
    optional={"metadata": VALUES, "spec": VALUES, "data": VALUES, "items": VALUES})


@FUZZ
@given(doc=MANIFEST_DOCS)
def test_random_manifest_documents(work, doc):
    run_manifests(write_input(work / "manifest.yaml", dump([doc])))


# ---------------------------------------------------------------------------------------------- corpus mutations

@FUZZ
@given(data=st.data())
def test_mutated_corpus_cluster_configs(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES))
    docs = corpus_docs(rel)
    assume(docs)
    run_cluster(write_input(work / "cluster.yaml", dump(data.draw(mutated(docs)))))


@FUZZ
@given(data=st.data())
def test_mutated_corpus_manifests(work, data):
    rel = data.draw(st.sampled_from(MANIFEST_FILES))
    docs = corpus_docs(rel)
    assume(docs)
    run_manifests(write_input(work / "manifests.yaml", dump(data.draw(mutated(docs)))))


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
    path = write_input(work / "edited.yaml", data.draw(text_edits(corpus_text(rel))))
    if rel in CLUSTER_FILES:
        run_cluster(path)
    else:
        run_manifests(path)


# ---------------------------------------------------------------------------------------------- through Pulumi

# The same targets through the real Pulumi program under the offline plan runner (a few examples each: a run
# registers the whole stack, about half a second).
PULUMI = settings(max_examples=6, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.function_scoped_fixture])


@PULUMI
@given(doc=MANIFEST_DOCS)
def test_random_manifest_documents_through_pulumi(work, doc):
    path = write_input(work / "pulumi-manifest.yaml", dump([doc]))
    outcome = run_pulumi(path)
    if outcome == "ok":  # what the Pulumi layer takes, the manifest readers take on their own
        assert run_manifests(path) == "ok"
    if manifest_violation([doc]):
        assert outcome == "error"


@PULUMI
@given(data=st.data())
def test_mutated_corpus_manifests_through_pulumi(work, data):
    rel = data.draw(st.sampled_from(MANIFEST_FILES))
    docs = corpus_docs(rel)
    assume(docs)
    mutated_docs = data.draw(mutated(docs))
    path = write_input(work / "pulumi-mutated.yaml", dump(mutated_docs))
    outcome = run_pulumi(path)
    if manifest_violation([d for d in mutated_docs if d is not None]):
        assert outcome == "error"


@PULUMI
@given(data=st.data())
def test_mutated_corpus_cluster_configs_through_pulumi(work, data):
    rel = data.draw(st.sampled_from(CLUSTER_FILES))
    docs = corpus_docs(rel)
    assume(docs)
    mutated_docs = data.draw(mutated(docs))
    path = write_input(work / "pulumi-cluster.yaml", dump(mutated_docs))
    outcome = run_pulumi(path, cluster=path)
    assert outcome == run_cluster(path)
    if cluster_violation([d for d in mutated_docs if d is not None]):
        assert outcome == "error"
