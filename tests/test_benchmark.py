"""The benchmark of issue 9 runs as one command and reports what it promises.

A handful of synthetic documents (too few for the process pool): this checks the report, not
the speed (figures belong to benchmark runs, never to tests).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "pipeline.py"


def test_the_benchmark_reports_every_stage_its_floors_and_the_ratios(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--documents", "4", "--formats", "pdf,txt",
         "--no-pdfplumber", "--workdir", str(tmp_path / "work"), "--json", str(report_path)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["formats"] == {"pdf": 2, "txt": 2}
    corpus = sorted(p.name for p in (tmp_path / "work" / "corpus").iterdir())
    assert len(corpus) == 4 and all(name.startswith("synthetic-") for name in corpus)

    stages = report["stages"]
    for name in (
        "floor: pypdfium2 text (pdf)", "floor again: pypdfium2 text (pdf)",
        "floor, side by side: pypdfium2 text (pdf)", "floor, side by side: text (all formats)",
        "floor: text (txt)", "floor again: text (txt)", "floor: plain DuckDB load",
        "read (pdf only)", "parse (pdf only)", "read (all formats)", "parse (from rows)",
        "ingest", "parse (pool, by year)", "load (warehouse)", "check (constraints)",
        "publish (release)", "rebuild: ingest", "rebuild: parse (pool, by year)",
    ):  # fmt: skip
        assert stages[name]["seconds"] >= 0, name  # milliseconds, rounded: txt may give 0
        assert stages[name]["peak_rss_mb"] > 0
    assert stages["read (pdf only)"]["seconds"] > 0 and report["end_to_end_seconds"] > 0
    # The documents read side by side with their floor are those the pipeline loads.
    assert report["line_items"] == report["warehouse_rows_line_items"] > 0

    ratios = report["ratios"]
    paired = stages["floor, side by side: pypdfium2 text (pdf)"]["seconds"]
    ours = stages["read (pdf only)"]["seconds"] + stages["parse (pdf only)"]["seconds"]
    assert ratios["pdf_read_and_parse_over_pypdfium2_text"] == round(ours / paired, 2)
    floors = (
        stages["floor: pypdfium2 text (pdf)"]["seconds"]
        + stages["floor again: pypdfium2 text (pdf)"]["seconds"]
    ) / 2 + stages["floor: plain DuckDB load"]["seconds"]
    assert abs(ratios["end_to_end_over_sum_of_floors"] - report["end_to_end_seconds"] / floors) < (
        0.01 * ratios["end_to_end_over_sum_of_floors"] + 0.01
    )
    assert 0 <= ratios["rebuild_over_full_build"] < 1
