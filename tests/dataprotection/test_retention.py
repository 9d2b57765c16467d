"""Retention: a dry run counts what has been kept past its period; deleting removes only that, with a tombstone."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from fitforwork.cases.models import BreakGlass, Case, Contact, MdtNote, Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.audit.services import audit_record
from fitforwork.core.audit.verify import verify_chain
from fitforwork.core.outbox.models import Message
from fitforwork.dataprotection.retention import TOMBSTONE_ACTION, retention_delete, retention_plan
from fitforwork.interventions.models import OnwardReferral
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral, Submission
from tests.dataprotection.conftest import record_for
from tests.factories import CaseFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _years_ago(years, days=5):
    return timezone.now() - datetime.timedelta(days=365 * years + days)


@pytest.fixture
def records():
    """Two cases closed over 8 years ago (one person has a newer case too), and the ones that must stay."""
    gone = record_for(closed_years_ago=9)  # this person's only case: they go entirely
    audit_record(actor=None, action="cases.case.viewed", obj=gone, reason="read before it expired")
    older = record_for(closed_years_ago=10)
    newer_for_same_person = record_for(older.person)  # open: the person and this case stay
    kept_closed = record_for(closed_years_ago=7)
    declined_long_ago = ReferralFactory(declined=True, decided_at=_years_ago(9))
    declined_recently = ReferralFactory(declined=True, decided_at=_years_ago(2))
    return {
        "gone": gone,
        "older": older,
        "newer": newer_for_same_person,
        "kept_closed": kept_closed,
        "declined_long_ago": declined_long_ago,
        "declined_recently": declined_recently,
    }


def test_a_dry_run_counts_what_would_go_and_the_oldest_and_deletes_nothing(records):
    before = (Case.objects.count(), Referral.objects.count(), Person.objects.count())

    plan = retention_plan()

    assert plan.counts["cases.case"] == 2
    assert plan.counts["referrals.referral"] == 3  # two cases' referrals and the old declined one
    assert plan.counts["cases.contact"] == 2
    assert plan.counts["cases.task"] == 4  # each case's first contact, and the urgent task of its red flag
    assert plan.counts["assessments.questionnaireresponse"] == 2
    assert plan.counts["assessments.redflag"] == 2
    assert plan.counts["cases.mdtnote"] == 2
    assert plan.counts["interventions.onwardreferral"] == 2
    assert plan.counts["outbox.message"] == 2
    assert plan.counts["people.person"] == 2  # the person with one old case, and the declined one's
    assert plan.oldest["case"] == Case.objects.get(pk=records["older"].pk).discharged_at
    assert plan.oldest["declined_referral"] == records["declined_long_ago"].decided_at
    assert (Case.objects.count(), Referral.objects.count(), Person.objects.count()) == before


def test_deleting_removes_only_expired_records_and_leaves_the_chain_verifiable(records):
    plan = retention_plan()

    people, deleted = retention_delete()

    assert people == 3
    kept = {records["newer"].pk, records["kept_closed"].pk}
    assert set(Case.objects.values_list("pk", flat=True)) == kept
    assert set(Referral.objects.values_list("pk", flat=True)) == {
        records["newer"].referral_id,
        records["kept_closed"].referral_id,
        records["declined_recently"].pk,
    }
    assert not Person.objects.filter(pk__in=[records["gone"].person_id, records["declined_long_ago"].person_id])
    assert Person.objects.filter(pk=records["older"].person_id).exists()
    assert set(Contact.objects.values_list("case_id", flat=True)) == kept
    assert set(Task.objects.values_list("case_id", flat=True)) == kept
    assert set(OnwardReferral.objects.values_list("case_id", flat=True)) == kept
    assert set(MdtNote.objects.values_list("case_id", flat=True)) == kept
    assert set(BreakGlass.objects.values_list("case_id", flat=True)) == kept
    assert Message.objects.count() == 2
    assert Submission.objects.count() == 3
    # The plan counts what the delete then removes, kind by kind (its list of kinds is derived from the export's).
    assert {name: deleted[name] for name in plan.counts if deleted[name]} == {
        name: count for name, count in plan.counts.items() if count
    }
    assert {"cases.case", "cases.contact", "cases.task", "cases.casestatuschange", "people.person"} <= set(plan.counts)

    checked, problems = verify_chain()
    assert problems == []
    assert checked == AuditEvent.objects.count()
    # The read recorded before the case expired is still there: audit events are never deleted.
    assert AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(records["gone"].pk)).exists()


def test_each_person_gets_a_tombstone_naming_the_rule_and_what_went(records):
    retention_delete()

    tombstones = {event.object_id: event for event in AuditEvent.objects.filter(action=TOMBSTONE_ACTION)}
    assert set(tombstones) == {
        str(records["gone"].person_id),
        str(records["older"].person_id),
        str(records["declined_long_ago"].person_id),
    }
    gone = tombstones[str(records["gone"].person_id)]
    assert gone.object_type == "people.person"
    assert gone.data["rules"] == {"case": 8}
    assert gone.data["person_deleted"] is True
    assert gone.data["deleted"]["cases.case"] == 1
    assert gone.data["deleted"]["cases.contact"] == 1
    assert "8 years after the case closes" in gone.reason
    assert "Records Management Code of Practice 2021" in gone.reason
    assert tombstones[str(records["older"].person_id)].data["person_deleted"] is False
    declined = tombstones[str(records["declined_long_ago"].person_id)]
    assert declined.data["rules"] == {"declined_referral": 8}


def test_a_second_run_finds_nothing_more(records):
    retention_delete()
    assert retention_delete() == (0, {})
    assert retention_plan().counts["cases.case"] == 0


def test_the_period_is_a_setting(records, settings):
    settings.RETENTION_YEARS = {"case": 6, "declined_referral": 8}
    assert retention_plan().counts["cases.case"] == 3  # the case closed 7 years ago too


def test_a_duplicate_flag_on_a_kept_referral_loses_only_its_link(records):
    flagged = ReferralFactory(
        person=records["kept_closed"].person,
        duplicate_status=Referral.DuplicateStatus.FLAGGED,
        possible_duplicate_of=records["gone"].referral,
    )
    retention_delete()
    flagged.refresh_from_db()
    assert flagged.possible_duplicate_of_id is None
    assert flagged.duplicate_status == Referral.DuplicateStatus.FLAGGED


def test_a_referral_whose_nhs_number_the_deleted_person_held_keeps_the_number_and_its_conflict(records):
    conflicted = ReferralFactory(
        person=records["kept_closed"].person,
        nhs_number="9434765919",
        nhs_number_conflict=Referral.NhsNumberConflict.OPEN,
        nhs_number_holder=records["gone"].person,
    )
    retention_delete()
    assert not Person.objects.filter(pk=records["gone"].person_id).exists()
    conflicted.refresh_from_db()
    assert conflicted.nhs_number_holder_id is None
    assert (conflicted.nhs_number, conflicted.nhs_number_conflict) == ("9434765919", Referral.NhsNumberConflict.OPEN)


def test_the_commands_report_then_delete_and_audit_verify_passes(records):
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    report = out.getvalue()
    assert "cases.case: 2" in report
    assert f"oldest case: {Case.objects.get(pk=records['older'].pk).discharged_at.date().isoformat()}" in report
    assert "Nothing was deleted" in report
    assert Case.objects.count() == 4

    out = io.StringIO()
    call_command("retention", "--delete", stdout=out)
    assert "Deleted the expired records of 3 people" in out.getvalue()
    assert Case.objects.count() == 2
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_an_open_case_is_never_deleted_however_old(db):
    case = CaseFactory(opened_at=_years_ago(20))
    retention_delete()
    assert Case.objects.filter(pk=case.pk).exists()


def test_two_expired_referrals_of_one_person_flagged_as_duplicates_go_together(db):
    first = ReferralFactory(declined=True, decided_at=_years_ago(9))
    second = ReferralFactory(
        person=first.person, declined=True, decided_at=_years_ago(9), possible_duplicate_of=first,
        duplicate_status=Referral.DuplicateStatus.FLAGGED,
    )  # fmt: skip
    assert retention_delete()[0] == 1
    assert not Referral.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert verify_chain()[1] == []


def test_a_letter_to_the_gp_goes_with_its_expired_case_and_the_email_that_carried_it(records):
    from fitforwork.cases.models import Letter

    case = records["gone"]
    message = Message.objects.create(
        channel="email", template_id="gp_letter", recipient="practice@example.nhs.uk", reference="letter:x"
    )
    letter = Letter.objects.create(
        case=case, kind="case_opened", title="T", content={}, status="made", pdf=b"%PDF-1.4", message=message
    )
    kept = Letter.objects.create(
        case=records["kept_closed"], kind="case_opened", title="T", content={}, status="failed", error="E"
    )

    assert retention_plan().counts["cases.letter"] == 1
    retention_delete()

    assert not Letter.objects.filter(pk=letter.pk).exists()
    assert not Message.objects.filter(pk=message.pk).exists()
    assert Letter.objects.filter(pk=kept.pk).exists()
