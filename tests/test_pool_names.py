"""Node group names that collide after AKS sanitising get unique valid pool names (CMP-022)."""
from __future__ import annotations

import pytest

from translators.cluster.compute import unique_pool_name
from translators.errors import InputError
from translators.estate import TranslateOptions, translate_estate
from translators.naming import POOL_LINUX, POOL_WINDOWS

HEAD = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1, version: '1.31'}\n"


def _plan(tmp_path, body):
    p = tmp_path / "cluster.yaml"
    p.write_text(HEAD + body, encoding="utf-8")
    return p, translate_estate(str(p), TranslateOptions())


def test_sanitised_collision_renamed_with_a_finding(tmp_path):
    p, plan = _plan(tmp_path, "managedNodeGroups:\n  - name: ng-1\n    instanceType: m5.xlarge\n"
                              "nodeGroups:\n  - name: ng_1\n    instanceType: m5.xlarge\n")
    names = [x.name for x in plan.node_pools]
    assert names[0] == "ng1" and len(names) == 2 and names[1] != "ng1"
    assert POOL_LINUX.match(names[1]) and names[1].startswith("ng1")
    renamed = [f for f in plan.findings if f.rule_id == "CMP-022"]
    assert len(renamed) == 1
    assert renamed[0].file == str(p) and renamed[0].line == 8 and renamed[0].severity == "low"
    assert "managedNodeGroups[0] (ng-1)" in renamed[0].message and f"'{names[1]}'" in renamed[0].message


def test_rename_is_deterministic_and_long_names_fit(tmp_path):
    body = ("managedNodeGroups:\n" + "".join(f"  - name: {n}\n    instanceType: m5.xlarge\n" for n in
                                             ("general-purpose-a", "general_purpose_b", "generalpurpose-c")))
    _, a = _plan(tmp_path, body)
    _, b = _plan(tmp_path, body)
    names = [x.name for x in a.node_pools]
    assert names == [x.name for x in b.node_pools]
    assert len(set(names)) == 3 and all(POOL_LINUX.match(n) and len(n) <= 12 for n in names)
    assert names[0] == "generalpurpo"  # all three cut to the same 12 characters: two renames
    assert len([f for f in a.findings if f.rule_id == "CMP-022"]) == 2


def test_windows_names_stay_within_six(tmp_path):
    body = "".join(f"  - name: {n}\n    instanceType: m5.xlarge\n    amiFamily: WindowsServer2022FullContainer\n"
                   for n in ("win-app-1", "win-app-2"))
    _, plan = _plan(tmp_path, "managedNodeGroups:\n" + body)
    win = [x.name for x in plan.node_pools if x.os_type == "Windows"]
    assert len(win) == 2 and len(set(win)) == 2 and all(POOL_WINDOWS.match(n) for n in win)


def test_exact_duplicate_names_are_refused_like_eksctl(tmp_path):
    p = tmp_path / "cluster.yaml"
    p.write_text(HEAD + "managedNodeGroups:\n  - name: web\nnodeGroups:\n  - name: web\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        translate_estate(str(p), TranslateOptions())
    assert ei.value.line == 5 and ei.value.field == "managedNodeGroups[0].name" and "not unique" in str(ei.value)


def test_unique_pool_name_avoids_taken():
    first = unique_pool_name("ngapp", "managedNodeGroups[1] (ng_app)", set(), False)
    assert first == unique_pool_name("ngapp", "managedNodeGroups[1] (ng_app)", set(), False)
    second = unique_pool_name("ngapp", "managedNodeGroups[1] (ng_app)", {first}, False)
    assert second != first and POOL_LINUX.match(second)
    assert POOL_WINDOWS.match(unique_pool_name("winapp", "x", {"winapp"}, True))
