"""Benchmark: `evaluate` over the demo on PostgreSQL, the extract of every episode, and the 100-seed simulation.

    .venv/bin/python bench/evaluation.py [--cases 1000000] [--database NAME] [--keep] [--seeds 100] [--skip-extract]

Creates a fresh database on BENCH_DATABASE_URL's server and loads the demo (`--cases` clients), unless
`--database` names one already loaded. Then, in this process with production settings:

- `evaluation`: `evaluate` from the database end to end (read every case, every measure by every dimension, KM,
  Cox with its proportional-hazards test, funnel, suppression), timed; then the bare lifelines fits on the same
  arrays (the same Kaplan-Meier fits and the same CoxPHFitter design), timed; `ratio` is the first over the second.
  Budget 15 s; ratio goal 1.5.
- `extract`: `extract_write` of every episode to a temporary directory. Budget 60 s.
- `evaluation_simulation`: `--seeds` simulated cohorts with known hazard ratios (fitforwork.evaluation.simulation)
  through the engine's Cox; how many 95% intervals contain the true ratio (goal: >= 90 of 100 seeds, each seed's
  two ratios both counted: >= 180 of 200).

Prints one JSON line each with `name`, `seconds` (wall), `cpu_seconds` (this process), the load average and
(for evaluation) `ratio`; exits 1 if a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from case_pages import _django  # noqa: E402
from demo_load import admin, manage, server_url  # noqa: E402

EVALUATE_BUDGET = 15.0
RATIO_GOAL = 1.5
EXTRACT_BUDGET = 60.0


def _bare_fits(report_times: Any, design: Any) -> float:
    """The lifelines fits `evaluate` makes, on the same arrays, with nothing around them."""
    from lifelines import CoxPHFitter, KaplanMeierFitter

    start = time.perf_counter()
    groups = [report_times] + [g for _, g in report_times.groupby("model")]
    for group in groups:
        KaplanMeierFitter().fit(group["duration"], group["event"])
        KaplanMeierFitter().fit(group["since_absence"], group["event"], entry=group["entry"])
    CoxPHFitter().fit(design, duration_col="duration", event_col="event")
    return time.perf_counter() - start


def bench_evaluate() -> dict[str, Any]:
    from django.utils import timezone

    from fitforwork.evaluation import survival
    from fitforwork.evaluation.database import episodes_from_database
    from fitforwork.evaluation.frame import prepare
    from fitforwork.evaluation.outcomes_source import outcomes_from_database
    from fitforwork.evaluation.report import evaluate
    from fitforwork.evaluation.suppression import suppress

    start, cpu = time.perf_counter(), time.process_time()
    episodes = episodes_from_database()
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    report = suppress(evaluate(episodes, outcomes_from_database(), data_cutoff=timezone.localdate(), source="database"))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    times, _ = survival.return_times(prepare(episodes, timezone.localdate()))
    design = survival.cox_service_models(times, keep_design=True).pop("design")
    bare = _bare_fits(times, design)
    return {
        "name": "evaluation",
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "read_seconds": round(read, 2),
        "read_cpu_seconds": round(read_cpu, 2),
        "load_average": os.getloadavg(),
        "bare_lifelines_seconds": round(bare, 2),
        "ratio": round((seconds - read) / bare, 2),
        "ratio_with_read": round(seconds / bare, 2),
        "episodes": report["episodes"],
        "cox_episodes": report["cox"].get("n"),
        "budget_seconds": EVALUATE_BUDGET,
    }


def bench_extract() -> dict[str, Any]:
    from fitforwork.evaluation.extract import extract_write

    with tempfile.TemporaryDirectory() as directory:
        start, cpu = time.perf_counter(), time.process_time()
        meta = extract_write(Path(directory) / "extract", key_path=Path(directory) / "extract.key")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        size = (Path(directory) / "extract" / "episodes.csv").stat().st_size
    return {
        "name": "extract",
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "load_average": os.getloadavg(),
        "episodes": meta["counts"]["episodes"],
        "episodes_csv_mib": round(size / 2**20, 1),
        "budget_seconds": EXTRACT_BUDGET,
    }


def bench_simulation(seeds: int) -> dict[str, Any]:
    from fitforwork.evaluation import survival
    from fitforwork.evaluation.frame import prepare
    from fitforwork.evaluation.simulation import CUTOFF, TRUE_HR, cohort

    start = time.perf_counter()
    covered = total = seeds_all_covered = 0
    for seed in range(seeds):
        times, _ = survival.return_times(prepare(cohort(seed), CUTOFF))
        ratios = survival.cox_service_models(times)["hazard_ratios"]
        hits = [r["ci_low"] <= TRUE_HR[r["service_model"]] <= r["ci_high"] for r in ratios]
        covered += sum(hits)
        total += len(hits)
        seeds_all_covered += all(hits)
    return {
        "name": "evaluation_simulation",
        "seconds": round(time.perf_counter() - start, 2),
        "seeds": seeds,
        "intervals": total,
        "covered": covered,
        "seeds_with_every_interval_covering": seeds_all_covered,
        "true_hazard_ratios": TRUE_HR,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database", help="A database the demo is already loaded into")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--skip-extract", action="store_true")
    args = parser.parse_args()
    name = args.database or f"ffw_bench_{datetime.now(UTC):%Y%m%d%H%M%S}"
    created = not args.database
    url = server_url(name)
    if created:
        admin(f'CREATE DATABASE "{name}"')
        manage("migrate", "-v0", database_url=url)
        manage("demo", "--cases", str(args.cases), "--no-progress", "--allow-production", database_url=url)
    ok = True
    try:
        _django(url)
        evaluation = bench_evaluate()
        print(json.dumps({**evaluation, "database": name}), flush=True)
        ok &= evaluation["seconds"] <= EVALUATE_BUDGET
        if not args.skip_extract:
            extract = bench_extract()
            print(json.dumps(extract), flush=True)
            ok &= extract["seconds"] <= EXTRACT_BUDGET
        simulation = bench_simulation(args.seeds)
        print(json.dumps(simulation), flush=True)
        ok &= (
            simulation["seeds_with_every_interval_covering"] >= 0.9 * args.seeds
            or simulation["covered"] >= 0.9 * simulation["intervals"]
        )
    finally:
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            admin(f'DROP DATABASE "{name}"')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
