"""AWS SDK settings in application configuration → findings (pure: never imports Pulumi).

A chained translator over workloads (container ``env``) and ConfigMaps (``data``) that
reports, with file and line, what ties the application to AWS:

* AWS SDK variables (static keys, IRSA / Pod Identity plumbing, region settings) by name;
* AWS endpoints in values: ``*.amazonaws.com`` hosts (S3, SQS, SNS, DynamoDB, RDS, ElastiCache,
  other services), ``s3://`` URIs, ARNs, and the EC2 instance metadata address 169.254.169.254;

each with the Azure replacement from ``data/iam_app_patterns.csv``. Objects are never changed:
the outcome is ``passthrough`` with findings, or ``None`` when nothing is found. Values of
credential variables are never scanned or shown; messages quote only the matched host, URI
scheme or ARN prefix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from collections.abc import Iterator

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, Translator, WorkloadContext, add_finding, handles
from translators.podspec import POD_KINDS, containers
from translators.refdata import read_table

_HOST = re.compile(r"(?<![A-Za-z0-9-])((?:[A-Za-z0-9-]+\.)+amazonaws\.com(?:\.cn)?)(?![A-Za-z0-9-])", re.I)


@dataclass(frozen=True)
class Pattern:
    """One row of ``data/iam_app_patterns.csv``: ``kind`` env/host/value, what it is on AWS and on Azure."""

    kind: str
    regex: re.Pattern[str]
    aws: str
    azure: str
    rule: str


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """All patterns in table order."""
    return tuple(Pattern(r["kind"], re.compile(r["pattern"], re.I), r["aws"], r["azure"], r["rule"])
                 for r in read_table("iam_app_patterns.csv"))


@cache
def _of_kind(kind: str) -> tuple[Pattern, ...]:
    """The patterns of one ``kind`` (env/host/value), in table order."""
    return tuple(p for p in patterns() if p.kind == kind)


@lru_cache(maxsize=4096)
def match_name(name: str) -> Pattern | None:
    """The env-kind pattern whose regex fully matches a variable / ConfigMap key name.

    Cached: workloads repeat the same variable names many times.
    """
    return next((p for p in _of_kind("env") if p.regex.fullmatch(name)), None)


@lru_cache(maxsize=4096)
def _host_pattern(host: str) -> Pattern | None:
    """The first host-kind pattern fully matching a lower-case ``*.amazonaws.com`` host."""
    return next((p for p in _of_kind("host") if p.regex.fullmatch(host)), None)


def scan_value(text: str) -> list[tuple[Pattern, str]]:
    """``(pattern, matched text)`` for each AWS service a value names (one per pattern, in value order).

    Never cached: a value may be a secret (a password in env or a ConfigMap), and a process-wide cache would keep
    it in memory after the translation (measured: caching short values saved nothing at 10,000 objects).
    """
    return _scan(text)


def _scan(text: str) -> list[tuple[Pattern, str]]:
    """:func:`scan_value` without the cache."""
    hits: list[tuple[int, Pattern, str]] = []
    # every host match holds "amazonaws" (any case); skip the scan when an ASCII value lacks it (a non-ASCII one
    # is scanned: Unicode case folding matches more, e.g. "ſ" for "s")
    no_host = text.isascii() and "amazonaws" not in text.lower()
    for m in () if no_host else _HOST.finditer(text):
        before = text[max(m.start() - 2, 0):m.start()]
        if before.endswith("/") and before != "//":
            continue  # a path segment (/var/run/secrets/eks.amazonaws.com/...), not a host
        host = m.group(1).lower()
        p = _host_pattern(host)
        if p:
            hits.append((m.start(), p, host))
    for p in _of_kind("value"):
        m = p.regex.search(text)
        if m:
            hits.append((m.start(), p, m.group(0)))
    if not hits:
        return []
    out: list[tuple[Pattern, str]] = []
    for _, p, hit in sorted(hits, key=lambda h: h[0]):
        if all(q is not p for q, _ in out):
            out.append((p, hit))
    return out


def _entries(obj: K8sObject) -> Iterator[tuple[tuple, str, Any, dict | None]]:
    """``(path, name, value, container)`` of every ConfigMap key (container ``None``) or container env
    variable (see :func:`_label`)."""
    if obj.kind == "ConfigMap" and not obj.group:
        data = obj.obj.get("data")
        for key, value in (data.items() if isinstance(data, dict) else []):
            yield ("data", key), str(key), value, None
        return
    for cpath, c in containers(obj.obj):
        for i, env in enumerate(c.get("env") or []):
            if isinstance(env, dict) and env.get("name"):
                yield cpath + ("env", i), str(env["name"]), env.get("value"), c


def _label(name: str, container: dict | None) -> str:
    """How a finding names the entry: ``key NAME`` or ``container C env NAME``."""
    return f"key {name}" if container is None else f"container {container.get('name', '?')} env {name}"


_ENDPOINT_NAME = re.compile(r"(.*ENDPOINT.*|MINIO_.*(URL|HOST|SERVER).*|S3_(URL|HOST))", re.I)
_AWS_HOST = re.compile(r"(^|\.)amazonaws\.com(\.cn)?$", re.I)


def non_aws_endpoint(entries: list[tuple[str, Any]]) -> str | None:
    """The host of the first endpoint setting (``AWS_ENDPOINT_URL``, ``S3_ENDPOINT``, ``MINIO_*``... by name) whose
    value points at a host that is not AWS (a cluster-local Service such as MinIO, or another provider's
    S3-compatible API), or ``None``. ``entries`` are ``(name, value)``; credentials next to such a setting are that service's keys."""
    from urllib.parse import urlsplit

    for name, value in entries:
        if not isinstance(value, str) or not value.strip() or not _ENDPOINT_NAME.fullmatch(name):
            continue
        text = value.strip()
        try:
            host = urlsplit(text if "//" in text else "//" + text).hostname or ""
        except ValueError:  # not a URL
            continue
        if host and not _AWS_HOST.search(host):
            return host  # only the host: a URL may carry user:password
    return None


@handles("ConfigMap", *POD_KINDS)
def translate_app_config(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """Workload env / ConfigMap data naming AWS SDK settings or endpoints → passthrough with findings.

    Static keys next to an endpoint setting that points at a non-AWS host (MinIO in the cluster, another
    S3-compatible service) are that service's keys, not AWS credentials: SCH-011 (keep them), not APP-001.
    """
    findings = Findings()
    entries = list(_entries(obj))
    endpoint = non_aws_endpoint([(name, value) for _, name, value, _ in entries])
    for path, name, value, container in entries:
        named = match_name(name)
        if named and endpoint and named.rule in ("APP-001", "APP-004"):
            if named.rule == "APP-001":
                at = path + ("name",) if container is not None else path
                add_finding(findings, "SCH-011", f"{obj.ref()} {_label(name, container)}: keys for the non-AWS "
                            f"endpoint {endpoint}; keep them", obj, *at)
            continue  # the endpoint override itself points at that service, not AWS
        if named:
            at = path + ("name",) if container is not None else path
            add_finding(findings, named.rule, f"{obj.ref()} {_label(name, container)}: {named.aws}; "
                        f"use {named.azure}", obj, *at)
            if named.rule == "APP-001":
                continue  # a credential: its value is never read
        if not isinstance(value, str):
            continue
        hits = scan_value(value)
        if hits:
            at = path + ("value",) if container is not None else path
            label = _label(name, container)
            for p, hit in hits:
                add_finding(findings, p.rule, f"{obj.ref()} {label} names {p.aws} ({hit}); use {p.azure}", obj, *at)
    if not findings:
        return None
    return Translation("passthrough", [obj.obj], findings)


APPCONFIG_TRANSLATORS: list[Translator] = [translate_app_config]
