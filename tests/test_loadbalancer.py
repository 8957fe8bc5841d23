"""NLB/CLB Services → Azure Standard Load Balancer Services (translators/ingress/loadbalancer.py)."""
from __future__ import annotations

import copy
import re

import pytest

from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.input.manifests import split_objects
from translators.ingress.loadbalancer import (SERVICE_TRANSLATORS, aws_service_annotation_row, idle_timeout_minutes,
                                      string_map, translate_service)
from translators.input.yamlsource import load_documents

from conftest import CORPUS  # noqa: E402
AWS = "service.beta.kubernetes.io/aws-load-balancer-"
AZ = "service.beta.kubernetes.io/azure-load-balancer-"


def service(annotations: dict[str, str], extra_spec: str = "") -> K8sObject:
    anns = "".join(f"\n    {k}: '{v}'" for k, v in annotations.items())
    text = f"""
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:{anns or ' {}'}
spec:
  type: LoadBalancer
  selector: {{app: api}}
  ports:
  - {{name: http, port: 80, targetPort: 8080}}
  - {{name: https, port: 443, targetPort: 8443}}{extra_spec}
"""
    return [o for d in load_documents(text, "svc.yaml") for o in split_objects(d)][0]


def run(annotations: dict[str, str], extra_spec: str = "") -> Translation:
    (translator,) = SERVICE_TRANSLATORS
    result = translator(service(annotations, extra_spec), WorkloadContext())
    assert result is not None
    return result


def rules(t: Translation) -> set[str]:
    return {f.rule_id for f in t.findings}


@pytest.mark.parametrize("annotations, extra_spec, expected, expected_rules", [
    # in-tree CLB: public unless told otherwise; idle timeout seconds → minutes
    ({AWS + "connection-idle-timeout": "3600"}, "", {AZ + "tcp-idle-timeout": "60"}, set()),
    ({AWS + "internal": "true"}, "", {AZ + "internal": "true"}, set()),
    ({AWS + "internal": "0.0.0.0/0", AWS + "type": "nlb"}, "", {AZ + "internal": "true"}, {"ING-006"}),
    ({AWS + "type": "nlb"}, "", {}, {"ING-006"}),
    # AWS Load Balancer Controller: internal by default
    ({AWS + "type": "external", AWS + "nlb-target-type": "ip"}, "", {AZ + "internal": "true"}, {"ING-006", "ING-021"}),
    ({AWS + "type": "external", AWS + "scheme": "internet-facing"}, "", {}, {"ING-006"}),
    ({AWS + "scheme": "internal"}, "", {AZ + "internal": "true"}, set()),
    ({}, "\n  loadBalancerClass: service.k8s.aws/nlb", {AZ + "internal": "true"}, {"ING-016", "ING-021"}),
    ({AWS + "scheme": "internet-facing"}, "\n  loadBalancerClass: eks.amazonaws.com/nlb", {}, {"ING-016"}),
    # health probes
    ({AWS + "healthcheck-protocol": "HTTP", AWS + "healthcheck-path": "/healthz", AWS + "healthcheck-interval": "10",
      AWS + "healthcheck-unhealthy-threshold": "3", AWS + "healthcheck-port": "8081",
      AWS + "healthcheck-timeout": "6", AWS + "healthcheck-healthy-threshold": "3"}, "",
     {AZ + "health-probe-protocol": "http", AZ + "health-probe-request-path": "/healthz",
      AZ + "health-probe-interval": "10", AZ + "health-probe-num-of-probe": "3",
      "service.beta.kubernetes.io/port_80_health-probe_port": "8081",
      "service.beta.kubernetes.io/port_443_health-probe_port": "8081"}, {"ING-006"}),
    ({AWS + "healthcheck-port": "traffic-port", AWS + "healthcheck-success-codes": "200"}, "", {}, set()),
    ({AWS + "healthcheck-success-codes": "200-399"}, "", {}, {"ING-009"}),
    ({AWS + "healthcheck-interval": "30", AWS + "healthcheck-unhealthy-threshold": "5"}, "",
     {AZ + "health-probe-interval": "30", AZ + "health-probe-num-of-probe": "5"}, {"ING-009"}),
    # TLS, proxy protocol and other NLB-only features
    ({AWS + "ssl-cert": "arn:aws:acm:r:1:certificate/c", AWS + "ssl-ports": "https", AWS + "backend-protocol": "http"},
     "", {}, {"ING-017"}),
    ({AWS + "ssl-ports": "443"}, "", {}, {"ING-006"}),
    ({AWS + "proxy-protocol": "*"}, "", {}, {"ING-018"}),
    ({AWS + "target-group-attributes": "proxy_protocol_v2.enabled=true,preserve_client_ip.enabled=true"}, "", {},
     {"ING-018", "ING-009"}),
    ({AWS + "eip-allocations": "eipalloc-1,eipalloc-2"}, "", {}, {"ING-009"}),
    ({AWS + "subnets": "subnet-1", AWS + "security-groups": "sg-1"}, "", {}, {"ING-009"}),
    ({AWS + "ip-address-type": "dualstack"}, "", {}, {"ING-009"}),
    ({AWS + "ip-address-type": "ipv4", AWS + "cross-zone-load-balancing-enabled": "true"}, "", {}, {"ING-006"}),
    ({AWS + "additional-resource-tags": "team=web,env=prod"}, "",
     {"service.beta.kubernetes.io/azure-pip-tags": "team=web,env=prod"}, set()),
    ({AWS + "additional-resource-tags": "team=web", AWS + "internal": "true"}, "", {AZ + "internal": "true"},
     {"ING-006"}),
    ({"service.kubernetes.io/aws-load-balancer-internal": "true"}, "", {AZ + "internal": "true"}, set()),
    ({AWS + "brand-new-feature": "on"}, "", {}, {"ING-015"}),
    ({"alb.ingress.kubernetes.io/healthcheck-path": "/ping"}, "", {}, {"ING-020"}),
    ({AWS + "listener-attributes.TCP-80": "tcp.idle_timeout.seconds=300"}, "", {}, {"ING-009"}),
])
def test_service_annotations(annotations, extra_spec, expected, expected_rules):
    t = run(annotations, extra_spec)
    out = t.objects[0]
    assert t.outcome == "translated"
    assert out["metadata"].get("annotations", {}) == expected
    assert rules(t) == expected_rules
    assert "loadBalancerClass" not in out["spec"]


def test_kept_fields_and_finding_lines():
    text_anns = {"external-dns.alpha.kubernetes.io/hostname": "api.example.org", AWS + "proxy-protocol": "*"}
    t = run(text_anns, "\n  loadBalancerSourceRanges: [203.0.113.0/24]\n  externalTrafficPolicy: Local")
    out = t.objects[0]
    assert out["spec"]["loadBalancerSourceRanges"] == ["203.0.113.0/24"]
    assert out["spec"]["externalTrafficPolicy"] == "Local"
    assert out["metadata"]["annotations"] == {"external-dns.alpha.kubernetes.io/hostname": "api.example.org"}
    assert [(f.rule_id, f.line, f.severity) for f in t.findings] == [("ING-018", 9, "high")]


@pytest.mark.parametrize("seconds, minutes, clamped, severity", [
    ("60", 4, True, "info"), ("240", 4, False, None), ("241", 5, False, None), ("350", 6, False, None),
    ("3600", 60, False, None), ("6000", 100, False, None), ("7200", 100, True, "low"),
])
def test_idle_timeout(seconds, minutes, clamped, severity):
    assert idle_timeout_minutes(seconds) == (minutes, clamped)
    t = run({AWS + "connection-idle-timeout": seconds})
    assert t.objects[0]["metadata"]["annotations"] == {AZ + "tcp-idle-timeout": str(minutes)}
    assert [f.severity for f in t.findings if f.rule_id == "ING-019"] == ([severity] if clamped else [])


@pytest.mark.parametrize("value", ["one hour", "inf", "nan"])
def test_idle_timeout_not_a_number(value):
    t = run({AWS + "connection-idle-timeout": value})
    assert "annotations" not in t.objects[0]["metadata"] and rules(t) == {"ING-009"}


def test_plain_services_pass_through():
    obj = service({"prometheus.io/scrape": "true"})
    t = translate_service(obj, WorkloadContext())
    assert (t.outcome, t.objects, list(t.findings)) == ("passthrough", [obj.obj], [])
    other = [o for d in load_documents("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "c.yaml")
             for o in split_objects(d)][0]
    assert translate_service(other, WorkloadContext()) is None


def test_string_map_and_table_lookup():
    assert string_map("a=1, b = 2,junk,c=x=y") == {"a": "1", "b": "2", "c": "x=y"}
    assert aws_service_annotation_row("service.kubernetes.io/aws-load-balancer-type")["class"] == "not-applicable"
    assert aws_service_annotation_row(AWS + "listener-attributes.TLS-443")["class"] == "needs-action"
    assert aws_service_annotation_row(AWS + "nope") is None


def test_every_corpus_aws_lb_annotation_is_classified():
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    pattern = re.compile(r"service\.(?:beta\.)?kubernetes\.io/aws-load-balancer-[A-Za-z0-9._-]+")
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")]
    found = {m for p in files for m in pattern.findall(p.read_text(encoding="utf-8", errors="replace"))}
    assert len(found) >= 8
    assert sorted(k for k in found if aws_service_annotation_row(k) is None) == []


def test_translation_keeps_the_source_untouched():
    obj = service({AWS + "internal": "true"}, "\n  loadBalancerClass: service.k8s.aws/nlb")
    before = copy.deepcopy(obj.obj)
    assert translate_service(obj, WorkloadContext()).objects[0] != before
    assert obj.obj == before
