"""eksctl's value rules that its JSON schema does not express (pure: never imports Pulumi).

eksctl checks these in ``pkg/apis/eksctl.io/v1alpha5/validation.go`` (``ValidateClusterConfig``,
``validateNodeGroupBase``, ``validateVolumeOpts``) after decoding, so a file that passes the schema can still be
refused by ``eksctl create cluster``:

* ``metadata.name``, ``nodeGroups[].name``, ``managedNodeGroups[].name``, ``iam.serviceAccounts[].metadata.name``
  set and non-empty ("must be set"); node group names unique across both lists; service accounts unique by
  namespace/name;
* ``volumeSize`` a positive number of GiB (EBS volumes are 1 GiB or more; eksctl passes the value to the launch
  template's block device mapping, which refuses 0 and negatives);
* ``maxPodsPerNode`` not negative; ``minSize``/``maxSize``/``desiredCapacity`` not negative;
* ``volumeIOPS`` within 3000-16000 for gp3 (eksctl's default volume type) and 100-64000 for io1, and only for
  those types; ``volumeThroughput`` within 125-1000 and only for gp3;
* ``placement.groupName`` non-empty when ``placement`` is set.

Errors are :class:`~translators.errors.InputError` at ``file:line field`` (messages quote no value).
"""
from __future__ import annotations

from typing import Any, TypeGuard

from translators.errors import InputError, field_path
from translators.input.yamlsource import SourceDoc

GP3_IOPS = (3000, 16000)  # eksctl MinGP3Iops (DefaultNodeVolumeGP3IOPS) .. MaxGP3Iops
IO1_IOPS = (100, 64000)  # eksctl MinIO1Iops (DefaultNodeVolumeIO1IOPS) .. MaxIO1Iops
GP3_THROUGHPUT = (125, 1000)  # eksctl MinThroughput (DefaultNodeVolumeThroughput) .. MaxThroughput
NODE_GROUP_KINDS = ("nodeGroups", "managedNodeGroups")


def _is_number(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _empty(v: Any) -> bool:
    return not isinstance(v, str) or not v.strip()


def value_errors(doc: SourceDoc) -> list[InputError]:
    """Every value-rule violation of a schema-valid ClusterConfig document, in document order."""
    data = doc.data if isinstance(doc.data, dict) else {}
    errors: list[InputError] = []

    def err(path: tuple, message: str) -> None:
        errors.append(InputError(doc.file, doc.line_of(*path), field_path(path), message))

    md = data.get("metadata")
    if isinstance(md, dict) and _empty(md.get("name")):
        err(("metadata", "name"), "must be set and non-empty (the cluster's name)")
    names: dict[str, str] = {}
    for kind in NODE_GROUP_KINDS:
        groups = data.get(kind)
        for i, ng in enumerate(groups if isinstance(groups, list) else []):
            if not isinstance(ng, dict):
                continue
            at = (kind, i)
            if _empty(ng.get("name")):
                err((*at, "name"), "must be set and non-empty")
            elif ng["name"] in names:
                err((*at, "name"), f"is not unique (also {names[ng['name']]})")
            else:
                names[ng["name"]] = field_path(at)
            _node_group_values(ng, at, err)
    iam = data.get("iam")
    accounts = iam.get("serviceAccounts") if isinstance(iam, dict) else None
    seen: dict[tuple[str, str], int] = {}
    for i, sa in enumerate(accounts if isinstance(accounts, list) else []):
        sa_md = sa.get("metadata") if isinstance(sa, dict) else None
        if not isinstance(sa_md, dict):
            continue
        at = ("iam", "serviceAccounts", i, "metadata", "name")
        if _empty(sa_md.get("name")):
            err(at, "must be set and non-empty")
            continue
        key = (str(sa_md.get("namespace") or "default"), sa_md["name"])
        if key in seen:
            err(at, f"<namespace>/<name> is not unique (also iam.serviceAccounts[{seen[key]}])")
        seen.setdefault(key, i)
    errors.sort(key=lambda e: (e.line or 0, e.field))
    return errors


def _node_group_values(ng: dict[str, Any], at: tuple, err: Any) -> None:
    size = ng.get("volumeSize")
    if size is not None and _is_number(size) and size <= 0:
        err((*at, "volumeSize"), "must be a positive number of GiB")
    for key in ("maxPodsPerNode", "minSize", "maxSize", "desiredCapacity"):
        v = ng.get(key)
        if _is_number(v) and v < 0:
            err((*at, key), "cannot be negative")
    vtype = ng.get("volumeType")
    iops, throughput = ng.get("volumeIOPS"), ng.get("volumeThroughput")
    if vtype not in (None, "gp3", "io1") and iops is not None:
        err((*at, "volumeIOPS"), "is only supported for io1 and gp3 volume types")
    elif _is_number(iops):
        lo, hi = IO1_IOPS if vtype == "io1" else GP3_IOPS
        if not lo <= iops <= hi:
            err((*at, "volumeIOPS"), f"must be within {lo}-{hi} for {vtype or 'gp3'} volumes")
    if throughput is not None and vtype not in (None, "gp3"):
        err((*at, "volumeThroughput"), "is only supported for the gp3 volume type")
    elif _is_number(throughput) and not GP3_THROUGHPUT[0] <= throughput <= GP3_THROUGHPUT[1]:
        err((*at, "volumeThroughput"), f"must be within {GP3_THROUGHPUT[0]}-{GP3_THROUGHPUT[1]}")
    placement = ng.get("placement")
    if isinstance(placement, dict) and _empty(placement.get("groupName")):
        err((*at, "placement", "groupName"), "must be set and non-empty when placement is set")
