"""Text as the public pages show it: French spacing of titles, plain-text prose as HTML."""

import re

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from intercotour.french import NARROW_NO_BREAK_SPACE, in_french

_SPACE_BEFORE_HIGH_PUNCTUATION = re.compile(r"[ \u00a0]+(?=[?!;:»])")
_SPACE_AFTER_OPENING_QUOTE = re.compile(r"(?<=«)[ \u00a0]+")
_BULLET = re.compile(r"^[-•]\s+")


def french_spacing(text):
    """In French, a narrow no-break space before ? ! ; : and », and after «.

    A title's "?" then never wraps alone onto a line of its own. Other languages, and
    punctuation written without a space before it (times, addresses), are left as they are.
    """
    if not in_french():
        return text
    text = _SPACE_BEFORE_HIGH_PUNCTUATION.sub(NARROW_NO_BREAK_SPACE, text)
    return _SPACE_AFTER_OPENING_QUOTE.sub(NARROW_NO_BREAK_SPACE, text)


def _blocks(text):
    """(kind, lines) groups of ``text``: "p" for a paragraph, "ul" for consecutive bullets."""
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip()):
        group_kind, group = None, []
        for line in (line.strip() for line in chunk.split("\n")):
            if not line:
                continue
            kind = "ul" if _BULLET.match(line) else "p"
            if kind != group_kind and group:
                yield group_kind, group
                group = []
            group_kind = kind
            group.append(_BULLET.sub("", line) if kind == "ul" else line)
        if group:
            yield group_kind, group


def prose_html(text):
    """Plain text as paragraphs and bullet lists; everything in it is escaped.

    Paragraphs are separated by a blank line; a line starting with "- " (or "• ") is a
    bullet, and consecutive bullets make one list.
    """
    parts = []
    for kind, lines in _blocks(text or ""):
        if kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            lines_html = mark_safe("<br>".join(conditional_escape(line) for line in lines))
            parts.append(format_html("<p>{}</p>", lines_html))
    return mark_safe("\n".join(parts))
