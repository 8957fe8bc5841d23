"""The offline runner's economies (batched registration, no aliases, shared scrubbed inputs) change nothing in the plan."""
from __future__ import annotations

import copy
import dataclasses
import json

import pulumi
import pytest


def dump(result) -> str:
    return json.dumps({"resources": result.resources, "outputs": result.outputs}, sort_keys=True)


@pytest.mark.parametrize("batch", [None, 1, 7])
def test_batched_registration_gives_the_same_plan(example_plan, example_preview, monkeypatch, batch):
    import offline.runner as runner

    assert len(example_plan.workloads.objects) > 7  # several batches at 7
    monkeypatch.setattr(runner, "REGISTRATION_BATCH", batch)
    assert dump(runner.run_offline(example_plan, stack="dev", preview=True)) == dump(example_preview)


def test_a_failure_in_a_later_batch_fails_the_run(example_plan, monkeypatch):
    import offline.runner as runner

    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "late", "namespace": "shop"},
           "data": {"id": "${IDENTITY_CLIENT_ID:no-such-identity}"}}
    workloads = dataclasses.replace(example_plan.workloads, objects=[*example_plan.workloads.objects, bad])
    plan = dataclasses.replace(example_plan, workloads=workloads)
    monkeypatch.setattr(runner, "REGISTRATION_BATCH", 3)
    with pytest.raises(KeyError, match="no-such-identity"):
        runner.run_offline(plan, stack="dev", preview=True)


def test_offline_registration_drops_aliases_only():
    from offline.runner import _without_aliases

    parent = object()
    opts = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_="azure-native:x/v1:Y")], protect=True)
    opts.parent = parent  # type: ignore[assignment]
    args = pulumi.ResourceTransformationArgs(None, "azure-native:x:Y", "n", {"a": 1}, opts)  # type: ignore[arg-type]
    result = _without_aliases(args)
    assert result is not None and result.opts.aliases is None
    assert result.opts.parent is parent and result.opts.protect is True and result.props == {"a": 1}
    assert opts.aliases  # the resource's own options are left alone
    plain = pulumi.ResourceTransformationArgs(None, "kubernetes:core/v1:ConfigMap", "n", {}, pulumi.ResourceOptions())  # type: ignore[arg-type]
    assert _without_aliases(plain) is None


def test_scrub_shares_what_it_does_not_change():
    from offline.mocks import SECRET_SIG, SECRET_VALUE, UNKNOWN_TEXT, scrub
    from pulumi.output import Unknown

    plain = {"metadata": {"name": "a", "labels": {"x": "y"}}, "spec": {"ports": [{"port": 80.0}]}}
    assert scrub(plain) is plain
    wire = {"metadata": plain["metadata"], "data": {SECRET_SIG: SECRET_VALUE, "value": {"k": "s3cr3t"}},
            "status": [1.0, Unknown(), "04da6b54-80e4-46f7-96ec-b56ff0331ba9"], "pair": (1, 2)}
    before = copy.deepcopy(wire)
    out = scrub(wire)
    assert out == {"metadata": plain["metadata"], "data": "[secret]", "status": [1.0, UNKNOWN_TEXT, UNKNOWN_TEXT],
                   "pair": [1, 2]}
    assert out["metadata"] is wire["metadata"]
    def text(v) -> str:
        return json.dumps(v, default=lambda o: type(o).__name__, sort_keys=True)
    assert text(wire) == text(before)  # the recorded wire inputs are left alone


def test_kubernetes_objects_get_no_echoed_outputs():
    from offline.mocks import PreviewMocks

    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}
    for preview, rid in ((True, None), (False, "/mock/kubernetes:core/v1:ConfigMap/configmap-c")):
        args = pulumi.runtime.MockResourceArgs("kubernetes:core/v1:ConfigMap", "configmap-c", manifest, custom=True)
        assert PreviewMocks(preview).new_resource(args) == (rid, {})
    provider = pulumi.runtime.MockResourceArgs("pulumi:providers:kubernetes", "aks", {"kubeconfig": "x"}, custom=True)
    assert PreviewMocks(True).new_resource(provider)[1]["kubeconfig"] == "x"
