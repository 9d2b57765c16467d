"""Referrals of the demo referrers' own: the GP, the employer, the work coach and the community link worker
each become the referrer of a few of the main site's demo referrals from their kind of referrer (the newest
accepted, declined and waiting ones), so each referrer sign-in has a home page with something on it. The rows
are the demo's own (this is the bulk loader), and the same seed picks the same referrals."""

from __future__ import annotations

from uuid import UUID

from fitforwork.accounts.models import Role, User
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.demo.structure import MAIN_SITE
from fitforwork.referrals.models import Referral
from fitforwork.referrals.web.forms import REFERRERS

REFERRER_ROLES = (Role.GP, Role.EMPLOYER, Role.JOBCENTRE, Role.COMMUNITY)
# How many of each status each referrer is given, newest first: five in all when there are enough.
WANTED = ((Referral.Status.ACCEPTED, 2), (Referral.Status.DECLINED, 1), (Referral.Status.RECEIVED, 2))
IN_ALL = 5


def make_referrer_referrals() -> int:
    """Give each demo referrer up to five referrals of their kind at the main site; return how many."""
    users = User.objects.filter(email__in=[demo.email for demo in DEMO_USERS], role__in=REFERRER_ROLES)
    given = 0
    for user in users.select_related("organisation").order_by("email"):
        if user.organisation is None or Referral.objects.filter(referrer_user=user).exists():
            continue
        unclaimed = Referral.objects.filter(
            site__name=MAIN_SITE.name, source=REFERRERS[user.role].source, referrer_user__isnull=True
        ).order_by("-received_at", "-id")
        chosen: list[UUID] = []
        for status, count in WANTED:
            chosen += list(unclaimed.filter(status=status).values_list("pk", flat=True)[:count])
        if len(chosen) < IN_ALL:
            chosen += list(unclaimed.exclude(pk__in=chosen).values_list("pk", flat=True)[: IN_ALL - len(chosen)])
        given += Referral.objects.filter(pk__in=chosen).update(
            referrer_user=user,
            referrer_organisation=user.organisation,
            referrer_name=user.get_full_name(),
            referrer_email=user.email,
        )
    return given
