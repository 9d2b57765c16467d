"""A definition file is checked before use: a malformed one is refused with every problem listed, with where."""

import json
from pathlib import Path

import pytest

from fitforwork.assessments.definitions import DefinitionError, definition_parse
from fitforwork.assessments.registry import DATA_FILES
from fitforwork.assessments.scoring import score

FIXTURE = Path(__file__).parent / "fixtures" / "made_up_licensed.json"


def test_every_shipped_file_parses():
    for path in DATA_FILES:
        definition_parse(json.loads(path.read_text(encoding="utf-8")))


def test_shipped_files_are_not_marked_licensed():
    for path in DATA_FILES:
        assert json.loads(path.read_text(encoding="utf-8")).get("licensed", False) is False


def test_malformed_definition_lists_every_problem_with_its_path():
    data = json.loads(FIXTURE.read_text())
    del data["licence"]
    data["colour"] = "blue"
    data["items"][0]["options"] = [{"value": "one"}]
    data["scoring"]["kind"] = "magic"
    with pytest.raises(DefinitionError) as error:
        definition_parse(data)
    problems = error.value.problems
    text = "\n".join(problems)
    assert "licence: is missing" in text
    assert "colour: is not a field a definition has" in text
    assert "items.0.options.0.value" in text
    assert "items.0.options.0.label: is missing" in text
    assert "scoring.kind" in text
    assert len(problems) >= 5


def test_problems_between_fields_are_all_listed():
    data = json.loads(FIXTURE.read_text())
    data["items"][1]["id"] = "d1"
    data["scoring"]["profile_items"] = ["d1", "nope"]
    data["flags"] = [{"code": "x", "label": "X", "item": "ghost", "above": 0}]
    with pytest.raises(DefinitionError) as error:
        definition_parse(data)
    text = "\n".join(error.value.problems)
    assert "'d1' is used more than once" in text
    assert "no item 'nope'" in text
    assert "no item 'ghost'" in text


def test_bands_with_a_gap_or_overlap_are_refused():
    data = json.loads((DATA_FILES[0].parent / "gad7.json").read_text())
    data["bands"][1]["min"] = 7
    data["bands"][2]["min"] = 9
    with pytest.raises(DefinitionError) as error:
        definition_parse(data)
    text = "\n".join(error.value.problems)
    assert "gap" in text
    assert "overlap" in text


def test_profile_result_for_a_licensed_style_instrument():
    definition = definition_parse(json.loads(FIXTURE.read_text()))
    result = score(definition, {"d1": 1, "d2": 3, "d3": 5, "vas": 70})
    assert result.profile.startswith("135")
    assert result.score == 70
