"""Support episodes, scheduled calls, contacts and concerns (the Support episodes issue)."""
