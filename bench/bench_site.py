"""Settings for the intake benchmark: the real service's, with URLs that add one bare view to compare against."""

import atexit
import json
import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"


def _report_batches() -> None:
    """How many referrals each group-commit transaction carried in this worker, for the bench to report."""
    from fitforwork.referrals.intake import group_commit

    path = os.environ.get("BENCH_STATS_FILE")
    if path and group_commit.batches:
        with open(path, "a") as stats:
            stats.write(json.dumps({"batches": group_commit.batches, "jobs": group_commit.jobs}) + "\n")


atexit.register(_report_batches)
