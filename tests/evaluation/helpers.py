"""Small hand-made episodes tables for the measures' tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

from fitforwork.evaluation.columns import EPISODE_NAMES

BASE: dict[str, Any] = {
    "site": "A",
    "service_model": "m",
    "service_model_version": 1,
    "referral_source": "gp",
    "gp_practice": "P1",
    "birth_year": 1980,
    "sex": "female",
    "main_condition": "msk",
    "employment_status": "employed_off_sick",
    "employer_size_band": "small",
    "referred_on": "2026-03-02",  # a Monday
    "furthest_stage": "assessed",
}


def episodes(*rows: dict[str, Any]) -> pd.DataFrame:
    """One row per dict, on top of BASE; episode and person ids numbered."""
    made = []
    for n, row in enumerate(rows):
        made.append({"episode_id": f"e{n}", "person_id": f"p{n}", **BASE, **row})
    return pd.DataFrame(made).reindex(columns=list(EPISODE_NAMES))
