"""Speakers' documents: checked PDFs from their area, safe downloads; replays; the stop page."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from speakers import documents
from speakers.models import SessionDocument
from tests.factories import SessionFactory, SessionSpeakerFactory, SpeakerFactory, StopFactory
from tests.pages import french, text_of

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def pdf_bytes(change=None, pages=2):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind, **entries):
    result = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        result[NameObject(f"/{key}")] = TextStringObject(value)
    return result


def open_action(kind, **entries):
    def change(writer):
        writer._root_object[NameObject("/OpenAction")] = action(kind, **entries)

    return change


def javascript_in_names(writer):
    script = writer._add_object(action("/JavaScript", JS="app.alert(1)"))
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def javascript_in_a_link(writer):
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): action("/JavaScript", JS="app.alert(1)"),
        }
    )
    writer.pages[-1][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def upload(content, name="diapositives.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def downloaded(response):
    """A file response's body; reading it to the end closes the file, as a server does."""
    return b"".join(response.streaming_content)


def stored_files():
    folder = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def speaker(past_stop):
    """Léa Martin speaks in the opening plenary of the day that is over."""
    speaker = SpeakerFactory(first_name="Léa", last_name="Martin")
    SessionSpeakerFactory(
        session=past_stop.sessions.get(title="Plénière d’ouverture"), speaker=speaker
    )
    return speaker


@pytest.fixture
def plenary(past_stop):
    return past_stop.sessions.get(title="Plénière d’ouverture")


def documents_url(session):
    return reverse("speaker_portal:documents", args=[session.pk])


def post_document(client, session, content, **options):
    return client.post(
        documents_url(session),
        {"title": "Diapositives de la plénière", "file": upload(content, **options)},
    )


# --- Upload --------------------------------------------------------------------------------


def test_speaker_adds_a_pdf_stored_under_a_random_name(client, plenary, speaker):
    sign_in(client, speaker)
    before = set(stored_files())

    response = client.post(
        documents_url(plenary),
        {"title": "Diapositives de la plénière", "file": upload(pdf_bytes(pages=3))},
        follow=True,
    )

    document = SessionDocument.objects.get()
    assert (document.session, document.speaker, document.pages) == (plenary, speaker, 3)
    assert document.title == "Diapositives de la plénière"
    assert "diapositives" not in document.file.name
    assert document.file.name.startswith("documents/")
    assert document.file.name.endswith(".pdf")
    assert len(set(stored_files()) - before) == 1
    assert "Votre document est ajouté" in text_of(response)
    assert "Diapositives de la plénière (PDF, 3 pages," in text_of(response)
    assert LogEntry.objects.filter(object_id=str(document.pk)).exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"<!DOCTYPE html><script>alert(1)</script>",
            "diapositives.pdf",
            "Ce fichier n’est pas un PDF",
        ),
        (b"MZ\x90\x00\x03" + bytes(200), "diapositives.pdf", "Ce fichier n’est pas un PDF"),
        (b"PK\x03\x04" + bytes(200), "diapositives.pptx", "Ce fichier n’est pas un PDF"),
        (pdf_bytes()[:400], "diapositives.pdf", "Ce PDF est illisible"),
        (b"%PDF-1.7\n\x00\x01 pas un vrai PDF", "diapositives.pdf", "Ce PDF est illisible"),
        (
            pdf_bytes(lambda w: w.encrypt("secret")),
            "diapositives.pdf",
            "protégé par un mot de passe",
        ),
        (pdf_bytes(open_action("/JavaScript", JS="app.alert(1)")), "a.pdf", "contient des scripts"),
        (pdf_bytes(javascript_in_names), "a.pdf", "contient des scripts"),
        (pdf_bytes(javascript_in_a_link), "a.pdf", "contient des scripts"),
        (pdf_bytes(open_action("/Launch", F="calc.exe")), "a.pdf", "contient des scripts"),
        (
            pdf_bytes(lambda w: w.add_attachment("virus.exe", b"MZ")),
            "a.pdf",
            "contient des scripts",
        ),
    ],
    ids=[
        "html-named-pdf",
        "exe-named-pdf",
        "office-file",
        "truncated",
        "malformed",
        "encrypted",
        "javascript-open-action",
        "javascript-in-names",
        "javascript-in-a-link",
        "launch-action",
        "embedded-file",
    ],
)
def test_bad_files_are_refused_in_french_and_nothing_is_stored(
    client, plenary, speaker, content, name, message
):
    sign_in(client, speaker)
    before = stored_files()

    response = post_document(client, plenary, content, name=name)

    assert response.status_code == 400
    assert message in text_of(response)
    assert "Votre formulaire contient des erreurs" in text_of(response)
    assert not SessionDocument.objects.exists()
    assert stored_files() == before


def test_file_over_the_limit_is_refused(client, plenary, speaker, monkeypatch):
    monkeypatch.setattr(documents, "DOCUMENT_MAX_BYTES", 1000)
    sign_in(client, speaker)
    content = pdf_bytes(pages=30)
    assert len(content) > 1000

    response = post_document(client, plenary, content)

    assert response.status_code == 400
    assert "Ce fichier est trop lourd : 1000 octets au maximum." in text_of(response)
    assert not SessionDocument.objects.exists()


def test_the_limit_is_twenty_megabytes():
    assert documents.DOCUMENT_MAX_BYTES == 20 * 1024 * 1024
    big = SimpleUploadedFile("x.pdf", b"%PDF-1.7\n" + bytes(20 * 1024 * 1024))

    with pytest.raises(
        documents.DocumentRefused, match=french("trop lourd : 20,0\xa0Mio au maximum")
    ):
        documents.check_pdf(big)


def test_missing_title_or_file_is_refused(client, plenary, speaker):
    sign_in(client, speaker)

    response = client.post(documents_url(plenary), {"title": "", "file": upload(pdf_bytes())})

    assert response.status_code == 400
    assert "Ce champ est obligatoire." in text_of(response)
    assert not SessionDocument.objects.exists()


def test_only_the_session_speakers_may_add_documents(client, plenary, speaker, rapporteur):
    sign_in(client, rapporteur)  # reports on a workshop, not in the plenary

    response = post_document(client, plenary, pdf_bytes())

    assert response.status_code == 404
    assert not SessionDocument.objects.exists()


def test_speaker_removes_their_document_and_its_file(
    client, plenary, speaker, django_capture_on_commit_callbacks
):
    sign_in(client, speaker)
    post_document(client, plenary, pdf_bytes())
    document = SessionDocument.objects.get()
    path = Path(document.file.path)

    list_page = client.get(reverse("speaker_portal:documents", args=[plenary.pk]))
    asked = client.get(reverse("speaker_portal:document_remove", args=[document.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("speaker_portal:document_remove", args=[document.pk]),
            {"confirm": "yes"},
            follow=True,
        )

    assert f'href="{reverse("speaker_portal:document_remove", args=[document.pk])}"' in (
        list_page.text
    )
    day = formats.date_format(timezone.localtime(plenary.starts_at))
    assert (
        "Retirer « Diapositives de la plénière » de « Plénière d’ouverture » "
        f"({plenary.stop.city}, {day}) ? Il ne sera plus proposé au téléchargement"
    ) in text_of(asked)
    assert "Le document est retiré." in text_of(response)
    assert not SessionDocument.objects.exists()
    assert not path.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_removing_a_document_asks_first_and_changes_nothing_until_confirmed(
    client, plenary, speaker, method
):
    sign_in(client, speaker)
    post_document(client, plenary, pdf_bytes())
    document = SessionDocument.objects.get()

    response = getattr(client, method)(
        reverse("speaker_portal:document_remove", args=[document.pk])
    )

    assert response.status_code == 200
    assert "Oui, retirer ce document" in text_of(response)
    assert "Non, le garder" in text_of(response)
    assert SessionDocument.objects.get() == document
    assert Path(document.file.path).exists()


def test_another_speaker_cannot_remove_it(client, plenary, speaker):
    sign_in(client, speaker)
    post_document(client, plenary, pdf_bytes())
    colleague = SpeakerFactory()
    SessionSpeakerFactory(session=plenary, speaker=colleague)

    sign_in(client, colleague)
    url = reverse("speaker_portal:document_remove", args=[SessionDocument.objects.get().pk])
    asked = client.get(url)
    response = client.post(url, {"confirm": "yes"})

    assert (asked.status_code, response.status_code) == (404, 404)
    assert SessionDocument.objects.count() == 1


# --- Downloads and the stop page -----------------------------------------------------------


def test_documents_and_replay_show_under_the_session_after_the_day(client, plenary, speaker):
    sign_in(client, speaker)
    post_document(client, plenary, pdf_bytes(pages=1))
    plenary.replay_url = "https://video.example.org/pleniere"
    plenary.save()
    client.post("/espace-intervenant/deconnexion/")

    page = client.get(plenary.stop.get_absolute_url())
    document = SessionDocument.objects.get()

    session_text = text_of(page).split("Plénière d’ouverture", 1)[1].split("Atelier")[0]
    assert "Diapositives de la plénière (PDF, 1 page," in session_text
    assert "Voir le replay" in session_text
    assert f'href="{document.get_absolute_url()}"' in page.text
    assert 'href="https://video.example.org/pleniere"' in page.text


def test_a_document_given_or_withdrawn_shows_at_once_on_the_cached_stop_page(
    client, plenary, speaker, django_capture_on_commit_callbacks
):
    stop_url = plenary.stop.get_absolute_url()
    before = text_of(client.get(stop_url))  # the page is now cached
    sign_in(client, speaker)
    with django_capture_on_commit_callbacks(execute=True):
        post_document(client, plenary, pdf_bytes(pages=1))
    given = text_of(client.get(stop_url))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("speaker_portal:document_remove", args=[SessionDocument.objects.get().pk]),
            {"confirm": "yes"},
        )
    withdrawn = text_of(client.get(stop_url))

    assert "Diapositives de la plénière" not in before
    assert "Diapositives de la plénière (PDF, 1 page," in given
    assert "Diapositives de la plénière" not in withdrawn


def test_public_download_is_a_pdf_attachment_with_safe_headers(client, plenary, speaker):
    sign_in(client, speaker)
    content = pdf_bytes(pages=2)
    post_document(client, plenary, content)
    client.post("/espace-intervenant/deconnexion/")

    response = client.get(SessionDocument.objects.get().get_absolute_url())

    body = downloaded(response)
    assert body == content
    assert len(PdfReader(io.BytesIO(body)).pages) == 2
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="diapositives-de-la-pleniere.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_documents_stay_private_until_the_day_is_over(client):
    session = SessionFactory(stop=StopFactory(), title="Plénière à venir")  # in a month
    speaker = SpeakerFactory()
    SessionSpeakerFactory(session=session, speaker=speaker)
    sign_in(client, speaker)
    post_document(client, session, pdf_bytes())
    document = SessionDocument.objects.get()

    own = client.get(reverse("speaker_portal:document", args=[document.pk]))
    own_body = downloaded(own)
    client.post("/espace-intervenant/deconnexion/")
    public = client.get(document.get_absolute_url())
    page = text_of(client.get(session.stop.get_absolute_url()))

    assert own["Content-Type"] == "application/pdf"
    assert own_body.startswith(b"%PDF-")
    assert own["Content-Security-Policy"] == "sandbox"
    assert public.status_code == 404
    assert "Page introuvable" in text_of(public)
    assert "Diapositives de la plénière" not in page


def test_replay_link_must_be_https(admin_client, plenary):
    plenary.replay_url = "http://video.example.org/pleniere"

    with translation.override("fr"), pytest.raises(ValidationError) as refusal:
        plenary.full_clean()
    form = admin_client.get(reverse("admin:events_session_change", args=[plenary.pk]))

    assert refusal.value.message_dict["replay_url"] == [
        "Saisissez une adresse commençant par https://."
    ]
    assert "Lien du replay" in text_of(form)


def test_organisers_download_and_delete_documents_from_the_admin(
    client, admin_client, plenary, speaker, django_capture_on_commit_callbacks
):
    sign_in(client, speaker)
    post_document(client, plenary, pdf_bytes())
    document = SessionDocument.objects.get()
    path = Path(document.file.path)

    listing = admin_client.get(
        reverse("admin:speakers_sessiondocument_changelist")
        + f"?session__stop__id__exact={plenary.stop_id}"
    )
    download = admin_client.get(reverse("admin:speakers_sessiondocument_file", args=[document.pk]))
    body = downloaded(download)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:speakers_sessiondocument_delete", args=[document.pk]), {"post": "yes"}
        )

    assert "Diapositives de la plénière" in text_of(listing)
    assert body.startswith(b"%PDF-")
    assert download["Content-Security-Policy"] == "sandbox"
    assert not SessionDocument.objects.exists()
    assert not path.exists()


def test_documents_page_names_the_session_without_a_missing_elision(client, speaker):
    session = speaker.session_speakers.get().session
    session.title = "IA et aide à la décision"
    session.save()
    sign_in(client, speaker)

    page = text_of(client.get(documents_url(session)))

    assert "Documents pour « IA et aide à la décision »" in page
    assert "Documents de « IA" not in page
