"""Writing fit notes: recording one the person received, issuing one where the service model allows it, and
the task made when one is about to run out (issue 15). Rules in fit_note_rules.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.cases import services as case_services
from fitforwork.cases.models import Case, CaseStatus, Task
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.calendar import add_working_days
from fitforwork.core.presenters import date_long
from fitforwork.organisations.selectors import rules_config
from fitforwork.plans.documents import fit_note_document
from fitforwork.plans.fit_note_rules import issue_refusals
from fitforwork.plans.models import FitNote, Profession, StaffProfession
from fitforwork.plans.printable import pdf_of

# A fit note running out within this many working days gets a task for the case manager.
RUNNING_OUT_WORKING_DAYS = 5
# Five working days are never more than this many calendar days ahead (weekends, Christmas and New Year).
CALENDAR_HORIZON = timedelta(days=14)


class FitNoteError(ValueError):
    """A fit note refused; `reasons` are the rules it broke, in words."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class FitNoteContent:
    """What the 2022 form records."""

    condition: str
    fitness: str
    period_from: date
    period_to: date
    adjustments: tuple[str, ...] = ()
    comments: str = ""
    reassessment_needed: bool = False
    assessed_on: date | None = None
    assessed_how: str = ""


def _check_content(content: FitNoteContent) -> list[str]:
    problems = []
    if not content.condition.strip():
        problems.append("Enter the condition")
    if content.fitness not in FitNote.Fitness.values:
        problems.append("Select whether the person is not fit for work or may be fit for work")
    unknown = set(content.adjustments) - set(FitNote.ADJUSTMENTS)
    if unknown:
        problems.append("Select adjustments from the four on the form")
    if content.adjustments and content.fitness == FitNote.Fitness.NOT_FIT:
        problems.append("Adjustments go only on a 'may be fit for work' note: select that, or untick them")
    if content.period_to < content.period_from:
        problems.append("The fit note must end on or after the day it starts")
    if content.assessed_how and content.assessed_how not in FitNote.AssessedHow.values:
        problems.append("Select how the person was assessed")
    return problems


def _save(
    *,
    case: Case,
    actor: User,
    content: FitNoteContent,
    source: str,
    issued_on: date,
    issuer_name: str,
    profession: str,
    issued_by: User | None,
) -> FitNote:
    note = FitNote(
        case=case,
        source=source,
        condition=content.condition.strip(),
        fitness=content.fitness,
        comments=content.comments.strip(),
        period_from=content.period_from,
        period_to=content.period_to,
        reassessment_needed=content.reassessment_needed,
        assessed_on=content.assessed_on,
        assessed_how=content.assessed_how,
        issued_on=issued_on,
        issuer_name=issuer_name.strip(),
        issuer_profession=profession,
        issued_by=issued_by,
        **{name: name in content.adjustments for name in FitNote.ADJUSTMENTS},
    )
    note.stamp(actor)
    note.save(force_insert=True)
    audit_record(
        actor=actor,
        action=f"plans.fit_note.{source}",
        obj=note,
        data={
            "case": str(case.pk),
            "fitness": note.fitness,
            "from": note.period_from,
            "to": note.period_to,
            "adjustments": list(content.adjustments),
        },
    )
    return note


@transaction.atomic
def fit_note_record(
    *, case: Case, actor: User, content: FitNoteContent, issued_on: date, issuer_name: str, issuer_profession: str
) -> FitNote:
    """Record a fit note the person received (from their GP, say)."""
    ensure_can_work_case(actor, case)
    problems = _check_content(content)
    if not issuer_name.strip():
        problems.append("Enter the name of the person who issued it")
    if issuer_profession not in Profession.values:
        problems.append("Select the issuer's profession")
    if issued_on > timezone.localdate():
        problems.append("The date of issue must be today or in the past")
    if problems:
        raise FitNoteError(problems)
    return _save(
        case=case,
        actor=actor,
        content=content,
        source=FitNote.Source.RECEIVED,
        issued_on=issued_on,
        issuer_name=issuer_name,
        profession=issuer_profession,
        issued_by=None,
    )


def issuer_profession(user: User) -> str | None:
    row = StaffProfession.objects.filter(user=user).first()
    return row.profession if row else None


def may_issue(case: Case) -> bool:
    """Whether the case's service model lets the service issue fit notes."""
    return bool(rules_config(case.rules).service_issues_fit_notes)


def fit_note_issue(*, case: Case, actor: User, content: FitNoteContent, sickness_started_on: date | None) -> FitNote:
    """Issue a fit note in the service's name, by the actor: refused with every rule it breaks, and the refusal
    audited in its own transaction (the attempt itself is rolled back)."""
    try:
        return _issue(case=case, actor=actor, content=content, sickness_started_on=sickness_started_on)
    except FitNoteError as refused:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="plans.fit_note.issue_refused",
                obj=case,
                data={"reasons": refused.reasons, "from": content.period_from, "to": content.period_to},
            )
        raise


@transaction.atomic
def _issue(*, case: Case, actor: User, content: FitNoteContent, sickness_started_on: date | None) -> FitNote:
    ensure_can_work_case(actor, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    profession = issuer_profession(actor)
    reasons = issue_refusals(
        allowed_by_service_model=may_issue(locked),
        profession=profession,
        sickness_started_on=sickness_started_on,
        period_from=content.period_from,
        period_to=content.period_to,
    )
    if not reasons:
        reasons = _check_content(content)
    if not reasons and not locked.is_open:
        reasons = ["This case is discharged, so no fit note can be issued for it"]
    if reasons:
        raise FitNoteError(reasons)
    assert profession is not None  # noqa: S101  # the rules refuse an issuer without one
    return _save(
        case=locked,
        actor=actor,
        content=content,
        source=FitNote.Source.ISSUED,
        issued_on=timezone.localdate(),
        issuer_name=actor.get_full_name() or actor.email,
        profession=profession,
        issued_by=actor,
    )


@transaction.atomic
def fit_notes_running_out(*, today: date | None = None) -> int:
    """Give each open case whose latest fit note runs out within 5 working days a task for its case manager,
    once per note. Run daily (`fitforwork fit_notes`); returns how many tasks were made."""
    today = today or timezone.localdate()
    made = 0
    candidates = (
        FitNote.objects.select_for_update(of=("self",))
        .filter(expiry_task_made=False, period_to__gte=today, period_to__lte=today + CALENDAR_HORIZON)
        .exclude(case__status=CaseStatus.DISCHARGED)
        .select_related("case", "case__site", "case__case_manager")
    )
    for note in candidates:
        case = note.case
        if add_working_days(today, RUNNING_OUT_WORKING_DAYS, case.site.nation) < note.period_to:
            continue
        if FitNote.objects.filter(case=case, period_to__gt=note.period_to).exists():
            continue  # a later note already carries on from this one
        case_services.task_raise(
            case=case,
            actor=None,
            kind=Task.Kind.MANUAL,
            title=f"Fit note runs out on {date_long(note.period_to)}: talk to the person about what comes next",
            due_on=note.period_to,
            assigned_to=case.case_manager,
        )
        note.expiry_task_made = True
        note.save(update_fields=["expiry_task_made", "modified_at"])
        made += 1
    return made


def fit_note_pdf(note: FitNote) -> bytes:
    """The fit note's printable PDF: made at its first download (page or FHIR) and stored, so every later one
    is the same file and costs a read. A fit note is never edited, so the file never goes stale."""
    if note.pdf is not None:
        return bytes(note.pdf)
    content = pdf_of(
        fit_note_document(note),
        author=note.case.site.name,
        footer=f"Fit note, reference {note.case.referral.reference}",
    )
    # Only the first maker stores it; one made at the same moment by another request is the same content.
    FitNote.objects.filter(pk=note.pk, pdf__isnull=True).update(pdf=content)
    note.pdf = content
    return content
