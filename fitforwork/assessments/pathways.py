"""Proposing a pathway from the latest questionnaire scores, by the case's service model rules (ADR 0023).

`pathway_propose` is pure: the rules and the scores in, the proposed pathway and its reasons in plain English
out. The case manager then confirms or overrides it (assessment_services.pathway_decide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from fitforwork.organisations.config import PathwayAllocation, ServiceModelConfig

INSTRUMENT_NAMES = {"ompsq10": "ÖMPSQ-10", "phq9": "PHQ-9", "gad7": "GAD-7"}


@dataclass(frozen=True)
class Proposal:
    pathway: str
    label: str
    reasons: tuple[str, ...]


def instrument_name(code: str) -> str:
    return INSTRUMENT_NAMES.get(code, code.upper())


def score_text(value: Decimal | int) -> str:
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


Scores = Mapping[str, Decimal | int | None]


def pathway_propose(config: ServiceModelConfig | PathwayAllocation, scores: Scores) -> Proposal:
    """The pathway the rules give for these scores (instrument code to latest score, None: not scored)."""
    rules = config.pathway_allocation if isinstance(config, ServiceModelConfig) else config
    known = {code: score for code, score in scores.items() if score is not None}
    if not known:
        return Proposal(rules.no_scores, rules.label(rules.no_scores), (rules.no_scores_reason,))
    for rule in rules.rules:
        reasons = tuple(
            f"{instrument_name(c.instrument)} score {score_text(known[c.instrument])} is {c.at_least} or more"
            for c in rule.any_of
            if c.instrument in known and known[c.instrument] >= c.at_least
        )
        if reasons:
            return Proposal(rule.pathway, rules.label(rule.pathway), reasons)
    below = [
        f"{instrument_name(c.instrument)} score {score_text(known[c.instrument])} is below {c.at_least}"
        for rule in rules.rules
        for c in rule.any_of
        if c.instrument in known
    ]
    reasons = tuple(dict.fromkeys(below)) or ("No rule for a more intensive pathway applies",)
    return Proposal(rules.otherwise, rules.label(rules.otherwise), reasons)
