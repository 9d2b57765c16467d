"""Test vectors from the published scoring rules: every band boundary, reversed items, the missing-data rules,
the WPAI formulas, WHO-5's percentage and meaningful change, and PHQ-9's red flag. No database."""

from decimal import Decimal

import pytest

from fitforwork.assessments.registry import shipped_definitions
from fitforwork.assessments.scoring import AnswerError, change_between, score
from fitforwork.assessments.scoring import change as score_change

D = {code: d for (code, _), d in shipped_definitions().items()}


def spread(total: int, n: int, top: int) -> dict[str, int]:
    """n answers q1..qn, each at most `top`, adding up to `total`."""
    answers = {}
    for i in range(1, n + 1):
        value = min(top, total)
        answers[f"q{i}"] = value
        total -= value
    assert total == 0
    return answers


def test_all_seven_are_shipped():
    assert set(D) == {"ompsq10", "phq9", "gad7", "wsas", "who5", "was", "wpai_gh"}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total, band):
    answers = {f"q{i}": 0 for i in range(1, 10)}
    answers.update(spread(total, 8 if total <= 24 else 9, 3))  # q9 left at 0 (no flag) where the total allows
    result = score(D["phq9"], answers)
    assert result.score == total
    assert result.band == band


def test_phq9_item9_raises_red_flag_whatever_the_total():
    answers = {f"q{i}": 0 for i in range(1, 10)} | {"q9": 1}
    result = score(D["phq9"], answers)
    assert result.score == 1
    assert result.band == "minimal"
    assert result.flag_codes == ["self_harm"]
    assert score(D["phq9"], answers | {"q9": 0}).flag_codes == []


def test_phq9_difficulty_is_optional_and_not_scored():
    answers = {f"q{i}": 1 for i in range(1, 10)}
    assert score(D["phq9"], answers).score == 9
    assert score(D["phq9"], answers | {"difficulty": 3}).score == 9


def test_phq9_missing_item_is_not_scorable():
    answers = {f"q{i}": 1 for i in range(1, 9)}
    result = score(D["phq9"], answers)
    assert result.score is None
    assert "q9" in result.not_scorable_reason


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total, band):
    result = score(D["gad7"], spread(total, 7, 3))
    assert (result.score, result.band) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "subclinical"),
        (9, "subclinical"),
        (10, "significant"),
        (20, "significant"),
        (21, "moderately_severe"),
        (40, "moderately_severe"),
    ],
)
def test_wsas_bands(total, band):
    result = score(D["wsas"], spread(total, 5, 8))
    assert (result.score, result.band) == (total, band)


def test_wsas_one_missing_is_replaced_by_the_mean_of_the_others():
    result = score(D["wsas"], {"q2": 3, "q3": 4, "q4": 2, "q5": 4})
    assert result.score == Decimal("16.25")
    assert list(result.items_imputed) == ["q1"]
    assert result.band == "significant"


def test_wsas_not_applicable_counts_as_missing():
    assert score(D["wsas"], {"q1": "na", "q2": 3, "q3": 4, "q4": 2, "q5": 4}).score == Decimal("16.25")


def test_wsas_two_missing_is_not_scorable():
    result = score(D["wsas"], {"q3": 4, "q4": 2, "q5": 4})
    assert result.score is None
    assert result.not_scorable_reason


def test_wsas_fraction_between_bands_falls_in_the_lower_band():
    # 2+2+2+3 = 9, mean 2.25, total 11.25 -> significant; 2+2+2+1 = 7 -> 8.75 subclinical
    assert score(D["wsas"], {"q2": 2, "q3": 2, "q4": 2, "q5": 1}).band == "subclinical"


@pytest.mark.parametrize(
    ("raw", "band"),
    [(0, "likely_depression"), (7, "likely_depression"), (8, "poor"), (12, "poor"), (13, "not_poor"), (25, "not_poor")],
)
def test_who5_bands_and_percentage(raw, band):
    result = score(D["who5"], spread(raw, 5, 5))
    assert result.score == raw
    assert result.percentages["percentage"] == raw * 4
    assert result.band == band


def test_who5_change_of_10_percentage_points_is_meaningful():
    definition = D["who5"]
    before = score(definition, spread(10, 5, 5))  # 40%
    after = score(definition, spread(13, 5, 5))  # 52%
    small = score(definition, spread(12, 5, 5))  # 48%
    change = score_change(definition, before, after)
    assert change.difference == 12
    assert change.meaningful is True
    assert change.direction == "better"
    slight = score_change(definition, before, small)
    assert slight.difference == 8
    assert slight.meaningful is False


def test_plain_difference_where_no_threshold_is_published():
    definition = D["gad7"]
    change = change_between(definition, Decimal(12), Decimal(7))
    assert change.difference == -5
    assert change.meaningful is None
    assert change.direction == "better"


@pytest.mark.parametrize(
    ("value", "band"), [(0, "poor"), (5, "poor"), (6, "moderate"), (7, "moderate"), (8, "good"), (10, "good")]
)
def test_work_ability_score_bands(value, band):
    result = score(D["was"], {"q1": value})
    assert (result.score, result.band) == (value, band)


def test_ompsq10_reversed_items_score_ten_minus_the_answer():
    base = {f"q{i}": 0 for i in range(2, 11)} | {"q1": 1}
    # q3, q4, q8 reversed: answering 0 scores 10 each
    assert score(D["ompsq10"], base).score == 1 + 30
    assert score(D["ompsq10"], base | {"q3": 10, "q4": 10, "q8": 10}).score == 1


@pytest.mark.parametrize(
    ("plain", "band", "total"),
    [
        ([0, 0, 0, 0, 0, 0], "lower_risk", 1),
        ([10, 10, 10, 10, 8, 0], "lower_risk", 49),
        ([10, 10, 10, 10, 9, 0], "higher_risk", 50),
        ([10] * 6, "higher_risk", 61),
    ],
)
def test_ompsq10_bands(plain, band, total):
    answers = {"q1": 1, "q3": 10, "q4": 10, "q8": 10}  # reversed items at their lowest score (0 each)
    answers |= dict(zip(["q2", "q5", "q6", "q7", "q9", "q10"], plain, strict=True))
    result = score(D["ompsq10"], answers)
    assert (result.score, result.band) == (total, band)


def test_ompsq10_highest_is_100():
    answers = {f"q{i}": 10 for i in range(1, 11)} | {"q3": 0, "q4": 0, "q8": 0}
    assert score(D["ompsq10"], answers).score == 100


def test_ompsq10_cutoff_is_configurable():
    answers = {"q1": 10, "q2": 10, "q3": 10, "q4": 10, "q5": 10, "q6": 10, "q7": 10, "q8": 10, "q9": 0, "q10": 0}
    assert score(D["ompsq10"], answers).score == 50
    assert score(D["ompsq10"], answers).band == "higher_risk"
    assert score(D["ompsq10"], answers, cutoffs={"ompsq10_higher": Decimal(51)}).band == "lower_risk"


def test_ompsq10_item1_has_ten_duration_categories_scored_1_to_10():
    values = [o.value for o in D["ompsq10"].item("q1").options]
    assert values == list(range(1, 11))


def test_wpai_formulas_when_employed():
    result = score(D["wpai_gh"], {"q1": 1, "q2": 4, "q3": 0, "q4": 36, "q5": 3, "q6": 5})
    p = result.percentages
    assert p["absenteeism"] == 10  # 4 / 40
    assert p["presenteeism"] == 30
    assert p["overall_work_impairment"] == 37  # 0.1 + 0.9 x 0.3
    assert p["activity_impairment"] == 50


def test_wpai_not_employed_gives_only_activity_impairment():
    result = score(D["wpai_gh"], {"q1": 0, "q6": 7})
    assert result.percentages["activity_impairment"] == 70
    assert result.percentages["absenteeism"] is None
    assert result.percentages["overall_work_impairment"] is None
    assert not result.not_scorable_reason


def test_wpai_no_hours_worked_is_all_absence():
    result = score(D["wpai_gh"], {"q1": 1, "q2": 20, "q3": 0, "q4": 0, "q6": 5})
    assert result.percentages["absenteeism"] == 100
    assert result.percentages["overall_work_impairment"] == 100


@pytest.mark.parametrize(
    ("code", "answers"),
    [("phq9", {"q1": 4}), ("phq9", {"q1": -1}), ("gad7", {"q10": 1}), ("was", {"q1": 11}), ("ompsq10", {"q1": 0})],
)
def test_out_of_range_or_unknown_answers_are_refused_naming_the_item(code, answers):
    with pytest.raises(AnswerError) as error:
        score(D[code], answers)
    assert next(iter(answers)) in str(error.value)
