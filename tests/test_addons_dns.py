"""external-dns / cert-manager on Route 53 → Azure DNS (translators/addons/dns.py), split from test_addons.py."""
from __future__ import annotations

import json

import kubernetes_validate
import pytest

from builders_addons import run
from helpers import rules
from translators.k8s import WorkloadContext


# --- external-dns --------------------------------------------------------------------------------

EXTERNAL_DNS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: external-dns, namespace: dns}
spec:
  selector: {matchLabels: {app: external-dns}}
  template:
    metadata: {labels: {app: external-dns}}
    spec:
      serviceAccountName: external-dns
      containers:
      - name: external-dns
        image: registry.k8s.io/external-dns/external-dns:v0.15.0
        args: ARGS
        env:
        - {name: AWS_DEFAULT_REGION, value: us-east-1}
        - {name: LOG_LEVEL, value: debug}
        volumeMounts:
        - {name: aws-credentials, mountPath: /.aws, readOnly: true}
      volumes:
      - name: aws-credentials
        secret: {secretName: external-dns}
"""


@pytest.mark.parametrize("args,provider,dropped", [
    (["--source=service", "--provider=aws", "--aws-zone-type=public", "--registry=txt"], "azure",
     ["--aws-zone-type=public"]),
    (["--source=ingress", "--provider", "aws", "--aws-zone-type", "private", "--aws-prefer-cname"],
     "azure-private-dns", ["--aws-zone-type=private", "--aws-prefer-cname"]),
    (["--provider=aws-sd", "--txt-owner-id=me"], "azure", ["--provider=aws-sd (Cloud Map service discovery)"]),
    (["--provider=google"], None, []),
])
def test_external_dns(args, provider, dropped):
    text = EXTERNAL_DNS.replace("ARGS", json.dumps(args))
    ctx = WorkloadContext(tenant_id="tenant-1", options={"dns": {"resourceGroup": "rg-dns"}})
    _, ((obj, res),) = run(text, ctx)
    if provider is None:
        assert res is None
        return
    assert res.outcome == "translated" and rules(res) == ["ADD-014", "ADD-015"]
    dep, secret = res.objects
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert f"--provider={provider}" in c["args"] and "--azure-resource-group=rg-dns" in c["args"]
    assert not any(a.startswith("--aws-") or a == "aws" for a in c["args"])
    assert c["env"] == [{"name": "LOG_LEVEL", "value": "debug"}]
    assert c["volumeMounts"] == [{"name": "azure-config-file", "mountPath": "/etc/kubernetes", "readOnly": True}]
    tpl = dep["spec"]["template"]
    assert tpl["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert tpl["spec"]["volumes"] == [{"name": "azure-config-file",
                                       "secret": {"secretName": "external-dns-azure-config"}}]
    assert secret["metadata"] == {"name": "external-dns-azure-config", "namespace": "dns"}
    assert json.loads(secret["stringData"]["azure.json"]) == {
        "tenantId": "tenant-1", "subscriptionId": "${DNS_ZONE_SUBSCRIPTION_ID}", "resourceGroup": "rg-dns",
        "useWorkloadIdentityExtension": True}
    assert res.findings[0].line == obj.line("spec", "template", "spec", "containers", 0, "args",
                                            args.index(next(a for a in args if a.startswith("--provider"))))
    for d in dropped + ["AWS_DEFAULT_REGION", "aws-credentials"]:
        assert d in res.findings[1].message
    assert ctx.cluster_requests == {"workloadIdentity"}
    for o in res.objects:
        kubernetes_validate.validate(o, "1.31", strict=True)


def test_dns_endpoint_loses_route53_properties():
    text = """\
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata: {name: rec}
spec:
  endpoints:
  - dnsName: a.example.com
    recordType: CNAME
    targets: [b.example.com]
    providerSpecific: [{name: aws/failover, value: PRIMARY}, {name: aws/health-check-id, value: x}]
  - {dnsName: c.example.com, recordType: A, targets: [10.0.0.1], providerSpecific: [{name: keep, value: "1"}]}
"""
    _, ((obj, res),) = run(text)
    assert res.outcome == "translated" and rules(res) == ["ADD-015"]
    eps = res.objects[0]["spec"]["endpoints"]
    assert "providerSpecific" not in eps[0] and eps[1]["providerSpecific"] == [{"name": "keep", "value": "1"}]
    assert "aws/failover, aws/health-check-id" in res.findings[0].message
    _, ((_, res),) = run(text.replace("aws/", "azure/"))
    assert res is None


# --- cert-manager ---------------------------------------------------------------------------------

ISSUER = """\
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le-key}
    solvers:
    - http01: {ingress: {ingressClassName: nginx}}
    - selector: {dnsZones: [example.com]}
      dns01:
        route53:
          region: us-east-1
          role: arn:aws:iam::111122223333:role/dns-manager
          hostedZoneID: Z123
"""


def test_cert_manager_route53_solver_becomes_azure_dns():
    ctx, ((obj, res),) = run(ISSUER)
    assert res.outcome == "translated" and rules(res) == ["ADD-016", "ADD-017"]
    solvers = res.objects[0]["spec"]["acme"]["solvers"]
    assert solvers[0] == {"http01": {"ingress": {"ingressClassName": "nginx"}}}
    assert solvers[1]["dns01"] == {"azureDNS": {
        "subscriptionID": "${DNS_ZONE_SUBSCRIPTION_ID}", "resourceGroupName": "${DNS_ZONE_RESOURCE_GROUP}",
        "hostedZoneName": "example.com", "environment": "AzurePublicCloud",
        "managedIdentity": {"clientID": "${CERT_MANAGER_IDENTITY_CLIENT_ID}"}}}
    assert res.findings[0].line == obj.line("spec", "acme", "solvers", 1, "dns01", "route53")
    assert "hostedZoneID, region, role" in res.findings[1].message
    assert ctx.cluster_requests == {"workloadIdentity"}
    ctx = WorkloadContext(options={"dns": {"zoneName": "corp.example", "subscriptionId": "sub",
                                           "certManagerClientId": "cid"}})
    _, ((_, res),) = run(ISSUER.replace("ClusterIssuer", "Issuer").replace("route53:\n", "route53: {}\n        x:\n"),
                         ctx)
    azure = res.objects[0]["spec"]["acme"]["solvers"][1]["dns01"]["azureDNS"]
    assert (azure["hostedZoneName"], azure["subscriptionID"], azure["managedIdentity"]) == \
        ("corp.example", "sub", {"clientID": "cid"})
    assert rules(res) == ["ADD-016"]


def test_cert_manager_client_id_from_the_planned_identity():
    ctx = WorkloadContext(service_account_identities={("cert-manager", "cert-manager"): "id-cert-manager"})
    _, ((_, res),) = run(ISSUER, ctx)
    azure = res.objects[0]["spec"]["acme"]["solvers"][1]["dns01"]["azureDNS"]
    assert azure["managedIdentity"] == {"clientID": "${IDENTITY_CLIENT_ID:id-cert-manager}"}


def test_issuers_without_route53_are_not_our_concern():
    assert run(ISSUER.replace("route53", "cloudflare"))[1][0][1] is None
    assert run("apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: s}\nspec: {selfSigned: {}}\n")[1][0][1] \
        is None
