"""The columns of an extract's tables: names, kinds and what each means (the data dictionary is made from these).

The engine runs on a pandas DataFrame with these columns whether it came from the database or from extracts, so
both paths are the same code (ADR evaluation-engine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "date", "int", "number"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    required: bool = True  # an extract from another system must carry it (it may be empty where allowed)
    values: tuple[str, ...] = ()  # the allowed values of a coded column (empty: free)


MAIN_CONDITIONS = ("msk", "mental_health", "other")
STAGES = ("referred", "contacted", "assessed", "plan_agreed", "active_support")
IN_WORK = ("in_work_usual", "in_work_adjusted", "new_job")  # "returned to or stayed in work"
WORK_STATUSES = (
    "in_work_usual", "in_work_adjusted", "off_sick", "left_job", "new_job", "unemployed_seeking", "not_seeking",
)  # fmt: skip
NOT_ENGAGED_REASONS = ("not_contactable", "declined_before_assessment")
INSTRUMENTS = ("ompsq10", "phq9", "gad7", "wsas", "who5", "was", "wpai_gh")
RISK_INSTRUMENT = "ompsq10"  # the baseline risk score of the case-mix adjustment

EPISODE_COLUMNS: tuple[Column, ...] = (
    Column("episode_id", "id", "One case (episode of care): a keyed hash, unique in the extract"),
    Column("person_id", "id", "The client: a keyed hash, the same for one person's episodes in this extract"),
    Column("site", "text", "The site the case is attributed to (fixed at referral)"),
    Column("service_model", "text", "The service model the case was decided under"),
    Column("referral_source", "text", "Who referred: gp, employer, self, jobcentre, community, advice_line, ..."),
    Column("gp_practice", "text", "The client's GP practice (ODS code); empty if not known"),
    Column("birth_year", "int", "Year of birth (dates of birth are coarsened to the year)"),
    Column("sex", "text", "female, male, other or not_stated"),
    Column("main_condition", "text", "The main condition", values=MAIN_CONDITIONS),
    Column("employment_status", "text", "Employment status at referral"),
    Column("employer_size_band", "text", "Employer size band at referral; empty if none or not known"),
    Column("absence_start", "date", "First day off sick, for clients absent at referral; empty otherwise"),
    Column("referred_on", "date", "The day the referral was received"),
    Column("first_contact_on", "date", "The day the case was first marked contacted; empty if never"),
    Column("assessed_on", "date", "The day the case was first marked assessed; empty if never"),
    Column("first_intervention_on", "date", "The day the first onward intervention started; empty if none"),
    Column("discharged_on", "date", "The day of discharge; empty while the case is open (censored at data_cutoff)"),
    Column("furthest_stage", "text", "The furthest open stage the case reached", values=STAGES),
    Column("discharge_reason", "text", "Why the case was discharged; empty while open"),
    Column("work_status_at_discharge", "text", "Work status at discharge; empty while open"),
    Column("returned_on", "date", "The day the client returned to work; empty if they did not (or not yet)"),
) + tuple(
    Column(f"baseline_{code}", "number", f"Baseline {code} (its change measure) at assessment; empty if not asked")
    for code in INSTRUMENTS
)
OPTIONAL_EPISODE_COLUMNS: tuple[Column, ...] = (
    Column("service_model_version", "int", "The version number of the service model's rules", required=False),
    Column("nation", "text", "england_wales, scotland or northern_ireland: whose bank holidays", required=False),
    Column("postcode_district", "text", "The outward part of the client's postcode", required=False),
    Column("contact_standard_wd", "int", "The first-contact standard in working days (default 2)", required=False),
    Column("assessment_standard_wd", "int", "The assessment standard in working days (default 5)", required=False),
    Column("interventions", "int", "How many onward interventions started", required=False),
) + tuple(
    Column(f"discharge_{code}", "number", f"The last {code} of a discharged case after baseline", required=False)
    for code in INSTRUMENTS
)
OUTCOME_COLUMNS: tuple[Column, ...] = (
    Column("episode_id", "id", "The episode (as in episodes.csv)"),
    Column("time_point", "text", "baseline, discharge, or a follow-up such as 3m or 6m"),
    Column("due_on", "date", "When the time point was due"),
    Column("done_on", "date", "When it was recorded; empty when it was not done (missing, never imputed)"),
    Column("work_status", "text", "Work status at the time point; empty if not done"),
    Column("returned_on", "date", "Return date reported at the time point", required=False),
    Column("hours_worked", "number", "Hours worked a week", required=False),
) + tuple(Column(f"score_{code}", "number", f"{code} at the time point", required=False) for code in INSTRUMENTS)

EPISODE_NAMES = tuple(c.name for c in EPISODE_COLUMNS + OPTIONAL_EPISODE_COLUMNS)
OUTCOME_NAMES = tuple(c.name for c in OUTCOME_COLUMNS)
DATE_COLUMNS = tuple(c.name for c in EPISODE_COLUMNS + OPTIONAL_EPISODE_COLUMNS if c.kind == "date")


def dictionary_text() -> str:
    """The data dictionary written into every extract (data-dictionary.md)."""
    lines = [
        "# Data dictionary",
        "",
        "Dates are ISO 8601 (YYYY-MM-DD); a missing value is an empty cell. Identifiers are HMAC-SHA256 keyed",
        "hashes with a key made for this extract and kept outside it (extract.json carries its fingerprint only).",
        "An episode with an empty discharged_on is still open and is censored at extract.json's data_cutoff.",
        "",
    ]
    for title, columns in (
        ("episodes.csv", EPISODE_COLUMNS + OPTIONAL_EPISODE_COLUMNS),
        ("outcomes.csv", OUTCOME_COLUMNS),
    ):
        lines += [f"## {title}", "", "| column | kind | required | meaning |", "| --- | --- | --- | --- |"]
        for c in columns:
            meaning = c.meaning + (f" (one of: {', '.join(c.values)})" if c.values else "")
            lines.append(f"| {c.name} | {c.kind} | {'yes' if c.required else 'no'} | {meaning} |")
        lines.append("")
    return "\n".join(lines)
