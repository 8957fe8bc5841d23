"""Preflight: zones and disks. Zones in regions without zones, Ultra Disks (zonal pools, VM sizes that support
them) and StorageClasses of zonal disk SKUs (Premium SSD v2 / Ultra) without a zonal pool to attach them to."""
from __future__ import annotations

from functools import lru_cache

from translators.checks.preflight.rules import _Report
from translators.plan import AksPlan
from translators.refdata import read_columns, region_map

ZONAL_SKUS = ("PremiumV2_LRS", "UltraSSD_LRS")
AZURE_DISK_DRIVER = "disk.csi.azure.com"


@lru_cache(maxsize=1)
def _ultra_support() -> dict[str, bool]:
    """VM size → supports Ultra Disks, where known (``azure_vm_sizes.csv``: the ResourceSku ``UltraSSDAvailable``
    flag of the karpenter fake SKUs, else the 2022 vantage snapshot; sizes in neither are absent = unknown).
    Availability also varies per zone and region, which no offline table holds."""
    out = {}
    for name, old, new in read_columns("azure_vm_sizes.csv", "vm_size", "ultra_ssd_2022", "ultra_ssd_fake"):
        flag = new or old
        if flag in ("True", "False"):
            out[name] = flag == "True"
    return out


def _region_has_zones(location: str) -> bool:
    """Whether the Azure region has availability zones (``aws_to_azure_region_map.csv``; unknown → True)."""
    return next((r["azure_has_availability_zones"] == "True" for r in region_map().values()
                 if r["azure_region_recommended"] == location), True)


def _zones(plan: AksPlan, report: _Report) -> None:
    if not _region_has_zones(plan.cluster.location):
        for p in plan.node_pools:
            if p.availability_zones:
                report.fixed("zones_in_region_without_zones", f"node pool {p.name} zones "
                             f"{', '.join(p.availability_zones)} in {plan.cluster.location}, which has no zones; removed")
                p.availability_zones = []
    for p in plan.node_pools:
        if p.enable_ultra_ssd and not p.availability_zones:
            p.enable_ultra_ssd = False
            report.fixed("ultra_ssd_on_non_zonal_pool", f"node pool {p.name}: enableUltraSSD without zones; switched off")
        if p.enable_ultra_ssd and _ultra_support().get(p.vm_size) is False:
            p.enable_ultra_ssd = False
            report.fixed("ultra_ssd_vm_size_unsupported", f"node pool {p.name}: {p.vm_size} does not support Ultra "
                         "Disks; enableUltraSSD switched off")


def _storage_classes(plan: AksPlan, report: _Report) -> None:
    wl = plan.workloads
    if wl is None:
        return
    from translators.storage.disk import disk_skus

    zonal = [p for p in plan.node_pools if p.availability_zones and p.os_type == "Linux"]  # the disk CSI pods
    ultra = [p for p in zonal if p.enable_ultra_ssd]
    for i, obj in enumerate(wl.objects):
        if not (isinstance(obj, dict) and obj.get("kind") == "StorageClass"
                and obj.get("provisioner") == AZURE_DISK_DRIVER):
            continue
        params = obj.get("parameters") or {}
        sku = params.get("skuName")
        if sku not in ZONAL_SKUS:
            continue
        name = (obj.get("metadata") or {}).get("name", "?")
        new_params = dict(params)
        if sku == "UltraSSD_LRS" and not ultra:
            target = "PremiumV2_LRS" if zonal else "Premium_LRS"
            report.fixed("ultra_disk_without_ultra_pool", f"StorageClass {name}: UltraSSD_LRS needs a zonal Linux "
                         f"pool with enableUltraSSD; none is planned -> {target}")
            sku = target
        if sku == "PremiumV2_LRS" and not zonal:
            report.fixed("zonal_disk_without_zonal_pool", f"StorageClass {name}: {params['skuName']} attaches only to "
                         "zonal VMs and no node pool has zones -> Premium_LRS")
            sku = "Premium_LRS"
        if sku == params["skuName"]:
            continue
        new_params["skuName"] = sku
        limits = disk_skus()[sku]
        for key, cap, floor in (("DiskIOPSReadWrite", limits.max_iops, limits.min_iops),
                                ("DiskMBpsReadWrite", limits.max_mbps, limits.min_mbps)):
            if key in new_params:
                if limits.takes_perf_params:
                    new_params[key] = str(min(max(int(float(new_params[key])), floor or 0), cap))
                else:
                    del new_params[key]
        if not limits.takes_perf_params and new_params.get("cachingMode") == "None":
            del new_params["cachingMode"]  # Premium SSD takes host caching (ReadOnly by default)
        new = dict(obj)
        new["parameters"] = new_params
        wl.objects[i] = new
