"""ALB annotations (translators/ingress/alb.py): alb.ingress.kubernetes.io/* read and mapped per target (scheme,
listeners, certificates, backend protocol, health checks, target groups, policies), and every corpus annotation
classified; with the inputs and runner of ``builders_ingress``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from builders_ingress import A, CLASS, PUBLIC, TARGETS, ingress, line_of, rules, run
from conftest import CORPUS  # noqa: E402
from translators.ingress.alb import alb_annotation_row

REDIRECT_PATH = """
      - path: /
        pathType: Prefix
        backend:
          service:
            name: to-https
            port:
              name: use-annotation"""
SHOP = {A + "scheme": "internet-facing", A + "target-type": "ip",
        A + "certificate-arn": "arn:aws:acm:eu-west-1:111122223333:certificate/4f1c-77aa",
        A + "ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        A + "listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
        A + "actions.to-https": '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", '
                                '"StatusCode": "HTTP_301"}}',
        A + "healthcheck-path": "/ready", A + "healthcheck-interval-seconds": "20",
        A + "healthcheck-timeout-seconds": "4", A + "success-codes": "200-299",
        A + "load-balancer-attributes": "idle_timeout.timeout_seconds=120",
        A + "wafv2-acl-arn": "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop/9d2e"}

# target → (annotations expected on the result, spec.tls expected, rule ids expected)
SHOP_EXPECTED = {
    "approuting": ({"nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
                    "kubernetes.azure.com/tls-cert-keyvault-uri":
                        "https://kv-shop.vault.azure.net/certificates/acm-4f1c-77aa"},
                   [{"hosts": ["shop.example.org"], "secretName": "keyvault-shop"}],
                   {"ING-001", "ING-003", "ING-004", "ING-006", "ING-009", "ING-010"}),
    "agic": ({"appgw.ingress.kubernetes.io/ssl-redirect": "true",
              "appgw.ingress.kubernetes.io/appgw-ssl-certificate": "acm-4f1c-77aa",
              "appgw.ingress.kubernetes.io/health-probe-path": "/ready",
              "appgw.ingress.kubernetes.io/health-probe-interval": "20",
              "appgw.ingress.kubernetes.io/health-probe-timeout": "4",
              "appgw.ingress.kubernetes.io/health-probe-status-codes": "200-299"},
             None, {"ING-001", "ING-003", "ING-004", "ING-006", "ING-009"}),
    "nginx": ({"nginx.ingress.kubernetes.io/force-ssl-redirect": "true"},
              [{"hosts": ["shop.example.org"], "secretName": "shop-tls"}],
              {"ING-001", "ING-003", "ING-004", "ING-006", "ING-009", "ING-010"}),
}


@pytest.mark.parametrize("target", TARGETS)
def test_full_alb_ingress(target):
    text = ingress(SHOP, REDIRECT_PATH)
    t, ctx = run(text, target)
    anns, tls, expected_rules = SHOP_EXPECTED[target]
    out = t.objects[0]
    assert t.outcome == "translated" and len(t.objects) == 1
    assert out["spec"]["ingressClassName"] == CLASS[target]
    assert out["metadata"]["annotations"] == anns
    assert out["spec"].get("tls") == tls
    assert [p["path"] for p in out["spec"]["rules"][0]["http"]["paths"]] == ["/cart"]  # redirect path dropped
    assert set(rules(t)) == expected_rules
    waf = next(f for f in t.findings if f.rule_id == "ING-004")
    assert waf.line == line_of(text, "wafv2-acl-arn") and "webacl/shop" in waf.message
    assert ctx.cluster_requests == {"approuting": {"appRouting"}, "agic": {"ingressApplicationGateway"},
                                    "nginx": set()}[target]


@pytest.mark.parametrize("target, cls, annotation, rule_severity, extra_kinds", [
    ("approuting", "nginx-internal", {}, "info", ["NginxIngressController"]),
    ("agic", CLASS["agic"], {"appgw.ingress.kubernetes.io/use-private-ip": "true"}, "low", []),
    ("nginx", "nginx", {}, "medium", []),
])
@pytest.mark.parametrize("scheme", ["internal", None])
def test_internal_scheme(target, cls, annotation, rule_severity, extra_kinds, scheme):
    t, _ = run(ingress({A + "scheme": scheme} if scheme else {}), target)
    assert t.objects[0]["spec"]["ingressClassName"] == cls
    assert t.objects[0]["metadata"].get("annotations", {}) == annotation
    assert [o["kind"] for o in t.objects[1:]] == extra_kinds
    if extra_kinds:
        lb = t.objects[1]["spec"]["loadBalancerAnnotations"]
        assert lb == {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
    assert next(f for f in t.findings if f.rule_id == "ING-002").severity == rule_severity
    assert ("ING-021" in rules(t)) == (scheme is None)


@pytest.mark.parametrize("target, annotations, expected, rule", [
    ("approuting", {A + "backend-protocol": "HTTPS"}, {"nginx.ingress.kubernetes.io/backend-protocol": "HTTPS"}, None),
    ("agic", {A + "backend-protocol": "HTTPS"}, {"appgw.ingress.kubernetes.io/backend-protocol": "https"}, None),
    ("nginx", {A + "backend-protocol": "HTTPS", A + "backend-protocol-version": "GRPC"},
     {"nginx.ingress.kubernetes.io/backend-protocol": "GRPCS"}, None),
    ("agic", {A + "backend-protocol-version": "GRPC"}, {}, "ING-009"),
    ("approuting", {A + "inbound-cidrs": "10.0.0.0/8,192.168.0.0/16"},
     {"nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8,192.168.0.0/16"}, None),
    ("agic", {A + "inbound-cidrs": "10.0.0.0/8"}, {}, "ING-009"),
    ("nginx", {A + "use-regex-path-match": "true"}, {"nginx.ingress.kubernetes.io/use-regex": "true"}, None),
    ("approuting", {A + "target-group-attributes": "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=600"},
     {"nginx.ingress.kubernetes.io/affinity": "cookie", "nginx.ingress.kubernetes.io/session-cookie-max-age": "600"},
     None),
    ("agic", {A + "target-group-attributes": "stickiness.enabled=true,deregistration_delay.timeout_seconds=30"},
     {"appgw.ingress.kubernetes.io/cookie-based-affinity": "true",
      "appgw.ingress.kubernetes.io/connection-draining": "true",
      "appgw.ingress.kubernetes.io/connection-draining-timeout": "30"}, None),
    ("nginx", {A + "target-group-attributes": "deregistration_delay.timeout_seconds=30"}, {}, "ING-009"),
    ("approuting", {A + "listen-ports": '[{"HTTPS": 443}]'},
     {"nginx.ingress.kubernetes.io/force-ssl-redirect": "true"}, None),
    ("agic", {A + "listen-ports": '[{"HTTP": 8080}]'}, {}, "ING-009"),
    ("nginx", {A + "listen-ports": "[{HTTP: 80"}, {}, "ING-009"),
    ("approuting", {A + "ip-address-type": "dualstack"}, {}, "ING-009"),
    ("approuting", {A + "ip-address-type": "ipv4", A + "load-balancer-name": "shop"}, {}, "ING-006"),
    ("agic", {A + "group.name": "team-a", A + "group.order": "10"}, {}, {"ING-005", "ING-006"}),
    ("nginx", {A + "auth-type": "cognito", A + "auth-scope": "openid"}, {}, "ING-008"),
    ("agic", {A + "waf-acl-id": "0f3e"}, {}, "ING-004"),
    ("approuting", {A + "create-acm-cert": "true"}, {}, "ING-003"),
    ("nginx", {A + "no-such-setting": "1"}, {}, "ING-015"),
    ("approuting", {A + "healthcheck-path": "/ready"}, {}, "ING-010"),
    ("agic", {A + "healthcheck-port": "traffic-port", A + "healthy-threshold-count": "3"}, {}, "ING-006"),
])
def test_annotation_mapping(target, annotations, expected, rule):
    t, _ = run(ingress({**PUBLIC, **annotations}), target)
    assert t.outcome == "translated"
    assert t.objects[0]["metadata"].get("annotations", {}) == expected
    assert set(rules(t)) - {"ING-001"} == ({rule} if isinstance(rule, str) else rule or set())


@pytest.mark.parametrize("target", TARGETS)
def test_certificate_discovery_by_tls_hosts(target):
    tls = "\n  tls:\n  - hosts:\n    - shop.example.org"
    t, _ = run(ingress(PUBLIC, tls=tls), target)
    out = t.objects[0]
    assert "ING-003" in rules(t)
    if target == "approuting":
        assert out["metadata"]["annotations"]["kubernetes.azure.com/tls-cert-keyvault-uri"].endswith(
            "/certificates/shop-example-org")
    assert ("tls" in out["spec"]) == (target != "agic")


def corpus_files(suffixes=(".yaml", ".yml")) -> list[Path]:
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_every_corpus_alb_annotation_is_classified():
    pattern = re.compile(r"alb\.ingress\.kubernetes\.io/[A-Za-z0-9._${}-]+")
    found = {m for p in corpus_files() for m in pattern.findall(p.read_text(encoding="utf-8", errors="replace"))}
    assert len(found) > 20
    assert sorted(k for k in found if alb_annotation_row(k) is None) == []
