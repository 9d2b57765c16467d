"""Properties of the engine for every shipped instrument: the score is always in range, and raising one answer
moves the score in that item's own direction (up, or down for a reversed item)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from fitforwork.assessments.registry import shipped_definitions
from fitforwork.assessments.scoring import score

SUMMED = [d for d in shipped_definitions().values() if d.scoring.kind in {"sum", "single"}]


def item_values(item):
    if item.options:
        return st.sampled_from([o.value for o in item.options])
    low, high = item.bounds()
    return st.integers(int(low), int(high))


@st.composite
def complete_answers(draw, definition):
    return {i.id: draw(item_values(i)) for i in definition.items if i.scored and not i.optional}


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_score_always_in_range(data):
    definition = data.draw(st.sampled_from(SUMMED))
    result = score(definition, data.draw(complete_answers(definition)))
    assert definition.scoring.min <= result.score <= definition.scoring.max
    assert result.band is not None


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_score_moves_in_each_items_own_direction(data):
    definition = data.draw(st.sampled_from(SUMMED))
    answers = data.draw(complete_answers(definition))
    item = data.draw(st.sampled_from([i for i in definition.items if i.scored and not i.optional]))
    values = sorted(
        [o.value for o in item.options] if item.options else range(int(item.bounds()[0]), int(item.bounds()[1]) + 1)
    )
    lower = data.draw(st.sampled_from(values[:-1]))
    higher = data.draw(st.sampled_from([v for v in values if v > lower]))
    low_score = score(definition, answers | {item.id: lower}).score
    high_score = score(definition, answers | {item.id: higher}).score
    if item.reversed:
        assert high_score < low_score
    else:
        assert high_score > low_score


@given(
    employed=st.sampled_from([0, 1]),
    missed=st.integers(0, 84),
    other=st.integers(0, 84),
    worked=st.integers(0, 84),
    effect=st.integers(0, 10),
    activity=st.integers(0, 10),
)
@settings(max_examples=300, deadline=None)
def test_wpai_percentages_always_between_0_and_100(employed, missed, other, worked, effect, activity):
    definition = next(d for d in shipped_definitions().values() if d.code == "wpai_gh")
    answers = {"q1": employed, "q6": activity}
    if employed:
        answers |= {"q2": missed, "q3": other, "q4": worked}
        if worked:
            answers["q5"] = effect
    result = score(definition, answers)
    for value in result.percentages.values():
        assert value is None or 0 <= value <= 100
    assert result.percentages["activity_impairment"] == activity * 10


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_flag_exactly_when_item9_above_0(values):
    definition = next(d for d in shipped_definitions().values() if d.code == "phq9")
    result = score(definition, {f"q{n}": v for n, v in enumerate(values, 1)})
    assert ("self_harm" in result.flag_codes) == (values[8] > 0)
