"""The default directory of interventions: one of each kind, available to every site.

Providers and waits are typical of services in England in 2026; each site's administrator adds its own
local services (with the site set) and adjusts waits in the admin. `fitforwork interventions load` and the
demo load these, adding only those missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitforwork.interventions.models import InterventionKind


@dataclass(frozen=True)
class InterventionPreset:
    name: str
    kind: str
    provider: str
    typical_wait_days: int
    description: str


PRESETS: tuple[InterventionPreset, ...] = (
    InterventionPreset(
        "Musculoskeletal physiotherapy",
        InterventionKind.PHYSIOTHERAPY,
        "Community musculoskeletal service (NHS)",
        42,
        "Assessment and treatment for back, neck, joint and muscle problems, face to face or by video.",
    ),
    InterventionPreset(
        "NHS Talking Therapies",
        InterventionKind.TALKING_THERAPIES,
        "NHS Talking Therapies for anxiety and depression",
        28,
        "Guided self-help, cognitive behavioural therapy and counselling for anxiety, depression and stress.",
    ),
    InterventionPreset(
        "Occupational therapy for work",
        InterventionKind.OCCUPATIONAL_THERAPY,
        "Community occupational therapy (NHS)",
        35,
        "Help to manage daily activities and work tasks, including graded return and workplace adjustments.",
    ),
    InterventionPreset(
        "Exercise referral scheme",
        InterventionKind.EXERCISE_PROGRAMME,
        "Local leisure trust",
        14,
        "A 12-week supervised exercise programme at a local leisure centre.",
    ),
    InterventionPreset(
        "Debt advice",
        InterventionKind.DEBT_ADVICE,
        "Citizens Advice",
        7,
        "Free, confidential advice on debts, benefits and budgeting.",
    ),
    InterventionPreset(
        "Housing advice",
        InterventionKind.HOUSING_ADVICE,
        "Local council housing options team",
        7,
        "Advice for people at risk of losing their home or living in unsuitable housing.",
    ),
    InterventionPreset(
        "Careers guidance",
        InterventionKind.CAREERS_ADVICE,
        "National Careers Service",
        10,
        "Guidance on changing job or career, training and applying for work.",
    ),
    InterventionPreset(
        "Occupational health physician assessment",
        InterventionKind.OH_PHYSICIAN,
        "Occupational health service",
        21,
        "A specialist assessment of fitness for work and the adjustments that would help.",
    ),
)
