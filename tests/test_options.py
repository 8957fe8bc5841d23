"""One options schema: CLI flags and Pulumi config from data/options.yaml, validated with errors naming the key."""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import AS_OF
from translators import options
from translators.errors import InputError
from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from translators.options import OptionError, parse_value, values_from_args, values_from_config

ROOT = Path(__file__).resolve().parents[1]
#: keys the manifest translators keep in WorkloadContext.options for themselves (indexes, plans): not options


def cli_values(command: str, *argv: str) -> dict:
    p = argparse.ArgumentParser()
    options.add_arguments(p, command)
    return values_from_args(p.parse_args(list(argv)), command)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translators", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


# --- every option a finding or a translator names is reachable from both config and the command line ----------

def test_every_key_a_remediation_or_message_names_is_a_config_key_and_a_flag():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "translators" / "data" / "rules").glob("*.yaml")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "translators").rglob("*.py")]
    named = set(re.findall(r"eks-to-aks:([a-zA-Z]+)", "\n".join(texts)))
    assert {"iamPolicies", "dns", "diskEncryptionSetID", "vmSizeOverrides", "securityGroups"} <= named
    by_key = {o.key: o for o in options.schema()}
    for key in named:
        opt = by_key[key]
        assert opt.config, key
        assert opt.cli or opt.secret, key  # secrets stay off the command line


def test_every_option_the_translators_read_is_in_the_schema():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "translators").rglob("*.py"))
    read = set(re.findall(r'options(?:\.get\(|\[)"([A-Za-z]+)"', code))  # ctx.options holds user options only
    assert {"dns", "iamPolicies", "diskEncryptionSetID", "velero", "resourceMap"} <= read
    schema = {o.key: o for o in options.schema()}
    for key in read:
        assert key in schema and schema[key].target == "workload" and schema[key].cli and schema[key].config, key


def test_iam_export_is_in_the_schema_for_the_iam_export_work():
    opt = options.option("iamExport")
    assert (opt.type, opt.cli, opt.config_key) == ("path", "--iam-export", "eks-to-aks:iamExport")
    assert opt.help == "aws iam get-account-authorization-details JSON export"


def test_each_option_changes_the_translation_from_config():
    """dns, diskEncryptionSetID, iamPolicies and velero were unreachable: now set from config, each one shows."""
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                      "Resource": "arn:aws:s3:::shop-backups/*"}]}
    des = ("/subscriptions/0000/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des-shop")
    config = {"dns": json.dumps({"subscriptionId": "sub-dns", "resourceGroup": "rg-dns", "zoneName": "shop.example"}),
              "diskEncryptionSetID": des,
              "iamPolicies": json.dumps({"arn:aws:iam::123456789012:policy/shop-velero-backup": policy}),
              "velero": json.dumps({"resourceGroup": "rg-bak", "storageAccount": "stbak", "subscriptionId": "sub-b"})}
    base = translate_estate(DEFAULT_CLUSTER_CONFIG, TranslateOptions(as_of=AS_OF), [str(DEFAULT_MANIFESTS)])
    opts = TranslateOptions.from_config(config.get, "dev")
    opts.as_of = AS_OF
    plan = translate_estate(DEFAULT_CLUSTER_CONFIG, opts, [str(DEFAULT_MANIFESTS)])
    before, after = json.dumps(base.workloads.objects), json.dumps(plan.workloads.objects)
    for token in ("${DNS_ZONE_RESOURCE_GROUP}", "${VELERO_STORAGE_ACCOUNT}", "diskEncryptionSets/<disk-encryption-set>"):
        assert token in before and token not in after
    assert "rg-dns" in after and "stbak" in after and des in after
    idn6 = lambda p: [f for f in p.findings if f.rule_id == "IDN-006" and "shop-velero-backup" in f.message]  # noqa: E731
    assert idn6(base) and not idn6(plan)


def test_config_and_command_line_give_the_same_options(tmp_path):
    sg = tmp_path / "sg.json"
    sg.write_text('{"SecurityGroups": []}')
    config = {"location": "westeurope", "vmSizeOverrides": '{"m5.large": "Standard_D2as_v5"}', "useLts": "true",
              "allowCpuFallback": "false", "ingress": "nginx", "mirrorPublicImages": "true", "securityGroups": str(sg),
              "resourceMap": '{"arn:aws:s3:::b": "/subscriptions/x"}', "azureFilesProtocol": "smb",
              "kubernetesVersion": "1.31"}
    from_config = TranslateOptions.from_config(config.get, "prod")
    from_cli = options.translate_options(cli_values(
        "plan", "--location", "westeurope", "--vm-size-override", "m5.large=Standard_D2as_v5", "--use-lts",
        "--ingress", "nginx", "--mirror-public-images", "--security-groups", str(sg), "--resource-map",
        '{"arn:aws:s3:::b": "/subscriptions/x"}', "--azure-files-protocol", "smb", "--kubernetes-version", "1.31",
        "--stack", "prod"), "prod")
    assert from_config == from_cli
    assert from_cli.vm_size_overrides == {"m5.large": "Standard_D2as_v5"} and from_cli.use_lts
    assert from_cli.workload_options["securityGroups"] == {"SecurityGroups": []}
    assert from_cli.workload_options["ingress"] == "nginx" and from_cli.location == "westeurope"


def test_unset_options_are_left_out():
    opts = TranslateOptions.from_config({}.get, "dev")
    assert opts == TranslateOptions(stack="dev")
    assert cli_values("translate") == {}


def test_json_object_options_take_a_file_on_the_command_line(tmp_path):
    f = tmp_path / "dns.json"
    f.write_text('{"zoneName": "shop.example"}')
    assert cli_values("translate", "--dns", "@" + str(f))["dns"] == {"zoneName": "shop.example"}


# --- bad values: a clear error naming the key ----------------------------------------------------------------

@pytest.mark.parametrize("key,value,expected", [
    ("vmSizeOverrides", "[1,2]", "eks-to-aks:vmSizeOverrides: expected a JSON object, got [1, 2]"),
    ("vmSizeOverrides", '{"m5.large": 2}', 'eks-to-aks:vmSizeOverrides: ["m5.large"]: expected a string, got 2'),
    ("vmSizeOverrides", "{m5.large: x}", "eks-to-aks:vmSizeOverrides: expected a JSON object"),
    ("useLts", "maybe", "eks-to-aks:useLts: expected true or false, got 'maybe'"),
    ("ingress", "alb", "eks-to-aks:ingress: expected one of approuting, agic, nginx, got 'alb'"),
    ("location", "westeurop", "eks-to-aks:location: unknown Azure region 'westeurop' (did you mean westeurope"),
    ("location", "mars-north-1", "eks-to-aks:location: unknown Azure region 'mars-north-1'"),
    ("dns", '{"zone": "x"}', "eks-to-aks:dns: unknown key 'zone'; known: subscriptionId"),
    ("diskEncryptionSetID", "des-shop", "eks-to-aks:diskEncryptionSetID: expected a disk encryption set resource id"),
])
def test_bad_config_values_name_the_key(key, value, expected):
    with pytest.raises(OptionError) as err:
        values_from_config({key: value}.get)
    assert str(err.value).startswith(expected), str(err.value)
    assert isinstance(err.value, InputError)


def test_location_is_normalised_and_checked_against_the_region_tables():
    opt = options.option("location")
    assert parse_value(opt, "West Europe") == "westeurope"
    assert parse_value(opt, "swedencentral") == "swedencentral"
    # every Azure region the region map recommends is accepted
    from translators.refdata import read_table

    for row in read_table("aws_to_azure_region_map.csv"):
        assert parse_value(opt, row["azure_region_recommended"]) == row["azure_region_recommended"]


def test_unreadable_security_groups_name_the_file_line_and_key(tmp_path):
    bad = tmp_path / "sg.json"
    bad.write_text('{"SecurityGroups": [\n  {"GroupId": "sg-1",}\n]}')
    with pytest.raises(OptionError) as err:
        values_from_config({"securityGroups": str(bad)}.get)
    assert err.value.file == str(bad) and err.value.line == 2
    assert "eks-to-aks:securityGroups: not valid JSON" in str(err.value)
    with pytest.raises(OptionError, match="eks-to-aks:securityGroups"):
        values_from_config({"securityGroups": str(tmp_path / "missing.json")}.get)


def test_malformed_secret_values_never_quote_the_value():
    opt = options.option("secretValues")
    for raw in ('{"shop-db": "hunter2-planted"', '["hunter2-planted"]', '{"shop-db": ["hunter2-planted"]}'):
        with pytest.raises(OptionError) as err:
            parse_value(opt, raw)
        assert "eks-to-aks:secretValues" in str(err.value) and "hunter2" not in str(err.value)
    assert parse_value(opt, '{"shop-db": "v"}') == {"shop-db": "v"}


def test_malformed_pair_on_the_command_line_names_the_flag():
    with pytest.raises(OptionError, match="--vm-size-override: expected KEY=VALUE"):
        cli_values("plan", "--vm-size-override", "m5.large")


@pytest.mark.parametrize("argv,expected", [
    (["analyze", "--location", "nowhere"], "--location: unknown Azure region 'nowhere'"),
    (["translate", "--out", "x", "--dns", "[1,2]"], "--dns: expected a JSON object, got [1, 2]"),
    (["plan", "--vm-size-override", "m5.large"], "--vm-size-override: expected KEY=VALUE"),
])
def test_cli_bad_values_exit_1_without_traceback(argv, expected):
    res = run(*argv)
    assert res.returncode == 1, res.stderr
    assert expected in res.stderr and "Traceback" not in res.stderr and res.stdout == ""


def test_pulumi_program_turns_a_bad_config_value_into_a_run_error(monkeypatch):
    import pulumi

    import program

    class FakeConfig:
        def __init__(self, _ns: str) -> None:
            self.values = {"vmSizeOverrides": "[1,2]"}

        def get(self, key: str):
            return self.values.get(key)

    monkeypatch.setattr(program.pulumi, "Config", FakeConfig)
    monkeypatch.setattr(program.pulumi, "get_stack", lambda: "dev")
    with pytest.raises(pulumi.RunError, match=r"eks-to-aks:vmSizeOverrides: expected a JSON object, got \[1, 2\]"):
        program.translate_from_config()


def test_pulumi_program_refuses_malformed_secret_values(example_plan):
    import pulumi

    from offline.runner import run_offline

    with pytest.raises(pulumi.RunError) as err:
        run_offline(example_plan, stack="dev", config={"eks-to-aks:secretValues": '{"x": "planted-secret-77"'})
    assert "eks-to-aks:secretValues" in str(err.value) and "planted-secret-77" not in str(err.value)


# --- generated documentation -----------------------------------------------------------------------------------

def test_pulumi_yaml_declares_every_plain_config_option():
    doc = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    expected = {o.config_key for o in options.schema() if o.config and not o.secret}
    assert set(doc["config"]) == expected
    assert doc["config"]["eks-to-aks:useLts"] == {"type": "boolean", "description": options.option("useLts").help,
                                                  "default": False}


def test_readme_table_lists_every_option_and_flag():
    readme = (ROOT / "README.md").read_text()
    for o in options.schema():
        assert (f"`{o.config_key}`" if o.config else f"`{o.cli}") in readme, o.key
        if o.cli:
            assert f"`{o.cli}" in readme


def test_gen_options_check_passes_and_detects_a_stale_copy(tmp_path):
    tool = [sys.executable, str(ROOT / "tools" / "gen_options.py")]
    assert subprocess.run(tool + ["--check"], cwd=ROOT, capture_output=True).returncode == 0
    for name in ("Pulumi.yaml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| `eks-to-aks:dns` |", "| `eks-to-aks:dnz` |"))
    res = subprocess.run(tool + ["--check", "--root", str(tmp_path)], capture_output=True, text=True)
    assert res.returncode == 1 and "README.md is stale" in res.stderr
    assert subprocess.run(tool + ["--root", str(tmp_path)], capture_output=True).returncode == 0
    assert readme.read_text() == (ROOT / "README.md").read_text()
    readme.write_text("no markers\n")
    res = subprocess.run(tool + ["--check", "--root", str(tmp_path)], capture_output=True, text=True)
    assert res.returncode == 1 and "markers" in res.stderr


def test_schema_rejects_a_secret_with_a_flag(monkeypatch, tmp_path):
    data = yaml.safe_load((ROOT / "translators" / "data" / "options.yaml").read_text())
    data["options"].append({"key": "token", "type": "secret", "help": "x", "cli": "--token"})
    (tmp_path / "options.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setattr(options, "DATA", tmp_path)
    options.schema.cache_clear()
    try:
        with pytest.raises(ValueError, match="secret has no command-line flag"):
            options.schema()
    finally:
        options.schema.cache_clear()


@pytest.mark.parametrize("key,value,expected", [
    ("iamPolicies", '{"arn:aws:iam::1:policy/p": "not a document"}',
     'eks-to-aks:iamPolicies: ["arn:aws:iam::1:policy/p"]: expected a JSON object, got \'not a document\''),
    ("velero", '{"resourceGroup": {"x": 1}}', 'eks-to-aks:velero: ["resourceGroup"]: expected a string, number or'),
])
def test_json_object_values_are_checked(key, value, expected):
    with pytest.raises(OptionError) as err:
        values_from_config({key: value}.get)
    assert str(err.value).startswith(expected), str(err.value)
    assert values_from_config({"velero": '{"useAAD": false, "resourceGroup": "rg"}'}.get)["velero"]["useAAD"] is False


def test_manifests_take_a_comma_separated_string_or_a_list():
    opt = options.option("manifests")
    assert parse_value(opt, "a.yaml, charts/ ,") == ["a.yaml", "charts/"]
    assert parse_value(opt, '["a.yaml", "b"]') == ["a.yaml", "b"]
    with pytest.raises(OptionError, match="eks-to-aks:manifests: expected a list of paths"):
        parse_value(opt, "[1]")
