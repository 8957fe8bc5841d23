"""Cluster-level findings that depend on the whole estate: GitOps, service CIDR overlap, and what the
manifest translations ask of the cluster (zonal disks, AGIC)."""
from __future__ import annotations

import textwrap

from translators.estate import TranslateOptions, translate_estate

HEAD = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, region: us-east-1, version: "1.35"}
"""


def write(tmp_path, body: str, manifests: str | None = None):
    (tmp_path / "cluster.yaml").write_text(HEAD + textwrap.dedent(body))
    paths = []
    if manifests is not None:
        (tmp_path / "m.yaml").write_text(textwrap.dedent(manifests))
        paths = [str(tmp_path / "m.yaml")]
    return tmp_path / "cluster.yaml", paths


def rules(plan, rid):
    return [f for f in plan.findings if f.rule_id == rid]


def test_gitops_is_reported(tmp_path):
    cfg, _ = write(tmp_path, """\
        managedNodeGroups: [{name: ng, instanceType: m5.xlarge}]
        gitops:
          flux:
            gitProvider: github
            flags: {owner: acme, repository: fleet}
        """)
    (f,) = rules(translate_estate(cfg), "CLU-013")
    assert f.line == 5


def test_service_cidr_overlapping_the_vnet_is_moved_and_reported(tmp_path):
    cfg, _ = write(tmp_path, """\
        vpc: {cidr: 10.0.0.0/8}
        kubernetesNetworkConfig: {serviceIPv4CIDR: 10.100.0.0/16}
        managedNodeGroups: [{name: ng, instanceType: m5.xlarge}]
        """)
    plan = translate_estate(cfg)
    (f,) = rules(plan, "CLU-023")
    assert f.line == 5 and "10.100.0.0/16" in f.message
    assert plan.network.service_cidr == "172.20.0.0/16" and plan.network.dns_service_ip == "172.20.0.10"


PREMIUM_V2_CLASS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
"""


def test_zonal_disk_classes_without_zonal_pools_are_reported(tmp_path):
    cfg, paths = write(tmp_path, "managedNodeGroups: [{name: ng, instanceType: m5.xlarge}]\n", PREMIUM_V2_CLASS)
    plan = translate_estate(cfg, TranslateOptions(), paths)
    assert "zones" in plan.workloads.cluster_requests
    assert len(rules(plan, "CLU-024")) == 1


def test_zonal_pools_satisfy_zonal_disk_classes(tmp_path):
    cfg, paths = write(tmp_path, "managedNodeGroups: [{name: ng, instanceType: m5.xlarge, "
                                 "availabilityZones: [us-east-1a, us-east-1b]}]\n", PREMIUM_V2_CLASS)
    plan = translate_estate(cfg, TranslateOptions(), paths)
    assert rules(plan, "CLU-024") == []


def test_agic_target_needs_an_application_gateway(tmp_path):
    cfg, paths = write(tmp_path, "managedNodeGroups: [{name: ng, instanceType: m5.xlarge}]\n", """\
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
          annotations: {alb.ingress.kubernetes.io/scheme: internet-facing}
        spec:
          ingressClassName: alb
          rules:
            - http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        """)
    plan = translate_estate(cfg, TranslateOptions(workload_options={"ingress": "agic"}), paths)
    (f,) = rules(plan, "CLU-025")
    assert "Application Gateway" in f.message
    (ing,) = [o for o in plan.workloads.objects if o["kind"] == "Ingress"]
    assert ing["spec"]["ingressClassName"] == "azure-application-gateway"
