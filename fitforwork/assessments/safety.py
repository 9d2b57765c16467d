"""The hook for red flags: called by the recording services, in the same transaction, whenever a response is
stored with flags (PHQ-9 question 9 above 0 raises `self_harm`), whoever recorded it (staff, or the client
online with `actor` None).

For now it does nothing. The safety work (an urgent task for the case manager, the banner with the service's
safety protocol) fills `on_flags`; keep its signature, and keep it inside the caller's transaction so a flag
is never stored without its actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fitforwork.assessments.models import QuestionnaireResponse


def on_flags(response: QuestionnaireResponse, actor: Any) -> None:
    """Act on the flags of a response just stored (response.flags is the list of flag codes, never empty)."""
    return None
