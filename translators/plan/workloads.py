"""The translated manifests: outcomes per input object, the emitted objects and what the translation asks of the
stack (image copies, secrets to migrate, values to keep secret, cluster features), and per-workload verdicts."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from translators.findings import Finding
from translators.plan.identity import IdentityPlan
from translators.plan.markers import ClusterFeature

if TYPE_CHECKING:
    from translators.k8s import WorkloadContext


class SecretMigration(TypedDict):
    """One AWS secret to copy into Key Vault (an entry of :attr:`WorkloadPlan.secrets_migration`).

    ``awsService`` is ``secretsmanager`` or ``ssm``; ``jsonKey`` the key read from a JSON secret (or
    ``None``); ``command`` the shell line that copies it without printing the value.
    """

    awsName: str
    awsService: str
    jsonKey: str | None
    keyVaultName: str
    command: str


ImageCopyPlan = dict[str, str]
"""Image copy plan: source image reference → its name in the stack's ACR (``az acr import`` per entry)."""


class ImageCopy(TypedDict):
    """One image to copy into the stack's ACR (an entry of :attr:`WorkloadPlan.image_copy_commands`).

    ``command`` is the shell-quoted ``az acr import ... --force`` line
    (:func:`translators.registry.images.image_copy_plan`).
    """

    source: str
    target: str
    command: str


@dataclass
class ObjectResult:
    """The outcome for one input object: ``objects`` are what is emitted for it.

    The object is named by where it was read (``file``, 1-based ``line``), not held: a plan that held every
    input object would keep every parsed document and its line tree alive (~40 MB at 10,000 objects).
    """

    file: str
    line: int
    outcome: str
    objects: list[dict[str, Any]]
    findings: list[Finding]


@dataclass
class WorkloadPlan:
    """Translated manifests plus accounting.

    Attributes:
        results: one :class:`ObjectResult` per input object, in input order.
        objects: every emitted object, Namespaces and CRDs first, duplicates merged. Objects that
            pass through unchanged are the input manifests themselves (not copies): read-only.
        findings: all findings of the manifests translation.
        counts: ``{"translated", "passthrough", "dropped"}`` → number of input objects.
        cluster_requests: features the translations need on the cluster.
        context: the translation context (user options, estate indexes), for the reports.
        identities: the identity plan when identity translation ran.
        image_copy: source image → ACR image, for every image the translation moved to the stack's ACR.
        image_copy_commands: the ``az acr import`` line of every valid pair of ``image_copy``, sorted by source
            (invalid references are left out and reported: ``INP-050``, ``REG-007``).
        secrets_migration: AWS secrets to copy into Key Vault, sorted by Key Vault name.
        secret_values: object key (:func:`object_key`) → paths (from the manifest's top level) of the values the
            Pulumi layer deploys as Pulumi secrets: a v1 Secret's value fields (``data``, ``stringData``,
            ``binaryData``, ...) and secret-looking plain values elsewhere (env, args, ConfigMaps, annotations).
    """

    results: list[ObjectResult]
    objects: list[dict[str, Any]]
    findings: list[Finding]
    counts: dict[str, int]
    cluster_requests: set[ClusterFeature]
    context: WorkloadContext
    identities: IdentityPlan | None = None
    image_copy: ImageCopyPlan = field(default_factory=dict)
    image_copy_commands: list[ImageCopy] = field(default_factory=list)
    secrets_migration: list[SecretMigration] = field(default_factory=list)
    secret_values: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def secret_names(self) -> list[str]:
        """Key Vault secret names of the secrets migration plan (sorted, unique)."""
        return sorted({e["keyVaultName"] for e in self.secrets_migration if e.get("keyVaultName")})


@dataclass
class WorkloadVerdict:
    """Would one translated workload run on the planned cluster (``translators.checks.deployability``)?

    Attributes:
        kind, namespace, name: the emitted object (namespace ``None`` for cluster-scoped kinds).
        file, line: where its input manifest was read (``""``/``None`` for objects the plan created).
        verdict: ``runs``, ``runs-after-steps`` or ``cannot-run``.
        reasons: why it cannot run (empty unless ``cannot-run``).
        steps: ``"RULE-ID (severity): message"`` of the findings to act on first, on it or on what it references.
    """

    kind: str
    namespace: str | None
    name: str
    file: str
    line: int | None
    verdict: str
    reasons: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The verdict in the JSON report's shape."""
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name, "file": self.file,
                "line": self.line, "verdict": self.verdict, "reasons": list(self.reasons), "steps": list(self.steps)}
