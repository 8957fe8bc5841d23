"""Names that collide once sanitised, over the strategies of ``builders_fuzz``: node group → AKS pool names
(a collision is an error naming both groups) and IAM role / ServiceAccount → identity and federated credential
names (always valid and unique).
"""
from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import builders_fuzz
from builders_fuzz import AS_OF, CLUSTER_HEAD, FUZZ, dump, write_input
from translators.estate import TranslateOptions, translate_estate
from translators.findings import Findings
from translators.identity.translate import CREDENTIAL_NAME, IDENTITY_NAME, plan_identities
from translators.k8s import WorkloadContext
from translators.input.manifests import split_objects
from translators.naming import POOL_LINUX, POOL_WINDOWS, pool_name
from translators.workloads import translate_workloads
from translators.input.yamlsource import load_documents

work = builders_fuzz.work  # the scratch-directory fixture (bound, not imported: ruff F811 at each use)


# ---------------------------------------------------------------------------------------------- names

GROUP_NAME = st.text(st.sampled_from("abcXYZ019-_. "), min_size=1, max_size=16).filter(lambda s: s.strip())


@FUZZ
@given(groups=st.lists(st.tuples(st.sampled_from(["managedNodeGroups", "nodeGroups"]), GROUP_NAME,
                                 st.sampled_from(["AmazonLinux2023", "WindowsServer2022FullContainer"])),
                       min_size=1, max_size=5, unique_by=lambda g: g[1]))
def test_node_group_names_that_collide_get_unique_valid_pool_names(work, groups):
    body = ""
    for kind in ("managedNodeGroups", "nodeGroups"):
        mine = [g for g in groups if g[0] == kind]
        if mine:
            body += f"{kind}:\n" + "".join(f"  - name: {json.dumps(n)}\n    instanceType: m5.xlarge\n"
                                           f"    amiFamily: {ami}\n" for _, n, ami in mine)
    path = write_input(work / "groups.yaml", CLUSTER_HEAD + "metadata: {name: c, region: us-east-1}\n" + body)
    ordered = [g for kind in ("managedNodeGroups", "nodeGroups") for g in groups if g[0] == kind]
    names = [pool_name(n, windows=ami.startswith("Windows")) for _, n, ami in ordered]
    plan = translate_estate(str(path), TranslateOptions(as_of=AS_OF))
    pools = [p.name for p in plan.node_pools]
    assert len(pools) == len(set(pools))
    for p in plan.node_pools:
        assert (POOL_WINDOWS if p.os_type == "Windows" else POOL_LINUX).match(p.name), p.name
    renamed = [f for f in plan.findings if f.rule_id == "CMP-022"]
    assert len(renamed) == len(names) - len(set(names))  # one finding per renamed group


ROLE = st.text(st.sampled_from(list("aA-_.@+=,/1") + ["é", "🚀", " "]), min_size=1, max_size=150)
NS = st.sampled_from(["default", "shop", "Shop", "a-b", "a_b", "x" * 63])
SA = st.text(st.sampled_from("ab-._1"), min_size=1, max_size=70)


@FUZZ
@given(accounts=st.lists(st.tuples(NS, SA, st.one_of(st.none(), ROLE)), min_size=1, max_size=60,
                         unique_by=lambda a: (a[0], a[1])))
def test_identity_names_stay_valid_and_unique(accounts):
    docs = []
    for ns, name, role in accounts:
        md: dict[str, Any] = {"name": name, "namespace": ns}
        if role is not None:
            md["annotations"] = {"eks.amazonaws.com/role-arn": f"arn:aws:iam::111122223333:role/{role}"}
        docs.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": md})
        # every account also reads secrets, so that accounts without a role get an identity too
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"d{len(docs)}", "namespace": ns},
                     "spec": {"template": {"spec": {"serviceAccountName": name, "containers": [{"name": "c", "image": "i"}],
                                                    "volumes": [{"name": "s", "csi": {"driver": "secrets-store.csi.k8s.io",
                                                                 "volumeAttributes": {"secretProviderClass": "spc"}}}]}}}})
    docs += [{"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
              "metadata": {"name": "spc", "namespace": ns},
              "spec": {"provider": "aws", "parameters": {"objects": "- objectName: db\n"}}} for ns in {a[0] for a in accounts}]
    objects = [o for d in load_documents(dump(docs), "sa.yaml") for o in split_objects(d)]
    ctx, findings = WorkloadContext(), Findings()
    plan = plan_identities(None, objects, ctx, findings)
    names = [i.name for i in plan.identities]
    assert len({n.lower() for n in names}) == len(names), names  # Azure resource names ignore case
    assert all(IDENTITY_NAME.match(n) for n in names), names
    for ident in plan.identities:
        creds = [c.name for c in ident.federated]
        assert len({c.lower() for c in creds}) == len(creds) and all(CREDENTIAL_NAME.match(c) for c in creds), creds
        assert 1 <= len(ident.federated) <= 20
    assert set(ctx.service_account_identities) == {(ns, name) for ns, name, _ in accounts}
    assert set(ctx.service_account_identities.values()) <= set(names)
    # the whole chain accepts the plan (placeholders name planned identities only)
    result = translate_workloads(objects, WorkloadContext())
    planned = {i.name for i in result.identities.identities}
    for o in result.objects:
        for ident in re.findall(r"\$\{IDENTITY_CLIENT_ID:([^}]+)\}", json.dumps(o)):
            assert ident in planned
