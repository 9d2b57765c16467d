"""The multidisciplinary team of a case: who is in its care team, and the notes of its discussions.

Care team members see the case and no other through it (cases/access.py). The case manager or a team lead
of the case's site adds and removes them; removal keeps the row, with who removed them and when.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.cases.access import relationship_to
from fitforwork.cases.models import CareTeamMember, Case, MdtNote
from fitforwork.core.audit.services import audit_record

# Who can be in a care team: the service's own clinical staff.
CARE_TEAM_ROLES = frozenset({Role.PRACTITIONER, Role.CASE_MANAGER})
# The relationships that let someone work on a case (break-glass lets them read it, not change it).
WORKING_RELATIONSHIPS = frozenset({"case_manager", "cover", "team", "care_team"})


class CareTeamError(Exception):
    """A change to a care team or an MDT note that is not allowed; the message says why, in words for the page."""


def has_working_relationship(user: User, case: Case) -> bool:
    """The case manager, their cover, the case's team and its care team work on a case."""
    return relationship_to(user, case) in WORKING_RELATIONSHIPS


def can_manage_care_team(user: User, case: Case) -> bool:
    """The case's case manager (or whoever covers for them), or a team lead in the case's team. Never through
    break-glass: a member added would keep seeing the case after the glass closed."""
    if not user.is_authenticated:
        return False
    relationship = relationship_to(user, case)
    if relationship in {"case_manager", "cover"}:
        return True
    return user.role == Role.TEAM_LEAD and relationship == "team"


def ensure_can_manage_care_team(user: User, case: Case) -> None:
    if not can_manage_care_team(user, case):
        raise PermissionDenied("Only the case manager or a team lead in the case's team can change its care team.")


def care_team_candidates(case: Case) -> QuerySet[User]:
    """Staff who could join the case's care team: the site's active practitioners and case managers not in it."""
    members = CareTeamMember.objects.filter(case=case, removed_at__isnull=True).values("user_id")
    candidates = User.objects.filter(is_active=True, role__in=CARE_TEAM_ROLES, site_id=case.site_id)
    candidates = candidates.exclude(pk__in=members)
    if case.case_manager_id is not None:
        candidates = candidates.exclude(pk=case.case_manager_id)
    return candidates.order_by("first_name", "last_name", "email")


def known_disciplines(users: list[User]) -> dict[uuid.UUID, str]:
    """The discipline each of `users` already has, where the service knows it: a job title that names one
    ("Physiotherapist"), or else the discipline they had when they last joined a care team."""
    by_label = {str(label).lower(): value for value, label in CareTeamMember.Discipline.choices}
    known: dict[uuid.UUID, str] = {}
    for user in users:
        if (user.job_title or "").strip().lower() in by_label:
            known[user.pk] = by_label[user.job_title.strip().lower()]
    unknown = [user.pk for user in users if user.pk not in known]
    if unknown:
        latest = CareTeamMember.objects.filter(user_id__in=unknown).order_by("user_id", "-added_at", "-id")
        for user_id, discipline in latest.values_list("user_id", "discipline"):
            known.setdefault(user_id, discipline)
    return known


def care_team_current(case: Case) -> QuerySet[CareTeamMember]:
    """The case's care team as it is now, in the order they joined."""
    return CareTeamMember.objects.filter(case=case, removed_at__isnull=True).select_related("user", "added_by")


@transaction.atomic
def care_team_add(*, case: Case, user: User, discipline: str, actor: User) -> CareTeamMember:
    """Add a practitioner (or another case manager) to an open case's care team, so they can see it."""
    ensure_can_manage_care_team(actor, case)
    if discipline not in CareTeamMember.Discipline.values:
        raise CareTeamError("Select their discipline")
    if not user.is_active or user.role not in CARE_TEAM_ROLES:
        name = user.get_full_name() or user.email
        raise CareTeamError(f"{name} is not a practitioner or case manager, so they cannot join a care team")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise CareTeamError("This case is discharged, so no one can join its care team")
    if locked.case_manager_id == user.pk:
        raise CareTeamError(f"{user.get_full_name()} is the case manager, so they already see this case")
    if CareTeamMember.objects.filter(case=locked, user=user, removed_at__isnull=True).exists():
        raise CareTeamError(f"{user.get_full_name() or user.email} is already in the care team")
    member = CareTeamMember.objects.create(case=locked, user=user, discipline=discipline, added_by=actor)
    audit_record(
        actor=actor,
        action="cases.care_team.added",
        obj=locked,
        data={"member": str(member.pk), "user": str(user.pk), "discipline": discipline},
    )
    return member


@transaction.atomic
def care_team_remove(*, member: CareTeamMember, actor: User) -> CareTeamMember:
    """Take someone out of a care team: they stop seeing the case; the record of their membership stays."""
    locked = CareTeamMember.objects.select_for_update().select_related("case", "user").get(pk=member.pk)
    ensure_can_manage_care_team(actor, locked.case)
    if locked.removed_at is not None:
        raise CareTeamError(f"{locked.user.get_full_name() or locked.user.email} has already left the care team")
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=actor,
        action="cases.care_team.removed",
        obj=locked.case,
        data={"member": str(locked.pk), "user": str(locked.user_id), "discipline": locked.discipline},
    )
    return locked


def mdt_notes_for_case(case: Case) -> QuerySet[MdtNote]:
    """A case's MDT notes, newest discussion first. The caller got the case through cases.access."""
    return MdtNote.objects.filter(case=case).select_related("author").order_by("-discussed_on", "-written_at", "-id")


@transaction.atomic
def mdt_note_add(
    *, case: Case, actor: User, discussed_on: date, attendees: str, note: str, actions: str = ""
) -> MdtNote:
    """Write up an MDT discussion of a case; anyone working on the case may, care team included."""
    if not has_working_relationship(actor, case):
        raise PermissionDenied("Only the people working on this case can add an MDT note.")
    attendees, note, actions = attendees.strip(), note.strip(), actions.strip()
    if not attendees:
        raise CareTeamError("Enter who took part in the discussion")
    if not note:
        raise CareTeamError("Enter what was discussed")
    if discussed_on > timezone.localdate():
        raise CareTeamError("The date of the discussion must be today or in the past")
    if discussed_on < timezone.localdate(case.opened_at):
        raise CareTeamError("The date of the discussion must be on or after the day the case opened")
    mdt_note = MdtNote.objects.create(
        case=case, discussed_on=discussed_on, attendees=attendees, note=note, actions=actions, author=actor
    )
    audit_record(
        actor=actor,
        action="cases.mdt_note.added",
        obj=case,
        data={"mdt_note": mdt_note.pk, "discussed_on": discussed_on},
    )
    return mdt_note
