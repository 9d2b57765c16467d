"""The shape of an instrument definition: one file per questionnaire, read by the one scoring engine.

A definition holds everything the engine needs and nothing it has to guess: the items with their published
wording and response options, which items are reversed, which are asked only in some cases, how the score is
made, the bands, the flags, the missing-data rule, the meaningful-change threshold, LOINC codes where they
exist, and the source and licence. `definition_parse` turns a JSON document into a definition or raises
`DefinitionError` with every problem found, each with its path, in plain words. The JSON Schema is published
in docs/instrument-definition.schema.json (`fitforwork instruments schema` writes it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

TagColour = Literal["white", "grey", "green", "aqua-green", "blue", "purple", "pink", "red", "orange", "yellow"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One response option: the value stored and scored, and the words shown."""

    value: int
    label: str = Field(min_length=1)


class Scale(_Strict):
    """A numeric scale from min to max in whole steps, with the words at some points (at least the two ends)."""

    min: int
    max: int
    anchors: dict[int, str] = Field(default_factory=dict, description="Words shown at these points")


class Number(_Strict):
    """A number the person gives, such as hours, between min and max."""

    min: Decimal
    max: Decimal
    unit: str = ""
    decimal_places: int = Field(default=1, ge=0, le=3)


class Condition(_Strict):
    """An item is asked only when another item's answer meets this (all of an item's conditions must hold)."""

    item: str
    op: Literal["eq", "gt"] = "eq"
    value: Decimal


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    loinc: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    options: list[Option] | None = None
    scale: Scale | None = None
    number: Number | None = None
    reversed: bool = Field(default=False, description="Scores (min + max) minus the answer")
    scored: bool = Field(default=True, description="False for an item outside the score (PHQ-9's difficulty)")
    optional: bool = Field(default=False, description="May be left out without making the score unscorable")
    asked_when: list[Condition] = Field(default_factory=list)
    not_applicable_label: str | None = Field(
        default=None, description="Words for an answer of 'not applicable' (stored as \"na\"), counted as missing"
    )

    def bounds(self) -> tuple[Decimal, Decimal]:
        """The lowest and highest answer the item takes."""
        if self.options:
            values = [option.value for option in self.options]
            return Decimal(min(values)), Decimal(max(values))
        if self.scale is not None:
            return Decimal(self.scale.min), Decimal(self.scale.max)
        if self.number is not None:
            return self.number.min, self.number.max
        return Decimal(0), Decimal(0)

    def allowed(self, value: Decimal) -> bool:
        if self.options:
            return value in {Decimal(option.value) for option in self.options}
        low, high = self.bounds()
        if not low <= value <= high:
            return False
        if self.scale is not None:
            return value == value.to_integral_value()
        if self.number is not None:
            exponent = value.normalize().as_tuple().exponent
            return isinstance(exponent, int) and -exponent <= self.number.decimal_places
        return False


class Band(_Strict):
    """Scores from min to max (inclusive) fall in this band; a fractional score between two bands' whole
    numbers (WSAS with one item replaced by the mean) falls in the lower band."""

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    min: Decimal
    max: Decimal
    colour: TagColour = "grey"
    cutoff_setting: str | None = Field(
        default=None,
        description="A key of settings.ASSESSMENT_CUTOFFS that, when set, moves this band's min (and the max of "
        "the band below it)",
    )


class FlagRule(_Strict):
    """A flag raised when an item's answer is above a value, or when the score reaches one."""

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    severity: Literal["red", "amber"] = "red"
    item: str | None = None
    above: Decimal | None = None
    score_at_least: Decimal | None = None


class MissingRule(_Strict):
    """What happens when scored items are missing. `none`: no score. `replace_with_mean`: up to `max_missing`
    missing (or not applicable) items are replaced by the mean of the others (WSAS: one)."""

    kind: Literal["none", "replace_with_mean"] = "none"
    max_missing: int = Field(default=0, ge=0)
    source: str = ""


class Scoring(_Strict):
    """How the score is made.

    sum: the items' scores added (reversed items scored min + max minus the answer); `percentage_multiplier`
    adds a percentage (WHO-5: raw x 4). single: one item's answer. wpai: the four WPAI percentages, with the
    score the activity impairment. profile: the answers' digits in item order as a profile (EQ-5D without a
    value set), the score being the `score_item`'s answer (the visual analogue scale) if given.
    """

    kind: Literal["sum", "single", "wpai", "profile"]
    min: Decimal
    max: Decimal
    percentage_multiplier: Decimal | None = None
    percentage_name: str = "percentage"
    score_item: str | None = None
    profile_items: list[str] = Field(default_factory=list)
    wpai_items: dict[str, str] = Field(
        default_factory=dict,
        description="WPAI's roles mapped to item ids: employed, hours_missed_health, hours_missed_other, "
        "hours_worked, work_effect, activity_effect",
    )


class ChangeRule(_Strict):
    """How change between two administrations is read: which measure, which direction is better, and the
    published meaningful-change threshold if there is one."""

    measure: str = Field(default="score", description="score, or the name of a percentage")
    better: Literal["higher", "lower"]
    threshold: Decimal | None = None
    source: str = ""


class InstrumentDefinition(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    short_title: str = ""
    source: str = Field(min_length=1, description="The published source: citation, and where the wording is from")
    licence: str = Field(min_length=1)
    licensed: bool = Field(default=False, description="True when the text may not be shipped with the project")
    instructions: str = ""
    recall_period: str = ""
    loinc_panel: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    loinc_score: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    one_question_per_page: bool = True
    items: list[Item] = Field(min_length=1)
    scoring: Scoring
    bands: list[Band] = Field(default_factory=list)
    flags: list[FlagRule] = Field(default_factory=list)
    missing: MissingRule = Field(default_factory=MissingRule)
    change: ChangeRule

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def key(self) -> tuple[str, str]:
        return self.code, self.version


class DefinitionError(ValueError):
    """A definition that cannot be used, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The instrument definition has problems:\n" + "\n".join(f"- {p}" for p in problems))


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(the whole file)"


def _plain(error: Any) -> str:
    kind, message = error["type"], error["msg"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field a definition has"
    return message[0].lower() + message[1:]


def _semantic_problems(definition: InstrumentDefinition) -> list[str]:
    """What the field types cannot check: references, ranges and bands that must fit together."""
    problems: list[str] = []
    ids = [item.id for item in definition.items]
    known = set(ids)
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"items: the id {duplicate!r} is used more than once")
    for n, item in enumerate(definition.items):
        where = f"items.{n} ({item.id})"
        kinds = [k for k in ("options", "scale", "number") if getattr(item, k) is not None]
        if len(kinds) != 1:
            problems.append(f"{where}: give exactly one of options, scale or number (found {len(kinds)})")
        if item.options is not None:
            values = [option.value for option in item.options]
            if len(values) < 2:
                problems.append(f"{where}.options: give at least two options")
            if len(set(values)) != len(values):
                problems.append(f"{where}.options: two options have the same value")
        if item.scale is not None:
            if item.scale.min >= item.scale.max:
                problems.append(f"{where}.scale: min must be below max")
            for point in item.scale.anchors:
                if not item.scale.min <= point <= item.scale.max:
                    problems.append(f"{where}.scale.anchors: {point} is outside the scale")
        if item.number is not None and item.number.min >= item.number.max:
            problems.append(f"{where}.number: min must be below max")
        if item.reversed and item.number is not None:
            problems.append(f"{where}: a number item cannot be reversed")
        for c, condition in enumerate(item.asked_when):
            if condition.item not in known:
                problems.append(f"{where}.asked_when.{c}: no item {condition.item!r}")
            elif ids.index(condition.item) >= n:
                problems.append(f"{where}.asked_when.{c}: {condition.item!r} must come before this item")
    scoring = definition.scoring
    if scoring.min > scoring.max:
        problems.append("scoring: min must not be above max")
    for name in ("score_item",):
        ref = getattr(scoring, name)
        if ref is not None and ref not in known:
            problems.append(f"scoring.{name}: no item {ref!r}")
    if scoring.kind == "single" and scoring.score_item is None:
        problems.append("scoring.score_item: a single-item score names its item")
    if scoring.kind == "profile":
        if not scoring.profile_items:
            problems.append("scoring.profile_items: a profile names its items")
        for ref in scoring.profile_items:
            if ref not in known:
                problems.append(f"scoring.profile_items: no item {ref!r}")
    if scoring.kind == "wpai":
        roles = {"employed", "hours_missed_health", "hours_missed_other", "hours_worked", "work_effect"}
        roles.add("activity_effect")
        for role in sorted(roles - set(scoring.wpai_items)):
            problems.append(f"scoring.wpai_items: {role} is missing")
        for role, ref in scoring.wpai_items.items():
            if role not in roles:
                problems.append(f"scoring.wpai_items: {role} is not a WPAI role")
            if ref not in known:
                problems.append(f"scoring.wpai_items.{role}: no item {ref!r}")
    if scoring.kind == "sum":
        scored = [item for item in definition.items if item.scored]
        if not scored:
            problems.append("items: a summed score needs at least one scored item")
        elif all(not item.asked_when and not item.optional for item in scored):
            low = sum((item.bounds()[0] for item in scored), Decimal(0))
            high = sum((item.bounds()[1] for item in scored), Decimal(0))
            if (low, high) != (scoring.min, scoring.max):
                problems.append(
                    f"scoring: min and max are {scoring.min} to {scoring.max}, the items sum to {low} to {high}"
                )
    for b, band in enumerate(definition.bands):
        if band.min > band.max:
            problems.append(f"bands.{b} ({band.code}): min must not be above max")
    bands = sorted(definition.bands, key=lambda band: band.min)
    if bands:
        if bands[0].min != scoring.min or bands[-1].max != scoring.max:
            problems.append(
                f"bands: they must run from the lowest score ({scoring.min}) to the highest ({scoring.max})"
            )
        for lower, upper in zip(bands, bands[1:], strict=False):
            if upper.min <= lower.max:
                problems.append(f"bands: {lower.code} and {upper.code} overlap")
            elif upper.min - lower.max > 1:
                problems.append(f"bands: there is a gap between {lower.code} and {upper.code}")
    codes = [band.code for band in definition.bands]
    if len(set(codes)) != len(codes):
        problems.append("bands: two bands have the same code")
    for f, flag in enumerate(definition.flags):
        if (flag.item is None) == (flag.score_at_least is None):
            problems.append(f"flags.{f} ({flag.code}): give either an item (with above) or score_at_least")
        if flag.item is not None:
            if flag.item not in known:
                problems.append(f"flags.{f} ({flag.code}): no item {flag.item!r}")
            if flag.above is None:
                problems.append(f"flags.{f} ({flag.code}): give the value the answer must be above")
    if definition.missing.kind == "replace_with_mean" and definition.missing.max_missing < 1:
        problems.append("missing.max_missing: replacing by the mean needs at least one item allowed missing")
    if definition.change.measure != "score" and scoring.percentage_multiplier is None and scoring.kind != "wpai":
        problems.append(f"change.measure: {definition.change.measure!r} is not a measure this instrument gives")
    return problems


def definition_parse(data: Any) -> InstrumentDefinition:
    """A definition from a parsed JSON document, or DefinitionError listing every problem (each with its path)."""
    try:
        definition = InstrumentDefinition.model_validate(data)
    except ValidationError as error:
        raise DefinitionError([f"{_where(e['loc'])}: {_plain(e)}" for e in error.errors()]) from None
    problems = _semantic_problems(definition)
    if problems:
        raise DefinitionError(problems)
    return definition


def definition_schema() -> dict[str, Any]:
    """The JSON Schema of a definition, as published in docs/instrument-definition.schema.json."""
    schema = InstrumentDefinition.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://fitforwork.example/schemas/instrument-definition.schema.json"
    return schema
