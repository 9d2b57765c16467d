"""The demo's advice line: the main site's "Advice line" team answers it, open on weekdays 9 to 5, with a few
snippets and a year of contacts at a believable rate (about eight a working day), most with a promised
follow-up long since done, and the advice-line referrals the demo made linked to a contact each. Bulk rows,
as the rest of the demo; every row synthetic."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.advice_line.models import (
    AdviceLine,
    CallerType,
    Channel,
    ChatMessage,
    ChatStatus,
    Contact,
    FollowUp,
    OpeningHours,
    Snippet,
    Topic,
)
from fitforwork.advice_line.services import topics_ensure
from fitforwork.core.calendar import add_working_days, is_working_day
from fitforwork.demo.structure import MAIN_SITE
from fitforwork.organisations.models import Organisation, Team
from fitforwork.referrals.models import Referral

LINE_NAME = "Fit for Work advice line"
PER_WORKING_DAY = (4, 12)
CHANNELS = ((Channel.PHONE, 0.7), (Channel.WEB_CHAT, 0.2), (Channel.EMAIL, 0.1))
CALLERS = (
    (CallerType.EMPLOYER_OWNER, 0.3),
    (CallerType.EMPLOYER_HR, 0.15),
    (CallerType.EMPLOYER_MANAGER, 0.15),
    (CallerType.EMPLOYEE, 0.3),
    (CallerType.GP, 0.05),
    (CallerType.OTHER, 0.05),
)
SNIPPETS = (
    (
        "Fit notes",
        "What a fit note says",
        "A fit note can say the employee may be fit for work with adjustments, "
        "such as shorter hours or lighter duties. Talk them through with the employee.",
        "https://www.gov.uk/government/collections/fit-note",
    ),
    (
        "Adjustments",
        "Reasonable adjustments",
        "Employers must make reasonable adjustments for disabled workers. "
        "Ask the employee what would help; Access to Work may pay for some.",
        "https://www.gov.uk/reasonable-adjustments-for-disabled-workers",
    ),
    (
        "Returning to work",
        "A phased return",
        "A phased return builds hours back up over a few weeks. Agree a plan in writing and review it each week.",
        "https://www.gov.uk/government/collections/fit-note",
    ),
    (
        "Mental health at work",
        "Talking about mental health",
        "Ask how they are, listen, and agree what would help. Their GP or NHS talking therapies can support them.",
        "https://www.nhs.uk/mental-health/",
    ),
)
ADVICE = (
    "Explained what the fit note means and how to agree adjustments.",
    "Talked through keeping in touch during sickness absence.",
    "Suggested a phased return and a written plan.",
    "Explained the employer's duties and where to find guidance.",
    "Suggested the employee speaks to their GP; offered a referral.",
)
FOLLOW_UPS = ("Email the guidance", "Call back to check how the return is going", "Send the referral leaflet")


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([value for value, _ in weighted], weights=[share for _, share in weighted])[0]


def make_advice_line(*, rng: random.Random, now: datetime) -> int:
    """Set up the line and a year of its contacts, once; return how many contacts were written."""
    team = Team.objects.filter(site__name=MAIN_SITE.name, name="Advice line").select_related("site").first()
    if team is None or AdviceLine.objects.filter(name=LINE_NAME).exists():
        return 0
    line = AdviceLine.objects.create(name=LINE_NAME, phone="0800 077 8844", team=team, nation=team.site.nation)
    OpeningHours.objects.bulk_create(
        [OpeningHours(line=line, weekday=day, opens=time(9), closes=time(17)) for day in range(5)]
    )
    topics_ensure()  # a database emptied since the migration seeded them has none
    topics = {topic.name: topic for topic in Topic.objects.all()}
    Snippet.objects.bulk_create(
        [
            Snippet(topic=topics[name], title=title, text=text, guidance_url=url)
            for name, title, text, url in SNIPPETS
            if name in topics
        ]
    )
    advisers: list[User | None] = [*team.members.filter(role=Role.ADVICE_ADVISER)] or [None]
    employers = list(Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER).order_by("name")[:200])
    referrals = list(
        Referral.objects.filter(site=team.site, source="advice_line")
        .order_by("received_at")
        .values_list("pk", "received_at")
    )
    contacts, through, follow_ups, chat_rows = [], [], [], []
    today = timezone.localdate(now)
    day = today - timedelta(days=365)
    topic_list = list(topics.values())
    while day < today:
        if is_working_day(day, line.nation):
            for _ in range(rng.randint(*PER_WORKING_DAY)):
                at = timezone.make_aware(datetime.combine(day, time(9)) + timedelta(minutes=rng.randint(0, 479)))
                contacts.append(_contact(rng, line, at, advisers, employers))
        day += timedelta(days=1)
    for (referral_id, received_at), contact in zip(
        referrals, rng.sample(contacts, min(len(referrals), len(contacts))), strict=False
    ):
        contact.referral_id = referral_id
        contact.caller_type = CallerType.EMPLOYEE
        contact.contacted_at = received_at - timedelta(minutes=20)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    for contact in contacts:
        for topic in rng.sample(topic_list, rng.choice((1, 1, 2))):
            through.append(Contact.topics.through(contact_id=contact.pk, topic_id=topic.pk))
        if contact.adviser_id and rng.random() < 0.4:
            due = add_working_days(timezone.localdate(contact.contacted_at), rng.choice((1, 2, 3, 5)), line.nation)
            done = due < today - timedelta(days=3) or rng.random() < 0.5
            follow_ups.append(
                FollowUp(
                    contact=contact,
                    owner_id=contact.adviser_id,
                    description=rng.choice(FOLLOW_UPS),
                    due_on=due,
                    done_at=timezone.make_aware(datetime.combine(due, time(12))) if done else None,
                )
            )
        if contact.channel == Channel.WEB_CHAT:
            chat_rows += [
                ChatMessage(
                    contact=contact,
                    sender="caller",
                    text="Hello, I would like some advice about work.",
                    sent_at=contact.contacted_at,
                ),
                ChatMessage(
                    contact=contact,
                    sender="adviser",
                    author_id=contact.adviser_id,
                    text="Hello, I can help. What is happening?",
                    sent_at=contact.contacted_at + timedelta(minutes=1),
                ),
            ]
    Contact.topics.through.objects.bulk_create(through, batch_size=2000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=1000)
    ChatMessage.objects.bulk_create(chat_rows, batch_size=2000)
    return len(contacts)


def _contact(
    rng: random.Random, line: AdviceLine, at: datetime, advisers: list[User | None], employers: list[Organisation]
) -> Contact:
    channel = _pick(rng, CHANNELS)
    caller = _pick(rng, CALLERS)
    employer = rng.choice(employers) if employers and caller.startswith("employer") and rng.random() < 0.6 else None
    return Contact(
        line=line,
        adviser=rng.choice(advisers),
        contacted_at=at,
        created_at=at,
        channel=channel,
        caller_type=caller,
        organisation=employer,
        organisation_name="" if employer or not caller.startswith("employer") else f"Small firm {rng.randint(1, 400)}",
        size_band=employer.size_band if employer else rng.choice(("micro", "small", "medium", "")),
        nation=line.nation,
        advice=rng.choice(ADVICE),
        chat_status=ChatStatus.ENDED if channel == Channel.WEB_CHAT else "",
    )
