"""ALB Ingresses and IngressClasses → an AKS ingress controller.

Pure translation (no Pulumi). The target comes from ``ctx.options["ingress"]``:
``approuting`` (AKS application routing add-on, the default), ``agic`` or ``nginx``. The
``elbv2.k8s.aws`` resources are handled by :func:`translators.loadbalancer.translate_elbv2`.

Sources: ALB keys, defaults (``scheme`` defaults to ``internal``) and syntax from
kubernetes-sigs/aws-load-balancer-controller ``pkg/annotations/constants.go`` and
``docs/guide/ingress/annotations.md`` (``actions.<name>`` pairs with a path whose backend port name
is ``use-annotation``; ImplementationSpecific paths take ``*``/``?`` wildcards; ``spec.tls`` hosts
drive ACM certificate discovery, ``cert_discovery.md``); every key is classified, with its
per-target counterpart, in ``data/alb_ingress_annotations.csv``. Application routing (AKS docs
``app-routing-nginx-configuration.md``, ``app-routing-dns-ssl.md``): class
``webapprouting.kubernetes.azure.com``; a private controller is an ``NginxIngressController`` whose
``loadBalancerAnnotations`` make its Service internal; Key Vault TLS is the annotation
``kubernetes.azure.com/tls-cert-keyvault-uri`` with ``spec.tls[].secretName: keyvault-<ingress>``.
AGIC: class ``azure-application-gateway`` and ``appgw.ingress.kubernetes.io/*``
(Azure/application-gateway-kubernetes-ingress ``pkg/annotations/ingress_annotations.go``).
ingress-nginx: ``nginx.ingress.kubernetes.io/*`` (its annotations guide).
"""
from __future__ import annotations

import json
import re
from typing import Any
from collections.abc import Iterable

from .findings import Findings
from .k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from .loadbalancer import ALB_PREFIX, lookup_annotation, string_map, translate_elbv2

ALB_CONTROLLER = "ingress.k8s.aws/alb"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
USE_ANNOTATION = "use-annotation"
TARGET_CLASSES = {"approuting": "webapprouting.kubernetes.azure.com",
                  "agic": "azure-application-gateway", "nginx": "nginx"}
INTERNAL_CLASS = "nginx-internal"  # approuting: class of the internal NginxIngressController we add
KEYVAULT_URI = "kubernetes.azure.com/tls-cert-keyvault-uri"
NGINX = "nginx.ingress.kubernetes.io/"
APPGW = "appgw.ingress.kubernetes.io/"
_HEALTH = ("healthcheck-port", "healthcheck-protocol", "healthcheck-path", "healthcheck-interval-seconds",
           "healthcheck-timeout-seconds", "healthy-threshold-count", "unhealthy-threshold-count", "success-codes")
_WAF = ("wafv2-acl-arn", "wafv2-acl-name", "waf-acl-id", "web-acl-id")
_AUTH = ("auth-type", "auth-idp-cognito", "auth-idp-oidc", "auth-on-unauthenticated-request",
         "auth-scope", "auth-session-cookie", "auth-session-timeout", "jwt-validation")
_PREFIX_WILDCARD = re.compile(r"[^*?]*/\*")  # /api/* : a Prefix path
_NOT_CERT_NAME = re.compile(r"[^A-Za-z0-9-]+")  # characters a Key Vault certificate name cannot hold


def alb_annotation_row(key: str) -> dict[str, str] | None:
    """Classification of an ``alb.ingress.kubernetes.io/*`` key (``alb_ingress_annotations.csv``)."""
    return lookup_annotation("alb_ingress_annotations.csv", key)


def ingress_target(ctx: WorkloadContext) -> str:
    """``ctx.options["ingress"]`` (default ``approuting``). Raises ValueError for other values."""
    target = str(ctx.options.get("ingress") or "approuting").lower()
    if target not in TARGET_CLASSES:
        raise ValueError(f"option ingress={target!r}: expected one of {', '.join(TARGET_CLASSES)}")
    return target


def ingress_classes(objects: Iterable[K8sObject]) -> dict[str, str]:
    """IngressClass name → ``spec.controller`` for the estate; pass it as
    ``ctx.options["ingressClasses"]`` so Ingresses of custom ALB classes are recognised."""
    return {o.name: str((o.obj.get("spec") or {}).get("controller", "")) for o in objects
            if o.kind == "IngressClass" and isinstance(o.obj.get("spec"), dict)}


def prepare(objects: Iterable[K8sObject], ctx: WorkloadContext) -> None:
    """Store :func:`ingress_classes` of the estate in ``ctx.options["ingressClasses"]`` and the names of the AWS
    Load Balancer Controller's classes in ``ctx.ingress_classes``."""
    classes = ingress_classes(objects)
    ctx.options["ingressClasses"] = classes
    ctx.ingress_classes = {n for n, c in classes.items() if c == ALB_CONTROLLER}


def _annotations(obj: dict[str, Any]) -> dict[str, str]:
    md = obj.get("metadata")
    anns = md.get("annotations") if isinstance(md, dict) else None
    return {str(k): "" if v is None else str(v) for k, v in anns.items()} if isinstance(anns, dict) else {}


def is_alb_ingress(obj: K8sObject, ctx: WorkloadContext) -> bool:
    """ALB if its class is ``alb`` or an IngressClass of controller ``ingress.k8s.aws/alb``; an Ingress
    of an unknown (or no) class counts as ALB when it carries ``alb.ingress.kubernetes.io/*`` keys."""
    spec = obj.obj.get("spec") if isinstance(obj.obj.get("spec"), dict) else {}
    anns = _annotations(obj.obj)
    cls = spec.get("ingressClassName") or anns.get(CLASS_ANNOTATION)
    cls = None if cls is None else str(cls)
    known = ctx.options.get("ingressClasses") or {}
    if cls in known:
        return known[cls] == ALB_CONTROLLER
    return cls == "alb" or any(k.startswith(ALB_PREFIX) for k in anns)


def _lower_keys(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k).lower(): _lower_keys(x) for k, x in v.items()}
    return [_lower_keys(x) for x in v] if isinstance(v, list) else v


def _action(raw: str) -> dict[str, Any]:
    """An ``actions.<name>`` JSON value with keys lower-cased (v1 wrote ``Type``/``RedirectConfig``)."""
    try:
        data = _lower_keys(json.loads(raw))
    except ValueError:
        return {"type": "unreadable"}
    return data if isinstance(data, dict) else {"type": "unreadable"}


def _is_https_redirect(action: dict[str, Any]) -> bool:
    rc = action.get("redirectconfig")
    rc = rc if isinstance(rc, dict) else {}
    return (action.get("type") == "redirect" and str(rc.get("protocol", "")).upper() == "HTTPS"
            and str(rc.get("host", "#{host}")) == "#{host}" and str(rc.get("path", "#{path}")) == "#{path}")


def _forward_service(action: dict[str, Any]) -> dict[str, Any] | None:
    """The one Service a forward action sends everything to, as a v1 backend, else ``None``."""
    fc = action.get("forwardconfig")
    groups = (fc.get("targetgroups") if isinstance(fc, dict) else None) or []
    if action.get("type") != "forward" or len(groups) != 1 or not isinstance(groups[0], dict) \
            or not groups[0].get("servicename"):
        return None
    port = groups[0].get("serviceport")
    key = "number" if isinstance(port, int) or str(port).isdigit() else "name"
    return {"service": {"name": groups[0]["servicename"], "port": {key: int(port) if key == "number" else port}}}


def internal_controller() -> dict[str, Any]:
    """The application routing ``NginxIngressController`` serving class ``nginx-internal`` from a
    private IP (one object, identical for every internal Ingress)."""
    return {"apiVersion": "approuting.kubernetes.azure.com/v1alpha1", "kind": "NginxIngressController",
            "metadata": {"name": INTERNAL_CLASS},
            "spec": {"ingressClassName": INTERNAL_CLASS, "controllerNamePrefix": INTERNAL_CLASS,
                     "loadBalancerAnnotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}}}


def _v1_backend(backend: Any) -> Any:
    """extensions/v1beta1 ``serviceName``/``servicePort`` → networking.k8s.io/v1 ``service``."""
    if not isinstance(backend, dict) or "serviceName" not in backend:
        return backend
    port = backend.get("servicePort")
    key = "number" if isinstance(port, int) else "name"
    return {"service": {"name": backend["serviceName"], "port": {key: port}}}


class _IngressJob:
    """State of one ALB Ingress translation (kept small: one method per concern)."""

    def __init__(self, obj: K8sObject, ctx: WorkloadContext) -> None:
        self.obj, self.ctx, self.target = obj, ctx, ingress_target(ctx)
        self.out = obj.copy()
        for part in ("metadata", "spec"):
            self.out[part] = self.out[part] if isinstance(self.out.get(part), dict) else {}
        self.anns = _annotations(obj.obj)
        self.alb = {k[len(ALB_PREFIX):]: v for k, v in self.anns.items() if k.startswith(ALB_PREFIX)}
        self.new: dict[str, str] = {}
        self.findings = Findings()
        self.extra: list[dict[str, Any]] = []
        self.not_applicable: list[str] = []
        self.done: set[str] = set()
        self.removed = 0  # paths removed because an ALB action served them
        self.cls = TARGET_CLASSES[self.target]
        self.nginx_like = self.target in ("approuting", "nginx")

    def find(self, rule: str, msg: str, *keys: str, severity: str | None = None) -> None:
        path = ("metadata", "annotations", ALB_PREFIX + keys[0]) if keys else ("metadata",)
        add_finding(self.findings, rule, f"{self.obj.ref()}: {msg}", self.obj, *path, severity=severity)

    def col(self, key: str) -> str:
        row = alb_annotation_row(ALB_PREFIX + key) or {}
        return row.get(self.target, "")

    def take(self, *keys: str) -> list[str]:
        present = [k for k in keys if k in self.alb]
        self.done.update(present)
        return present

    def scheme(self) -> None:
        self.take("scheme")
        value = self.alb.get("scheme", "").strip().lower()
        if not value:
            self.find("ING-021", "no alb.ingress.kubernetes.io/scheme, so the ALB was internal")
        if value not in ("", "internal"):
            return
        at = ["scheme"] if value else []
        if self.target == "approuting":
            self.cls = INTERNAL_CLASS
            self.extra.append(internal_controller())
            self.find("ING-002", f"internal ALB → class {INTERNAL_CLASS} of an internal NginxIngressController "
                      "(added to the plan)", *at, severity="info")
        elif self.target == "agic":
            self.new[APPGW + "use-private-ip"] = "true"
            self.find("ING-002", "internal ALB → use-private-ip; the Application Gateway needs a private "
                      "frontend IP", *at, severity="low")
        else:
            self.find("ING-002", "internal ALB: the ingress-nginx controller Service must be internal", *at)

    def listeners(self) -> None:
        redirect = bool(self.take("ssl-redirect"))
        for key in self.take("listen-ports"):
            try:
                ports = [(str(p).upper(), n) for item in json.loads(self.alb[key]) for p, n in item.items()]
            except (ValueError, AttributeError, TypeError):
                self.find("ING-009", f"listen-ports {self.alb[key]!r} is not readable JSON", key)
                continue
            odd = [f"{p}:{n}" for p, n in ports if (p, n) not in (("HTTP", 80), ("HTTPS", 443))]
            redirect = redirect or ("HTTPS" in dict(ports) and "HTTP" not in dict(ports))
            if odd:
                hint = "override-frontend-port" if self.target == "agic" else "ports 80/443 only"
                self.find("ING-009", f"ALB listened on {', '.join(odd)}; the target uses {hint}", key)
        actions = {k[len("actions."):]: _action(v) for k, v in self.alb.items() if k.startswith("actions.")}
        self.done.update("actions." + a for a in actions)
        redirect = redirect or any(_is_https_redirect(a) for a in actions.values())
        if redirect:
            self.new[self.col("ssl-redirect")] = "true"
        self.routes(actions)

    def routes(self, actions: dict[str, dict[str, Any]]) -> None:
        spec = self.out["spec"]
        used: set[str] = set()

        def resolve(backend: Any, where: tuple) -> Any:
            svc = backend.get("service") if isinstance(backend, dict) else None
            port = svc.get("port") if isinstance(svc, dict) else None
            if not isinstance(port, dict) or port.get("name") != USE_ANNOTATION:
                return backend
            name = svc.get("name")
            used.add(name)
            action = actions.get(name, {"type": "missing"})
            if _is_https_redirect(action):
                return None
            forward = _forward_service(action)
            if forward is None:
                self.removed += 1
                add_finding(self.findings, "ING-007", f"{self.obj.ref()}: path served by ALB action {name!r} "
                            f"(type {action.get('type')}) removed", self.obj, *where)
            return forward

        if "backend" in spec:
            spec["defaultBackend"] = spec.pop("backend")
        if "defaultBackend" in spec:
            spec["defaultBackend"] = resolve(_v1_backend(spec["defaultBackend"]), ("spec",))
            if spec["defaultBackend"] is None:
                del spec["defaultBackend"]
        rules = []
        for i, rule in enumerate(spec.get("rules") or []):
            http = rule.get("http") if isinstance(rule, dict) else None
            paths = http.get("paths") if isinstance(http, dict) else None
            if not isinstance(paths, list):
                rules.append(rule)
                continue
            kept = []
            for j, p in enumerate(paths):
                if not isinstance(p, dict):
                    kept.append(p)
                    continue
                backend = resolve(_v1_backend(p.get("backend")), ("spec", "rules", i, "http", "paths", j))
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

    def certificates(self) -> None:
        arns = [a.strip() for k in self.take("certificate-arn") for a in self.alb[k].split(",") if a.strip()]
        spec = self.out["spec"]
        tls = spec.get("tls") if isinstance(spec.get("tls"), list) else []
        for key in self.take("create-acm-cert", "acm-pca-arn"):
            self.find("ING-003", f"{key}: issue the certificate in Key Vault or with cert-manager", key)
        if not arns and not tls:
            return
        hosts = [h for t in tls if isinstance(t, dict) and isinstance(t.get("hosts"), list) for h in t["hosts"]]
        hosts = hosts or [r["host"] for r in spec.get("rules") or [] if isinstance(r, dict) and r.get("host")]
        ident = arns[0].rsplit("/", 1)[-1] if arns else (hosts[0] if hosts else self.obj.name)
        cert = _NOT_CERT_NAME.sub("-", ("acm-" if arns else "") + str(ident)).strip("-")[:127] or "ingress"
        name = self.obj.name or "ingress"
        tls_entry = {"hosts": hosts} if hosts else {}
        if self.target == "approuting":
            self.new[KEYVAULT_URI] = f"https://{self.ctx.key_vault_name}.vault.azure.net/certificates/{cert}"
            spec["tls"] = [dict(tls_entry, secretName=f"keyvault-{name}")]
        elif self.target == "agic":
            self.new[APPGW + "appgw-ssl-certificate"] = cert
            spec.pop("tls", None)
        else:
            spec["tls"] = [dict(tls_entry, secretName=f"{name}-tls")]
        source = f"certificate-arn {', '.join(arns)}" if arns else "ACM certificate discovered by spec.tls hosts"
        self.find("ING-003", f"{source}: import it into Key Vault {self.ctx.key_vault_name} as {cert!r} "
                  "(placeholder reference set)", *(["certificate-arn"] if arns else []))

    def protocol(self) -> None:
        proto = self.alb.get("backend-protocol", "").upper()
        version = self.alb.get("backend-protocol-version", "").upper()
        self.take("backend-protocol", "backend-protocol-version")
        if proto in ("HTTP", "HTTPS"):
            self.new[self.col("backend-protocol")] = proto.lower() if self.target == "agic" else proto
        if version == "GRPC" and self.nginx_like:
            self.new[NGINX + "backend-protocol"] = "GRPCS" if proto == "HTTPS" else "GRPC"
        elif version in ("GRPC", "HTTP2"):
            self.find("ING-009", f"backend-protocol-version {version}: no equivalent on {self.target}; check "
                      "the backend speaks HTTP/1.1 or use a controller with gRPC support", "backend-protocol-version")

    def health(self) -> None:
        keys = self.take(*_HEALTH)
        if not keys:
            return
        if self.target != "agic":
            shown = ", ".join(f"{k}={self.alb[k]}" for k in keys)
            self.find("ING-010", f"ALB health check ({shown}) → add a readinessProbe to the pods", keys[0])
            return
        for k in keys:
            target, value = self.col(k), self.alb[k]
            if target and value != "traffic-port":
                self.new[target] = value
            elif not target:
                self.not_applicable.append(k)

    def target_groups(self) -> None:
        for key in self.take("target-group-attributes"):
            attrs = string_map(self.alb[key])
            if attrs.pop("stickiness.enabled", "").lower() == "true":
                self.new[self.col(key)] = "cookie" if self.nginx_like else "true"
                attrs.pop("stickiness.type", None)
                age = attrs.pop("stickiness.lb_cookie.duration_seconds", None)
                if age and self.nginx_like:
                    self.new[NGINX + "session-cookie-max-age"] = age
            delay = attrs.pop("deregistration_delay.timeout_seconds", None)
            if delay and self.target == "agic":
                self.new.update({APPGW + "connection-draining": "true", APPGW + "connection-draining-timeout": delay})
            elif delay:
                attrs["deregistration_delay.timeout_seconds"] = delay
            if attrs:
                rest = ", ".join(f"{k}={v}" for k, v in attrs.items())
                self.find("ING-009", f"target group attributes {rest} not carried over (deregistration delay: "
                          "preStop hook; algorithm: nginx load-balance)", key)

    def policies(self) -> None:
        waf = self.take(*_WAF)
        if waf:
            self.find("ING-004", "AWS WAF " + ", ".join(f"{k}={self.alb[k]}" for k in waf)
                      + " → Azure WAF on Application Gateway or Front Door", waf[0])
        auth = self.take(*_AUTH)
        if auth:
            self.find("ING-008", f"ALB authentication ({', '.join(auth)}) removed", auth[0])
        for key in self.take("group.name"):
            self.find("ING-005", f"IngressGroup {self.alb[key]!r} dropped", key)
        for key in self.take("ip-address-type"):
            if self.alb[key].lower() == "ipv4":
                self.not_applicable.append(key)
            else:
                self.find("ING-009", f"{key}={self.alb[key]}: needs a dual-stack cluster and controller", key)

    def generic(self) -> None:
        for key in sorted(set(self.alb) - self.done):
            row, value = alb_annotation_row(ALB_PREFIX + key), self.alb[key]
            if row is None:
                self.find("ING-015", f"unknown annotation {ALB_PREFIX}{key} removed", key)
            elif row["class"] == "not-applicable":
                self.not_applicable.append(key)
            elif row["class"] == "translated" and row[self.target]:
                self.new[row[self.target]] = value
            else:
                where = f" (set {row[self.target]})" if row[self.target] else ""
                self.find("ING-009", f"{key}={value[:80]}: {row['note']}{where}", key)

    def run(self) -> Translation:
        self.scheme()
        self.listeners()
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
        old = md.get("annotations") if isinstance(md.get("annotations"), dict) else {}
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
    spec = obj.obj.get("spec") if isinstance(obj.obj.get("spec"), dict) else {}
    if spec.get("controller") != ALB_CONTROLLER:
        return Translation("passthrough", [obj.obj])
    findings, params = Findings(), spec.get("parameters")
    extra = f"; its parameters {params.get('name')} are dropped too" if isinstance(params, dict) else ""
    add_finding(findings, "ING-011", f"{obj.ref()} (ALB) dropped; Ingresses now use "
                f"{TARGET_CLASSES[ingress_target(ctx)]}{extra}", obj, "spec", "controller")
    return Translation("dropped", findings=findings)


INGRESS_TRANSLATORS: list[Translator] = [translate_ingress, translate_ingress_class, translate_elbv2]
