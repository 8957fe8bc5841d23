"""Command line: ``python -m translators plan|translate ...``.

``python -m translators plan [--cluster-config FILE] [--manifests PATH ...] [--json FILE]``
``python -m translators translate [--cluster-config FILE] [--manifests PATH ...] --out DIR``
``python -m translators analyze [--cluster-config FILE] [--manifests PATH ...] --format md|json|sarif|konveyor [--out FILE]``

``plan`` translates the estate and runs the real Pulumi program under the SDK's
mocks with preview semantics (no Pulumi CLI, no cloud credentials), then prints
the resource tree as ``pulumi preview`` would and the findings by severity.
Exit status: 0 planned, 1 invalid input (message names file, line and field) or an
output that cannot be written (checked before the work; see :mod:`translators.reports.outdir`),
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


def _loading(p: argparse.ArgumentParser) -> None:
    """Flags about reading the inputs (not translation options)."""
    p.add_argument("--kustomize-timeout", type=float, metavar="SECONDS",
                   help="bound on each `kubectl kustomize` run (default 60, or EKS_TO_AKS_KUSTOMIZE_TIMEOUT)")


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
    tr.add_argument("--out", required=True,
                    help="output folder: new, empty, or written by an earlier run (its stale files are removed)")
    tr.add_argument("--force", action="store_true",
                    help="write into a non-empty folder that eks-to-aks did not write (same-name files replaced)")
    for sp in (plan, an, tr):
        _loading(sp)
    return p


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter file:line in findings)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _estate_inputs(values: dict) -> tuple[str | None, list[str]]:
    """(ClusterConfig path, manifest paths): the bundled example only when no input at all is given;
    manifests alone → ``None`` (a neutral default cluster, never the example's)."""
    cluster_config = values.get("clusterConfig", values.get("cluster_config"))
    manifests = values.get("manifests")
    if cluster_config is None and manifests is None:
        return _display(DEFAULT_CLUSTER_CONFIG), [_display(DEFAULT_MANIFESTS)] if DEFAULT_MANIFESTS.exists() else []
    return cluster_config, list(manifests or [])


def _translate(args: argparse.Namespace) -> AksPlan | None:
    """Translate the estate named on the command line.

    Raises:
        InputError: invalid input or option value (an ``OptionError`` names the flag).
    """
    values = options.values_from_args(args, args.command)
    args.option_values = values
    opts = options.translate_options(values, values.get("stack", "dev"))
    args.stack = opts.stack
    cluster_config, manifests = _estate_inputs(values)
    out = getattr(args, "out", None) or getattr(args, "json_out", None)
    opts.exclude_paths = [out] if out else []
    if args.kustomize_timeout is not None:
        from translators.input import manifests as loading

        if not 0 < args.kustomize_timeout < 86_400:
            raise InputError("--kustomize-timeout", None, "", "expected a positive number of seconds")
        loading.KUSTOMIZE_TIMEOUT = args.kustomize_timeout
    with _progress() as progress:
        opts.progress = progress
        return translate_estate(cluster_config, opts, manifests)


def _input_paths(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """``(input files, input folders)`` named on the command line (defaults included)."""
    cluster_config, manifests = _estate_inputs(vars(args))
    extra = [getattr(args, k, None) for k in ("security_groups", "iam_export")]
    paths = [p for p in (cluster_config, *manifests, *extra) if p]
    folders = [p for p in paths if Path(p).is_dir()]
    return [p for p in paths if p not in folders], folders


def _check_out(args: argparse.Namespace) -> bool:
    """Check the output path before any work; print the error and return ``False`` if it is refused."""
    from translators.reports.outdir import OutputError, check_output_file, check_output_folder

    files, folders = _input_paths(args)
    try:
        if args.command == "translate":
            check_output_folder(args.out, args.force, files + folders)
        elif getattr(args, "out", None) or getattr(args, "json_out", None):
            check_output_file(getattr(args, "out", None) or args.json_out, files, folders)
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        return False
    return True


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
    if not _check_out(args):
        return 1
    plan = _translate_or_none(args)
    if plan is None:
        return 1
    from translators.reports.gitops import read_stack_outputs
    from translators.reports.outdir import OutputError
    from translators.reports.output import write_translation

    outputs = args.option_values.get("stackOutputs")
    try:
        filled = read_stack_outputs(outputs, args.stack_outputs) if outputs is not None else None
        files = write_translation(plan, Path(args.out), filled, args.force)
    except (InputError, OutputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    counts = plan.workloads.counts if plan.workloads else {}
    print(f"wrote {files} files to {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    if not _check_out(args):
        return 1
    plan = _translate_or_none(args)
    if plan is None:
        return 1
    from translators.reports.formats import ReportInput, render

    counts = plan.workloads.counts if plan.workloads else {}
    inputs = [f for f in (plan.source_file, *_estate_inputs(args.option_values)[1]) if f]
    fmt = "markdown" if args.format == "md" else args.format
    text = render(ReportInput(findings=plan.findings, counts=counts, inputs=inputs, base_dir=str(Path.cwd()),
                              prerequisites=plan.deploy.prerequisites if plan.deploy else [],
                              verdicts=plan.verdicts), fmt)
    if fmt == "markdown":
        from translators.reports.output import migration_artefacts

        titles = {"image-copy-plan.sh": "Image copy plan", "secrets-migration.sh": "Secrets migration plan",
                  "velero-change-image-name.yaml": "Velero change-image-name ConfigMap",
                  "velero-change-storage-class.yaml": "Velero change-storage-class ConfigMap"}
        for fname, body in migration_artefacts(plan).items():
            lang = "yaml" if fname.endswith(".yaml") else "sh"
            text += f"\n## {titles[fname]}\n\n`{fname}`\n\n```{lang}\n{body}```\n"
    if args.out:
        return _write_file(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


def _write_file(path: str, text: str) -> int:
    """Write ``text`` to ``path`` atomically: 0, or 1 with the error printed."""
    from translators.reports.outdir import OutputError, write_file_atomic

    try:
        write_file_atomic(path, text)
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    if not _check_out(args):
        return 1
    plan = _translate_or_none(args)
    if plan is None:
        return 1
    from offline.runner import PROJECT, run_offline  # imports Pulumi: only for this command

    # options the Pulumi program reads itself (target: program), passed on as stack config
    program = {f"eks-to-aks:{k}": str(v).lower() if isinstance(v, bool) else str(v)
               for k, v in args.option_values.items() if k in ("copyImages", "deployerPrincipalType")}
    result = run_offline(plan, stack=args.stack, config=program)
    from translators.reports.text import render_findings, render_tree

    print(render_tree(result.resources, PROJECT, args.stack))
    print()
    print(render_findings(plan.findings))
    if args.json_out:
        doc = {"resources": [{k: r[k] for k in ("type", "name", "parent", "inputs")} for r in result.resources],
               "findings": [f.as_json() for f in plan.findings], "outputs": result.outputs}
        return _write_file(args.json_out, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"plan": cmd_plan, "translate": cmd_translate, "analyze": cmd_analyze}[args.command](args)
    except OSError as exc:  # a fault no check foresaw (e.g. stdout closed): one line, never a traceback
        print(f"error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
