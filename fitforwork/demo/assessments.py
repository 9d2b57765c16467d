"""Questionnaire histories for the demo's assessed cases: responses, the assessment and the pathway decision.

Every case that reached assessment gets a baseline set of questionnaires for its main condition on the day it
was assessed, an Assessment (done, with consent) and a PathwayDecision: the proposal `pathway_propose` makes
from the baseline scores under the case's own rules, mostly confirmed, now and then overridden with a reason.
Cases that went on to a plan get one or two follow-ups of their main measures, a review period apart, whose
scores mostly improve.

Answers are made item by item, and every stored score is the real engine's (`scoring.score`): for speed, each
instrument has a pool of answer patterns made once per load from the seed and scored once, ordered from the
best to the worst score, and cases draw from it (a follow-up draws a pattern nearer the good end). About 3% of
PHQ-9s have question 9 above 0 and so carry the engine's self-harm flag, each with its RedFlag row and, as the
live path makes (`assessments.safety.on_flags`), its urgent task: kind red_flag, due the day it was raised, for
the case manager or, when the case has none, the site's team lead (`red_flag_rows`). A flag staff recorded, or
one on a case since discharged, is closed with what was done and its task completed; one the client gave online
on a case still open stays open, its task open, so the demo shows the banner and the urgent task.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Model

from fitforwork.assessments.definitions import InstrumentDefinition
from fitforwork.assessments.models import Assessment, PathwayDecision, QuestionnaireResponse, RedFlag
from fitforwork.assessments.pathways import pathway_propose
from fitforwork.assessments.registry import definition_get
from fitforwork.assessments.safety import red_flag_task_title
from fitforwork.assessments.scoring import ENGINE_VERSION, is_asked, score
from fitforwork.cases.models import Task
from fitforwork.demo.values import at_text, id_maker
from fitforwork.organisations.models import ServiceModelVersion
from fitforwork.organisations.selectors import rules_config

RESPONSE_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "instrument_code", "instrument_version", "engine_version",
    "answers", "score", "band", "band_label", "flags", "percentages", "profile", "not_scorable_reason",
    "items_imputed", "status", "mode", "recorded_by_id", "recorded_at", "completed_at",
)  # fmt: skip
_RECORDED_BY = RESPONSE_COLUMNS.index("recorded_by_id")
ASSESSMENT_COLUMNS = (
    "id", "created_at", "modified_at", "created_by_id", "case_id", "version", "status", "main_condition",
    "snomed_code", "health_obstacles", "health_obstacles_text", "work_obstacles", "work_obstacles_text",
    "other_obstacles", "other_obstacles_text", "fit_note_status", "goals", "consent_given", "consent_recorded_by_id",
    "consent_recorded_at", "assessed_by_id", "assessed_at",
)  # fmt: skip
DECISION_COLUMNS = (
    "case_id", "proposed_pathway", "reasons", "scores", "rules_id", "outcome", "chosen_pathway", "override_reason",
    "decided_by_id", "decided_at",
)  # fmt: skip
MODELS: list[type[Model]] = [QuestionnaireResponse, Assessment, PathwayDecision, RedFlag]

# The baseline set for each main condition (the referral's category), and the measures followed up.
BASELINE = {
    "musculoskeletal": ("ompsq10", "phq9", "wsas"),
    "mental_health": ("phq9", "gad7", "wsas"),
    "both": ("ompsq10", "phq9", "gad7", "wsas"),
    "other": ("phq9", "wsas", "who5"),
}
FOLLOW_UP = {
    "musculoskeletal": ("ompsq10",),
    "mental_health": ("phq9", "gad7"),
    "both": ("ompsq10", "phq9"),
    "other": ("wsas",),
}
INSTRUMENTS = ("phq9", "gad7", "ompsq10", "wsas", "who5")
PROPOSAL_INSTRUMENTS = ("ompsq10", "phq9", "gad7")  # the scores the pathway rules read
POOL_SIZE = 400  # answer patterns per instrument
RED_FLAG_SHARE = 0.03  # PHQ-9s with question 9 above 0
OVERRIDE_SHARE = 0.07
IMPROVE_SHARE = 0.8  # follow-ups that are better than the one before
ONLINE_SHARE = 0.15
OVERRIDE_REASONS = (
    "Back at work on reduced hours already; guidance is enough for now.",
    "Scores are low but the job is at risk; needs case management.",
    "Client prefers a lighter touch after talking it through.",
)
HEALTH = ("pain", "mobility", "fatigue", "low_mood", "anxiety", "sleep", "treatment")
WORK = ("physical_demands", "workload", "relationships", "no_adjustments", "fear_of_returning", "job_insecurity")
OTHER = ("social", "financial", "caring", "housing")
GOALS = (
    "Back to my usual job within two months.",
    "Get back to work on lighter duties first.",
    "Keep my job and manage the pain at work.",
    "Sleep better and feel able to face work again.",
)
FIT_NOTES = ("not_fit", "not_fit", "may_be_fit", "none", "expired")

Row = tuple[Any, ...]
Batch = list[tuple[type[Model], Sequence[str], list[Row]]]


@dataclass(frozen=True)
class Pattern:
    """One set of answers and what the engine made of it, in the forms the writer takes."""

    answers: Any
    score: Decimal
    score_value: Any
    band: str
    band_label: str
    flags: Any
    percentages: Any
    items_imputed: Any
    red_flag: bool


def _answer(rng: random.Random, item: Any, severity: float, worse_high: bool) -> int:
    low, high = (int(bound) for bound in item.bounds())
    point = min(1.0, max(0.0, severity + rng.gauss(0, 0.18)))
    if not worse_high:
        point = 1 - point
    if item.options:
        values = sorted(option.value for option in item.options)
        return int(values[min(len(values) - 1, int(point * len(values)))])
    return low + min(high - low, int(point * (high - low + 1)))


def answers_make(
    rng: random.Random, definition: InstrumentDefinition, severity: float, *, red_flag: bool = False
) -> dict[str, int]:
    """Answers item by item for a person this unwell (severity 0 to 1), as the form asks them."""
    better_lower = definition.change.better == "lower"
    answers: dict[str, int] = {}
    for item in definition.items:
        if not is_asked(item, {key: Decimal(value) for key, value in answers.items()}):
            continue
        value = _answer(rng, item, severity, worse_high=better_lower != item.reversed)
        if definition.code == "phq9" and item.id == "q9":
            value = 1 + int(rng.random() * 3 * max(0.4, severity)) if red_flag else 0
        answers[item.id] = value
    return answers


def _json(value: Any, as_text: bool) -> Any:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if as_text else value


def pattern_pool(
    rng: random.Random, definition: InstrumentDefinition, *, red_flag: bool, as_text: bool
) -> list[Pattern]:
    """POOL_SIZE answer patterns scored by the engine, from the best score to the worst."""
    pool = []
    for _ in range(POOL_SIZE):
        answers = answers_make(rng, definition, rng.betavariate(2.2, 2.0), red_flag=red_flag)
        result = score(definition, answers)
        assert result.score is not None  # noqa: S101 - every item is answered
        pool.append(
            Pattern(
                answers=_json(answers, as_text),
                score=result.score,
                score_value=str(result.score) if as_text else result.score,
                band=result.band,
                band_label=result.band_label,
                flags=_json(result.flag_codes, as_text),
                percentages=_json({k: None if v is None else str(v) for k, v in result.percentages.items()}, as_text),
                items_imputed=_json(list(result.items_imputed), as_text),
                red_flag=bool(result.flag_codes),
            )
        )
    worse = 1 if definition.change.better == "lower" else -1
    return sorted(pool, key=lambda pattern: worse * pattern.score)


RED_FLAG_COLUMNS = (
    "case_id", "response_id", "code", "label", "raised_at", "raised_by_id", "closed_at", "closed_by_id",
    "action_taken", "task_id",
)  # fmt: skip
RED_FLAG_LABEL = "Thoughts of being better off dead or of self-harm (PHQ-9 question 9): follow the safety protocol now"
RED_FLAG_ACTION = (
    "Phoned the same day and followed the site's safety protocol: agreed a safety plan, told the GP with "
    "consent, and gave the numbers for NHS 111, 999 and Samaritans."
)


RED_FLAG_TASK_TITLE = red_flag_task_title("PHQ-9")
TASK_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "kind", "title", "due_on", "assigned_to_id", "automatic",
    "completed_at", "completed_by_id", "cancelled_at",
)  # fmt: skip
# What red_flag_rows is given for each flagged PHQ-9: response id, case id, completed at, who recorded it (None
# when the client answered online), the case manager (or None), the site's team lead, and whether the case is open.
Flagged = tuple[str, str, str, str | None, str | None, str | None, bool]


def red_flag_rows(flagged: list[Flagged], new_id: Callable[[], str]) -> Batch:
    """The RedFlag rows for the flagged PHQ-9s and their urgent tasks (made with keys from `new_id`). A flag
    staff recorded is closed by them with what was done, as is one on a case since discharged (by its case
    manager); either way its task is completed when the flag is closed. One the client gave online on an open
    case stays open, and so does its task, due the day it was raised for the case manager or the team lead."""
    flags: list[Row] = []
    tasks: list[Row] = []
    for response_id, case_id, at, recorded_by, manager, lead, case_open in flagged:
        owner = manager or lead
        closer = recorded_by or (None if case_open else owner)
        closed = at if closer is not None else None
        task_id = new_id()
        tasks.append((
            task_id, at, at, case_id, Task.Kind.RED_FLAG.value, RED_FLAG_TASK_TITLE, at[:10], owner, True, closed,
            closer, None,
        ))  # fmt: skip
        flags.append((
            case_id, response_id, "self_harm", RED_FLAG_LABEL, at, recorded_by, closed, closer,
            RED_FLAG_ACTION if closer is not None else "", task_id,
        ))  # fmt: skip
    if not flags:
        return []
    return [(Task, TASK_COLUMNS, tasks), (RedFlag, RED_FLAG_COLUMNS, flags)]


class AssessmentHistories:
    """The rows for a chunk's assessed cases, from one seeded generator."""

    def __init__(
        self, *, rng: random.Random, today: Any, review_weeks: dict[str, int], team_leads: dict[str, str] | None = None
    ) -> None:
        self.rng = rng
        self.team_leads = team_leads or {}
        self.random = rng.random
        self._uuid = id_maker(rng)
        self.today = today.toordinal()
        self.review_weeks = review_weeks
        as_text = connection.vendor == "postgresql"
        self.as_text = as_text
        self.definitions = {code: definition_get(code) for code in INSTRUMENTS}
        self.pools = {
            (code, False): pattern_pool(rng, definition, red_flag=False, as_text=as_text)
            for code, definition in self.definitions.items()
        }
        self.pools["phq9", True] = pattern_pool(rng, self.definitions["phq9"], red_flag=True, as_text=as_text)
        self.empty: Any = "[]" if as_text else []
        self.obstacles = {
            group: [_json(sorted(rng.sample(names, k)), as_text) for k in (1, 2, 2, 3) for _ in range(4)]
            for group, names in (("health", HEALTH), ("work", WORK), ("other", OTHER))
        }
        self._configs: dict[str, Any] = {}

    def _pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def _config(self, rules_id: str) -> Any:
        if rules_id not in self._configs:
            self._configs[rules_id] = rules_config(ServiceModelVersion.objects.get(pk=rules_id))
        return self._configs[rules_id]

    @lru_cache(maxsize=50_000)  # noqa: B019 - one per load, and the proposal for the same scores repeats
    def _proposal(self, rules_id: str, scores: tuple[tuple[str, Decimal], ...]) -> tuple[Any, Any, Any, Any]:
        proposal = pathway_propose(self._config(rules_id), dict(scores))
        stored = {code: str(value) for code, value in scores}
        others = [p.code for p in self._config(rules_id).pathway_allocation.pathways if p.code != proposal.pathway]
        return proposal.pathway, _json(list(proposal.reasons), self.as_text), _json(stored, self.as_text), others

    def _response(self, rows: list[Row], case_id: str, code: str, index: int, at: str, manager: str) -> Pattern:
        red = code == "phq9" and self.random() < RED_FLAG_SHARE
        pool = self.pools[code, red]
        pattern = pool[max(0, min(len(pool) - 1, index))]
        online = self.random() < ONLINE_SHARE
        rows.append((
            self._uuid(), at, at, case_id, code, self.definitions[code].version, ENGINE_VERSION, pattern.answers,
            pattern.score_value, pattern.band, pattern.band_label, pattern.flags, pattern.percentages, "", "",
            pattern.items_imputed, "completed", "client_online" if online else "phone", None if online else manager,
            at, at,
        ))  # fmt: skip
        return pattern

    def case_rows(self, out: dict[type[Model], list[Row]], flagged: list[Flagged],
                  case: tuple[Any, ...]) -> None:  # fmt: skip
        """Rows for one case from the chunk: (id, site, status, opened at, assessed on, manager, rules id,
        condition, stage reached, last day open)."""
        case_id, site_id, status, _, assessed_on, manager, rules_id, condition, reached, last_day = case
        if assessed_on is None:
            return
        owners = (manager, self.team_leads.get(site_id), status != "discharged")
        day = assessed_on.toordinal()
        at = at_text(day, 90)
        responses = out[QuestionnaireResponse]
        position = self.rng.betavariate(2.0, 2.0)  # where this client sits, best to worst, on every measure
        scores: dict[str, Decimal] = {}
        for code in BASELINE.get(condition, BASELINE["other"]):
            index = int((position + self.rng.gauss(0, 0.08)) * POOL_SIZE)
            pattern = self._response(responses, case_id, code, index, at, manager)
            if code in PROPOSAL_INSTRUMENTS:
                scores[code] = pattern.score
            if pattern.red_flag:
                flagged.append((responses[-1][0], case_id, at, responses[-1][_RECORDED_BY], *owners))
        self._assessment(out, case_id, condition, manager, at)
        self._decision(out, case_id, rules_id, scores, manager, at_text(day, 150))
        if reached < 3:
            return
        period = 7 * self.review_weeks.get(site_id, 4)
        for step in range(1 if reached == 3 else 1 + (self.random() < 0.6)):
            day += period + int(self.random() * 7)
            if day > min(self.today, last_day):
                return
            at = at_text(day, 100 + step)
            improved = self.random() < IMPROVE_SHARE
            position = max(
                0.0, position - (0.1 + 0.25 * self.random()) if improved else position + 0.08 * self.random()
            )
            for code in FOLLOW_UP.get(condition, FOLLOW_UP["other"]):
                pattern = self._response(responses, case_id, code, int(position * POOL_SIZE), at, manager)
                if pattern.red_flag:
                    flagged.append((responses[-1][0], case_id, at, responses[-1][_RECORDED_BY], *owners))

    def _assessment(self, out: dict[type[Model], list[Row]], case_id: str, condition: str, manager: str,
                    at: str) -> None:  # fmt: skip
        main = condition if condition in ("musculoskeletal", "mental_health") else "other"
        if condition == "both":
            main = "musculoskeletal" if self.random() < 0.5 else "mental_health"
        other = self._pick(self.obstacles["other"]) if self.random() < 0.4 else self.empty
        out[Assessment].append((
            self._uuid(), at, at, manager, case_id, 1, "done", main, "", self._pick(self.obstacles["health"]), "",
            self._pick(self.obstacles["work"]), "", other, "", self._pick(FIT_NOTES), self._pick(GOALS), True,
            manager, at, manager, at,
        ))  # fmt: skip

    def _decision(self, out: dict[type[Model], list[Row]], case_id: str, rules_id: str, scores: dict[str, Decimal],
                  manager: str, at: str) -> None:  # fmt: skip
        proposed, reasons, stored, others = self._proposal(rules_id, tuple(sorted(scores.items())))
        chosen, outcome, reason = proposed, "confirmed", ""
        if others and self.random() < OVERRIDE_SHARE:
            chosen, outcome, reason = self._pick(others), "overridden", self._pick(OVERRIDE_REASONS)
        out[PathwayDecision].append(
            (case_id, proposed, reasons, stored, rules_id, outcome, chosen, reason, manager, at)
        )


def assessment_hook(*, rng: random.Random, today: Any, review_weeks: dict[str, int],
                    team_leads: dict[str, str] | None = None) -> tuple[
    list[type[Model]], Callable[[Any], Batch]
]:  # fmt: skip
    """The tables this fills and the hook that, handed a CaseChunk, returns their rows. `team_leads` is a team
    lead of each site, who gets a red flag's task on a case with no case manager."""
    histories = AssessmentHistories(rng=rng, today=today, review_weeks=review_weeks, team_leads=team_leads)
    task_id = id_maker(random.Random(rng.getrandbits(64)))

    def hook(chunk: Any) -> Batch:
        out: dict[type[Model], list[Row]] = {model: [] for model in MODELS}
        flagged: list[Flagged] = []
        for case in chunk.cases:
            histories.case_rows(out, flagged, case)
        return [
            (QuestionnaireResponse, RESPONSE_COLUMNS, out[QuestionnaireResponse]),
            (Assessment, ASSESSMENT_COLUMNS, out[Assessment]),
            (PathwayDecision, DECISION_COLUMNS, out[PathwayDecision]),
            *red_flag_rows(flagged, task_id),
        ]

    return list(MODELS), hook
