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

from translators import options
from translators.errors import InputError
from translators.estate import DEFAULT_CLUSTER_CONFIG, DEFAULT_MANIFESTS, translate_estate
from translators.plan import AksPlan


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m translators", description="EKS estate -> AKS stack.")
    sub = p.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan", help="offline plan: run the Pulumi program under mocks (preview semantics)")
    options.add_arguments(plan, "plan")  # every translation option: translators/data/options.yaml
    plan.add_argument("--json", dest="json_out", help="write {resources, findings, outputs} to this file")
    an = sub.add_parser("analyze", help="assessment report without Pulumi (markdown, json, sarif, konveyor)")
    options.add_arguments(an, "analyze")
    an.add_argument("--format", choices=("md", "markdown", "json", "sarif", "konveyor"), default="md")
    an.add_argument("--out", help="write the report to this file (default: standard output)")
    tr = sub.add_parser("translate", help="write the translated manifests (one file per object) and the report")
    options.add_arguments(tr, "translate")
    tr.add_argument("--out", required=True, help="output folder")
    return p


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter file:line in findings)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _translate(args: argparse.Namespace) -> AksPlan | None:
    """Translate the estate named on the command line.

    Raises:
        InputError: invalid input or option value (an ``OptionError`` names the flag).
    """
    values = options.values_from_args(args, args.command)
    args.option_values = values
    opts = options.translate_options(values, values.get("stack", "dev"))
    args.stack = opts.stack
    cluster_config = values.get("clusterConfig") or _display(DEFAULT_CLUSTER_CONFIG)
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
    from translators.reports.output import write_translation
    from translators.reports.gitops import read_stack_outputs

    outputs = args.option_values.get("stackOutputs")
    try:
        filled = read_stack_outputs(outputs, args.stack_outputs) if outputs is not None else None
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    files = write_translation(plan, Path(args.out), filled)
    counts = plan.workloads.counts if plan.workloads else {}
    print(f"wrote {files} files to {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    plan = _translate_or_none(args)
    if plan is None:
        return 1
    from translators.reports.formats import ReportInput, render

    counts = plan.workloads.counts if plan.workloads else {}
    inputs = [plan.source_file, *(args.manifests if args.manifests is not None else
                                  ([_display(DEFAULT_MANIFESTS)] if args.cluster_config is None else []))]
    fmt = "markdown" if args.format == "md" else args.format
    text = render(ReportInput(findings=plan.findings, counts=counts, inputs=inputs, base_dir=str(Path.cwd())), fmt)
    if fmt == "markdown":
        from translators.reports.output import migration_artefacts

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
    from translators.reports.text import render_findings, render_tree

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
