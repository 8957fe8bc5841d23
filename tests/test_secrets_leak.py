"""Secret values never leak: every artefact of every command is scanned for planted values.

A temporary estate (a minimal eksctl ClusterConfig and a manifests folder) holds distinctive values
in every place the input can hold a secret: Secret ``data`` (base64) and ``stringData`` (also inside
a URL, a docker config and a ``kubectl.kubernetes.io/last-applied-configuration`` annotation), the
``env`` values of credential-named variables, ConfigMap keys named like credentials, and
SecretProviderClass parameters. The artefacts are the standard output and error of
``plan --json``, ``analyze`` in all four formats and ``translate --out`` (subprocesses), every file
they write, and the Pulumi resources, stack outputs, raw wire inputs and console output of
``offline.runner.run_offline`` (in process, preview and up).

Policy (the issue: secret values must never reach logs, reports, plain outputs or plain state):

* Secret values (:data:`SECRETS`, and their base64 forms) appear in no artefact at all: the plan
  JSON shows a Secret's ``data``/``stringData`` only as ``"[secret]"``, ``translate`` writes its keys
  with empty values, and the Pulumi program sends them as secrets (encrypted in state).
* Secret-looking plain configuration (:data:`CONFIG`: credential ``env`` values in a Deployment,
  credential ConfigMap values) is found by ``translators.secrets.plain`` (findings SEC-016/SEC-018,
  by name, never by value) and is treated like Secret values: ``translate`` writes it emptied, the
  Pulumi program sends it as a Pulumi secret (``"[secret]"`` in the plan JSON), and no other artefact
  echoes it. The objects that hold it keep every other field (env names, non-secret values).
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from translators.estate import TranslateOptions, translate_estate

REPO = Path(__file__).resolve().parents[1]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Secret values: nowhere, in any form.
SECRETS = {
    "data": "Zq8-planted-secret-data-5c1e",
    "data-aws": "wJalrXUtnFEMI-K7MDENG-planted-aws-key",
    "string": "Hx2-planted-stringdata-9d7b",
    "url": "UrlPw-planted-4a8f",
    "docker": "ecr-token-planted-3b6d",
    "docker-hub": "hub-password-planted-d15c",
    "tls": "planted-tls-private-key-77aa",
    "applied": "last-applied-planted-2e9d",
    "spc": "spc-parameter-planted-0f3c",
}
# Plain configuration: only in the Deployment / ConfigMap that holds it.
CONFIG = {
    "env-key-id": "AKIAPLANTEDENV0123456",
    "env-aws": "env-aws-secret-planted-61be",
    "env-db": "env-db-password-planted-8c2a",
    "env-token": "env-api-token-planted-5e0d",
    "env-url": "env-url-password-planted-3c9f",
    "cm-password": "cm-password-planted-13f4",
    "cm-secret": "cm-secret-planted-a7b2",
    "cm-token": "cm-token-planted-c4d8",
    "cm-aws": "cm-aws-secret-planted-90e1",
}
DOCKER_AUTH = b64("AWS:" + SECRETS["docker"])
DOCKER_CONFIG = json.dumps({"auths": {"111122223333.dkr.ecr.us-east-1.amazonaws.com": {
    "username": "AWS", "password": SECRETS["docker"], "auth": DOCKER_AUTH}}})
HUB_AUTH = b64("shop:" + SECRETS["docker-hub"])
HUB_CONFIG = json.dumps({"auths": {
    "111122223333.dkr.ecr.us-east-1.amazonaws.com": {"username": "AWS", "password": SECRETS["docker"]},
    "https://index.docker.io/v1/": {"username": "shop", "password": SECRETS["docker-hub"], "auth": HUB_AUTH}}})
LAST_APPLIED = json.dumps({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                           "metadata": {"name": "exported", "namespace": "shop"},
                           "data": {"password": b64(SECRETS["applied"])}})


def forms(value: str) -> set[str]:
    """A value as it may be written: plain, base64 (padded and not), JSON-escaped."""
    enc = b64(value)
    return {value, enc, enc.rstrip("="), json.dumps(value)[1:-1]}


SECRET_FORMS = {f for v in SECRETS.values() for f in forms(v)} | {DOCKER_AUTH, HUB_AUTH, b64(DOCKER_CONFIG),
                                                                  b64(HUB_CONFIG), b64(LAST_APPLIED)}
CONFIG_FORMS = {f for v in CONFIG.values() for f in forms(v)}

CLUSTER = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: vault, region: us-east-1, version: "1.31"}
managedNodeGroups:
  - name: ng-1
    instanceType: m5.xlarge
    desiredCapacity: 2
"""


def manifests() -> dict[str, list[dict[str, Any]]]:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    secrets = [
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}, "type": "Opaque",
         "data": {"password": b64(SECRETS["data"]), "AWS_SECRET_ACCESS_KEY": b64(SECRETS["data-aws"])},
         "stringData": {"api-token": SECRETS["string"],
                        "DB_URL": f"postgres://app:{SECRETS['url']}@db.abc.us-east-1.rds.amazonaws.com:5432/app"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred", "namespace": "shop"},
         "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": b64(DOCKER_CONFIG)}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "hub", "namespace": "shop"},
         "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": b64(HUB_CONFIG)}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tls", "namespace": "shop"},
         "type": "kubernetes.io/tls", "data": {"tls.crt": b64("not-secret-certificate"), "tls.key": b64(SECRETS["tls"])}},
        # as `kubectl get secret -o yaml` exports it from the EKS cluster
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
         "metadata": {"name": "exported", "namespace": "shop",
                      "annotations": {"kubectl.kubernetes.io/last-applied-configuration": LAST_APPLIED}},
         "data": {"password": b64(SECRETS["applied"])}},
        {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
         "metadata": {"name": "api-secrets", "namespace": "shop"},
         "spec": {"provider": "aws", "parameters": {
             "region": "us-east-1", "apiKey": SECRETS["spc"],
             "objects": "- objectName: arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/api-AbCdEf\n"
                        "  objectType: secretsmanager\n  objectAlias: api.json\n"}}},
    ]
    apps = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
            "name": "api", "namespace": "shop",
            "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop-api"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}}, "template": {
             "metadata": {"labels": {"app": "api"}},
             "spec": {"serviceAccountName": "api", "containers": [{
                 "name": "api", "image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/api:1.0",
                 "env": [{"name": "AWS_ACCESS_KEY_ID", "value": CONFIG["env-key-id"]},
                         {"name": "AWS_SECRET_ACCESS_KEY", "value": CONFIG["env-aws"]},
                         {"name": "DB_PASSWORD", "value": CONFIG["env-db"]},
                         {"name": "API_TOKEN", "value": CONFIG["env-token"]},
                         {"name": "DATABASE_URL", "value": f"postgres://app:{CONFIG['env-url']}@"
                                                           "db.abc.us-east-1.rds.amazonaws.com:5432/app"},
                         {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "db", "key": "api-token"}}}],
                 "envFrom": [{"configMapRef": {"name": "app-config"}}],
                 "volumeMounts": [{"name": "secrets", "mountPath": "/mnt/secrets", "readOnly": True}]}],
                 "imagePullSecrets": [{"name": "regcred"}],
                 "volumes": [{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                                         "volumeAttributes": {"secretProviderClass": "api-secrets"}}}]}}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config", "namespace": "shop"},
         "data": {"password": CONFIG["cm-password"], "client_secret": CONFIG["cm-secret"],
                  "auth-token": CONFIG["cm-token"], "AWS_SECRET_ACCESS_KEY": CONFIG["cm-aws"],
                  "BUCKET": "s3://shop-media"}},
    ]
    return {"00-namespace.yaml": [ns], "secrets.yaml": secrets, "apps.yaml": apps}


# Secrets deployed (regcred, an ECR pull secret, is dropped: AKS pulls from ACR with its kubelet identity)
KEPT_SECRETS = {"db", "hub", "tls", "exported"}
# objects allowed to hold CONFIG values: (kind, name)
CONFIG_HOLDERS = {("Deployment", "api"), ("ConfigMap", "app-config")}


def holder(resource: dict[str, Any]) -> tuple[str, Any]:
    """(kind, metadata.name) of a plan resource."""
    inputs = resource["inputs"] if isinstance(resource["inputs"], dict) else {}
    md = inputs.get("metadata") if isinstance(inputs.get("metadata"), dict) else {}
    return resource["type"].rsplit(":", 1)[-1], md.get("name")


def hits(text: str, needles: set[str]) -> list[str]:
    return sorted(n for n in needles if n in text)


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("leak")
    (root / "cluster.yaml").write_text(CLUSTER, encoding="utf-8")
    (root / "manifests").mkdir()
    for name, docs in manifests().items():
        (root / "manifests" / name).write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    text = "".join(p.read_text() for p in (root / "manifests").iterdir())
    assert b64(DOCKER_CONFIG) in text and b64(HUB_CONFIG) in text
    text += DOCKER_CONFIG + HUB_CONFIG  # the registry passwords are inside those base64 values
    assert all(b64(v) in text or v in text for v in SECRETS.values())  # the estate holds what is scanned for
    return root


@pytest.fixture(scope="module")
def cli(estate) -> dict[str, Any]:
    """Every command, run concurrently in subprocesses: {name: (returncode, stdout, stderr)} and the written files."""
    inputs = ["--cluster-config", str(estate / "cluster.yaml"), "--manifests", str(estate / "manifests")]
    out = estate / "out"
    commands = {"plan": ["plan", *inputs, "--json", str(out / "plan.json")],
                "translate": ["translate", *inputs, "--out", str(out / "translated")],
                "analyze-md-file": ["analyze", *inputs, "--format", "md", "--out", str(out / "report.md")]}
    commands.update({f"analyze-{fmt}": ["analyze", *inputs, "--format", fmt] for fmt in ("md", "json", "sarif", "konveyor")})
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    procs = {name: subprocess.Popen([sys.executable, "-m", "translators", *args], cwd=REPO, env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name, args in commands.items()}
    results = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, (name, stderr[-3000:])
        results[name] = (stdout, stderr)
    files = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()}
    return {"results": results, "files": files}


@pytest.fixture(scope="module")
def offline(estate) -> dict[str, Any]:
    """run_offline in process (preview and up): resources, outputs, raw wire inputs and console output."""
    import offline.runner as runner

    monitors: list[Any] = []

    class Capturing(runner.RecordingMonitor):  # type: ignore[misc, valid-type]
        def __init__(self, mocks: Any) -> None:
            super().__init__(mocks)
            monitors.append(self)

    plan = translate_estate(estate / "cluster.yaml", TranslateOptions(stack="dev"), [str(estate / "manifests")])
    original = runner.RecordingMonitor
    runner.RecordingMonitor = Capturing  # type: ignore[misc]
    try:
        runs = {mode: runner.run_offline(plan, stack="dev", preview=(mode == "preview")) for mode in ("preview", "up")}
    finally:
        runner.RecordingMonitor = original  # type: ignore[misc]
    return {"plan": plan, "runs": runs, "raw": [r for m in monitors for r in m.recorded]}


def test_the_estate_reaches_every_secret_path(cli):
    findings = json.loads(cli["files"]["translated/findings.json"])["findings"]
    rules = {f["ruleId"] for f in findings}
    assert {"SEC-009", "SEC-011", "SEC-013", "REG-004", "APP-001"} <= rules, rules
    messages = " ".join(f["message"] for f in findings)
    for name in ("Secret/shop/db", "Secret/shop/regcred", "Secret/shop/hub", "Secret/shop/tls",
                 "Secret/shop/exported", "AWS_SECRET_ACCESS_KEY", "apiKey", "last-applied-configuration"):
        assert name in messages, name  # flagged by name ...
    assert not hits(messages, SECRET_FORMS | CONFIG_FORMS)  # ... never by value


def test_no_secret_value_in_any_command_output_or_file(cli):
    for name, (stdout, stderr) in cli["results"].items():
        assert not hits(stdout, SECRET_FORMS), name
        assert not hits(stderr, SECRET_FORMS), name
    assert {"plan.json", "report.md", "translated/findings.json", "translated/report.txt"} <= set(cli["files"])
    for path, text in cli["files"].items():
        assert not hits(text, SECRET_FORMS), path


def test_secret_looking_config_values_in_no_artefact(cli):
    for name, (stdout, stderr) in cli["results"].items():  # logs, reports in all formats
        assert not hits(stdout + stderr, CONFIG_FORMS), name
    holders = {}
    for path, text in cli["files"].items():
        assert not hits(text, CONFIG_FORMS), path  # translated manifests and plan.json included
        if path.startswith("translated/") and path.endswith(".yaml") and "/" not in path[len("translated/"):]:
            doc = yaml.safe_load(text)
            if isinstance(doc, dict) and (doc.get("kind"), (doc.get("metadata") or {}).get("name")) in CONFIG_HOLDERS:
                holders[doc["kind"]] = doc
    # the holders are written with those values emptied, everything else kept
    assert set(holders) == {"Deployment", "ConfigMap"}
    for doc in holders.values():
        assert doc["metadata"]["annotations"]["eks-to-aks.io/values-redacted"] == "true"
    env = {e["name"]: e.get("value") for e in holders["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env == {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "DB_PASSWORD": "", "API_TOKEN": "",
                   "DATABASE_URL": "", "API_KEY": None}
    assert holders["ConfigMap"]["data"] == {"password": "", "client_secret": "", "auth-token": "",
                                            "AWS_SECRET_ACCESS_KEY": "", "BUCKET": "s3://shop-media"}
    plan = json.loads(cli["files"]["plan.json"])
    kinds = {r["inputs"]["kind"]: r["inputs"] for r in plan["resources"] if holder(r) in CONFIG_HOLDERS}
    assert kinds["Deployment"]["spec"] == "[secret]" and kinds["ConfigMap"]["data"] == "[secret]"
    findings = json.loads(cli["files"]["translated/findings.json"])["findings"]
    assert sorted(f["message"].split(": looks like")[0] for f in findings if f["ruleId"] in ("SEC-016", "SEC-018")) == [
        "ConfigMap/shop/app-config key AWS_SECRET_ACCESS_KEY", "ConfigMap/shop/app-config key auth-token",
        "ConfigMap/shop/app-config key client_secret", "ConfigMap/shop/app-config key password",
        "Deployment/shop/api container api env API_TOKEN", "Deployment/shop/api container api env AWS_ACCESS_KEY_ID",
        "Deployment/shop/api container api env AWS_SECRET_ACCESS_KEY", "Deployment/shop/api container api env DATABASE_URL",
        "Deployment/shop/api container api env DB_PASSWORD"]


def test_plan_json_shows_secret_data_only_as_secret(cli):
    plan = json.loads(cli["files"]["plan.json"])
    secrets = [r for r in plan["resources"] if r["type"] == "kubernetes:core/v1:Secret"]
    assert {r["inputs"]["metadata"]["name"] for r in secrets} == KEPT_SECRETS
    for r in secrets:
        for key in ("data", "stringData"):
            if key in r["inputs"]:
                assert r["inputs"][key] == "[secret]", (r["name"], key)
    assert "[secret]" in json.dumps(plan["outputs"]) or not plan["outputs"].get("kubeconfig")


def test_translate_writes_secrets_redacted(cli):
    written = {p: yaml.safe_load(t) for p, t in cli["files"].items() if p.startswith("translated/") and p.endswith(".yaml")}
    secrets = {d["metadata"]["name"]: d for d in written.values() if isinstance(d, dict) and d.get("kind") == "Secret"}
    # the Docker Hub pull secret is left out: emptied, the API server would reject it (INP-031 in the report)
    assert set(secrets) == KEPT_SECRETS - {"hub"}
    assert "[INP-031]" in cli["files"]["translated/report.txt"] and "Secret shop/hub" in cli["files"]["translated/report.txt"]
    for name, doc in secrets.items():
        assert doc["metadata"]["annotations"]["eks-to-aks.io/values-redacted"] == "true"
        for key in ("data", "stringData"):
            assert all(v == "" for v in (doc.get(key) or {}).values()), (name, key)
    assert set(secrets["db"]["data"]) == {"password", "AWS_SECRET_ACCESS_KEY"}  # keys kept
    assert set(secrets["db"]["stringData"]) == {"api-token", "DB_URL"}


def test_offline_run_never_holds_secret_values_in_plain(offline, capfd):
    for mode, run in offline["runs"].items():
        text = json.dumps(run.resources, default=str) + json.dumps(run.outputs, default=str)
        assert not hits(text, SECRET_FORMS), mode
        assert not hits(text, CONFIG_FORMS), mode  # secret-looking env / ConfigMap values: Pulumi secrets too
    captured = capfd.readouterr()
    assert not hits(captured.out + captured.err, SECRET_FORMS | CONFIG_FORMS)
    assert not hits(json.dumps([f.as_json() for f in offline["plan"].findings]), SECRET_FORMS | CONFIG_FORMS)


def test_wire_inputs_carry_secret_values_only_as_pulumi_secrets(offline):
    """What the engine would store: every string holding a secret value is inside a secret-wrapped value."""
    from offline.mocks import SECRET_SIG, SECRET_VALUE

    plain: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if value.get(SECRET_SIG) == SECRET_VALUE:
                return  # encrypted in state, "[secret]" in previews
            for k, v in value.items():
                walk(k, where)
                walk(v, f"{where}.{k}")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")
        elif isinstance(value, str) and hits(value, SECRET_FORMS | CONFIG_FORMS):
            plain.append(where)

    assert offline["raw"], "no resource recorded"
    secrets = 0
    for r in offline["raw"]:
        walk(r.inputs, f"{r.type}:{r.name}")
        secrets += r.type == "kubernetes:core/v1:Secret"
    assert secrets == 2 * len(KEPT_SECRETS)  # preview and up
    assert plain == []
