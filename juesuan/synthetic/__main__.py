"""Write many synthetic disclosures for benchmarks.

    python -m juesuan.synthetic OUTDIR --count N --formats txt,pdf,xlsx --seed S

Document n gets accounts seed S * 100000 + n and a random layout drawn from the same seed, so
any document can be made again alone; manifest.jsonl says what each one contains.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

from juesuan.synthetic.accounts import SyntheticAccounts, make_accounts
from juesuan.synthetic.layout import Layout, random_layout
from juesuan.synthetic.render import FORMATS, render

_SEEDS_PER_RUN = 100_000


def document(seed: int, n: int) -> tuple[SyntheticAccounts, Layout]:
    """The accounts and layout of document n of a run with seed `seed`."""
    accounts_seed = seed * _SEEDS_PER_RUN + n
    rng = random.Random(f"layout-{accounts_seed}")
    layout = random_layout(rng, name=f"random-{n}")
    fiscal_year = rng.randint(2020, 2024) if layout.classes == 26 else rng.randint(2016, 2019)
    accounts = make_accounts(accounts_seed, fiscal_year, classes=layout.classes)
    return accounts, layout


def manifest_entry(
    seed: int, n: int, accounts: SyntheticAccounts, layout: Layout, files: dict[str, Path]
) -> dict[str, object]:
    totals = {row.item: str(row.amounts["final"]) for row in accounts.rows("01", "income")}
    return {
        "synthetic": True,
        "run_seed": seed,
        "n": n,
        "accounts_seed": accounts.seed,
        "fiscal_year": accounts.fiscal_year,
        "department_name": accounts.department_name,
        "classes": accounts.classes,
        "empty_tables": sorted(accounts.empty_tables),
        "line_items": len(accounts.line_items),
        "grand_total_yuan": totals["grand_total"],
        "layout": layout.describe(),
        "files": {
            fmt: {
                "name": path.name,
                "bytes": path.stat().st_size,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
            for fmt, path in files.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m juesuan.synthetic", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--formats", default="txt", help=f"comma-separated: {','.join(FORMATS)}")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; expected {', '.join(FORMATS)}")
    args.outdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with (args.outdir / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for n in range(args.count):
            accounts, layout = document(args.seed, n)
            files = {
                fmt: render(accounts, layout, fmt, args.outdir / f"synthetic-{args.seed}-{n}.{fmt}")
                for fmt in formats
            }
            entry = manifest_entry(args.seed, n, accounts, layout, files)
            manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
    elapsed = time.perf_counter() - started
    print(
        f"wrote {args.count} synthetic documents × {len(formats)} formats to {args.outdir} "
        f"in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
