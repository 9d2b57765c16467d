"""Questionnaire links: sending one from a case, and a client answering through it with no sign-in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.assessments import link_services, registry
from fitforwork.assessments.models import InstrumentDefinition, QuestionnaireLink, QuestionnaireResponse
from fitforwork.assessments.models.links import token_hash
from fitforwork.assessments.web.client_forms import choices, pages
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(workwell_site):  # noqa: F811
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def case(workwell_site, manager):  # noqa: F811
    return open_case(workwell_site, manager, case_manager=manager)


def send(case, manager, codes=("phq9",), channel="email"):
    """Send a link and return it with the raw token, read back from the queued message as the client gets it."""
    link = link_services.link_send(
        case=case,
        instrument_codes=list(codes),
        channel=channel,
        actor=manager,
        link_for=lambda token: f"https://example.org{reverse('questionnaire:start', args=[token])}",
    )
    message = Message.objects.get(reference=f"questionnaire-link:{link.pk}")
    token = message.personalisation["link"].rstrip("/").rsplit("/", 1)[1]
    return link, token


def lowest(item):
    return choices(item)[0][0]


def answer_page(client, token, code, number, value_for=lowest, *, change=False):
    definition = registry.definition_get(code)
    response = QuestionnaireResponse.objects.filter(links__token_hash=token_hash(token), instrument_code=code).first()
    answers = dict(response.answers) if response else {}
    items = pages(definition, answers)[number - 1]
    url = reverse("questionnaire:question", args=[token, code, number]) + ("?change=1" if change else "")
    return client.post(url, {item.id: value_for(item) for item in items})


def answer_all(client, token, code, value_for=lowest):
    definition = registry.definition_get(code)
    for number in range(1, len(pages(definition, {})) + 1):
        answered = answer_page(client, token, code, number, value_for)
        assert answered.status_code == 302, answered.content.decode()[:2000]
    return answered


def test_the_token_is_kept_only_as_a_hash_and_the_link_lasts_14_days(case, manager):
    link, token = send(case, manager)
    assert link.token_hash == token_hash(token) != token
    assert not QuestionnaireLink.objects.filter(token_hash=token).exists()
    assert timedelta(days=14) - timedelta(seconds=5) < link.expires_at - timezone.now() <= timedelta(days=14)
    message = Message.objects.get(reference=f"questionnaire-link:{link.pk}")
    assert message.template_name == "questionnaire_link"
    assert message.recipient == case.person.email
    assert AuditEvent.objects.filter(action="assessments.link.sent").count() == 1


def test_the_lifetime_is_a_setting(case, manager, settings):
    settings.FFW_QUESTIONNAIRE_LINK_DAYS = 3
    link, _ = send(case, manager)
    assert link.expires_at - link.created_at == timedelta(days=3)


def test_an_unknown_token_gets_the_same_page_as_an_expired_or_used_one(case, manager):
    link, token = send(case, manager)
    client = Client()
    unknown = client.get(reverse("questionnaire:start", args=["not-a-token"]))
    QuestionnaireLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(reverse("questionnaire:start", args=[token]))
    assert unknown.status_code == expired.status_code == 404
    assert unknown.content == expired.content
    text = expired.content.decode()
    assert "contact your case manager" in text
    assert case.person.given_name not in text
    assert case.person.family_name not in text


def test_a_used_link_is_refused(case, manager):
    link, token = send(case, manager)
    client = Client()
    answer_all(client, token, "phq9")
    submitted = client.post(reverse("questionnaire:check", args=[token, "phq9"]))
    assert submitted.status_code == 302
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.responses.get().status == QuestionnaireResponse.Status.COMPLETED
    # A second click on Send in the same browser goes to the confirmation, not an error.
    assert client.post(reverse("questionnaire:check", args=[token, "phq9"])).url == reverse("questionnaire:done")
    again = Client().get(reverse("questionnaire:start", args=[token]))
    assert again.status_code == 404
    assert "This link no longer works" in again.content.decode()
    # Nor can a page of it be posted to.
    posted = answer_page(Client(), token, "phq9", 1)
    assert posted.status_code == 404
    assert AuditEvent.objects.filter(action="assessments.link.submitted").count() == 1
    assert AuditEvent.objects.filter(action="assessments.link.opened").count() == 1


@pytest.fixture
def paged(db):
    """PHQ-9's questions as a definition that asks one question a page (the shipped PHQ-9 is on one page)."""
    definition = registry.definition_get("phq9").model_dump(mode="json")
    definition.update(code="phq9_paged", one_question_per_page=True)
    InstrumentDefinition.objects.create(
        code="phq9_paged", version=definition["version"], title="Paged", definition=definition
    )
    return "phq9_paged"


def test_reopening_the_link_resumes_at_the_first_unanswered_question(case, manager, paged):
    _, token = send(case, manager, codes=(paged,))
    first_tab = Client()
    start = first_tab.get(reverse("questionnaire:start", args=[token]))
    assert start.status_code == 200
    assert "10 questions" in start.content.decode()
    for number in (1, 2):
        answered = answer_page(first_tab, token, paged, number)
        assert answered.url == reverse("questionnaire:question", args=[token, paged, number + 1])
    # The tab is closed; opening the link again in another browser carries on at question 3.
    reopened = Client().get(reverse("questionnaire:start", args=[token]))
    assert reopened.status_code == 302
    assert reopened.url == reverse("questionnaire:question", args=[token, paged, 3])
    page = Client().get(reopened.url).content.decode()
    assert "Question 3 of 10" in page
    assert reverse("questionnaire:question", args=[token, paged, 2]) in page  # the Back link


def test_reopening_after_the_first_questionnaire_goes_to_the_second(case, manager):
    _, token = send(case, manager, codes=("phq9", "ompsq10"))
    client = Client()
    answer_all(client, token, "phq9")
    client.post(reverse("questionnaire:check", args=[token, "phq9"]))
    reopened = Client().get(reverse("questionnaire:start", args=[token]))
    assert reopened.url == reverse("questionnaire:question", args=[token, "ompsq10", 1])


def test_an_answer_is_changed_from_check_your_answers(case, manager):
    link, token = send(case, manager)
    client = Client()
    answer_all(client, token, "phq9")
    check = client.get(reverse("questionnaire:check", args=[token, "phq9"]))
    assert check.status_code == 200
    assert "?change=1" in check.content.decode()
    highest = lambda item: choices(item)[-1][0]  # noqa: E731
    changed = answer_page(client, token, "phq9", 1, highest, change=True)
    assert changed.url == reverse("questionnaire:check", args=[token, "phq9"])
    response = link.responses.get()
    first_item = registry.definition_get("phq9").items[0]
    assert str(response.answers[first_item.id]) == highest(first_item)


def test_an_unanswered_question_shows_an_error_and_keeps_nothing(case, manager):
    link, token = send(case, manager)
    page = Client().post(reverse("questionnaire:question", args=[token, "phq9", 1]), {})
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()
    assert not link.responses.exists()


def test_a_self_harm_answer_shows_where_to_get_urgent_help_next(case, manager):
    _, token = send(case, manager)
    client = Client()

    def item_9_above_0(item):
        return choices(item)[-1][0] if item.id == "q9" else choices(item)[0][0]

    answer_all(client, token, "phq9", item_9_above_0)
    submitted = client.post(reverse("questionnaire:check", args=[token, "phq9"]))
    assert submitted.url == reverse("questionnaire:urgent-help")
    page = client.get(submitted.url).content.decode()
    for words in ("111", "999", "Samaritans", "116 123"):
        assert words in page
    assert reverse("questionnaire:done") in page


def test_the_clients_send_redirects_and_sending_again_or_refreshing_raises_no_second_red_flag(case, manager):
    from fitforwork.assessments.models import RedFlag
    from fitforwork.cases.models import Task

    _, token = send(case, manager)
    client = Client()
    answer_all(client, token, "phq9", lambda item: choices(item)[-1][0] if item.id == "q9" else choices(item)[0][0])
    check = reverse("questionnaire:check", args=[token, "phq9"])

    first = client.post(check)
    assert first.status_code == 302
    assert RedFlag.objects.filter(case=case).count() == 1  # made by the POST, before the page it redirects to
    messages_sent = Message.objects.count()
    client.get(first.url)  # the urgent-help page, refreshed
    client.get(first.url)
    again = client.post(check)  # back, and Send again

    assert again.status_code == 302
    assert again.url == reverse("questionnaire:done")
    assert RedFlag.objects.filter(case=case).count() == 1
    assert Task.objects.filter(case=case, kind=Task.Kind.RED_FLAG).count() == 1
    assert Message.objects.count() == messages_sent
    assert QuestionnaireResponse.objects.filter(case=case, instrument_code="phq9").count() == 1


def test_two_questionnaires_follow_one_another(case, manager):
    link, token = send(case, manager, codes=("phq9", "ompsq10"))
    client = Client()
    answer_all(client, token, "phq9")
    first = client.post(reverse("questionnaire:check", args=[token, "phq9"]))
    assert first.url == reverse("questionnaire:question", args=[token, "ompsq10", 1])
    link.refresh_from_db()
    assert link.used_at is None
    answer_all(client, token, "ompsq10")
    last = client.post(reverse("questionnaire:check", args=[token, "ompsq10"]))
    assert last.url == reverse("questionnaire:done")
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.responses.filter(status=QuestionnaireResponse.Status.COMPLETED).count() == 2


def test_staff_are_told_when_there_is_no_contact_detail_for_the_channel(case, manager):
    case.person.phone = ""
    case.person.save()
    client = sign_in_with_two_factor(Client(), manager)
    url = reverse("cases:questionnaire-link-send", args=[case.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"instruments": ["phq9"], "channel": "sms"})
    assert page.status_code == 400
    assert "There is no mobile number on record" in page.content.decode()
    assert not QuestionnaireLink.objects.exists()
    assert not Message.objects.filter(template_name="questionnaire_link").exists()
    sent = client.post(url, {"instruments": ["phq9", "ompsq10"], "channel": "email"})
    assert sent.status_code == 302
    link = QuestionnaireLink.objects.get()
    assert link.instrument_codes == ["ompsq10", "phq9"] or link.instrument_codes == ["phq9", "ompsq10"]
    assert link.sent_by == manager


def test_someone_with_no_part_in_the_case_cannot_send_a_link(case):
    from tests.organisations.factories import SiteFactory

    other = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory(), with_device=True)
    client = sign_in_with_two_factor(Client(), other)
    page = client.post(
        reverse("cases:questionnaire-link-send", args=[case.pk]), {"instruments": ["phq9"], "channel": "email"}
    )
    assert page.status_code in (302, 403, 404)
    assert not QuestionnaireLink.objects.exists()


def test_a_care_team_member_who_only_reads_the_case_cannot_send_a_link(case, manager, workwell_site):  # noqa: F811
    from fitforwork.cases import mdt

    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True)
    mdt.care_team_add(case=case, user=physio, discipline="physiotherapist", actor=manager)
    client = sign_in_with_two_factor(Client(), physio)
    url = reverse("cases:questionnaire-link-send", args=[case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"instruments": ["phq9"], "channel": "email"}).status_code == 403
    assert not QuestionnaireLink.objects.exists()
