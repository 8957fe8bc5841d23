"""The manifests pipeline: every input object ends translated, passed through, or dropped with a finding.

Order of work:

1. ``prepare``: the concerns (:data:`translators.concerns.CONCERNS`) that need the whole estate first index it
   (storage classes, ingress classes, ...), then identity planning maps service accounts to identities;
2. per object, the translators of every concern are *chained*: each sees the
   previous one's ``objects[0]`` (so registry, identity and storage edits to one
   Deployment all land); a ``dropped`` outcome stops the chain; translators declared
   with :func:`translators.k8s.handles` are only called for their kinds;
3. objects no translator claimed: AWS-only API groups (``*.k8s.aws``,
   ``*.amazonaws.com``, ``*.services.k8s.aws``) are dropped with ``INP-003``;
   everything else passes through unchanged;
4. emitted objects are ordered Namespaces, CRDs, then the rest (input order), and
   identical duplicates (e.g. one controller object per internal Ingress) merged.

The counts of the three outcomes add up to the number of input objects.
"""
from __future__ import annotations

import copy
from typing import Any
from collections.abc import Callable, Sequence

from translators.concerns import CONCERNS, Concern, drop_service_accounts, plan_identities
from translators.errors import InputError
from translators.findings import Finding, Findings, finding
from translators.k8s import BUILTIN_NAMESPACES, OUTCOMES, SHAPE_ERRORS, K8sObject, Translation, WorkloadContext, kinds_of
from translators.plan import ClusterFeature, IdentityPlan, ImageCopy, ObjectResult, WorkloadPlan, object_key
from translators.registry.images import image_copy_plan
from translators.secrets.translate import is_secret_manifest, secret_value_fields

AWS_GROUP_SUFFIXES = ("k8s.aws", "amazonaws.com", "services.k8s.aws")
FIRST_KINDS = ("Namespace", "CustomResourceDefinition")


def shape_error(obj: K8sObject, where: str) -> InputError:
    """The error for an object whose fields ``where`` cannot read (values are not quoted: they may be secrets)."""
    return InputError(obj.file, obj.line(), "", f"{obj.ref()}: a field has a type or shape that {where} cannot "
                      f"read; check the object against the {obj.api_version} {obj.kind} schema")


def _prepare_checked(concerns: Sequence[Concern], objects: list[K8sObject], ctx: WorkloadContext,
                     cfg: Any, findings: Findings) -> IdentityPlan:
    """:func:`_prepare`, with a shape error blamed on the first object that causes it on its own."""
    try:
        return _prepare(concerns, objects, ctx, cfg, findings)
    except SHAPE_ERRORS as exc:
        for o in objects:
            try:
                _prepare(concerns, [o], WorkloadContext(options=copy.deepcopy(ctx.options)), None, Findings())
            except SHAPE_ERRORS:
                raise shape_error(o, "indexing the estate") from exc
        raise


def _prepare(concerns: Sequence[Concern], objects: list[K8sObject], ctx: WorkloadContext,
             cfg: Any, findings: Findings) -> IdentityPlan:
    """Every concern's ``prepare``, then identity planning (it reads the ClusterConfig and the secrets index)."""
    for concern in concerns:
        if concern.prepare is not None:
            concern.prepare(objects, ctx)
    return plan_identities(cfg, objects, ctx, findings)


def _is_aws_only(obj: K8sObject) -> bool:
    return any(obj.group == s or obj.group.endswith("." + s) for s in AWS_GROUP_SUFFIXES)


def _chain(obj: K8sObject, chain: list[tuple[Callable, frozenset[str] | None]], ctx: WorkloadContext) -> ObjectResult:
    current = obj
    outcome = "passthrough"
    extra: list[dict[str, Any]] = []
    found: list[Finding] = []
    claimed = False
    for translate, kinds in chain:
        if kinds is not None and current.kind not in kinds:
            continue  # declared with ``handles``: cannot claim this kind
        try:
            result: Translation | None = translate(current, ctx)
        except SHAPE_ERRORS as exc:
            raise shape_error(obj, f"{translate.__module__}.{translate.__name__}") from exc
        if result is None:
            continue
        claimed = True
        found += result.findings
        if result.outcome == "dropped":
            return ObjectResult(obj.file, obj.line(), "dropped", [], found)
        if result.outcome == "translated":
            outcome = "translated"
            if result.objects:
                current = K8sObject(obj.doc, result.objects[0], obj.base_path)
                extra += result.objects[1:]
        elif result.objects[1:]:
            extra += result.objects[1:]
    if not claimed and _is_aws_only(obj):
        found.append(finding("INP-003", f"{obj.ref()} ({obj.api_version}) is an AWS-only resource with no "
                                        "AKS translation", obj.file, obj.line()))
        return ObjectResult(obj.file, obj.line(), "dropped", [], found)
    # unchanged objects are emitted as read (no copy): the plan is read-only from here on
    return ObjectResult(obj.file, obj.line(), outcome, [current.obj, *extra], found)


def _identity(o: dict[str, Any]) -> tuple:
    md = o.get("metadata") or {}
    return (o.get("apiVersion"), o.get("kind"), md.get("namespace"), md.get("name"))


def _origin(o: dict[str, Any], results: list[ObjectResult]) -> tuple[str, int | None]:
    for r in results:
        if any(x is o for x in r.objects):
            return r.file, r.line
    return "", None


def _with_namespaces(created: list[dict[str, Any]], objects: list[K8sObject]) -> list[dict[str, Any]]:
    """ServiceAccounts the identity plan creates, plus a Namespace for any namespace the estate lacks."""
    have = {o.name for o in objects if o.kind == "Namespace" and not o.group}
    needed = sorted({(sa.get("metadata") or {}).get("namespace", "default") for sa in created} - have
                    - BUILTIN_NAMESPACES)
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in needed] + created


def translate_workloads(objects: list[K8sObject], ctx: WorkloadContext, cfg: Any = None,
                        progress: Callable[[int, int], None] | None = None) -> WorkloadPlan:
    """Run every input object through the translator chain (see module docstring).

    Args:
        objects: loaded manifests (``translators.input.manifests.load_manifests``).
        ctx: what translators know about the target stack.
        cfg: the eksctl ``ClusterConfig`` (identity translation reads ``iam``), or ``None``.
        progress: called as ``progress(done, total)`` every 100 objects and at the end (CLI progress bar).
    """
    findings = Findings()
    identities = _prepare_checked(CONCERNS, objects, ctx, cfg, findings)
    chain = [(t, kinds_of(t)) for concern in CONCERNS for t in concern.translators]
    results = []
    for i, o in enumerate(objects, start=1):
        results.append(_chain(o, chain, ctx))
        if progress is not None and (i % 100 == 0 or i == len(objects)):
            progress(i, len(objects))
    dropped = {(o.namespace or "default", o.name) for o, r in zip(objects, results)
               if r.outcome == "dropped" and o.kind == "ServiceAccount" and not o.group}
    drop_service_accounts(identities, dropped, ctx)
    created = _with_namespaces(list(identities.service_accounts), objects)
    emitted: list[dict[str, Any]] = []
    seen: dict[tuple, dict[str, Any]] = {}
    for r in results:
        findings += r.findings
    for o in [x for r in results for x in r.objects] + created:
        key = _identity(o)
        if key in seen:
            if seen[key] != o:
                findings.append(finding("INP-004", f"{key[1]}/{key[2] + '/' if key[2] else ''}{key[3]} is emitted "
                                                   "twice with different content; the first is kept",
                                        *_origin(o, results)))
            continue
        seen[key] = o
        emitted.append(o)
    emitted.sort(key=lambda o: FIRST_KINDS.index(o.get("kind")) if o.get("kind") in FIRST_KINDS else len(FIRST_KINDS))
    counts = {k: sum(1 for r in results if r.outcome == k) for k in OUTCOMES}
    findings.sort(key=lambda f: f.sort_key())
    return WorkloadPlan(results=results, objects=emitted, findings=list(findings), counts=counts,
                        cluster_requests={ClusterFeature(r) for r in ctx.cluster_requests}, context=ctx,
                        identities=identities, image_copy=ctx.image_copy,
                        image_copy_commands=[ImageCopy(**c) for c in image_copy_plan(ctx.image_copy.items())],
                        secrets_migration=ctx.secrets_migration, secret_values=_secret_values(emitted, ctx))


def _secret_values(emitted: list[dict[str, Any]], ctx: WorkloadContext) -> dict[str, list[tuple[Any, ...]]]:
    """``WorkloadPlan.secret_values``: every v1 Secret's value fields, plus the plain values
    :mod:`translators.secrets.plain` found (it runs last in the chain, so on the emitted form)."""
    out = dict(ctx.secret_values)
    for o in emitted:
        if is_secret_manifest(o):
            out[object_key(o)] = [(f,) for f in secret_value_fields(o)]
    return out
