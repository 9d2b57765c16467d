"""Assessment: validated questionnaires scored by one engine, red flags, the biopsychosocial assessment and
the pathway it leads to. It reads cases and is read by plans and outcomes (docs/architecture.md)."""
