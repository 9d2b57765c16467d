"""`make bench`: run every benchmark, each printing one JSON line; fail if any fails or misses its budget.

    .venv/bin/python bench/run.py [NAME ...]

Benchmarks need PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["demo_load", "referral_intake", "referral_import", "case_pages", "search", "evaluation"]


def main(names: list[str]) -> int:
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        print(f"Unknown benchmarks: {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = [
        name
        for name in names or BENCHMARKS
        if subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False).returncode != 0
    ]
    if failed:
        print(f"Failed or over budget: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
