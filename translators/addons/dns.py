"""external-dns and cert-manager on Route 53 → Azure DNS, for :data:`translators.addons.translate.ADDON_TRANSLATORS`.

* external-dns on Route 53 (``--provider=aws``/``aws-sd``) → ``--provider=azure`` (``azure-private-dns`` for
  private zones), an ``azure.json`` Secret and workload identity; ``--aws-*`` flags, ``AWS_*`` env and ``.aws``
  mounts dropped.
* external-dns ``DNSEndpoint`` → its ``aws/*`` provider-specific properties removed.
* cert-manager ``(Cluster)Issuer`` ``route53`` DNS-01 solvers → ``azureDNS`` with a managed identity.

Values from ``ctx.options["dns"]`` (``subscriptionId``, ``resourceGroup``, ``zoneName``,
``certManagerClientId``), else ``${DNS_ZONE_*}`` placeholders (:data:`DNS_DEFAULTS`).
"""
from __future__ import annotations

import json
import re
from typing import Any

from translators.findings import Findings
from translators.k8s import K8sObject, Translation, WorkloadContext, add_finding, handles
from translators.podspec import containers, pod_template
from translators.shapes import as_dict

# kinds add-on workloads (external-dns among them) run as; translators.addons.translate uses them too
WORKLOAD_KINDS = {"Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Pod", "Job", "CronJob"}
EXTERNAL_DNS_IMAGE = re.compile(r"(^|/)external-dns([:@]|$)")
WI_LABEL = "azure.workload.identity/use"
DNS_DEFAULTS = {"subscriptionId": "${DNS_ZONE_SUBSCRIPTION_ID}", "resourceGroup": "${DNS_ZONE_RESOURCE_GROUP}",
                "zoneName": "${DNS_ZONE_NAME}", "certManagerClientId": "${CERT_MANAGER_IDENTITY_CLIENT_ID}"}


def dns_settings(ctx: WorkloadContext) -> dict[str, str]:
    """Azure DNS values: ``ctx.options["dns"]`` over the ``${...}`` placeholders."""
    return {**DNS_DEFAULTS, **{k: str(v) for k, v in (ctx.options.get("dns") or {}).items()}}


def _cert_manager_client_id(ctx: WorkloadContext) -> str:
    """Client id for the azureDNS solver: the ``dns`` option, else the identity planned for cert-manager's
    ServiceAccount (the Pulumi layer fills ``${IDENTITY_CLIENT_ID:<identity>}``), else a placeholder."""
    if "certManagerClientId" in (ctx.options.get("dns") or {}):
        return dns_settings(ctx)["certManagerClientId"]
    ident = next((v for (_, sa), v in sorted(ctx.service_account_identities.items()) if sa == "cert-manager"), None)
    return "${IDENTITY_CLIENT_ID:" + ident + "}" if ident else DNS_DEFAULTS["certManagerClientId"]


def _rewrite_external_dns_args(tokens: list[Any]) -> tuple[list[str], str, str, list[str], int]:
    """``(new tokens, AWS provider or "", Azure provider, dropped --aws-* flags, index of --provider)``."""
    toks = [str(t) for t in tokens]
    out: list[str] = []
    provider, dropped, at, private, i = "", [], -1, False, 0
    while i < len(toks):
        flag, eq, value = toks[i].partition("=")
        if not eq and (flag == "--provider" or flag.startswith("--aws-")) and i + 1 < len(toks) \
                and not toks[i + 1].startswith("-"):
            value, i = toks[i + 1], i + 1
        if flag == "--provider":
            provider, at = value, (i if eq else i - 1)
            out.append(f"--provider={value}")
        elif flag.startswith("--aws-"):
            dropped.append(f"{flag}={value}" if value else flag)
            private |= flag == "--aws-zone-type" and value == "private"
        else:
            out.append(toks[i])
        i += 1
    if provider not in ("aws", "aws-sd"):
        return toks, "", "", [], -1
    azure = "azure-private-dns" if private else "azure"
    out[out.index(f"--provider={provider}")] = f"--provider={azure}"
    return out, provider, azure, dropped, at


@handles(*sorted(WORKLOAD_KINDS))
def translate_external_dns(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """external-dns on Route 53 (``--provider=aws``/``aws-sd``) → Azure DNS with workload identity."""
    if obj.kind not in WORKLOAD_KINDS or not any(EXTERNAL_DNS_IMAGE.search(str(c.get("image", "")))
                                                 for _, c in containers(obj.obj)):
        return None
    new, dns, findings, secret = obj.copy(), dns_settings(ctx), Findings(), f"{obj.name}-azure-config"
    mounts: list[str] = []
    for path, c in containers(new):
        if not EXTERNAL_DNS_IMAGE.search(str(c.get("image", ""))):
            continue
        for field in ("command", "args"):
            tokens, provider, azure, dropped, at = _rewrite_external_dns_args(c.get(field) or [])
            if not provider:
                continue
            rg = f"--azure-resource-group={dns['resourceGroup']}"
            c[field] = tokens + ([] if any(t.startswith("--azure-resource-group") for t in tokens) else [rg])
            add_finding(findings, "ADD-014", f"{obj.ref()}: external-dns provider {provider} → {azure}; "
                        f"azure.json from Secret {secret}", obj, *path, field, at)
            dropped = (["--provider=aws-sd (Cloud Map service discovery)"] if provider == "aws-sd" else []) + dropped
            aws = [str(as_dict(e).get("name")) for e in c.get("env") or [] if str(as_dict(e).get("name", "")).startswith("AWS_")]
            mounts += [str(as_dict(m).get("name")) for m in c.get("volumeMounts") or []
                       if ".aws" in str(as_dict(m).get("mountPath", ""))]
            c["env"] = [e for e in c.get("env") or [] if str(as_dict(e).get("name")) not in aws]
            c["volumeMounts"] = [m for m in c.get("volumeMounts") or [] if str(as_dict(m).get("name")) not in mounts] + [
                {"name": "azure-config-file", "mountPath": "/etc/kubernetes", "readOnly": True}]
            if not c["env"]:
                del c["env"]
            if dropped or aws or mounts:
                add_finding(findings, "ADD-015", f"{obj.ref()}: dropped {', '.join(dropped + aws + mounts)}", obj,
                            *path, field)
            break
        if findings:
            break
    if not findings:
        return None
    found = pod_template(new)
    assert found is not None  # findings were made on its containers, so it has a pod template
    tpl = found[1]
    spec = tpl["spec"]
    spec["volumes"] = [v for v in spec.get("volumes") or [] if as_dict(v).get("name") not in mounts] + [
        {"name": "azure-config-file", "secret": {"secretName": secret}}]
    tpl["metadata"] = md = as_dict(tpl.get("metadata"))
    md["labels"] = {**as_dict(md.get("labels")), WI_LABEL: "true"}
    config = {"tenantId": ctx.tenant_id, "subscriptionId": dns["subscriptionId"],
              "resourceGroup": dns["resourceGroup"], "useWorkloadIdentityExtension": True}
    md = {"name": secret, **({"namespace": obj.namespace} if obj.namespace else {})}
    ctx.cluster_requests.add("workloadIdentity")
    return Translation("translated", [new, {"apiVersion": "v1", "kind": "Secret", "metadata": md, "type": "Opaque",
                                            "stringData": {"azure.json": json.dumps(config, indent=2)}}], findings)


@handles("DNSEndpoint")
def translate_dns_endpoint(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """external-dns ``DNSEndpoint`` → Route 53 ``aws/*`` provider-specific properties removed."""
    if obj.group != "externaldns.k8s.io" or obj.kind != "DNSEndpoint":
        return None
    new, findings = obj.copy(), Findings()
    for i, ep in enumerate(as_dict(new.get("spec")).get("endpoints") or []):
        props = as_dict(ep).get("providerSpecific") or []
        aws = [p for p in props if str(as_dict(p).get("name", "")).startswith("aws/")]
        if aws:
            ep["providerSpecific"] = [p for p in props if p not in aws]
            if not ep["providerSpecific"]:
                del ep["providerSpecific"]
            add_finding(findings, "ADD-015", f"{obj.ref()}: Route 53 properties "
                        f"{', '.join(str(as_dict(p).get('name')) for p in aws)} dropped from {ep.get('dnsName')}",
                        obj, "spec", "endpoints", i, "providerSpecific")
    return Translation("translated", [new], findings) if findings else None


@handles("Issuer", "ClusterIssuer")
def translate_cert_manager_issuer(obj: K8sObject, ctx: WorkloadContext) -> Translation | None:
    """cert-manager ``(Cluster)Issuer`` DNS-01 ``route53`` solvers → ``azureDNS`` with a managed identity."""
    if obj.group != "cert-manager.io" or obj.kind not in ("Issuer", "ClusterIssuer"):
        return None
    new, dns, findings = obj.copy(), dns_settings(ctx), Findings()
    for i, solver in enumerate(as_dict(as_dict(new.get("spec")).get("acme")).get("solvers") or []):
        dns01 = as_dict(solver).get("dns01")
        if not isinstance(dns01, dict) or "route53" not in dns01:
            continue
        r53 = dns01.pop("route53") or {}
        zones = as_dict(solver.get("selector")).get("dnsZones") or []
        own_zone = len(zones) == 1 and "zoneName" not in as_dict(ctx.options.get("dns"))
        zone = str(zones[0]) if own_zone else dns["zoneName"]
        dns01["azureDNS"] = {"subscriptionID": dns["subscriptionId"], "resourceGroupName": dns["resourceGroup"],
                             "hostedZoneName": zone, "environment": "AzurePublicCloud",
                             "managedIdentity": {"clientID": _cert_manager_client_id(ctx)}}
        path = ("spec", "acme", "solvers", i, "dns01", "route53")
        add_finding(findings, "ADD-016", f"{obj.ref()}: solver {i} route53 → azureDNS (zone {zone})", obj, *path)
        if isinstance(r53, dict) and r53:
            add_finding(findings, "ADD-017", f"{obj.ref()}: solver {i} dropped Route 53 settings "
                        f"{', '.join(sorted(r53))}", obj, *path)
    if not findings:
        return None
    ctx.cluster_requests.add("workloadIdentity")
    return Translation("translated", [new], findings)
