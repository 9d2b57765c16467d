"""Telling referrers and clients what happened to a referral, through the outbox.

Called inside the transaction that makes the change, so a message exists exactly when the change does.
"""

from __future__ import annotations

from django.conf import settings

from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import message_build, messages_enqueue
from fitforwork.referrals.models import Referral


def _template(name: str) -> str:
    """The GOV.UK Notify template id for one of our messages (NOTIFY_TEMPLATES), or its name for the file backend."""
    return str(settings.NOTIFY_TEMPLATES.get(name, name))


def _contact() -> dict[str, str]:
    """How to reach the service, in every message, so nobody is left with a reference and no one to call."""
    contact = settings.SERVICE_CONTACT
    return {"service_phone": contact["phone"], "service_email": contact["email"], "service_hours": contact["hours"]}


def _referrer_email(referral: Referral) -> str:
    if referral.referrer_email:
        return referral.referrer_email
    return referral.referrer_user.email if referral.referrer_user else ""


def _to_referrer(referral: Referral, name: str, personalisation: dict[str, str]) -> list[Message]:
    email = _referrer_email(referral)
    if not email:
        return []
    return [
        message_build(
            channel="email",
            template_id=_template(name),
            template_name=name,
            recipient=email,
            personalisation={"reference": referral.reference, **_contact(), **personalisation},
            reference=str(referral.pk),
        )
    ]


def _to_client(referral: Referral, name: str, personalisation: dict[str, str]) -> list[Message]:
    person = referral.person
    common = {"reference": referral.reference, "first_name": person.given_name, **_contact(), **personalisation}
    extra: dict[str, str] = {}
    if person.email:
        channel, recipient = "email", person.email
    elif person.phone and person.phone.replace(" ", "").lstrip("+").startswith(("07", "447")):
        channel, recipient = "sms", person.phone
    elif person.address_line_1 and person.town and person.postcode:
        lines = [
            f"{person.given_name} {person.family_name}",
            person.address_line_1,
            person.address_line_2,
            person.town,
            person.postcode,
        ]
        lines = [line for line in lines if line]
        channel, recipient = "letter", lines[0]
        extra = {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}
    else:
        return []  # no way to reach them in writing; the case manager phones
    return [
        message_build(
            channel=channel,
            template_id=_template(f"{name}_{channel}"),
            template_name=f"{name}_{channel}",
            recipient=recipient,
            personalisation={**common, **extra},
            reference=str(referral.pk),
        )
    ]


def _both(referral: Referral, name: str, personalisation: dict[str, str]) -> list[Message]:
    return [
        *_to_referrer(referral, f"{name}_referrer", personalisation),
        *_to_client(referral, f"{name}_client", personalisation),
    ]


def referrals_received(referrals: list[Referral]) -> None:
    """Tell each referrer and client that a referral arrived: every message in one insert."""
    messages_enqueue([m for r in referrals for m in _both(r, "referral_received", {"site": r.site.name})])


def referral_received(referral: Referral) -> None:
    referrals_received([referral])


def referral_accepted(referral: Referral) -> None:
    messages_enqueue(_both(referral, "referral_accepted", {"site": referral.site.name}))


def referral_declined(referral: Referral) -> None:
    messages_enqueue(_both(referral, "referral_declined", {"reason": referral.decline_reason}))
