from datetime import date, timedelta

import pytest
from django import forms
from django.utils import timezone

from fitforwork.core.forms import DateField


class Form(forms.Form):
    born = DateField(label="Date of birth", limit="past")
    started = DateField(label="First day off sick", noun="the first day you were off sick", required=False)
    review = DateField(label="Review date", limit="any", required=False)


def errors(**fields):
    data = {}
    for name, value in fields.items():
        day, month, year = value
        data.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
    form = Form(data)
    form.is_valid()
    return {name: messages[0] for name, messages in form.errors.items()}, form


def test_a_real_date_in_three_boxes_is_read_as_a_date():
    found, form = errors(born=("9", "3", "1980"))
    assert found == {}
    assert form.cleaned_data["born"] == date(1980, 3, 9)


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (("", "", ""), "Enter the date of birth"),
        (("9", "", "1980"), "Date of birth must include a month"),
        (("", "", "1980"), "Date of birth must include a day and month"),
        (("31", "2", "1980"), "Date of birth must be a real date, for example 27 3 2026"),
        (("1", "1", "99999999999"), "Date of birth must be a real date, for example 27 3 2026"),
        (("1", "1", "1850"), "Date of birth must be after 1900"),
    ],
)
def test_each_problem_gets_its_own_message_in_the_nhs_style(boxes, message):
    assert errors(born=boxes)[0]["born"] == message


def test_limits_past_past_or_today_and_any():
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    as_boxes = lambda d: (str(d.day), str(d.month), str(d.year))  # noqa: E731
    found, _ = errors(born=as_boxes(today), started=as_boxes(today), review=as_boxes(tomorrow))
    assert found == {"born": "Date of birth must be in the past"}
    found, _ = errors(born=("1", "1", "1980"), started=as_boxes(tomorrow))
    assert found == {"started": "First day you were off sick must be today or in the past"}


def test_the_boxes_are_named_day_month_and_year():
    html = str(Form()["born"])
    assert 'name="born_day"' in html
    assert 'name="born_month"' in html
    assert 'name="born_year"' in html
