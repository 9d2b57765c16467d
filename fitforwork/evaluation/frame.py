"""The episodes table made ready for the measures: typed columns and the derived ones every measure uses.

Both paths arrive here: extracts (strings read and checked by `reading`) and the database (`database`).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from fitforwork.core.calendar import is_working_day
from fitforwork.evaluation.columns import DATE_COLUMNS, EPISODE_NAMES, IN_WORK, INSTRUMENTS, STAGES

SCORE_COLUMNS = frozenset(f"{when}_{code}" for when in ("baseline", "discharge") for code in INSTRUMENTS)
DEFAULT_NATION = "england_wales"
DEFAULT_CONTACT_STANDARD = 2  # working days (evaluation.md)
DEFAULT_ASSESSMENT_STANDARD = 5


def prepare(episodes: pd.DataFrame, data_cutoff: date | None = None) -> pd.DataFrame:
    """A copy with dates as datetime64, numbers as floats and the derived columns: period (YYYY-MM of referral),
    quarter, model (service model with its version), data_cutoff, absent (off sick at referral), assessed,
    discharged and in_work (work status at discharge in work, with or without adjustments or a new job)."""
    frame = episodes.copy()
    for name in EPISODE_NAMES:
        if name not in frame.columns:
            frame[name] = None
    for name in DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name])
    for name in frame.columns:
        if name in SCORE_COLUMNS or name in (
            "birth_year", "service_model_version", "contact_standard_wd", "assessment_standard_wd", "interventions",
        ):  # fmt: skip
            frame[name] = pd.to_numeric(frame[name]).astype(float)
    if "data_cutoff" not in frame.columns or frame["data_cutoff"].isna().all():
        if data_cutoff is None:
            raise ValueError("data_cutoff is needed")
        frame["data_cutoff"] = pd.Timestamp(data_cutoff)
    frame["data_cutoff"] = pd.to_datetime(frame["data_cutoff"])
    for name in ("site", "service_model", "referral_source", "main_condition", "sex", "employment_status"):
        frame[name] = frame[name].fillna("").astype(str)
    frame["employer_size_band"] = frame["employer_size_band"].fillna("").astype(str)
    frame["nation"] = frame["nation"].fillna(DEFAULT_NATION).replace("", DEFAULT_NATION)
    frame["contact_standard_wd"] = frame["contact_standard_wd"].fillna(DEFAULT_CONTACT_STANDARD)
    frame["assessment_standard_wd"] = frame["assessment_standard_wd"].fillna(DEFAULT_ASSESSMENT_STANDARD)
    version = frame["service_model_version"]
    frame["model"] = frame["service_model"].where(
        version.isna(), frame["service_model"] + " v" + version.fillna(0).astype(int).astype(str)
    )
    frame["period"] = frame["referred_on"].dt.strftime("%Y-%m")
    frame["quarter"] = frame["referred_on"].dt.to_period("Q").astype(str)
    rank = frame["furthest_stage"].map({stage: n for n, stage in enumerate(STAGES)})
    frame["assessed"] = frame["assessed_on"].notna() | (rank >= STAGES.index("assessed"))
    frame["discharged"] = frame["discharged_on"].notna()
    frame["in_work"] = frame["work_status_at_discharge"].isin(IN_WORK)
    frame["absent"] = frame["absence_start"].notna() & (frame["absence_start"] <= frame["referred_on"])
    for name, (start, end) in WORKING_DAYS.items():
        frame[name] = working_days(frame, start, end)
    return frame


# Working days between two steps, counted once per table (the measures read these columns).
WORKING_DAYS = {
    "wd_to_contact": ("referred_on", "first_contact_on"),
    "wd_to_assessment": ("referred_on", "assessed_on"),
    "wd_to_intervention": ("referred_on", "first_intervention_on"),
    "wd_assessment_to_intervention": ("assessed_on", "first_intervention_on"),
}


@cache
def _holidays(nation: str, first: int, last: int) -> np.ndarray:
    """The nation's weekday bank holidays from `first` to `last` (years), from the project's calendar."""
    day, end, found = date(first, 1, 1), date(last, 12, 31), []
    while day <= end:
        if day.weekday() < 5 and not is_working_day(day, nation):
            found.append(day)
        day += timedelta(days=1)
    return np.array(found, dtype="datetime64[D]")


def working_days(frame: pd.DataFrame, start: str, end: str) -> pd.Series:
    """Working days after `start` up to and including `end`, row by row in the row's nation: the same count as
    fitforwork.core.calendar.working_days_between, vectorised (NaN where either date is missing; negative
    when end is before start)."""
    out = pd.Series(np.nan, index=frame.index)
    known = frame[start].notna() & frame[end].notna()
    if not known.any():
        return out
    first = int(min(frame.loc[known, start].min().year, frame.loc[known, end].min().year))
    last = int(max(frame.loc[known, start].max().year, frame.loc[known, end].max().year))
    for nation, rows in frame.loc[known].groupby("nation"):
        begin = rows[start].to_numpy().astype("datetime64[D]") + 1
        stop = rows[end].to_numpy().astype("datetime64[D]") + 1
        days_off = _holidays(str(nation), first, last)
        forward = np.busday_count(begin, np.maximum(begin, stop), holidays=days_off)
        backward = np.busday_count(np.minimum(begin, stop), begin, holidays=days_off)
        counts = np.where(stop >= begin, forward, -np.maximum(backward, 1))
        out.loc[rows.index] = counts
    return out
