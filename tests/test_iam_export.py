"""`aws iam get-account-authorization-details` export → the policies of IRSA / attachRoleARN roles become
Azure role assignments (translators/input/iam_export.py, IDN-015/016)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.input.iam_export import OPTION, load_iam_export, policy_document

ROOT = Path(__file__).resolve().parents[1]
EXPORT = Path(__file__).parent / "fixtures" / "iam" / "authorization-details.json"
RESOURCES = {"shop-assets": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/assets",
             "shop-reports": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/rep",
             "sqs": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/shop"}
SA = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/shop-web
"""
CLUSTER = """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: eu-west-1, version: '1.33'}
iam:
  withOIDC: true
  serviceAccounts:
    - metadata: {name: reports, namespace: shop}
      attachRoleARN: arn:aws:iam::111122223333:role/shop-reports
    - metadata: {name: legacy, namespace: shop}
      attachRoleARN: arn:aws:iam::444455556666:role/elsewhere
    - metadata: {name: assets, namespace: shop}
      attachPolicyARNs: [arn:aws:iam::111122223333:policy/shop-web-assets]
"""


def _files(tmp_path):
    (tmp_path / "sa.yaml").write_text(SA, encoding="utf-8")
    (tmp_path / "cluster.yaml").write_text(CLUSTER, encoding="utf-8")
    return str(tmp_path / "cluster.yaml"), [str(tmp_path / "sa.yaml")]


def _plan(tmp_path, export=True):
    cluster, manifests = _files(tmp_path)
    options = {"resourceMap": dict(RESOURCES)}
    if export:
        options[OPTION] = load_iam_export(str(EXPORT))
    return translate_estate(cluster, TranslateOptions(stack="t", workload_options=options), manifests)


def _grants(plan, name):
    ident = plan.workloads.identities.get(name)
    assert ident is not None, [i.name for i in plan.workloads.identities.identities]
    return {(g.role, g.scope, g.resource_id) for g in ident.roles}


def test_annotated_role_gets_its_attached_and_inline_policies(tmp_path):
    plan = _plan(tmp_path)
    assert _grants(plan, "id-shop-web") == {
        ("Key Vault Secrets User", "vault", None),  # inline secretsmanager:GetSecretValue
        ("Storage Blob Data Reader", "resource", RESOURCES["shop-assets"]),  # customer managed, default version v2
        ("Azure Service Bus Data Owner", "resource", RESOURCES["sqs"]),  # AWS managed, through the mapping table
    }
    read = [f for f in plan.findings if f.rule_id == "IDN-015" and "shop-web" in f.message]
    assert len(read) == 1 and read[0].file == str(EXPORT) and read[0].line == 7
    assert "2 attached and 1 inline" in read[0].message
    # the non-default version v1 (s3:* on *) is never read
    assert not any(f.rule_id == "IDN-003" and "shop-web" in f.message for f in plan.findings)
    assert not any(f.rule_id == "IDN-013" for f in plan.findings)


def test_attach_role_arn_with_url_encoded_inline_policy(tmp_path):
    plan = _plan(tmp_path)
    assert _grants(plan, "id-shop-reports") == {("Storage Blob Data Contributor", "resource", RESOURCES["shop-reports"])}


def test_customer_managed_policy_of_attach_policy_arns_is_read_from_the_export(tmp_path):
    plan = _plan(tmp_path)
    ident = next(i for i in plan.workloads.identities.identities if "assets" in i.name)
    assert {(g.role, g.resource_id) for g in ident.roles} == {("Storage Blob Data Reader", RESOURCES["shop-assets"])}
    assert not any(f.rule_id == "IDN-006" for f in plan.findings)


def test_role_missing_from_the_export(tmp_path):
    plan = _plan(tmp_path)
    missing = [f for f in plan.findings if f.rule_id == "IDN-016"]
    assert len(missing) == 1 and "elsewhere" in missing[0].message and missing[0].severity == "medium"
    assert missing[0].file.endswith("cluster.yaml") and missing[0].line == 9


def test_without_the_export_the_roles_stay_unknown(tmp_path):
    plan = _plan(tmp_path, export=False)
    assert {f.rule_id for f in plan.findings} >= {"IDN-013", "IDN-006"}
    assert not any(f.rule_id in ("IDN-015", "IDN-016") for f in plan.findings)
    assert _grants(plan, "id-shop-web") == set()


def test_bad_json_names_the_file_and_line(tmp_path):
    bad = tmp_path / "iam.json"
    bad.write_text('{\n  "RoleDetailList": [\n    {"RoleName": "x",}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_iam_export(str(bad))
    assert ei.value.file == str(bad) and ei.value.line == 3 and "not valid JSON" in str(ei.value)
    other = tmp_path / "sg.json"
    other.write_text('{"SecurityGroups": []}', encoding="utf-8")
    with pytest.raises(InputError, match="RoleDetailList"):
        load_iam_export(str(other))


def test_policy_document_forms():
    doc = {"Version": "2012-10-17", "Statement": []}
    assert policy_document(doc) is doc
    assert policy_document(json.dumps(doc)) == doc
    assert policy_document("%7B%22Statement%22%3A%5B%5D%7D") == {"Statement": []}


def test_config_key_and_cli_flag(tmp_path):
    opts = TranslateOptions.from_config({"iamExport": str(EXPORT)}.get, "t")
    assert set(opts.workload_options[OPTION].roles) >= {"shop-web", "shop-reports"}
    with pytest.raises(InputError):
        TranslateOptions.from_config({"iamExport": str(tmp_path / "nope.json")}.get, "t")
    cluster, manifests = _files(tmp_path)
    out = tmp_path / "r.json"
    res = subprocess.run([sys.executable, "-m", "translators", "analyze", "--cluster-config", cluster, "--manifests",
                          *manifests, "--iam-export", str(EXPORT), "--format", "json", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "IDN-015" in out.read_text()
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "translators", "analyze", "--cluster-config", cluster,
                          "--iam-export", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1 and str(bad) in res.stderr and "Traceback" not in res.stderr


def test_pod_identity_role_arn(tmp_path):
    p = tmp_path / "cluster.yaml"
    p.write_text("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: shop, region: eu-west-1}\n"
                 "iam:\n  podIdentityAssociations:\n    - namespace: shop\n      serviceAccountName: reports\n"
                 "      createServiceAccount: true\n"
                 "      roleARN: arn:aws:iam::111122223333:role/shop-reports\n", encoding="utf-8")
    plan = translate_estate(str(p), TranslateOptions(workload_options={
        "resourceMap": dict(RESOURCES), OPTION: load_iam_export(str(EXPORT))}))
    assert _grants(plan, "id-shop-reports") == {("Storage Blob Data Contributor", "resource", RESOURCES["shop-reports"])}
    assert [f.rule_id for f in plan.findings if f.rule_id.startswith("IDN-01")].count("IDN-015") == 1
