"""`import-referrals`: each row of a CSV through intake, with a row-by-row report; re-importing makes nothing new."""

import csv
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fitforwork.referrals.models import Referral, Submission

pytestmark = pytest.mark.django_db

HEADER = [
    "source", "given_name", "family_name", "date_of_birth", "nhs_number", "postcode", "gp_practice_code",
    "email", "employment_status", "absence_start", "condition_category", "reason", "consent",
]  # fmt: skip
OFF_SINCE = (date.today() - timedelta(weeks=3)).isoformat()


def _write(tmp_path, rows, name="referrals.csv"):
    path = tmp_path / name
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(**changes):
    values = {
        "source": "gp", "given_name": "Alex", "family_name": "Morgan", "date_of_birth": "1980-05-17",
        "nhs_number": "", "postcode": "LE1 6TP", "gp_practice_code": "", "email": "alex@example.org",
        "employment_status": "employed_off_sick", "absence_start": OFF_SINCE, "condition_category": "musculoskeletal",
        "reason": "Back pain", "consent": "yes",
    }  # fmt: skip
    values.update(changes)
    return [values[column] for column in HEADER]


def _import(path, *args):
    out = StringIO()
    call_command("import_referrals", str(path), "--site", "WorkWell Leicester", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_good_rows_make_referrals_through_the_bulk_file_channel(tmp_path, workwell_site):
    path = _write(tmp_path, [_row(), _row(given_name="Jo", family_name="Bell", date_of_birth="02/03/1975")])
    output = _import(path)
    assert Referral.objects.filter(channel="bulk_file", site=workwell_site).count() == 2
    payload = Submission.objects.get(payload__row=3).payload
    assert payload["file"] == "referrals.csv"
    assert payload["values"]["given_name"] == "Jo"
    assert "2 rows from referrals.csv: 2 made, 0 ineligible, 0 refused, 0 already imported" in output


def test_bad_rows_are_reported_with_row_field_and_reason_and_the_rest_still_import(tmp_path, workwell_site):
    rows = [
        _row(),
        _row(date_of_birth="31/02/1980", employment_status="on holiday"),
        _row(postcode="DD1 4HN", given_name="Kim"),
    ]
    report = tmp_path / "report.csv"
    output = _import(_write(tmp_path, rows), "--report", str(report))
    assert Referral.objects.count() == 1
    assert "Row 3: refused: date_of_birth: Date of birth must be a real date" in output
    assert "Row 3: refused: employment_status: Employment status must be one of" in output
    assert "Row 4: refused: gp_practice: We do not run a service for this GP practice or postcode" in output
    assert "3 rows from referrals.csv: 1 made, 0 ineligible, 2 refused, 0 already imported" in output
    assert Submission.objects.filter(outcome="refused").count() == 2
    written = list(csv.DictReader(report.open()))
    assert {(line["row"], line["outcome"], line["field"]) for line in written[1:]} == {
        ("3", "refused", "date_of_birth"),
        ("3", "refused", "employment_status"),
        ("4", "refused", "gp_practice"),
    }
    assert written[0]["outcome"] == "made"
    assert written[0]["reference"] == Referral.objects.get().reference


def test_importing_the_same_file_again_makes_nothing_new(tmp_path, workwell_site):
    path = _write(tmp_path, [_row(), _row(postcode="DD1 4HN")])
    _import(path)
    output = _import(path)
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 2
    assert "0 made, 0 ineligible, 0 refused, 2 already imported" in output


def test_a_row_routed_to_another_site_is_reported(tmp_path, workwell_site):
    from fitforwork.organisations.models import ServiceModel
    from tests.organisations.factories import SiteFactory

    other = SiteFactory(name="WorkWell Derby", service_model=ServiceModel.objects.get(key="workwell"),
                        postcode_districts=["DE1"])  # fmt: skip
    output = _import(_write(tmp_path, [_row(postcode="DE1 2AA")]))
    assert Referral.objects.get().site == other
    assert "Row 2: Made at WorkWell Derby, not WorkWell Leicester" in output


def test_an_unknown_site_is_refused_with_the_names_of_the_sites(tmp_path, workwell_site):
    path = _write(tmp_path, [_row()])
    with pytest.raises(CommandError, match='There is no site called "Nowhere". Sites: WorkWell Leicester'):
        call_command("import_referrals", str(path), "--site", "Nowhere", "--no-progress")
    assert not Submission.objects.exists()


def _people(count):
    return [_row(given_name=f"Sam{n}", family_name=f"Lee{n}", email=f"sam{n}@example.org") for n in range(count)]


def test_rows_for_one_person_see_each_other_within_a_batch_and_across_batches(tmp_path, workwell_site, monkeypatch):
    from fitforwork.referrals import bulk

    monkeypatch.setattr(bulk, "BATCH", 3)
    # Rows 2 and 3 are the same person in one batch; row 7 is them again, in the next batch.
    rows = [_row(), _row(reason="Again"), *_people(3), _row(reason="A third time")]
    output = _import(_write(tmp_path, rows))
    assert "6 rows from referrals.csv: 6 made, 0 ineligible, 0 refused, 0 already imported" in output
    by_row = {r.submission.payload["row"]: r for r in Referral.objects.select_related("submission")}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7]
    assert by_row[2].duplicate_status == ""
    assert by_row[3].possible_duplicate_of_id == by_row[2].pk
    assert by_row[7].possible_duplicate_of_id == by_row[3].pk
    assert all(by_row[n].duplicate_status == "" for n in (4, 5, 6))


def test_a_row_that_fails_even_alone_is_reported_kept_and_made_when_the_file_is_imported_again(
    tmp_path, workwell_site, monkeypatch
):
    from fitforwork.referrals import making

    evaluate = making.evaluate

    def broken_for_bell(config, facts):
        if facts.employment_status == "self_employed":
            raise RuntimeError("the checks broke")
        return evaluate(config, facts)

    monkeypatch.setattr(making, "evaluate", broken_for_bell)
    path = _write(tmp_path, [_row(), _row(given_name="Jo", family_name="Bell", employment_status="self_employed"),
                             _row(given_name="Kim", family_name="Shah")])  # fmt: skip
    report = tmp_path / "report.csv"
    out = StringIO()
    with pytest.raises(CommandError, match="1 rows failed and were kept: import the file again to try them again"):
        call_command("import_referrals", str(path), "--site", "WorkWell Leicester", "--no-progress",
                     "--report", str(report), stdout=out)  # fmt: skip
    output = out.getvalue()
    # Each row is its own transaction: rows 2 and 4 stand; row 3 is kept, as sent, and marked failed.
    assert "Row 3: Not made because of an error (RuntimeError: the checks broke)" in output
    assert "3 rows from referrals.csv: 2 made, 0 ineligible, 0 refused, 0 already imported, 1 failed" in output
    assert sorted(r.submission.payload["row"] for r in Referral.objects.select_related("submission")) == [2, 4]
    # Never left received: failed, with the error for staff, and a task that makes it later (issue 13).
    assert Submission.objects.get(payload__row=3).outcome == Submission.Outcome.FAILED
    assert [(line["row"], line["outcome"], line["field"]) for line in csv.DictReader(report.open())][1] == (
        "3",
        "failed",
        "",
    )

    monkeypatch.setattr(making, "evaluate", evaluate)
    output = _import(path)
    assert "3 rows from referrals.csv: 1 made, 0 ineligible, 0 refused, 2 already imported, 0 failed" in output
    assert Referral.objects.get(submission__payload__row=3).person.family_name == "Bell"
    assert Referral.objects.count() == 3


def test_details_the_person_checks_refuse_are_refused_rows_naming_the_field_and_the_rest_import(
    tmp_path, workwell_site
):
    rows = [_row(), _row(given_name="Jo", email="jo at example.org"), _row(given_name="Kim", family_name="Shah")]
    output = _import(_write(tmp_path, rows))
    assert "Row 3: refused: email: Enter an email address in the correct format, like name@example.com" in output
    assert "3 rows from referrals.csv: 2 made, 0 ineligible, 1 refused, 0 already imported, 0 failed" in output
    assert Submission.objects.get(payload__row=3).outcome == Submission.Outcome.REFUSED
    output = _import(_write(tmp_path, rows))
    assert "0 made, 0 ineligible, 0 refused, 3 already imported, 0 failed" in output


class MachineStopped(BaseException):
    """The process stopping (killed, redeployed): not an error a row could be reported with."""


def test_an_import_that_stopped_after_storing_a_row_is_finished_in_the_files_order(
    tmp_path, workwell_site, monkeypatch
):
    from fitforwork.referrals import submissions as intake  # where the referral is made from a stored row

    make = intake.referral_make

    def stops(**kwargs):
        raise MachineStopped

    # Rows 2 and 4 are the same person; the first import stores row 2, then the machine stops.
    path = _write(tmp_path, [_row(), _row(given_name="Kim", family_name="Shah"), _row(reason="Again")])
    monkeypatch.setattr(intake, "referral_make", stops)
    with pytest.raises(MachineStopped):
        _import(path)
    assert Submission.objects.get().outcome == Submission.Outcome.RECEIVED
    assert not Referral.objects.exists()

    monkeypatch.setattr(intake, "referral_make", make)
    output = _import(path)
    assert "3 rows from referrals.csv: 3 made, 0 ineligible, 0 refused, 0 already imported, 0 failed" in output
    by_row = {r.submission.payload["row"]: r for r in Referral.objects.select_related("submission")}
    assert by_row[2].received_at < by_row[4].received_at
    assert by_row[2].duplicate_status == ""
    assert by_row[4].possible_duplicate_of_id == by_row[2].pk


def test_a_row_s_problems_are_all_reported_at_once_referrer_and_email_included(tmp_path, workwell_site):
    path = tmp_path / "referrals.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "referrer_email", "referrer_phone"])
        writer.writerow([*_row(date_of_birth="31/02/1980", email="kim at example.org"), "gp surgery", "0" * 21])
    output = _import(path)
    assert "Row 2: refused: date_of_birth: Date of birth must be a real date" in output
    assert "Row 2: refused: email: Enter an email address in the correct format, like name@example.com" in output
    assert "Row 2: refused: referrer_phone: Enter the referrer's phone number in 20 characters or fewer" in output
    assert (
        "Row 2: refused: referrer_email: Enter the referrer's email address in the correct format, like "
        "name@example.com" in output
    )


def test_an_import_queues_no_delayed_check_per_row(tmp_path, workwell_site):
    """Running the file again finishes a row an import stopped at, so no row needs the delayed check a web or
    FHIR sender gets (tests/referrals/test_interrupted_check.py): a national file would queue a task per row."""
    from django_tasks_db.models import DBTaskResult

    from fitforwork.referrals.tasks import submission_check_later

    _import(_write(tmp_path, [_row(), _row(given_name="Jo", family_name="Bell")]))
    assert Referral.objects.filter(channel="bulk_file").count() == 2
    assert not DBTaskResult.objects.filter(task_path=submission_check_later.module_path).exists()
