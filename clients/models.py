"""Clients, their intake risk assessments and outcome measures (filled in by the Clients issue)."""
