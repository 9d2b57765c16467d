"""Fit notes: recorded as received, issued where the service model allows it by a profession that may, and
refused with the rule in words; every rule tested at and beside its boundary; a task when one runs out."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CaseStatus, Task
from fitforwork.cases.services import case_transition
from fitforwork.core.audit.models import AuditEvent
from fitforwork.plans import fit_note_services as services
from fitforwork.plans.fit_note_rules import add_months, issue_refusals
from fitforwork.plans.fit_note_services import FitNoteContent, FitNoteError
from fitforwork.plans.models import FitNote, StaffProfession
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.plans.conftest import gp_led_site  # noqa: F401  # shared fixture
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture

SICK = date(2026, 1, 5)  # day 1 of sickness, a Monday


def refusals(period_from, period_to, *, profession="doctor", allowed=True, sick=SICK):
    return issue_refusals(
        allowed_by_service_model=allowed,
        profession=profession,
        sickness_started_on=sick,
        period_from=period_from,
        period_to=period_to,
    )


# --- The rules, at and beside each boundary --------------------------------------------------------------


def test_a_note_may_start_on_day_8_of_sickness():
    assert refusals(SICK + timedelta(days=7), SICK + timedelta(days=20)) == []


def test_a_note_starting_on_day_7_is_refused_as_self_certification():
    (reason,) = refusals(SICK + timedelta(days=6), SICK + timedelta(days=20))
    assert reason == (
        "No fit note covers the first 7 days of sickness: the person self-certifies them. Sickness began on "
        "5 January 2026, so the fit note can start on 12 January 2026 at the earliest"
    )


def test_a_note_starting_on_day_1_is_refused_too():
    assert "self-certifies" in refusals(SICK, SICK + timedelta(days=20))[0]


def test_early_in_sickness_a_note_may_cover_exactly_3_months():
    start = date(2026, 1, 12)
    assert refusals(start, date(2026, 4, 11)) == []


def test_early_in_sickness_a_note_of_3_months_and_a_day_is_refused():
    (reason,) = refusals(date(2026, 1, 12), date(2026, 4, 12))
    assert reason == (
        "In the first 6 months of sickness a fit note covers at most 3 months: one starting on 12 January 2026 "
        "can run to 11 April 2026 at the latest"
    )


def test_a_note_starting_on_the_last_day_of_the_first_6_months_is_still_capped():
    last_early_day = add_months(SICK, 6) - timedelta(days=1)  # 4 July 2026
    assert refusals(last_early_day, add_months(last_early_day, 3))  # 3 months and a day
    assert refusals(last_early_day, add_months(last_early_day, 3) - timedelta(days=1)) == []


def test_after_the_first_6_months_a_note_may_cover_longer():
    after = add_months(SICK, 6)  # 5 July 2026, the first day after six months
    assert refusals(after, add_months(after, 6)) == []


def test_only_the_five_professions_may_issue():
    for profession in ("doctor", "registered_nurse", "occupational_therapist", "pharmacist", "physiotherapist"):
        assert refusals(SICK + timedelta(days=7), SICK + timedelta(days=20), profession=profession) == []
    (reason,) = refusals(SICK + timedelta(days=7), SICK + timedelta(days=20), profession=None)
    assert reason.startswith("Only a doctor, registered nurse, occupational therapist, pharmacist or physiotherapist")


def test_a_site_whose_service_model_does_not_issue_is_refused_whatever_the_dates():
    (reason,) = refusals(SICK + timedelta(days=7), SICK + timedelta(days=20), allowed=False)
    assert reason.startswith("This site's service model does not issue fit notes")


def test_months_are_added_to_the_last_day_of_a_short_month():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


# --- Through the services ----------------------------------------------------------------------------------


@pytest.fixture
def nurse(gp_led_site):  # noqa: F811
    user = UserFactory(role=Role.CASE_MANAGER, site=gp_led_site, first_name="Priya", last_name="Shah")
    StaffProfession.objects.create(user=user, profession="registered_nurse")
    return user


@pytest.fixture
def gp_led_case(gp_led_site, nurse):  # noqa: F811
    return open_case(gp_led_site, nurse, case_manager=nurse)


def content(period_from, period_to, **extra):
    return FitNoteContent(
        condition="Low back pain",
        fitness="may_be_fit",
        period_from=period_from,
        period_to=period_to,
        adjustments=("altered_hours",),
        comments="Can work if no lifting over 10 kg",
        **extra,
    )


@pytest.mark.django_db
def test_a_nurse_at_a_gp_led_site_issues_a_fit_note(gp_led_case, nurse):
    today = date.today()
    note = services.fit_note_issue(
        case=gp_led_case,
        actor=nurse,
        content=content(today, today + timedelta(weeks=2)),
        sickness_started_on=today - timedelta(days=20),
    )
    assert (note.source, note.issuer_profession, note.issuer_name) == ("issued", "registered_nurse", "Priya Shah")
    assert note.altered_hours
    assert not note.phased_return
    assert AuditEvent.objects.filter(action="plans.fit_note.issued").count() == 1


@pytest.mark.django_db
def test_issuing_within_the_first_7_days_is_refused_and_the_refusal_audited(gp_led_case, nurse):
    today = date.today()
    with pytest.raises(FitNoteError) as refused:
        services.fit_note_issue(
            case=gp_led_case,
            actor=nurse,
            content=content(today, today + timedelta(weeks=2)),
            sickness_started_on=today - timedelta(days=6),
        )
    assert "self-certifies" in refused.value.reasons[0]
    assert not FitNote.objects.exists()
    assert AuditEvent.objects.filter(action="plans.fit_note.issue_refused").count() == 1


@pytest.mark.django_db
def test_staff_without_a_profession_may_not_issue(gp_led_case, gp_led_site):  # noqa: F811
    coach = UserFactory(role=Role.CASE_MANAGER, site=gp_led_site)
    case_transition(case=gp_led_case, to=CaseStatus.CONTACTED, actor=coach)
    today = date.today()
    with pytest.raises(FitNoteError, match="your profession is not recorded"):
        services.fit_note_issue(
            case=gp_led_case,
            actor=coach,
            content=content(today, today + timedelta(weeks=2)),
            sickness_started_on=today - timedelta(days=30),
        )


@pytest.mark.django_db
def test_a_workwell_site_does_not_issue_fit_notes(workwell_site):  # noqa: F811
    doctor = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    StaffProfession.objects.create(user=doctor, profession="doctor")
    case = open_case(workwell_site, doctor, case_manager=doctor)
    today = date.today()
    with pytest.raises(FitNoteError, match="does not issue fit notes"):
        services.fit_note_issue(
            case=case,
            actor=doctor,
            content=content(today, today + timedelta(weeks=2)),
            sickness_started_on=today - timedelta(days=30),
        )


@pytest.mark.django_db
def test_a_received_fit_note_is_recorded_with_the_2022_form_fields(gp_led_case, nurse):
    today = date.today()
    note = services.fit_note_record(
        case=gp_led_case,
        actor=nurse,
        content=content(
            today - timedelta(days=3),
            today + timedelta(weeks=4),
            assessed_on=today - timedelta(days=3),
            assessed_how="telephone",
            reassessment_needed=True,
        ),
        issued_on=today - timedelta(days=3),
        issuer_name="Dr Sam Okafor",
        issuer_profession="doctor",
    )
    assert (note.source, note.assessed_how, note.reassessment_needed) == ("received", "telephone", True)
    assert note.adjustment_labels() == ["Altered hours"]


@pytest.mark.django_db
def test_a_not_fit_note_takes_no_adjustments(gp_led_case, nurse):
    today = date.today()
    with pytest.raises(FitNoteError, match="Adjustments go only"):
        services.fit_note_record(
            case=gp_led_case,
            actor=nurse,
            content=FitNoteContent(
                condition="Flu", fitness="not_fit", period_from=today, period_to=today, adjustments=("phased_return",)
            ),
            issued_on=today,
            issuer_name="Dr Sam Okafor",
            issuer_profession="doctor",
        )


def _received(case, actor, period_to):
    return services.fit_note_record(
        case=case,
        actor=actor,
        content=FitNoteContent(
            condition="Low back pain", fitness="not_fit", period_from=date(2026, 11, 2), period_to=period_to
        ),
        issued_on=date(2026, 11, 2),
        issuer_name="Dr Sam Okafor",
        issuer_profession="doctor",
    )


@pytest.mark.django_db
def test_a_note_running_out_in_5_working_days_makes_one_task_and_6_makes_none(gp_led_case, nurse):
    monday = date(2026, 11, 16)
    _received(gp_led_case, nurse, date(2026, 11, 24))  # Tuesday week: 6 working days ahead
    assert services.fit_notes_running_out(today=monday) == 0
    FitNote.objects.all().delete()
    note = _received(gp_led_case, nurse, date(2026, 11, 23))  # Monday week: 5 working days ahead
    assert services.fit_notes_running_out(today=monday) == 1
    task = Task.objects.get(case=gp_led_case, title__startswith="Fit note runs out")
    assert (task.due_on, task.assigned_to) == (note.period_to, nurse)
    assert services.fit_notes_running_out(today=monday) == 0  # once per note


@pytest.mark.django_db
def test_a_note_followed_by_a_later_one_makes_no_task(gp_led_case, nurse):
    _received(gp_led_case, nurse, date(2026, 11, 20))
    _received(gp_led_case, nurse, date(2026, 12, 20))
    call_command("fit_notes")  # the daily command runs the same service
    assert services.fit_notes_running_out(today=date(2026, 11, 16)) == 0
