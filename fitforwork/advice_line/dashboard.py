"""The team lead's figures: contacts a week by channel, caller type, size band and topic; follow-ups due and
overdue; how many contacts became referrals. Every table is also a chart and a CSV file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fitforwork.advice_line.models import AdviceLine, CallerType, Channel, Contact, FollowUp, Topic
from fitforwork.organisations.models import Organisation

WEEKS = 12
DIMENSIONS = {
    "channel": "Channel",
    "caller-type": "Caller type",
    "size-band": "Size of organisation",
    "topic": "Topic",
}


@dataclass(frozen=True)
class Table:
    """Contacts a week (rows: weeks starting Monday) by category (columns)."""

    key: str
    title: str
    categories: list[str]
    weeks: list[date]
    counts: list[list[int]]  # counts[week][category]

    @property
    def totals(self) -> list[int]:
        return [sum(row[i] for row in self.counts) for i in range(len(self.categories))]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_ending(today: date) -> list[date]:
    last = _monday(today)
    return [last - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _contacts(line: AdviceLine, weeks: list[date]) -> QuerySet[Contact]:
    start = timezone.make_aware(datetime.combine(weeks[0], time.min))
    return Contact.objects.filter(line=line, contacted_at__gte=start)


def _table(key: str, line: AdviceLine, today: date) -> Table:
    weeks = weeks_ending(today)
    contacts = _contacts(line, weeks)
    labels: dict[Any, str]
    if key == "topic":
        labels = dict(Topic.objects.values_list("pk", "name"))
        field = "topics"
    else:
        field = {"channel": "channel", "caller-type": "caller_type", "size-band": "size_band"}[key]
        choices = {"channel": Channel, "caller-type": CallerType, "size-band": Organisation.SizeBand}[key]
        labels = {str(value): str(label).split(" (")[0] for value, label in choices.choices}
        labels[""] = "Not known"
    rows = contacts.annotate(day=TruncDate("contacted_at")).values("day", field).annotate(n=Count("id", distinct=True))
    order = list(labels)
    counts = [[0] * len(order) for _ in weeks]
    index = {week: i for i, week in enumerate(weeks)}
    for row in rows:
        value = row[field] if row[field] is not None else ""
        if key == "topic" and value == "":
            continue
        week = index.get(_monday(row["day"]))
        if week is not None and value in labels:
            counts[week][order.index(value)] += row["n"]
    used = [i for i in range(len(order)) if any(r[i] for r in counts)] or list(range(len(order)))
    return Table(
        key=key,
        title=f"Contacts a week by {DIMENSIONS[key].lower()}",
        categories=[labels[order[i]] for i in used],
        weeks=weeks,
        counts=[[r[i] for i in used] for r in counts],
    )


def tables(line: AdviceLine, today: date | None = None) -> list[Table]:
    day = today or timezone.localdate()
    return [_table(key, line, day) for key in DIMENSIONS]


def table(line: AdviceLine, key: str, today: date | None = None) -> Table:
    return _table(key, line, today or timezone.localdate())


@dataclass(frozen=True)
class Summary:
    contacts: int
    referred: int
    follow_ups_due: int
    follow_ups_overdue: int

    @property
    def conversion_percent(self) -> int:
        return round(100 * self.referred / self.contacts) if self.contacts else 0


def summary(line: AdviceLine, today: date | None = None) -> Summary:
    """Over the weeks the tables show: contacts, those referred, and follow-ups open now."""
    day = today or timezone.localdate()
    contacts = _contacts(line, weeks_ending(day))
    open_follow_ups = FollowUp.objects.filter(contact__line=line, done_at__isnull=True)
    return Summary(
        contacts=contacts.count(),
        referred=contacts.filter(referral__isnull=False).count(),
        follow_ups_due=open_follow_ups.filter(due_on__gte=day).count(),
        follow_ups_overdue=open_follow_ups.filter(due_on__lt=day).count(),
    )
