"""Helpers to read pages as a person does."""

import re
from html import unescape


def text_of(response):
    """The page's visible text: tags stripped, entities decoded, white space folded."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([,.])", r"\1", text).strip()


def french(text):
    """``text`` as the French catalogue writes it: a narrow no-break space before : ; ! ? and
    », and after «, where ``text`` has a plain one (so that tests read as typed)."""
    text = re.sub(r"[ \u00a0]([:;!?»])", "\u202f\\1", text)
    return re.sub(r"«[ \u00a0]", "«\u202f", text)
