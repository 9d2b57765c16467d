"""`case_page`: what every page of a case's assessment section does first. It offers break-glass to a reader
with no relationship to the case, gets the case through `access.case_for` (which scopes and audits the read,
naming the page), and, for a page that changes the case, refuses anyone who does not work it (care team
members and break-glass readers only read). The view is then called with the case in place of its id."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access
from fitforwork.cases.models import Case
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.web.break_glass_page import offers_break_glass

CaseView = Callable[..., HttpResponse]
NOT_YOURS = "Only the case's own team can record answers, change the assessment or close a red flag."


def case_page(audited_as: str, *, to_work: bool = False) -> Callable[[CaseView], CaseView]:
    """Decorate a view taking (request, case, ...) so it answers /cases/<case_id>/...; `audited_as` is the
    section the read is audited as; `to_work` refuses (403) anyone who cannot work the case."""

    def decorate(view: CaseView) -> CaseView:
        @offers_break_glass
        @functools.wraps(view)
        def wrapped(request: AuthenticatedHttpRequest, case_id: uuid.UUID, *args: Any, **kwargs: Any) -> HttpResponse:
            case: Case = access.case_for(request, case_id, section=audited_as)
            if to_work and not can_work_case(request.user, case):
                raise PermissionDenied(NOT_YOURS)
            return view(request, case, *args, **kwargs)

        return wrapped

    return decorate
