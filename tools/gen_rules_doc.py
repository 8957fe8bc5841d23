"""Write docs/rules.md from the findings catalogue (translators/data/rules/*.yaml).

    python tools/gen_rules_doc.py            # (re)write docs/rules.md
    python tools/gen_rules_doc.py --check    # exit 1 when docs/rules.md is missing or stale

Exit status: 0 written / up to date, 1 stale (with --check), 2 bad command line.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "rules.md"


def render() -> str:
    """The expected content of docs/rules.md."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from translators.findings import catalogue
    from translators.reports.formats.markdown import rules_markdown

    return rules_markdown(catalogue().values())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="gen_rules_doc.py", description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 if docs/rules.md is not up to date")
    p.add_argument("--output", type=Path, default=DOC, help="file to write or check (default: docs/rules.md)")
    args = p.parse_args(argv)
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"{args.output} is stale: run `python tools/gen_rules_doc.py`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
