"""The shipped definitions checked against the published instruments (../shared/domain/instruments.md and the
sources each definition names): LOINC codes, item wording that matters to the answer, reversed items, bands.
A vector here fails if a definition file drifts from what was published."""

import pytest

from fitforwork.assessments.registry import shipped_definitions
from fitforwork.assessments.scoring import score

SHIPPED = {code: definition for (code, _), definition in shipped_definitions().items()}


def definition_get(code):
    return SHIPPED[code]


def _items(code):
    return definition_get(code).items


PHQ9_LOINC = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
GAD7_LOINC = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


def test_phq9_loinc_codes_are_the_panel_the_items_the_difficulty_and_the_total():
    phq9 = definition_get("phq9")
    assert (phq9.loinc_panel, phq9.loinc_score) == ("44249-1", "44261-6")
    assert [item.loinc for item in phq9.items] == [*PHQ9_LOINC, "69722-7"]
    assert phq9.items[8].text.startswith("Thoughts that you would be better off dead")


def test_gad7_loinc_codes_are_the_panel_the_items_and_the_total():
    gad7 = definition_get("gad7")
    assert (gad7.loinc_panel, gad7.loinc_score) == ("69737-5", "70274-6")
    assert [item.loinc for item in gad7.items] == GAD7_LOINC


def test_instruments_without_published_loinc_codes_carry_none_rather_than_a_guess():
    for code in ("ompsq10", "wsas", "who5", "was", "wpai_gh"):
        definition = definition_get(code)
        assert (definition.loinc_panel, definition.loinc_score) == (None, None), code
        assert all(item.loinc is None for item in definition.items), code


def test_wpai_questions_5_and_6_carry_the_published_instructions_in_full():
    """Fixed: the two 0-10 questions had lost the sentences telling the person how to pick a number."""
    q5, q6 = _items("wpai_gh")[4], _items("wpai_gh")[5]
    assert q5.text.endswith(
        "If health problems affected your work only a little, choose a low number. Choose a high number if health "
        "problems affected your work a great deal. Consider only how much health problems affected productivity "
        "while you were working."
    )
    assert "Think about times you were limited in the amount or kind of activities you could do" in q6.text
    assert q6.text.endswith(
        "Consider only how much health problems affected your ability to do your regular daily activities, other "
        "than work at a job."
    )
    # the wording is not the scoring: the published worked example still gives the same four percentages
    result = score(definition_get("wpai_gh"), {"q1": 1, "q2": 4, "q3": 0, "q4": 36, "q5": 3, "q6": 5})
    assert {k: str(v) for k, v in result.percentages.items()} == {
        "absenteeism": "10.0",
        "presenteeism": "30.0",
        "overall_work_impairment": "37.0",
        "activity_impairment": "50.0",
    }


def test_ompsq10_reversed_items_are_light_work_sleep_and_normal_duties_in_three_months():
    items = _items("ompsq10")
    assert [n for n, item in enumerate(items, start=1) if item.reversed] == [3, 4, 8]
    assert [option.value for option in items[0].options] == list(range(1, 11))


@pytest.mark.parametrize(
    ("code", "edges"),
    [
        ("phq9", [(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)]),
        ("gad7", [(0, 4), (5, 9), (10, 14), (15, 21)]),
        ("wsas", [(0, 9), (10, 20), (21, 40)]),
        ("who5", [(0, 7), (8, 12), (13, 25)]),
        ("was", [(0, 5), (6, 7), (8, 10)]),
        ("ompsq10", [(1, 49), (50, 100)]),
    ],
)
def test_bands_are_the_published_cut_offs(code, edges):
    bands = sorted(definition_get(code).bands, key=lambda band: band.min)
    assert [(int(band.min), int(band.max)) for band in bands] == edges


def test_who5_options_run_from_at_no_time_0_to_all_of_the_time_5():
    options = {option.label: option.value for option in _items("who5")[0].options}
    assert options == {
        "At no time": 0,
        "Some of the time": 1,
        "Less than half of the time": 2,
        "More than half of the time": 3,
        "Most of the time": 4,
        "All of the time": 5,
    }
