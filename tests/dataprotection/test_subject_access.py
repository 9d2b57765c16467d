"""A subject access export holds everything about the person and every read of their record, and is audited."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.dataprotection.selectors import EXPORTED_ACTION, subject_access_gather
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.dataprotection.conftest import record_for

pytestmark = pytest.mark.django_db


def test_the_export_holds_each_kind_of_record_and_every_read(case_with_everything):
    case = case_with_everything
    export = subject_access_gather(case.person)

    assert export["person"]["nhs_number"] == case.person.nhs_number
    assert export["person"]["family_name"] == case.person.family_name
    [referral] = export["referrals"]
    assert referral["reference"] == case.referral.reference
    assert referral["as_sent"] == {"patient": {"given_name": "Alex", "phone": "07700 900123"}}
    assert [c["id"] for c in export["cases"]] == [str(case.pk)]
    assert [c["note"] for c in export["contacts"]] == ["Talked through the plan"]
    assert sorted(t["kind"] for t in export["tasks"]) == ["first_contact", "red_flag"]
    assert [m["discipline"] for m in export["care_team"]] == ["physiotherapist"]
    assert [o["status"] for o in export["onward_referrals"]] == ["requested"]
    assert [n["note"] for n in export["mdt_notes"]] == ["Graded return agreed"]
    assert [b["reason"] for b in export["break_glass"]] == ["Covering an urgent call"]
    assert [m["reference"] for m in export["messages"]] == [str(case.referral.pk)]
    reads = export["reads"]
    assert [(r["who"], r["what"]) for r in reads] == [
        ("reader@example.org", "cases.case.viewed"),
        ("reader@example.org", "people.person.viewed"),
        ("reader@example.org", "referrals.referral.viewed"),
    ]
    assert reads[0]["reason"] == "first contact"


def test_the_export_holds_nothing_of_another_person(case_with_everything):
    other = record_for()
    export = json.dumps(subject_access_gather(case_with_everything.person))
    assert str(other.pk) not in export
    assert other.referral.reference not in export
    assert other.person.nhs_number not in export


def test_the_command_writes_json_and_is_audited(case_with_everything, tmp_path):
    person = case_with_everything.person
    out = tmp_path / "sar.json"

    call_command("sar", person.nhs_number, "--out", str(out), "--format", "json")

    export = json.loads(out.read_text())
    assert export["person"]["id"] == str(person.pk)
    assert [c["note"] for c in export["contacts"]] == ["Talked through the plan"]
    event = AuditEvent.objects.get(action=EXPORTED_ACTION)
    assert (event.object_type, event.object_id, event.data["format"]) == ("people.person", str(person.pk), "json")


def test_the_command_writes_a_printable_nhs_styled_page(case_with_everything, tmp_path):
    person = case_with_everything.person
    out = tmp_path / "sar.html"

    call_command("sar", person.nhs_number, "--out", str(out))

    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert ".nhsuk-summary-list" in page  # the styles are in the file itself
    assert f"Subject access request: {person.given_name} {person.family_name}" in page
    assert "Talked through the plan" in page
    assert "reader@example.org" in page
    assert AuditEvent.objects.filter(action=EXPORTED_ACTION, object_id=str(person.pk)).count() == 1


def test_an_earlier_export_is_listed_among_the_reads(case_with_everything, tmp_path):
    person = case_with_everything.person
    call_command("sar", person.nhs_number, "--out", str(tmp_path / "first.json"), "--format", "json")
    assert EXPORTED_ACTION in [read["what"] for read in subject_access_gather(person)["reads"]]


def test_the_command_refuses_an_unknown_nhs_number(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Nobody with this NHS number"):
        call_command("sar", "9434765919", "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


def test_the_data_protection_officer_sees_the_page_and_downloads_json(client, dpo, case_with_everything):
    person = case_with_everything.person
    sign_in_with_two_factor(client, dpo)

    found = client.get(reverse("dataprotection:index"), {"nhs_number": person.nhs_number})
    assert found.status_code == 302
    assert person.nhs_number not in found["Location"]  # no NHS number in addresses, so none in server logs
    page = client.get(found["Location"])
    assert page.status_code == 200
    assert "Talked through the plan" in page.content.decode()
    download = client.get(found["Location"], {"format": "json"})
    assert download["Content-Type"].startswith("application/json")
    assert json.loads(download.content)["person"]["nhs_number"] == person.nhs_number
    events = AuditEvent.objects.filter(action=EXPORTED_ACTION, object_id=str(person.pk))
    assert sorted(event.data["format"] for event in events) == ["html", "json"]
    assert {event.actor_id for event in events} == {dpo.pk}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "Enter an NHS number"),
        ("123", "Enter the NHS number as 10 digits"),
        ("9434765918", "this one does not pass the NHS number check"),
        ("943 476 5919", "Nobody with this NHS number is held by the service"),
    ],
)
def test_the_search_says_what_is_wrong_with_the_nhs_number(client, dpo, db, given, message):
    sign_in_with_two_factor(client, dpo)
    response = client.get(reverse("dataprotection:index"), {"nhs_number": given})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "nhsuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.DATA_PROTECTION_OFFICER}))
def test_every_other_role_is_refused(client, role, case_with_everything):
    user = UserFactory(role=role, with_device=True)
    sign_in_with_two_factor(client, user)
    person = case_with_everything.person

    assert client.get(reverse("dataprotection:index"), {"nhs_number": person.nhs_number}).status_code == 403
    url = reverse("dataprotection:subject-access", kwargs={"person_id": person.pk})
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "json"}).status_code == 403
    assert not AuditEvent.objects.filter(action=EXPORTED_ACTION).exists()
