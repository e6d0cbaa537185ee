"""The one exception every service raises when it refuses a change."""


class ActionRefused(Exception):
    """A service refused a change; its message is written for the person who tried."""
