"""The episodes table from the database: one row per case, the columns of columns.EPISODE_COLUMNS.

On PostgreSQL one statement, sent as COPY and parsed by pandas (`database_sql`). Elsewhere read in chunks
(`iterator(chunk_size=...)`), a handful of queries in all (cases with their referral, person, site and rules;
first status changes; first interventions; questionnaire scores), joined in pandas on the case id. Identifiers
stay as they are here: `extract` hashes them, `evaluate` never shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Count, FloatField, Min
from django.db.models.functions import Cast, ExtractYear, TruncDate

from fitforwork.assessments.models import Assessment, QuestionnaireResponse
from fitforwork.assessments.registry import shipped_definitions
from fitforwork.cases.models import Case, CaseStatusChange
from fitforwork.evaluation.columns import DATE_COLUMNS, EPISODE_NAMES, INSTRUMENTS
from fitforwork.evaluation.database_sql import episodes_streamed
from fitforwork.interventions.models import OnwardReferral
from fitforwork.organisations.models import ServiceModelVersion, Site
from fitforwork.organisations.selectors import rules_config

CHUNK = 20_000
CONDITION = {"musculoskeletal": "msk", "mental_health": "mental_health", "both": "other", "other": "other", "": ""}
CASE_FIELDS = {
    "episode_id": "id",
    "person_id": "person_id",
    "site": "site__name",
    "nation": "site__nation",
    "service_model": "rules__service_model__key",
    "service_model_version": "rules__number",
    "rules_id": "rules_id",
    "referral_source": "referral__source",
    "gp_practice": "person__gp_practice__ods_code",
    "birth_year": "birth_year",
    "sex": "person__sex",
    "postcode": "person__postcode",
    "referral_condition": "referral__condition_category",
    "employment_status": "referral__employment_status",
    "employer_size_band": "referral__employer_size_band",
    "absence_start": "referral__absence_start",
    "referred_on": "referred_on",
    "discharged_on": "discharged_on",
    "furthest_stage": "furthest_stage",
    "discharge_reason": "discharge_reason",
    "work_status_at_discharge": "work_status_at_discharge",
    "returned_on": "return_to_work_date",
}

Progress = Callable[[int], None]


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def case_queryset(site: str | None = None, date_from: date | None = None, date_to: date | None = None) -> Any:
    """The cases an evaluation or extract covers: all, or one site's (by name), referred in [from, to]."""
    tz = _tz()
    cases = Case.objects.annotate(
        referred_on=TruncDate("referral__received_at", tzinfo=tz),
        discharged_on=TruncDate("discharged_at", tzinfo=tz),
        birth_year=ExtractYear("person__date_of_birth"),
    )
    if site:
        cases = cases.filter(site__name__iexact=site)
    if date_from:
        cases = cases.filter(referred_on__gte=date_from)
    if date_to:
        cases = cases.filter(referred_on__lte=date_to)
    return cases


def _chunks(queryset: Any, fields: list[str], progress: Progress | None) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            if progress:
                progress(len(batch))
            yield batch
            batch = []
    if batch:
        if progress:
            progress(len(batch))
        yield batch


def _frame(queryset: Any, names: list[str], fields: list[str], progress: Progress | None = None) -> pd.DataFrame:
    rows = [row for batch in _chunks(queryset, fields, progress) for row in batch]
    return pd.DataFrame.from_records(rows, columns=names)


@cache
def _standards(rules_id: Any) -> tuple[int, int]:
    version = ServiceModelVersion.objects.get(pk=rules_id)
    standards = rules_config(version).time_standards
    return standards.first_contact_working_days, standards.assessment_working_days


def _postcode_districts(postcodes: pd.Series) -> pd.Series:
    """The outward part of each postcode (before the space, or all but the last three characters), upper case."""
    text = postcodes.fillna("").astype(str).str.strip().str.upper()
    spaced = text.str.contains(" ", regex=False)
    return text.str.split(" ", n=1).str[0].where(spaced, text.str[:-3].where(text.str.len() > 4, text))


def case_count(site: str | None = None, date_from: date | None = None, date_to: date | None = None) -> int:
    return int(case_queryset(site, date_from, date_to).count())


def episodes_from_database(
    site: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Every case in scope as the episodes table (identifiers not yet hashed; `postcode_district` coarsened).
    On PostgreSQL one streamed statement (`database_sql`); elsewhere a few portable ORM queries."""
    if connection.vendor == "postgresql":
        frame = episodes_streamed(site, date_from, date_to, progress)
        frame["postcode_district"] = _postcode_districts(frame.pop("postcode"))
        return frame.reindex(columns=list(EPISODE_NAMES))
    cases = case_queryset(site, date_from, date_to)
    names = list(CASE_FIELDS)
    frame = _frame(cases.order_by(), names, list(CASE_FIELDS.values()), progress)
    for column in ("episode_id", "person_id", "rules_id"):
        frame[column] = frame[column].astype(str)
    ids = cases.values("id")
    tz = _tz()

    changes = _frame(
        CaseStatusChange.objects.filter(case__in=ids, to_status__in=["contacted", "assessed"])
        .values("case_id", "to_status")
        .annotate(first=Min(TruncDate("at", tzinfo=tz)))
        .order_by(),
        ["episode_id", "to_status", "first"],
        ["case_id", "to_status", "first"],
    )
    changes["episode_id"] = changes["episode_id"].astype(str)
    firsts = changes.pivot(index="episode_id", columns="to_status", values="first")
    frame["first_contact_on"] = frame["episode_id"].map(firsts.get("contacted", pd.Series(dtype=object)))
    frame["assessed_on"] = frame["episode_id"].map(firsts.get("assessed", pd.Series(dtype=object)))

    started = _frame(
        OnwardReferral.objects.filter(case__in=ids, started_on__isnull=False)
        .values("case_id")
        .annotate(first=Min("started_on"), n=Count("id"))
        .order_by(),
        ["episode_id", "first", "n"],
        ["case_id", "first", "n"],
    )
    started["episode_id"] = started["episode_id"].astype(str)
    started = started.set_index("episode_id")
    frame["first_intervention_on"] = frame["episode_id"].map(started["first"])
    frame["interventions"] = frame["episode_id"].map(started["n"]).fillna(0).astype(int)

    conditions = _frame(
        Assessment.objects.filter(case__in=ids).order_by(), ["episode_id", "condition"], ["case_id", "main_condition"]
    )
    conditions["episode_id"] = conditions["episode_id"].astype(str)
    assessed_condition = frame["episode_id"].map(conditions.set_index("episode_id")["condition"].map(CONDITION))
    frame["main_condition"] = assessed_condition.fillna(frame.pop("referral_condition").map(CONDITION))

    _scores_into(frame, ids)
    frame["postcode_district"] = _postcode_districts(frame.pop("postcode"))
    standards = {rules_id: _standards(rules_id) for rules_id in frame["rules_id"].unique()}
    frame["contact_standard_wd"] = frame["rules_id"].map(lambda r: standards[r][0])
    frame["assessment_standard_wd"] = frame["rules_id"].map(lambda r: standards[r][1])
    frame = frame.drop(columns=["rules_id"])
    for name in DATE_COLUMNS:  # datetime64, as on PostgreSQL, not objects
        frame[name] = pd.to_datetime(frame[name])
    return frame.reindex(columns=list(EPISODE_NAMES))


def _scores_into(frame: pd.DataFrame, ids: Any) -> None:
    """baseline_<code>: the first completed response's change measure; discharge_<code>: the last one after it, for
    discharged cases. The change measure is the score, or the percentage the definition names (WHO-5's)."""
    measures = {code: d.change.measure for (code, _), d in shipped_definitions().items()}
    completed = QuestionnaireResponse.objects.filter(case__in=ids, status="completed", instrument_code__in=INSTRUMENTS)
    by_score = [code for code in INSTRUMENTS if measures.get(code, "score") == "score"]
    names = ["episode_id", "code", "completed_at", "value"]
    parts = [
        _frame(
            completed.filter(instrument_code__in=by_score).annotate(value=Cast("score", FloatField())).order_by(),
            names,
            ["case_id", "instrument_code", "completed_at", "value"],
        )
    ]
    for code in INSTRUMENTS:
        measure = measures.get(code, "score")
        if measure != "score":  # read on a named percentage (WHO-5's): only these rows carry their JSON here
            rows = _frame(
                completed.filter(instrument_code=code).order_by(),
                ["episode_id", "code", "completed_at", "percentages"],
                ["case_id", "instrument_code", "completed_at", "percentages"],
            )
            rows["value"] = [
                float(p[measure]) if p and p.get(measure) is not None else None for p in rows.pop("percentages")
            ]
            parts.append(rows)
    responses = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    if responses.empty:
        for code in INSTRUMENTS:
            frame[f"baseline_{code}"] = None
            frame[f"discharge_{code}"] = None
        return
    responses["episode_id"] = responses["episode_id"].astype(str)
    responses = responses.sort_values(["episode_id", "code", "completed_at"])
    first = responses.drop_duplicates(["episode_id", "code"], keep="first").set_index(["episode_id", "code"])
    last = responses.drop_duplicates(["episode_id", "code"], keep="last").set_index(["episode_id", "code"])
    counts = responses.groupby(["episode_id", "code"]).size()
    later = last[(counts.reindex(last.index) > 1).to_numpy()]
    discharged = frame["discharged_on"].notna()
    for code in INSTRUMENTS:
        baseline = first["value"].xs(code, level="code") if code in first.index.get_level_values(1) else None
        frame[f"baseline_{code}"] = frame["episode_id"].map(baseline) if baseline is not None else None
        after = later["value"].xs(code, level="code") if code in later.index.get_level_values(1) else None
        values = frame["episode_id"].map(after) if after is not None else pd.Series(None, index=frame.index)
        frame[f"discharge_{code}"] = values.where(discharged)


def site_nations() -> dict[str, str]:
    return dict(Site.objects.values_list("name", "nation"))
