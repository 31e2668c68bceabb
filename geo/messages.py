"""A marker for strings that belong in the message catalog.

Lower layers keep English message ids; ``borderline.i18n`` translates them at display. ``N_`` only marks
a string for extraction (``pybabel extract -k N_``) and returns it unchanged.
"""


def N_(message: str) -> str:
    """Return ``message`` unchanged; marks it for the message catalog."""
    return message
