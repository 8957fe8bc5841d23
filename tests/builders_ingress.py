"""Ingress builders shared by the test_ingress* modules: ALB Ingress text, the ingress and load-balancer
translators run for a target, and line and rule look-ups."""
from __future__ import annotations

import textwrap

from translators.ingress.translate import INGRESS_TRANSLATORS
from translators.k8s import K8sObject, Translation, WorkloadContext
from translators.input.manifests import split_objects
from translators.ingress.loadbalancer import SERVICE_TRANSLATORS
from translators.input.yamlsource import load_documents

TARGETS = ("approuting", "agic", "nginx")
CLASS = {"approuting": "webapprouting.kubernetes.azure.com", "agic": "azure-application-gateway", "nginx": "nginx"}


def objects(text: str) -> list[K8sObject]:
    """The objects of a YAML string (dedented)."""
    return [o for d in load_documents(textwrap.dedent(text), "in.yaml") for o in split_objects(d)]


def translate(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """The result of the first ingress or load-balancer translator that claims ``obj``."""
    for tr in [*INGRESS_TRANSLATORS, *SERVICE_TRANSLATORS]:
        result = tr(obj, ctx)
        if result is not None:
            return result
    return None


def run(text: str, target: str = "approuting", **options) -> tuple[Translation, WorkloadContext]:
    """Translate the first object of ``text`` for ``target``; returns ``(translation, ctx)``."""
    ctx = WorkloadContext(key_vault_name="kv-shop", options={"ingress": target, **options})
    result = translate(objects(text)[0], ctx)
    assert result is not None
    return result, ctx


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the dedented ``text`` holding ``needle``."""
    return next(i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line)


def rules(t: Translation) -> list[str]:
    """The rule ids of ``t``'s findings in order."""
    return [f.rule_id for f in t.findings]


def ingress(annotations: dict[str, str], paths: str = "", cls: str = "alb", tls: str = "", cart: bool = True) -> str:
    """An ALB Ingress web/shop with ``annotations``, extra ``paths``, class ``cls``, ``tls`` and a /cart path."""
    anns = "".join(f"\n    {k}: '{v}'" for k, v in annotations.items())
    text = f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: web
  annotations:{anns or ' {}'}
spec:
  ingressClassName: {cls}{tls}
  rules:
  - host: shop.example.org
    http:
      paths:{paths}
      - path: /cart
        pathType: Prefix
        backend:
          service:
            name: cart
            port:
              number: 8080
"""
    return text if cart else text.split("\n      - path: /cart")[0] + "\n"


A = "alb.ingress.kubernetes.io/"
PUBLIC = {A + "scheme": "internet-facing"}
