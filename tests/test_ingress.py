"""ALB Ingress → approuting / agic / nginx (translators/ingress/translate.py), rule coverage and the corpus.

The mapping of alb.ingress.kubernetes.io/* annotations (translators/ingress/alb.py) is tested in
``test_ingress_alb.py``; both use the inputs and runner of ``builders_ingress``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from builders_ingress import A, PUBLIC, TARGETS, ingress, line_of, objects, rules, run, translate
from translators.errors import InputError
from translators.findings import catalogue
from translators.ingress.translate import ingress_classes, is_alb_ingress, translate_ingress
from translators.k8s import WorkloadContext
from translators.input.manifests import load_manifests

from conftest import CORPUS  # noqa: E402


LEGACY = """
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: legacy
  annotations:
    kubernetes.io/ingress.class: alb
    alb.ingress.kubernetes.io/scheme: internet-facing
spec:
  backend:
    serviceName: home
    servicePort: 80
  rules:
  - http:
      paths:
      - path: /api/*
        backend:
          serviceName: api
          servicePort: http
"""


@pytest.mark.parametrize("target, path, ptype", [("approuting", "/api", "Prefix"), ("nginx", "/api", "Prefix"),
                                                 ("agic", "/api/*", "ImplementationSpecific")])
def test_legacy_v1beta1_ingress(target, path, ptype):
    t, _ = run(LEGACY, target)
    out = t.objects[0]
    assert out["apiVersion"] == "networking.k8s.io/v1" and "annotations" not in out["metadata"]
    assert out["spec"]["defaultBackend"] == {"service": {"name": "home", "port": {"number": 80}}}
    p = out["spec"]["rules"][0]["http"]["paths"][0]
    assert (p["path"], p["pathType"]) == (path, ptype)
    assert p["backend"] == {"service": {"name": "api", "port": {"name": "http"}}}


ACTIONS = {A + "actions.teapot": '{"type":"fixed-response","fixedResponseConfig":{"statusCode":"418"}}',
           A + "actions.to-v2": '{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"cart-v2",'
                                '"servicePort":"8080"}]}}',
           A + "actions.unused": '{"type":"redirect","redirectConfig":{"host":"example.com"}}',
           A + "conditions.cart": '[{"field":"source-ip","sourceIpConfig":{"values":["10.0.0.0/8"]}}]'}
TEA_PATH = """
      - path: /tea
        pathType: Exact
        backend:
          service:
            name: teapot
            port:
              name: use-annotation"""
IMG_PATH = """
      - path: /img/*.png
        pathType: ImplementationSpecific
        backend:
          service:
            name: img
            port:
              number: 80"""
ACTION_PATHS = TEA_PATH + """
      - path: /v2
        pathType: Prefix
        backend:
          service:
            name: to-v2
            port:
              name: use-annotation"""


@pytest.mark.parametrize("target", TARGETS)
def test_actions_and_conditions(target):
    text = ingress({**PUBLIC, **ACTIONS}, ACTION_PATHS)
    t, _ = run(text, target)
    paths = t.objects[0]["spec"]["rules"][0]["http"]["paths"]
    assert [(p["path"], p["backend"]["service"]["name"]) for p in paths] == [("/v2", "cart-v2"), ("/cart", "cart")]
    assert paths[0]["backend"]["service"]["port"] == {"number": 8080}
    dropped = [f for f in t.findings if f.rule_id == "ING-007"]
    assert [f.line for f in dropped] == [line_of(text, "path: /tea"), line_of(text, "conditions.cart")]
    assert "teapot" in dropped[0].message and "conditions.cart" in dropped[1].message
    assert "actions.unused" in next(f.message for f in t.findings if f.rule_id == "ING-006")


def test_ingress_of_only_actions_is_dropped():
    t, _ = run(ingress({**PUBLIC, A + "actions.teapot": ACTIONS[A + "actions.teapot"]}, TEA_PATH, cart=False))
    assert t.outcome == "dropped" and t.objects == []
    assert [f.severity for f in t.findings if f.rule_id == "ING-007"][-1] == "high"


def test_wildcard_paths():
    text = ingress(PUBLIC, IMG_PATH)
    t, _ = run(text)
    assert t.objects[0]["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/img/*.png"
    assert next(f for f in t.findings if f.rule_id == "ING-009").line == line_of(text, "path: /img")


CLASSES = """
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: internet
spec:
  controller: ingress.k8s.aws/alb
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: public-nginx
spec:
  controller: k8s.io/ingress-nginx
"""


@pytest.mark.parametrize("cls, alb", [("internet", True), ("public-nginx", False), ("alb", True)])
def test_custom_ingress_classes(cls, alb):
    known = ingress_classes(objects(CLASSES))
    assert known == {"internet": "ingress.k8s.aws/alb", "public-nginx": "k8s.io/ingress-nginx"}
    ctx = WorkloadContext(indexes={"ingressClasses": known})
    obj = objects(ingress(PUBLIC, cls=cls))[0]
    assert is_alb_ingress(obj, ctx) is alb
    assert translate_ingress(obj, ctx).outcome == ("translated" if alb else "passthrough")


def test_other_classes_pass_through_unchanged():
    obj = objects(ingress({"nginx.ingress.kubernetes.io/rewrite-target": "/"}, cls="nginx"))[0]
    t = translate_ingress(obj, WorkloadContext())
    assert (t.outcome, t.objects, list(t.findings)) == ("passthrough", [obj.obj], [])
    assert translate_ingress(objects(CLASSES)[0], WorkloadContext()) is None


@pytest.mark.parametrize("text, outcome, rule", [
    (CLASSES.split("---")[0], "dropped", "ING-011"),
    (CLASSES.split("---")[1], "passthrough", None),
    ("apiVersion: elbv2.k8s.aws/v1beta1\nkind: IngressClassParams\nmetadata: {name: p}\nspec: {scheme: internal}",
     "dropped", "ING-012"),
    ("apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: b}\n"
     "spec: {serviceRef: {name: cart, port: 80}, targetGroupARN: arn:aws:elasticloadbalancing:tg}", "dropped", "ING-013"),
    ("apiVersion: elbv2.k8s.aws/v1beta1\nkind: ALBTargetControlConfig\nmetadata: {name: c}", "dropped", "ING-014"),
])
def test_controller_resources(text, outcome, rule):
    t, _ = run(text)
    assert t.outcome == outcome and rules(t) == ([rule] if rule else [])


def test_unknown_target_option():
    with pytest.raises(ValueError, match="approuting"):
        run(ingress(PUBLIC), "traefik")


# One input per catalogue rule, so that every ING rule is known to fire (services included).
SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations: {%s}\nspec:\n  type: LoadBalancer\n%s"
RULE_EXAMPLES = {
    "ING-001": ingress(PUBLIC), "ING-002": ingress({A + "scheme": "internal"}),
    "ING-003": ingress({A + "certificate-arn": "arn:aws:acm:r:1:certificate/x"}),
    "ING-004": ingress({A + "wafv2-acl-arn": "arn"}), "ING-005": ingress({A + "group.name": "g"}),
    "ING-006": ingress({A + "target-type": "ip"}), "ING-007": ingress({**PUBLIC, **ACTIONS}, ACTION_PATHS),
    "ING-008": ingress({A + "auth-type": "oidc"}), "ING-009": ingress({A + "ssl-policy": "p"}),
    "ING-010": ingress({A + "healthcheck-path": "/"}), "ING-011": CLASSES.split("---")[0],
    "ING-012": "apiVersion: elbv2.k8s.aws/v1beta1\nkind: IngressClassParams\nmetadata: {name: p}",
    "ING-013": "apiVersion: elbv2.k8s.aws/v1beta1\nkind: TargetGroupBinding\nmetadata: {name: b}",
    "ING-014": "apiVersion: elbv2.k8s.aws/v1beta1\nkind: ALBTargetControlConfig\nmetadata: {name: c}",
    "ING-015": ingress({A + "made-up": "1"}),
    "ING-016": SVC % ("", "  loadBalancerClass: service.k8s.aws/nlb\n"),
    "ING-017": SVC % ("service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn", ""),
    "ING-018": SVC % ("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: '*'", ""),
    "ING-019": SVC % ("service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: '60'", ""),
    "ING-020": SVC % ("alb.ingress.kubernetes.io/healthcheck-path: /", ""),
    "ING-021": ingress({}),
}


@pytest.mark.parametrize("rule_id", sorted(r for r in catalogue() if r.startswith("ING-")))
def test_every_rule_is_triggered(rule_id):
    assert catalogue()[rule_id].area == "ingress"
    assert rule_id in RULE_EXAMPLES, f"no example input for {rule_id}"
    assert rule_id in rules(run(RULE_EXAMPLES[rule_id], "nginx")[0])


def load_balancing_paths() -> list[Path]:
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    with (CORPUS / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return [CORPUS / r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["category"] == "load-balancing"]


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_load_balancing(target):
    kinds = {"Ingress", "IngressClass", "Service", "TargetGroupBinding", "IngressClassParams"}
    seen = {"alb": 0, "svc": 0}
    for path in load_balancing_paths():
        try:
            objs = load_manifests([path])
        except InputError:
            continue
        ctx = WorkloadContext(options={"ingress": target}, indexes={"ingressClasses": ingress_classes(objs)})
        for obj in (o for o in objs if o.kind in kinds):
            t = translate(obj, ctx)
            assert t is not None, obj.ref()
            if obj.kind == "Ingress" and is_alb_ingress(obj, ctx):
                seen["alb"] += 1
                only_actions = t.outcome == "dropped" and "nothing left to route" in t.findings[-1].message
                assert t.outcome == "translated" or only_actions, f"{path}: {obj.ref()}"
                assert all(not k.startswith(A) for o in t.objects for k in o["metadata"].get("annotations", {}))
            anns = obj.metadata.get("annotations") or {}
            if obj.kind == "Service" and any("aws-load-balancer-" in str(k) for k in anns):
                seen["svc"] += 1
                assert t.outcome == "translated", f"{path}: {obj.ref()}"
    assert seen["alb"] >= 15 and seen["svc"] >= 8
