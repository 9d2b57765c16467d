"""Return-to-work plans (versioned; an agreed version never changes) and fit notes (issue 15)."""
