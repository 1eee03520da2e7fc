"""Helpers to read pages as a person does."""

import re
from html import unescape


def text_of(response):
    """The page's visible text: tags stripped, entities decoded, white space folded."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([,.])", r"\1", text).strip()
