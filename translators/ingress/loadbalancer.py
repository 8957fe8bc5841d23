"""Services behind AWS load balancers (NLB/CLB) → Services behind the AKS Standard Load Balancer;
AWS Load Balancer Controller resources (``elbv2.k8s.aws``) → dropped with findings.

Pure translation (no Pulumi). Also holds the annotation-table lookup shared with
:mod:`translators.ingress.translate`. ``service.beta.kubernetes.io/aws-load-balancer-*`` annotations (also
spelled ``service.kubernetes.io/...``) become ``service.beta.kubernetes.io/azure-*`` ones, each key
classified in ``data/aws_lb_service_annotations.csv``; ``spec.loadBalancerSourceRanges`` is kept.

Sources of the facts used here:

* AWS keys and defaults: kubernetes-sigs/aws-load-balancer-controller ``pkg/annotations/constants.go``
  and ``docs/guide/service/annotations.md`` (a Service the controller manages, i.e.
  ``aws-load-balancer-type`` ``external``/``nlb-ip`` or ``spec.loadBalancerClass``
  ``service.k8s.aws/nlb``, gets an *internal* NLB unless ``aws-load-balancer-scheme`` says
  otherwise); the in-tree/cloud-provider-aws keys (``aws-load-balancer-internal``, idle timeout in
  seconds) from ``pkg/providers/v1/aws.go``. ``eks.amazonaws.com/nlb`` is EKS Auto Mode's class.
* Azure keys and units: kubernetes-sigs/cloud-provider-azure ``pkg/consts/consts.go``
  (``azure-load-balancer-tcp-idle-timeout`` in minutes, 4–100 per the Azure Load Balancer limits;
  health probe protocol/request-path/interval/num-of-probe; ``port_<port>_health-probe_port``;
  ``azure-pip-tags``). The Azure cloud provider only reconciles Services without
  ``spec.loadBalancerClass``; Azure Load Balancer is layer 4 (no TLS termination, no PROXY header).
"""
from __future__ import annotations

import json
import math
from functools import cache

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from translators.refdata import read_table
from translators.shapes import as_dict

TABLE = "aws_lb_service_annotations.csv"
ALB_PREFIX = "alb.ingress.kubernetes.io/"
AWS_PREFIXES = ("service.beta.kubernetes.io/aws-load-balancer-", "service.kubernetes.io/aws-load-balancer-")
BETA = "service.beta.kubernetes.io/"
AZ = BETA + "azure-load-balancer-"
AWS_LB_CLASSES = ("service.k8s.aws/nlb", "eks.amazonaws.com/nlb")
LBC_TYPES = ("external", "nlb-ip")
IDLE_MIN, IDLE_MAX = 4, 100  # Azure Load Balancer TCP idle timeout, minutes
PROBE_BUDGET = 120  # cloud-provider-azure: interval x num-of-probe must stay within 120 seconds
_TLS = ("ssl-cert", "ssl-ports", "ssl-negotiation-policy", "alpn-policy")
_PROXY = ("proxy-protocol", "proxy-protocol-per-target-group")


@cache
def annotation_table(name: str) -> tuple[dict[str, dict[str, str]], tuple[tuple[str, dict[str, str]], ...]]:
    """``data/<name>`` as (exact key → row, ((prefix, row), ...) for keys ending in ``*``)."""
    exact, wild = {}, []
    for row in read_table(name):
        key = row["annotation"]
        if key.endswith("*"):
            wild.append((key[:-1], row))
        else:
            exact[key] = row
    return exact, tuple(sorted(wild, key=lambda w: -len(w[0])))


def lookup_annotation(name: str, key: str) -> dict[str, str] | None:
    """The row classifying annotation ``key`` in table ``name`` (exact row first), or ``None``."""
    exact, wild = annotation_table(name)
    if key in exact:
        return exact[key]
    return next((row for prefix, row in wild if key.startswith(prefix)), None)


def string_map(value: str) -> dict[str, str]:
    """An AWS ``stringMap`` annotation value ``k1=v1,k2=v2`` as a dict (entries without ``=`` skipped)."""
    return {k.strip(): v.strip() for k, v in (kv.split("=", 1) for kv in value.split(",") if "=" in kv)}


def aws_service_annotation_row(key: str) -> dict[str, str] | None:
    """Classification of an ``aws-load-balancer-*`` Service key (either prefix)."""
    return lookup_annotation(TABLE, BETA + key.split("/", 1)[1] if "/" in key else key)


def idle_timeout_minutes(seconds: str) -> tuple[int, bool]:
    """AWS idle timeout in seconds → Azure minutes (rounded up) and whether it had to be clamped.

    Raises:
        ValueError: the value is not a number.
    """
    value = float(seconds)
    if not math.isfinite(value):
        raise ValueError(f"idle timeout {seconds!r} is not a finite number")
    minutes = math.ceil(value / 60)
    clamped = min(max(minutes, IDLE_MIN), IDLE_MAX)
    return clamped, clamped != minutes


class _ServiceJob:
    def __init__(self, obj: K8sObject, ctx: WorkloadContext) -> None:
        self.obj, self.ctx = obj, ctx
        self.out = obj.copy()
        md = as_dict(self.out.get("metadata"))
        self.out["metadata"] = md
        anns = as_dict(md.get("annotations"))
        self.orig = {str(k): "" if v is None else str(v) for k, v in anns.items()}
        # suffix ("ssl-cert") → original key
        self.keys = {k.split("aws-load-balancer-", 1)[1]: k for k in self.orig if k.startswith(AWS_PREFIXES)}
        self.spec = as_dict(self.out.get("spec"))
        self.new: dict[str, str] = {}
        self.findings = Findings()
        self.done: set[str] = set()
        self.not_applicable: list[str] = []

    def val(self, suffix: str) -> str | None:
        key = self.keys.get(suffix)
        return None if key is None else self.orig[key].strip()

    def find(self, rule: str, msg: str, suffix: str | None = None, *, path: tuple = (),
             severity: str | None = None) -> None:
        if suffix is not None:
            path = ("metadata", "annotations", self.keys[suffix])
        add_finding(self.findings, rule, f"{self.obj.ref()}: {msg}", self.obj, *(path or ("metadata",)),
                    severity=severity)

    def take(self, *suffixes: str) -> list[str]:
        present = [s for s in suffixes if s in self.keys]
        self.done.update(present)
        return present

    def scheme(self) -> bool:
        self.take("scheme", "internal", "type")
        lb_type = (self.val("type") or "").lower()
        if lb_type:
            self.not_applicable.append(f"type={lb_type}")
        scheme, internal = (self.val("scheme") or "").lower(), (self.val("internal") or "").lower()
        if scheme:
            return scheme == "internal"
        if internal:
            return internal in ("true", "0.0.0.0/0")
        if lb_type in LBC_TYPES or self.spec.get("loadBalancerClass") in AWS_LB_CLASSES:
            self.find("ING-021", "no aws-load-balancer-scheme on a Service managed by the AWS Load Balancer "
                      "Controller, so the NLB was internal")
            return True
        return False

    def health(self) -> None:
        mapping = {"healthcheck-path": "health-probe-request-path", "healthcheck-interval": "health-probe-interval",
                   "healthcheck-unhealthy-threshold": "health-probe-num-of-probe"}
        for suffix in self.take(*mapping):
            self.new[AZ + mapping[suffix]] = self.val(suffix) or ""
        for suffix in self.take("healthcheck-protocol"):
            self.new[AZ + "health-probe-protocol"] = (self.val(suffix) or "").lower()
        for suffix in self.take("healthcheck-port"):
            port = self.val(suffix) or ""
            if port.isdigit():
                for p in self.spec.get("ports") or []:
                    if isinstance(p, dict) and p.get("port") is not None:
                        self.new[f"{BETA}port_{p['port']}_health-probe_port"] = port
            elif port != "traffic-port":
                self.find("ING-009", f"health check port {port!r}: set port_<port>_health-probe_port by hand", suffix)
        interval = self.new.get(AZ + "health-probe-interval", "")
        probes = self.new.get(AZ + "health-probe-num-of-probe", "")
        if interval.isdigit() and probes.isdigit() and int(interval) * int(probes) > PROBE_BUDGET:
            self.find("ING-009", f"probe interval {interval}s x {probes} probes exceeds Azure's "
                      f"{PROBE_BUDGET}s budget; lower one of them", "healthcheck-interval")
        for suffix in self.take("healthcheck-success-codes"):
            if self.val(suffix) not in ("200", "200-200"):
                self.find("ING-009", f"success codes {self.val(suffix)}: Azure HTTP probes accept only 200", suffix)

    def idle_timeout(self) -> None:
        for suffix in self.take("connection-idle-timeout"):
            try:
                minutes, clamped = idle_timeout_minutes(self.val(suffix) or "")
            except ValueError:
                self.find("ING-009", f"idle timeout {self.val(suffix)!r} is not a number of seconds", suffix)
                continue
            self.new[AZ + "tcp-idle-timeout"] = str(minutes)
            if clamped:  # rounding up to Azure's minimum only keeps idle connections open longer
                longer = minutes == IDLE_MIN
                self.find("ING-019", f"idle timeout {self.val(suffix)}s → {minutes} minutes", suffix,
                          severity="info" if longer else None)

    def tls_and_proxy(self) -> None:
        tls = self.take(*_TLS)
        if "ssl-cert" in tls:
            ports = self.val("ssl-ports") or "*"
            backend = self.val("backend-protocol")
            self.take("backend-protocol")
            self.find("ING-017", f"the AWS load balancer terminated TLS on ports {ports} with {self.val('ssl-cert')}"
                      + (f" and spoke {backend} to the pods" if backend else ""), "ssl-cert")
        elif tls:
            self.not_applicable.extend(tls)
        for suffix in self.take(*_PROXY):
            self.find("ING-018", f"proxy protocol was enabled ({self.val(suffix)})", suffix)
        for suffix in self.take("target-group-attributes"):
            attrs = string_map(self.val(suffix) or "")
            if attrs.pop("proxy_protocol_v2.enabled", "").lower() == "true":
                self.find("ING-018", "proxy protocol v2 was enabled in the target group attributes", suffix)
            if attrs:
                rest = ", ".join(f"{k}={v}" for k, v in attrs.items())
                self.find("ING-009", f"target group attributes {rest} not carried over (preserve_client_ip → "
                          "externalTrafficPolicy Local; deregistration_delay → preStop hooks)", suffix)

    def rest(self, internal: bool) -> None:
        for suffix in self.take("additional-resource-tags"):
            if internal:
                self.not_applicable.append(f"{suffix} (an internal load balancer has no public IP to tag)")
            else:
                self.new[BETA + "azure-pip-tags"] = self.val(suffix) or ""
        for suffix in self.take("ip-address-type"):
            if (self.val(suffix) or "").lower() == "ipv4":
                self.not_applicable.append(suffix)
            else:
                self.find("ING-009", f"ip-address-type {self.val(suffix)}: needs a dual-stack AKS cluster and "
                          "spec.ipFamilyPolicy", suffix)
        for suffix in sorted(set(self.keys) - self.done):
            row, value = aws_service_annotation_row(self.keys[suffix]), self.val(suffix)
            if row is None:
                self.find("ING-015", f"unknown annotation {self.keys[suffix]} removed", suffix)
            elif row["class"] == "not-applicable":
                self.not_applicable.append(suffix)
            elif row["class"] == "translated" and row["azure"]:
                self.new[row["azure"]] = value or ""
            else:
                where = f" (set {row['azure']})" if row["azure"] else ""
                self.find("ING-009", f"aws-load-balancer-{suffix}={(value or '')[:80]}: {row['note']}{where}", suffix)

    def run(self) -> Translation:
        internal = self.scheme()
        if internal:
            self.new[AZ + "internal"] = "true"
        self.health()
        self.idle_timeout()
        self.tls_and_proxy()
        self.rest(internal)
        alb = sorted(k for k in self.orig if k.startswith(ALB_PREFIX))
        if alb:
            add_finding(self.findings, "ING-020", f"{self.obj.ref()}: {', '.join(alb)} removed", self.obj,
                        "metadata", "annotations", alb[0])
        if self.not_applicable:
            self.find("ING-006", "removed aws-load-balancer- settings: " + ", ".join(self.not_applicable))
        lb_class = self.spec.get("loadBalancerClass")
        if lb_class in AWS_LB_CLASSES:
            del self.spec["loadBalancerClass"]
            self.find("ING-016", f"spec.loadBalancerClass {lb_class} removed", path=("spec", "loadBalancerClass"))
        old = self.out["metadata"].get("annotations")
        keep = {k: v for k, v in (old if isinstance(old, dict) else {}).items()
                if not str(k).startswith(AWS_PREFIXES) and not str(k).startswith(ALB_PREFIX)}
        keep.update(self.new)
        self.out["metadata"].pop("annotations", None)
        if keep:
            self.out["metadata"]["annotations"] = keep
        return Translation("translated", [self.out], self.findings)


@handles("Service")
def translate_service(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """A Service with AWS load balancer annotations or an AWS ``loadBalancerClass`` → the Azure form;
    other Services pass through unchanged."""
    if obj.kind != "Service" or obj.group != "":
        return None
    md = obj.metadata
    anns = as_dict(md.get("annotations"))
    spec = as_dict(obj.obj.get("spec"))
    aws = any(str(k).startswith(AWS_PREFIXES) or str(k).startswith(ALB_PREFIX) for k in anns)
    if not aws and spec.get("loadBalancerClass") not in AWS_LB_CLASSES:
        return Translation("passthrough", [obj.obj])
    return _ServiceJob(obj, ctx).run()


def translate_elbv2(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """``elbv2.k8s.aws`` / ``gateway.k8s.aws`` resources (IngressClassParams, TargetGroupBinding,
    ...) configure the AWS Load Balancer Controller only → dropped with a finding."""
    if obj.group not in ("elbv2.k8s.aws", "gateway.k8s.aws"):
        return None
    findings = Findings()
    spec = as_dict(obj.obj.get("spec"))
    if obj.kind == "IngressClassParams":
        fields = ", ".join(f"{k}={json.dumps(v)[:60]}" for k, v in spec.items()) or "none"
        add_finding(findings, "ING-012", f"{obj.ref()} dropped; it set {fields}", obj, "spec")
    elif obj.kind == "TargetGroupBinding":
        ref = as_dict(spec.get("serviceRef"))
        add_finding(findings, "ING-013", f"{obj.ref()} dropped: Service {ref.get('name', '?')} port "
                    f"{ref.get('port', '?')} was bound to target group {spec.get('targetGroupARN', '?')}",
                    obj, "spec")
    else:
        add_finding(findings, "ING-014", f"{obj.ref()} ({obj.api_version}) dropped", obj)
    return Translation("dropped", findings=findings)


SERVICE_TRANSLATORS: list[Translator] = [translate_service]
