"""Reading an eksctl ClusterConfig: schema validation, error format, relaxations, read tracking."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from translators.input.eksctl import ClusterConfig, InputErrors, load_cluster_config
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate

AS_OF = dt.date(2026, 11, 22)
HEAD = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: demo
  region: us-east-1
"""


def write(tmp_path: Path, body: str, head: str = HEAD, name: str = "cluster.yaml") -> str:
    p = tmp_path / name
    p.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return str(p)


def plan(path: str, **kw):
    return translate_estate(path, TranslateOptions(as_of=AS_OF, **kw))


def test_valid_file_loads():
    cfg = load_cluster_config(str(Path(__file__).resolve().parents[1] / "examples" / "cluster.yaml"))
    assert isinstance(cfg, ClusterConfig)
    assert cfg.get("metadata", "name") == "shop-prod"


def test_wrong_type_error_format_names_file_line_and_field(tmp_path):
    path = write(tmp_path, """\
        managedNodeGroups:
          - name: ng-1
            instanceType: m5.large
            minSize: "two"
            maxSize: 3
        """)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert str(ei.value) == f'{path}:9 managedNodeGroups[0].minSize: expected integer, got a string'
    assert (ei.value.file, ei.value.line, ei.value.field) == (path, 9, "managedNodeGroups[0].minSize")


@pytest.mark.parametrize("body, line, field, fragment", [
    ("nodeGroups:\n  - name: a\n    desiredCapacity: 1.5\n", 8, "nodeGroups[0].desiredCapacity",
     "expected integer, got a number"),
    ("vpc:\n  cidr: 10\n", 7, "vpc.cidr", "expected string, got an integer (YAML read it as a number; quote it)"),
    ("managedNodeGroups:\n  - name: a\n    spot: maybe\n", 8, "managedNodeGroups[0].spot",
     'expected boolean, got a string'),
    ("managedNodeGroups:\n  - name: a\n    labels: [x]\n", 8, "managedNodeGroups[0].labels",
     'expected mapping, got a list'),
    ("cloudWatch:\n  clusterLogging:\n    enableTypes: [api, everything]\n", 8,
     "cloudWatch.clusterLogging.enableTypes[1]", 'not one of the allowed values "api"'),
])
def test_schema_violations(tmp_path, body, line, field, fragment):
    path = write(tmp_path, body)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert (ei.value.line, ei.value.field) == (line, field)
    assert fragment in ei.value.message


def test_unknown_field(tmp_path):
    path = write(tmp_path, """\
        managedNodeGroups:
          - name: ng-1
            instanceTyp: m5.large
        """)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert str(ei.value) == (f"{path}:8 managedNodeGroups[0].instanceTyp: unknown field 'instanceTyp' "
                             "(not in eksctl's schema)")


def test_several_errors_are_all_listed_in_line_order(tmp_path):
    path = write(tmp_path, """\
        managedNodeGroups:
          - name: ng-1
            bogus: 1
            minSize: "two"
        """)
    with pytest.raises(InputErrors) as ei:
        load_cluster_config(path)
    assert [(e.line, e.field) for e in ei.value.errors] == [
        (8, "managedNodeGroups[0].bogus"), (9, "managedNodeGroups[0].minSize")]
    assert str(ei.value).splitlines() == [str(InputError.__str__(e)) for e in ei.value.errors]
    # the exception itself points at the first error
    assert (ei.value.line, ei.value.field) == (8, "managedNodeGroups[0].bogus")


def test_missing_required_field(tmp_path):
    path = write(tmp_path, "", head="apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  region: x\n")
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert ei.value.field == "metadata.name"
    assert ei.value.line == 3
    assert "required field is missing" in ei.value.message


@pytest.mark.parametrize("api", ["eksctl.io/v1alpha4", "eksctl.io/v1", "v1", None])
def test_wrong_api_version(tmp_path, api):
    head = (f"apiVersion: {api}\n" if api else "") + "kind: ClusterConfig\nmetadata:\n  name: a\n"
    path = write(tmp_path, "", head=head)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert ei.value.field == "apiVersion"
    assert ei.value.line == 1
    assert "expected 'eksctl.io/v1alpha5'" in ei.value.message


@pytest.mark.parametrize("text", [
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "# nothing here\n",
    "- just\n- a list\n",
])
def test_no_cluster_config(tmp_path, text):
    path = write(tmp_path, "", head=text)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert ei.value.field == "kind"
    assert "no document with kind: ClusterConfig" in ei.value.message


def test_two_cluster_configs_in_one_file(tmp_path):
    path = write(tmp_path, "---\n" + HEAD.replace("demo", "other"))
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert ei.value.line == 7  # the second ClusterConfig starts after the separator on line 6
    assert "2 ClusterConfig documents in one file" in ei.value.message


def test_other_documents_next_to_the_cluster_config_are_ignored(tmp_path):
    path = write(tmp_path, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert load_cluster_config(path).get("metadata", "name") == "demo"


def test_missing_region_is_accepted_and_reported(tmp_path):
    path = write(tmp_path, "", head="apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n")
    load_cluster_config(path)
    p = plan(path)
    clu = [f for f in p.findings if f.rule_id == "CLU-001"]
    assert len(clu) == 1 and clu[0].line == 3
    assert p.cluster.location == "eastus"


def test_legacy_map_taints_are_accepted(tmp_path):
    path = write(tmp_path, """\
        nodeGroups:
          - name: ng
            instanceType: m5.xlarge
            taints:
              dedicated: "db:NoSchedule"
              spot: ":PreferNoSchedule"
        """)
    load_cluster_config(path)
    (pool,) = plan(path).node_pools
    assert pool.taints == ["dedicated=db:NoSchedule", "spot:PreferNoSchedule"]


def test_legacy_map_taints_with_non_string_values_are_still_rejected(tmp_path):
    path = write(tmp_path, """\
        nodeGroups:
          - name: ng
            taints:
              dedicated: 5
        """)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert ei.value.field.startswith("nodeGroups[0].taints")


@pytest.mark.parametrize("placeholder", ["${NODES}", "$(NODES)", "{{ .Nodes }}", "<node-count>"])
def test_placeholder_hint(tmp_path, placeholder):
    path = write(tmp_path, f"""\
        managedNodeGroups:
          - name: ng
            desiredCapacity: "{placeholder}"
        """)
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert (ei.value.line, ei.value.field) == (8, "managedNodeGroups[0].desiredCapacity")
    assert placeholder not in ei.value.message  # values read are never quoted (they may be secrets)
    assert "unsubstituted template placeholder" in ei.value.message and "envsubst" in ei.value.message


def test_plain_wrong_string_gets_no_placeholder_hint(tmp_path):
    path = write(tmp_path, "managedNodeGroups:\n  - name: ng\n    desiredCapacity: lots\n")
    with pytest.raises(InputError) as ei:
        load_cluster_config(path)
    assert "placeholder" not in ei.value.message


@pytest.mark.parametrize("version", ["${K8S_VERSION}", "v1.31"])
def test_non_numeric_version_is_an_input_error(tmp_path, version):
    path = write(tmp_path, "", head=HEAD + f'  version: "{version}"\n')
    with pytest.raises(InputError) as ei:
        plan(path)
    assert ei.value.field == "metadata.version" and ei.value.line == 6


def test_identity_providers_union_is_not_rejected(tmp_path):
    path = write(tmp_path, """\
        identityProviders:
          - name: cognito
            type: oidc
            issuerUrl: https://example.com
            clientId: abc
        """)
    p = plan(path)
    assert any(f.rule_id == "CLU-015" for f in p.findings)


def test_read_tracking(tmp_path):
    path = write(tmp_path, "vpc:\n  cidr: 10.0.0.0/16\n  nat: {gateway: Single}\n")
    cfg = load_cluster_config(path)
    assert cfg.get("vpc", "cidr") == "10.0.0.0/16"
    assert cfg.get("vpc", "missing", default="d") == "d"
    cfg.mark("apiVersion")
    cfg.mark("kind")
    unread = set(cfg.unread())
    assert ("vpc", "cidr") not in unread
    assert ("vpc", "nat") in unread
    assert ("metadata",) in unread
    assert cfg.line("vpc", "nat") == 8
