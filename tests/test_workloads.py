"""The manifests pipeline: accounting, chaining, safety net for AWS-only kinds, ordering, validity."""
from __future__ import annotations

import csv
import gc
import textwrap
import weakref

import kubernetes_validate
import pytest

from conftest import CORPUS
from translators.errors import InputError
from translators.k8s import K8sObject, WorkloadContext
from translators.input.manifests import load_manifests, split_objects
from translators.workloads import translate_workloads
from translators.input.yamlsource import load_documents

MANIFEST_CATEGORIES = ("storage", "load-balancing", "secrets", "security-group-policy", "karpenter",
                       "aws-integrations", "apps")


def objs(text: str) -> list[K8sObject]:
    out = []
    for doc in load_documents(textwrap.dedent(text), "in.yaml"):
        out += split_objects(doc)
    return out


def ctx() -> WorkloadContext:
    return WorkloadContext(registry_login_server="acrshop12345678.azurecr.io", key_vault_name="kv-shop-1234",
                           location="eastus", zones=["1", "2", "3"])


def test_counts_add_up_and_portable_objects_pass_through():
    plan = translate_workloads(objs("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: shop}
        data: {LOG_LEVEL: info}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        """), ctx())
    assert plan.counts == {"translated": 0, "passthrough": 2, "dropped": 0}
    assert [o["kind"] for o in plan.objects] == ["Namespace", "ConfigMap"]  # Namespaces first
    assert plan.objects[1]["data"] == {"LOG_LEVEL": "info"}


def test_unknown_aws_custom_resource_is_dropped_with_a_finding():
    plan = translate_workloads(objs("""
        apiVersion: widgets.services.k8s.aws/v1alpha1
        kind: Widget
        metadata: {name: w, namespace: shop}
        spec: {size: 3}
        """), ctx())
    assert plan.counts["dropped"] == 1 and plan.objects == []
    (f,) = [f for f in plan.findings if f.rule_id == "INP-003"]
    assert f.file == "in.yaml" and f.line == 2 and "Widget/shop/w" in f.message


def test_the_plan_does_not_keep_the_parsed_documents_alive():
    # results name their object by file and line: holding the objects would pin every document's line tree
    objects = objs("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: x}
        data: {k: "1"}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, namespace: x}
        """)
    docs = [weakref.ref(o.doc) for o in objects]
    plan = translate_workloads(objects, ctx())
    assert [(r.file, r.line, r.outcome) for r in plan.results] == [("in.yaml", 2, "passthrough"),
                                                                   ("in.yaml", 7, "passthrough")]
    del objects
    gc.collect()
    assert [d() for d in docs] == [None, None]
    assert plan.objects[0]["data"] == {"k": "1"}


def test_conflicting_duplicates_keep_the_first_and_report():
    plan = translate_workloads(objs("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: x}
        data: {k: "1"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: x}
        data: {k: "2"}
        """), ctx())
    assert [o["data"]["k"] for o in plan.objects] == ["1"]
    assert [f.line for f in plan.findings if f.rule_id == "INP-004"] == [7]


def test_example_estate_every_object_accounted_for(example_plan):
    wl = example_plan.workloads
    assert wl is not None
    assert sum(wl.counts.values()) == len(wl.results) == 73
    assert all(r.outcome in ("translated", "passthrough", "dropped") for r in wl.results)
    assert all(r.findings for r in wl.results if r.outcome == "dropped"), "a drop without a finding"


def _manifest_paths() -> list[str]:
    assert (CORPUS / "PROVENANCE.tsv").is_file(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] in MANIFEST_CATEGORIES]


@pytest.mark.parametrize("rel", _manifest_paths())
def test_corpus_manifest_file(rel):
    try:
        objects = load_manifests([CORPUS / rel])
    except InputError as err:  # placeholders / docs fragments: a clear error is acceptable
        assert str(err).startswith(str(CORPUS / rel))
        return
    plan = translate_workloads(objects, ctx())
    assert sum(plan.counts.values()) == len(objects)
    assert len(plan.results) == len(objects)
    for o, r in zip(objects, plan.results):
        assert (r.file, r.line) == (o.file, o.line())
        if r.outcome == "dropped":
            assert r.findings, f"{o.ref()} dropped without a finding"
    # translation never turns a valid object into an invalid one (corpus files also hold kustomize patches,
    # which are partial objects on input already)
    for src, r in zip(objects, plan.results):
        if r.outcome == "dropped" or not _valid(src.obj):
            continue
        for o in r.objects:
            assert _valid(o) is not False, f"{src.ref()} -> {o.get('kind')} {o.get('metadata')} is invalid"


def _valid(manifest) -> bool | None:
    """True/False by the Kubernetes 1.31 OpenAPI schema; None for kinds it has no schema for (CRDs)."""
    try:
        kubernetes_validate.validate(manifest, "1.31", strict=True)
        return True
    except kubernetes_validate.SchemaNotFoundError:
        return None
    except kubernetes_validate.ValidationError:
        return False



# ---------------------------------------------------------------------------------------------- kind declarations

def _declared_translators():
    from translators.concerns import CONCERNS
    from translators.k8s import kinds_of

    return [t for c in CONCERNS for t in c.translators if kinds_of(t) is not None]


def _generated_estate(tmp_path, n):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.generate(n, tmp_path / "estate")


@pytest.mark.parametrize("estate", ["example", "corpus", "benchmark"])
def test_translators_claim_only_their_declared_kinds(estate, tmp_path):
    """A translator declared with ``handles(...)`` is skipped for other kinds by the chain: it must
    never claim one. Checked on every input and every emitted object of three estates, with the
    estate indexes in place (as in a real run)."""
    from helpers import corpus_objects
    from translators.input.eksctl import load_cluster_config
    from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS
    from translators.k8s import kinds_of

    cfg = None
    if estate == "example":
        objects, cfg = load_manifests([str(DEFAULT_MANIFESTS)]), load_cluster_config(str(DEFAULT_CLUSTER_CONFIG))
    elif estate == "corpus":
        objects = corpus_objects(*MANIFEST_CATEGORIES)
    else:
        gen = _generated_estate(tmp_path, 400)
        objects, cfg = load_manifests([gen["manifests"]]), load_cluster_config(str(gen["cluster_config"]))
    context = ctx()
    plan = translate_workloads(objects, context, cfg)
    emitted = [K8sObject(src.doc, o, src.base_path) for src, r in zip(objects, plan.results) for o in r.objects]
    declared = _declared_translators()
    assert len(declared) >= 25
    checked = 0
    for obj in objects + emitted:
        for t in declared:
            if obj.kind in kinds_of(t):
                continue
            checked += 1
            assert t(obj, context) is None, f"{t.__module__}.{t.__name__} claims {obj.ref()} ({obj.kind})"
    assert checked > 1000
