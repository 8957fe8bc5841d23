"""Secrets estate index: Key Vault secret names, AWS secret ids, the migration plan and its commands
(translators/secrets/index.py), split from test_secrets.py."""
from __future__ import annotations

import pytest
from builders_secrets import KV, spc
from helpers import load

from translators.k8s import WorkloadContext
from translators.secrets.index import (KV_SECRET_NAME, aws_secret_id, index_secrets, kv_secret_name,
                                       migration_command)


# --- Key Vault names, AWS secret ids, migration commands -------------------------------------------

@pytest.mark.parametrize("text,name", [
    ("prod/db/password", "prod-db-password"), ("/shop/prod/flag", "shop-prod-flag"), ("a__b..c", "a-b-c"),
    ("MySecret", "MySecret"), ("///", "secret-" + __import__("translators.naming", fromlist=["x"]).short_hash("///")),
])
def test_kv_secret_name(text, name):
    assert kv_secret_name(text) == name and KV_SECRET_NAME.match(name)


def test_kv_secret_name_length():
    long = kv_secret_name("x/" * 200)
    assert len(long) <= 127 and KV_SECRET_NAME.match(long)


@pytest.mark.parametrize("ref,otype,expected", [
    ("arn:aws:secretsmanager:us-east-1:1:secret:shop/payments/gateway-Xk29Qp", None,
     ("secretsmanager", "shop/payments/gateway")),
    ("arn:aws:ssm:us-east-1:1:parameter/app/flag", None, ("ssm", "/app/flag")),
    ("MySecret", "secretsmanager", ("secretsmanager", "MySecret")),
    ("/app/flag", "ssmparameter", ("ssm", "/app/flag")),
])
def test_aws_secret_id(ref, otype, expected):
    assert aws_secret_id(ref, otype) == expected


def test_names_are_collision_free():
    text = spc('- objectName: "a/b"\n  objectType: secretsmanager\n- objectName: "a_b"\n  objectType: '
               'secretsmanager\n- objectName: "a-b"\n  objectType: ssmparameter\n')
    idx = index_secrets(load(text))
    names = list(idx["names"].values())
    assert len({n.lower() for n in names}) == 3 and all(KV_SECRET_NAME.match(n) for n in names)


def test_migration_command_quotes_and_never_echoes():
    cmd = migration_command("kv", "n", "secretsmanager", "it's/name", "k", "${REGION}")
    assert "'it'\"'\"'s/name'" in cmd and "--region" not in cmd and cmd.endswith("--output none")
    assert "echo" not in cmd and "--value" not in cmd


# --- migration plan --------------------------------------------------------------------------------

def test_migration_plan_sorted_and_first_entry_per_name_kept():
    from translators.secrets.index import add_migration

    ctx = WorkloadContext(key_vault_name=KV)
    for kv, aws in [("b", "b1"), ("A", "a1"), ("a", "a2"), ("B", "b2"), ("b", "b3"), ("c", "c1"), ("A", "a3")]:
        add_migration(ctx, kv, "secretsmanager", aws)
    assert [(m["keyVaultName"], m["awsName"]) for m in ctx.secrets_migration] == \
        [("A", "a1"), ("a", "a2"), ("b", "b1"), ("B", "b2"), ("c", "c1")]
