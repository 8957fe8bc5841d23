"""Command line: ``python -m translators plan [--cluster-config FILE] [--manifests PATH ...] [--json FILE]``.

``plan`` translates the estate and runs the real Pulumi program under the SDK's
mocks with preview semantics (no Pulumi CLI, no cloud credentials), then prints
the resource tree as ``pulumi preview`` would and the findings by severity.
Exit status: 0 planned, 1 invalid input (message names file, line and field),
2 bad command line.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import InputError
from .estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, TranslateOptions, translate_estate
from .findings import finding


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m translators", description="EKS estate -> AKS stack.")
    sub = p.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="offline plan: run the Pulumi program under mocks (preview semantics)")
    plan.add_argument("--cluster-config", help="eksctl ClusterConfig file (default: the bundled example)")
    plan.add_argument("--manifests", nargs="*", help="manifest files/folders (default: the bundled example's)")
    plan.add_argument("--json", dest="json_out", help="write {resources, findings, outputs} to this file")
    plan.add_argument("--stack", default="dev", help="Pulumi stack name (default: dev)")
    plan.add_argument("--location", help="Azure region (overrides the region map)")
    plan.add_argument("--vm-size-override", action="append", default=[], metavar="EC2=AZURE",
                      help="pin a VM size for an EC2 type, e.g. m5.large=Standard_D2as_v5 (repeatable)")
    plan.add_argument("--allow-cpu-fallback", action="store_true",
                      help="plan pools of Inferentia/Trainium/... types on the closest CPU size")
    plan.add_argument("--use-lts", action="store_true", help="keep an end-of-life minor on Premium LTS")
    return p


def _manifest_findings(paths: list[str]) -> list:
    from .k8s import load_manifests

    objects = load_manifests(paths)
    if not objects:
        return []
    return [finding("INP-002", f"{len(objects)} manifest objects read from {', '.join(paths)}; workload "
                               "translation is not part of this plan yet")]


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter file:line in findings)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_plan(args: argparse.Namespace) -> int:
    overrides = dict(o.split("=", 1) for o in args.vm_size_override if "=" in o)
    opts = TranslateOptions(stack=args.stack, location=args.location, vm_size_overrides=overrides,
                            allow_cpu_fallback=args.allow_cpu_fallback, use_lts=args.use_lts)
    cluster_config = args.cluster_config or _display(DEFAULT_CLUSTER_CONFIG)
    manifests = args.manifests if args.manifests is not None else (
        [_display(DEFAULT_MANIFESTS)] if args.cluster_config is None and DEFAULT_MANIFESTS.exists() else [])
    try:
        plan = translate_estate(cluster_config, opts)
        plan.findings.extend(_manifest_findings(manifests))
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    from offline.runner import PROJECT, run_offline  # imports Pulumi: only for this command

    result = run_offline(plan, stack=args.stack)
    from .report import render_findings, render_tree

    print(render_tree(result.resources, PROJECT, args.stack))
    print()
    print(render_findings(plan.findings))
    if args.json_out:
        doc = {"resources": [{k: r[k] for k in ("type", "name", "parent", "inputs")} for r in result.resources],
               "findings": [f.as_json() for f in plan.findings], "outputs": result.outputs}
        Path(args.json_out).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return {"plan": cmd_plan}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
