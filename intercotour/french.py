"""The active language's punctuation rules, for the apps and the shared admin code alike."""

from django.utils.translation import get_language


def in_french():
    return (get_language() or "").startswith("fr")


NARROW_NO_BREAK_SPACE = "\u202f"


def colon():
    """A label's colon: "Lieu : …" in French, "Venue: …" else.

    The space before it is the narrow no-break space the French catalogue and
    ``events.typography.french_spacing`` use, so that one page never mixes two.
    """
    return f"{NARROW_NO_BREAK_SPACE}: " if in_french() else ": "
