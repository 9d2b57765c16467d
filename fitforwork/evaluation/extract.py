"""Pseudonymised extracts: episodes.csv, outcomes.csv, data-dictionary.md and extract.json.

Identifiers become HMAC-SHA256 keyed hashes with a key made for this extract and written outside it (by default
under $FFW_VAR_DIR/extract-keys/, readable by its owner only); extract.json carries the key's fingerprint
(SHA-256 of the key, first 16 hex digits), never the key. Dates of birth are already years and postcodes
districts by the time rows reach here (`database`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils import timezone

from fitforwork.evaluation.columns import DATE_COLUMNS, EPISODE_NAMES, OUTCOME_NAMES, dictionary_text
from fitforwork.evaluation.database import case_count, episodes_from_database
from fitforwork.evaluation.outcomes_source import outcomes_from_database

HASH_HEX = 32  # 128 bits of the HMAC: no collisions at national scale


def key_fingerprint(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """Each identifier as its keyed hash (empty stays empty)."""
    digest = hmac.new
    return pd.Series(
        ["" if v in (None, "", "None") else digest(key, str(v).encode(), hashlib.sha256).hexdigest()[:HASH_HEX]
         for v in values],
        index=values.index,
    )  # fmt: skip


def default_key_path(out: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "extract-keys" / f"{out.resolve().name}-{stamp}.key"


def _write_key(path: Path, key: bytes, out: Path) -> None:
    if path.resolve().is_relative_to(out.resolve()):
        raise ValueError("the key must be kept outside the extract")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key.hex() + "\n")


def _iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as datetime64, so to_csv writes them as ISO dates in C (an empty cell where missing)."""
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def extract_write(
    out: str | Path,
    *,
    site: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    key_path: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write the extract into `out` (made if needed); returns extract.json's content and where the key is."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cutoff = timezone.localdate()
    key = secrets.token_bytes(32)
    key_file = Path(key_path) if key_path else default_key_path(out)
    _write_key(key_file, key, out)
    episodes = episodes_from_database(site, date_from, date_to, progress=progress)
    outcomes = outcomes_from_database(episodes["episode_id"])
    people = episodes["person_id"].nunique()
    outcomes["episode_id"] = pseudonymise(outcomes["episode_id"], key)
    episodes["episode_id"] = pseudonymise(episodes["episode_id"], key)
    episodes["person_id"] = pseudonymise(episodes["person_id"], key)
    for column in ("birth_year", "service_model_version"):
        episodes[column] = episodes[column].astype("Int64")
    _iso(episodes)[list(EPISODE_NAMES)].to_csv(
        out / "episodes.csv", index=False, chunksize=100_000, date_format="%Y-%m-%d"
    )
    outcomes[list(OUTCOME_NAMES)].to_csv(out / "outcomes.csv", index=False)
    (out / "data-dictionary.md").write_text(dictionary_text(), encoding="utf-8")
    meta = {
        "format": "fitforwork-extract/1",
        "data_cutoff": cutoff.isoformat(),
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "scope": {
            "site": site,
            "referred_from": date_from.isoformat() if date_from else None,
            "referred_to": date_to.isoformat() if date_to else None,
        },
        "counts": {"episodes": len(episodes), "people": int(people), "outcome_rows": len(outcomes)},
        "key_fingerprint": key_fingerprint(key),
        "hash": "HMAC-SHA256, first 32 hex digits",
        "files": ["episodes.csv", "outcomes.csv", "data-dictionary.md", "extract.json"],
    }
    (out / "extract.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return {**meta, "key_file": str(key_file)}


def extract_size(site: str | None, date_from: date | None, date_to: date | None) -> int:
    return case_count(site, date_from, date_to)
