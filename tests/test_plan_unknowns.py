"""In a preview only the placeholder-holding strings of a translated object are unknown, not whole fields."""
from __future__ import annotations

import pulumi
import pytest

from offline.mocks import UNKNOWN_TEXT
from workloads import fill_placeholders


def by_kind(preview, kind: str) -> list[dict]:
    return [r for r in preview.resources if r["type"].endswith(":" + kind)]


def test_service_account_keeps_name_and_namespace_with_an_unknown_client_id(example_preview):
    annotated = [r for r in by_kind(example_preview, "ServiceAccount")
                 if "azure.workload.identity/client-id" in ((r["inputs"].get("metadata") or {}).get("annotations") or {})]
    assert annotated, "the example has workload-identity ServiceAccounts"
    for r in annotated:
        md = r["inputs"]["metadata"]
        assert md["name"] != UNKNOWN_TEXT and md["namespace"] != UNKNOWN_TEXT
        assert md["annotations"]["azure.workload.identity/client-id"] == UNKNOWN_TEXT
        # the other annotations and labels stay known
        others = {k: v for k, v in md["annotations"].items() if k != "azure.workload.identity/client-id"}
        assert UNKNOWN_TEXT not in others.values()


def test_secret_provider_class_keeps_its_spec_with_an_unknown_client_id(example_preview):
    spcs = by_kind(example_preview, "SecretProviderClass")
    assert spcs
    for r in spcs:
        params = r["inputs"]["spec"]["parameters"]
        assert r["inputs"]["metadata"]["name"] != UNKNOWN_TEXT
        assert r["inputs"]["spec"]["provider"] == "azure"
        assert params["clientID"] == UNKNOWN_TEXT
        assert "${" not in params["tenantId"]  # the tenant id (known from the client config) is filled
        assert params["keyvaultName"] != UNKNOWN_TEXT and "objects" in params


def test_known_values_fill_leaves_only(example_up):
    sas = [r for r in by_kind(example_up, "ServiceAccount")
           if "azure.workload.identity/client-id" in ((r["inputs"].get("metadata") or {}).get("annotations") or {})]
    assert sas and all("${" not in str(r["inputs"]) for r in sas)


def test_fill_placeholders_returns_the_same_object_without_placeholders():
    value = {"a": [1, {"b": "plain"}], "c": None}
    assert fill_placeholders(value, {}) is value


@pulumi.runtime.test
def test_fill_placeholders_makes_only_the_leaf_an_output():
    value = {"metadata": {"name": "api", "annotations": {"x": "id=${IDENTITY_CLIENT_ID:id-a}!", "y": "keep"}},
             "list": ["${AZURE_TENANT_ID}", "plain"]}
    out = fill_placeholders(value, {"IDENTITY_CLIENT_ID:id-a": pulumi.Output.from_input("cid"),
                                    "AZURE_TENANT_ID": "tid"})
    assert isinstance(out, dict) and out["metadata"]["name"] == "api"
    assert out["metadata"]["annotations"]["y"] == "keep" and out["list"][1] == "plain"
    assert isinstance(out["metadata"]["annotations"]["x"], pulumi.Output)
    return pulumi.Output.all(out["metadata"]["annotations"]["x"], out["list"][0]).apply(
        lambda v: v == ["id=cid!", "tid"] or pytest.fail(str(v)))


def test_missing_placeholder_value_is_a_key_error():
    with pytest.raises(KeyError, match="id-zzz"):
        fill_placeholders({"a": "${IDENTITY_CLIENT_ID:id-zzz}"}, {})
