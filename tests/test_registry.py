"""Amazon ECR → Azure Container Registry (translators/registry/translate.py)."""
from __future__ import annotations

import base64
import json
import textwrap

import pytest
from helpers import load, first_result, corpus_objects
import yaml

from translators.findings import catalogue
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.network.translate import NETWORK_TRANSLATORS, aws_network_object
from translators.podspec import containers
from translators.registry.translate import INDEX_KEY, REGISTRY_TRANSLATORS, docker_config_hosts, index_registry, prepare
from translators.registry.images import (ImageRef, ecr_host, image_copy_plan, parse_image, rewrite_image,
                                         velero_image_configmap)


ACR = "acrshop1a2b.azurecr.io"
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"




def translate(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    return first_result(REGISTRY_TRANSLATORS, obj, ctx)


def run(text: str, **options) -> tuple[WorkloadContext, list[tuple[K8sObject, Translation | None]]]:
    ctx = WorkloadContext(registry_login_server=ACR, options=dict(options))
    objs = load(text)
    prepare(objs, ctx)
    return ctx, [(o, translate(o, ctx)) for o in objs]


def last(text: str, **options) -> tuple[WorkloadContext, K8sObject, Translation | None]:
    ctx, pairs = run(text, **options)
    return (ctx, *pairs[-1])


def rules(res: Translation | None) -> list[str]:
    return [f.rule_id for f in res.findings] if res else []


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in ln)


def images(manifest: dict) -> list[str]:
    return [c["image"] for _, c in containers(manifest) if isinstance(c.get("image"), str)]


# --- image references ------------------------------------------------------------------------------

@pytest.mark.parametrize("image,ref", [
    ("nginx", ImageRef(None, "nginx", None, None)),
    ("nginx:1.25", ImageRef(None, "nginx", "1.25", None)),
    ("bitnami/redis:7", ImageRef(None, "bitnami/redis", "7", None)),
    ("localhost:5000/app", ImageRef("localhost:5000", "app", None, None)),
    (f"{ECR}/team/api:v1@sha256:abc", ImageRef(ECR, "team/api", "v1", "sha256:abc")),
    ("quay.io/prometheus/node-exporter@sha256:0f", ImageRef("quay.io", "prometheus/node-exporter", None, "sha256:0f")),
])
def test_parse_image(image, ref):
    assert parse_image(image) == ref


REWRITES = [
    # (image, mirror, expected)
    (f"{ECR}/api-server:v1.2.3", False, f"{ACR}/api-server:v1.2.3"),
    (f"{ECR}/team/api", False, f"{ACR}/team/api:latest"),
    (f"{ECR}/api@sha256:0123", False, f"{ACR}/api@sha256:0123"),
    (f"{ECR}/api:v2@sha256:0123", False, f"{ACR}/api:v2@sha256:0123"),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/api:1", False, f"{ACR}/api:1"),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api:1", False, f"{ACR}/api:1"),
    ("123456789012.dkr-ecr.eu-west-1.on.aws/api:1", False, f"{ACR}/api:1"),
    ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/api:1", False, f"{ACR}/api:1"),
    ("${AWS_ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com/api:1", False, f"{ACR}/api:1"),
    ("public.ecr.aws/docker/library/mysql:8.0", False, None),
    ("nginx:1.25", False, None),
    ("nginx:1.25", True, f"{ACR}/docker.io/library/nginx:1.25"),
    ("bitnami/redis", True, f"{ACR}/docker.io/bitnami/redis:latest"),
    ("registry-1.docker.io/library/busybox:1", True, f"{ACR}/docker.io/library/busybox:1"),
    ("public.ecr.aws/docker/library/mysql:8.0", True, f"{ACR}/public.ecr.aws/docker/library/mysql:8.0"),
    ("registry.k8s.io/pause:3.9", True, f"{ACR}/registry.k8s.io/pause:3.9"),
    ("mcr.microsoft.com/oss/nginx@sha256:1f", True, f"{ACR}/mcr.microsoft.com/oss/nginx@sha256:1f"),
    ("registry.example.com/app:1", True, None),
    (f"{ACR}/api:1", True, None),
    ("$(IMAGE)", True, None),
    ("", False, None),
]


@pytest.mark.parametrize("image,mirror,expected", REWRITES)
def test_rewrite_image(image, mirror, expected):
    assert rewrite_image(image, ACR, mirror) == expected


@pytest.mark.parametrize("host,account,region,kind", [
    (ECR, "123456789012", "us-east-1", "ipv4"),
    ("123456789012.dkr.ecr-fips.us-east-2.amazonaws.com", "123456789012", "us-east-2", "fips"),
    ("602401143452.dkr.ecr.us-gov-west-1.amazonaws.com", "602401143452", "us-gov-west-1", "ipv4"),
    ("123456789012.dkr-ecr.ap-southeast-2.on.aws", "123456789012", "ap-southeast-2", "dual-stack"),
    ("$(ACCOUNT).dkr.ecr.$(REGION).amazonaws.com", "", "", "templated"),
])
def test_ecr_host(host, account, region, kind):
    assert ecr_host(host) == {"account": account, "region": region, "kind": kind}
    assert ecr_host("public.ecr.aws") is None and ecr_host(None) is None


DIGEST = "sha256:" + "0123456789abcdef" * 4


def test_image_copy_plan():
    plan = image_copy_plan([
        (f"{ECR}/api:v1", f"{ACR}/api:v1"),
        (f"{ECR}/team/api", f"{ACR}/team/api:latest"),
        (f"{ECR}/api@{DIGEST}", f"{ACR}/api@{DIGEST}"),
        ("nginx:1.25", f"{ACR}/docker.io/library/nginx:1.25"),
        ("$(ACCOUNT).dkr.ecr.$(REGION).amazonaws.com/web:2", f"{ACR}/web:2"),  # templated: never scripted
    ])
    login = '--username AWS --password "$(aws ecr get-login-password --region us-east-1)"'
    assert [p["command"] for p in plan] == [
        f"az acr import --name acrshop1a2b --source {ECR}/api:v1 --image api:v1 --force {login}",
        f"az acr import --name acrshop1a2b --source {ECR}/api@{DIGEST} --repository api --force {login}",
        f"az acr import --name acrshop1a2b --source {ECR}/team/api:latest --image team/api:latest --force {login}",
        "az acr import --name acrshop1a2b --source docker.io/library/nginx:1.25 --image docker.io/library/nginx:1.25"
        " --force",
    ]
    assert plan[0] == {"source": f"{ECR}/api:v1", "target": f"{ACR}/api:v1", "command": plan[0]["command"]}


def test_velero_change_image_name_configmap():
    cm = velero_image_configmap([
        (f"{ECR}/api:v1", f"{ACR}/api:v1"),
        (f"{ECR}/team/api", f"{ACR}/team/api:latest"),
        ("987654321098.dkr.ecr.eu-west-1.amazonaws.com/x@sha256:1", f"{ACR}/x@sha256:1"),
        ("quay.io/org/tool:1", f"{ACR}/quay.io/org/tool:1"),
        ("nginx:1.25", f"{ACR}/docker.io/library/nginx:1.25"),  # no host to match: left out
    ])
    assert cm == {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "change-image-name-config", "namespace": "velero",
                     "labels": {"velero.io/plugin-config": "", "velero.io/change-image-name": "RestoreItemAction"}},
        "data": {"case1": f"{ECR}/,{ACR}/",
                 "case2": f"987654321098.dkr.ecr.eu-west-1.amazonaws.com/,{ACR}/",
                 "case3": f"quay.io/,{ACR}/quay.io/"},
    }


# --- workloads --------------------------------------------------------------------------------------

POD_SPEC = {"initContainers": [{"name": "init", "image": f"{ECR}/init:1"}],
            "containers": [{"name": "app", "image": f"{ECR}/app:2"}, {"name": "proxy", "image": "envoyproxy/envoy:v1"}]}
KINDS = {
    "Pod": ("v1", POD_SPEC),
    "Deployment": ("apps/v1", {"template": {"spec": POD_SPEC}}),
    "StatefulSet": ("apps/v1", {"template": {"spec": POD_SPEC}}),
    "DaemonSet": ("apps/v1", {"template": {"spec": POD_SPEC}}),
    "ReplicaSet": ("apps/v1", {"template": {"spec": POD_SPEC}}),
    "Job": ("batch/v1", {"template": {"spec": POD_SPEC}}),
    "ReplicationController": ("v1", {"template": {"spec": POD_SPEC}}),
    "CronJob": ("batch/v1", {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": POD_SPEC}}}}),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_workload_kind(kind):
    api, spec = KINDS[kind]
    text = yaml.safe_dump({"apiVersion": api, "kind": kind, "metadata": {"name": "w", "namespace": "shop"},
                           "spec": spec}, sort_keys=False)
    ctx, obj, res = last(text)
    assert res.outcome == "translated"
    assert images(res.objects[0]) == [f"{ACR}/init:1", f"{ACR}/app:2", "envoyproxy/envoy:v1"]
    assert images(obj.obj) == [f"{ECR}/init:1", f"{ECR}/app:2", "envoyproxy/envoy:v1"]  # input untouched
    assert rules(res) == ["REG-001", "REG-001"]
    assert [f.line for f in res.findings] == [line_of(text, f"{ECR}/init:1"), line_of(text, f"{ECR}/app:2")]
    assert ctx.image_copy == {f"{ECR}/init:1": f"{ACR}/init:1", f"{ECR}/app:2": f"{ACR}/app:2"}


def test_public_images_are_not_our_concern():
    _, _, res = last("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      imagePullSecrets: [{name: hub}]
      containers: [{name: a, image: nginx}, {name: b, image: public.ecr.aws/aws-containers/ui:0.8}]
    """)
    assert res is None


def test_mirror_public_images():
    ctx, _, res = last("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers: [{name: a, image: nginx}, {name: b, image: "quay.io/org/tool:1"}]
    """, mirrorPublicImages=True)
    assert images(res.objects[0]) == [f"{ACR}/docker.io/library/nginx:latest", f"{ACR}/quay.io/org/tool:1"]
    assert rules(res) == ["REG-005", "REG-002", "REG-005"]
    assert "az acr import --name acrshop1a2b --source quay.io/org/tool:1" in res.findings[2].message
    assert ctx.image_copy["nginx"] == f"{ACR}/docker.io/library/nginx:latest"


@pytest.mark.parametrize("image,expected", [
    (f"{ECR}/api", ["REG-001", "REG-002"]),
    ("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-load-balancer-controller:v2.7.1",
     ["REG-001", "REG-006"]),
    ("${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/api:1", ["REG-001", "REG-007"]),
])
def test_image_findings(image, expected):
    _, _, res = last(f"""\
    apiVersion: v1
    kind: Pod
    metadata: {{name: p}}
    spec: {{containers: [{{name: a, image: "{image}"}}]}}
    """)
    assert res.outcome == "translated" and rules(res) == expected


def test_other_private_registry_is_flagged():
    _, _, res = last("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      imagePullSecrets: [{name: artifactory}]
      containers: [{name: a, image: "artifactory.corp.example/team/app:3"}]
    """)
    assert res.outcome == "passthrough" and rules(res) == ["REG-008"]
    assert res.objects[0]["spec"]["imagePullSecrets"] == [{"name": "artifactory"}]


# --- pull secrets -----------------------------------------------------------------------------------

def docker_secret(name: str, hosts: list[str], string_data: bool = False) -> str:
    cfg = json.dumps({"auths": {h: {"auth": "QVdTOnRva2Vu"} for h in hosts}})
    body = ({"stringData": {".dockerconfigjson": cfg}} if string_data else
            {"data": {".dockerconfigjson": base64.b64encode(cfg.encode()).decode()}})
    return yaml.safe_dump({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "shop"},
                           "type": "kubernetes.io/dockerconfigjson", **body}, sort_keys=False)


def pod(images_: list[str], secrets: list[str]) -> str:
    return yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"},
                           "spec": {"imagePullSecrets": [{"name": s} for s in secrets],
                                    "containers": [{"name": f"c{i}", "image": im} for i, im in enumerate(images_)]}},
                          sort_keys=False)


@pytest.mark.parametrize("pod_images,secrets,kept", [
    ([f"{ECR}/a:1", "nginx:1"], ["ecr-cred", "hub"], ["hub"]),  # ECR secret by content
    ([f"{ECR}/a:1"], ["ecr-cred", "hub"], None),  # every image was ECR: no pull secret needed
    (["nginx:1"], ["hub"], ["hub"]),
])
def test_pod_pull_secrets(pod_images, secrets, kept):
    text = docker_secret("ecr-cred", [f"https://{ECR}"]) + "---\n" + docker_secret("hub", ["docker.io"])
    _, pairs = run(text + "---\n" + pod(pod_images, secrets))
    obj, res = pairs[-1]
    if kept == secrets:
        assert res is None
        return
    assert res.outcome == "translated"
    assert res.objects[0]["spec"].get("imagePullSecrets") == ([{"name": k} for k in kept] if kept else None)
    removed = [f for f in res.findings if f.rule_id == "REG-003"]
    assert len(removed) == len(secrets) - len(kept or [])
    assert removed[0].line == obj.line("spec", "imagePullSecrets", 0)
    assert pairs[0][1].outcome == "dropped" and rules(pairs[0][1]) == ["REG-004"]
    assert pairs[1][1] is None  # a Docker Hub credential is not ours to touch


def test_secret_with_ecr_and_other_registries_keeps_the_others():
    for string_data in (False, True):
        _, _, res = last(docker_secret("both", [ECR, "ghcr.io"], string_data))
        assert res.outcome == "translated" and rules(res) == ["REG-004"]
        new = res.objects[0]
        raw = new["stringData"][".dockerconfigjson"] if string_data else \
            base64.b64decode(new["data"][".dockerconfigjson"]).decode()
        assert list(json.loads(raw)["auths"]) == ["ghcr.io"]


def test_unreadable_secret_dropped_only_when_ecr_pods_use_it():
    seed_secret = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: ecr-registry, namespace: shop}
    type: kubernetes.io/dockerconfigjson
    data:
      .dockerconfigjson: <base64-encoded-ecr-credentials>
    ---
    """
    _, pairs = run(textwrap.dedent(seed_secret) + pod([f"{ECR}/api-server:v1.2.3"], ["ecr-registry"]))
    assert pairs[0][1].outcome == "dropped" and "only pods with ECR images" in pairs[0][1].findings[0].message
    assert "imagePullSecrets" not in pairs[1][1].objects[0]["spec"]
    _, pairs = run(textwrap.dedent(seed_secret) + pod(["nginx"], ["ecr-registry"]))
    assert pairs[0][1] is None and pairs[1][1] is None


@pytest.mark.parametrize("secret,hosts", [
    ({"type": "kubernetes.io/dockercfg", "stringData": {".dockercfg": json.dumps({ECR: {"auth": "x"}})}}, [ECR]),
    ({"type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "{not json"}}, None),
    ({"type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "[1]"}}, None),
    ({"type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "@@@"}}, None),
    ({"type": "Opaque", "data": {"k": "dg=="}}, None),
])
def test_docker_config_hosts(secret, hosts):
    assert docker_config_hosts(secret) == hosts


def test_service_account_pull_secrets():
    text = docker_secret("ecr-cred", [ECR]) + """\
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
imagePullSecrets: [{name: ecr-cred}, {name: other}]
"""
    _, pairs = run(text)
    obj, res = pairs[-1]
    assert res.outcome == "translated" and res.objects[0]["imagePullSecrets"] == [{"name": "other"}]
    assert rules(res) == ["REG-003"] and res.findings[0].line == obj.line("imagePullSecrets", 0)
    _, _, res = last(text.replace("{name: ecr-cred}, ", ""))
    assert res is None


def test_vpc_cni_daemonset_is_left_to_the_network_translators():
    text = f"""\
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {{name: aws-node, namespace: kube-system}}
    spec: {{template: {{spec: {{containers: [{{name: aws-node, image: "{ECR}/amazon-k8s-cni:v1"}}]}}}}}}
    """
    ctx, obj, res = last(text)
    assert res is None and not ctx.image_copy
    assert NETWORK_TRANSLATORS[1](obj, ctx).outcome == "dropped"


def test_index_is_json_safe_and_complete():
    objs = load(docker_secret("ecr-cred", [ECR]) + "---\n" + pod([f"{ECR}/a:1"], ["ecr-cred"]))
    idx = index_registry(objs)
    assert json.loads(json.dumps(idx)) == idx
    assert idx == {"complete": True, "secrets": {"shop/ecr-cred": "ecr"}, "pullSecretUses": {"shop/ecr-cred": ["ecr"]}}
    ctx = WorkloadContext()
    assert translate(objs[1], ctx).outcome == "translated" and ctx.indexes[INDEX_KEY]["complete"] is False


# --- catalogue, data, purity ------------------------------------------------------------------------

REGISTRY_RULES = {rid for rid in catalogue() if rid.startswith("REG-")}


# Catalogue shape, emitted/triggered ids, data-table provenance and the no-Pulumi rule are checked
# project-wide (tests/test_rules_catalogue.py, test_catalogue_coverage.py, test_architecture.py).


# --- corpus -------------------------------------------------------------------------------------------

CATEGORIES = ("security-group-policy", "aws-integrations", "apps")


@pytest.mark.parametrize("mirror", [False, True])
def test_corpus(mirror):
    objs = corpus_objects(*CATEGORIES)
    ctx = WorkloadContext(registry_login_server=ACR, options={"mirrorPublicImages": mirror})
    prepare(objs, ctx)
    workloads = ecr_seen = 0
    for o in objs:
        res = translate(o, ctx)
        if res is not None:
            assert {f.rule_id for f in res.findings} <= REGISTRY_RULES
            assert all(f.file == o.file and f.line for f in res.findings)
        if not list(containers(o.obj)):
            continue
        workloads += 1
        ecr = [i for i in images(o.obj) if ecr_host(parse_image(i).host)]
        ecr_seen += len(ecr)
        if aws_network_object(o) is not None:  # the VPC CNI: dropped by the network translators
            assert res is None
            continue
        out = images(res.objects[0]) if res is not None else images(o.obj)
        assert not [i for i in out if ecr_host(parse_image(i).host)], o.ref()
        assert not [i for i in out if rewrite_image(i, ACR, mirror)], o.ref()  # nothing left to rewrite
    assert workloads >= 15 and ecr_seen >= 3
