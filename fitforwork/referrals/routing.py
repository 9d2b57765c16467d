"""Which site a referral belongs to: the one covering the person's GP practice, else their postcode district."""

from __future__ import annotations

from fitforwork.organisations.models import Organisation, Site
from fitforwork.people.postcodes import postcode_district


def route_referral(*, gp_practice: Organisation | None, postcode: str) -> Site | None:
    if gp_practice is not None:
        site = Site.objects.filter(gp_practices=gp_practice).select_related("service_model").first()
        if site is not None:
            return site
    district = postcode_district(postcode)
    if not district:
        return None
    # Areas are short lists of districts per site; a national service has tens of sites.
    for site in Site.objects.select_related("service_model").order_by("name"):
        if district in {d.upper() for d in site.postcode_districts}:
            return site
    return None
