"""eksctl ``nodeGroups`` / ``managedNodeGroups`` → AKS agent pools.

Pure translation (no Pulumi). Facts used: agent pool naming and system-pool rules
from the AKS docs (``use-system-pools.md``: Linux, not Spot, not B-series, ≥4 vCPU
and ≥4 GB, ≥30 pods), max 250 pods per node, zone mapping by position
(``us-east-1a`` → ``"1"``), and the tables ``amifamily_to_os.csv`` and
``kubelet_config_map.csv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from translators.input.eksctl import ClusterConfig
from translators.errors import InputError
from translators.findings import Findings
from translators.naming import POOL_LINUX, POOL_WINDOWS, pool_name, short_hash
from translators.plan import NodePoolPlan
from translators.refdata import read_table, vm_sizes
from translators.cluster.vmsize import map_instance_type

DEFAULT_INSTANCE_TYPE = "m5.large"  # eksctl's default when a group names no type
DEFAULT_DESIRED = 2  # eksctl's default desiredCapacity
SYSTEM_POOL_SIZE = "Standard_D4s_v5"  # 4 vCPU / 16 GiB, premium storage capable
MAX_PODS = 250
MAX_PODS_WINDOWS = 110
SYSTEM_MIN_PODS = 30
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_DEFAULT_ZONE_HINT = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d([a-z])$")


@dataclass
class ComputeOptions:
    """Options from config: ``vm_size_overrides`` ({ec2 type: size}), ``allow_cpu_fallback``,
    ``zones_available`` (the Azure region has availability zones)."""

    vm_size_overrides: dict[str, str] = field(default_factory=dict)
    allow_cpu_fallback: bool = False
    zones_available: bool = True


def _os_table() -> dict[str, dict[str, str]]:
    return {r["ami_family"]: r for r in read_table("amifamily_to_os.csv")}


def _kubelet_table() -> dict[str, dict[str, str]]:
    return {r["kubelet_key"]: r for r in read_table("kubelet_config_map.csv")}


def zone_number(aws_zone: str) -> str | None:
    """``us-east-1a`` → ``"1"`` … ``us-east-1c`` → ``"3"``; ``None`` beyond the third zone or for
    zone ids / Local Zones."""
    m = _DEFAULT_ZONE_HINT.match(aws_zone)
    if not m:
        return None
    n = ord(m.group(2)) - ord("a") + 1
    return str(n) if 1 <= n <= 3 else None


def parse_taints(raw: Any) -> list[tuple[str, str, str]]:
    """eksctl taints (list of ``{key, value, effect}`` or legacy map ``{key: "value:Effect"}``)
    → ``[(key, value, effect)]``."""
    out = []
    if isinstance(raw, dict):
        for k, v in raw.items():
            value, _, effect = str(v).rpartition(":")
            out.append((str(k), value, effect or "NoSchedule"))
    elif isinstance(raw, list):
        for t in raw:
            if isinstance(t, dict):
                out.append((str(t.get("key", "")), str(t.get("value", "") or ""), str(t.get("effect", "NoSchedule"))))
    return out


def _convert(value: Any, how: str) -> Any:
    if how == "int":
        return int(value)
    if how == "bool":
        return bool(value)
    if how == "list":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if how == "mebibytes":
        m = re.match(r"^(\d+)\s*(Ki|Mi|Gi)?$", str(value))
        if not m:
            raise ValueError(value)
        n, unit = int(m.group(1)), m.group(2) or ""
        return max(1, {"Ki": n // 1024, "Mi": n, "Gi": n * 1024, "": n // (1024 * 1024)}[unit])
    return str(value)


class _GroupReader:
    """Translate one node group at ``(kind, index)`` of the config."""

    def __init__(self, cfg: ClusterConfig, kind: str, index: int, opts: ComputeOptions,
                 findings: Findings) -> None:
        self.cfg, self.kind, self.index, self.opts, self.findings = cfg, kind, index, opts, findings
        self.name = str(cfg.get(kind, index, "name", default=f"{kind}{index}"))

    def get(self, *path: Any, default: Any = None) -> Any:
        return self.cfg.get(self.kind, self.index, *path, default=default)

    def add(self, rule: str, message: str, *path: Any) -> None:
        self.findings.add(rule, f"{self.kind}[{self.index}] ({self.name}): {message}", self.cfg.doc,
                          (self.kind, self.index, *path))

    def instance_types(self) -> tuple[list[str], tuple]:
        if self.get("instanceType"):
            return [str(self.get("instanceType"))], ("instanceType",)
        if self.get("instanceTypes"):
            return [str(t) for t in self.get("instanceTypes")], ("instanceTypes",)
        dist = self.get("instancesDistribution", "instanceTypes")
        if dist:
            return [str(t) for t in dist], ("instancesDistribution", "instanceTypes")
        if self.get("instanceSelector"):
            self.add("CMP-019", f"instanceSelector planned as {DEFAULT_INSTANCE_TYPE}", "instanceSelector")
        return [DEFAULT_INSTANCE_TYPE], ()

    def translate(self) -> NodePoolPlan | None:
        family = str(self.get("amiFamily", default="AmazonLinux2023"))
        os_row = _os_table().get(family)
        if os_row is None:
            os_row = {"os_type": "Windows" if family.startswith("Windows") else "Linux",
                      "os_sku": "Windows2022" if family.startswith("Windows") else "AzureLinux",
                      "note": f"amiFamily {family} is not in the OS table; planned as the AKS default image"}
        windows = os_row["os_type"] == "Windows"
        types, tpath = self.instance_types()
        if len(types) > 1:
            self.add("CMP-004", f"instance types {', '.join(types)}: planned {types[0]}", *tpath)
        match = map_instance_type(types[0], self.opts.vm_size_overrides, self.opts.allow_cpu_fallback)
        if match.reason == "unknown":
            self.add("CMP-003", f"{types[0]} is not a known EC2 instance type; pool not planned", *tpath)
            return None
        if match.vm_size is None:
            self.add("CMP-002", f"{types[0]}: {match.note}; pool not planned", *tpath)
            return None
        if match.reason == "cpu-fallback":
            self.add("CMP-002", f"{types[0]}: {match.note}", *tpath)
        else:
            self.add("CMP-001", f"{types[0]} -> {match.vm_size} ({match.reason}: {match.note})", *tpath)
        vm = vm_sizes().get(match.vm_size)
        pool = NodePoolPlan(name=pool_name(self.name, windows), source=f"{self.kind}[{self.index}] ({self.name})",
                            mode="User", vm_size=match.vm_size, os_type=os_row["os_type"],
                            os_sku=os_row["os_sku"] or None,
                            arch=vm.arch if vm else (match.ec2.arch if match.ec2 else "amd64"),
                            gpu_count=vm.gpu_count if vm else 0)
        if match.reason == "gpu-inexact":
            self.add("CMP-007", match.note, *tpath)
        if pool.gpu_count:
            self.add("CMP-006", f"{match.vm_size} has {pool.gpu_count} GPU(s)", *tpath)
        if pool.arch == "arm64":
            self.add("CMP-005", f"{match.vm_size} is Arm64", *tpath)
        if windows:
            self.add("CMP-017", f"Windows pool ({self.get('amiFamily')} -> {os_row['os_sku']})", "amiFamily")
        elif os_row["note"]:
            self.add("CMP-014", f"{self.get('amiFamily')}: {os_row['note']}", "amiFamily")
        self._counts(pool)
        self._scheduling(pool, windows)
        self._disks(pool)
        self._spot(pool)
        self._kubelet(pool)
        self._unsupported()
        return pool

    def _counts(self, pool: NodePoolPlan) -> None:
        desired = self.get("desiredCapacity")
        lo, hi = self.get("minSize"), self.get("maxSize")
        if lo is not None and hi is not None and lo > hi:
            raise InputError(self.cfg.file, self.cfg.line(self.kind, self.index, "minSize"),
                             f"{self.kind}[{self.index}].minSize", f"minSize {lo} is greater than maxSize {hi}")
        count = desired if desired is not None else (lo if lo is not None else DEFAULT_DESIRED)
        if desired is not None and ((lo is not None and desired < lo) or (hi is not None and desired > hi)):
            raise InputError(self.cfg.file, self.cfg.line(self.kind, self.index, "desiredCapacity"),
                             f"{self.kind}[{self.index}].desiredCapacity",
                             f"desiredCapacity {desired} is below minSize {lo}" if lo is not None and desired < lo
                             else f"desiredCapacity {desired} is above maxSize {hi}")
        if lo is not None or hi is not None:
            lo = lo if lo is not None else min(count, hi)
            hi = hi if hi is not None else max(count, lo)
            count = min(max(count, lo), hi)
            if lo != hi:
                pool.enable_auto_scaling, pool.min_count, pool.max_count = True, lo, hi
        pool.count = count

    def _scheduling(self, pool: NodePoolPlan, windows: bool) -> None:
        pool.labels = {str(k): str(v) for k, v in (self.get("labels") or {}).items()}
        taints = parse_taints(self.get("taints"))
        for k, _v, e in taints:
            if e not in TAINT_EFFECTS:
                raise InputError(self.cfg.file, self.cfg.line(self.kind, self.index, "taints"),
                                 f"{self.kind}[{self.index}].taints", f"taint {k!r} has effect {e!r}; expected one "
                                 f"of {', '.join(TAINT_EFFECTS)} (map form: key: \"value:Effect\")")
        pool.taints = [f"{k}={v}:{e}" if v else f"{k}:{e}" for k, v, e in taints]
        tags = self.get("tags") or {}
        pool.tags = {str(k): str(v) for k, v in tags.items()}
        max_pods = self.get("maxPodsPerNode")
        cap = MAX_PODS_WINDOWS if windows else MAX_PODS
        if max_pods is not None:
            if max_pods > cap:
                self.add("CMP-021", f"maxPodsPerNode {max_pods} capped to {cap}", "maxPodsPerNode")
            pool.max_pods = min(int(max_pods), cap)
        elif windows:
            pool.max_pods = MAX_PODS_WINDOWS
        zones = []
        for i, z in enumerate(self.get("availabilityZones") or []):
            n = zone_number(str(z)) if self.opts.zones_available else None
            if n is None:
                self.add("CMP-016", f"zone {z} not mapped", "availabilityZones", i)
            elif n not in zones:
                zones.append(n)
        pool.availability_zones = sorted(zones)
        self.get("subnets")  # nodes go to the stack's node subnet; the VNet translation covers subnets
        self.get("privateNetworking")

    def _disks(self, pool: NodePoolPlan) -> None:
        size = self.get("volumeSize")
        if size is not None:
            pool.os_disk_size_gb = int(size)
            pool.os_disk_type = "Managed"
        extras = [k for k in ("volumeIOPS", "volumeThroughput", "volumeEncrypted", "volumeKmsKeyID", "volumeType",
                              "volumeName") if self.get(k) is not None]
        if [k for k in extras if k != "volumeType"]:
            self.add("CMP-018", f"{', '.join(extras)} approximated by an AKS managed OS disk", extras[0])

    def _spot(self, pool: NodePoolPlan) -> None:
        spot = bool(self.get("spot"))
        dist = self.get("instancesDistribution") or {}
        if dist:
            od_pct = dist.get("onDemandPercentageAboveBaseCapacity", 100 if not dist.get("spotInstancePools") else 0)
            od_base = dist.get("onDemandBaseCapacity", 0)
            self.cfg.mark(self.kind, self.index, "instancesDistribution")
            if od_pct == 0 and not od_base:
                spot = True
            elif od_pct < 100:
                self.add("CMP-012", f"{100 - od_pct}% Spot above an on-demand base of {od_base} node(s)",
                         "instancesDistribution")
            if spot and dist.get("maxPrice") is not None:
                pool.spot_max_price = float(dist["maxPrice"])
        if spot:
            pool.spot, pool.spot_eviction_policy = True, "Delete"
            pool.spot_max_price = pool.spot_max_price if pool.spot_max_price is not None else -1.0
            self.add("CMP-011", "planned with Spot priority", "spot" if self.get("spot") else "instancesDistribution")

    def _kubelet(self, pool: NodePoolPlan) -> None:
        extra = self.get("kubeletExtraConfig") or {}
        table = _kubelet_table()
        for key, value in extra.items():
            if key == "maxPods" and pool.max_pods is None and isinstance(value, int):
                pool.max_pods = min(value, MAX_PODS_WINDOWS if pool.os_type == "Windows" else MAX_PODS)
                continue
            row = table.get(key)
            if row is None:
                self.add("CMP-013", f"kubeletExtraConfig.{key} not supported by AKS custom node configuration",
                         "kubeletExtraConfig", key)
                continue
            try:
                pool.kubelet_config[row["aks_kubelet_config"]] = _convert(value, row["conversion"])
            except (TypeError, ValueError):
                self.add("CMP-013", f"kubeletExtraConfig.{key}={value!r} could not be converted",
                         "kubeletExtraConfig", key)

    def _unsupported(self) -> None:
        for key in ("preBootstrapCommands", "overrideBootstrapCommand"):
            if self.get(key):
                self.add("CMP-008", f"{key} not run on AKS nodes", key)
        if self.get("ssh", "allow") or self.get("ssh", "publicKeyPath") or self.get("ssh", "publicKeyName") \
                or self.get("ssh", "publicKey"):
            self.add("CMP-009", "SSH access configured", "ssh")
        self.cfg.mark(self.kind, self.index, "ssh")
        if self.get("ami"):
            self.add("CMP-014", f"custom AMI {self.get('ami')}", "ami")
        if self.get("efaEnabled"):
            self.add("CMP-015", "efaEnabled", "efaEnabled")
        if self.get("iam"):
            self.add("CMP-020", "node IAM role/policies", "iam")


def _unique_group_names(cfg: ClusterConfig) -> None:
    """eksctl's ``ValidateClusterConfig``: node group names are unique across both kinds."""
    names: dict[str, str] = {}
    for kind in ("nodeGroups", "managedNodeGroups"):  # eksctl's order of checking
        for i, ng in enumerate(cfg.data.get(kind) or []):
            name = ng.get("name") if isinstance(ng, dict) else None
            if not isinstance(name, str) or not name:
                continue
            if name in names:
                raise InputError(cfg.file, cfg.line(kind, i, "name"), f"{kind}[{i}].name",
                                 f"{name!r} is not unique (also {names[name]}); eksctl refuses it too")
            names[name] = f"{kind}[{i}]"


def unique_pool_name(wanted: str, source: str, taken: set[str], windows: bool) -> str:
    """A valid AKS pool name near ``wanted`` that is not in ``taken``, the same for the same inputs.

    ``wanted`` cut to leave room for a 4-hex suffix of sha256(``source``, attempt), e.g. ``ngapp`` →
    ``ngapp3f9a``: lowercase alphanumerics starting with a letter, at most 12 characters (6 on Windows),
    per the AKS agent pool name rules (``naming.POOL_LINUX`` / ``POOL_WINDOWS``).
    """
    limit = 6 if windows else 12
    stem = wanted[: limit - 4]
    for attempt in range(1000):
        name = stem + short_hash(source, str(attempt), length=4)
        if name not in taken:
            return name
    raise AssertionError("no free pool name")  # 1000 hash collisions: not reachable in practice


def _system_capable(pool: NodePoolPlan) -> bool:
    vm = vm_sizes().get(pool.vm_size)
    return (pool.os_type == "Linux" and not pool.spot and vm is not None and not vm.series.startswith("B")
            and vm.vcpu >= 4 and vm.memory_gib >= 4 and (pool.max_pods or MAX_PODS) >= SYSTEM_MIN_PODS
            and pool.count >= 1 and (pool.min_count is None or pool.min_count >= 1))


def translate_node_groups(cfg: ClusterConfig, opts: ComputeOptions, findings: Findings) -> list[NodePoolPlan]:
    """All node groups → agent pools, with exactly one pool in ``System`` mode first.

    Picks the first group that meets AKS's system pool rules (untainted preferred);
    if none does, adds a ``system`` pool of :data:`SYSTEM_POOL_SIZE` (finding CMP-010).

    Node groups whose names sanitise to the same pool name keep the first; the others get a unique name
    (:func:`unique_pool_name`, finding CMP-022).

    Raises:
        InputError: two node groups have the same name (eksctl's validation refuses it too: names are
            unique across managed and unmanaged groups), minSize > maxSize, or desiredCapacity outside them.
    """
    pools: list[NodePoolPlan] = []
    seen: dict[str, str] = {}
    _unique_group_names(cfg)
    for kind in ("managedNodeGroups", "nodeGroups"):
        for i in range(len(cfg.data.get(kind) or [])):
            pool = _GroupReader(cfg, kind, i, opts, findings).translate()
            if pool is None:
                continue
            pattern = POOL_WINDOWS if pool.os_type == "Windows" else POOL_LINUX
            assert pattern.match(pool.name), pool.name
            if pool.name in seen:
                wanted = pool.name
                pool.name = unique_pool_name(wanted, pool.source, set(seen), pool.os_type == "Windows")
                findings.add("CMP-022", f"node group names {seen[wanted]} and {pool.source} both become AKS pool "
                             f"name {wanted!r}; {pool.source} planned as pool {pool.name!r}", cfg.doc,
                             (kind, i, "name"))
            seen[pool.name] = pool.source
            pools.append(pool)
    capable = [p for p in pools if _system_capable(p)]
    if capable:
        system = next((p for p in capable if not p.taints), capable[0])
        system.mode = "System"
        pools.remove(system)
        pools.insert(0, system)
    else:
        name = next(n for n in ("system", "sysnp", *map("sysnp{}".format, range(1, len(seen) + 2))) if n not in seen)
        pools.insert(0, NodePoolPlan(name=name, source="added: AKS requires a System pool", mode="System",
                                     vm_size=SYSTEM_POOL_SIZE, count=2, min_count=2, max_count=3,
                                     enable_auto_scaling=True, taints=["CriticalAddonsOnly=true:NoSchedule"]))
        findings.add("CMP-010", f"no node group qualifies as an AKS system pool; added pool {name!r} "
                                f"({SYSTEM_POOL_SIZE}, 2-3 nodes, CriticalAddonsOnly taint)", cfg.doc, ())
    return pools
