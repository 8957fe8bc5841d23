"""IAM policies → Azure role grants (translators/identity/iam_policy.py) and the identity rule catalogue (IDN-*)."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from translators.input.eksctl import load_cluster_config
from translators.findings import Findings, catalogue
from translators.identity.iam_policy import (PolicyReader, RoleGrant, Where, arn_service, classify, node_iam_findings,
                                    prune, resource_name, service_of_policy)
from translators.identity.translate import plan_identities
from translators.k8s import WorkloadContext
from translators.input.manifests import split_objects
from translators.refdata import DATA, builtin_roles, read_table
from translators.input.yamlsource import load_documents

BUCKET_ID = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/media"
DOC = next(load_documents("a: 1\n", "policy.yaml"))


def reader(options: dict | None = None) -> tuple[PolicyReader, Findings]:
    f = Findings()
    return PolicyReader("sa", options or {}, f), f


def rules(f: Findings) -> list[str]:
    return [x.rule_id for x in f]


def stmt(actions, resources="*", **extra) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources,
                                                   **extra}]}


# --- managed policies ------------------------------------------------------------------------------

@pytest.mark.parametrize("arn,options,grants,expected_rules", [
    ("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", {"resourceMap": {"s3": BUCKET_ID}},
     [RoleGrant("Storage Blob Data Reader", "resource", BUCKET_ID)], []),
    ("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", {}, [], ["IDN-004"]),
    ("arn:aws:iam::aws:policy/SecretsManagerReadWrite", {}, [RoleGrant("Key Vault Secrets Officer", "vault")], []),
    ("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", {}, [RoleGrant("AcrPull", "registry")], []),
    ("arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser", {}, [RoleGrant("Key Vault Crypto Officer", "vault")],
     []),
    ("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", {}, [], ["IDN-007"]),
    ("arn:aws:iam::aws:policy/AmazonElastiCacheFullAccess", {}, [], ["IDN-008"]),
    ("arn:aws:iam::123456789012:policy/custom", {}, [], ["IDN-006"]),
    ("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", {}, [], ["IDN-005", "IDN-005"]),
    ("arn:aws:iam::aws:policy/AmazonSQSFullAccess", {"resourceMap": {"sqs": BUCKET_ID + "x"}},
     [RoleGrant("Azure Service Bus Data Owner", "resource", BUCKET_ID + "x")], ["IDN-005"]),
])
def test_managed_policies(arn, options, grants, expected_rules):
    r, f = reader(options)
    r.managed(arn, Where(DOC))
    assert [(g.role, g.scope, g.resource_id) for g in r.grants] == [(g.role, g.scope, g.resource_id) for g in grants]
    assert rules(f) == expected_rules
    for g in r.grants:
        assert g.reason and g.role in builtin_roles()


def test_customer_managed_policy_from_options():
    arn = "arn:aws:iam::123456789012:policy/custom"
    r, f = reader({"iamPolicies": {arn: '{"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", '
                                        '"Resource": "arn:aws:kms:us-east-1:1:key/k"}}'}})
    r.managed(arn, Where(DOC))
    assert [(g.role, g.scope) for g in r.grants] == [("Key Vault Crypto User", "vault")]
    assert rules(f) == [] and not r.obsolete


def test_replaced_policies_make_the_source_obsolete():
    r, f = reader()
    r.managed("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", Where(DOC))
    r.well_known("ebsCSIController", Where(DOC))
    assert r.obsolete and r.grants == [] and rules(f) == ["IDN-007", "IDN-007"]
    r.well_known("imageBuilder", Where(DOC))
    assert not r.obsolete
    assert r.grants == [RoleGrant("AcrPush", "registry", None, "eksctl wellKnownPolicies.imageBuilder")]


# --- inline documents ------------------------------------------------------------------------------

INLINE = [
    # (actions, resources, options, expected (role, scope, resource id), expected rules)
    (["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::media", "arn:aws:s3:::media/*"],
     {"resourceMap": {"media": BUCKET_ID}}, [("Storage Blob Data Reader", "resource", BUCKET_ID)], []),
    (["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::media/*", {"resourceMap": {"arn:aws:s3:::media/*": BUCKET_ID}},
     [("Storage Blob Data Contributor", "resource", BUCKET_ID)], []),
    ("s3:*", "arn:aws:s3:::other", {}, [], ["IDN-004"]),
    ("s3:GetObject", "*", {}, [], ["IDN-003", "IDN-004"]),
    ("s3:GetObject", "*", {"resourceMap": {"s3": BUCKET_ID}}, [("Storage Blob Data Reader", "resource", BUCKET_ID)],
     ["IDN-003"]),
    ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:1:secret:db-AbC123", {},
     [("Key Vault Secrets User", "vault", None)], []),
    ("secretsmanager:Get*", "*", {}, [("Key Vault Secrets User", "vault", None)], ["IDN-003"]),
    (["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue"], "arn:aws:secretsmanager:r:1:secret:x", {},
     [("Key Vault Secrets Officer", "vault", None)], []),
    (["ssm:GetParametersByPath"], "arn:aws:ssm:r:1:parameter/app/*", {}, [("Key Vault Secrets User", "vault", None)],
     []),
    (["kms:Decrypt", "kms:GenerateDataKey"], "arn:aws:kms:r:1:key/k", {}, [("Key Vault Crypto User", "vault", None)],
     []),
    (["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "*", {}, [("AcrPull", "registry", None)], ["IDN-003"]),
    (["ecr:PutImage"], "arn:aws:ecr:r:1:repository/app", {}, [("AcrPush", "registry", None)], []),
    ("*", "*", {}, [], ["IDN-003"]),
    (["autoscaling:SetDesiredCapacity", "ec2:DescribeInstances"], "*", {}, [], ["IDN-008", "IDN-008"]),
    (["dynamodb:GetItem", "dynamodb:PutItem"], "arn:aws:dynamodb:r:1:table/orders", {}, [], ["IDN-005", "IDN-005"]),
    (["sqs:SendMessage"], "arn:aws:sqs:r:1:orders", {"resourceMap": {"orders": BUCKET_ID}},
     [("Azure Service Bus Data Sender", "resource", BUCKET_ID)], ["IDN-005"]),
    (["sqs:ReceiveMessage", "sqs:DeleteMessage"], "arn:aws:sqs:r:1:orders", {}, [], ["IDN-005", "IDN-004"]),
    (["route53:ChangeResourceRecordSets"], "arn:aws:route53:::hostedzone/Z1", {"resourceMap": {"Z1": BUCKET_ID}},
     [("DNS Zone Contributor", "resource", BUCKET_ID)], []),
    (["logs:PutLogEvents"], "*", {"resourceMap": {"logs": "/subscriptions/0000"}}, [], ["IDN-003", "IDN-004"]),
    (["rds-db:connect"], "*", {}, [], ["IDN-005"]),
]


@pytest.mark.parametrize("actions,resources,options,expected,expected_rules", INLINE)
def test_inline_statements(actions, resources, options, expected, expected_rules):
    r, f = reader(options)
    r.document(stmt(actions, resources), Where(DOC, ("attachPolicy",)))
    assert [(g.role, g.scope, g.resource_id) for g in prune(r.grants)] == expected
    assert rules(f) == expected_rules
    assert all(not re.fullmatch(r"/subscriptions/[^/]+/?", g.resource_id or "x") for g in r.grants)


def test_statement_features():
    r, f = reader()
    doc = {"Statement": [
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:r:1:key/k",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}},
        "not a statement",
    ]}
    r.document(doc, Where(DOC))
    assert rules(f) == ["IDN-009", "IDN-009", "IDN-009"]
    assert [g.role for g in r.grants] == ["Key Vault Crypto User"]
    r2, f2 = reader()
    r2.document("not json", Where(DOC))
    r2.document({"Version": "2012-10-17"}, Where(DOC))
    assert rules(f2) == ["IDN-006"]  # the same message is said once


def test_findings_point_at_the_statement():
    text = textwrap.dedent("""\
        Statement:
          - Effect: Allow
            Action: ["s3:GetObject"]
            Resource: "*"
          - Effect: Allow
            Action: "*"
            Resource: "*"
        """)
    doc = next(load_documents(text, "p.yaml"))
    r, f = reader()
    r.document(doc.data, Where(doc))
    assert [(x.rule_id, x.line) for x in f] == [("IDN-003", 2), ("IDN-004", 2), ("IDN-003", 5)]
    assert all(x.file == "p.yaml" for x in f)


# --- helpers ---------------------------------------------------------------------------------------

def test_helpers():
    assert arn_service("arn:aws:s3:::b") == "s3" and arn_service("bucket") is None
    assert resource_name("arn:aws:s3:::media/uploads/*") == "media"
    assert resource_name("arn:aws:dynamodb:us-east-1:1:table/orders/index/by-date") == "orders"
    assert resource_name("arn:aws:sqs:us-east-1:1:jobs") == "jobs"
    assert resource_name("arn:aws:route53:::hostedzone/Z123") == "Z123"
    assert service_of_policy("CloudWatchLogsFullAccess") == "logs"
    assert service_of_policy("CloudWatchAgentServerPolicy") == "cloudwatch"
    assert service_of_policy("AmazonEC2ContainerRegistryPowerUser") == "ecr"
    assert service_of_policy("AmazonEC2ReadOnlyAccess") == "ec2"
    assert classify("s3", "GetObjectVersion") == "Storage Blob Data Reader"
    assert classify("s3", "*") == "Storage Blob Data Contributor"
    assert classify("kms", "Decrypt") == "Key Vault Crypto User"
    assert classify("ec2", "DescribeInstances") is None


def test_prune_keeps_the_broadest_role_per_scope():
    grants = [RoleGrant("Storage Blob Data Reader", "resource", "a"), RoleGrant("Storage Blob Data Contributor",
              "resource", "a"), RoleGrant("Storage Blob Data Reader", "resource", "b"),
              RoleGrant("AcrPull", "registry"), RoleGrant("AcrPush", "registry"),
              RoleGrant("Key Vault Secrets User", "vault"), RoleGrant("Key Vault Secrets User", "vault")]
    assert [(g.role, g.scope, g.resource_id) for g in prune(grants)] == [
        ("Key Vault Secrets User", "vault", None), ("AcrPush", "registry", None),
        ("Storage Blob Data Contributor", "resource", "a"), ("Storage Blob Data Reader", "resource", "b")]


def test_node_group_iam(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text(textwrap.dedent("""\
        apiVersion: eksctl.io/v1alpha5
        kind: ClusterConfig
        metadata: {name: c, region: us-east-1}
        nodeGroups:
          - name: ng-1
            iam:
              attachPolicyARNs: ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]
              withAddonPolicies: {externalDNS: true, autoScaler: true, ebs: true, xRay: false}
        managedNodeGroups:
          - name: mng
            iam:
              instanceRoleARN: arn:aws:iam::1:role/nodes
        """))
    cfg = load_cluster_config(str(p))
    f = Findings()
    node_iam_findings(cfg, f)
    msgs = [(x.rule_id, x.line, x.message) for x in f]
    assert [m[:2] for m in msgs] == [("IDN-010", 8), ("IDN-010", 8), ("IDN-010", 8), ("IDN-010", 7),
                                     ("IDN-010", 12)]
    assert "autoscaler" in msgs[0][2] and "DNS Zone Contributor" in msgs[2][2] and "Azure Disk CSI" in msgs[1][2]
    cfg.get("metadata", "name")
    assert {p[0] for p in cfg.unread()} >= {"nodeGroups", "managedNodeGroups"}  # still the compute translator's


# --- tables and catalogue -------------------------------------------------------------------------

def test_tables_name_real_roles_and_services():
    roles = builtin_roles()
    for row in read_table("iam_inline_actions.csv"):
        assert row["azure_role"] in roles and row["access"] in ("read", "write")
        assert row["aws_service"] in {r["aws_service"] for r in read_table("iam_services.csv")}
    for row in read_table("iam_services.csv"):
        assert row["scope_kind"] in ("vault", "registry", "resource", "none") and row["move"] in ("true", "false")
    for row in read_table("iam_wellknown_policies.csv"):
        assert all(r in roles for r in filter(None, row["azure_roles"].split(";")))
        assert bool(row["azure_roles"]) != bool(row["replacement"])
    for row in read_table("iam_role_hierarchy.csv"):
        assert row["role"] in roles and all(r in roles for r in row["includes"].split(";"))
    schema_keys = set(yaml.safe_load((DATA / "eksctl_schema.json").read_text())["definitions"]
                      ["NodeGroupIAMAddonPolicies"]["properties"])
    wk = {r["key"] for r in read_table("iam_wellknown_policies.csv")}
    assert schema_keys <= wk


def test_iam_tables_have_provenance():
    for t in sorted(DATA.glob("iam_*.csv")):
        assert t.read_text().startswith("# provenance:"), t.name


IDENTITY_RULES = {rid for rid, r in catalogue().items() if rid.startswith(("IDN-", "APP-"))}


def test_identity_catalogue_shape():
    raw = yaml.safe_load((DATA / "rules" / "identity.yaml").read_text())["rules"]
    assert set(raw) == IDENTITY_RULES
    for rid, r in raw.items():
        assert re.fullmatch(r"(IDN|APP)-\d{3}", rid) and r["remediation"].strip()


def test_every_emitted_identity_rule_is_catalogued():
    src = Path(__file__).resolve().parents[1] / "translators"
    ids: set[str] = set()
    for f in src.rglob("*.py"):
        ids |= set(re.findall(r'"((?:IDN|APP)-\d{3})"', f.read_text()))
    for t in DATA.glob("iam_*.csv"):
        ids |= set(re.findall(r"\b(?:IDN|APP)-\d{3}\b", t.read_text()))
    assert ids <= IDENTITY_RULES




def test_plan_identities_without_cluster_config():
    objs = [o for d in load_documents("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "x.yaml")
            for o in split_objects(d)]
    plan = plan_identities(None, objs, WorkloadContext(), Findings())
    assert plan.identities == [] and plan.service_accounts == []
