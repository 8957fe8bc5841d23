"""ALB Ingresses and IngressClasses → an AKS ingress controller.

Pure translation (no Pulumi). The target comes from ``ctx.options["ingress"]``:
``approuting`` (AKS application routing add-on, the default), ``agic`` or ``nginx``. The
``elbv2.k8s.aws`` resources are handled by :func:`translators.ingress.loadbalancer.translate_elbv2`; the
``alb.ingress.kubernetes.io/*`` annotations are read and mapped to the target's by
:mod:`translators.ingress.alb`. This module decides which Ingresses are ALB ones, rewrites their routes
and class, and drops the ALB IngressClasses.

Sources: kubernetes-sigs/aws-load-balancer-controller ``docs/guide/ingress/annotations.md``
(``actions.<name>`` pairs with a path whose backend port name is ``use-annotation``;
ImplementationSpecific paths take ``*``/``?`` wildcards). Target classes: application routing
``webapprouting.kubernetes.azure.com`` (AKS docs ``app-routing-nginx-configuration.md``), AGIC
``azure-application-gateway`` (Azure/application-gateway-kubernetes-ingress), ingress-nginx ``nginx``.
"""
from __future__ import annotations

import re
from typing import Any
from collections.abc import Iterable

from translators.findings import Findings
from translators.ingress.alb import (TARGET_CLASSES, AlbAnnotations, annotations_of, forward_service, ingress_target,
                          is_https_redirect, v1_backend)
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from translators.ingress.loadbalancer import ALB_PREFIX, translate_elbv2
from translators.shapes import as_dict

ALB_CONTROLLER = "ingress.k8s.aws/alb"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
USE_ANNOTATION = "use-annotation"
_PREFIX_WILDCARD = re.compile(r"[^*?]*/\*")  # /api/* : a Prefix path


def ingress_classes(objects: Iterable[K8sObject]) -> dict[str, str]:
    """IngressClass name → ``spec.controller`` for the estate; pass it as
    ``ctx.indexes["ingressClasses"]`` so Ingresses of custom ALB classes are recognised."""
    return {o.name: str((o.obj.get("spec") or {}).get("controller", "")) for o in objects
            if o.kind == "IngressClass" and isinstance(o.obj.get("spec"), dict)}


def prepare(objects: Iterable[K8sObject], ctx: WorkloadContext) -> None:
    """Store :func:`ingress_classes` of the estate in ``ctx.indexes["ingressClasses"]`` and the names of the AWS
    Load Balancer Controller's classes in ``ctx.ingress_classes``."""
    classes = ingress_classes(objects)
    ctx.indexes["ingressClasses"] = classes
    ctx.ingress_classes = {n for n, c in classes.items() if c == ALB_CONTROLLER}


def is_alb_ingress(obj: K8sObject, ctx: WorkloadContext) -> bool:
    """ALB if its class is ``alb`` or an IngressClass of controller ``ingress.k8s.aws/alb``; an Ingress
    of an unknown (or no) class counts as ALB when it carries ``alb.ingress.kubernetes.io/*`` keys."""
    spec = as_dict(obj.obj.get("spec"))
    anns = annotations_of(obj.obj)
    cls = spec.get("ingressClassName") or anns.get(CLASS_ANNOTATION)
    cls = None if cls is None else str(cls)
    known = ctx.indexes.get("ingressClasses") or {}
    if cls in known:
        return known[cls] == ALB_CONTROLLER
    return cls == "alb" or any(k.startswith(ALB_PREFIX) for k in anns)


class _IngressJob(AlbAnnotations):
    """One ALB Ingress translation: the annotation steps of :class:`AlbAnnotations`, then the routes
    (``actions.<name>`` backends, v1beta1 backends, ALB wildcards) and the rewritten Ingress."""

    def routes(self, actions: dict[str, dict[str, Any]]) -> None:
        """Backends naming an ``actions.<name>`` (port ``use-annotation``) → the forwarded Service, or the path
        removed (an HTTPS redirect is the target's SSL redirect); v1beta1 backends upgraded; paths rewritten."""
        spec = self.out["spec"]
        used: set[str] = set()

        def resolve(backend: Any, where: tuple) -> Any:
            svc = as_dict(backend.get("service") if isinstance(backend, dict) else None)
            port = svc.get("port")
            if not isinstance(port, dict) or port.get("name") != USE_ANNOTATION:
                return backend
            name: Any = svc.get("name")  # as written (None when missing: no such action)
            used.add(name)
            action = actions.get(name, {"type": "missing"})
            if is_https_redirect(action):
                return None
            forward = forward_service(action)
            if forward is None:
                self.removed += 1
                add_finding(self.findings, "ING-007", f"{self.obj.ref()}: path served by ALB action {name!r} "
                            f"(type {action.get('type')}) removed", self.obj, *where)
            return forward

        if "backend" in spec:
            spec["defaultBackend"] = spec.pop("backend")
        if "defaultBackend" in spec:
            spec["defaultBackend"] = resolve(v1_backend(spec["defaultBackend"]), ("spec",))
            if spec["defaultBackend"] is None:
                del spec["defaultBackend"]
        rules = []
        for i, rule in enumerate(spec.get("rules") or []):
            http = as_dict(rule.get("http") if isinstance(rule, dict) else None)
            paths = http.get("paths")
            if not isinstance(paths, list):
                rules.append(rule)
                continue
            kept = []
            for j, p in enumerate(paths):
                if not isinstance(p, dict):
                    kept.append(p)
                    continue
                backend = resolve(v1_backend(p.get("backend")), ("spec", "rules", i, "http", "paths", j))
                if backend is not None:
                    kept.append(self.path(dict(p, backend=backend), ("spec", "rules", i, "http", "paths", j)))
            if kept:
                rules.append(dict(rule, http=dict(http, paths=kept)))
        if "rules" in spec:
            spec["rules"] = rules
        for name in sorted(set(actions) - used):
            self.not_applicable.append(f"actions.{name} (no path uses it)")
        for key in sorted(k for k in self.alb if k.startswith("conditions.")):
            self.done.add(key)
            self.find("ING-007", f"{key}: extra match conditions are not applied, so the path matches more "
                      "requests", key)

    def path(self, p: dict[str, Any], where: tuple) -> dict[str, Any]:
        """ALB wildcards (``/api/*``) on ImplementationSpecific paths → Prefix paths for nginx targets."""
        path, ptype = str(p.get("path", "")), p.get("pathType", "ImplementationSpecific")
        p.setdefault("pathType", ptype)
        if ptype != "ImplementationSpecific" or not ("*" in path or "?" in path) or not self.nginx_like:
            return p
        if _PREFIX_WILDCARD.fullmatch(path):
            return dict(p, path=path[:-2] or "/", pathType="Prefix")
        add_finding(self.findings, "ING-009", f"{self.obj.ref()}: ALB wildcard path {path!r} has no ingress-nginx "
                    "equivalent without use-regex; rewrite it", self.obj, *where)
        return p

    def run(self) -> Translation:
        self.scheme()
        self.routes(self.listeners())
        self.certificates()
        self.protocol()
        self.health()
        self.target_groups()
        self.policies()
        self.generic()
        if self.not_applicable:
            self.find("ING-006", f"removed {ALB_PREFIX} settings: " + ", ".join(self.not_applicable),
                      *[k for k in self.not_applicable if k in self.alb][:1])
        md, spec = self.out["metadata"], self.out["spec"]
        old = as_dict(md.get("annotations"))
        keep = {k: v for k, v in old.items() if not str(k).startswith(ALB_PREFIX) and k != CLASS_ANNOTATION}
        keep.update(self.new)
        md.pop("annotations", None)
        if keep:
            md["annotations"] = keep
        self.out["apiVersion"] = "networking.k8s.io/v1"
        spec["ingressClassName"] = self.cls
        if self.removed and not spec.get("rules") and not spec.get("defaultBackend"):
            self.find("ING-007", "every path was an ALB action; nothing left to route", severity="high")
            return Translation("dropped", findings=self.findings)
        request = {"approuting": "appRouting", "agic": "ingressApplicationGateway"}.get(self.target)
        if request:
            self.ctx.cluster_requests.add(request)
        self.find("ING-001", f"ALB Ingress → {self.target} (ingressClassName {self.cls})")
        return Translation("translated", [self.out, *self.extra], self.findings)


@handles("Ingress")
def translate_ingress(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Ingress of the ALB class → the target controller's Ingress; other classes pass through."""
    if obj.kind != "Ingress" or obj.group not in ("networking.k8s.io", "extensions"):
        return None
    if not is_alb_ingress(obj, ctx):
        return Translation("passthrough", [obj.obj])
    return _IngressJob(obj, ctx).run()


@handles("IngressClass")
def translate_ingress_class(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """IngressClass of controller ``ingress.k8s.aws/alb`` → dropped (the target ships its own)."""
    if obj.kind != "IngressClass" or obj.group != "networking.k8s.io":
        return None
    spec = as_dict(obj.obj.get("spec"))
    if spec.get("controller") != ALB_CONTROLLER:
        return Translation("passthrough", [obj.obj])
    findings, params = Findings(), spec.get("parameters")
    extra = f"; its parameters {params.get('name')} are dropped too" if isinstance(params, dict) else ""
    add_finding(findings, "ING-011", f"{obj.ref()} (ALB) dropped; Ingresses now use "
                f"{TARGET_CLASSES[ingress_target(ctx)]}{extra}", obj, "spec", "controller")
    return Translation("dropped", findings=findings)


INGRESS_TRANSLATORS: list[Translator] = [translate_ingress, translate_ingress_class, translate_elbv2]
