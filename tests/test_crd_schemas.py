"""Emitted custom resources validate against their upstream CRDs' OpenAPI v3 schemas (translators/input/crdschema.py).

Core kinds are checked with kubernetes_validate elsewhere; here every emitted object whose apiVersion/kind has a
bundled CRD schema (translators/data/crd_schemas) is validated, for the bundled example estate and for every
manifest file of the relevant corpus categories. A schema error is a translator bug (a wrong type, a missing
required field, or a field the API server would silently prune).
"""
from __future__ import annotations

import collections
import copy
import csv
import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from translators.input import crdschema
from translators.input.crdschema import (has_schema, known_kinds, schema_for, served_upstream, to_json_schema,
                                   validate_custom_resource)
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.k8s import WorkloadContext
from translators.input.manifests import load_manifests
from translators.workloads import translate_workloads

from conftest import CORPUS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = {"storage", "load-balancing", "secrets", "security-group-policy", "karpenter", "aws-integrations", "apps"}


def _group_kind(api_version: str, kind: str) -> tuple[str, str]:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else "", kind


BUNDLED_GROUP_KINDS = {_group_kind(av, k) for av, k in known_kinds()}


def _unbundled_version(o: dict) -> bool:
    """An object of a bundled group/kind whose version has no bundled schema (it would go unchecked)."""
    av, kind = str(o.get("apiVersion", "")), str(o.get("kind", ""))
    return _group_kind(av, kind) in BUNDLED_GROUP_KINDS and not has_schema(o)


def _describe(o: dict) -> str:
    md = o.get("metadata") if isinstance(o.get("metadata"), dict) else {}
    ns = f"{md['namespace']}/" if md.get("namespace") else ""
    return f"{o.get('apiVersion')} {o.get('kind')} {ns}{md.get('name')}"


# --- (a) the bundled example estate -------------------------------------------------------------------------------

@cache
def _example_objects() -> list[dict]:
    plan = translate_estate(str(ROOT / "examples" / "cluster.yaml"), TranslateOptions(),
                            [str(ROOT / "examples" / "manifests")])
    # plus what the translators wrote before the preflight: the example's Windows pool makes it drop the NAP
    # objects (PRE-006), whose translation must still validate
    deployed = list(plan.workloads.objects)
    return deployed + [x for r in plan.workloads.results for x in r.objects if not any(x is o for o in deployed)]


def test_example_custom_resources_validate():
    objs = _example_objects()
    failures = {_describe(o): validate_custom_resource(o) for o in objs if has_schema(o)}
    assert {k: v for k, v in failures.items() if v} == {}
    assert [_describe(o) for o in objs if _unbundled_version(o)] == []
    counts = collections.Counter((o["apiVersion"], o["kind"]) for o in objs if has_schema(o))
    print("example objects validated per kind:", dict(sorted(counts.items())))
    # the example exercises every translator that writes a custom resource
    assert {k for _, k in counts} >= {"SecretProviderClass", "NodePool", "AKSNodeClass", "BackupStorageLocation",
                                      "VolumeSnapshotLocation", "Schedule", "SecretStore", "ExternalSecret",
                                      "VolumeSnapshotClass"}


# --- (b) every corpus manifest file of the relevant categories ------------------------------------------------------

def _corpus_paths() -> list[str]:
    tsv = CORPUS / "PROVENANCE.tsv"
    if not tsv.is_file():
        return []
    with tsv.open(encoding="utf-8", newline="") as fh:
        return sorted(r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] in CATEGORIES)


PATHS = _corpus_paths()


@cache
def _corpus_result(path: str) -> list[dict] | None:
    """The objects ``path`` translates to, or ``None`` when the reader refuses it (InputError)."""
    try:
        return list(translate_workloads(load_manifests([CORPUS / path]), WorkloadContext()).objects)
    except InputError:
        return None


def test_corpus_is_present():
    assert CORPUS.is_dir(), f"corpus missing at {CORPUS}"
    assert (CORPUS / "PROVENANCE.tsv").is_file()
    assert len(PATHS) >= 100, len(PATHS)
    missing = [p for p in PATHS if not (CORPUS / p).is_file()]
    assert missing == []


@pytest.mark.parametrize("path", PATHS)
def test_corpus_file_custom_resources_validate(path):
    objs = _corpus_result(path)
    if objs is None:  # refused with an InputError: allowed, and nothing is emitted
        return
    failures = {_describe(o): validate_custom_resource(o) for o in objs if has_schema(o)}
    assert {k: v for k, v in failures.items() if v} == {}, path
    assert [_describe(o) for o in objs if _unbundled_version(o)] == [], path


def test_corpus_custom_resource_counts():
    assert PATHS, f"no corpus rows under {CORPUS}"
    counts: collections.Counter = collections.Counter()
    refused = 0
    for path in PATHS:
        objs = _corpus_result(path)
        if objs is None:
            refused += 1
            continue
        counts.update((o["apiVersion"], o["kind"]) for o in objs if has_schema(o))
    print(f"corpus: {len(PATHS)} files, {refused} refused (InputError); objects validated per kind:",
          dict(sorted(counts.items())))
    assert refused < len(PATHS) // 4
    by_kind = collections.Counter({k: n for (_, k), n in counts.items()})
    assert by_kind["NodePool"] >= 20 and by_kind["AKSNodeClass"] >= 20
    assert by_kind["SecretProviderClass"] >= 1 and by_kind["NginxIngressController"] >= 1
    assert by_kind["BackupStorageLocation"] >= 1 and by_kind["VolumeSnapshotLocation"] >= 1


# --- (c) the validator itself ---------------------------------------------------------------------------------------

NODE_POOL = {
    "apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": "general"},
    "spec": {"template": {"spec": {
        "nodeClassRef": {"group": "karpenter.azure.com", "kind": "AKSNodeClass", "name": "default"},
        "requirements": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}},
        "limits": {"cpu": 100, "memory": "400Gi"},
        "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "30s"}}}


def test_valid_node_pool_has_no_errors():
    assert validate_custom_resource(copy.deepcopy(NODE_POOL)) == []


def test_wrong_type_is_reported_with_its_path():
    o = copy.deepcopy(NODE_POOL)
    o["spec"]["weight"] = "10"
    o["spec"]["template"]["spec"]["requirements"][0]["values"] = "amd64"
    errs = validate_custom_resource(o)
    assert "spec.weight: '10' is not of type 'integer'" in errs
    assert "spec.template.spec.requirements[0].values: 'amd64' is not of type 'array'" in errs


def test_unknown_fields_are_reported_where_the_schema_lists_properties():
    o = copy.deepcopy(NODE_POOL)
    o["spec"]["template"]["spec"]["kubelet"] = {"maxPods": 110}  # v1beta1 place; pruned by a v1 API server
    o["spec"]["template"]["spec"]["requirements"][0]["minValue"] = 2
    o["data"] = {"x": "y"}
    errs = validate_custom_resource(o)
    assert any(e.startswith("spec.template.spec.kubelet: unknown field") for e in errs), errs
    assert any(e.startswith("spec.template.spec.requirements[0].minValue: unknown field") for e in errs), errs
    assert any(e.startswith("data: unknown field") for e in errs), errs
    assert len(errs) == 3


def test_maps_and_preserved_subtrees_accept_any_key():
    # additionalProperties maps (limits, tags) and x-kubernetes-preserve-unknown-fields subtrees accept any key
    o = copy.deepcopy(NODE_POOL)
    o["spec"]["limits"]["nvidia.com/gpu"] = 4
    assert validate_custom_resource(o) == []
    store = {"apiVersion": "external-secrets.io/v1", "kind": "SecretStore", "metadata": {"name": "s", "namespace": "n"},
             "spec": {"provider": {"vault": {"server": "https://vault:8200", "anything": {"goes": 1}}}}}
    assert validate_custom_resource(store) == []
    store["spec"]["provider"]["vualt"] = {}
    errs = validate_custom_resource(store)
    assert "spec.provider.vualt: unknown field (not in the CRD schema; the API server would prune it)" in errs
    assert any(e.startswith("spec.provider: ") and "has too many properties" in e for e in errs), errs


def test_int_or_string_nullable_enum_required_and_formats():
    o = copy.deepcopy(NODE_POOL)
    o["spec"]["limits"] = {"cpu": "1000m", "memory": 1, "pods": "many"}
    errs = validate_custom_resource(o)
    assert len(errs) == 1 and errs[0].startswith("spec.limits.pods: 'many' does not match"), errs
    o = copy.deepcopy(NODE_POOL)
    o["spec"]["template"]["spec"]["requirements"][0]["operator"] = "Within"
    del o["spec"]["template"]["spec"]["nodeClassRef"]["group"]
    errs = validate_custom_resource(o)
    assert "spec.template.spec.requirements[0].operator: 'Within' is not one of " \
           "['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']" in errs
    assert "spec.template.spec.nodeClassRef: 'group' is a required property" in errs
    bsl = {"apiVersion": "velero.io/v1", "kind": "BackupStorageLocation", "metadata": {"name": "b", "namespace": "velero"},
           "spec": {"provider": "azure", "objectStorage": {"bucket": "c", "caCert": "not base64!"},
                    "backupSyncPeriod": None, "validationFrequency": None}}
    assert validate_custom_resource(bsl) == ["spec.objectStorage.caCert: 'not base64!' is not a 'byte'"]
    bsl["spec"]["default"] = None  # not nullable
    assert "spec.default: None is not of type 'boolean'" in validate_custom_resource(bsl)


def test_metadata_is_checked_loosely():
    o = copy.deepcopy(NODE_POOL)
    o["metadata"] = {"labels": {"a": 1}, "annotations": {"b": "c"}, "uid": "whatever"}
    assert validate_custom_resource(o) == ["metadata.labels.a: 1 is not a string", "metadata.name: missing or empty"]
    o["metadata"] = "x"
    assert validate_custom_resource(o) == ["metadata: missing or not a mapping"]


def test_unknown_kinds_and_versions_are_not_validated():
    assert schema_for("v1", "ConfigMap") is None
    assert schema_for("karpenter.sh/v1beta1", "NodePool") is None
    assert validate_custom_resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}, "oops": 1}) == []
    assert not has_schema({"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer"})
    assert has_schema(NODE_POOL)


def test_bundled_schemas_are_well_formed_and_documented():
    readme = (crdschema.SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    files = sorted(crdschema.SCHEMA_DIR.glob("*.json"))
    assert len(files) == len(known_kinds()) >= 10
    for f in files:
        raw = json.loads(f.read_text(encoding="utf-8"))
        assert raw.get("type") == "object" and "properties" in raw, f.name
        assert "description" not in json.dumps(raw).replace('"description": {', ""), f.name
        jsonschema.Draft202012Validator.check_schema(to_json_schema(raw))
        assert f"`{f.name}`" in readme, f.name
    assert not served_upstream("external-secrets.io/v1beta1", "ExternalSecret")
    assert served_upstream("external-secrets.io/v1", "ExternalSecret")


def test_schema_for_returns_a_copy():
    s = schema_for("karpenter.sh/v1", "NodePool")
    assert s is not None
    s["properties"].clear()
    assert schema_for("karpenter.sh/v1", "NodePool")["properties"]
