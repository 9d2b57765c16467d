"""Nothing about a person escapes a subject access request or outlives its retention period: every model that
points at a person, a referral or a case is exported (or named with the reason it is not), shown on the page,
and deleted with the case it hangs off."""

import pytest
from django.apps import apps
from django.db.models import Q

from fitforwork.cases.models import Case
from fitforwork.dataprotection.retention import retention_delete
from fitforwork.dataprotection.selectors import EXPORTED, NOT_EXPORTED, SECTIONS, subject_access_gather
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral
from tests.dataprotection.conftest import record_for

ABOUT_A_PERSON = (Person, Referral, Case)


def _models_about_a_person():
    for model in apps.get_models():
        links = [
            field
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in ABOUT_A_PERSON
        ]
        if links or model in ABOUT_A_PERSON:
            yield model, links


def test_every_model_about_a_person_is_exported_or_named_with_a_reason():
    missing = [
        model._meta.label_lower
        for model, _ in _models_about_a_person()
        if model._meta.label_lower not in EXPORTED and model._meta.label_lower not in NOT_EXPORTED
    ]
    assert missing == [], f"add these to dataprotection.selectors.EXPORTED (and the export), or NOT_EXPORTED: {missing}"


def test_every_exported_part_has_a_heading_on_the_page():
    headed = {key for key, _ in SECTIONS}
    assert set(EXPORTED.values()) - headed == set()


@pytest.mark.django_db
def test_the_export_holds_a_row_of_each_exported_model(db):
    case = record_for()
    export = subject_access_gather(case.person)
    assert set(EXPORTED.values()) <= set(export)
    empty = sorted({part for part in EXPORTED.values() if part not in ("person",) and not export[part]})
    # The fixture makes a row of every kind except these, which only other paths make.
    assert empty == [
        "advice_line_contacts", "allocations", "assessments", "conditions", "employer_responses", "employments",
        "fit_notes",
        "letters", "outcomes", "pathway_decisions", "plans", "questionnaire_links",
    ]  # fmt: skip
    [response] = export["questionnaire_responses"]
    assert response["instrument_code"] == "phq9"
    [flag] = export["red_flags"]
    assert flag["response_id"] == response["id"]
    assert all("token_hash" not in link for link in export["questionnaire_links"])


@pytest.mark.django_db(transaction=True)
def test_retention_leaves_no_row_about_an_expired_case(db):
    case = record_for(closed_years_ago=9)
    retention_delete()
    left = {}
    for model, links in _models_about_a_person():
        if model in ABOUT_A_PERSON:
            query = Q(pk__in=[case.pk, case.referral_id, case.person_id])
        else:
            query = Q()
            for field in links:
                target = {Person: case.person_id, Referral: case.referral_id, Case: case.pk}[field.related_model]
                query |= Q(**{field.attname: target})
        count = model.objects.filter(query).count()
        if count:
            left[model._meta.label_lower] = count
    assert left == {}


@pytest.mark.django_db(transaction=True)
def test_an_advice_line_call_that_became_the_referral_is_exported_and_kept_without_the_link_at_retention(db):
    from fitforwork.advice_line.models import AdviceLine, ChatMessage
    from fitforwork.advice_line.models import Contact as AdviceContact
    from fitforwork.core.calendar import Nation
    from tests.organisations.factories import TeamFactory

    case = record_for(closed_years_ago=9)
    line = AdviceLine.objects.create(
        name="Advice line", phone="0800 000 0000", team=TeamFactory(site=case.site), nation=Nation.ENGLAND_AND_WALES
    )
    call = AdviceContact.objects.create(
        line=line, channel="web_chat", chat_status="ended", caller_type="employee", referral=case.referral
    )
    ChatMessage.objects.create(contact=call, sender="caller", text="My back is bad and work want me in")
    [exported] = subject_access_gather(case.person)["advice_line_contacts"]
    assert exported["id"] == str(call.pk)
    assert [line["text"] for line in exported["transcript"]] == ["My back is bad and work want me in"]

    retention_delete()
    call.refresh_from_db()
    assert call.referral_id is None
    assert not Referral.objects.filter(pk=case.referral_id).exists()
