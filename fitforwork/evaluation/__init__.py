"""Evaluation: every measure of evaluation.md, survival and the case-mix-adjusted comparison of service models,
and pseudonymised extracts. It reads the other apps and nothing reads it (ADR evaluation-engine)."""
