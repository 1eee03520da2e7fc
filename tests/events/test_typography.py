"""French spacing of titles and plain-text prose, as the public pages render them."""

import gettext
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from events.typography import french_spacing, prose_html
from tests.factories import SessionFactory, StopFactory

NNBSP = "\u202f"


def render(source, **context):
    return Template("{% load typography %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("title", "spaced"),
    [
        ("Va-t-elle nous remplacer ?", f"Va-t-elle nous remplacer{NNBSP}?"),
        ("Aide à la décision : qui commande ?", f"Aide à la décision{NNBSP}: qui commande{NNBSP}?"),
        ("Les territoires s’engagent !", f"Les territoires s’engagent{NNBSP}!"),
        ("Un ; deux", f"Un{NNBSP}; deux"),
        ("« Bibliothèque d’IA »", f"«{NNBSP}Bibliothèque d’IA{NNBSP}»"),
        ("Déjà insécable\u00a0?", f"Déjà insécable{NNBSP}?"),
        ("Accueil 8:30, https://example.org", "Accueil 8:30, https://example.org"),
    ],
)  # fmt: skip
def test_french_titles_get_a_narrow_no_break_space_before_high_punctuation(title, spaced):
    with translation.override("fr"):
        assert french_spacing(title) == spaced


def test_english_pages_keep_titles_as_typed():
    with translation.override("en"):
        assert french_spacing("Will AI replace us ?") == "Will AI replace us ?"


def test_filter_escapes_what_it_spaces():
    with translation.override("fr"):
        html = render("{{ title|french_spacing }}", title="<b>Qui ?</b>")

    assert html == f"&lt;b&gt;Qui{NNBSP}?&lt;/b&gt;"


def test_prose_makes_paragraphs_and_one_list_of_consecutive_bullets():
    text = "Premier.\nSuite du premier.\n\nTrois axes :\n- un ;\n-  deux ;\n• trois.\n\nFin."

    assert prose_html(text) == (
        "<p>Premier.<br>Suite du premier.</p>\n<p>Trois axes :</p>\n"
        "<ul><li>un ;</li><li>deux ;</li><li>trois.</li></ul>\n<p>Fin.</p>"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "- <img src=x onerror=alert(1)>",
        '- "><a href="javascript:alert(1)">x</a>',
    ],
)
def test_prose_escapes_every_markup(hostile):
    html = prose_html(hostile)

    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "&lt;" in html


def test_prose_of_empty_text_is_empty():
    assert prose_html("") == ""
    assert prose_html("\r\n\r\n") == ""
    assert prose_html("- ") == "<p>-</p>"


@pytest.mark.django_db
def test_stop_page_titles_do_not_leave_a_question_mark_alone(client):
    stop = StopFactory(title="L’IA va-t-elle nous remplacer ?")
    SessionFactory(stop=stop, title="Qui commande ?")

    html = client.get(stop.get_absolute_url()).text

    assert f"<h1>L’IA va-t-elle nous remplacer{NNBSP}?</h1>" in html
    assert f">Qui commande{NNBSP}?</h3>" in html


def test_every_french_translation_keeps_its_punctuation_with_its_word():
    """The catalogue puts a narrow no-break space before : ; ! ? » and after «: with a plain
    space, a small screen may start a line with the « : » or the « ? »; with a wider
    no-break space, one page would show two spacings."""
    with open(settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    loose = {
        msgid: text
        for msgid, text in catalog.items()
        if msgid and re.search(r"[ \u00a0][:;!?»]|«[ \u00a0]", text)
    }

    assert loose == {}


def test_the_colon_tag_spaces_as_the_catalogue_does():
    with translation.override("fr"):
        french = render('{% load i18n %}{% translate "Venue" %}{% colon %}Corum')
        catalogue = translation.gettext("%(name)s: %(note)s") % {"name": "A", "note": "B"}
    with translation.override("en"):
        english = render('{% load i18n %}{% translate "Venue" %}{% colon %}Corum')

    assert french == f"Lieu{NNBSP}: Corum"
    assert catalogue == f"A{NNBSP}: B"
    assert english == "Venue: Corum"
