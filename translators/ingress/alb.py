"""ALB Ingress annotations: reading ``alb.ingress.kubernetes.io/*`` keys and ``actions.<name>`` JSON, and
mapping them to the target ingress controller's annotations (pure: never imports Pulumi).

* :func:`alb_annotation_row` classifies a key, with its per-target counterpart, from
  ``data/alb_ingress_annotations.csv``; :func:`ingress_target` reads the target from ``ctx.options``.
* :func:`parse_action`, :func:`is_https_redirect` and :func:`forward_service` read ``actions.<name>``
  values; :func:`v1_backend` upgrades an extensions/v1beta1 backend.
* :class:`AlbAnnotations` holds the state of one ALB Ingress translation and maps its scheme, listeners,
  certificates, backend protocol, health checks, target group attributes and policies.

Sources: ALB keys, defaults (``scheme`` defaults to ``internal``) and syntax from
kubernetes-sigs/aws-load-balancer-controller ``pkg/annotations/constants.go`` and
``docs/guide/ingress/annotations.md`` (``spec.tls`` hosts drive ACM certificate discovery,
``cert_discovery.md``). Application routing (AKS docs ``app-routing-nginx-configuration.md``,
``app-routing-dns-ssl.md``): class ``webapprouting.kubernetes.azure.com``; a private controller is an
``NginxIngressController`` whose ``loadBalancerAnnotations`` make its Service internal; Key Vault TLS is
the annotation ``kubernetes.azure.com/tls-cert-keyvault-uri`` with ``spec.tls[].secretName:
keyvault-<ingress>``. AGIC: class ``azure-application-gateway`` and ``appgw.ingress.kubernetes.io/*``
(Azure/application-gateway-kubernetes-ingress ``pkg/annotations/ingress_annotations.go``).
ingress-nginx: ``nginx.ingress.kubernetes.io/*`` (its annotations guide).

The translators are in :mod:`translators.ingress.translate`.
"""
from __future__ import annotations

import json
import re
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, WorkloadContext, add_finding
from translators.ingress.loadbalancer import ALB_PREFIX, lookup_annotation, string_map
from translators.shapes import as_list

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


def annotations_of(obj: dict[str, Any]) -> dict[str, str]:
    """``metadata.annotations`` of a raw object as ``{str: str}`` (a null value → ``""``); ``{}`` if absent."""
    md = obj.get("metadata")
    anns = md.get("annotations") if isinstance(md, dict) else None
    return {str(k): "" if v is None else str(v) for k, v in anns.items()} if isinstance(anns, dict) else {}


def _lower_keys(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k).lower(): _lower_keys(x) for k, x in v.items()}
    return [_lower_keys(x) for x in v] if isinstance(v, list) else v


def parse_action(raw: str) -> dict[str, Any]:
    """An ``actions.<name>`` JSON value with keys lower-cased (v1 wrote ``Type``/``RedirectConfig``);
    ``{"type": "unreadable"}`` when it is not a JSON object."""
    try:
        data = _lower_keys(json.loads(raw))
    except ValueError:
        return {"type": "unreadable"}
    return data if isinstance(data, dict) else {"type": "unreadable"}


def is_https_redirect(action: dict[str, Any]) -> bool:
    """Whether a parsed action (:func:`parse_action`) is a ``redirect`` to HTTPS keeping host and path
    (``#{host}``/``#{path}``, the controller's defaults), i.e. what an SSL redirect annotation does."""
    rc = action.get("redirectconfig")
    rc = rc if isinstance(rc, dict) else {}
    return (action.get("type") == "redirect" and str(rc.get("protocol", "")).upper() == "HTTPS"
            and str(rc.get("host", "#{host}")) == "#{host}" and str(rc.get("path", "#{path}")) == "#{path}")


def forward_service(action: dict[str, Any]) -> dict[str, Any] | None:
    """The one Service a forward action sends everything to, as a v1 backend, else ``None``."""
    fc = action.get("forwardconfig")
    groups = (fc.get("targetgroups") if isinstance(fc, dict) else None) or []
    if action.get("type") != "forward" or len(groups) != 1 or not isinstance(groups[0], dict) \
            or not groups[0].get("servicename"):
        return None
    port = groups[0].get("serviceport")
    key = "number" if isinstance(port, int) or str(port).isdigit() else "name"
    return {"service": {"name": groups[0]["servicename"], "port": {key: int(port) if key == "number" else port}}}


def v1_backend(backend: Any) -> Any:
    """extensions/v1beta1 ``serviceName``/``servicePort`` → networking.k8s.io/v1 ``service``."""
    if not isinstance(backend, dict) or "serviceName" not in backend:
        return backend
    port = backend.get("servicePort")
    key = "number" if isinstance(port, int) else "name"
    return {"service": {"name": backend["serviceName"], "port": {key: port}}}


def internal_controller() -> dict[str, Any]:
    """The application routing ``NginxIngressController`` serving class ``nginx-internal`` from a
    private IP (one object, identical for every internal Ingress)."""
    return {"apiVersion": "approuting.kubernetes.azure.com/v1alpha1", "kind": "NginxIngressController",
            "metadata": {"name": INTERNAL_CLASS},
            "spec": {"ingressClassName": INTERNAL_CLASS, "controllerNamePrefix": INTERNAL_CLASS,
                     "loadBalancerAnnotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}}}


class AlbAnnotations:
    """State of one ALB Ingress translation (kept small: one method per concern) and the steps that map its
    ``alb.ingress.kubernetes.io/*`` keys (``self.alb``, prefix stripped) to the target's annotations
    (``self.new``), findings, extra objects and the keys with no meaning on the target (``self.not_applicable``).
    The Ingress copy being rewritten is ``self.out``; :mod:`translators.ingress.translate` adds the routes and the run."""

    def __init__(self, obj: K8sObject, ctx: WorkloadContext) -> None:
        self.obj, self.ctx, self.target = obj, ctx, ingress_target(ctx)
        self.out = obj.copy()
        for part in ("metadata", "spec"):
            self.out[part] = self.out[part] if isinstance(self.out.get(part), dict) else {}
        self.anns = annotations_of(obj.obj)
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
        """Add finding ``rule`` located at the ALB annotation ``keys[0]`` (else at ``metadata``)."""
        path = ("metadata", "annotations", ALB_PREFIX + keys[0]) if keys else ("metadata",)
        add_finding(self.findings, rule, f"{self.obj.ref()}: {msg}", self.obj, *path, severity=severity)

    def col(self, key: str) -> str:
        """The target's counterpart of ALB key ``key`` (its column in ``alb_ingress_annotations.csv``), or ``""``."""
        row = alb_annotation_row(ALB_PREFIX + key) or {}
        return row.get(self.target, "")

    def take(self, *keys: str) -> list[str]:
        """The ``keys`` the Ingress carries, marked handled (so :meth:`generic` skips them)."""
        present = [k for k in keys if k in self.alb]
        self.done.update(present)
        return present

    def scheme(self) -> None:
        """``scheme`` (default ``internal``) → an internal class, private frontend IP or a finding."""
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

    def listeners(self) -> dict[str, dict[str, Any]]:
        """``listen-ports``, ``ssl-redirect`` and redirect actions → the target's SSL redirect; returns the
        parsed ``actions.<name>`` values by name (for the routes)."""
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
        actions = {k[len("actions."):]: parse_action(v) for k, v in self.alb.items() if k.startswith("actions.")}
        self.done.update("actions." + a for a in actions)
        redirect = redirect or any(is_https_redirect(a) for a in actions.values())
        if redirect:
            self.new[self.col("ssl-redirect")] = "true"
        return actions

    def certificates(self) -> None:
        """``certificate-arn`` or ACM discovery by ``spec.tls`` hosts → a Key Vault certificate reference."""
        arns = [a.strip() for k in self.take("certificate-arn") for a in self.alb[k].split(",") if a.strip()]
        spec = self.out["spec"]
        tls = as_list(spec.get("tls"))
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
        """``backend-protocol`` and ``backend-protocol-version`` → the target's backend protocol."""
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
        """Health check keys → AGIC health probe annotations, else a readinessProbe finding."""
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
        """``target-group-attributes``: stickiness and deregistration delay → the target's affinity and
        connection draining; the rest → a finding."""
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
        """WAF, authentication, IngressGroup and ``ip-address-type`` keys → findings."""
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
        """Every key no other step took, by its ``alb_ingress_annotations.csv`` class: carried over to its
        target counterpart, not applicable, or a finding."""
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
