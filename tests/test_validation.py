"""Schema validation of input manifests and eksctl value rules: wrong types are clear errors, never silent.

Every case of issue #14's list runs through the CLI (``analyze``) as a user runs it: exit status 1, the exact
``file:line field: message`` on standard error, no traceback, and no input value echoed.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import CORPUS
from helpers import SCHEMA_INVALID, corpus_paths
from translators.input.eksctl import load_cluster_config
from translators.errors import InputError
from translators.input import validate as v
from translators.input.manifests import load_manifests

ROOT = Path(__file__).resolve().parents[1]

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{spec}"""

# (name, manifest text, line, field, message, a value that must not be echoed)
CASES = [
    ("containers-as-string", DEPLOYMENT.format(spec="      containers: nginx\n"), 12,
     "spec.template.spec.containers", "expected a list, got a string (apps/v1 Deployment schema)", "nginx"),
    ("image-as-number", DEPLOYMENT.format(spec="      containers:\n        - name: web\n          image: 123\n"), 14,
     "spec.template.spec.containers[0].image", "expected a string, got an integer (apps/v1 Deployment schema)", "123"),
    ("env-as-mapping", DEPLOYMENT.format(
        spec="      containers:\n        - name: web\n          image: nginx\n          env:\n            DB: pw-771\n"),
     15, "spec.template.spec.containers[0].env", "expected a list, got a mapping (apps/v1 Deployment schema)", "pw-771"),
    ("service-port-abc", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: abc\n", 7,
     "spec.ports[0].port", "expected an integer, got a string (v1 Service schema)", "abc"),
    ("ingress-rules-mapping", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n"
     "  rules:\n    host: a.example.com\n", 6, "spec.rules",
     "expected a list, got a mapping (networking.k8s.io/v1 Ingress schema)", "a.example.com"),
    ("storageclass-parameters-list", "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: sc\n"
     "provisioner: ebs.csi.aws.com\nparameters:\n  - type=gp3\n", 6, "parameters",
     "expected a mapping, got a list (storage.k8s.io/v1 StorageClass schema)", "gp3"),
    ("pvc-storage-lots", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n"
     "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: lots\n", 9,
     "spec.resources.requests.storage", "not a Kubernetes quantity (a number with an optional suffix: 10Gi, 500m, 1.5, "
     "2e3) (v1 PersistentVolumeClaim schema)", "lots"),
    ("missing-name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\ndata: {a: b}\n", 3,
     "metadata.name", "missing or empty (every ConfigMap needs a name)", None),
    ("empty-name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"\"\n", 4,
     "metadata.name", "missing or empty (every ConfigMap needs a name)", None),
    ("no-metadata", "apiVersion: v1\nkind: Namespace\n", 1,
     "metadata.name", "missing or empty (every Namespace needs a name)", None),
    ("label-key-not-string", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    1: x\n", 6,
     "metadata.labels", "keys must be strings, got an integer key (quote it) (v1 ConfigMap schema)", None),
    ("annotation-value-number", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n"
     "    prometheus.io/port: 9102\n", 6, "metadata.annotations.prometheus.io/port",
     "expected a string, got an integer (v1 ConfigMap schema)", "9102"),
    ("container-without-name", DEPLOYMENT.format(spec="      containers:\n        - image: nginx\n"), 13,
     "spec.template.spec.containers[0].name", "required field is missing (apps/v1 Deployment schema)", None),
    ("secret-data-list", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  - cGxhbnRlZC1wdw==\n", 5, "data",
     "expected a mapping, got a list (v1 Secret schema)", "cGxhbnRlZC1wdw=="),
    ("secret-stringdata-string", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData: planted-pw-42\n", 5,
     "stringData", "expected a mapping, got a string (v1 Secret schema)", "planted-pw-42"),
    # a bundled CRD schema (data/crd_schemas): SecretProviderClass parameters are a map of strings
    ("crd-parameters-list", "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n"
     "  name: spc\nspec:\n  provider: aws\n  parameters:\n    - objects\n", 7, "spec.parameters",
     "expected a mapping, got a list (secrets-store.csi.x-k8s.io/v1 SecretProviderClass schema)", None),
    # custom resources: metadata is checked against ObjectMeta too
    ("crd-label-value", "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n"
     "  name: spc\n  labels: {team: 7}\nspec: {provider: aws}\n", 5, "metadata.labels.team",
     "expected a string, got an integer (secrets-store.csi.x-k8s.io/v1 SecretProviderClass schema)", None),
    ("unknown-kind-label-value", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"
     "  labels: {team: 7}\n", 5, "metadata.labels.team",
     "expected a string, got an integer (Kubernetes 1.31 ObjectMeta schema)", None),
    # an unknown custom kind is not validated, but still needs a name
    ("unknown-kind-no-name", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {}\nspec: 7\n", 3,
     "metadata.name", "missing or empty (every Widget needs a name)", None),
    # apiVersions 1.31 no longer serves are checked against the newest bundled schema that has them
    ("removed-api-version", "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n"
     "spec:\n  maxReplicas: many\n  scaleTargetRef: {kind: Deployment, name: web}\n", 6, "spec.maxReplicas",
     "expected an integer, got a string (autoscaling/v2beta2 HorizontalPodAutoscaler schema)", "many"),
    # a List item: the field path starts at the document root
    ("list-item", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n"
     "    spec:\n      ports: [{port: abc}]\n", 8, "items[0].spec.ports[0].port",
     "expected an integer, got a string (v1 Service schema)", "abc"),
]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translators", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("name", "text", "line", "field", "message", "value"), CASES, ids=[c[0] for c in CASES])
def test_wrong_types_are_errors_in_process(tmp_path, name, text, line, field, message, value):
    f = tmp_path / f"{name}.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        load_manifests([f])
    assert str(err.value) == f"{f}:{line} {field}: {message}"
    if value is not None:
        assert value not in err.value.message


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in (
    "containers-as-string", "image-as-number", "env-as-mapping", "service-port-abc", "ingress-rules-mapping",
    "storageclass-parameters-list", "pvc-storage-lots", "missing-name", "empty-name", "label-key-not-string",
    "secret-data-list", "secret-stringdata-string")], ids=lambda c: c[0])
def test_wrong_types_exit_1_without_traceback(tmp_path, case):
    name, text, line, field, message, value = case
    f = tmp_path / "in.yaml"  # a name that holds no value
    f.write_text(text)
    res = cli("analyze", "--manifests", str(f))
    assert res.returncode == 1
    assert res.stderr == f"error: {f}:{line} {field}: {message}\n"
    assert res.stdout == "" and "Traceback" not in res.stderr
    if value is not None:
        assert value not in res.stderr


def test_valid_objects_pass(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {"1": x}}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: web
                  image: nginx
                  ports: [{containerPort: 8080.0}]
                  resources: {requests: {cpu: 250m, memory: 1.5Gi}, limits: {cpu: 1, memory: 2e9}}
                  env: [{name: A, value: "1"}, {name: B, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {ports: [{port: 80, targetPort: http}]}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        spec: {anything: [1, {x: y}]}
        ---
        apiVersion: batch/v1beta1
        kind: CronJob
        metadata: {name: old}
        spec: {schedule: "* * * * *", jobTemplate: 3}
        """))
    objs = load_manifests([f])
    assert [o.kind for o in objs] == ["Deployment", "Service", "Widget", "CronJob"]


def test_kustomize_patch_without_selector_is_accepted(tmp_path):
    f = tmp_path / "patch.yaml"
    f.write_text(DEPLOYMENT.replace("  selector:\n    matchLabels: {{app: web}}\n", "").format(
        spec="      containers: [{name: web, image: nginx}]\n"))
    assert load_manifests([f])[0].name == "web"


def test_bundled_example_and_benchmark_kinds_are_valid():
    objs = load_manifests([ROOT / "examples" / "manifests"])
    assert len(objs) > 50
    checked = {(o.api_version, o.kind) for o in objs if v.has_schema(o.api_version, o.kind)}
    assert ("apps/v1", "Deployment") in checked and ("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass") in checked


def test_corpus_objects_that_load_all_validate():
    """Every corpus file that loads without validation also validates, except the listed upstream fragments."""
    from translators.input.manifests import iter_input_files, split_objects
    from translators.input.yamlsource import load_documents, read_text

    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8") as fh:
        categories = {line.split("\t")[1] for line in list(fh)[1:]}
    paths = corpus_paths(*categories)
    assert len(paths) > 200
    refused = {}
    for p in paths:
        try:
            objs = [o for f in iter_input_files([p]) for d in load_documents(read_text(f), str(f))
                    for o in split_objects(d)]
        except InputError:
            continue  # refused before validation (YAML errors, not manifests): unchanged by it
        try:
            v.validate_objects(objs)
        except InputError as e:
            refused[str(p.relative_to(CORPUS))] = str(e)
    assert refused == {rel: f"{CORPUS / rel}:{expected}" for rel, expected in SCHEMA_INVALID.items()}


def test_checks_are_cached_per_kind():
    assert v.check_for("apps/v1", "Deployment") is v.check_for("apps/v1", "Deployment")
    assert v.check_for("example.com/v1", "Widget") is v.check_for("example.com/v1", "Widget")
    assert not v.has_schema("example.com/v1", "Widget") and v.has_schema("velero.io/v1", "Schedule")


# --- eksctl value rules -----------------------------------------------------------------------------

CLUSTER = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: {name}
  region: us-east-1
managedNodeGroups:
  - name: {ng}
    volumeSize: {size}
"""


@pytest.mark.parametrize(("fields", "line", "field", "message"), [
    ({"size": -1}, 8, "managedNodeGroups[0].volumeSize", "must be a positive number of GiB"),
    ({"size": 0}, 8, "managedNodeGroups[0].volumeSize", "must be a positive number of GiB"),
    ({"ng": '""'}, 7, "managedNodeGroups[0].name", "required field is missing"),  # eksctl reads "" as unset
    ({"name": '""'}, 4, "metadata.name", "required field is missing"),
])
def test_eksctl_value_rules(tmp_path, fields, line, field, message):
    f = tmp_path / "cluster.yaml"
    f.write_text(CLUSTER.format(**{"name": "c", "ng": "ng-1", "size": 80, **fields}))
    with pytest.raises(InputError) as err:
        load_cluster_config(str(f))
    assert str(err.value) == f"{f}:{line} {field}: {message}"
    res = cli("analyze", "--cluster-config", str(f))
    assert res.returncode == 1 and res.stderr == f"error: {f}:{line} {field}: {message}\n"
    assert "Traceback" not in res.stderr


def test_eksctl_value_rules_more(tmp_path):
    f = tmp_path / "cluster.yaml"
    f.write_text(textwrap.dedent("""\
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata: {name: c, region: us-east-1}
        nodeGroups:
          - name: a
            maxPodsPerNode: -3
            volumeType: gp2
            volumeIOPS: 3000
        managedNodeGroups:
          - name: a
            volumeIOPS: 20000
            volumeThroughput: 2000
            placement: {groupName: ""}
        iam:
          withOIDC: true
          serviceAccounts:
            - metadata: {name: s, namespace: n}
              attachPolicyARNs: [arn:aws:iam::aws:policy/ReadOnlyAccess]
            - metadata: {name: s, namespace: n}
              attachPolicyARNs: [arn:aws:iam::aws:policy/ReadOnlyAccess]
        """))
    with pytest.raises(InputError) as err:
        load_cluster_config(str(f))
    assert str(err.value).splitlines() == [
        f"{f}:6 nodeGroups[0].maxPodsPerNode: cannot be negative",
        f"{f}:8 nodeGroups[0].volumeIOPS: is only supported for io1 and gp3 volume types",
        f"{f}:10 managedNodeGroups[0].name: is not unique (also nodeGroups[0])",
        f"{f}:11 managedNodeGroups[0].volumeIOPS: must be within 3000-16000 for gp3 volumes",
        f"{f}:12 managedNodeGroups[0].volumeThroughput: must be within 125-1000",
        f"{f}:13 managedNodeGroups[0].placement.groupName: must be set and non-empty when placement is set",
        f"{f}:19 iam.serviceAccounts[1].metadata.name: <namespace>/<name> is not unique (also iam.serviceAccounts[0])",
    ]


def test_bundled_example_cluster_config_passes_the_value_rules():
    cfg = load_cluster_config(str(ROOT / "examples" / "cluster.yaml"))
    assert cfg.data["metadata"]["name"] == "shop-prod"


def test_crd_schema_keywords():
    """nullable, x-kubernetes-int-or-string, anyOf used as a constraint (the node's own type still applies)."""
    c = v._Compiler({})
    check = c.compile({"type": "object", "properties": {
        "a": {"type": "string", "nullable": True},
        "b": {"x-kubernetes-int-or-string": True},
        "c": {"type": "object", "anyOf": [{"required": ["x"]}, {"required": ["y"]}],
              "properties": {"x": {"type": "integer"}}},
        "d": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}})
    check({"a": None, "b": "50%", "c": {"x": 1}, "d": {"any": ["thing"]}})
    check({"b": 3})
    for bad, path, message in (({"a": 1}, ["a"], "expected a string, got an integer"),
                               ({"b": 1.5}, ["b"], "expected an integer or a string, got a number"),
                               ({"c": [1]}, ["c"], "expected a mapping, got a list"),
                               ({"c": {"x": "1"}}, ["c", "x"], "expected an integer, got a string"),
                               ({"d": {2: "x"}}, ["d"], "keys must be strings, got an integer key (quote it)")):
        with pytest.raises(v._Invalid) as err:
            check(bad)
        assert (list(reversed(err.value.path)), err.value.message) == (path, message)
