"""The one scoring engine: pure functions from a definition and the answers to a result, and between two results.

Nothing here reads the database or settings: the caller passes the definition (from the registry) and any
locally configured cut-offs. The engine's version is stored with every response, so a score can always be
traced to the rules that made it; change ENGINE_VERSION whenever a change here could change a result.

Answers map item ids to what was given: a number, `None` (or absent) for no answer, or "na" for "not
applicable" where the item offers it (counted as missing, as WSAS's rule says).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from fitforwork.assessments.definitions import Band, InstrumentDefinition, Item

ENGINE_VERSION = "1.0.0"
NOT_APPLICABLE: Literal["na"] = "na"
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")

Answer = Decimal | Literal["na"] | None


class AnswerError(ValueError):
    """Answers that do not fit the instrument: an unknown item, or a value it does not take. Each problem names
    the item."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    severity: str


@dataclass(frozen=True)
class Result:
    """What the engine makes of one set of answers."""

    instrument_code: str
    instrument_version: str
    score: Decimal | None
    band: str = ""
    band_label: str = ""
    band_colour: str = ""
    flags: tuple[Flag, ...] = ()
    percentages: dict[str, Decimal | None] = field(default_factory=dict)
    profile: str = ""
    not_scorable_reason: str = ""
    items_used: tuple[str, ...] = ()
    items_imputed: tuple[str, ...] = ()
    engine_version: str = ENGINE_VERSION

    @property
    def scorable(self) -> bool:
        return not self.not_scorable_reason

    @property
    def flag_codes(self) -> list[str]:
        return [flag.code for flag in self.flags]

    def as_json(self) -> dict[str, Any]:
        """The result as JSON-ready values (Decimals as numbers: whole numbers as ints)."""
        return {
            "instrument": self.instrument_code,
            "version": self.instrument_version,
            "engine_version": self.engine_version,
            "score": number(self.score),
            "band": self.band or None,
            "band_label": self.band_label or None,
            "flags": self.flag_codes,
            "percentages": {name: number(value) for name, value in self.percentages.items()},
            "profile": self.profile or None,
            "not_scorable_reason": self.not_scorable_reason or None,
            "items_used": list(self.items_used),
            "items_imputed": list(self.items_imputed),
        }


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as JSON shows it: an int when whole, else a float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _describe(item: Item) -> str:
    low, high = item.bounds()
    if item.options:
        return "one of " + ", ".join(str(option.value) for option in item.options)
    return f"a whole number from {low} to {high}" if item.scale is not None else f"a number from {low} to {high}"


def answers_clean(definition: InstrumentDefinition, answers: Mapping[str, Any]) -> dict[str, Answer]:
    """Every item's answer as the engine reads it (Decimal, "na" or None), or AnswerError naming each item
    that is unknown or has a value the item does not take."""
    problems: list[str] = []
    known = {item.id for item in definition.items}
    for item_id in answers:
        if item_id not in known:
            problems.append(f"{item_id}: {definition.title} has no such question")
    cleaned: dict[str, Answer] = {}
    for item in definition.items:
        raw = answers.get(item.id)
        if raw is None or raw == "":
            cleaned[item.id] = None
            continue
        if raw == NOT_APPLICABLE:
            if item.not_applicable_label is None:
                problems.append(f"{item.id}: 'not applicable' is not an answer to this question")
            cleaned[item.id] = NOT_APPLICABLE
            continue
        value = _as_decimal(raw)
        if value is None or not item.allowed(value):
            problems.append(f"{item.id}: {raw!r} is not an answer to this question; give {_describe(item)}")
            cleaned[item.id] = None
            continue
        cleaned[item.id] = value
    if problems:
        raise AnswerError(problems)
    return cleaned


def is_asked(item: Item, answers: Mapping[str, Answer]) -> bool:
    """Whether the item applies given the answers so far: every condition holds (an unanswered condition
    item leaves the item asked, so a missing answer is not hidden)."""
    for condition in item.asked_when:
        given = answers.get(condition.item)
        if not isinstance(given, Decimal):
            continue
        if condition.op == "eq" and given != condition.value:
            return False
        if condition.op == "gt" and not given > condition.value:
            return False
    return True


def item_score(item: Item, answer: Decimal) -> Decimal:
    """An item's contribution: the answer, or min + max minus the answer for a reversed item."""
    if item.reversed:
        low, high = item.bounds()
        return low + high - answer
    return answer


def bands_effective(definition: InstrumentDefinition, cutoffs: Mapping[str, Decimal] | None = None) -> list[Band]:
    """The bands, lowest first, with any locally configured cut-off applied (ÖMPSQ-10's 50 or 51)."""
    bands = sorted(definition.bands, key=lambda band: band.min)
    cutoffs = cutoffs or {}
    for n, band in enumerate(bands):
        if band.cutoff_setting and band.cutoff_setting in cutoffs:
            cut = Decimal(cutoffs[band.cutoff_setting])
            bands[n] = band.model_copy(update={"min": cut})
            if n > 0:
                bands[n - 1] = bands[n - 1].model_copy(update={"max": cut - 1})
    return bands


def band_for(bands: list[Band], score: Decimal) -> Band | None:
    """The band a score falls in: the highest band whose min it reaches."""
    found = None
    for band in bands:
        if score >= band.min:
            found = band
    return found


def _flags(definition: InstrumentDefinition, answers: Mapping[str, Answer], score: Decimal | None) -> tuple[Flag, ...]:
    raised = []
    for rule in definition.flags:
        if rule.item is not None and rule.above is not None:
            given = answers.get(rule.item)
            hit = isinstance(given, Decimal) and given > rule.above
        else:
            hit = score is not None and rule.score_at_least is not None and score >= rule.score_at_least
        if hit:
            raised.append(Flag(code=rule.code, label=rule.label, severity=rule.severity))
    return tuple(raised)


def _missing_names(items: list[Item]) -> str:
    return ", ".join(item.id for item in items)


def _sum(
    definition: InstrumentDefinition, answers: Mapping[str, Answer]
) -> tuple[Decimal | None, list[str], list[str], str]:
    scored = [item for item in definition.items if item.scored and is_asked(item, answers)]
    given = [item for item in scored if isinstance(answers.get(item.id), Decimal)]
    missing = [item for item in scored if not isinstance(answers.get(item.id), Decimal) and not item.optional]
    used = [item.id for item in given]
    total = sum((item_score(item, answers[item.id]) for item in given), Decimal(0))  # type: ignore[arg-type]
    if not missing:
        return total, used, [], ""
    rule = definition.missing
    if rule.kind == "replace_with_mean" and len(missing) <= rule.max_missing and given:
        mean = total / len(given)
        total = (total + mean * len(missing)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        return total, used, [item.id for item in missing], ""
    if rule.kind == "replace_with_mean":
        reason = (
            f"{len(missing)} questions are not answered ({_missing_names(missing)}); "
            f"{definition.short_title or definition.title} is scored with at most {rule.max_missing} missing"
        )
    else:
        reason = (
            f"not every question is answered ({_missing_names(missing)} missing); "
            f"{definition.short_title or definition.title} is scored only when all are"
        )
    return None, used, [], reason


def _wpai(
    definition: InstrumentDefinition, answers: Mapping[str, Answer]
) -> tuple[dict[str, Decimal | None], list[str], str]:
    roles = definition.scoring.wpai_items

    def get(role: str) -> Decimal | None:
        value = answers.get(roles[role])
        return value if isinstance(value, Decimal) else None

    needed = [definition.item(roles[r]) for r in ("employed", "activity_effect")]
    employed = get("employed")
    if employed == 1:
        needed += [definition.item(roles[r]) for r in ("hours_missed_health", "hours_missed_other", "hours_worked")]
        if get("hours_worked") != 0:
            needed.append(definition.item(roles["work_effect"]))
    missing = [item for item in needed if not isinstance(answers.get(item.id), Decimal)]
    if missing:
        return {}, [], f"not every question is answered ({_missing_names(missing)} missing)"
    percentages: dict[str, Decimal | None] = {
        "absenteeism": None,
        "presenteeism": None,
        "overall_work_impairment": None,
        "activity_impairment": get("activity_effect") / 10 * HUNDRED,  # type: ignore[operator]
    }
    if employed == 1:
        missed, worked = get("hours_missed_health") or Decimal(0), get("hours_worked") or Decimal(0)
        if missed + worked > 0:
            absent = missed / (missed + worked)
            percentages["absenteeism"] = absent * HUNDRED
            if worked > 0:
                effect = (get("work_effect") or Decimal(0)) / 10
                percentages["presenteeism"] = effect * HUNDRED
                percentages["overall_work_impairment"] = (absent + (1 - absent) * effect) * HUNDRED
            else:
                percentages["overall_work_impairment"] = absent * HUNDRED
    rounded = {
        name: None if value is None else value.quantize(TENTH, rounding=ROUND_HALF_UP)
        for name, value in percentages.items()
    }
    return rounded, [item.id for item in needed], ""


def score(
    definition: InstrumentDefinition, answers: Mapping[str, Any], *, cutoffs: Mapping[str, Decimal] | None = None
) -> Result:
    """Score one set of answers (raises AnswerError if an answer does not fit the instrument)."""
    cleaned = answers_clean(definition, answers)
    scoring = definition.scoring
    total: Decimal | None = None
    percentages: dict[str, Decimal | None] = {}
    profile = ""
    used: list[str] = []
    imputed: list[str] = []
    reason = ""
    if scoring.kind == "sum":
        total, used, imputed, reason = _sum(definition, cleaned)
        if total is not None and scoring.percentage_multiplier is not None:
            percentages[scoring.percentage_name] = total * scoring.percentage_multiplier
    elif scoring.kind == "single":
        item_id = scoring.score_item or ""
        value = cleaned.get(item_id)
        if isinstance(value, Decimal):
            total, used = item_score(definition.item(item_id), value), [item_id]
        else:
            reason = "the question is not answered"
    elif scoring.kind == "wpai":
        percentages, used, reason = _wpai(definition, cleaned)
        total = percentages.get("activity_impairment")
    elif scoring.kind == "profile":
        missing = [ref for ref in scoring.profile_items if not isinstance(cleaned.get(ref), Decimal)]
        if missing:
            reason = f"not every dimension is answered ({', '.join(missing)} missing)"
        else:
            profile = "".join(str(int(cleaned[ref])) for ref in scoring.profile_items)  # type: ignore[arg-type]
            used = list(scoring.profile_items)
            if scoring.score_item is not None and isinstance(cleaned.get(scoring.score_item), Decimal):
                total = cleaned[scoring.score_item]  # type: ignore[assignment]
                used.append(scoring.score_item)
    band = band_for(bands_effective(definition, cutoffs), total) if total is not None else None
    return Result(
        instrument_code=definition.code,
        instrument_version=definition.version,
        score=total,
        band=band.code if band else "",
        band_label=band.label if band else "",
        band_colour=band.colour if band else "",
        flags=_flags(definition, cleaned, total),
        percentages=percentages,
        profile=profile,
        not_scorable_reason=reason,
        items_used=tuple(used),
        items_imputed=tuple(imputed),
    )


@dataclass(frozen=True)
class Change:
    """Change between two administrations of one instrument, read with its own threshold where published."""

    measure: str
    before: Decimal | None
    after: Decimal | None
    difference: Decimal | None
    threshold: Decimal | None
    direction: Literal["better", "worse", "same", ""]
    meaningful: bool | None  # None when there is no published threshold (the plain difference only)

    @property
    def summary(self) -> str:
        if self.difference is None:
            return "Change cannot be worked out: one of the two is not scored"
        if self.direction == "same":
            return "No change"
        text = f"{self.direction.capitalize()} by {number(abs(self.difference))}"
        if self.meaningful is None:
            return text
        return text + (" (a meaningful change)" if self.meaningful else " (less than a meaningful change)")


def measure_value(
    definition: InstrumentDefinition, score: Decimal | None, percentages: Mapping[str, Any] | None
) -> Decimal | None:
    """The value change is read on: the score, or the named percentage (WHO-5's)."""
    if definition.change.measure == "score":
        return score
    value = (percentages or {}).get(definition.change.measure)
    return _as_decimal(value) if value is not None else None


def change_between(definition: InstrumentDefinition, before: Decimal | None, after: Decimal | None) -> Change:
    """Change from `before` to `after` (values of the instrument's change measure)."""
    rule = definition.change
    if before is None or after is None:
        return Change(rule.measure, before, after, None, rule.threshold, "", None)
    difference = after - before
    if difference == 0:
        direction: Literal["better", "worse", "same", ""] = "same"
    else:
        direction = "better" if (difference > 0) == (rule.better == "higher") else "worse"
    meaningful = None if rule.threshold is None else abs(difference) >= rule.threshold
    return Change(rule.measure, before, after, difference, rule.threshold, direction, meaningful)


def score_range(definition: InstrumentDefinition) -> tuple[Decimal, Decimal]:
    return definition.scoring.min, definition.scoring.max


def change(definition: InstrumentDefinition, earlier: Result, later: Result) -> Change:
    """Change between two results of one instrument, on its change measure, with its threshold if published."""
    return change_between(
        definition,
        measure_value(definition, earlier.score, earlier.percentages),
        measure_value(definition, later.score, later.percentages),
    )
