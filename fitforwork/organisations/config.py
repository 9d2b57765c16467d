"""The typed shape of a service model version's rules, stored as JSON and checked here.

The schema is pydantic models: each field's type says what it may hold (choices, a minimum, at least one
item), so adding a rule is adding a field. pydantic finds every problem at once, by path; `validate_config`
words each in plain English, and rules that span fields are checked once each field is well formed.
Units are in the names (`_weeks`, `_working_days`, `_months`, `_days`). The JSON Schema is published in
docs/service-model-config.schema.json (`fitforwork service_models schema` writes it).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from fitforwork.core.calendar import Nation
from fitforwork.core.choices import EmploymentStatus
from fitforwork.organisations.models import Organisation

SCHEMA_VERSION = 1


class ReferralSource:
    """Who may refer. Kept as plain strings so a preset reads like the table it comes from."""

    GP = "gp"
    EMPLOYER = "employer"
    SELF = "self"
    JOBCENTRE = "jobcentre"
    COMMUNITY = "community"
    ADVICE_LINE = "advice_line"
    NHS24_MSK = "nhs24_msk"

    ALL = (GP, EMPLOYER, SELF, JOBCENTRE, COMMUNITY, ADVICE_LINE, NHS24_MSK)


def _one_of(values: Iterable[str]) -> Any:
    """A check that a text is one of `values`, which the JSON Schema lists as its enum."""
    allowed = tuple(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError("not_one_of", "must be one of: {choices}", {"choices": ", ".join(allowed)})
        return value

    return AfterValidator(check)


def _enum(values: Iterable[str]) -> Any:
    return Field(strict=True, json_schema_extra={"enum": list(values)})


EmploymentStatusValue = Annotated[str, _enum(EmploymentStatus.values), _one_of(EmploymentStatus.values)]
SizeBand = Annotated[str, _enum(Organisation.SizeBand.values), _one_of(Organisation.SizeBand.values)]
NationValue = Annotated[str, _enum(Nation.values), _one_of(Nation.values)]
Source = Annotated[str, _enum(ReferralSource.ALL), _one_of(ReferralSource.ALL)]
Whole = Annotated[int, Field(strict=True, ge=0)]
Positive = Annotated[int, Field(strict=True, ge=1)]
Flag = Annotated[bool, Field(strict=True)]
Text = Annotated[str, Field(strict=True, pattern=r"\S")]

T = TypeVar("T")


def _no_repeats(values: tuple[T, ...]) -> tuple[T, ...]:
    seen: set[Any] = set()
    for item in values:
        if item in seen:
            raise PydanticCustomError("repeated", "lists {item} more than once", {"item": repr(item)})
        seen.add(item)
    return values


Distinct = AfterValidator(_no_repeats)


class _Section(BaseModel):
    # Scalars are strict (2.5 is not a whole number, "yes" is not true); lists arrive as JSON arrays.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Eligibility(_Section):
    employment_statuses: Annotated[tuple[EmploymentStatusValue, ...], Field(min_length=1), Distinct]
    min_absence_weeks: Whole | None
    # True: absent for min_absence_weeks, or the GP expects the absence to pass it.
    absence_or_expected: Flag
    self_employed_allowed: Flag
    max_employer_size_band: SizeBand | None
    nations: Annotated[tuple[NationValue, ...], Field(min_length=1), Distinct]
    residence_or_gp_in_area: Flag
    # None: no limit on being referred again.
    re_referral_window_months: Positive | None
    requires_explicit_consent: Flag
    within_weeks_of_unemployment: Positive | None
    return_expected_within_months: Positive | None = None
    fit_note_requested_or_at_risk: Flag = False


class ReferralRoute(_Section):
    source: Source
    min_absence_weeks: Whole | None = None
    only_if_gp_has_not_referred: Flag = False
    requires_written_consent: Flag = False


class TimeStandards(_Section):
    first_contact_working_days: Positive
    assessment_working_days: Positive
    face_to_face_working_days: Positive | None
    review_every_weeks: Positive


class CaseLength(_Section):
    max_weeks: Positive | None
    ends_on_return_to_work: Flag
    # Caps that differ by employment status at referral, such as 8 weeks in work and 16 out of work.
    max_weeks_by_employment_status: dict[EmploymentStatusValue, Positive] = Field(default_factory=dict)


DEFAULT_FOLLOW_UP_MONTHS = (3, 6)


class OutcomeSchedule(_Section):
    baseline_at_assessment: Flag = True
    at_discharge: Flag = True
    # Months after discharge; a config written before this setting had a default gets 3 and 6.
    follow_up_months: Annotated[tuple[Positive, ...], Distinct] = DEFAULT_FOLLOW_UP_MONTHS


Code = Annotated[str, Field(strict=True, pattern=r"^[a-z][a-z0-9_]*$")]
Score = Annotated[int, Field(strict=True, ge=0, le=1000)]


class Pathway(_Section):
    code: Code
    label: Text


class ScoreAtLeast(_Section):
    """One condition: the named questionnaire's latest score is `at_least` or more."""

    instrument: Code
    at_least: Score


class PathwayRule(_Section):
    """Allocate `pathway` when any of `any_of` holds; rules are tried in order, the first that holds wins."""

    pathway: Code
    any_of: Annotated[tuple[ScoreAtLeast, ...], Field(min_length=1)]


class PathwayAllocation(_Section):
    """How an assessed case is allocated to a pathway (ADR 0023). `otherwise` is proposed when no rule holds;
    `no_scores` when there are no scores at all, and `no_scores_reason` says why in words."""

    pathways: Annotated[tuple[Pathway, ...], Field(min_length=1)]
    rules: tuple[PathwayRule, ...]
    otherwise: Code
    no_scores: Code
    no_scores_reason: Text

    def label(self, code: str) -> str:
        return next((pathway.label for pathway in self.pathways if pathway.code == code), code)


def _default_allocation() -> PathwayAllocation:
    return PathwayAllocation(
        pathways=(
            Pathway(code="case_managed_fast_access", label="Case-managed support with fast access to treatment"),
            Pathway(code="guidance_and_advice", label="Guidance and advice"),
        ),
        rules=(
            PathwayRule(
                pathway="case_managed_fast_access",
                any_of=(
                    ScoreAtLeast(instrument="ompsq10", at_least=50),
                    ScoreAtLeast(instrument="phq9", at_least=10),
                    ScoreAtLeast(instrument="gad7", at_least=10),
                ),
            ),
        ),
        otherwise="guidance_and_advice",
        no_scores="case_managed_fast_access",
        no_scores_reason="No questionnaire scores are recorded yet, so the case manager's judgement decides",
    )


class ServiceModelConfig(_Section):
    """A service model version's rules: `from_dict` checks and builds them, `to_dict` stores them."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Service model rules")

    eligibility: Eligibility
    referral_routes: Annotated[tuple[ReferralRoute, ...], Field(min_length=1)]
    time_standards: TimeStandards
    case_length: CaseLength
    max_failed_contact_attempts: Positive
    reopen_window_days: Whole
    pathways: Annotated[tuple[Text, ...], Field(min_length=1), Distinct]
    support_offered: Annotated[tuple[Text, ...], Distinct]
    outcome_schedule: OutcomeSchedule = Field(default_factory=OutcomeSchedule)
    service_issues_fit_notes: Flag = False
    pathway_allocation: PathwayAllocation = Field(default_factory=_default_allocation)
    # Field paths (such as "time_standards.first_contact_working_days") no public source confirms.
    uncertain: Annotated[tuple[Text, ...], Distinct] = ()
    schema_version: Positive = SCHEMA_VERSION

    @classmethod
    def from_dict(cls, data: Any) -> ServiceModelConfig:
        """Build from JSON data, refusing anything validate_config would complain about."""
        errors = validate_config(data)
        if errors:
            raise ConfigError(errors)
        return cls.model_validate(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data with every field present, in schema order."""
        return self.model_dump(mode="json")

    def route(self, source: str) -> ReferralRoute | None:
        return next((route for route in self.referral_routes if route.source == source), None)

    def is_uncertain(self, path: str) -> bool:
        return any(path == item or path.startswith(f"{item}.") for item in self.uncertain)


class ConfigError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def validate_config(data: Any) -> list[str]:
    """Every problem with a config, each in plain English naming the field it is about."""
    if not isinstance(data, dict):
        return ["The configuration must be a JSON object of settings"]
    try:
        config = ServiceModelConfig.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
        # pydantic counts only the items that passed, so a list of bad items is also "too short": say only
        # what is wrong with its items.
        with_bad_items = {tuple(p["loc"][:-1]) for p in problems if p["loc"] and isinstance(p["loc"][-1], int)}
        return [
            _plain(problem)
            for problem in problems
            if not (problem["type"] == "too_short" and tuple(problem["loc"]) in with_bad_items)
        ]
    return _check_consistency(config)


def canonical_config(data: T) -> T:
    """A valid config with every setting present in schema order, so equal rules compare equal.

    Anything that does not validate (such as a stored version from an older schema) is returned as it is.
    """
    if validate_config(data):
        return data
    return typing.cast(T, ServiceModelConfig.from_dict(data).to_dict())


def field_paths(cls: type[BaseModel] = ServiceModelConfig, prefix: str = "") -> list[str]:
    """Every setting's dotted path, the names `uncertain` may list."""
    paths: list[str] = []
    for name, info in cls.model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            paths.extend(field_paths(info.annotation, f"{path}."))
    return paths


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the rules, as published in docs/service-model-config.schema.json."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema"} | ServiceModelConfig.model_json_schema()


# Wording pydantic's problems: the schema at an error's location says what the setting may hold.

_WHOLE = {"int_type", "int_from_float", "int_parsing", "greater_than_equal"}
_TEXT = {"string_type", "string_pattern_mismatch"}
_GROUP = {"model_type", "model_attributes_type", "dict_type"}


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _schema_at(loc: tuple[int | str, ...]) -> tuple[dict[str, Any], bool]:
    """The schema of the setting at `loc`, and whether it may be null."""
    root = json_schema()

    def resolve(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        nullable = False
        if "anyOf" in node:
            options = [option for option in node["anyOf"] if option.get("type") != "null"]
            nullable = len(options) < len(node["anyOf"])
            node = options[0] if options else {}
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return node, nullable

    node, nullable = resolve(root)
    for part in loc:
        if isinstance(part, int):
            child = node.get("items", {})
        elif part == "[key]":
            child = node.get("propertyNames", {})
        else:
            child = node.get("properties", {}).get(part) or node.get("additionalProperties") or {}
        node, nullable = resolve(child)
    return node, nullable


def _plain(problem: Any) -> str:
    """One pydantic problem in plain words, naming the setting by its path."""
    kind, loc, value = problem["type"], tuple(problem["loc"]), problem.get("input")
    ctx = problem.get("ctx") or {}
    if loc and loc[-1] == "[key]":
        return f"{_path(loc[:-1])} is not one of: {ctx.get('choices', '')}"
    path = _path(loc)
    schema, nullable = _schema_at(loc)
    minimum = schema.get("minimum", 0)
    if loc and isinstance(loc[-1], int) and kind in _WHOLE | _TEXT | {"not_one_of"}:
        listed = _path(loc[:-1])
        if kind in _WHOLE:
            return f"{listed} must hold only whole numbers of {minimum} or more, not {value!r}"
        if kind in _TEXT:
            return f"{listed} must hold only text, not {value!r}"
        return f"{listed} holds {value!r}, which is not one of: {ctx['choices']}"
    or_null = ", or null" if nullable else ""
    if kind == "missing":
        return f"{path} is missing"
    if kind == "extra_forbidden":
        return f"{path} is not a setting we recognise"
    if value is None and not nullable:
        return f"{path} must have a value"
    if kind == "bool_type":
        return f"{path} must be true or false{or_null}"
    if kind in _WHOLE:
        return f"{path} must be a whole number of {minimum} or more{or_null}"
    if kind == "not_one_of":
        return f"{path} must be one of: {ctx['choices']}{or_null}"
    if kind in _TEXT:
        return f"{path} must be some text{or_null}"
    if kind == "too_short":
        return f"{path} must list at least {ctx['min_length']}"
    if kind in {"list_type", "tuple_type"}:
        return f"{path} must be a list"
    if kind in _GROUP:
        return f"{path or 'The configuration'} must be a group of settings (a JSON object)"
    if kind == "repeated":
        return f"{path} {problem['msg']}"
    return f"{path}: {problem['msg']}"


def _duplicates(values: Iterable[Any], path: str) -> list[str]:
    seen: set[Any] = set()
    errors: list[str] = []
    for item in values:
        if item in seen:
            errors.append(f"{path} lists {item!r} more than once")
        seen.add(item)
    return errors


def _check_consistency(config: ServiceModelConfig) -> list[str]:
    """Rules that span fields; run only once each field is well formed."""
    errors: list[str] = []
    rules = config.eligibility
    if rules.self_employed_allowed != ("self_employed" in rules.employment_statuses):
        errors.append(
            "eligibility.self_employed_allowed must be true exactly when eligibility.employment_statuses "
            "includes self_employed"
        )
    if rules.within_weeks_of_unemployment is not None and "unemployed" not in rules.employment_statuses:
        errors.append("eligibility.within_weeks_of_unemployment needs unemployed in eligibility.employment_statuses")
    errors.extend(_duplicates((route.source for route in config.referral_routes), "referral_routes"))
    errors.extend(
        f"referral_routes: the {route.source} route cannot depend on the GP not having referred"
        for route in config.referral_routes
        if route.only_if_gp_has_not_referred and route.source == ReferralSource.GP
    )
    for status in config.case_length.max_weeks_by_employment_status:
        if status not in rules.employment_statuses:
            errors.append(f"case_length.max_weeks_by_employment_status.{status} is not an eligible employment status")
    follow_ups = list(config.outcome_schedule.follow_up_months)
    if follow_ups != sorted(follow_ups):
        errors.append("outcome_schedule.follow_up_months must be in order, earliest first")
    allocation = config.pathway_allocation
    errors.extend(_duplicates((pathway.code for pathway in allocation.pathways), "pathway_allocation.pathways"))
    codes = {pathway.code for pathway in allocation.pathways}
    used = [(f"rules[{n + 1}].pathway", rule.pathway) for n, rule in enumerate(allocation.rules)]
    used += [("otherwise", allocation.otherwise), ("no_scores", allocation.no_scores)]
    errors.extend(
        f"pathway_allocation.{path} is {code!r}, which is not one of pathway_allocation.pathways"
        for path, code in used
        if code not in codes
    )
    known = set(field_paths())
    errors.extend(f"uncertain lists {path!r}, which is not a setting" for path in config.uncertain if path not in known)
    return errors
