"""GP practices a person may be registered with: those near their postcode first, or those matching a search.

The directory holds every practice's postcode, so "near" is read from the postcode itself: the same sector
(LE1 6), then the same district (LE1), then the same area (LE). No geocoding, no external service.
"""

from __future__ import annotations

import re
import uuid

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from fitforwork.organisations.models import Organisation
from fitforwork.people.postcodes import normalise_postcode, postcode_district

NEARBY_LIMIT = 10
SEARCH_LIMIT = 20


def _practices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.GP_PRACTICE, is_active=True)


def gp_practices_near(postcode: str, *, limit: int = NEARBY_LIMIT) -> list[Organisation]:
    """Practices in the person's postcode area, the same sector first, then the same district, then by name."""
    normal = normalise_postcode(postcode or "")
    if normal is None:
        return []
    district = postcode_district(normal)
    sector = normal[:-2]  # "LE1 6" of "LE1 6TP"
    area = re.match(r"[A-Z]+", district)
    if area is None:
        return []
    ranked = (
        _practices()
        .filter(postcode__regex=rf"^{area.group()}[0-9]")
        .annotate(
            nearness=Case(
                When(postcode__startswith=sector, then=Value(0)),
                When(postcode__startswith=f"{district} ", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("nearness", "name")
    )
    return list(ranked[:limit])


def gp_practices_matching(query: str, *, limit: int = SEARCH_LIMIT) -> list[Organisation]:
    """Practices whose name contains the words searched for, or whose postcode starts with them."""
    words = query.split()[:5]
    if not words:
        return []
    compact = query.replace(" ", "").upper()
    by_postcode = Q(postcode__startswith=normalise_postcode(query) or query.strip().upper()) if compact else Q()
    by_name = Q()
    for word in words:
        by_name &= Q(name__icontains=word)
    return list(_practices().filter(by_name | by_postcode).order_by("name")[:limit])


def gp_practice(pk: str) -> Organisation | None:
    """The active practice with this id, or None for anything else (a made-up or stale value)."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        return None
    return _practices().filter(pk=key).first()


def practice_label(practice: Organisation) -> str:
    return f"{practice.name}, {practice.postcode}" if practice.postcode else practice.name
