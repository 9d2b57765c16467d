"""Outcome time points (outcomes.csv's rows) from the database.

The outcomes app (follow-up outcome records) is being built beside this one; until it lands there are no
follow-up rows and this returns the empty table with outcomes.csv's columns, so `sustained return` reports
every follow-up as not yet recorded. When `fitforwork.outcomes` exists, read its records here (evaluation may
read it; it must not read evaluation): one row per case and time point, `done_on` empty when not done.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fitforwork.evaluation.columns import OUTCOME_NAMES


def outcomes_from_database(case_ids: Any = None) -> pd.DataFrame:
    """One row per outcome time point of the cases (all cases when None): empty until the outcomes app lands."""
    return pd.DataFrame(columns=list(OUTCOME_NAMES))
