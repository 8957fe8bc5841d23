"""Copy the images the translated manifests pull from the stack's ACR, before the workloads (issue #11).

pulumi-command ``local.Command``s run the plan's ``az acr import`` lines (``WorkloadPlan.image_copy_commands``,
shell-quoted by the translators) on the machine running ``pulumi up`` (Azure CLI signed in; for ECR sources
the AWS CLI too), so that no Pod of the first ``up`` waits on ``ImagePullBackOff`` against an empty registry;
``--force`` makes a re-run idempotent. ``az acr import`` docs:
https://learn.microsoft.com/en-us/azure/container-registry/container-registry-import-images
"""
from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_command.local as local

from translators.plan import ImageCopy, short_hash


#: Images copied by one command: a Pulumi resource costs ~50 KB in the engine's memory, so 1,800 images as 1,800
#: resources would add ~100 MB to a 10,000-object plan; 25 per command keeps that at ~4 MB.
IMAGES_PER_COMMAND = 25


class ImageImports(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:ImageImports``: ``local.Command``s running the ``az acr import`` line of every
    image copy, :data:`IMAGES_PER_COMMAND` per command (sorted by source; ``&&``: a failed
    copy fails its command), each after ``registry`` (the ACR) exists. A command runs again when its images
    change (``triggers``); ``--force`` makes that harmless.

    Attributes: ``commands`` (the workloads depend on them).
    """

    def __init__(self, name: str, copies: Sequence[ImageCopy], registry: pulumi.Resource | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:ImageImports", name, None, opts)
        self.commands: list[local.Command] = []
        ordered = sorted(copies, key=lambda c: c["source"])
        for start in range(0, len(ordered), IMAGES_PER_COMMAND):
            chunk = ordered[start:start + IMAGES_PER_COMMAND]
            label = (f"import-{start // IMAGES_PER_COMMAND + 1:03d}-"
                     f"{short_hash(*(c['source'] + c['target'] for c in chunk), length=6)}")
            self.commands.append(local.Command(
                label, create=" && ".join(c["command"] for c in chunk),
                triggers=[f"{c['source']} -> {c['target']}" for c in chunk],
                opts=pulumi.ResourceOptions(parent=self, depends_on=[registry] if registry else None)))
        self.register_outputs({"images": len(ordered), "commands": len(self.commands)})
