"""Reading a FHIR request's body: JSON every database we run on can store, or the reason it is not.

What cannot be stored as JSON as it came (not JSON at all; NaN, Infinity or a number too big for a float,
which JSON does not allow; nesting deeper than any FHIR resource; a NUL character or a lone surrogate, which
PostgreSQL's jsonb refuses) is refused with a 400 naming the body, and kept as its bytes in base64, so the
submission still holds exactly what arrived and ends refused, never crashes the store (ADR 0011, Hardening).
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from typing import Any

# Deeper than any FHIR resource nests (a contained Patient's extension's value is about 8 levels).
DEEPEST = 64
PATH_LONGEST = 300  # how much of the path to a bad element an answer quotes
UNPARSED = "_unparsed"
UNPARSED_BASE64 = "_unparsed_base64"


@dataclass(frozen=True)
class Body:
    """The body as it will be stored, and, when it cannot be read as a resource, why (the 400's words)."""

    payload: Any
    problem: str = ""
    where: str = ""


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(f"The body holds {name}, which JSON does not allow")


def _readable_key(key: str) -> str:
    return key.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def _storable_text(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _problem(value: Any) -> tuple[str, str]:
    """The first thing in a parsed body that cannot be stored, and where (as a path), or ("", "")."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > DEEPEST:
            return f"The body is nested more than {DEEPEST} levels deep", path
        if isinstance(item, float) and not math.isfinite(item):
            return "The body holds a number too big to read", path
        if isinstance(item, str) and not _storable_text(item):
            return "The body holds a NUL character (\\u0000) or a lone surrogate, which text may not", path
        if isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{_readable_key(key)}" if path else _readable_key(key)
                if not _storable_text(key):
                    return "The body holds a NUL character (\\u0000) or a lone surrogate in a name", child_path
                stack.append((child, child_path, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(item))
    return "", ""


def _kept(raw: bytes) -> dict[str, str]:
    """What arrived, storable whatever it holds: the text when it is UTF-8 a database takes, else base64."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _storable_text(text):
        return {UNPARSED: text}
    return {UNPARSED_BASE64: base64.b64encode(raw).decode("ascii")}


def read_body(raw: bytes) -> Body:
    """The body parsed, checked that it is a JSON object every database stores as it is, or why not."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except _NotJson as error:
        return Body(_kept(raw), str(error))
    except RecursionError:
        return Body(_kept(raw), f"The body is nested more than {DEEPEST} levels deep")
    except ValueError:  # not UTF-8, not JSON, or an integer too long to read
        return Body(_kept(raw), "The body is not valid JSON")
    problem, where = _problem(value)
    if problem:
        root = value.get("resourceType") if isinstance(value, dict) else None
        if isinstance(root, str) and _storable_text(root) and where:
            where = f"{root}.{where}"
        return Body(_kept(raw), problem, where[:PATH_LONGEST])
    if not isinstance(value, dict):
        return Body(_kept(raw), "The body must be a JSON object: a FHIR resource")
    return Body(value)


def is_unreadable(payload: Any) -> bool:
    """Whether a stored payload is a body kept as it came because it could not be read (see `read_body`)."""
    return isinstance(payload, dict) and len(payload) == 1 and (UNPARSED in payload or UNPARSED_BASE64 in payload)
