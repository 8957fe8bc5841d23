"""GitOps output (``translate --out``): placeholders explained and filled from the stack outputs, Secret values
to supply listed, Docker config pull secrets left out with a finding."""
from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from translators.plan import Placeholder
import yaml

from translators.errors import InputError
from translators.reports.output import write_translation
from translators.reports.gitops import (fill_placeholders, gitops_findings, placeholders, placeholders_in,
                                        read_stack_outputs, skipped_pull_secret)

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"\$\{(IDENTITY_CLIENT_ID:[A-Za-z0-9._-]+|AZURE_TENANT_ID)\}")


def written(out: Path) -> dict[str, dict]:
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted(out.glob("[0-9]*.yaml"))}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translators", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_the_placeholder_table_matches_what_the_translators_write():
    from translators.addons.dns import DNS_DEFAULTS
    from translators.backup.translate import DEFAULTS as VELERO
    from translators.k8s import WorkloadContext
    from translators.storage.disk import DES_PLACEHOLDER

    table = {p.text for p in placeholders()}
    written_by_code = {*DNS_DEFAULTS.values(), *(v for v in VELERO.values() if v.startswith("${")), DES_PLACEHOLDER,
                       WorkloadContext().tenant_id}
    assert written_by_code | {"${IDENTITY_CLIENT_ID:*}"} == table
    assert Placeholder.client_id("id-x") == "${IDENTITY_CLIENT_ID:id-x}"
    for p in placeholders():
        assert bool(p.stack_output) != bool(p.option), p.text  # each filled one way


def test_report_explains_every_placeholder_left_and_the_secret_values_to_supply(example_plan, tmp_path):
    write_translation(example_plan, tmp_path)
    files = written(tmp_path)
    left = set().union(*(placeholders_in(d) for d in files.values()))
    assert "${AZURE_TENANT_ID}" in left and any(t.startswith("${IDENTITY_CLIENT_ID:") for t in left)
    report = (tmp_path / "report.txt").read_text()
    doc = json.loads((tmp_path / "findings.json").read_text())
    inp33 = [f["message"] for f in doc["findings"] if f["ruleId"] == "INP-033"]
    assert len(inp33) == len(left)  # one finding per placeholder
    for token in left:
        assert any(m.startswith(token + " (") for m in inp33), token
        assert token in report
    assert 'stack output identityClientIds["id-shop-prod-payments-api"] (translate --stack-outputs)' in report
    assert "option eks-to-aks:dns.resourceGroup" in report and "option eks-to-aks:diskEncryptionSetID" in report
    # every emptied Secret is listed with its keys (never values)
    secrets = [d for d in files.values() if d.get("kind") == "Secret"]
    assert secrets
    inp32 = [f["message"] for f in doc["findings"] if f["ruleId"] == "INP-032"]
    for s in secrets:
        keys = sorted({*(s.get("data") or {}), *(s.get("stringData") or {})})
        md = s["metadata"]
        assert f"Secret {md['namespace']}/{md['name']}: supply the values of {', '.join(keys)}" in inp32
    assert "GitOps output: before applying" in report


def test_stack_outputs_fill_identity_client_ids_and_tenant(example_plan, example_up, tmp_path):
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({**example_up.outputs, "kubeconfig": "[secret]"}))
    out = tmp_path / "out"
    res = run("translate", "--out", str(out), "--stack-outputs", str(outputs))
    assert res.returncode == 0, res.stderr
    text = "".join(p.read_text() for p in out.glob("[0-9]*.yaml"))
    assert not TOKEN.search(text)
    assert "id-shop-prod-payments-api-client-id" in text and "00000000-0000-0000-0000-000000000000" in text
    doc = json.loads((out / "findings.json").read_text())
    left = [f["message"] for f in doc["findings"] if f["ruleId"] == "INP-033"]
    assert left and not any("IDENTITY_CLIENT_ID" in m or "AZURE_TENANT_ID" in m for m in left)
    assert any("${VELERO_STORAGE_ACCOUNT}" in m for m in left)  # options, not outputs, fill those


def test_the_stack_exports_a_value_for_every_output_placeholder(example_plan, example_up, example_preview):
    tokens = set(TOKEN.findall(json.dumps(example_plan.workloads.objects)))
    values = read_stack_outputs(example_up.outputs, "outputs.json")
    assert tokens and tokens <= set(values)
    assert set(example_preview.outputs) >= {"tenantId", "identityClientIds"}
    names = {i.name for i in example_plan.workloads.identities.identities}
    assert set(example_up.outputs["identityClientIds"]) == names


def test_fill_leaves_unknown_placeholders_and_user_templates():
    obj = {"a": ["${AZURE_TENANT_ID}", "${IDENTITY_CLIENT_ID:id-b}", "${HOME}", 3], "b": {"c": "plain"}}
    out = fill_placeholders(obj, {"AZURE_TENANT_ID": "t"})
    assert out == {"a": ["t", "${IDENTITY_CLIENT_ID:id-b}", "${HOME}", 3], "b": {"c": "plain"}}
    assert out["b"] is obj["b"] and fill_placeholders(obj["b"], {"AZURE_TENANT_ID": "t"}) is obj["b"]
    assert placeholders_in(obj) == {"${AZURE_TENANT_ID}", "${IDENTITY_CLIENT_ID:id-b}"}  # ${HOME} is the user's


@pytest.mark.parametrize("doc,field", [
    ([1, 2], ""), ({"tenantId": 3}, "tenantId"), ({"identityClientIds": ["a"]}, "identityClientIds"),
    ({"identityClientIds": {"a": 1}}, "identityClientIds"), ({"clusterName": "x"}, ""),
])
def test_malformed_stack_outputs_are_refused(doc, field):
    with pytest.raises(InputError) as err:
        read_stack_outputs(doc, "outputs.json")
    assert err.value.file == "outputs.json" and err.value.field == field


def test_cli_refuses_unreadable_stack_outputs(tmp_path):
    bad = tmp_path / "outputs.json"
    bad.write_text('{"tenantId": "t",\n')
    res = run("translate", "--out", str(tmp_path / "o"), "--stack-outputs", str(bad))
    assert res.returncode == 1 and f"{bad}:2" in res.stderr and "--stack-outputs: not valid JSON" in res.stderr
    assert "Traceback" not in res.stderr
    bad.write_text('{"identityClientIds": []}')
    res = run("translate", "--out", str(tmp_path / "o"), "--stack-outputs", str(bad))
    assert res.returncode == 1 and "identityClientIds: expected an object" in res.stderr


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


ECR_CFG = {"auths": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": {"auth": b64("AWS:token-planted-91")}}}
HUB_CFG = {"auths": {"https://index.docker.io/v1/": {"auth": b64("shop:hub-planted-92")}}}


def pull_secret(name: str, cfg: dict | str) -> dict:
    raw = cfg if isinstance(cfg, str) else json.dumps(cfg)
    return {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
            "metadata": {"name": name, "namespace": "shop"}, "data": {".dockerconfigjson": b64(raw)}}


def test_docker_config_pull_secrets_are_not_written(example_plan, tmp_path):
    extra = [pull_secret("ecr-creds", ECR_CFG), pull_secret("hub-creds", HUB_CFG),
             pull_secret("ecr-templated", '{"auths": {"${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com": {}}}' + "x")]
    wl = dataclasses.replace(example_plan.workloads, objects=[*example_plan.workloads.objects, *extra])
    write_translation(dataclasses.replace(example_plan, workloads=wl), tmp_path)
    names = {d["metadata"]["name"] for d in written(tmp_path).values()}
    assert not names & {"ecr-creds", "hub-creds", "ecr-templated"}
    doc = json.loads((tmp_path / "findings.json").read_text())
    got = {(f["ruleId"], f["message"].split(":")[0]) for f in doc["findings"] if f["ruleId"] in ("INP-030", "INP-031")}
    assert got == {("INP-030", "Secret shop/ecr-creds"), ("INP-031", "Secret shop/hub-creds"),
                   ("INP-030", "Secret shop/ecr-templated")}
    report = (tmp_path / "report.txt").read_text()
    assert "planted" not in report and "planted" not in json.dumps(doc)
    assert {f["severity"] for f in doc["findings"] if f["ruleId"] == "INP-031"} == {"high"}


def test_other_secrets_are_not_skipped():
    opaque = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "x"}, "data": {}}
    assert skipped_pull_secret(opaque) is None
    assert skipped_pull_secret({**pull_secret("y", HUB_CFG), "apiVersion": "example.com/v1"}) is None
    assert gitops_findings([]) == []
