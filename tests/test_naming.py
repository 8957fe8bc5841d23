"""Azure resource names (translators/naming.py): patterns, determinism, properties over arbitrary text."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from translators import naming
from translators.naming import (ACR, CLUSTER, DNS_PREFIX, KEY_VAULT, POOL_LINUX, POOL_WINDOWS, RESOURCE_GROUP,
                                WORKSPACE, acr_name, cluster_name, dns_prefix, key_vault_name, pool_name,
                                resource_group_name, stable_guid, workspace_name)

PROPERTY = settings(max_examples=400, deadline=None, database=None)
TEXT = st.text(max_size=120)
# names that look like real eksctl cluster / stack names, plus arbitrary unicode
NAMEISH = st.one_of(TEXT, st.from_regex(r"[A-Za-z][-A-Za-z0-9_.]{0,99}", fullmatch=True))


# --- the patterns themselves (Azure resource-name rules) --------------------------------------------

@pytest.mark.parametrize("pattern, good, bad", [
    (ACR, ["abcde", "A" * 50, "acr0123"], ["abcd", "a" * 51, "acr-1", "acr_12"]),
    (KEY_VAULT, ["kv1", "kv-a-b", "K" + "a" * 23], ["kv", "1kv", "kv-", "kv--a", "a" * 25, "kv_a"]),
    (POOL_LINUX, ["a", "nodepool1", "a" * 12], ["", "1a", "A", "a" * 13, "node-pool"]),
    (POOL_WINDOWS, ["win", "a" * 6], ["a" * 7, "Win"]),
    (WORKSPACE, ["log-a", "abcd", "a" * 63], ["abc", "-abcd", "abcd-", "a" * 64]),
    (CLUSTER, ["a", "A_b-c", "a" * 63], ["", "-a", "a_", "a" * 64, "a.b"]),
    (DNS_PREFIX, ["a", "aks-1"], ["-a", "a_b", "a-"]),
])
def test_patterns(pattern, good, bad):
    assert all(pattern.match(g) for g in good), [g for g in good if not pattern.match(g)]
    assert not any(pattern.match(b) for b in bad), [b for b in bad if pattern.match(b)]


# --- examples ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, arg, expected", [
    (pool_name, "ng-general-purpose", "nggeneralpur"),
    (pool_name, "1st", "np1st"),
    (pool_name, "", "pool"),
    (cluster_name, "shop-prod", "shop-prod"),
    (cluster_name, "-shop.prod_", "shop-prod"),
    (cluster_name, "", "aks"),
    (dns_prefix, "Shop_Prod", "shop-prod"),
    (dns_prefix, "42shop", "aks-42shop"),
    (workspace_name, "Shop Prod", "log-shop-prod"),
    (resource_group_name, "shop-prod", "rg-shop-prod"),
])
def test_examples(fn, arg, expected):
    assert fn(arg) == expected


def test_acr_and_key_vault_shape():
    acr = acr_name("dev", "shop-prod")
    kv = key_vault_name("dev", "shop-prod")
    assert re.fullmatch(r"acrshopprod[0-9a-f]{8}", acr)
    assert re.fullmatch(r"kv-shop-prod-[0-9a-f]{8}", kv)
    assert acr[-8:] == kv[-8:]  # same (stack, cluster) seed


@pytest.mark.parametrize("fn,dev,prod", [(acr_name, "acrshopprodba96641d", "acrshopprodd112d5c2"),
                                         (key_vault_name, "kv-shop-prod-ba96641d", "kv-shop-prod-d112d5c2")])
def test_global_names_are_deterministic_and_stack_specific(fn, dev, prod):
    # golden values: the suffix is a stable digest of (stack, cluster), the same in every process and release
    # (a salted hash() or a random suffix would rename the registry and vault on every run)
    assert (fn("dev", "shop-prod"), fn("prod", "shop-prod")) == (dev, prod)
    names = {fn(stack, cluster) for stack in ("dev", "prod", "staging")
             for cluster in ("shop-prod", "shop-dev", "Shop-Prod")}
    assert len(names) == 9


def test_global_names_do_not_collide_on_the_separator():
    # "a" + "bc" and "ab" + "c" must not hash the same
    assert acr_name("a", "bc")[-8:] != acr_name("ab", "c")[-8:]


def test_long_cluster_names_stay_within_limits():
    long = "x" * 200
    assert len(acr_name("dev", long)) == 50 and ACR.match(acr_name("dev", long))
    assert len(key_vault_name("dev", long)) == 24 and KEY_VAULT.match(key_vault_name("dev", long))
    assert len(cluster_name(long)) == 63
    assert len(dns_prefix(long)) <= 45
    assert len(workspace_name(long)) <= 63


def test_stable_guid():
    g = stable_guid("sub", "rg", "AcrPull")
    assert g == stable_guid("sub", "rg", "AcrPull")
    assert g != stable_guid("sub", "rg", "AcrPush")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", g)


# --- properties over arbitrary text -----------------------------------------------------------------------

@PROPERTY
@given(stack=NAMEISH, cluster=NAMEISH)
def test_acr_name_property(stack, cluster):
    name = acr_name(stack, cluster)
    assert ACR.match(name), name
    assert name == acr_name(stack, cluster)


@PROPERTY
@given(stack=NAMEISH, cluster=NAMEISH)
def test_key_vault_name_property(stack, cluster):
    name = key_vault_name(stack, cluster)
    assert KEY_VAULT.match(name), name
    assert 3 <= len(name) <= 24 and "--" not in name


@PROPERTY
@given(group=NAMEISH, windows=st.booleans())
def test_pool_name_property(group, windows):
    name = pool_name(group, windows)
    assert (POOL_WINDOWS if windows else POOL_LINUX).match(name), name


@PROPERTY
@given(name=NAMEISH)
def test_cluster_name_property(name):
    out = cluster_name(name)
    assert CLUSTER.match(out), out
    assert RESOURCE_GROUP.match(resource_group_name(out))


@PROPERTY
@given(name=NAMEISH)
def test_dns_prefix_property(name):
    out = dns_prefix(name)
    assert DNS_PREFIX.match(out), out
    assert out[0].isalpha() and len(out) <= 45


@PROPERTY
@given(name=NAMEISH)
def test_workspace_name_of_a_cluster_name_property(name):
    """As translate_estate calls it: workspace_name(cluster_name(...))."""
    out = workspace_name(cluster_name(name))
    assert WORKSPACE.match(out), out


@PROPERTY
@given(name=NAMEISH)
def test_workspace_name_property(name):
    out = workspace_name(name)
    assert WORKSPACE.match(out), out


def test_patterns_in_module_match_reference_rules():
    # spot-check against shared/reference/aks_constraints.json values recorded in naming.py's docstring
    assert naming.POOL_LINUX.pattern == r"^[a-z][a-z0-9]{0,11}$"
    assert naming.POOL_WINDOWS.pattern == r"^[a-z][a-z0-9]{0,5}$"
    assert naming.ACR.pattern == r"^[a-zA-Z0-9]{5,50}$"
    assert naming.KEY_VAULT.pattern == r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$"
