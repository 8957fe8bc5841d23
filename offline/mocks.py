"""Pulumi mocks that behave like ``pulumi preview`` and record what would be created.

* Every registered resource (custom and component) is recorded with its type
  token, logical name, parent and wire-format inputs (what the provider would
  receive), in registration order.
* Computed outputs are unknown (``pulumi.runtime.rpc.UNKNOWN``), as in a preview:
  ids, the OIDC issuer URL, the kubelet identity, principal ids, login servers.
* Secrets are kept as secrets; :func:`scrub` replaces them with ``"[secret]"``
  before anything is printed or written.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockMonitor, _resolve_callbacks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

SECRET_SIG = rpc._special_sig_key  # noqa: SLF001 - the wire format is what the provider sees
SECRET_VALUE = rpc._special_secret_sig  # noqa: SLF001
UNKNOWN_TEXT = "(known after apply)"
APP_ROUTING_OBJECT_ID = "app-routing-object-id"  # the app routing add-on identity of an 'up' under mocks
KUBERNETES_OBJECT = "kubernetes:"  # type tokens of Kubernetes objects (their provider is pulumi:providers:kubernetes)


@dataclass
class Recorded:
    """One registered resource: ``type`` token, logical ``name``, ``parent`` URN, wire ``inputs``, the URNs it
    ``dependencies`` (explicit ``depends_on`` and the resources whose outputs its inputs use)."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()


def scrub(value: Any) -> Any:
    """Replace secrets by ``"[secret]"`` and unknowns by ``"(known after apply)"``, recursively.

    Parts with neither are returned as they are (not copied), so a scrubbed plan shares them with the recorded
    wire inputs instead of holding every manifest twice. Tuples become lists.
    """
    if isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE:
        return "[secret]"
    if isinstance(value, (dict, list)):
        changed: Any = None  # a copy of ``value``, made at the first part that changes
        for k, v in (value.items() if isinstance(value, dict) else enumerate(value)):
            s = scrub(v)
            if s is not v:
                if changed is None:
                    changed = dict(value) if isinstance(value, dict) else list(value)
                changed[k] = s
        return value if changed is None else changed
    if isinstance(value, tuple):
        return [scrub(v) for v in value]
    if isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return UNKNOWN_TEXT
    return value


# The input that carries each resource's Azure name (the provider echoes it as ``name``).
NAME_INPUT = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:containerservice:ManagedCluster": "resourceName",
    "azure-native:containerservice:AgentPool": "agentPoolName",
    "azure-native:containerregistry:Registry": "registryName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Key": "keyName",
    "azure-native:network:VirtualNetwork": "virtualNetworkName",
    "azure-native:network:Subnet": "subnetName",
    "azure-native:operationalinsights:Workspace": "workspaceName",
    "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
    "azure-native:managedidentity:FederatedIdentityCredential": "federatedIdentityCredentialResourceName",
    "azure-native:authorization:RoleAssignment": "roleAssignmentName",
}


class PreviewMocks(pulumi.runtime.Mocks):
    """Mocks returning inputs as outputs, with computed outputs unknown.

    With ``preview=False`` (an "up" under mocks, for tests) computed outputs get fake but
    known values: ids ``/mock/<type>/<name>``, principal ids ``<name>-principal``, the kubelet
    identity ``kubelet-object-id``.
    """

    def __init__(self, preview: bool = True) -> None:
        super().__init__()
        self.preview = preview

    def _computed(self, value: str) -> Any:
        return rpc.UNKNOWN if self.preview else value

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if args.typ.startswith(KUBERNETES_OBJECT):
            # Nothing reads a Kubernetes object's outputs; echoing the manifest back would only make the SDK hold
            # one more copy of every manifest for the rest of the run.
            return (None if self.preview else f"/mock/{args.typ}/{args.name}", {})
        outputs = dict(args.inputs)
        if not self.preview:
            return self._known(args, outputs)
        if args.typ == "azure-native:containerservice:ManagedCluster":
            ident = outputs.get("identity")
            if isinstance(ident, dict) and isinstance(ident.get("userAssignedIdentities"), list):
                outputs["identity"] = {**ident, "userAssignedIdentities": {i: {} for i in ident["userAssignedIdentities"]
                                                                           if isinstance(i, str)}}
            outputs["oidcIssuerProfile"] = {"enabled": True, "issuerURL": rpc.UNKNOWN}
            outputs["identityProfile"] = {"kubeletidentity": {"objectId": rpc.UNKNOWN, "clientId": rpc.UNKNOWN,
                                                              "resourceId": rpc.UNKNOWN}}
            outputs["fqdn"] = rpc.UNKNOWN
        elif args.typ == "azure-native:managedidentity:UserAssignedIdentity":
            outputs.update(principalId=rpc.UNKNOWN, clientId=rpc.UNKNOWN, tenantId=rpc.UNKNOWN)
        elif args.typ == "azure-native:containerregistry:Registry":
            outputs["loginServer"] = rpc.UNKNOWN
        elif args.typ == "azure-native:keyvault:Vault":
            outputs["properties"] = {**(outputs.get("properties") or {}), "vaultUri": rpc.UNKNOWN}
        elif args.typ == "azure-native:keyvault:Key":
            outputs["keyUriWithVersion"] = rpc.UNKNOWN
            outputs["keyUri"] = rpc.UNKNOWN
        key = NAME_INPUT.get(args.typ, "name")
        outputs["name"] = args.inputs.get(key) or (rpc.UNKNOWN if args.custom and args.typ.startswith("azure-native")
                                                   else args.name)
        return (None if args.custom else f"{args.name}-component", outputs)

    def _known(self, args: pulumi.runtime.MockResourceArgs, outputs: dict) -> tuple[str | None, dict]:
        rid = f"/mock/{args.typ}/{args.name}"
        if args.typ == "azure-native:containerservice:ManagedCluster":
            ident = outputs.get("identity") or {}
            ids = ident.get("userAssignedIdentities") if isinstance(ident, dict) else None
            if isinstance(ids, list):
                outputs["identity"] = {**ident, "userAssignedIdentities": {i: {} for i in ids if isinstance(i, str)}}
            outputs["oidcIssuerProfile"] = {"enabled": True,
                                            "issuerURL": f"https://oidc.mock/{args.inputs.get('resourceName')}/"}
            outputs["identityProfile"] = {"kubeletidentity": {"objectId": "kubelet-object-id",
                                                              "clientId": "kubelet-client-id",
                                                              "resourceId": "/mock/kubelet-identity"}}
            ingress = outputs.get("ingressProfile")
            if isinstance(ingress, dict) and (ingress.get("webAppRouting") or {}).get("enabled"):
                outputs["ingressProfile"] = {**ingress, "webAppRouting": {
                    **ingress["webAppRouting"], "identity": {"objectId": APP_ROUTING_OBJECT_ID,
                                                             "clientId": "app-routing-client-id"}}}
        elif args.typ == "azure-native:managedidentity:UserAssignedIdentity":
            outputs.update(principalId=f"{args.name}-principal", clientId=f"{args.name}-client-id",
                           tenantId="00000000-0000-0000-0000-000000000000")
        elif args.typ == "azure-native:containerregistry:Registry":
            outputs["loginServer"] = f"{args.inputs.get('registryName', args.name).lower()}.azurecr.io"
        elif args.typ == "azure-native:keyvault:Vault":
            outputs["properties"] = {**(outputs.get("properties") or {}),
                                     "vaultUri": f"https://{args.inputs.get('vaultName')}.vault.azure.net/"}
        elif args.typ == "azure-native:keyvault:Key":
            outputs["keyUriWithVersion"] = f"https://mock.vault.azure.net/keys/{args.inputs.get('keyName')}/1"
        key = NAME_INPUT.get(args.typ, "name")
        outputs["name"] = args.inputs.get(key) or args.name
        return (rid if args.custom else f"{args.name}-component", outputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        if args.token == "azure-native:authorization:getClientConfig":
            return {"clientId": "00000000-0000-0000-0000-000000000000",
                    "objectId": "00000000-0000-0000-0000-000000000000",
                    "subscriptionId": "00000000-0000-0000-0000-000000000000",
                    "tenantId": "00000000-0000-0000-0000-000000000000"}
        if args.token == "azure-native:containerservice:listManagedClusterUserCredentials":
            return {"kubeconfigs": [{"name": "clusterUser", "value": ""}]}
        return {}


class RecordingMonitor(MockMonitor):
    """A MockMonitor that also records each resource's parent and wire inputs (thread-safe).

    ``RegisterResource`` does what ``MockMonitor.RegisterResource`` does, but deserializes each request once: the
    recorded inputs and the inputs handed to the mocks are the same objects (the mocks must not mutate them).
    """

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.lock = threading.Lock()
        self.recorded: list[Recorded] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        urn = self.make_urn(request.parent, request.type, request.name)
        _ensure_event_loop()  # deserializing resource references needs an event loop on this worker thread
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        # MockMonitor's own deserialization drops unknowns outside a preview; in a preview both are the same
        seen = inputs if pulumi_settings.is_dry_run() else _without_unknowns(inputs)
        args = pulumi.runtime.MockResourceArgs(typ=request.type, name=request.name, inputs=seen,
                                               provider=request.provider, resource_id=request.importId,
                                               custom=request.custom or False,
                                               transforms=_resolve_callbacks(request.transforms)
                                               if request.transforms else None)
        id_, state = self.mocks.new_resource(args)
        obj = _sync_await(rpc.serialize_properties(state, {}))
        with self.lock:
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)  # type: ignore[arg-type]
            self.recorded.append(Recorded(urn, request.type, request.name, request.parent, bool(request.custom),
                                          inputs, tuple(request.dependencies)))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=obj)


def _without_unknowns(value: Any) -> Any:
    """``value`` as ``rpc.deserialize_properties`` gives it without ``keep_unknowns`` (unknown → ``None``, and
    dictionary entries that are ``None`` dropped), as a copy."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        out = {k: _without_unknowns(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(value, list):
        return [_without_unknowns(v) for v in value]
    return value
