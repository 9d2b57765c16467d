"""Consents, employer actions and GP letters for the demo's cases (issues 15 and 16), after their plans (plans.py).

- **The referral's own consent** goes on the consent ledger where the channel carries one: the employer's written
  consent on an employer referral (`consent_record_referral` records the same in the live intake). Other
  referrals' consent is the referral's `consent_given`, as before.
- **Sharing a plan with the employer**: for about 45% of the cases with an agreed version and an employer in the
  directory, the client consented to share their newest agreed version with that employer (1 in 7 with the
  health obstacles left out); 1 in 10 of those consents were later withdrawn (a second ledger row).
- **Employer actions**: on about two thirds of the consents still standing the employer acknowledged the plan
  and said, for each recommendation it may see, whether it was implemented (yes, partly or no), and for some
  whether the plan is taken as evidence of sickness.
- **GP letters**: a "plan agreed" letter to the client's practice for versions agreed in the last 60 days only,
  stored `pending` with no PDF (the content the PDF is made from is the real letter's): a download makes it,
  as for any letter whose task has not run. Older letters, and the opening and discharge letters, are left
  out to keep the load small.
"""

from __future__ import annotations

import json
import random
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import Model

from fitforwork.cases.letters import plan_agreed_document
from fitforwork.cases.models import Letter
from fitforwork.consent.models import Consent
from fitforwork.demo.plans import VersionMade
from fitforwork.demo.values import at_text, day_text, id_maker
from fitforwork.employers.models import EmployerResponse, RecommendationAnswer
from fitforwork.organisations.models import Site

CONSENT_COLUMNS = (
    "id", "person_id", "purpose", "action", "recipient_id", "recipient_name", "plan_version_id", "removed_sections",
    "how", "given_on", "recorded_at", "recorded_by_id", "referral_id", "note",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "plan_version_id", "organisation_id", "acknowledged_at",
    "acknowledged_by_id", "accepted_as_evidence", "evidence_note",
)  # fmt: skip
ANSWER_COLUMNS = ("response_id", "recommendation_id", "implemented", "note", "recorded_at", "recorded_by_id")
LETTER_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "kind", "practice_id", "title", "content", "status", "pdf", "error",
    "attempts", "message_id", "not_sent_reason",
)  # fmt: skip
MODELS: list[type[Model]] = [Consent, EmployerResponse, RecommendationAnswer, Letter]

SHARE_WITH_EMPLOYER = 0.45
HEALTH_REMOVED = 1 / 7
WITHDRAWN_SHARE = 0.1
ACTIONED_SHARE = 0.65
LETTER_DAYS = 60
ANSWER_NOTES = {"yes": "", "partly": "Started, more to do next month.", "no": "Not possible in this role."}
WITHDRAWN_NOTE = "The client asked for it to stop being shared."
EVIDENCE = (None, None, True, True, False)
# Stand-ins in the letter's template for each client's details.
_GIVEN, _FAMILY, _REFERENCE, _NHS = "QQGIVENQQ", "QQFAMILYQQ", "QQREFQQ", "QQNHSQQQQQ"
_BORN = date(1111, 1, 1)

Row = tuple[Any, ...]


def _long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


class SharingMaker:
    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.random = rng.random
        self._uuid = id_maker(rng)
        self.today = today.toordinal()
        self.as_text = connection.vendor == "postgresql"
        self.empty: Any = "[]" if self.as_text else []
        self.health_removed: Any = '["health"]' if self.as_text else ["health"]
        self.templates = {str(site.pk): self._template(site.name, today) for site in Site.objects.all()}

    def _template(self, site_name: str, today: date) -> tuple[str, str]:
        """The plan-agreed letter for a stand-in client at this site: its title and content as JSON text."""
        person = SimpleNamespace(given_name=_GIVEN, family_name=_FAMILY, date_of_birth=_BORN, nhs_number=_NHS)
        case = SimpleNamespace(person=person, referral=SimpleNamespace(reference=_REFERENCE),
                               site=SimpleNamespace(name=site_name))  # fmt: skip
        document = plan_agreed_document(case, None, shared_with_consent=False)  # type: ignore[arg-type]
        text = json.dumps(document.as_data(), ensure_ascii=False, separators=(",", ":"))
        # The live letter says the day it was written; here, the day the version was agreed.
        text = text.replace(f'["Agreed on","{_long_date(today)}"]', '["Agreed on","QQAGREEDQQ"]')
        return document.title, text

    def referral_consents(self, referrals: list[Row], columns: dict[str, int]) -> list[Row]:
        """The employer's written consent that came with each employer referral."""
        source, person, written, received = (
            columns["source"], columns["person_id"], columns["written_consent_date"], columns["received_at"]
        )  # fmt: skip
        return [
            (
                self._uuid(),
                row[person],
                "referral",
                "given",
                None,
                "",
                None,
                self.empty,
                "written",
                row[written],
                row[received],
                None,
                row[0],
                "",
            )  # fmt: skip
            for row in referrals
            if row[source] == "employer"
        ]

    def rows(self, *, cases: list[Any], agreed: dict[str, VersionMade], people: dict[str, Row],
             case_info: dict[str, tuple[str, str]]) -> list[tuple[type[Model], Any, list[Row]]]:  # fmt: skip
        """Consents to share, employer answers and plan letters for a chunk's cases. `people` maps a person to
        (employer id, GP practice id, given name, family name, date of birth, NHS number); `case_info` a case to
        its person and its referral's reference."""
        consents: list[Row] = []
        responses: list[Row] = []
        answers: list[Row] = []
        letters: list[Row] = []
        for case in cases:
            case_id, site_id, manager = case[0], case[1], case[5]
            made = agreed.get(case_id)
            if made is None:
                continue
            person, reference = case_info[case_id]
            employer, practice, given, family, born, nhs = people[person]
            if employer is not None and self.random() < SHARE_WITH_EMPLOYER:
                self._share(consents, responses, answers, case_id, person, manager, employer, made)
            if practice is not None and made.agreed_on > self.today - LETTER_DAYS:
                title, text = self.templates[site_id]
                at = at_text(made.agreed_on, 255)
                nhs_text = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if len(nhs) == 10 else "Not known"
                content = (
                    text.replace(_GIVEN, given)
                    .replace(_FAMILY, family)
                    .replace(_REFERENCE, reference)
                    .replace(_NHS[:3] + " " + _NHS[3:6] + " " + _NHS[6:], nhs_text)
                    .replace(_long_date(_BORN), _long_date(date.fromisoformat(str(born))))
                    .replace("QQAGREEDQQ", _long_date(date.fromordinal(made.agreed_on)))
                )
                letters.append((
                    self._uuid(), at, at, case_id, "plan_agreed", practice,
                    title.replace(_GIVEN, given).replace(_FAMILY, family)[:200],
                    content if self.as_text else json.loads(content), "pending", None, "", 1, None, "",
                ))  # fmt: skip
        return [
            (Consent, CONSENT_COLUMNS, consents),
            (EmployerResponse, RESPONSE_COLUMNS, responses),
            (RecommendationAnswer, ANSWER_COLUMNS, answers),
            (Letter, LETTER_COLUMNS, letters),
        ]

    def _share(self, consents: list[Row], responses: list[Row], answers: list[Row], case_id: str, person: str,
               manager: str, employer: str, made: VersionMade) -> None:  # fmt: skip
        removed = self.random() < HEALTH_REMOVED
        day = made.agreed_on
        consents.append((
            self._uuid(), person, "share_plan", "given", employer, "", made.id,
            self.health_removed if removed else self.empty, "verbal", day_text(day), at_text(day, 260), manager,
            None, "",
        ))  # fmt: skip
        if self.random() < WITHDRAWN_SHARE:
            later = min(self.today, day + 10 + int(self.random() * 30))
            consents.append((
                self._uuid(), person, "share_plan", "withdrawn", employer, "", made.id,
                self.health_removed if removed else self.empty, "verbal", day_text(later), at_text(later, 300),
                manager, None, WITHDRAWN_NOTE,
            ))  # fmt: skip
            return
        if self.random() >= ACTIONED_SHARE:
            return
        acknowledged = min(self.today, day + 2 + int(self.random() * 5))
        at = at_text(acknowledged, 330)
        response_id = self._uuid()
        evidence = EVIDENCE[int(self.random() * len(EVIDENCE))]
        note = "Taken instead of a fit note for the plan's period." if evidence else ""
        responses.append((response_id, at, at, case_id, made.id, employer, at, None, evidence, note))
        for key, group in made.recommendations:
            if removed and group == "health":
                continue
            point = self.random()
            implemented = "yes" if point < 0.55 else "partly" if point < 0.85 else "no"
            answers.append((response_id, key, implemented, ANSWER_NOTES[implemented], at, None))


class PlanHook:
    """The case hook (cases.CaseChunk) for plans, fit notes, consents, employer actions and letters. `see` is
    handed each chunk's people and jobs before its cases are made."""

    def __init__(self, *, rng: random.Random, today: date) -> None:
        from fitforwork.demo.plans import MODELS as PLAN_MODELS
        from fitforwork.demo.plans import PlanMaker

        self.models: list[type[Model]] = [*PLAN_MODELS, *MODELS]
        self.plans = PlanMaker(rng=random.Random(rng.getrandbits(64)), today=today)
        self.sharing = SharingMaker(rng=random.Random(rng.getrandbits(64)), today=today)
        self.people: dict[str, Row] = {}

    def see(self, persons: list[Row], employments: list[Row]) -> None:
        employers = {row[3]: row[5] for row in employments}
        self.people = {row[0]: (employers.get(row[0]), row[20], row[4], row[5], row[7], row[3]) for row in persons}

    def __call__(self, chunk: Any) -> list[tuple[type[Model], Any, list[Row]]]:
        from fitforwork.cases.models import Case
        from fitforwork.demo.cases import REFERRAL_COLUMNS
        from fitforwork.referrals.models import Referral

        referral_columns = {name: n for n, name in enumerate(REFERRAL_COLUMNS)}
        references = {row[0]: row[3] for row in chunk.rows[Referral]}
        case_info = {row[0]: (row[5], references[row[4]]) for row in chunk.rows[Case]}
        plans = self.plans.rows(chunk.cases)
        sharing = self.sharing.rows(cases=chunk.cases, agreed=plans.agreed, people=self.people, case_info=case_info)
        consents = self.sharing.referral_consents(chunk.rows[Referral], referral_columns)
        sharing[0][2].extend(consents)
        return [*plans.batch(), *sharing]
