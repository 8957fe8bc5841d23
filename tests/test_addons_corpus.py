"""Add-on translators over the shared corpus and malformed input (split from test_addons.py); the
corpus helpers are in helpers.py."""
from __future__ import annotations

import re


from builders_addons import ADD_RULES, run
from helpers import corpus_files, load, load_corpus, validate_core
from translators.addons import translate as addons
from translators.addons.translate import ADDON_TRANSLATORS
from translators.k8s import WorkloadContext


def test_addons_corpus():
    _, pairs = run(load_corpus(corpus_files()), WorkloadContext(location="eastus"))
    seen: dict[str, int] = {}
    for o, res in pairs:
        if res is None:
            continue
        for f in res.findings:
            seen[f.rule_id] = seen.get(f.rule_id, 0) + 1
            assert f.rule_id in ADD_RULES and f.file == o.file and f.line
        assert res.outcome != "dropped" or res.findings
        for new in res.objects:
            validate_core(new)
    # the corpus holds the Cluster Autoscaler, CloudWatch agent, Fluent Bit, Neuron and external-dns examples
    assert {"ADD-001", "ADD-005", "ADD-006", "ADD-008", "ADD-009", "ADD-014", "ADD-015"} <= set(seen)
    assert seen["ADD-001"] == 4 and seen["ADD-014"] == 3


def test_whole_corpus_never_raises():
    _, pairs = run(load_corpus(corpus_files(None)), WorkloadContext(location="eastus"))
    for _, res in pairs:
        assert res is None or res.outcome in ("translated", "passthrough", "dropped")


MALFORMED = """\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: a}
spec: 3
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: b}
spec: {template: {metadata: x, spec: {requirements: [1, x, {key: 3}, {key: karpenter.k8s.aws/instance-family,
       operator: In, values: null, minValues: many}]}}, disruption: 5}
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: c}
spec: {amiSelectorTerms: [x, {alias: 5}], blockDeviceMappings: [x, {ebs: 3}], kubelet: {maxPods: lots}, tags: [1]}
---
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: d}
spec: {provider: aws, config: [1], objectStorage: 4, credential: 5}
---
apiVersion: velero.io/v1
kind: Backup
metadata: {name: e}
spec: {volumeSnapshotLocations: 4, template: 3}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: f}
spec:
  template:
    metadata: 1
    spec:
      containers: [{name: a, image: "registry.k8s.io/external-dns/external-dns:v1", args: [--provider, aws],
                    env: [1, {name: AWS_X}], volumeMounts: [2]}]
      volumes: [3]
      nodeSelector: {karpenter.k8s.aws/instance-cpu: "4"}
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [1,
                 {matchExpressions: [1, {key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}]}]}}}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: g}
spec: {acme: {solvers: [1, {dns01: {route53: null}, selector: 3}]}}
---
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: {name: h}
spec: {endpoints: [1, {providerSpecific: [1, {name: aws/x}]}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: i}
subjects: [1, {kind: ServiceAccount}]
roleRef: 3
"""


def test_malformed_shapes_never_raise():
    from translators.backup import translate as backup
    from translators.karpenter import translate as karpenter

    objs = load(MALFORMED)
    for mod, chain in ((addons, ADDON_TRANSLATORS), (karpenter, karpenter.KARPENTER_TRANSLATORS),
                       (backup, backup.BACKUP_TRANSLATORS)):
        ctx = WorkloadContext()
        getattr(mod, "prepare", lambda o, c: None)(objs, ctx)
        for o in objs:
            for t in chain:
                res = t(o, ctx)
                assert res is None or res.outcome in ("translated", "passthrough", "dropped")


def test_combined_image_prescreen_agrees_with_every_pattern():
    """``detect_addon`` skips workloads whose images match no add-on pattern with one combined search."""
    from helpers import corpus_objects
    from translators.addons.translate import _any_addon_image, addons as addon_table
    from translators.podspec import containers

    patterns = [a.image for a in addon_table() if a.image is not None]
    # alternation keeps each pattern's meaning only without backreferences, named groups or inline flags
    assert not [p.pattern for p in patterns if re.search(r"\(\?[aiLmsux]|\(\?P|\\[1-9]", p.pattern)]
    from translators.estate import DEFAULT_MANIFESTS
    from translators.input.manifests import load_manifests

    objects = corpus_objects("storage", "load-balancing", "secrets", "security-group-policy", "karpenter",
                             "aws-integrations", "apps") + load_manifests([str(DEFAULT_MANIFESTS)])
    images = {str(c.get("image") or "") for o in objects for _, c in containers(o.obj)}
    assert len(images) > 30 and sum(any(p.search(i) for p in patterns) for i in images) >= 5
    for image in images:
        assert bool(_any_addon_image().search(image)) == any(p.search(image) for p in patterns), image
