"""Shared set-up for the red-flag tests: a case at a site with a team lead, and PHQ-9 answers."""

from fitforwork.accounts.models import Role
from tests.accounts.factories import UserFactory


def phq9(*, item9: int, others: int = 1) -> dict[str, int]:
    """PHQ-9 answers with every other item at `others` and item 9 as given."""
    from fitforwork.assessments.web import instrument_view

    keys = [item["key"] for item in instrument_view.items(instrument_view.definition("phq9"))]
    answers = {key: others for key in keys}
    answers[keys[8]] = item9
    return answers


def gad7(value: int = 1) -> dict[str, int]:
    from fitforwork.assessments.web import instrument_view

    return {item["key"]: value for item in instrument_view.items(instrument_view.definition("gad7"))}


def team_lead_at(site, **kwargs):
    return UserFactory(role=Role.TEAM_LEAD, site=site, email=kwargs.pop("email", "lead@example.org"), **kwargs)
