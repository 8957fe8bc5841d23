"""Helpers shared by the translator tests."""
from __future__ import annotations

import csv
import re
import textwrap
from pathlib import Path

import kubernetes_validate

from conftest import CORPUS
from translators.errors import InputError
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.input.manifests import load_manifests, split_objects
from translators.refdata import DATA
from translators.input.yamlsource import load_documents

TRANSLATORS = Path(__file__).resolve().parents[1] / "translators"


def load(text: str, file: str = "in.yaml") -> list[K8sObject]:
    """Objects of a YAML string (dedented), with ``file`` as their source for findings."""
    return [o for d in load_documents(textwrap.dedent(text), file) for o in split_objects(d)]


def corpus_paths(*categories: str) -> list[Path]:
    """Corpus files of the given PROVENANCE.tsv categories (fails, never skips, when the corpus is missing)."""
    assert (CORPUS / "PROVENANCE.tsv").is_file(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return [CORPUS / r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] in categories]


def first_result(translators, obj: K8sObject, ctx):
    """The result of the first translator in ``translators`` that claims ``obj`` (``None`` if none does)."""
    for translate in translators:
        res = translate(obj, ctx)
        if res is not None:
            return res
    return None


def rules(res: Translation | None) -> list[str]:
    """The rule ids of ``res``'s findings in order (none when nothing claimed the object)."""
    return [f.rule_id for f in res.findings] if res else []


def run(translators, source: str | list[K8sObject], ctx: WorkloadContext | None = None, prepare=None):
    """Translate every object of ``source`` with the first of ``translators`` that claims it.

    ``source`` is YAML text (read with :func:`load`) or objects already loaded; ``ctx`` defaults to a fresh
    ``WorkloadContext(location="eastus")``; ``prepare(objects, ctx)`` (a module's whole-estate index) runs first
    when given. Returns ``(ctx, [(obj, translation or None), ...])`` in input order.
    """
    ctx = ctx or WorkloadContext(location="eastus")
    objs = load(source) if isinstance(source, str) else list(source)
    if prepare is not None:
        prepare(objs, ctx)
    return ctx, [(o, first_result(translators, o, ctx)) for o in objs]


def corpus_objects(*categories: str) -> list[K8sObject]:
    """Every object of the corpus files in ``categories``; files refused with an InputError are left out."""
    paths = corpus_paths(*categories)
    assert len(paths) >= 30
    objs: list[K8sObject] = []
    for p in paths:
        try:
            objs += load_manifests([p])
        except InputError:
            continue
    return objs


def emitted_rule_ids(prefix: str, sources: str, tables: str) -> set[str]:
    """Rule ids ``PREFIX-nnn`` quoted in the translator modules matching ``sources`` or named in the rows of the
    reference-data tables matching ``tables`` (both globs; a table's ``#`` provenance lines are not rows)."""
    ids = {rid for f in TRANSLATORS.glob(sources) for rid in re.findall(rf'"({prefix}-\d{{3}})"', f.read_text())}
    for table in DATA.glob(tables):
        rows = "\n".join(ln for ln in table.read_text().splitlines() if not ln.startswith("#"))
        ids |= set(re.findall(rf"\b{prefix}-\d{{3}}\b", rows))
    return ids


# Corpus files the schema validation (translators/input/validate.py) refuses: upstream docs fragments and templates
# that are not valid objects as they stand. tests/test_validation.py asserts each of these exact errors.
SCHEMA_INVALID = {
    "cert-manager__website/content/docs/configuration/acme/dns01/route53.md.block3.yaml":
        "3 metadata.name: missing or empty (every ServiceAccount needs a name)",
    "kubernetes-sigs__aws-load-balancer-controller/docs/examples/cognito-ingress-template.yaml":
        "73 spec.rules[0].http.paths[1].backend.service.port.number: expected an integer, got a string "
        "(networking.k8s.io/v1 Ingress schema)",
    "kubernetes-sigs__aws-load-balancer-controller/docs/guide/ingress/cert_discovery.md.block1.yaml":
        "3 metadata.name: missing or empty (every Ingress needs a name)",
}


CORPUS_CATEGORIES = ("karpenter", "aws-integrations", "apps")


def corpus_files(categories: tuple[str, ...] | None = CORPUS_CATEGORIES) -> list[Path]:
    """Corpus files of ``categories`` (all of them for ``None``); fails, never skips, when the corpus is missing."""
    assert (CORPUS / "PROVENANCE.tsv").is_file(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(newline="", encoding="utf-8") as fh:
        return [CORPUS / r["path"] for r in csv.DictReader(fh, delimiter="\t")
                if categories is None or r["category"] in categories]


def load_corpus(files: list[Path]) -> list[K8sObject]:
    """Every object of ``files``; a file refused with an InputError (located at that file) is left out."""
    objs: list[K8sObject] = []
    for f in files:
        try:
            objs += load_manifests([f])
        except InputError as err:  # placeholder templates and doc fragments
            assert str(err).startswith(str(f))
    return objs


def validate_core(o: dict) -> None:
    """kubernetes_validate for built-in kinds (CRD-backed kinds have no schema there)."""
    av = str(o.get("apiVersion", ""))
    if "/" not in av or av.split("/")[0].endswith(".k8s.io") or av.startswith(("apps/", "batch/", "policy/")):
        try:
            kubernetes_validate.validate(o, "1.31", strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            assert "." in av.split("/")[0], av  # only CRD groups may lack a schema


_KARPENTER = "aws__karpenter-provider-aws/website/content/en/docs/getting-started/getting-started-with-karpenter/scripts/"
_EKSCTL = "eksctl-io__eksctl/"

# Corpus ClusterConfigs the reader refuses (tests/test_corpus_eksctl.py and tests/test_preflight_corpus.py):
# path -> (field of the first error, fragments its message must contain). Reviewed by hand against each file.
EXPECTED_ERRORS = {
    # zonalShiftConfig.enabled: ${ENABLE_ZONAL_SHIFT} is an unsubstituted envsubst placeholder
    _KARPENTER + "step02-create-cluster-fargate.sh.block1.yaml":
        ("zonalShiftConfig.enabled", ["expected boolean, got a string", "placeholder"]),
    _KARPENTER + "step02-create-cluster.sh.block1.yaml":
        ("zonalShiftConfig.enabled", ["expected boolean, got a string", "placeholder"]),
    # containerRuntime is not a managed node group field
    _EKSCTL + "pkg/ctl/cmdutils/test_data/managed-nodegroup-with-container-runtime.yaml":
        ("managedNodeGroups[0].containerRuntime", ["unknown field 'containerRuntime'"]),
    # eksctl's own negative test data
    _EKSCTL + "pkg/eks/testdata/bad-field-1.yaml": ("metadata.zone", ["unknown field 'zone'"]),
    _EKSCTL + "pkg/eks/testdata/bad-field-2.yaml":
        # first error (line 13): eksctl decodes `ssh` into a struct, so `ssh: true` is refused too
        ("nodeGroups[0].ssh", ["expected mapping, got a boolean", "withAddonPolicies.bar: unknown field 'bar'", "'foo'"]),
    _EKSCTL + "pkg/eks/testdata/bad-type-1.yaml": ("metadata.version", ["expected string, got a number", "quote it"]),
    # eksctl refuses this file: its desiredCapacity/minSize/maxSize are inconsistent on purpose (and
    # ng-with-wrong-min / ng-with-wrong-max would both sanitise to AKS pool name 'ngwithwrongm').
    _EKSCTL + "pkg/ctl/cmdutils/test_data/scale-ng-test.yaml":
        ("nodeGroups[4].desiredCapacity", ["desiredCapacity 2 is below minSize 3"]),
}
