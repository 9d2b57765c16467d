"""Reading extracts: checked column by column, refused with the file, row, column and reason.

An extract may come from another system: `evaluate` needs only `episodes.csv` and `extract.json` with
`data_cutoff`; `outcomes.csv` and the dictionary are read where present. Several extracts are pooled into one
episodes table (each keeps its own cut-off, as `data_cutoff` per row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from fitforwork.evaluation.columns import (
    EPISODE_COLUMNS,
    OPTIONAL_EPISODE_COLUMNS,
    OUTCOME_COLUMNS,
    Column,
)


class ExtractError(ValueError):
    """A malformed extract: where (file, row, column) and why."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None) -> None:
        self.file, self.row, self.column, self.reason = file, row, column, reason
        where = file + (f", row {row}" if row is not None else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {reason}")


class ExtractMeta(BaseModel):
    """extract.json: only data_cutoff is required (other systems' extracts carry what they carry)."""

    model_config = ConfigDict(extra="allow")
    data_cutoff: date


@dataclass
class Extract:
    episodes: pd.DataFrame
    outcomes: pd.DataFrame
    meta: ExtractMeta
    unit_costs: dict[str, dict[str, float]]


def _read_meta(directory: Path) -> ExtractMeta:
    path = directory / "extract.json"
    if not path.exists():
        raise ExtractError("extract.json", "missing: an extract needs extract.json with data_cutoff")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ExtractError("extract.json", f"not JSON ({error.msg} at line {error.lineno})") from error
    try:
        return ExtractMeta.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ExtractError("extract.json", f"{field}: {first['msg']}", column=field) from error


def _check_column(file: str, frame: pd.DataFrame, column: Column) -> None:
    values = frame[column.name]
    present = values != ""
    if column.kind == "date":
        parsed = pd.to_datetime(values.where(present), format="%Y-%m-%d", errors="coerce")
        bad = present & parsed.isna()
        reason = "not an ISO 8601 date (YYYY-MM-DD)"
    elif column.kind in ("int", "number"):
        parsed = pd.to_numeric(values.where(present), errors="coerce")
        bad = present & parsed.isna()
        if column.kind == "int":
            bad |= present & parsed.notna() & (parsed % 1 != 0)
        reason = "not a whole number" if column.kind == "int" else "not a number"
    elif column.kind == "id":
        bad = ~present
        reason = "empty: every row needs an identifier"
    elif column.values:
        bad = present & ~values.isin(column.values)
        reason = f"not one of {', '.join(column.values)}"
    else:
        return
    if bad.any():
        index = int(bad.to_numpy().nonzero()[0][0])
        value = values.iloc[index]
        # Row numbers as a spreadsheet shows them: the header is row 1.
        raise ExtractError(file, f"{value!r} is {reason}", row=index + 2, column=column.name)


def _read_table(directory: Path, file: str, columns: tuple[Column, ...], optional: tuple[Column, ...]) -> pd.DataFrame:
    path = directory / file
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as error:
        raise ExtractError(file, f"not a well-formed CSV file ({error})") from error
    except pd.errors.EmptyDataError as error:
        raise ExtractError(file, "empty: it needs a header row") from error
    for column in columns:
        if column.required and column.name not in frame.columns:
            raise ExtractError(file, "missing column", row=1, column=column.name)
    for column in columns + optional:
        if column.name in frame.columns:
            _check_column(file, frame, column)
    return frame


def _typed(frame: pd.DataFrame, columns: tuple[Column, ...]) -> pd.DataFrame:
    frame = frame.replace("", None)
    for column in columns:
        if column.name not in frame.columns:
            continue
        if column.kind == "date":
            frame[column.name] = pd.to_datetime(frame[column.name], format="%Y-%m-%d")
        elif column.kind in ("int", "number"):
            frame[column.name] = pd.to_numeric(frame[column.name]).astype(float)
    return frame


def extract_read(directory: str | Path) -> Extract:
    """One extract directory, checked; ExtractError names the first problem found."""
    directory = Path(directory)
    if not (directory / "episodes.csv").exists():
        raise ExtractError("episodes.csv", f"missing from {directory}")
    meta = _read_meta(directory)
    episodes = _read_table(directory, "episodes.csv", EPISODE_COLUMNS, OPTIONAL_EPISODE_COLUMNS)
    duplicated = episodes["episode_id"].duplicated()
    if duplicated.any():
        index = int(duplicated.to_numpy().nonzero()[0][0])
        raise ExtractError("episodes.csv", "episode_id appears twice", row=index + 2, column="episode_id")
    episodes = _typed(episodes, EPISODE_COLUMNS + OPTIONAL_EPISODE_COLUMNS)
    episodes["data_cutoff"] = pd.Timestamp(meta.data_cutoff)
    outcomes_path = directory / "outcomes.csv"
    if outcomes_path.exists():
        outcomes = _typed(_read_table(directory, "outcomes.csv", OUTCOME_COLUMNS, ()), OUTCOME_COLUMNS)
    else:
        outcomes = pd.DataFrame(columns=[c.name for c in OUTCOME_COLUMNS])
    costs: dict[str, dict[str, float]] = {}
    costs_path = directory / "unit_costs.json"
    if costs_path.exists():
        costs = unit_costs_read(costs_path)
    return Extract(episodes, outcomes, meta, costs)


def unit_costs_read(path: str | Path) -> dict[str, dict[str, float]]:
    """Unit costs per site: {"SITE": {"case": 120, "assessment": 90, "intervention": 250}} (pounds)."""
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ExtractError(Path(path).name, f"cannot be read as JSON ({error})") from error
    if not isinstance(data, dict):
        raise ExtractError(Path(path).name, "must be an object of sites")
    for site, costs in data.items():
        if not isinstance(costs, dict) or not all(isinstance(v, int | float) for v in costs.values()):
            raise ExtractError(Path(path).name, "unit costs must be numbers", column=str(site))
    return {site: {k: float(v) for k, v in costs.items()} for site, costs in data.items()}


def extracts_pool(directories: list[str | Path]) -> Extract:
    """Several extracts (several services') as one: episode ids are prefixed with the extract's number so
    keyed hashes from different keys can never collide."""
    parts = [extract_read(d) for d in directories]
    if len(parts) == 1:
        return parts[0]
    for n, part in enumerate(parts):
        part.episodes["episode_id"] = f"{n}:" + part.episodes["episode_id"].astype(str)
        part.episodes["person_id"] = f"{n}:" + part.episodes["person_id"].astype(str)
        part.outcomes["episode_id"] = f"{n}:" + part.outcomes["episode_id"].astype(str)
    costs: dict[str, dict[str, float]] = {}
    for part in parts:
        costs.update(part.unit_costs)
    latest = max(part.meta.data_cutoff for part in parts)
    return Extract(
        pd.concat([p.episodes for p in parts], ignore_index=True),
        pd.concat([p.outcomes for p in parts], ignore_index=True),
        ExtractMeta.model_validate({"data_cutoff": latest, "pooled": len(parts)}),
        costs,
    )
