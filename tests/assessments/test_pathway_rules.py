"""The pathway rules: the thresholds at their edges, the reasons in words, and the config's checks."""

from decimal import Decimal

import pytest

from fitforwork.assessments.pathways import pathway_propose
from fitforwork.organisations.config import ServiceModelConfig, validate_config
from fitforwork.organisations.presets import PRESETS

CONFIG = ServiceModelConfig.from_dict(PRESETS[0].config)
FAST, GUIDANCE = "case_managed_fast_access", "guidance_and_advice"


@pytest.mark.parametrize(
    ("scores", "pathway", "reasons"),
    [
        ({"ompsq10": 49}, GUIDANCE, ("ÖMPSQ-10 score 49 is below 50",)),
        ({"ompsq10": 50}, FAST, ("ÖMPSQ-10 score 50 is 50 or more",)),
        ({"ompsq10": 62}, FAST, ("ÖMPSQ-10 score 62 is 50 or more",)),
        ({"phq9": 9}, GUIDANCE, ("PHQ-9 score 9 is below 10",)),
        ({"phq9": 10}, FAST, ("PHQ-9 score 10 is 10 or more",)),
        ({"gad7": 9}, GUIDANCE, ("GAD-7 score 9 is below 10",)),
        ({"gad7": 10}, FAST, ("GAD-7 score 10 is 10 or more",)),
        (
            {"ompsq10": 49, "phq9": 9, "gad7": 9},
            GUIDANCE,
            ("ÖMPSQ-10 score 49 is below 50", "PHQ-9 score 9 is below 10", "GAD-7 score 9 is below 10"),
        ),
        (
            {"ompsq10": 55, "phq9": 3, "gad7": 12},
            FAST,
            ("ÖMPSQ-10 score 55 is 50 or more", "GAD-7 score 12 is 10 or more"),
        ),
        ({"phq9": Decimal("10.0"), "gad7": None}, FAST, ("PHQ-9 score 10 is 10 or more",)),
    ],
)
def test_the_rules_propose_by_the_thresholds_with_reasons_in_words(scores, pathway, reasons):
    proposal = pathway_propose(CONFIG, scores)
    assert (proposal.pathway, proposal.reasons) == (pathway, reasons)


def test_with_no_scores_the_rules_say_so():
    proposal = pathway_propose(CONFIG, {"ompsq10": None})
    assert proposal.pathway == FAST
    assert proposal.reasons == ("No questionnaire scores are recorded yet, so the case manager's judgement decides",)
    assert proposal.label == "Case-managed support with fast access to treatment"


def test_every_preset_has_valid_pathway_rules():
    for preset in PRESETS:
        assert validate_config(preset.config) == []
        codes = [p["code"] for p in preset.config["pathway_allocation"]["pathways"]]
        assert codes == [FAST, GUIDANCE]


def test_a_rule_naming_a_pathway_not_listed_is_refused():
    data = PRESETS[0].config | {}
    data["pathway_allocation"] = data["pathway_allocation"] | {"otherwise": "nowhere"}
    assert validate_config(data) == [
        "pathway_allocation.otherwise is 'nowhere', which is not one of pathway_allocation.pathways"
    ]


def test_a_stored_version_without_pathway_rules_gets_the_defaults():
    data = {key: value for key, value in PRESETS[0].config.items() if key != "pathway_allocation"}
    config = ServiceModelConfig.from_dict(data)
    assert pathway_propose(config, {"ompsq10": 50}).pathway == FAST
