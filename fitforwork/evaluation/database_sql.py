"""The episodes table on PostgreSQL in one statement, streamed through a server-side cursor.

The same columns and rules as `database.episodes_from_database`'s portable ORM path (tests run both against
each other's results through the same assertions): first contacted and assessed days from the status history,
the first started intervention, baseline (first) and discharge (last, when there is more than one) values of each
instrument's change measure, and the standards from the rules each case was decided under. At a million cases
the work is PostgreSQL's aggregation and one pass of rows into pandas.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connection

from fitforwork.assessments.models import Assessment, QuestionnaireResponse
from fitforwork.assessments.registry import shipped_definitions
from fitforwork.cases.models import Case, CaseStatusChange
from fitforwork.evaluation.columns import DATE_COLUMNS, INSTRUMENTS
from fitforwork.interventions.models import OnwardReferral
from fitforwork.organisations.models import Organisation, ServiceModel, ServiceModelVersion, Site
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _value(code: str, measure: str) -> str:
    if measure == "score":
        return "q.score::float8"
    return f"(q.percentages->>'{measure}')::float8"


def episodes_sql() -> str:
    measures = {code: d.change.measure for (code, _), d in shipped_definitions().items()}
    value = (
        "CASE q.instrument_code "
        + " ".join(f"WHEN '{code}' THEN {_value(code, measures.get(code, 'score'))}" for code in INSTRUMENTS)
        + " END"
    )
    pivots = ", ".join(
        f"max(vals[1]) FILTER (WHERE code = '{code}') AS baseline_{code}, "
        f"max(vals[n]) FILTER (WHERE code = '{code}' AND n > 1) AS discharge_{code}"
        for code in INSTRUMENTS
    )
    codes = ", ".join(f"'{code}'" for code in INSTRUMENTS)
    tz = settings.TIME_ZONE
    # Only our own table names, instrument codes and setting are interpolated; values are parameters.
    return f"""
WITH scope AS (
  SELECT c.id FROM {_t(Case)} c JOIN {_t(Referral)} r ON r.id = c.referral_id JOIN {_t(Site)} s ON s.id = c.site_id
  WHERE (%(site)s::text IS NULL OR lower(s.name) = lower(%(site)s::text))
    AND (%(date_from)s::date IS NULL OR (r.received_at AT TIME ZONE '{tz}')::date >= %(date_from)s::date)
    AND (%(date_to)s::date IS NULL OR (r.received_at AT TIME ZONE '{tz}')::date <= %(date_to)s::date)
), sc AS (
  SELECT case_id,
         min((at AT TIME ZONE '{tz}')::date) FILTER (WHERE to_status = 'contacted') AS contacted,
         min((at AT TIME ZONE '{tz}')::date) FILTER (WHERE to_status = 'assessed') AS assessed
  FROM {_t(CaseStatusChange)} JOIN scope ON scope.id = case_id WHERE to_status IN ('contacted', 'assessed')
  GROUP BY case_id
), oi AS (
  SELECT case_id, min(started_on) AS first, count(*) AS n FROM {_t(OnwardReferral)} JOIN scope ON scope.id = case_id
  WHERE started_on IS NOT NULL GROUP BY case_id
), qa AS (
  SELECT q.case_id, q.instrument_code AS code,
         array_agg({value} ORDER BY q.completed_at) AS vals, count(*) AS n
  FROM {_t(QuestionnaireResponse)} q JOIN scope ON scope.id = q.case_id
  WHERE q.status = 'completed' AND q.instrument_code IN ({codes})
  GROUP BY q.case_id, q.instrument_code
), qp AS (SELECT case_id, {pivots} FROM qa GROUP BY case_id)
SELECT c.id::text AS episode_id, c.person_id::text AS person_id, s.name AS site, s.nation, m.key AS service_model,
       v.number AS service_model_version, r.source AS referral_source, g.ods_code AS gp_practice,
       extract(year FROM p.date_of_birth)::int AS birth_year, p.sex, p.postcode,
       CASE coalesce(a.main_condition, r.condition_category)
         WHEN 'musculoskeletal' THEN 'msk' WHEN 'mental_health' THEN 'mental_health' WHEN '' THEN ''
         ELSE 'other' END AS main_condition,
       r.employment_status, r.employer_size_band, r.absence_start,
       (r.received_at AT TIME ZONE '{tz}')::date AS referred_on, sc.contacted AS first_contact_on,
       sc.assessed AS assessed_on, oi.first AS first_intervention_on,
       (c.discharged_at AT TIME ZONE '{tz}')::date AS discharged_on, c.furthest_stage, c.discharge_reason,
       c.work_status_at_discharge, c.return_to_work_date AS returned_on,
       (v.config->'time_standards'->>'first_contact_working_days')::int AS contact_standard_wd,
       (v.config->'time_standards'->>'assessment_working_days')::int AS assessment_standard_wd,
       coalesce(oi.n, 0) AS interventions,
       {", ".join(f"qp.baseline_{code}, qp.discharge_{code}" for code in INSTRUMENTS)}
FROM {_t(Case)} c
JOIN scope ON scope.id = c.id
JOIN {_t(Referral)} r ON r.id = c.referral_id
JOIN {_t(Person)} p ON p.id = c.person_id
LEFT JOIN {_t(Organisation)} g ON g.id = p.gp_practice_id
JOIN {_t(Site)} s ON s.id = c.site_id
JOIN {_t(ServiceModelVersion)} v ON v.id = c.rules_id
JOIN {_t(ServiceModel)} m ON m.id = v.service_model_id
LEFT JOIN {_t(Assessment)} a ON a.case_id = c.id
LEFT JOIN sc ON sc.case_id = c.id
LEFT JOIN oi ON oi.case_id = c.id
LEFT JOIN qp ON qp.case_id = c.id
"""  # noqa: S608


def episodes_streamed(
    site: str | None, date_from: date | None, date_to: date | None, progress: Callable[[int], None] | None
) -> pd.DataFrame:
    """Run episodes_sql as one `COPY (...) TO STDOUT` and parse its CSV with pandas' C reader: dates as
    datetime64, numbers as floats, text as text (NULL as missing, an empty string as an empty string)."""
    with connection.cursor() as plain:
        # The aggregates sort in memory rather than on disk; compiling this one statement (JIT) costs seconds and
        # saves none.
        plain.execute("SET work_mem = '256MB'")
        plain.execute("SET jit = off")
    try:
        text = _copy(site, date_from, date_to, progress)
    finally:
        with connection.cursor() as plain:
            plain.execute("RESET work_mem")
            plain.execute("RESET jit")
    frame = pd.read_csv(io.BytesIO(text), dtype=TEXT_TYPES, keep_default_na=False, na_values=[NULL], low_memory=False)
    for name in DATE_COLUMNS:
        if name in frame.columns:
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
    return frame


NULL = r"\N"
# Columns read as text whatever they hold (ids, codes); the rest are numbers, and DATE_COLUMNS dates.
TEXT_TYPES = dict.fromkeys(
    ("episode_id", "person_id", "site", "nation", "service_model", "referral_source", "gp_practice", "sex",
     "postcode", "main_condition", "employment_status", "employer_size_band", "furthest_stage", "discharge_reason",
     "work_status_at_discharge") + DATE_COLUMNS,
    "str",
)  # fmt: skip


def _copy(
    site: str | None, date_from: date | None, date_to: date | None, progress: Callable[[int], None] | None
) -> bytes:
    params = {"site": site, "date_from": date_from, "date_to": date_to}
    statement = f"COPY ({episodes_sql()}) TO STDOUT WITH (FORMAT csv, HEADER, NULL '{NULL}')"
    blocks: list[bytes] = []
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement, params) as copy:
        header = 1  # the first line is the header, not a case
        for block in copy:
            data = bytes(block)
            blocks.append(data)
            if progress:
                progress(data.count(b"\n") - header)
            header = 0
    return b"".join(blocks)
