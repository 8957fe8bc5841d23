"""Command line: ``python -m translators plan|translate ...``.

``python -m translators plan [--cluster-config FILE] [--manifests PATH ...] [--json FILE]``
``python -m translators translate [--cluster-config FILE] [--manifests PATH ...] --out DIR``
``python -m translators analyze [--cluster-config FILE] [--manifests PATH ...] --format md|json|sarif|konveyor [--out FILE]``

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
from .plan import AksPlan


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cluster-config", help="eksctl ClusterConfig file (default: the bundled example)")
    p.add_argument("--manifests", nargs="*", help="manifest files/folders (default: the bundled example's)")
    p.add_argument("--stack", default="dev", help="Pulumi stack name (default: dev)")
    p.add_argument("--ingress", choices=("approuting", "agic", "nginx"),
                   help="target for ALB Ingresses (default: approuting, the AKS application routing add-on)")
    p.add_argument("--security-groups", metavar="FILE",
                   help="`aws ec2 describe-security-groups --output json` dump: SecurityGroupPolicy rules become "
                        "NetworkPolicy peers")
    p.add_argument("--mirror-public-images", action="store_true",
                   help="also move public images (docker.io, quay.io, ...) to the stack's ACR")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m translators", description="EKS estate -> AKS stack.")
    sub = p.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="offline plan: run the Pulumi program under mocks (preview semantics)")
    _inputs(plan)
    plan.add_argument("--json", dest="json_out", help="write {resources, findings, outputs} to this file")
    plan.add_argument("--location", help="Azure region (overrides the region map)")
    plan.add_argument("--vm-size-override", action="append", default=[], metavar="EC2=AZURE",
                      help="pin a VM size for an EC2 type, e.g. m5.large=Standard_D2as_v5 (repeatable)")
    plan.add_argument("--allow-cpu-fallback", action="store_true",
                      help="plan pools of Inferentia/Trainium/... types on the closest CPU size")
    plan.add_argument("--use-lts", action="store_true", help="keep an end-of-life minor on Premium LTS")
    an = sub.add_parser("analyze", help="assessment report without Pulumi (markdown, json, sarif, konveyor)")
    _inputs(an)
    an.add_argument("--format", choices=("md", "markdown", "json", "sarif", "konveyor"), default="md")
    an.add_argument("--out", help="write the report to this file (default: standard output)")
    tr = sub.add_parser("translate", help="write the translated manifests (one file per object) and the report")
    _inputs(tr)
    tr.add_argument("--out", required=True, help="output folder")
    return p


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter file:line in findings)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _workload_options(args: argparse.Namespace) -> dict:
    opts: dict = {}
    if args.ingress:
        opts["ingress"] = args.ingress
    if args.mirror_public_images:
        opts["mirrorPublicImages"] = True
    if args.security_groups:
        from .yamlsource import read_text

        try:
            opts["securityGroups"] = json.loads(read_text(args.security_groups))
        except json.JSONDecodeError as exc:
            raise InputError(args.security_groups, exc.lineno, "", f"not valid JSON: {exc.msg}") from None
    return opts


def _translate(args: argparse.Namespace) -> AksPlan | None:
    """Translate the estate named on the command line; ``None`` (message printed) on invalid input."""
    overrides = dict(o.split("=", 1) for o in getattr(args, "vm_size_override", []) if "=" in o)
    opts = TranslateOptions(stack=args.stack, location=getattr(args, "location", None), vm_size_overrides=overrides,
                            allow_cpu_fallback=getattr(args, "allow_cpu_fallback", False),
                            use_lts=getattr(args, "use_lts", False),
                            workload_options=_workload_options(args))
    cluster_config = args.cluster_config or _display(DEFAULT_CLUSTER_CONFIG)
    manifests = args.manifests if args.manifests is not None else (
        [_display(DEFAULT_MANIFESTS)] if args.cluster_config is None and DEFAULT_MANIFESTS.exists() else [])
    with _progress() as progress:
        opts.progress = progress
        return translate_estate(cluster_config, opts, manifests)


def _progress():
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    @contextlib.contextmanager
    def bar():
        with Progress(console=Console(stderr=True), transient=True) as prog:
            task = prog.add_task("translating manifests", total=None)
            yield lambda done, total: prog.update(task, completed=done, total=total)
    return bar()


def _translate_or_none(args: argparse.Namespace) -> AksPlan | None:
    try:
        return _translate(args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return None


def cmd_translate(args: argparse.Namespace) -> int:
    plan = _translate_or_none(args)
    if plan is None:
        return 1
    from .output import write_translation

    files = write_translation(plan, Path(args.out))
    counts = plan.workloads.counts if plan.workloads else {}
    print(f"wrote {files} files to {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    plan = _translate_or_none(args)
    if plan is None:
        return 1
    from .formats import ReportInput, render

    counts = plan.workloads.counts if plan.workloads else {}
    inputs = [plan.source_file, *(args.manifests if args.manifests is not None else
                                  ([_display(DEFAULT_MANIFESTS)] if args.cluster_config is None else []))]
    fmt = "markdown" if args.format == "md" else args.format
    text = render(ReportInput(findings=plan.findings, counts=counts, inputs=inputs, base_dir=str(Path.cwd()),
                              verdicts=plan.verdicts), fmt)
    if fmt == "markdown":
        from .output import migration_artefacts

        titles = {"image-copy-plan.sh": "Image copy plan", "secrets-migration.sh": "Secrets migration plan",
                  "velero-change-image-name.yaml": "Velero change-image-name ConfigMap",
                  "velero-change-storage-class.yaml": "Velero change-storage-class ConfigMap"}
        for fname, body in migration_artefacts(plan).items():
            lang = "yaml" if fname.endswith(".yaml") else "sh"
            text += f"\n## {titles[fname]}\n\n`{fname}`\n\n```{lang}\n{body}```\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    plan = _translate_or_none(args)
    if plan is None:
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
    return {"plan": cmd_plan, "translate": cmd_translate, "analyze": cmd_analyze}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
