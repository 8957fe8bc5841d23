"""Copy the images the translated manifests pull from the stack's ACR, before the workloads (issue #11).

One pulumi-command ``local.Command`` per image of the copy plan (``imageCopyPlan``: source → ACR image) runs
``az acr import`` on the machine running ``pulumi up`` (Azure CLI signed in; for ECR sources the AWS CLI too),
so that no Pod of the first ``up`` waits on ``ImagePullBackOff`` against an empty registry. Arguments are
quoted with :func:`shlex.quote`; ``--force`` makes a re-run idempotent. ``az acr import`` docs:
https://learn.microsoft.com/en-us/azure/container-registry/container-registry-import-images
"""
from __future__ import annotations

import shlex
from collections.abc import Iterable

import pulumi
import pulumi_command.local as local

from translators.naming import short_hash
from translators.registry_images import ecr_host, parse_image


def import_command(source: str, target: str) -> str:
    """The shell command copying image ``source`` into ACR image ``target`` (``<acr>.azurecr.io/<repo>:<tag>``).

    ``az acr import --name <acr> --source <host/path:tag|@digest> --image <repo:tag> --force`` (``--repository``
    for a digest-only target); an ECR source adds ``--username AWS --password "$(aws ecr get-login-password
    --region <region>)"`` (the region from the host, else ``$AWS_REGION``). Every argument is shell-quoted.

    Raises:
        ValueError: ``target`` has no registry host.
    """
    src, tgt = parse_image(source), parse_image(target)
    if not tgt.host:
        raise ValueError(f"image copy target {target!r} has no registry host")
    host = src.host or "docker.io"
    path = src.path if src.host or "/" in src.path else f"library/{src.path}"
    full = f"{host}/{path}" + (f"@{src.digest}" if src.digest else f":{src.tag or 'latest'}")
    argv = ["az", "acr", "import", "--name", tgt.host.split(".", 1)[0], "--source", full]
    argv += ["--image", f"{tgt.path}:{tgt.tag}"] if tgt.tag else ["--repository", tgt.path]
    argv.append("--force")
    cmd = shlex.join(argv)
    ecr = ecr_host(src.host)
    if ecr is not None:
        region = shlex.quote(ecr["region"]) if ecr["region"] else '"${AWS_REGION:?set AWS_REGION}"'
        cmd += f' --username AWS --password "$(aws ecr get-login-password --region {region})"'
    return cmd


#: Images copied by one command: a Pulumi resource costs ~50 KB in the engine's memory, so 1,800 images as 1,800
#: resources would add ~100 MB to a 10,000-object plan; 25 per command keeps that at ~4 MB.
IMAGES_PER_COMMAND = 25


class ImageImports(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:ImageImports``: ``local.Command``s running :func:`import_command` for every
    ``(source, target)`` image pair, :data:`IMAGES_PER_COMMAND` per command (sorted by source; ``&&``: a failed
    copy fails its command), each after ``registry`` (the ACR) exists. A command runs again when its images
    change (``triggers``); ``--force`` makes that harmless.

    Attributes: ``commands`` (the workloads depend on them).
    """

    def __init__(self, name: str, pairs: Iterable[tuple[str, str]], registry: pulumi.Resource | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:ImageImports", name, None, opts)
        self.commands: list[local.Command] = []
        ordered = sorted(dict(pairs).items())
        for start in range(0, len(ordered), IMAGES_PER_COMMAND):
            chunk = ordered[start:start + IMAGES_PER_COMMAND]
            label = f"import-{start // IMAGES_PER_COMMAND + 1:03d}-{short_hash(*(s + t for s, t in chunk), length=6)}"
            self.commands.append(local.Command(
                label, create=" && ".join(import_command(s, t) for s, t in chunk),
                triggers=[f"{s} -> {t}" for s, t in chunk],
                opts=pulumi.ResourceOptions(parent=self, depends_on=[registry] if registry else None)))
        self.register_outputs({"images": len(ordered), "commands": len(self.commands)})
