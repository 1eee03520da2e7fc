"""The active language's punctuation rules, for the apps and the shared admin code alike."""

from django.utils.translation import get_language


def in_french():
    return (get_language() or "").startswith("fr")


def colon():
    """A label's colon: "Lieu : …" in French (a no-break space before it), "Venue: …" else."""
    return "\u00a0: " if in_french() else ": "
