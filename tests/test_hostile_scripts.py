"""Hostile values in the inputs never run in the generated scripts (issue #14, shell injection).

Image references go through the distribution/reference grammar: a hostile one is an INP-050 finding and
never reaches ``image-copy-plan.sh``. Secret names, JSON keys and ExternalSecret keys do reach
``secrets-migration.sh``, as single-quoted words and as escaped comments. Each script is checked with
``bash -n`` and then executed with ``az``, ``aws`` and ``jq`` replaced by stubs on PATH that record their
argv (NUL-separated, so a newline inside an argument survives): every payload must arrive as one literal
argument, and the marker file a payload would create must not exist.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from translators.__main__ import main
from translators.registry.images import image_copy_plan, image_reference_error
from translators.reports.shell import comment, printable

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = str(ROOT / "examples" / "cluster.yaml")
ECR = "111122223333.dkr.ecr.us-east-1.amazonaws.com"
ACR_NAME_PREFIX = "acrshopprod"
BASH = shutil.which("bash") or "bash"  # required: CI itself runs under bash; a missing bash fails, never skips


def payloads(marker: Path) -> list[str]:
    """Shell payloads that each create ``marker`` if any part of them is executed."""
    m = str(marker)
    return [f"$(touch {m})", f"`touch {m}`", f"x; touch {m}", f"x\ntouch {m}", f"x' ; touch {m}; echo '",
            f'x" ; touch {m}; echo "', f"x && touch {m}", f"x | touch {m}", f"x\r\ntouch {m} #", f"${{IFS}}touch{m}"]


# --------------------------------------------------------------------------------------- the grammar

@pytest.mark.parametrize("image", [
    "nginx", "nginx:1.25", "docker.io/library/nginx:1.25", f"{ECR}/team/api:v1.2_3-rc",
    f"{ECR}/api@sha256:{'a' * 64}", "localhost:5000/a/b:tag", "[::1]:5000/a:b",
])
def test_valid_references(image):
    assert image_reference_error(image) is None


@pytest.mark.parametrize("image,why", [
    ("nginx:1\n", "holds whitespace or control characters"),
    ("nginx 1", "holds whitespace or control characters"),
    ("nginx:\u00e91", "holds whitespace or control characters"),
    ("nginx:$(id)", "invalid reference format"),
    ("nginx;id", "invalid reference format"),
    ("nginx`id`", "invalid reference format"),
    ("Nginx:1", "repository name must be lowercase"),
    ("nginx:" + "t" * 129, "invalid reference format"),
    ("", "holds whitespace or control characters"),
    (f"{ECR}/api@sha256:abc", "invalid reference format"),
])
def test_invalid_references(image, why):
    assert image_reference_error(image) == why


def test_copy_plan_leaves_out_invalid_pairs_and_quotes_the_rest():
    plan = image_copy_plan([(f"{ECR}/api:$(id)", "acrx.azurecr.io/api:$(id)"), (f"{ECR}/api:v1", "acrx.azurecr.io/api:v1"),
                            ("nginx:1", "acrx.azurecr.io/docker.io/library/nginx:1;id")])
    assert [p["command"] for p in plan] == [
        f"az acr import --name acrx --source {ECR}/api:v1 --image api:v1 --force --username AWS "
        '--password "$(aws ecr get-login-password --region us-east-1)"']


def test_comments_and_messages_escape_line_breaks():
    assert comment("a\nrm -rf /\r\x1b[31m\u202e") == "# a\\x0arm -rf /\\x0d\\x1b[31m\\u202e"
    assert printable("x" * 300).endswith("...") and len(printable("x" * 300)) == 203


# --------------------------------------------------------------------------------------- end to end

def _stubs(tmp: Path) -> tuple[dict[str, str], Path]:
    """Stub ``az``, ``aws``, ``jq`` recording argv into ``calls.log``; the env to run a script with."""
    bin_dir, log = tmp / "bin", tmp / "calls.log"
    bin_dir.mkdir()
    read_file = 'for a; do [ "${prev:-}" = --file ] && cat "$a" >/dev/null; prev=$a; done'  # as az does: waits
    for tool, first, out in (("az", read_file, ""), ("aws", "", "printf '%s' '{\"k\": \"v\"}'"),
                             ("jq", "cat >/dev/null", "printf v")):
        (bin_dir / tool).write_text(f"#!/bin/bash\n{first}\nprintf '%s\\0' {tool} \"$@\" >> \"$CALLS\"\n"
                                    f"printf '\\n\\0' >> \"$CALLS\"\n{out}\n", encoding="utf-8")
        (bin_dir / tool).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(log), "HOME": str(tmp), "LANG": "C.UTF-8"}
    return env, log


def _calls(log: Path) -> list[list[str]]:
    """The recorded invocations: one list of argv (tool first) per call."""
    if not log.exists():
        return []
    return [c.split("\0")[:-1] for c in log.read_bytes().decode("utf-8").split("\n\0") if c]


def _run_script(script: Path, tmp: Path) -> list[list[str]]:
    env, log = _stubs(tmp)
    syntax = subprocess.run([BASH, "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert syntax.returncode == 0, syntax.stderr
    res = subprocess.run([BASH, str(script)], cwd=tmp, env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return _calls(log)


def _translate(tmp: Path, docs: list[dict]) -> tuple[Path, dict]:
    manifests = tmp / "manifests"
    manifests.mkdir()
    (manifests / "app.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    out = tmp / "out"
    assert main(["translate", "--cluster-config", CLUSTER, "--manifests", str(manifests), "--out", str(out)]) == 0
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _deployment(name: str, images: list[str]) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
            "spec": {"template": {"spec": {"containers": [{"name": f"c{i}", "image": im}
                                                          for i, im in enumerate(images)]}}}}


def test_hostile_images_never_reach_the_copy_script(tmp_path):
    marker = tmp_path / "PWNED"
    hostile = [f"{ECR}/api:{p}" for p in payloads(marker)] + [f"nginx:{p}" for p in payloads(marker)] + \
              [f"{ECR}/api\n:v1", f"{ECR}/api:v1 --debug"]
    out, doc = _translate(tmp_path, [_deployment("web", [f"{ECR}/api:v1", *hostile])])
    inp050 = [f for f in doc["findings"] if f["ruleId"] == "INP-050"]
    assert len(inp050) == len(hostile)
    assert all("is not a valid image reference" in f["message"] and "\n" not in f["message"] for f in inp050)
    web = yaml.safe_load((out / next(n for n in os.listdir(out) if "deployment-shop-web" in n)).read_text())
    images = [c["image"] for c in web["spec"]["template"]["spec"]["containers"]]
    assert images[1:] == hostile  # left as is
    script = out / "image-copy-plan.sh"
    text = script.read_text(encoding="utf-8")
    assert "PWNED" not in text
    calls = _run_script(script, tmp_path)
    acr = images[0].split(".", 1)[0]
    assert acr.startswith(ACR_NAME_PREFIX)
    assert calls == [["aws", "ecr", "get-login-password", "--region", "us-east-1"],
                     ["az", "acr", "import", "--name", acr, "--source", f"{ECR}/api:v1", "--image", "api:v1", "--force",
                      "--username", "AWS", "--password", '{"k": "v"}']]
    assert not marker.exists()


def _spc(objects: list[dict]) -> dict:
    return {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
            "metadata": {"name": "app", "namespace": "shop"},
            "spec": {"provider": "aws", "parameters": {"objects": yaml.safe_dump(objects)}}}


def test_hostile_secret_names_and_keys_arrive_as_one_literal_argument(tmp_path):
    marker = tmp_path / "PWNED"
    ps = payloads(marker)
    spc_objects = [{"objectName": f"prod/{p}", "objectType": "secretsmanager"} for p in ps[:5]]
    spc_objects.append({"objectName": "prod/json", "objectType": "secretsmanager",
                        "jmesPath": [{"path": p, "objectAlias": f"a{i}"} for i, p in enumerate(ps[5:])]})
    store = {"apiVersion": "external-secrets.io/v1beta1", "kind": "SecretStore",
             "metadata": {"name": "aws", "namespace": "shop"},
             "spec": {"provider": {"aws": {"service": "SecretsManager", "region": f"us-east-1\n`touch {marker}`"}}}}
    es = {"apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret",
          "metadata": {"name": "db", "namespace": "shop"},
          "spec": {"secretStoreRef": {"name": "aws", "kind": "SecretStore"},
                   "data": [{"secretKey": f"k{i}", "remoteRef": {"key": f"es/{p}"}} for i, p in enumerate(ps)]}}
    out, _ = _translate(tmp_path, [_spc(spc_objects), store, es])
    script = out / "secrets-migration.sh"
    text = script.read_text(encoding="utf-8")
    for line in text.splitlines():  # every line is a comment, a command, or the header
        assert line.startswith(("#", "set -euo pipefail", "az keyvault secret set ")), line
    calls = _run_script(script, tmp_path)
    assert not marker.exists()
    ids = sorted(c[c.index("--secret-id") + 1] for c in calls if c[0] == "aws")
    assert ids == sorted([f"prod/{p}" for p in ps[:5]] + ["prod/json"] * (len(ps[5:]) + 1) + [f"es/{p}" for p in ps])
    es_regions = {c[c.index("--region") + 1] for c in calls if c[0] == "aws" and "es/" in c[c.index("--secret-id") + 1]}
    assert es_regions == {f"us-east-1\n`touch {marker}`"}  # the store's region, one literal argument
    jq = sorted(c[2] for c in calls if c[0] == "jq")
    assert jq == sorted("." + "".join(f"[{json.dumps(seg)}]" for seg in p.split(".")) for p in ps[5:])
    az = [c for c in calls if c[0] == "az"]
    assert len(az) == len(ps) * 2 + 1  # per SPC object, the whole JSON secret, each jmesPath key, each ES key
    vault = az[0][5]
    assert all(c[:7] == ["az", "keyvault", "secret", "set", "--vault-name", vault, "--name"] and c[8] == "--file"
               and c[9].startswith("/dev/fd/") and c[10:] == ["--output", "none"] for c in az), az
    assert len({c[7] for c in az}) == len(az)  # one Key Vault name per secret: none lost to a collision


def test_markdown_report_shows_the_scripts_with_escaped_comments(tmp_path, capsys):
    manifests = tmp_path / "m"
    manifests.mkdir()
    (manifests / "a.yaml").write_text(yaml.safe_dump(_spc([{"objectName": "a\n$(touch x)",
                                                              "objectType": "secretsmanager"}])))
    assert main(["analyze", "--cluster-config", CLUSTER, "--manifests", str(manifests)]) == 0
    text = capsys.readouterr().out
    assert "# a\\x0a$(touch x) -> " in text
    assert "--secret-id $'a\\x0a$(touch x)'" in text
