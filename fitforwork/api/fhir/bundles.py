"""What a transaction Bundle holds, read before it is parsed: its entries' types, in order (for the
transaction-response), and the ServiceRequest entry's conditional-create query."""

from __future__ import annotations

from typing import Any


def entry_types(payload: Any) -> list[str]:
    """The resource type of each entry of a Bundle, in order ("" for one that is not a resource)."""
    entries = payload.get("entry") if isinstance(payload, dict) else None
    return [
        str(e["resource"].get("resourceType", ""))
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        else ""
        for e in (entries if isinstance(entries, list) else [])
    ]


def transaction_if_none_exist(payload: Any) -> str:
    """The ServiceRequest entry's conditional-create query (`request.ifNoneExist`), or ""."""
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        request = entry.get("request") if isinstance(entry, dict) else None
        if (
            isinstance(resource, dict)
            and isinstance(request, dict)
            and resource.get("resourceType") == "ServiceRequest"
        ):
            return str(request.get("ifNoneExist") or "")
    return ""
