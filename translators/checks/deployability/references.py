"""References: the objects the estate defines (:class:`_Estate`, with the Secrets operator objects make), the
objects a pod spec or another object names, the claims of a pod and whether they use zonal disks, and the
findings filed under referenced objects."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from translators.checks.deployability.constants import (
    BUILTIN_INGRESS_CLASSES, BUILTIN_NAMESPACES, BUILTIN_PRIORITY_CLASSES, BUILTIN_STORAGE_CLASSES)
from translators.checks.deployability.pods import PodView
from translators.findings import Finding
from translators.shapes import as_dict


def _provided_secrets(o: dict[str, Any]) -> list[str]:
    """Names of the Secrets an operator object makes in its namespace: SecretProviderClass ``secretObjects``,
    ExternalSecret ``target.name`` (default its own name), cert-manager Certificate ``secretName``, SealedSecret."""
    kind = o.get("kind")
    if kind not in ("SecretProviderClass", "ExternalSecret", "Certificate", "SealedSecret"):
        return []
    spec = as_dict(o.get("spec"))
    name = str((o.get("metadata") or {}).get("name", ""))
    if kind == "SecretProviderClass":
        return [str(so["secretName"]) for so in spec.get("secretObjects") or []
                if isinstance(so, dict) and so.get("secretName")]
    if kind == "ExternalSecret":
        target = as_dict(spec.get("target"))
        return [str(target.get("name") or name)]
    return [str(spec.get("secretName") or name)]


class _Estate:
    """Indexes of the emitted objects: names by (kind, namespace), providers of Secrets, PVC classes."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.names: dict[tuple[str, str], set[str]] = {}
        self.pvcs: dict[tuple[str, str], dict[str, Any]] = {}
        self.classes: dict[str, dict[str, Any]] = {}
        self.default_class: str | None = None
        for o in objects:
            kind = str(o.get("kind", ""))
            md = as_dict(o.get("metadata"))
            ns, name = str(md.get("namespace") or ""), str(md.get("name", ""))
            self.names.setdefault((kind, ns), set()).add(name)
            if kind == "PersistentVolumeClaim":
                self.pvcs[(ns or "default", name)] = o
            elif kind == "StorageClass":
                self.classes[name] = o
                if str((md.get("annotations") or {}).get("storageclass.kubernetes.io/is-default-class")) == "true":
                    self.default_class = name
            for secret in _provided_secrets(o):
                self.names.setdefault(("Secret", ns), set()).add(secret)

    def has(self, kind: str, ns: str, name: str) -> bool:
        if kind == "Namespace":
            return name in BUILTIN_NAMESPACES or name in self.names.get(("Namespace", ""), ())
        if kind == "ServiceAccount" and name == "default":
            return True
        if kind == "StorageClass" and name in BUILTIN_STORAGE_CLASSES:
            return True
        if kind == "PriorityClass" and name in BUILTIN_PRIORITY_CLASSES:
            return True
        if kind == "IngressClass" and name in BUILTIN_INGRESS_CLASSES:
            return True
        if kind == "ConfigMap" and name == "kube-root-ca.crt":
            return True
        return name in self.names.get((kind, ns), ())

    def zonal_class(self, name: str | None) -> bool:
        from translators.storage.disk import disk_skus

        sc = self.classes.get(name or self.default_class or "")
        sku = str(((sc or {}).get("parameters") or {}).get("skuName", ""))
        row = disk_skus().get(sku)
        return bool(row and row.zonal)


def _check_object_refs(obj: dict[str, Any], kind: str, ns: str, estate: _Estate, add: Any, known: str) -> None:
    """Reference findings of non-pod objects; a reference an earlier finding on the object already names
    (``known``: their messages) is not reported twice."""
    spec = as_dict(obj.get("spec"))
    if kind == "PersistentVolumeClaim":
        sc = spec.get("storageClassName")
        if sc and not estate.has("StorageClass", "", str(sc)):
            add("SCH-005", f"StorageClass {sc} is not defined (the claim stays Pending)")
        if spec.get("volumeName") and not estate.has("PersistentVolume", "", str(spec["volumeName"])) \
                and str(spec["volumeName"]) not in known:
            add("SCH-005", f"PersistentVolume {spec['volumeName']} is not defined (the claim stays Pending)")
    elif kind == "Ingress" and spec.get("ingressClassName"):
        ic = str(spec["ingressClassName"])
        if not estate.has("IngressClass", "", ic):
            add("SCH-005", f"IngressClass {ic} is not defined (no controller serves the Ingress)", "medium")
    elif kind == "StatefulSet":
        for vct in spec.get("volumeClaimTemplates") or []:
            sc = (vct.get("spec") or {}).get("storageClassName") if isinstance(vct, dict) else None
            if sc and not estate.has("StorageClass", "", str(sc)):
                add("SCH-005", f"StorageClass {sc} of volumeClaimTemplate {vct.get('metadata', {}).get('name')} is "
                               "not defined (the pods stay Pending)")


def _view_refs(view: PodView) -> Iterator[tuple[str, str, str]]:
    """``(kind, name, severity)`` of every object the pod spec names (optional references skipped)."""
    spec = view.spec
    for v in spec.get("volumes") or []:
        if not isinstance(v, dict):
            continue
        if isinstance(v.get("secret"), dict) and v["secret"].get("secretName") and not v["secret"].get("optional"):
            yield "Secret", str(v["secret"]["secretName"]), "high"
        if isinstance(v.get("configMap"), dict) and v["configMap"].get("name") and not v["configMap"].get("optional"):
            yield "ConfigMap", str(v["configMap"]["name"]), "high"
        if isinstance(v.get("persistentVolumeClaim"), dict) and v["persistentVolumeClaim"].get("claimName"):
            yield "PersistentVolumeClaim", str(v["persistentVolumeClaim"]["claimName"]), "high"
        csi = as_dict(v.get("csi"))
        spc = (csi.get("volumeAttributes") or {}).get("secretProviderClass") \
            if csi.get("driver") == "secrets-store.csi.k8s.io" and isinstance(csi.get("volumeAttributes"), dict) else None
        if spc:  # the Secrets Store CSI driver cannot mount without it: the pod stays ContainerCreating
            yield "SecretProviderClass", str(spc), "high"
        for src in (v.get("projected") or {}).get("sources") or [] if isinstance(v.get("projected"), dict) else []:
            for key, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                s = src.get(key) if isinstance(src, dict) else None
                if isinstance(s, dict) and s.get("name") and not s.get("optional"):
                    yield kind, str(s["name"]), "high"
    for c in view.containers():
        for e in c.get("env") or []:
            vf = e.get("valueFrom") if isinstance(e, dict) else None
            for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                s = vf.get(key) if isinstance(vf, dict) else None
                if isinstance(s, dict) and s.get("name") and not s.get("optional"):
                    yield kind, str(s["name"]), "high"
        for e in c.get("envFrom") or []:
            for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                s = e.get(key) if isinstance(e, dict) else None
                if isinstance(s, dict) and s.get("name") and not s.get("optional"):
                    yield kind, str(s["name"]), "high"
    for s in view.get("imagePullSecrets") or []:
        if isinstance(s, dict) and s.get("name"):
            yield "Secret", str(s["name"]), "low"
    pc = view.get("priorityClassName")
    if pc:
        yield "PriorityClass", str(pc), "high"


def _claims(obj: dict[str, Any], view: PodView) -> list[str]:
    vcts = {str((t.get("metadata") or {}).get("name")) for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []
            if isinstance(t, dict)} if obj.get("kind") == "StatefulSet" else set()
    out = [str(v["persistentVolumeClaim"].get("claimName")) for v in view.spec.get("volumes") or []
           if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)]
    return out + sorted(vcts)


def _claim_zonal(obj: dict[str, Any], claim: str, ns: str, estate: _Estate) -> bool:
    if obj.get("kind") == "StatefulSet":
        for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []:
            if isinstance(t, dict) and str((t.get("metadata") or {}).get("name")) == claim:
                return estate.zonal_class((t.get("spec") or {}).get("storageClassName"))
    pvc = estate.pvcs.get((ns, claim))
    if pvc is None:
        return False
    sc = (pvc.get("spec") or {}).get("storageClassName")
    return sc != "" and estate.zonal_class(sc)


def _ref_findings(wl: Any) -> dict[tuple[str, str, str], list[Finding]]:
    """``(kind, namespace, name)`` → the high/medium findings of the input object it was emitted for; a
    PersistentVolume's are also filed under the claim it is bound to (``claimRef``), an ExternalSecret's or
    SecretProviderClass' under the Secrets it makes."""
    out: dict[tuple[str, str, str], list[Finding]] = {}
    for res in wl.results:
        serious = [f for f in res.findings if f.severity in ("high", "medium")]
        if not serious:
            continue
        for o in res.objects:
            md = as_dict(o.get("metadata"))
            ns = str(md.get("namespace") or "default")
            out.setdefault((str(o.get("kind")), ns, str(md.get("name"))), []).extend(serious)
            for secret in _provided_secrets(o):  # an operator object's findings concern the Secret it makes
                out.setdefault(("Secret", ns, secret), []).extend(serious)
            claim = _pv_claim(o) if o.get("kind") == "PersistentVolume" else None
            if claim:
                ref = (o.get("spec") or {}).get("claimRef") or {}
                out.setdefault(("PersistentVolumeClaim", str(ref.get("namespace") or "default"), claim),
                               []).extend(serious)
    return out


def _pv_claim(pv: dict[str, Any]) -> str | None:
    ref = (pv.get("spec") or {}).get("claimRef")
    return str(ref.get("name")) if isinstance(ref, dict) else None
