"""Secret-looking values in plain fields (env, args, ConfigMaps, annotations) and malformed Secrets.

Each planted value is distinctive; the checks are that it is found (a finding that names where, never the
value), emptied in ``translate --out`` manifests, hidden as ``"[secret]"`` in ``plan --json``, and echoed by no
output or error message.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import load
from translators.secrets import plain as ps
from translators.k8s import WorkloadContext
from translators.refdata import DATA

ROOT = Path(__file__).resolve().parents[1]

PLANTED = {
    "env-pw": "pl4nted-env-password-1a",
    "env-url": "pl4nted-url-pw-2b",
    "env-akia": "AKIAPL4NTEDKEY000001",
    "arg-flag": "pl4nted-flag-value-3c",
    "arg-next": "pl4nted-next-token-4d",
    "arg-ghp": "ghp_" + "pl4nted" * 5 + "x",
    "cm-key": "pl4nted-cm-apikey-5e",
    "cm-conn": "pl4nted-conn-pw-6f",
    "ann": "pl4nted-annotation-token-7a",
    "secret-binary": "cGw0bnRlZC1iaW5hcnktOGI=",
    "secret-string": "pl4nted-stringdata-9c",
}

APP = f"""\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    example.com/api-token: {PLANTED["ann"]}
spec:
  selector:
    matchLabels: {{app: api}}
  template:
    metadata:
      labels: {{app: api}}
    spec:
      containers:
        - name: api
          image: nginx:1.27
          args: ["--db-password={PLANTED["arg-flag"]}", "--token", "{PLANTED["arg-next"]}", "--verbose", "{PLANTED["arg-ghp"]}"]
          env:
            - name: DB_PASSWORD
              value: {PLANTED["env-pw"]}
            - name: DATABASE_URL
              value: postgres://app:{PLANTED["env-url"]}@db.example.com:5432/app
            - name: UPSTREAM_KEY_HOLDER
              value: {PLANTED["env-akia"]}
            - name: DB_PASSWORD_FILE
              value: /run/secrets/db
            - name: SECRET_NAME
              value: db-credentials
            - name: REQUIRE_TOKEN
              value: "true"
            - name: API_TOKEN
              value: $(TOKEN_FROM_SECRET)
            - name: LOG_LEVEL
              value: info
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: shop
data:
  API_KEY: {PLANTED["cm-key"]}
  conn: "Server=tcp:db;Database=x;User Id=u;Password={PLANTED["cm-conn"]};"
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: odd
  namespace: shop
binaryData:
  blob: {PLANTED["secret-binary"]}
stringData:
  k: {PLANTED["secret-string"]}
"""

EXPECTED = [  # (rule, line, message before "; the value is ...")
    ("SEC-016", 26, "Deployment/shop/api container api env DB_PASSWORD: looks like a password (by its name)"),
    ("SEC-016", 28, "Deployment/shop/api container api env DATABASE_URL: looks like Basic Auth Credentials "
                    "(detect-secrets)"),
    ("SEC-016", 30, "Deployment/shop/api container api env UPSTREAM_KEY_HOLDER: looks like AWS Access Key "
                    "(detect-secrets)"),
    ("SEC-017", 23, "Deployment/shop/api container api args[0]: looks like a secret passed on the command line "
                    "(by its flag)"),
    ("SEC-017", 23, "Deployment/shop/api container api args[2]: looks like a secret passed on the command line "
                    "(by its flag)"),
    ("SEC-017", 23, "Deployment/shop/api container api args[4]: looks like GitHub Token (detect-secrets)"),
    ("SEC-018", 48, "ConfigMap/shop/cfg key API_KEY: looks like a key (by its name)"),
    ("SEC-018", 49, "ConfigMap/shop/cfg key conn: looks like a password or key in a connection string or "
                    "configuration file"),
    ("SEC-019", 12, "Deployment/shop/api annotation example.com/api-token: looks like a token (by its name)"),
    ("SEC-020", 57, "Secret/shop/odd: binaryData is not a Secret field; the values are treated as secret"),
]

CLUSTER = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-east-1, version: "1.31"}
managedNodeGroups:
  - {name: ng-1, instanceType: m5.large, desiredCapacity: 2}
"""


def hits(text: str) -> list[str]:
    return [k for k, v in PLANTED.items() if v in text]


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("estate")
    (root / "manifests").mkdir()
    (root / "manifests" / "app.yaml").write_text(APP)
    (root / "cluster.yaml").write_text(CLUSTER)
    return root


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translators", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def translated(estate) -> dict:
    out = estate / "out"
    res = cli("translate", "--cluster-config", str(estate / "cluster.yaml"), "--manifests", str(estate / "manifests"),
              "--out", str(out))
    assert res.returncode == 0, res.stderr
    return {"res": res, "files": {p.name: p.read_text() for p in sorted(out.iterdir())}}


@pytest.fixture(scope="module")
def planned(estate) -> dict:
    out = estate / "plan.json"
    res = cli("plan", "--cluster-config", str(estate / "cluster.yaml"), "--manifests", str(estate / "manifests"),
              "--json", str(out))
    assert res.returncode == 0, res.stderr
    return {"res": res, "doc": json.loads(out.read_text()), "text": out.read_text()}


def test_findings_name_where_never_the_value(translated):
    findings = json.loads(translated["files"]["findings.json"])["findings"]
    ours = sorted((f["ruleId"], f["line"], f["message"]) for f in findings
                  if f["ruleId"] in ("SEC-016", "SEC-017", "SEC-018", "SEC-019", "SEC-020"))
    tail = "; the value is marked secret in the Pulumi program and emptied in --out manifests"
    assert ours == sorted((r, line, m if r == "SEC-020" else m + tail) for r, line, m in EXPECTED)
    assert not hits(json.dumps(findings)) and not hits(translated["res"].stdout + translated["res"].stderr)


def test_translate_out_empties_the_values(translated):
    files = translated["files"]
    for name, text in files.items():
        assert not hits(text), name
    dep = yaml.safe_load(next(t for n, t in files.items() if "deployment-shop-api" in n))
    assert dep["metadata"]["annotations"] == {"example.com/api-token": "", ps.REDACTED: "true"}
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert c["args"] == ["--db-password=", "--token", "", "--verbose", ""]
    assert {e["name"]: e["value"] for e in c["env"]} == {
        "DB_PASSWORD": "", "DATABASE_URL": "", "UPSTREAM_KEY_HOLDER": "", "DB_PASSWORD_FILE": "/run/secrets/db",
        "SECRET_NAME": "db-credentials", "REQUIRE_TOKEN": "true", "API_TOKEN": "$(TOKEN_FROM_SECRET)",
        "LOG_LEVEL": "info"}
    cm = yaml.safe_load(next(t for n, t in files.items() if "configmap-shop-cfg" in n))
    assert cm["data"] == {"API_KEY": "", "conn": "", "mode": "fast"}
    sec = yaml.safe_load(next(t for n, t in files.items() if "secret-shop-odd" in n))
    assert sec["binaryData"] == {"blob": ""} and sec["stringData"] == {"k": ""}


def test_plan_json_shows_them_as_secret(planned):
    assert not hits(planned["text"]) and not hits(planned["res"].stdout + planned["res"].stderr)
    by_name = {r["name"]: r["inputs"] for r in planned["doc"]["resources"] if r["type"].startswith("kubernetes:")}
    # the Pulumi SDK reports a property holding a nested secret as secret as a whole
    assert by_name["deployment-shop-api"]["spec"] == "[secret]"
    assert by_name["deployment-shop-api"]["metadata"] == "[secret]"
    assert by_name["configmap-shop-cfg"]["data"] == "[secret]"
    assert by_name["configmap-shop-cfg"]["metadata"] == {"name": "cfg", "namespace": "shop"}
    assert by_name["secret-shop-odd"]["binaryData"] == "[secret]" and by_name["secret-shop-odd"]["stringData"] == "[secret]"
    assert by_name["namespace-shop"] == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}


def test_malformed_secret_errors_echo_no_value(tmp_path):
    for body, field, got in ((f"data:\n  - {PLANTED['secret-binary']}\n", "data", "a list"),
                             (f"stringData: {PLANTED['secret-string']}\n", "stringData", "a string")):
        f = tmp_path / "in.yaml"
        f.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n" + body)
        for args in (("analyze", "--format", "json"), ("translate", "--out", str(tmp_path / "out"))):
            res = cli(*args, "--manifests", str(f))
            assert res.returncode == 1 and res.stdout == ""
            assert res.stderr == f"error: {f}:5 {field}: expected a mapping, got {got} (v1 Secret schema)\n"
            assert not hits(res.stderr)


# --- the detector, in process ------------------------------------------------------------------------

def test_detection_paths_and_reasons():
    dep = load(APP)[1]
    found = ps.find_plain_secrets(dep.obj)
    assert [(s.path[-3:], s.where, s.keep) for s in found] == [
        (("metadata", "annotations", "example.com/api-token"), "annotation", ""),
        (("env", 0, "value"), "env", ""), (("env", 1, "value"), "env", ""), (("env", 2, "value"), "env", ""),
        ((0, "args", 0), "args", "--db-password="), ((0, "args", 2), "args", ""), ((0, "args", 4), "args", "")]
    assert ps.secret_paths(dep.obj) == [s.path for s in found]
    assert ps.find_plain_secrets(load(APP)[3].obj) == []  # a Secret: its values are secret as a whole


@pytest.mark.parametrize(("name", "reason"), [
    ("DB_PASSWORD", "a password"), ("POSTGRES_PASSWORD", "a password"), ("JWT_SECRET", "a secret or client secret"),
    ("GITHUB_TOKEN", "a token"), ("STRIPE_API_KEY", "a key"), ("GOOGLE_CREDENTIALS", "credentials"),
    ("SQL_CONNECTION_STRING", "a connection string"), ("db_password", "a password"),
    ("DB_PASSWORD_FILE", None), ("SECRET_NAME", None), ("AWS_ACCESS_KEY_ID", None), ("PWD", None),
    ("LOG_LEVEL", None), ("TOKEN_AUDIENCE", None), ("KEYCLOAK_URL", None)])
def test_name_rules(name, reason):
    assert ps.name_reason(name) == reason


CONN = "a password or key in a connection string or configuration file"


@pytest.mark.parametrize(("value", "reason"), [
    ("https://user:pl4nted@host.example.com/x", "Basic Auth Credentials (detect-secrets)"),
    ("AKIAPL4NTEDKEY000001", "AWS Access Key (detect-secrets)"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", "Private Key (detect-secrets)"),
    ("spring.datasource.password=pl4nted\nserver.port=8080", CONN),
    ('{"db": {"password": "pl4nted"}}', CONN), ("db:\n  password: pl4nted\n", CONN), ("Server=x;Pwd=pl4nted;", CONN),
    ('{"password": ""}', None),
    ("https://host.example.com/x", None), ("info", None), ("db-credentials", None),
    ("password=${DB_PASSWORD}", None), ("sha256:" + "a" * 64, None)])
def test_value_rules(value, reason):
    """detect-secrets plugins first, then the table's value rows."""
    assert ps.value_reason(value) == reason


def test_references_and_empty_values_are_not_secrets():
    for value in ("", "  ", "$(DB_PASSWORD)", "${DB_PASSWORD}", "<password>", "{{ .Values.password }}", "true"):
        assert ps._named_value("DB_PASSWORD", value) is None, value


def test_redacted_copies_and_marks():
    dep = load(APP)[1]
    before = json.dumps(dep.obj)
    out = ps.redacted(dep.obj)
    assert json.dumps(dep.obj) == before and out is not dep.obj
    assert out["metadata"]["annotations"][ps.REDACTED] == "true"
    ns = load(APP)[0].obj
    assert ps.redacted(ns) is ns


def test_translator_passthrough_with_findings():
    cm = load(APP)[2]
    res = ps.translate_plain_secrets(cm, WorkloadContext())
    assert res.outcome == "passthrough" and res.objects == [cm.obj]
    assert [f.rule_id for f in res.findings] == ["SEC-018", "SEC-018"]
    assert ps.translate_plain_secrets(load(APP)[0], WorkloadContext()) is None


def test_secret_values_are_not_kept_in_the_clean_cache():
    ps.value_reason(PLANTED["env-akia"])
    ps.value_reason("plain-value-for-cache")
    assert PLANTED["env-akia"] not in ps._clean and "plain-value-for-cache" in ps._clean


def test_rules_table_has_provenance_and_known_kinds():
    lines = (DATA / "secret_value_rules.csv").read_text().splitlines()
    assert lines[0].startswith("# provenance:")
    assert {ln.split(",", 1)[0] for ln in lines[2:]} == {"reference", "name", "value", "flag"}


def test_derived_patterns_match_the_installed_detect_secrets():
    res = subprocess.run([sys.executable, "tools/gen_secret_patterns.py", "--check"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    doc = json.loads((DATA / "derived" / "secret_patterns.json").read_text())
    assert [d["plugin"] for d in doc["detectors"]] == list(ps.PLUGINS)


def test_last_applied_copy_of_secret_values_is_secret():
    dep = load(APP)[1].obj
    copy = json.dumps(dep)
    clean = json.dumps(load(APP)[0].obj)
    for inner, reason in ((copy, "a copy of the object's secret-looking values"), (clean, None)):
        obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
            "name": "c", "annotations": {ps.LAST_APPLIED: inner}}, "data": {"mode": "fast"}}
        found = ps.find_plain_secrets(obj)
        assert [s.reason for s in found] == ([reason] if reason else [])
    out = ps.redacted({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "c", "annotations": {ps.LAST_APPLIED: copy}}})
    assert out["metadata"]["annotations"][ps.LAST_APPLIED] == "" and not hits(json.dumps(out))


def test_literal_prefilter_decides_as_the_plain_searches():
    """``_any_pattern`` (required-literal test, then search) answers as searching every pattern would, including
    case-insensitive patterns over non-ASCII values (``ſ`` and the Kelvin sign fold to ``s`` and ``k``)."""
    values = ["https://user:pl4nted@host.example.com/x", "AKIAPL4NTEDKEY000001", "info", "Server=x;Pwd=pl4nted;",
              "PASSWORD=pl4nted", "paſſword=pl4nted", "xox\u212a-1-abc", "xoxb-1-abc", "aws_secret_\u212aey='x'",
              "https://hooks.slack.com/services/T1/B2/c3", "HTTPS://HOOKS.SLACK.COM/SERVICES/T1/B2/C3",
              "glpat-" + "a" * 20, "sk_live_" + "a" * 24, "SG." + "a" * 22 + "." + "b" * 43, ""]
    for v in values:
        assert ps._any_pattern(v) == any(p.search(v) for p in ps._patterns()), v
    assert all(lit for _, lit, nocase in ps._prefiltered() if not nocase)
