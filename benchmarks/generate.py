"""Deterministic generator of synthetic EKS estates for the eks-to-aks benchmarks.

``generate(n, out_dir)`` writes ``out_dir/cluster.yaml`` (an eksctl ClusterConfig with many node
groups and IRSA service accounts) and ``out_dir/manifests/*.yaml`` holding exactly ``n`` Kubernetes
objects. The mix is modelled on the bundled example estate (``examples/``): per team namespace,
IRSA ServiceAccounts + Deployments/StatefulSets/CronJobs pulling ECR images, Services with AWS
load-balancer annotations, ALB Ingresses, EBS/EFS PVCs, AWS SecretProviderClasses, Secrets,
ConfigMaps with AWS endpoints, SecurityGroupPolicies, and portable objects (docker.io Deployment,
Service, HPA, nginx ConfigMap); cluster-wide EBS/EFS StorageClasses, an ALB IngressClass,
Karpenter NodePools/EC2NodeClasses and Velero locations/schedules.

The RNG is seeded (``random.Random(SEED)``) and nothing depends on the clock, the host or dict
ordering, so the same ``n`` always gives the same bytes.

Usage::

    python benchmarks/generate.py 1000 /tmp/estate-1000
"""
from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

SEED = 20240611
ACCOUNT = "123456789012"
REGION = "us-east-1"
CLUSTER = "bench-prod"
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
OBJECTS_PER_FILE = 50  # one manifest file per team namespace (~50 objects each)

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# EBS / EFS StorageClass templates (name stem, provisioner, parameters, extra fields)
STORAGE_CLASSES: list[tuple[str, str, dict[str, str], dict[str, Any]]] = [
    ("ebs-gp3", "ebs.csi.aws.com", {"type": "gp3", "csi.storage.k8s.io/fstype": "ext4"},
     {"reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True}),
    ("ebs-gp3-fast", "ebs.csi.aws.com",
     {"type": "gp3", "iops": "16000", "throughput": "1000", "encrypted": "true",
      "kmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/7c2e9b14-55d0-4a8f-b3e1-0f6a2d9c8e41"},
     {"reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True}),
    ("ebs-io2", "ebs.csi.aws.com", {"type": "io2", "iopsPerGB": "50", "encrypted": "true"},
     {"reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer"}),
    ("ebs-st1", "ebs.csi.aws.com", {"type": "st1"},
     {"reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"}),
    ("gp2-legacy", "kubernetes.io/aws-ebs", {"type": "gp2", "fsType": "ext4"},
     {"reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}),
    ("efs-shared", "efs.csi.aws.com",
     {"provisioningMode": "efs-ap", "fileSystemId": "fs-04c7d2e9a1b3f5068", "directoryPerms": "750",
      "basePath": "/shared"},
     {"reclaimPolicy": "Delete", "volumeBindingMode": "Immediate", "mountOptions": ["tls"]}),
]
INSTANCE_TYPES = ["m5.xlarge", "c5.2xlarge", "r5.large", "m5a.xlarge", "c6i.xlarge", "r6i.2xlarge",
                  "m6i.4xlarge", "m6g.large", "m7g.xlarge", "c7g.large", "t3.large"]
AWS_POLICIES = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
                "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", "arn:aws:iam::aws:policy/AmazonSNSFullAccess",
                "arn:aws:iam::aws:policy/SecretsManagerReadWrite"]
PORTABLE_IMAGES = ["docker.io/nginxinc/nginx-unprivileged:1.27-alpine", "docker.io/library/redis:7.4",
                   "quay.io/prometheus/node-exporter:v1.8.2", "ghcr.io/example/web:1.0.3"]
PUBLIC_ECR_IMAGES = ["public.ecr.aws/docker/library/postgres:16.4",
                     "public.ecr.aws/opensearchproject/opensearch:2.17.1",
                     "public.ecr.aws/bitnami/kafka:3.8.0"]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


class _Estate:
    """Builds the estate object by object (all randomness from one seeded RNG)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = random.Random(SEED)
        self.storage_classes = [f"{stem}-{i:03d}" if i else stem
                                for i in range(max(1, n // 600)) for stem, *_ in STORAGE_CLASSES]
        self.ebs_classes = [c for c in self.storage_classes if not c.startswith("efs")]
        self.efs_classes = [c for c in self.storage_classes if c.startswith("efs")]
        self.roles: list[str] = []  # IRSA role names used by ServiceAccount annotations
        self.service_accounts: list[tuple[str, str, str]] = []  # (namespace, name, role)

    # ------------------------------------------------------------------ helpers
    def _env(self, app: str) -> list[dict[str, Any]]:
        r = self.rng
        env = [{"name": "AWS_REGION", "value": REGION}, {"name": "AWS_DEFAULT_REGION", "value": REGION}]
        pool = [
            ("S3_ENDPOINT", f"https://s3.{REGION}.amazonaws.com"),
            ("MEDIA_BUCKET", f"s3://{CLUSTER}-{app}-media/"),
            ("QUEUE_URL", f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{app}-events"),
            ("TABLE_ENDPOINT", f"https://dynamodb.{REGION}.amazonaws.com"),
            ("DB_HOST", f"{app}.cluster-{_hex(r, 12)}.{REGION}.rds.amazonaws.com"),
            ("CACHE_URL", f"rediss://master.{app}.{_hex(r, 6)}.use1.cache.amazonaws.com:6379"),
            ("TOPIC_ARN", f"arn:aws:sns:{REGION}:{ACCOUNT}:{app}-notify"),
            ("LOG_LEVEL", r.choice(["info", "debug", "warn"])),
        ]
        env += [{"name": k, "value": v} for k, v in r.sample(pool, r.randint(2, 5))]
        return env

    def _container(self, app: str, image: str, port: int | None = 8080) -> dict[str, Any]:
        r = self.rng
        c: dict[str, Any] = {"name": app.split("-")[0], "image": image, "env": self._env(app),
                             "resources": {"requests": {"cpu": f"{r.choice([100, 250, 500, 1000])}m",
                                                        "memory": f"{r.choice([128, 256, 512, 1024])}Mi"}}}
        if port:
            c["ports"] = [{"name": "http", "containerPort": port}]
            c["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}}
        return c

    def _ecr_image(self, team: str, app: str) -> str:
        r = self.rng
        if r.random() < 0.2:
            return f"{ECR}/{team}/{app}@sha256:{_hex(r, 64)}"
        return f"{ECR}/{team}/{app}:{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}"

    def _pod_spec(self, containers: list[dict[str, Any]], sa: str | None) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if sa:
            spec["serviceAccountName"] = sa
        if self.rng.random() < 0.5:
            spec["nodeSelector"] = {"pool": self.rng.choice(["general", "batch", "arm", "memory"])}
        spec["containers"] = containers
        return spec

    def _role(self, team: str, app: str) -> str:
        # a third of the ServiceAccounts share a role with the previous one (as catalog-api/search-indexer do)
        if self.roles and self.rng.random() < 0.33:
            return self.roles[-1]
        role = f"{CLUSTER}-{team}-{app}"
        self.roles.append(role)
        return role

    def _service_account(self, ns: str, team: str, app: str) -> dict[str, Any]:
        role = self._role(team, app)
        self.service_accounts.append((ns, app, role))
        ann = {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/{role}"}
        if self.rng.random() < 0.2:
            ann["eks.amazonaws.com/sts-regional-endpoints"] = "true"
        return {"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": app, "namespace": ns, "annotations": ann}}

    @staticmethod
    def _deployment(ns: str, app: str, pod: dict[str, Any], replicas: int) -> dict[str, Any]:
        return {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": app, "namespace": ns, "labels": {"app": app}},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app}},
                         "template": {"metadata": {"labels": {"app": app}}, "spec": pod}}}

    @staticmethod
    def _service(ns: str, app: str, port: int = 8080, annotations: dict[str, str] | None = None,
                 lb: bool = False) -> dict[str, Any]:
        md: dict[str, Any] = {"name": app, "namespace": ns}
        if annotations:
            md["annotations"] = annotations
        spec: dict[str, Any] = {"selector": {"app": app},
                                "ports": [{"name": "http", "port": port, "targetPort": "http"}]}
        if lb:
            spec = {"type": "LoadBalancer", **spec, "loadBalancerSourceRanges": ["10.40.0.0/16"]}
        return {"apiVersion": "v1", "kind": "Service", "metadata": md, "spec": spec}

    # ------------------------------------------------------------------ bundles
    def irsa_api(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        app = f"api-{i:05d}"
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{app}-runtime", "namespace": ns},
              "data": {"TABLE": f"{team}-{app}", "DYNAMODB_ENDPOINT": f"https://dynamodb.{REGION}.amazonaws.com",
                       "QUEUE_URL": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{app}.fifo",
                       "IMDS_URL": "http://169.254.169.254/latest/meta-data/placement/availability-zone",
                       "AWS_STS_REGIONAL_ENDPOINTS": "regional"}}
        c = self._container(app, self._ecr_image(team, app))
        c["envFrom"] = [{"configMapRef": {"name": f"{app}-runtime"}}]
        return [self._service_account(ns, team, app), cm,
                self._deployment(ns, app, self._pod_spec([c], app), self.rng.randint(1, 5)),
                self._service(ns, app)]

    def lb_api(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        app = f"edge-{i:05d}"
        r = self.rng
        dep = self._deployment(ns, app, self._pod_spec([self._container(app, self._ecr_image(team, app))], None),
                               r.randint(2, 6))
        if r.random() < 0.5:
            svc = self._service(ns, app, 443, {
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": r.choice(["internal", "internet-facing"]),
                "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/healthz",
                "service.beta.kubernetes.io/aws-load-balancer-ssl-cert":
                    f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{_hex(r, 8)}-{_hex(r, 4)}-{_hex(r, 4)}",
                "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
                "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": f"team={team}"}, lb=True)
            svc["spec"]["loadBalancerClass"] = "service.k8s.aws/nlb"
        else:
            svc = self._service(ns, app, 8080, {
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true"}, lb=True)
        host = f"{app}.{team}.example.com"
        ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": app, "namespace": ns, "annotations": {
                   "alb.ingress.kubernetes.io/scheme": "internet-facing",
                   "alb.ingress.kubernetes.io/target-type": "ip",
                   "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
                   "alb.ingress.kubernetes.io/ssl-redirect": "443",
                   "alb.ingress.kubernetes.io/certificate-arn":
                       f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{_hex(r, 8)}-{_hex(r, 4)}-{_hex(r, 4)}",
                   "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
                   "alb.ingress.kubernetes.io/group.name": f"{team}-public",
                   "external-dns.alpha.kubernetes.io/hostname": host}},
               "spec": {"ingressClassName": "alb", "rules": [{"host": host, "http": {"paths": [
                   {"path": "/", "pathType": "Prefix",
                    "backend": {"service": {"name": app, "port": {"name": "http"}}}}]}}]}}
        return [dep, svc, ing]

    def stateful(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        app = f"db-{i:05d}"
        r = self.rng
        c = self._container(app, r.choice(PUBLIC_ECR_IMAGES), 5432)
        c["envFrom"] = [{"secretRef": {"name": f"{app}-creds"}}]
        c["volumeMounts"] = [{"name": "data", "mountPath": "/var/lib/data"}]
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": app, "namespace": ns, "labels": {"app": app}},
               "spec": {"serviceName": app, "replicas": r.randint(1, 3), "selector": {"matchLabels": {"app": app}},
                        "template": {"metadata": {"labels": {"app": app}}, "spec": self._pod_spec([c], None)},
                        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                            "accessModes": ["ReadWriteOnce"], "storageClassName": r.choice(self.ebs_classes),
                            "resources": {"requests": {"storage": f"{r.choice([20, 50, 100, 200])}Gi"}}}}]}}
        svc = self._service(ns, app, 5432)
        svc["spec"]["clusterIP"] = "None"
        secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": f"{app}-creds", "namespace": ns},
                  "type": "Opaque",
                  "stringData": {"DB_HOST": f"{app}.cluster-{_hex(r, 12)}.{REGION}.rds.amazonaws.com",
                                 "DB_USER": "app", "DB_PASSWORD": f"not-a-real-password-{_hex(r, 6)}"}}
        return [sts, svc, secret]

    def batch(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        app = f"job-{i:05d}"
        c = self._container(app, self._ecr_image(team, app), None)
        c["args"] = ["--older-than=90d", "--format=parquet"]
        pod = self._pod_spec([c], app)
        pod["restartPolicy"] = "OnFailure"
        cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": app, "namespace": ns},
                "spec": {"schedule": f"{self.rng.randint(0, 59)} {self.rng.randint(0, 23)} * * *",
                         "concurrencyPolicy": "Forbid",
                         "jobTemplate": {"spec": {"backoffLimit": 2, "template": {
                             "metadata": {"labels": {"app": app}}, "spec": pod}}}}}
        return [self._service_account(ns, team, app), cron]

    def storage(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        r = self.rng
        return [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                 "metadata": {"name": f"data-{i:05d}", "namespace": ns},
                 "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": r.choice(self.ebs_classes),
                          "resources": {"requests": {"storage": f"{r.choice([10, 50, 100])}Gi"}}}},
                {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                 "metadata": {"name": f"shared-{i:05d}", "namespace": ns},
                 "spec": {"accessModes": ["ReadWriteMany"], "storageClassName": r.choice(self.efs_classes),
                          "resources": {"requests": {"storage": "20Gi"}}}}]

    def secrets(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        app = f"pay-{i:05d}"
        r = self.rng
        arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{team}/{app}/keys-{_hex(r, 6)}"
        spc = {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
               "metadata": {"name": app, "namespace": ns},
               "spec": {"provider": "aws", "parameters": {"region": REGION, "objects": (
                   f'- objectName: "{arn}"\n  objectType: "secretsmanager"\n  objectAlias: "keys.json"\n'
                   f'- objectName: "/{team}/prod/{app}/threshold"\n  objectType: "ssmparameter"\n')},
                   "secretObjects": [{"secretName": f"{app}-keys", "type": "Opaque",
                                      "data": [{"objectName": "keys.json", "key": "KEYS"}]}]}}
        c = self._container(app, self._ecr_image(team, app))
        c["volumeMounts"] = [{"name": "secrets", "mountPath": "/mnt/secrets", "readOnly": True}]
        pod = self._pod_spec([c], None)
        pod["volumes"] = [{"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                                      "volumeAttributes": {"secretProviderClass": app}}}]
        sgp = {"apiVersion": "vpcresources.k8s.aws/v1beta1", "kind": "SecurityGroupPolicy",
               "metadata": {"name": f"{app}-pods", "namespace": ns},
               "spec": {"podSelector": {"matchLabels": {"app": app}},
                        "securityGroups": {"groupIds": [f"sg-0{_hex(r, 16)}"]}}}
        return [spc, self._deployment(ns, app, pod, r.randint(1, 3)), sgp]

    def portable(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        app = f"web-{i:05d}"
        r = self.rng
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{app}-nginx", "namespace": ns},
              "data": {"default.conf": "server {\n  listen 8080;\n  location / { try_files $uri /index.html; }\n}\n"}}
        c = self._container(app, r.choice(PORTABLE_IMAGES))
        c["env"] = [e for e in c["env"] if e["name"] == "LOG_LEVEL"]
        hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": app, "namespace": ns},
               "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app},
                        "minReplicas": 2, "maxReplicas": r.randint(4, 20),
                        "metrics": [{"type": "Resource", "resource": {
                            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 65}}}]}}
        return [cm, self._deployment(ns, app, self._pod_spec([c], None), 2), self._service(ns, app), hpa]

    def plain_secret(self, ns: str, team: str, i: int) -> list[dict[str, Any]]:
        return [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": f"cfg-{i:05d}", "namespace": ns},
                 "type": "Opaque", "stringData": {"API_TOKEN": f"not-a-real-token-{_hex(self.rng, 8)}"}}]

    # bundle, weight (objects per bundle: 4, 3, 3, 2, 2, 3, 4, 1)
    BUNDLES: list[tuple[str, int]] = [("irsa_api", 30), ("lb_api", 12), ("stateful", 8), ("batch", 10),
                                      ("storage", 10), ("secrets", 8), ("portable", 15), ("plain_secret", 7)]

    # ------------------------------------------------------------------ cluster-wide objects
    def cluster_objects(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        templates = {stem: (prov, params, extra) for stem, prov, params, extra in STORAGE_CLASSES}
        for name in self.storage_classes:
            stem = name if name in templates else name.rsplit("-", 1)[0]
            prov, params, extra = templates[stem]
            md: dict[str, Any] = {"name": name}
            if name == "ebs-gp3":
                md["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
            out.append({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": md,
                        "provisioner": prov, "parameters": dict(params), **extra})
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "alb"},
                    "spec": {"controller": "ingress.k8s.aws/alb"}})
        for i in range(max(1, self.n // 1000)):
            nc = f"bench-al2023-{i:02d}"
            out.append({"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": f"burst-{i:02d}"},
                        "spec": {"template": {"metadata": {"labels": {"pool": "burst"}}, "spec": {
                            "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": nc},
                            "requirements": [
                                {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]},
                                {"key": "karpenter.sh/capacity-type", "operator": "In",
                                 "values": ["spot", "on-demand"]},
                                {"key": "karpenter.k8s.aws/instance-category", "operator": "In",
                                 "values": ["c", "m", "r"]},
                                {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt",
                                 "values": ["5"]}]}},
                                 "limits": {"cpu": "256", "memory": "1024Gi"},
                                 "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized",
                                                "consolidateAfter": "5m"}}})
            out.append({"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": {"name": nc},
                        "spec": {"role": f"KarpenterNodeRole-{CLUSTER}", "amiSelectorTerms": [{"alias": "al2023@latest"}],
                                 "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": CLUSTER}}],
                                 "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": CLUSTER}}],
                                 "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
                                 "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {
                                     "volumeSize": "80Gi", "volumeType": "gp3", "encrypted": True}}]}})
        out.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "velero"}})
        out.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
            "name": "velero-server", "namespace": "velero",
            "annotations": {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/{CLUSTER}-velero"}}})
        for i in range(max(1, self.n // 2000)):
            out.append({"apiVersion": "velero.io/v1", "kind": "BackupStorageLocation",
                        "metadata": {"name": f"s3-{i:02d}", "namespace": "velero"},
                        "spec": {"provider": "aws", "default": i == 0,
                                 "objectStorage": {"bucket": f"{CLUSTER}-velero-{i:02d}", "prefix": CLUSTER},
                                 "config": {"region": REGION, "serverSideEncryption": "aws:kms"}}})
            out.append({"apiVersion": "velero.io/v1", "kind": "VolumeSnapshotLocation",
                        "metadata": {"name": f"ebs-{i:02d}", "namespace": "velero"},
                        "spec": {"provider": "aws", "config": {"region": REGION}}})
            out.append({"apiVersion": "velero.io/v1", "kind": "Schedule",
                        "metadata": {"name": f"nightly-{i:02d}", "namespace": "velero"},
                        "spec": {"schedule": "30 2 * * *", "template": {
                            "storageLocation": f"s3-{i:02d}", "volumeSnapshotLocations": [f"ebs-{i:02d}"],
                            "snapshotVolumes": True, "ttl": "336h0m0s"}}})
        return out

    def team_files(self, budget: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Yield (file stem, objects) per team namespace until ``budget`` objects are emitted."""
        names = [b for b, _ in self.BUNDLES]
        weights = [w for _, w in self.BUNDLES]
        left, team_no, idx = budget, 0, 0
        while left > 0:
            team = f"team-{team_no:04d}"
            objs: list[dict[str, Any]] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {
                "name": team, "labels": {"app.kubernetes.io/part-of": "bench", "team": team}}}]
            while len(objs) < min(OBJECTS_PER_FILE, left):
                bundle: Callable[[str, str, int], list[dict[str, Any]]] = getattr(
                    self, self.rng.choices(names, weights)[0])
                objs += bundle(team, team, idx)
                idx += 1
            objs = objs[:min(OBJECTS_PER_FILE, left)]
            left -= len(objs)
            yield team, objs
            team_no += 1

    # ------------------------------------------------------------------ eksctl ClusterConfig
    def cluster_config(self) -> dict[str, Any]:
        r = self.rng
        n_groups = max(4, min(80, self.n // 125))
        groups = []
        for i in range(n_groups):
            it = INSTANCE_TYPES[i % len(INSTANCE_TYPES)]
            g: dict[str, Any] = {"name": f"ng-{i:03d}", "instanceType": it, "minSize": 0,
                                 "maxSize": r.randint(3, 20), "desiredCapacity": r.randint(1, 3),
                                 "volumeSize": r.choice([50, 100, 200]), "volumeType": "gp3",
                                 "availabilityZones": list(ZONES), "privateNetworking": True,
                                 "labels": {"pool": ["general", "batch", "arm", "memory"][i % 4], "group": f"ng-{i:03d}"}}
            if i % 5 == 1:
                g["spot"] = True
                g["instanceTypes"] = [it, INSTANCE_TYPES[(i + 1) % len(INSTANCE_TYPES)]]
                del g["instanceType"]
                g["taints"] = [{"key": "bench.example/spot", "value": "true", "effect": "NoSchedule"}]
            groups.append(g)
        # eksctl-managed IRSA for a third of the annotated ServiceAccounts (the rest come from annotations)
        sas = []
        for ns, name, role in self.service_accounts[::3]:
            sas.append({"metadata": {"name": name, "namespace": ns}, "roleName": role,
                        "attachPolicyARNs": r.sample(AWS_POLICIES, r.randint(1, 3))})
        pods = [{"namespace": ns, "serviceAccountName": name, "roleName": f"{role}-pi",
                 "permissionPolicyARNs": [r.choice(AWS_POLICIES)]}
                for ns, name, role in self.service_accounts[1::25]]
        return {
            "apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig",
            "metadata": {"name": CLUSTER, "region": REGION, "version": "1.31",
                         "tags": {"app": "bench", "environment": "production"}},
            "availabilityZones": list(ZONES),
            "vpc": {"cidr": "10.40.0.0/16", "nat": {"gateway": "HighlyAvailable"},
                    "clusterEndpoints": {"publicAccess": True, "privateAccess": True}},
            "kubernetesNetworkConfig": {"serviceIPv4CIDR": "172.20.0.0/16"},
            "cloudWatch": {"clusterLogging": {"enableTypes": ["api", "audit"], "logRetentionInDays": 90}},
            "iam": {"withOIDC": True, "serviceAccounts": sas, "podIdentityAssociations": pods},
            "addons": [{"name": "vpc-cni", "version": "latest"}, {"name": "coredns", "version": "latest"},
                       {"name": "kube-proxy", "version": "latest"}, {"name": "aws-ebs-csi-driver"},
                       {"name": "aws-efs-csi-driver"}, {"name": "eks-pod-identity-agent"}],
            "managedNodeGroups": groups,
        }


def _dump(docs: list[dict[str, Any]]) -> str:
    return yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=4096,
                         allow_unicode=True)


def generate(n: int, out_dir: str | Path) -> dict[str, Any]:
    """Write an estate of exactly ``n`` manifest objects to ``out_dir`` (replacing it).

    Returns:
        ``{"cluster_config": path, "manifests": folder, "files": [paths], "objects": n,
        "node_groups": int, "service_accounts": int}``.
    """
    if n < 20:
        raise ValueError("n must be at least 20 (the cluster-wide objects alone take ~12)")
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    (out / "manifests").mkdir(parents=True)
    est = _Estate(n)
    cluster_objs = est.cluster_objects()
    files: list[Path] = []
    path = out / "manifests" / "00-cluster.yaml"
    path.write_text(_dump(cluster_objs), encoding="utf-8")
    files.append(path)
    count = len(cluster_objs)
    for team, objs in est.team_files(n - count):
        path = out / "manifests" / f"{team}.yaml"
        path.write_text(_dump(objs), encoding="utf-8")
        files.append(path)
        count += len(objs)
    assert count == n, (count, n)
    cfg = est.cluster_config()
    cfg_path = out / "cluster.yaml"
    cfg_path.write_text(f"# synthetic eks-to-aks benchmark estate: {n} objects, seed {SEED}\n" + _dump([cfg]),
                        encoding="utf-8")
    return {"cluster_config": str(cfg_path), "manifests": str(out / "manifests"),
            "files": [str(cfg_path)] + [str(f) for f in files], "objects": n,
            "node_groups": len(cfg["managedNodeGroups"]), "service_accounts": len(cfg["iam"]["serviceAccounts"])}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of Kubernetes objects")
    ap.add_argument("out_dir", help="output folder (replaced)")
    args = ap.parse_args(argv)
    info = generate(args.n, args.out_dir)
    print(f"{info['objects']} objects in {len(info['files']) - 1} manifest files, {info['node_groups']} node groups, "
          f"{info['service_accounts']} eksctl service accounts -> {args.out_dir}")


if __name__ == "__main__":
    main()
