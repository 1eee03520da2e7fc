"""Hostile files and cells: image bombs and broken images, spreadsheet formulas in exports."""

import csv
import io
import struct
import zlib
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from events.models import Partner
from registrations import services
from registrations.exports import phone_cell, spreadsheet_safe
from speakers.models import Speaker
from tests.factories import SpeakerFactory, StopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


# --- Images ---------------------------------------------------------------------------------


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, idat):
    """A PNG (8-bit greyscale) with the given size and compressed data, checksums all right."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def bomb_png(side=13_000):
    """side × side black pixels: a few hundred kilobytes, gigabytes once decoded."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + one byte per pixel
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return png(side, side, data)


def jpeg(size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#3366aa").save(buffer, format="JPEG")
    return buffer.getvalue()


BOMB = bomb_png()
CASES = {
    "bomb-13000": (BOMB, "trop de pixels pour être lue sans risque"),
    "30-megapixels": (png(6000, 5000, b"x"), "trop grande : 6000 × 5000 pixels"),
    "bomb-over-pillow-limit": (png(20_000, 20_000, b"x"), "trop de pixels"),
    "truncated-jpeg": (jpeg()[:2000], "abîmée ou incomplète"),
    "png-garbage-data": (png(64, 64, b"not zlib data at all" * 20), "abîmée ou incomplète"),
    "png-short-data": (png(64, 64, zlib.compress(b"\x00" * 100)), "abîmée ou incomplète"),
    "not-an-image": (b"%PDF-1.4 hello", "n’est pas une image JPEG, PNG ou WebP"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "n’est pas une image JPEG, PNG ou WebP"),
}


def test_the_bomb_is_small_on_disk_and_huge_in_pixels():
    assert len(BOMB) < 2 * 1024 * 1024
    assert struct.unpack(">II", BOMB[16:24]) == (13_000, 13_000)  # IHDR width, height


@pytest.fixture
def speaker_client(client):
    speaker = SpeakerFactory()
    session = client.session
    session["speaker_id"] = speaker.pk
    session.save()
    return client, speaker


@pytest.mark.parametrize("case", ["bomb-13000", "30-megapixels", "bomb-over-pillow-limit"])
def test_image_bomb_refused_from_its_header_before_any_decoding(speaker_client, case):
    content, message = CASES[case]
    client, speaker = speaker_client
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    with (
        mock.patch.object(ImageFile.ImageFile, "load", autospec=True) as load,
        mock.patch.object(Image.Image, "load", autospec=True) as base_load,
    ):
        response = client.post(
            reverse("speaker_portal:profile"),
            {"job_title": "DSI", "organisation": "Ville", "bio": "", "photo": upload},
        )

    assert message in text_of(response)
    assert load.call_count == base_load.call_count == 0
    speaker.refresh_from_db()
    assert not speaker.photo
    assert speaker.job_title != "DSI"


@pytest.mark.parametrize(("content", "message"), CASES.values(), ids=CASES.keys())
def test_real_decoding_refuses_broken_images(speaker_client, content, message):
    """The same uploads without any mock: the decoder's own errors become the French message."""
    client, speaker = speaker_client
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    response = client.post(reverse("speaker_portal:profile"), {"bio": "", "photo": upload})
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Speaker.objects.get(pk=speaker.pk).photo


@pytest.mark.parametrize(("content", "message"), CASES.values(), ids=CASES.keys())
def test_partner_logo_refused_in_the_admin(client, content, message):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = client.post(
        reverse("admin:events_partner_add"),
        {"name": "Région", "kind": Partner.Kind.PARTNER, "url": "", "logo": upload},
    )
    assert response.status_code == 200  # the admin shows the form again
    assert message in text_of(response)
    assert not Partner.objects.exists()


def test_sound_photo_and_logo_still_accepted(speaker_client, client):
    speaker_client[0].post(
        reverse("speaker_portal:profile"),
        {
            "bio": "",
            "job_title": "Maire",
            "photo": SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg"),
        },
    )
    assert Speaker.objects.get(pk=speaker_client[1].pk).photo


# --- Spreadsheet cells ----------------------------------------------------------------------

NEUTRALISED = {
    '=HYPERLINK("http://evil.example";"clic")': '\'=HYPERLINK("http://evil.example";"clic")',
    "@SUM(1+1)": "'@SUM(1+1)",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "-SUM(1)": "'-SUM(1)",
    "-A1": "'-A1",
    "\tTab": "'\tTab",
    "\rRetour": "'\rRetour",
    "-Marie": "-Marie",
    "-Jean-Pierre": "-Jean-Pierre",
    "Marie-Ève": "Marie-Ève",
    "-": "-",
}


@pytest.mark.parametrize(("typed", "exported"), NEUTRALISED.items(), ids=list(NEUTRALISED))
def test_spreadsheet_safe(typed, exported):
    assert spreadsheet_safe(typed) == exported


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0033612345678", "00 33 61 23 45 67 8"),
        ("", ""),
    ],
)
def test_phone_keeps_its_leading_zero_as_text(typed, exported):
    assert phone_cell(typed) == exported


@pytest.mark.parametrize(("variant", "delimiter"), [(None, ";"), ("csv", ",")])
def test_both_exports_neutralise_formulas(admin_client, variant, delimiter):
    stop = StopFactory()
    payloads = [name for name in NEUTRALISED if not name.startswith(("\t", "\r"))]
    for index, name in enumerate(payloads):
        services.register(
            stop=stop,
            **registration_details(
                last_name=name, organisation="=1+1", phone="0612345678", email=f"p{index}@ex.org"
            ),
        )

    response = admin_client.get(
        reverse("admin:events_stop_export", args=[stop.pk]), {"format": variant} if variant else {}
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))[1:]
    assert sorted(row[0] for row in rows) == sorted(NEUTRALISED[name] for name in payloads)
    assert {row[3] for row in rows} == {"06 12 34 56 78"}
    assert {row[4] for row in rows} == {"'=1+1"}


@pytest.mark.parametrize("case", ["truncated-jpeg", "png-garbage-data", "png-short-data"])
def test_broken_images_are_refused_even_after_weasyprint_is_imported(case):
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process on import."""
    import weasyprint  # noqa: F401

    from intercotour.images import check_image

    content, message = CASES[case]

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(ValidationError) as refused:
        check_image(SimpleUploadedFile(f"{case}.img", content))
    assert message in str(refused.value.messages[0])
