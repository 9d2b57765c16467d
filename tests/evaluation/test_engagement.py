"""GP engagement: referrals per practice, per 1,000 fit notes, the share accepted, the outreach list; and what a
commissioner sees of them, suppressed. Every figure here is worked out by hand from the rows the test makes."""

from datetime import date

import pytest

from fitforwork.evaluation.engagement import Period, outreach, outreach_csv, practice_figures, suppressed
from fitforwork.organisations.models import FitNoteCount, FitNoteLoad
from fitforwork.referrals.models import Referral
from tests.cases.conftest import london, refer
from tests.organisations.factories import OrganisationFactory, SiteFactory

APRIL_TO_JUNE = Period(date(2026, 4, 1), date(2026, 6, 1))


def referrals(site, practice, statuses, day=date(2026, 5, 10)):
    for status in statuses:
        referral = refer(
            site, source="gp", gp_practice=practice, referrer_organisation=practice,
            received_at=london(day.year, day.month, day.day),
        )  # fmt: skip
        if status != "received":  # decided as triage decides, without the case that accepting opens
            reason = "Not eligible" if status == "declined" else ""
            Referral.objects.filter(pk=referral.pk).update(
                status=status, decided_at=referral.received_at, decline_reason=reason
            )


def fit_notes(practice, counts):
    load = FitNoteLoad.objects.create(file_name="fit-notes.csv", sha256="0" * 64)
    for month, count in counts.items():
        FitNoteCount.objects.create(practice=practice, month=month, count=count, load=load)


@pytest.fixture
def area(db):
    site = SiteFactory(name="WorkWell Leicester", postcode_districts=["LE1", "LE2"])
    limes = OrganisationFactory(gp_practice=True, name="Limes", ods_code="C82001", email="limes@nhs.example")
    hawthorn = OrganisationFactory(gp_practice=True, name="Hawthorn", ods_code="C82002")
    unloaded = OrganisationFactory(gp_practice=True, name="Unloaded", ods_code="C82003")
    elsewhere = OrganisationFactory(gp_practice=True, name="Elsewhere", ods_code="C82004")
    site.gp_practices.add(limes, hawthorn, unloaded)
    other = SiteFactory(name="Sheffield", postcode_districts=["S1"])
    other.gp_practices.add(elsewhere)
    site.practice, other.practice = limes, elsewhere  # the referral helper's default practice
    # Limes: 15 accepted, 5 declined, 2 waiting in May; one in March (outside); 1,200 + 800 fit notes in the period
    referrals(site, limes, ["accepted"] * 15 + ["declined"] * 5 + ["received"] * 2)
    referrals(site, limes, ["accepted"], day=date(2026, 3, 2))
    fit_notes(limes, {date(2026, 4, 1): 1200, date(2026, 6, 1): 800, date(2026, 3, 1): 999})
    # Hawthorn: none in the period, 500 fit notes; Unloaded: 7 referrals, 5 accepted, no fit notes loaded
    fit_notes(hawthorn, {date(2026, 5, 1): 500})
    referrals(site, unloaded, ["accepted"] * 5 + ["declined"] * 2)
    referrals(other, elsewhere, ["accepted"] * 3)
    fit_notes(elsewhere, {date(2026, 5, 1): 100})
    return site


def by_code(rows):
    return {row["ods_code"]: row for row in rows}


def test_each_practice_of_the_site_with_its_referrals_rate_and_share_accepted(area):
    rows = by_code(practice_figures([area], APRIL_TO_JUNE))
    assert set(rows) == {"C82001", "C82002", "C82003"}  # not the other site's practice
    limes = rows["C82001"]
    assert (limes["referrals"], limes["fit_notes"], limes["accepted"], limes["decided"]) == (22, 2000, 15, 20)
    assert limes["per_1000_fit_notes"] == 11.0  # 22 / 2,000 x 1,000
    assert limes["accepted_percent"] == 75.0  # 15 of the 20 decided; the 2 waiting do not count
    assert limes["email"] == "limes@nhs.example"
    assert (rows["C82002"]["referrals"], rows["C82002"]["per_1000_fit_notes"]) == (0, 0.0)
    assert rows["C82002"]["accepted_percent"] is None  # nothing decided
    assert (rows["C82003"]["fit_notes"], rows["C82003"]["per_1000_fit_notes"]) == (None, None)  # not loaded


def test_the_outreach_list_is_the_practices_with_fit_notes_fewest_referrals_for_them_first(area):
    rows = practice_figures([area], APRIL_TO_JUNE)
    assert [row["ods_code"] for row in outreach(rows)] == ["C82002", "C82001"]  # 0.0 then 11.0; Unloaded has no rate
    assert [row["ods_code"] for row in outreach(rows, limit=1)] == ["C82002"]
    lines = outreach_csv(outreach(rows)).splitlines()
    assert lines[0] == (
        'Practice,ODS code,Email,Postcode,Fit notes issued,Referrals,"Referrals per 1,000 fit notes",Accepted (%)'
    )
    assert lines[1] == "Hawthorn,C82002,,,500,0,0.0,"
    assert lines[2] == "Limes,C82001,limes@nhs.example,,2000,22,11.0,75.0"


def test_a_practice_with_1_to_4_referrals_shows_none_of_them_nor_what_they_could_be_worked_out_from(db):
    site = SiteFactory(name="Small", postcode_districts=["LE1"])
    few = OrganisationFactory(gp_practice=True, name="Few", ods_code="A00001")
    some = OrganisationFactory(gp_practice=True, name="Some", ods_code="A00002")
    many = OrganisationFactory(gp_practice=True, name="Many", ods_code="A00003")
    site.gp_practices.add(few, some, many)
    site.practice = few
    referrals(site, few, ["accepted", "accepted", "declined"])  # 3: hidden
    referrals(site, some, ["accepted"] * 6)  # 6: the smallest other, hidden so 3 cannot be worked out from the total
    referrals(site, many, ["accepted"] * 9 + ["declined"] * 3)  # 12, of which 3 declined: the share is hidden
    for practice in (few, some, many):
        fit_notes(practice, {date(2026, 5, 1): 1000})
    rows, total = suppressed(practice_figures([site], APRIL_TO_JUNE))
    shown = by_code(rows)
    assert total == 21
    assert shown["A00001"]["referrals"] == "<5"
    assert shown["A00001"]["per_1000_fit_notes"] == "*"  # 3.0 per 1,000 of a shown 1,000 would give the 3 back
    assert (shown["A00001"]["accepted"], shown["A00001"]["decided"], shown["A00001"]["accepted_percent"]) == (
        "*", "*", "*"
    )  # fmt: skip
    assert shown["A00002"]["referrals"] == "*"
    assert shown["A00002"]["per_1000_fit_notes"] == "*"
    assert shown["A00003"]["referrals"] == 12
    assert (shown["A00003"]["accepted"], shown["A00003"]["decided"], shown["A00003"]["accepted_percent"]) == (
        "*", 12, "*"
    )  # fmt: skip  # 9 of 12 would give the 3 declined
    for row in rows:
        for key in ("referrals", "accepted", "decided"):
            assert not (isinstance(row[key], int) and 1 <= row[key] <= 4), (row["ods_code"], key)
    visible = sum(row["referrals"] for row in rows if isinstance(row["referrals"], int))
    assert total - visible == 9  # two hidden cells share the difference: neither can be told from it


def test_a_period_is_whole_months():
    assert APRIL_TO_JUNE.end == date(2026, 7, 1)
    assert Period(date(2026, 12, 1), date(2026, 12, 1)).end == date(2027, 1, 1)
    with pytest.raises(ValueError, match="first of one month"):
        Period(date(2026, 4, 2), date(2026, 6, 1))
    with pytest.raises(ValueError, match="first of one month"):
        Period(date(2026, 6, 1), date(2026, 4, 1))
