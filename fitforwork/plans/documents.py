"""A plan version and a fit note as plain structured content: a title, then sections with headings holding
paragraphs, lists and tables, in reading order. The accessible HTML page renders it (plans/document.jinja),
the comparison of two versions reads it, and a PDF renderer can take the same content (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils import timezone

from fitforwork.core.presenters import date_long
from fitforwork.plans.models import Adjustment, FitNote, ObstacleGroup, PlanVersion, RecommendationKind


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    kind: Literal["list"] = "list"


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: Literal["table"] = "table"


Block = Paragraph | BulletList | Table


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = ()
    level: int = 2


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    language: str = "en-GB"
    subject: str = ""
    facts: tuple[tuple[str, str], ...] = field(default=())


def _day(value: object) -> str:
    return date_long(value) if value else "Not given"  # type: ignore[arg-type]


def _person(version: PlanVersion) -> str:
    person = version.plan.case.person
    return f"{person.given_name} {person.family_name}"


def recommendation_text(kind: str, adjustment: str, text: str, intervention: str = "") -> str:
    """One recommendation in words: its kind (and which adjustment, or which intervention), then its text."""
    label = RecommendationKind(kind).label
    if kind == RecommendationKind.ADJUSTMENT and adjustment:
        label = f"{label}: {Adjustment(adjustment).label.lower()}"
    if kind == RecommendationKind.ONWARD_REFERRAL and intervention:
        label = f"{label} to {intervention}"
    return f"{label}. {text}"


def _obstacle_sections(version: PlanVersion, removed: tuple[str, ...] | list[str] = ()) -> list[Section]:
    sections = [Section("Obstacles and recommendations")]
    if removed:
        sections[0] = Section(
            sections[0].heading,
            (Paragraph("The person asked for some parts of the plan to be left out of what we share."),),
        )
    obstacles = list(version.obstacles.all())
    for group in ObstacleGroup:
        in_group = [obstacle for obstacle in obstacles if obstacle.group == group.value and group.value not in removed]
        if not in_group:
            continue
        sections.append(
            Section(f"{group.label} obstacles" if group != ObstacleGroup.OTHER else "Other obstacles", level=3)
        )
        for obstacle in in_group:
            blocks: list[Block] = []
            if obstacle.detail:
                blocks.append(Paragraph(obstacle.detail))
            items = tuple(
                recommendation_text(r.kind, r.adjustment, r.text, r.intervention.name if r.intervention else "")
                for r in obstacle.recommendations.all()
            )
            blocks.append(BulletList(items) if items else Paragraph("No recommendation for this obstacle."))
            sections.append(Section(obstacle.label, tuple(blocks), level=4))
    return sections


def plan_version_document(version: PlanVersion, *, removed: tuple[str, ...] | list[str] = ()) -> Document:
    """The content of one version of a return-to-work plan, less the obstacle groups (health, work, other) in
    `removed`: what a recipient the person asked to leave them out for may see (the employer's portal)."""
    status = "Agreed" if version.is_agreed else "Draft, not yet agreed"
    about: list[Block] = [
        Paragraph(f"For {_person(version)}, referral {version.plan.case.referral.reference}."),
        Paragraph(f"Version {version.number}. {status}."),
        Paragraph(f"This plan covers {_day(version.period_from)} to {_day(version.period_to)}."),
    ]
    if version.discussed_on:
        about.append(
            Paragraph(
                f"Discussed with {_person(version)} ({version.get_discussed_how_display().lower()}) "
                f"on {_day(version.discussed_on)}."
            )
        )
    if version.is_agreed and version.agreed_at and version.agreed_by:
        who = version.agreed_by.get_full_name() or version.agreed_by.email
        about.append(Paragraph(f"Agreed on {_day(timezone.localdate(version.agreed_at))}, recorded by {who}."))
    fitness = version.get_fitness_display() if version.fitness else "Not yet decided"
    sections = [
        Section("About this plan", tuple(about)),
        Section("Fitness for work", (Paragraph(f"{_person(version)}: {fitness.lower()}."),)),
        *_obstacle_sections(version, removed),
    ]
    timetable = tuple(
        (t.what, _day(t.starts_on), _day(t.ends_on) if t.ends_on else "Ongoing") for t in version.timetable.all()
    )
    sections.append(
        Section(
            "Timetable",
            (Table("When each part of the plan happens", ("What", "From", "To"), timetable),)
            if timetable
            else (Paragraph("No timetable entries."),),
        )
    )
    weeks = tuple(
        (
            f"Week {w.week}",
            f"{w.hours.normalize():f} hours" if w.hours is not None else "",
            f"{w.days} days" if w.days is not None else "",
            w.note,
        )
        for w in version.phased_weeks.all()
    )
    if weeks:
        sections.append(
            Section(
                "Phased return, week by week",
                (Table("Hours or days to work each week", ("Week", "Hours", "Days", "Note"), weeks),),
            )
        )
    sections.append(Section("Further sources of help", (Paragraph(version.further_help or "None given."),)))
    return Document(
        title=f"Return-to-work plan for {_person(version)}, version {version.number}",
        subject="Return-to-work plan",
        sections=tuple(sections),
    )


def fit_note_document(fit_note: FitNote) -> Document:
    """The content of a fit note (the 2022 Statement of Fitness for Work's parts, in its order)."""
    person = fit_note.case.person
    name = f"{person.given_name} {person.family_name}"
    assessed = "Not given"
    if fit_note.assessed_on:
        how = f" ({fit_note.get_assessed_how_display().lower()})" if fit_note.assessed_how else ""
        assessed = f"{_day(fit_note.assessed_on)}{how}"
    advice: list[Block] = [Paragraph(f"{name} is {fit_note.get_fitness_display().lower()}.")]
    if fit_note.fitness == FitNote.Fitness.MAY_BE_FIT:
        labels = fit_note.adjustment_labels()
        advice.append(BulletList(tuple(labels)) if labels else Paragraph("No adjustment was ticked."))
    issuer = f"{fit_note.issuer_name}, {fit_note.get_issuer_profession_display().lower()}"
    return Document(
        title=f"Statement of fitness for work for {name}",
        subject="Fit note",
        sections=(
            Section("Patient", (Paragraph(name), Paragraph(f"Assessed: {assessed}."))),
            Section("Condition", (Paragraph(fit_note.condition),)),
            Section("Advice", tuple(advice)),
            Section("Comments on the functional effects of the condition", (Paragraph(fit_note.comments or "None."),)),
            Section(
                "Period",
                (
                    Paragraph(f"From {_day(fit_note.period_from)} to {_day(fit_note.period_to)}."),
                    Paragraph(
                        "A reassessment is needed at the end of this period."
                        if fit_note.reassessment_needed
                        else "No reassessment is needed."
                    ),
                ),
            ),
            Section(
                "Issued",
                (
                    Paragraph(f"On {_day(fit_note.issued_on)} by {issuer}."),
                    Paragraph(fit_note.get_source_display() + "."),
                ),
            ),
        ),
    )


def plan_summary_text(version: PlanVersion, *, removed: tuple[str, ...] | list[str] = ()) -> str:
    """The plan in a few paragraphs for the GP's letter, leaving out the obstacle groups (health, work, other)
    the person asked to be removed when they agreed to share it. Paragraphs are separated by blank lines."""
    fitness = version.get_fitness_display() if version.fitness else "Not yet decided"
    parts = [
        f"Version {version.number}, covering {_day(version.period_from)} to {_day(version.period_to)}.",
        f"Fitness for work: {fitness.lower()}.",
    ]
    obstacles = list(version.obstacles.all())
    for group in ObstacleGroup:
        if group.value in removed:
            continue
        lines = [
            f"{obstacle.label}: "
            + "; ".join(
                recommendation_text(r.kind, r.adjustment, r.text, r.intervention.name if r.intervention else "")
                for r in obstacle.recommendations.all()
            )
            for obstacle in obstacles
            if obstacle.group == group.value and obstacle.recommendations.exists()
        ]
        if lines:
            parts.append(f"{group.label}. " + " ".join(lines))
    if removed:
        parts.append("The person asked for some parts of the plan to be left out of what we share.")
    return "\n\n".join(parts)
