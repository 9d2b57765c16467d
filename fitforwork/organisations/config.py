"""The typed shape of a service model version's rules, stored as JSON and checked here.

The schema is plain frozen dataclasses. Each field's metadata says what it may hold (choices, a
minimum, at least one item), and one generic checker walks the schema, so adding a rule is adding
a field. Units are in the names (`_weeks`, `_working_days`, `_months`, `_days`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

from fitforwork.core.calendar import Nation
from fitforwork.core.choices import EmploymentStatus

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


def _employment_statuses() -> list[str]:
    return list(EmploymentStatus.values)


def _size_bands() -> list[str]:
    from fitforwork.organisations.models import Organisation

    return list(Organisation.SizeBand.values)


def _nations() -> list[str]:
    return list(Nation.values)


def rule(
    *,
    default: Any = dataclasses.MISSING,
    choices: Callable[[], Iterable[str]] | tuple[str, ...] | None = None,
    minimum: int = 0,
    min_items: int = 0,
) -> Any:
    """A schema field: what values it allows, and its default if it may be left out."""
    metadata = {"choices": choices, "minimum": minimum, "min_items": min_items}
    if default is dataclasses.MISSING:
        return field(metadata=metadata)
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=metadata)
    if isinstance(default, list | tuple):
        return field(default_factory=lambda: tuple(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class Eligibility:
    employment_statuses: tuple[str, ...] = rule(choices=_employment_statuses, min_items=1)
    min_absence_weeks: int | None = rule()
    # True: absent for min_absence_weeks, or the GP expects the absence to pass it.
    absence_or_expected: bool = rule()
    self_employed_allowed: bool = rule()
    max_employer_size_band: str | None = rule(choices=_size_bands)
    nations: tuple[str, ...] = rule(choices=_nations, min_items=1)
    residence_or_gp_in_area: bool = rule()
    # None: no limit on being referred again.
    re_referral_window_months: int | None = rule(minimum=1)
    requires_explicit_consent: bool = rule()
    within_weeks_of_unemployment: int | None = rule(minimum=1)
    return_expected_within_months: int | None = rule(default=None, minimum=1)
    fit_note_requested_or_at_risk: bool = rule(default=False)


@dataclass(frozen=True, kw_only=True)
class ReferralRoute:
    source: str = rule(choices=ReferralSource.ALL)
    min_absence_weeks: int | None = rule(default=None)
    only_if_gp_has_not_referred: bool = rule(default=False)
    requires_written_consent: bool = rule(default=False)


@dataclass(frozen=True, kw_only=True)
class TimeStandards:
    first_contact_working_days: int = rule(minimum=1)
    assessment_working_days: int = rule(minimum=1)
    face_to_face_working_days: int | None = rule(minimum=1)
    review_every_weeks: int = rule(minimum=1)


@dataclass(frozen=True, kw_only=True)
class CaseLength:
    max_weeks: int | None = rule(minimum=1)
    ends_on_return_to_work: bool = rule()
    # Caps that differ by employment status at referral, such as 8 weeks in work and 16 out of work.
    max_weeks_by_employment_status: dict[str, int] = rule(default={}, choices=_employment_statuses, minimum=1)


@dataclass(frozen=True, kw_only=True)
class OutcomeSchedule:
    baseline_at_assessment: bool = rule(default=True)
    at_discharge: bool = rule(default=True)
    follow_up_months: tuple[int, ...] = rule(minimum=1)


@dataclass(frozen=True, kw_only=True)
class ServiceModelConfig:
    eligibility: Eligibility = rule()
    referral_routes: tuple[ReferralRoute, ...] = rule(min_items=1)
    time_standards: TimeStandards = rule()
    case_length: CaseLength = rule()
    max_failed_contact_attempts: int = rule(minimum=1)
    reopen_window_days: int = rule()
    pathways: tuple[str, ...] = rule(min_items=1)
    support_offered: tuple[str, ...] = rule()
    outcome_schedule: OutcomeSchedule = rule()
    service_issues_fit_notes: bool = rule(default=False)
    # Field paths (such as "time_standards.first_contact_working_days") no public source confirms.
    uncertain: tuple[str, ...] = rule(default=[])
    schema_version: int = rule(default=SCHEMA_VERSION, minimum=1)

    @classmethod
    def from_dict(cls, data: Any) -> ServiceModelConfig:
        """Build from JSON data, refusing anything validate_config would complain about."""
        errors = validate_config(data)
        if errors:
            raise ConfigError(errors)
        return _build(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data with every field present, in schema order."""
        dumped = _dump(self)
        assert isinstance(dumped, dict)  # noqa: S101  # a dataclass always dumps to a dict
        return dumped

    def route(self, source: str) -> ReferralRoute | None:
        return next((route for route in self.referral_routes if route.source == source), None)

    def is_uncertain(self, path: str) -> bool:
        return any(path == item or path.startswith(f"{item}.") for item in self.uncertain)


class ConfigError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


T = TypeVar("T")


def validate_config(data: Any) -> list[str]:
    """Every problem with a config, each in plain English naming the field it is about."""
    if not isinstance(data, dict):
        return ["The configuration must be a JSON object of settings"]
    errors = _check_dataclass(ServiceModelConfig, data, "")
    if not errors:
        errors = _check_consistency(_build(ServiceModelConfig, data))
    return errors


def canonical_config(data: T) -> T:
    """A valid config with every setting present in schema order, so equal rules compare equal.

    Anything that does not validate (such as a stored version from an older schema) is returned as it is.
    """
    if validate_config(data):
        return data
    return typing.cast(T, ServiceModelConfig.from_dict(data).to_dict())


def field_paths(cls: type = ServiceModelConfig, prefix: str = "") -> list[str]:
    """Every setting's dotted path, the names `uncertain` may list."""
    paths: list[str] = []
    for f, hint in _fields(cls):
        path = f"{prefix}{f.name}"
        paths.append(path)
        if dataclasses.is_dataclass(hint):
            paths.extend(field_paths(hint, f"{path}."))  # type: ignore[arg-type]
    return paths


def _fields(cls: type) -> list[tuple[dataclasses.Field[Any], Any]]:
    hints = typing.get_type_hints(cls)
    return [(f, hints[f.name]) for f in dataclasses.fields(cls)]


def _choices(f: dataclasses.Field[Any]) -> list[str] | None:
    choices = f.metadata.get("choices")
    if choices is None:
        return None
    return list(choices() if callable(choices) else choices)


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return args[0], True
    return hint, False


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_dataclass(cls: type, data: Any, prefix: str) -> list[str]:
    label = prefix.rstrip(".") or "The configuration"
    if not isinstance(data, dict):
        return [f"{label} must be a group of settings (a JSON object)"]
    errors: list[str] = []
    known = {f.name for f in dataclasses.fields(cls)}
    errors.extend(f"{prefix}{key} is not a setting we recognise" for key in data if key not in known)
    for f, hint in _fields(cls):
        path = f"{prefix}{f.name}"
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        if f.name not in data:
            if not has_default:
                errors.append(f"{path} is missing")
            continue
        errors.extend(_check_value(f, hint, data[f.name], path))
    return errors


def _check_value(f: dataclasses.Field[Any], hint: Any, value: Any, path: str) -> list[str]:
    inner, optional = _unwrap_optional(hint)
    or_null = ", or null" if optional else ""
    if value is None:
        return [] if optional else [f"{path} must have a value"]
    if dataclasses.is_dataclass(inner):
        return _check_dataclass(inner, value, f"{path}.")  # type: ignore[arg-type]
    minimum = f.metadata.get("minimum", 0)
    choices = _choices(f)
    if inner is bool:
        return [] if isinstance(value, bool) else [f"{path} must be true or false{or_null}"]
    if inner is int:
        if _is_whole(value) and value >= minimum:
            return []
        return [f"{path} must be a whole number of {minimum} or more{or_null}"]
    if inner is str:
        if choices is not None and value not in choices:
            return [f"{path} must be one of: {', '.join(choices)}{or_null}"]
        return [] if isinstance(value, str) and value.strip() else [f"{path} must be some text{or_null}"]
    origin = typing.get_origin(inner)
    if origin is tuple:
        return _check_list(f, typing.get_args(inner)[0], value, path)
    if origin is dict:
        return _check_mapping(f, value, path)
    raise TypeError(f"No check for {inner!r} at {path}")  # pragma: no cover - a schema mistake


def _check_list(f: dataclasses.Field[Any], item_type: Any, value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{path} must be a list"]
    min_items = f.metadata.get("min_items", 0)
    if len(value) < min_items:
        return [f"{path} must list at least {min_items}"]
    errors: list[str] = []
    if dataclasses.is_dataclass(item_type):
        for index, item in enumerate(value, start=1):
            errors.extend(_check_dataclass(item_type, item, f"{path}[{index}]."))  # type: ignore[arg-type]
        return errors
    choices = _choices(f)
    minimum = f.metadata.get("minimum", 0)
    for item in value:
        if item_type is int and not (_is_whole(item) and item >= minimum):
            errors.append(f"{path} must hold only whole numbers of {minimum} or more, not {item!r}")
        elif item_type is str and not (isinstance(item, str) and item.strip()):
            errors.append(f"{path} must hold only text, not {item!r}")
        elif choices is not None and item not in choices:
            errors.append(f"{path} holds {item!r}, which is not one of: {', '.join(choices)}")
    if not errors:
        errors.extend(_duplicates(value, path))
    return errors


def _check_mapping(f: dataclasses.Field[Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path} must be a group of settings (a JSON object)"]
    choices = _choices(f) or []
    minimum = f.metadata.get("minimum", 0)
    errors = [f"{path}.{key} is not one of: {', '.join(choices)}" for key in value if key not in choices]
    errors.extend(
        f"{path}.{key} must be a whole number of {minimum} or more"
        for key, item in value.items()
        if not (_is_whole(item) and item >= minimum)
    )
    return errors


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
    known = set(field_paths())
    errors.extend(f"uncertain lists {path!r}, which is not a setting" for path in config.uncertain if path not in known)
    return errors


def _build(cls: type[T], data: dict[str, Any]) -> T:
    values: dict[str, Any] = {}
    for f, hint in _fields(cls):
        if f.name in data:
            values[f.name] = _build_value(hint, data[f.name])
    return cls(**values)


def _build_value(hint: Any, value: Any) -> Any:
    inner, _ = _unwrap_optional(hint)
    if value is None:
        return None
    if dataclasses.is_dataclass(inner):
        return _build(inner, value)  # type: ignore[arg-type]
    if typing.get_origin(inner) is tuple:
        item_type = typing.get_args(inner)[0]
        return tuple(_build_value(item_type, item) for item in value)
    if typing.get_origin(inner) is dict:
        return dict(value)
    return value


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    return value
