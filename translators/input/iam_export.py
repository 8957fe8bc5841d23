"""An ``aws iam get-account-authorization-details`` export as input: the policies of the IAM roles that
IRSA annotations, eksctl ``attachRoleARN`` and pod identity ``roleARN`` name.

The export (JSON, as the AWS CLI prints it: policy documents decoded to objects; the raw API's URL-encoded
strings are accepted too) holds ``RoleDetailList`` (each role's ``AttachedManagedPolicies`` and inline
``RolePolicyList``) and ``Policies`` (customer-managed policies with their ``PolicyVersionList``; the
version with ``IsDefaultVersion`` is the one in force). :func:`load_iam_export` reads it with line numbers
(findings point into the export), :func:`apply_iam_export` feeds a role's policies to the existing policy
translation (:class:`translators.identity.iam_policy.PolicyReader`) so that they become Azure role assignments of the
role's workload identity. Facts from the IAM API reference (GetAccountAuthorizationDetails,
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
"""
from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from translators.errors import InputError
from translators.findings import Findings
from translators.identity.iam_policy import PolicyReader, Where
from translators.input.yamlsource import SourceDoc, load_documents, read_text
from translators.shapes import as_list

OPTION = "iamExport"  # WorkloadContext.options key holding the loaded IamExport


@dataclass
class IamExport:
    """A loaded export.

    Attributes:
        doc: the file with line numbers (``doc.data`` is the parsed JSON).
        roles: role name → index into ``RoleDetailList``.
        policies: policy ARN → (index into ``Policies``, index of the default version, its document).
    """

    doc: SourceDoc
    roles: dict[str, int] = field(default_factory=dict)
    policies: dict[str, tuple[int, int, Any]] = field(default_factory=dict)

    def documents(self) -> dict[str, Any]:
        """Customer-managed policy ARN → default version document (the ``iamPolicies`` option's shape)."""
        return {arn: d for arn, (_, _, d) in self.policies.items() if d is not None and not _aws_managed(arn)}


def policy_document(raw: Any) -> Any:
    """A policy document as the CLI prints it (object), as JSON text, or URL-encoded JSON (the raw API)."""
    if isinstance(raw, str):
        for text in (raw, urllib.parse.unquote(raw)):
            try:
                return json.loads(text)
            except ValueError:
                continue
    return raw


def load_iam_export(path: str) -> IamExport:
    """Read and index an ``aws iam get-account-authorization-details`` JSON file.

    Raises:
        InputError: unreadable file, not valid JSON (with the line), or not an authorization-details export
            (``RoleDetailList`` missing or not a list); each message names the file.
    """
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, "", f"not valid JSON: {exc.msg} (expected the output of "
                         "`aws iam get-account-authorization-details --output json`)") from None
    if not isinstance(data, dict) or not isinstance(data.get("RoleDetailList"), list):
        raise InputError(path, 1, "RoleDetailList", "not an `aws iam get-account-authorization-details` export: "
                         "RoleDetailList is missing or not a list")
    try:
        doc = next(iter(load_documents(text, path)))
    except (InputError, StopIteration):  # JSON the line-aware YAML reader refuses: no lines, same data
        doc = SourceDoc(path, 0, data)
    export = IamExport(doc)
    for i, role in enumerate(doc.data["RoleDetailList"]):
        if isinstance(role, dict) and isinstance(role.get("RoleName"), str):
            export.roles.setdefault(role["RoleName"], i)
    for i, pol in enumerate(doc.data.get("Policies") or []):
        if not isinstance(pol, dict) or not isinstance(pol.get("Arn"), str):
            continue
        versions = as_list(pol.get("PolicyVersionList"))
        chosen = next((j for j, v in enumerate(versions) if isinstance(v, dict) and v.get("IsDefaultVersion") is True),
                      next((j for j, v in enumerate(versions) if isinstance(v, dict)
                            and v.get("VersionId") == pol.get("DefaultVersionId")), None))
        document = policy_document(versions[chosen].get("Document")) if chosen is not None else None
        export.policies[pol["Arn"]] = (i, chosen if chosen is not None else -1, document)
    return export


def _aws_managed(arn: str) -> bool:
    """AWS managed policies (``arn:aws:iam::aws:policy/...``) go through the curated mapping table, not their
    (broad) documents."""
    return arn.split(":")[4:5] == ["aws"]


def _read_role(export: IamExport, index: int, reader: PolicyReader) -> tuple[int, int]:
    """Feed role ``index``'s attached and inline policies to ``reader``; (attached, inline) counts."""
    role = export.doc.data["RoleDetailList"][index]
    base = ("RoleDetailList", index)
    attached = as_list(role.get("AttachedManagedPolicies"))
    inline = as_list(role.get("RolePolicyList"))
    for j, a in enumerate(attached):
        arn = str(a.get("PolicyArn", "")) if isinstance(a, dict) else ""
        if not arn:
            continue
        found = export.policies.get(arn)
        if found is not None and found[2] is not None and not _aws_managed(arn):
            pi, vi, document = found
            name = str(a.get("PolicyName") or arn.rsplit("/", 1)[-1])
            reader.document(document, Where(export.doc, ("Policies", pi, "PolicyVersionList", vi, "Document")),
                            f"policy {name}")
        else:
            reader.managed(arn, Where(export.doc, base + ("AttachedManagedPolicies", j, "PolicyArn")))
    for j, p in enumerate(inline):
        if isinstance(p, dict):
            reader.document(policy_document(p.get("PolicyDocument")),
                            Where(export.doc, base + ("RolePolicyList", j, "PolicyDocument")),
                            f"inline policy {p.get('PolicyName', j)}")
    return len(attached), len(inline)


def apply_iam_export(bindings: list[Any], options: dict[str, Any], findings: Findings) -> None:
    """Give every binding to an IAM role (key ``role:<name>``) the role's policies from the export.

    Bindings of the same role share one :class:`PolicyReader` (findings once per role); an eksctl binding
    keeps its own reader (its ``attachPolicyARNs``) and gets the role's policies added to it. A role the
    export does not hold gets IDN-016; a role read gets IDN-015. Does nothing without an export.
    """
    export = options.get(OPTION)
    if not isinstance(export, IamExport):
        return
    readers: dict[str, PolicyReader] = {}
    missing: set[str] = set()
    for b in sorted(bindings, key=lambda b: (b.rank, b.namespace, b.name)):
        if not b.key.startswith("role:"):
            continue
        name = b.key[len("role:"):]
        index = export.roles.get(name)
        if index is None:
            if name not in missing and b.where is not None:
                missing.add(name)
                findings.add("IDN-016", f"IAM role {name} ({b.source}) is not in the IAM export {export.doc.file}",
                             b.where.doc, b.where.path)
            continue
        if name in readers:
            if b.reader is None:
                b.reader = readers[name]
            continue
        reader = b.reader if b.reader is not None else PolicyReader(f"IAM role {name}", options, findings)
        b.reader = readers[name] = reader
        attached, inline = _read_role(export, index, reader)
        findings.add("IDN-015", f"IAM role {name}: {attached} attached and {inline} inline "
                     f"{'policy' if attached + inline == 1 else 'policies'} read from the IAM export",
                     export.doc, ("RoleDetailList", index, "RoleName"))


def merge_policy_documents(options: dict[str, Any]) -> None:
    """Add the export's customer-managed policy documents to ``options["iamPolicies"]`` (ARN → document) so
    that eksctl ``attachPolicyARNs`` naming them are translated too; documents already there win."""
    export = options.get(OPTION)
    if isinstance(export, IamExport):
        options["iamPolicies"] = {**export.documents(), **(options.get("iamPolicies") or {})}
