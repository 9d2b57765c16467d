"""The demo's known effects on outcomes, so the evaluation has real differences to find.

An engaged (assessed) client returns to or stays in work with a chance set by their service model, their
main condition and their baseline risk, and those who return do so sooner under the better models. After
discharge, staying in work at the follow-ups, returning later, and answering the follow-up at all vary the
same way. The numbers are invented for the demo: they are the "truth" an evaluation of the demo should
recover in direction (the model's order), not published estimates.
"""

from __future__ import annotations

# Service model: (odds multiplier of return, factor on time to discharge for those who return).
MODEL_EFFECT = {
    "fit-for-work-national": (1.0, 1.0),
    "fit-for-work-pilot-gp-led": (0.8, 1.1),
    "pilot-guidance-and-gateway": (0.7, 1.15),
    "pilot-guidance-plus": (0.85, 1.05),
    "pilot-fast-access": (1.2, 0.85),
    "workwell": (1.35, 0.8),
    "working-health-services-scotland": (1.6, 0.75),
    "health-and-work-support-pilot": (0.9, 1.0),
    "gp-practice-work-coaching": (1.15, 0.9),
}
CONDITION_ODDS = {"musculoskeletal": 1.3, "mental_health": 0.75, "both": 0.6, "other": 1.0}
RISK_ODDS = {"low": 1.8, "medium": 1.0, "high": 0.45, "": 1.0}
BASE_ODDS = 2.2  # about 69% return for the reference model, condition and risk
# Answering a follow-up at all (the rest are missed), by months after discharge.
RESPONSE_RATE = {3: 0.72, 6: 0.6}


def _model(key: str) -> tuple[float, float]:
    return MODEL_EFFECT.get(key, (1.0, 1.0))


def return_chance(key: str, condition: str, risk: str) -> tuple[float, float]:
    """The chance an engaged client returns to or stays in work, and the factor on how long it takes."""
    odds_factor, speed = _model(key)
    odds = BASE_ODDS * odds_factor * CONDITION_ODDS.get(condition, 1.0) * RISK_ODDS.get(risk, 1.0)
    return odds / (1 + odds), speed


def sustained_chance(key: str, risk: str) -> float:
    """The chance someone in work at discharge is still in work at a follow-up."""
    odds = 5.0 * _model(key)[0] * (RISK_ODDS.get(risk, 1.0) ** 0.5)
    return odds / (1 + odds)


def later_return_chance(key: str, condition: str) -> float:
    """The chance someone not in work at discharge is in work by a follow-up."""
    odds = 0.3 * _model(key)[0] * CONDITION_ODDS.get(condition, 1.0)
    return odds / (1 + odds)


def response_rate(key: str, months: int) -> float:
    """The share of follow-ups answered (the rest stay missing), a little higher where the model is stronger."""
    base = RESPONSE_RATE.get(months, 0.55)
    return min(0.95, base * (0.9 + 0.1 * _model(key)[0]))
