"""Which site a referral belongs to: the one covering the person's GP practice, else their postcode district.

Referral intake is the busiest write path, and every referral needs its site and the newest rules of the
site's service model. So each process keeps a routing table: every site (with its service model), GP
practice -> site, postcode district -> site, and the newest ServiceModelVersion of each service model,
loaded with three queries and then answering with none.

The table is kept for at most `settings.ROUTING_CACHE_SECONDS` (default 30). Saving or deleting a Site,
ServiceModel or ServiceModelVersion, or changing a site's GP practices, clears it at once in the process
that made the change, and again when that transaction commits (receivers in `referrals/signals.py`).
Another process, or a change that sends no signals (`QuerySet.update()`, `bulk_create`, the demo data
writer), may still be routed with the previous table for up to ROUTING_CACHE_SECONDS after an
administrator changes a site's area or publishes new rules. Each referral records the rules version it
was decided under, so a referral decided this way shows it.

The shared Site and ServiceModelVersion instances are read, never changed, by the threads that use them.
One thread reloads at a time; the others keep answering from the old table until the new one is ready,
except after a clear, when they wait for it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery

from fitforwork.organisations.models import Organisation, ServiceModelVersion, Site
from fitforwork.people.postcodes import postcode_district


@dataclass(frozen=True)
class _Table:
    loaded_at: float
    by_practice: dict[Any, Site] = field(default_factory=dict)
    by_district: dict[str, Site] = field(default_factory=dict)
    rules: dict[Any, ServiceModelVersion] = field(default_factory=dict)


_table: _Table | None = None
_generation = 0  # moved on by every clear, so a load that a clear overtook is not kept
_state_lock = threading.Lock()  # held only to read or swap `_table` and `_generation`
_load_lock = threading.Lock()  # held by the one thread loading a new table


def _ttl() -> float:
    return float(getattr(settings, "ROUTING_CACHE_SECONDS", 30))


def _load() -> _Table:
    table = _Table(loaded_at=time.monotonic())
    # Site's default ordering (name, in the database's collation) decides ties, as the queries it
    # replaces did: Site.objects.filter(gp_practices=...).first() and a scan of sites by name.
    sites = list(Site.objects.select_related("service_model").order_by("name"))
    rank = {site.pk: i for i, site in enumerate(sites)}
    for site in sites:
        for district in site.postcode_districts:
            if isinstance(district, str):
                table.by_district.setdefault(district.upper(), site)
    covers = Site.gp_practices.through.objects.values_list("organisation_id", "site_id")
    best: dict[Any, Any] = {}
    for practice_id, site_id in covers:
        if practice_id not in best or rank[site_id] < rank[best[practice_id]]:
            best[practice_id] = site_id
    by_pk = {site.pk: site for site in sites}
    table.by_practice.update((practice_id, by_pk[site_id]) for practice_id, site_id in best.items())
    newest = ServiceModelVersion.objects.filter(service_model=OuterRef("service_model")).order_by("-number")
    for version in ServiceModelVersion.objects.select_related("service_model").filter(
        number=Subquery(newest.values("number")[:1])
    ):
        table.rules[version.service_model_id] = version
    return table


def _current() -> _Table:
    global _table
    table = _table
    if table is not None and time.monotonic() - table.loaded_at < _ttl():
        return table
    # Expired: one thread reloads while the rest answer from the old table. Cleared: everyone waits.
    if table is None:
        _load_lock.acquire()
    elif not _load_lock.acquire(blocking=False):
        return table
    try:
        with _state_lock:
            table, generation = _table, _generation
        if table is not None and time.monotonic() - table.loaded_at < _ttl():
            return table  # another thread loaded it while this one waited
        table = _load()
        with _state_lock:
            if generation == _generation:
                _table = table
        return table
    finally:
        _load_lock.release()


def routing_cache_clear() -> None:
    """Forget the routing table in this process; the next referral loads a new one."""
    global _table, _generation
    with _state_lock:
        _table = None
        _generation += 1


def route_referral(*, gp_practice: Organisation | None, postcode: str) -> Site | None:
    table = _current()
    if gp_practice is not None:
        site = table.by_practice.get(gp_practice.pk)
        if site is not None:
            return site
    district = postcode_district(postcode)
    if not district:
        return None
    return table.by_district.get(district)


def latest_rules(service_model_id: Any) -> ServiceModelVersion | None:
    """The newest rules of a service model, or None when it has no version yet."""
    return _current().rules.get(service_model_id)
