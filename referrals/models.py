"""Referrals from ward staff and their triage (the Referrals issue)."""
