"""Volunteer profiles, vetting, training, availability and matching (the Volunteers issue)."""
