"""Settings for the intake benchmark: the real service's, with URLs that add one bare view to compare against."""

import atexit
import json
import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"


def _report_batches() -> None:
    """How many referrals each group-commit transaction carried in this worker, for the bench to report."""
    from fitforwork.referrals.intake import background, group_commit

    path = os.environ.get("BENCH_STATS_FILE")
    if path:
        background.stop()
        counts = {
            "waiting": [group_commit.batches, group_commit.jobs],
            "without_waiting": [background.batches, background.jobs],
        }
        with open(path, "a") as stats:
            stats.write(json.dumps(counts) + "\n")


atexit.register(_report_batches)
