"""Attendance certificates: the PDF, its verification code, and who gets none."""

import datetime
import io
import re
import zipfile
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from background.models import EmailDelivery
from events.models import Stop
from registrations import certificates, services
from registrations.models import CertificateArchive, Registration
from registrations.tokens import make_token, registration_from_token
from tests.factories import StopFactory, TourFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def move_to_the_past(stop, days=1):
    """The stop's day happened ``days`` days ago (registrations closed before it)."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    Stop.objects.filter(pk=stop.pk).update(
        date=day,
        registration_opens_at=timezone.now() - datetime.timedelta(days=days + 30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=days + 1),
    )
    stop.refresh_from_db()
    return stop


@pytest.fixture
def stop(db):
    tour = TourFactory(name="IntercoTOUR 2030-2031", organiser="Les Interconnectés")
    return StopFactory(
        tour=tour,
        city="Montpellier",
        title="Transformation des métiers et IA générative",
        start_time=datetime.time(9, 0),
        end_time=datetime.time(17, 30),
    )


@pytest.fixture
def attendee(stop):
    registration, _created = services.register(
        stop=stop,
        **registration_details(
            first_name="Camille",
            last_name="Durand",
            organisation="Métropole de Montpellier",
            job_title="Cheffe de projet numérique",
        ),
    )
    services.check_in(registration=registration)
    move_to_the_past(stop)
    registration.refresh_from_db()
    return registration


def certificate_url(registration):
    return f"/inscription/{make_token(registration)}/attestation.pdf"


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_certificate_pdf_names_the_person_the_day_its_title_hours_and_organiser(client, attendee):
    response = client.get(certificate_url(attendee))

    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    day = attendee.stop.date
    assert "ATTESTATION DE PRÉSENCE" in text
    assert "Camille Durand" in text
    assert "Cheffe de projet numérique, Métropole de Montpellier" in text
    assert "« Transformation des métiers et IA générative »" in text
    with translation.override("fr"):
        assert f"le {date_format(day, 'l j F Y')}, de 9h00 à 17h30, à Montpellier" in text
    assert "Les Interconnectés, organisateur de la tournée « IntercoTOUR 2030-2031 »" in text
    assert "Pour l’organisateur : Les Interconnectés Signature" in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_certificate_verification_code_leads_to_a_page_that_confirms_it(client, attendee):
    text = pdf_text(client.get(certificate_url(attendee)).content)
    address = re.search(r"(\S+/attestation/(\S+)/)", text)

    assert address.group(1).startswith("127.0.0.1:8000/attestation/")
    page = client.get(f"/attestation/{address.group(2)}/")

    shown = text_of(page)
    assert "Attestation de présence valide" in shown
    assert "Camille Durand a participé à la journée expert IntercoTOUR" in shown
    assert "Transformation des métiers et IA générative" in shown
    assert "Métropole de Montpellier" not in shown
    assert attendee.email not in page.text
    assert "no-store" in page["Cache-Control"]


def test_certificate_verification_code_is_short(attendee):
    assert len(certificates.verification_code(attendee)) < 24


@pytest.mark.parametrize(
    "tamper",
    [
        lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),
        lambda code: "2" + code[1:] if code[0] != "2" else "3" + code[1:],
        lambda code: code.split(".")[0],
        lambda code: "n'importe-quoi",
    ],
)
def test_tampered_verification_code_says_not_valid(client, attendee, tamper):
    response = client.get(f"/attestation/{tamper(certificates.verification_code(attendee))}/")

    assert response.status_code == 404
    assert "Cette attestation n’est pas valide" in text_of(response)
    assert "Camille" not in response.text


def test_verification_of_a_certificate_later_cancelled_says_not_valid(client, attendee):
    code = certificates.verification_code(attendee)
    Registration.objects.filter(pk=attendee.pk).update(status=Registration.Status.CANCELLED)

    response = client.get(f"/attestation/{code}/")

    assert response.status_code == 404
    assert "Cette attestation n’est pas valide" in text_of(response)


def assert_refused(response, message):
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.content
    page = text_of(response)
    assert "Pas d’attestation de présence" in page
    assert message in page


def test_certificate_refused_to_someone_not_checked_in(client, stop):
    registration, _created = services.register(stop=stop, **registration_details())
    move_to_the_past(stop)

    response = client.get(certificate_url(registration))

    assert_refused(
        response,
        "Aucune arrivée n’a été enregistrée à l’accueil pour cette inscription : les "
        "attestations de présence sont délivrées aux seules personnes présentes le jour même.",
    )


def test_certificate_refused_for_a_cancelled_registration(client, attendee):
    Registration.objects.filter(pk=attendee.pk).update(status=Registration.Status.CANCELLED)

    response = client.get(certificate_url(attendee))

    assert_refused(
        response,
        "Cette inscription est annulée : aucune attestation de présence ne peut être délivrée.",
    )


def test_certificate_refused_before_the_day_ends(client, stop):
    Stop.objects.filter(pk=stop.pk).update(
        date=timezone.localdate(), end_time=datetime.time(23, 59)
    )
    registration, _created = services.register(stop=stop, **registration_details())
    services.check_in(registration=registration)

    response = client.get(certificate_url(registration))

    assert_refused(
        response,
        "L’attestation de présence sera disponible une fois la journée terminée, à partir de "
        "23h59 le ",
    )


def test_certificate_with_a_tampered_link_is_not_served(client, attendee):
    token = make_token(attendee)

    response = client.get(f"/inscription/{token[:-3]}xyz/attestation.pdf")

    assert response.status_code == 404
    assert b"%PDF" not in response.content
    assert "Ce lien ne fonctionne pas" in text_of(response)


def test_management_link_opens_the_past_day_with_the_certificate_but_no_change(client, attendee):
    response = client.get(f"/inscription/{make_token(attendee)}/")

    page = text_of(response)
    assert "Télécharger mon attestation de présence" in page
    assert "Cette journée est terminée : l’inscription ne peut plus être modifiée." in page
    assert "Annuler mon inscription" not in page
    assert "Mettre à jour mes informations" not in page
    # Over: no ticket to show at the desk, no day to put in a calendar.
    assert "Votre billet" not in page
    assert "Télécharger mon billet" not in page
    assert "Télécharger mon agenda" not in page
    assert "Voir le programme" in page


def test_management_link_still_refuses_changes_after_the_day(client, attendee):
    response = client.post(
        f"/inscription/{make_token(attendee)}/coordonnees/",
        {"first_name": "Autre", "last_name": "Nom", "organisation": "X", "job_title": "Y",
         "category": "other"},
    )  # fmt: skip

    assert response.status_code == 410
    assert "Ce lien a expiré" in text_of(response)
    assert Registration.objects.get(pk=attendee.pk).first_name == "Camille"


def test_management_link_expires_a_year_after_the_day(client, attendee):
    move_to_the_past(attendee.stop, days=367)

    response = client.get(certificate_url(attendee))

    assert response.status_code == 410
    assert b"%PDF" not in response.content


# --- All the certificates of a stop, from the dashboard -----------------------------------


@pytest.fixture
def delegation_client(client, db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("delegation", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Délégation"))
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    return client


def zip_url(stop):
    return reverse("admin:events_stop_certificates", args=[stop.pk])


def checked_in_people(stop):
    """Zoé and Ada checked in, Bob never came, Eve checked in then cancelled; the day over."""
    people = []
    for first, last in [
        ("Zoé", "Martin"),
        ("Ada", "Lovelace"),
        ("Bob", "Absent"),
        ("Eve", "Annulée"),
    ]:
        registration, _created = services.register(
            stop=stop, **registration_details(first_name=first, last_name=last)
        )
        people.append(registration)
    for registration in people[:2] + people[3:]:
        services.check_in(registration=registration)
    services.cancel_registration(registration=people[3])
    move_to_the_past(stop)
    return people


def test_organisers_have_the_zip_prepared_by_a_task_then_download_it(
    delegation_client, stop, run_tasks
):
    checked_in_people(stop)
    before = delegation_client.get(zip_url(stop))

    asked = delegation_client.post(zip_url(stop), follow=True)
    archive = CertificateArchive.objects.get()

    assert 'value="Préparer le ZIP des attestations"' in before.text
    assert "2 personnes ont été enregistrées à l’accueil" in text_of(before)
    # The request only asks: no certificate is rendered in it.
    assert archive.status == "preparing"
    assert bytes(archive.content) == b""
    assert "L’archive est en préparation." in text_of(asked)
    assert "En préparation" in text_of(asked)
    assert '<meta http-equiv="refresh" content="5">' in asked.text
    run_tasks()  # the worker: the e-mails, and the archive
    page = delegation_client.get(zip_url(stop))
    archive.refresh_from_db()
    download = reverse("admin:events_stop_certificate_archive", args=[stop.pk, archive.pk])
    assert "Prête" in text_of(page)
    assert f'href="{download}"' in page.text
    assert 'http-equiv="refresh"' not in page.text
    response = delegation_client.get(download)
    assert response["Content-Disposition"] == f'attachment; filename="attestations-{stop.slug}.zip"'
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    zipped = zipfile.ZipFile(io.BytesIO(response.content))
    names = zipped.namelist()
    assert [name.rsplit("-", 1)[0] for name in names] == [
        f"attestation-{stop.date:%Y%m%d}-lovelace-ada",
        f"attestation-{stop.date:%Y%m%d}-martin-zoe",
    ]
    assert "Ada Lovelace" in pdf_text(zipped.read(names[0]))
    assert "Zoé Martin" in pdf_text(zipped.read(names[1]))
    assert archive.certificates == 2
    assert archive.requested_by == "delegation"


def test_asking_again_while_an_archive_is_prepared_prepares_one(delegation_client, stop):
    checked_in_people(stop)
    delegation_client.post(zip_url(stop))

    again = delegation_client.post(zip_url(stop), follow=True)

    assert CertificateArchive.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="build_certificate_archive").count() == 1
    assert "Une archive est déjà en préparation" in text_of(again)


def test_the_database_refuses_two_archives_prepared_for_one_stop(stop):
    CertificateArchive.objects.create(stop=stop)

    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateArchive.objects.create(stop=stop)


def test_building_twice_builds_once(stop, run_tasks):
    checked_in_people(stop)
    archive, _created = services.request_certificate_archive(stop=stop)
    run_tasks()
    built = CertificateArchive.objects.get().content

    assert services.build_certificate_archive.call(archive.pk) == 0
    assert CertificateArchive.objects.get().content == built


def test_a_failed_build_is_shown_and_can_be_asked_again(delegation_client, stop, run_tasks):
    checked_in_people(stop)
    delegation_client.post(zip_url(stop))
    with mock.patch.object(certificates, "render_pdf", side_effect=OSError("disk full")):
        run_tasks()

    page = delegation_client.get(zip_url(stop))
    delegation_client.post(zip_url(stop))

    assert "En échec" in text_of(page)
    assert "Télécharger le ZIP" not in text_of(page)
    assert list(CertificateArchive.objects.values_list("status", flat=True)) == [
        "preparing",
        "failed",
    ]


def test_an_archive_not_ready_or_of_another_stop_is_not_served(delegation_client, stop):
    checked_in_people(stop)
    preparing = CertificateArchive.objects.create(stop=stop)
    other = CertificateArchive.objects.create(stop=StopFactory(), status="ready", content=b"PK")

    for archive_stop, archive in [(stop, preparing), (stop, other)]:
        url = reverse("admin:events_stop_certificate_archive", args=[archive_stop.pk, archive.pk])
        assert delegation_client.get(url).status_code == 404


def test_stop_pages_link_to_the_certificates_zip(delegation_client, stop):
    dashboard = delegation_client.get(reverse("admin:events_stop_dashboard", args=[stop.pk]))
    change = delegation_client.get(reverse("admin:events_stop_change", args=[stop.pk]))

    assert f'href="{zip_url(stop)}"' in dashboard.text
    assert f'href="{zip_url(stop)}"' in change.text
    assert "Attestations de présence (ZIP)" in text_of(dashboard)


def test_certificates_zip_before_the_day_ends_is_refused_in_french(delegation_client, stop):
    registration, _created = services.register(stop=stop, **registration_details())
    services.check_in(registration=registration)
    message = (
        "Les attestations de présence sont délivrées une fois la journée terminée, après 17h30."
    )

    page = delegation_client.get(zip_url(stop))
    response = delegation_client.post(zip_url(stop), follow=True)

    assert message in text_of(page)
    assert "Préparer le ZIP" not in page.text
    assert message in text_of(response)
    assert not CertificateArchive.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="build_certificate_archive")


def test_certificates_zip_of_a_stop_without_check_in_says_so(delegation_client, stop):
    services.register(stop=stop, **registration_details())
    move_to_the_past(stop)

    page = delegation_client.get(zip_url(stop))
    response = delegation_client.post(zip_url(stop), follow=True)

    assert "Personne n’a été enregistré à l’accueil de cette étape" in text_of(page)
    assert "Préparer le ZIP" not in page.text
    assert "Personne n’a été enregistré à l’accueil de cette étape" in text_of(response)
    assert not CertificateArchive.objects.exists()


def test_certificates_zip_needs_the_permission_to_view_registrations(client, attendee):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    ready = CertificateArchive.objects.create(stop=attendee.stop, status="ready", content=b"PK")
    download = reverse("admin:events_stop_certificate_archive", args=[attendee.stop.pk, ready.pk])

    assert client.get(zip_url(attendee.stop)).status_code == 403
    assert client.post(zip_url(attendee.stop)).status_code == 403
    assert client.get(download).status_code == 403
    assert CertificateArchive.objects.count() == 1


def age(archive, **delta):
    CertificateArchive.objects.filter(pk=archive.pk).update(
        created_at=timezone.now() - datetime.timedelta(**delta)
    )


def test_archives_go_after_a_week_and_at_an_erasure(stop, attendee):
    old = CertificateArchive.objects.create(stop=stop, status="ready", content=b"PK")
    age(old, days=8)
    recent = CertificateArchive.objects.create(stop=stop, status="ready", content=b"PK")

    services.purge_old_registrations()
    kept = list(CertificateArchive.objects.all())
    services.erase_registration(registration=attendee)

    assert kept == [recent]
    assert not CertificateArchive.objects.exists()


def test_archives_go_when_a_registration_is_deleted(stop, attendee):
    CertificateArchive.objects.create(stop=stop, status="ready", content=b"PK")

    services.delete_registration(registration=attendee)

    assert not CertificateArchive.objects.exists()


def test_the_purge_of_a_day_takes_its_archives_whatever_their_age(stop, attendee):
    CertificateArchive.objects.create(stop=stop, status="ready", content=b"PK")  # made today
    after_retention = stop.date + datetime.timedelta(days=services.RETENTION_DAYS + 1)

    services.purge_old_registrations(today=after_retention)

    assert not CertificateArchive.objects.exists()


def test_an_archive_whose_worker_died_can_be_asked_again(delegation_client, stop):
    checked_in_people(stop)
    stalled = CertificateArchive.objects.create(stop=stop)
    age(stalled, minutes=31)

    page = delegation_client.get(zip_url(stop))
    delegation_client.post(zip_url(stop))

    assert "En échec" in text_of(page)
    assert "Préparer le ZIP des attestations" in page.text  # the button
    assert 'http-equiv="refresh"' not in page.text
    assert list(CertificateArchive.objects.values_list("status", flat=True)) == [
        "preparing",
        "failed",
    ]


def test_an_archive_prepared_a_moment_ago_is_not_asked_twice(delegation_client, stop):
    checked_in_people(stop)
    preparing = CertificateArchive.objects.create(stop=stop)
    age(preparing, minutes=29)

    page = delegation_client.get(zip_url(stop))
    delegation_client.post(zip_url(stop))

    assert "Préparer le ZIP des attestations" not in page.text
    assert CertificateArchive.objects.get().status == "preparing"


def test_a_worker_stopped_mid_build_leaves_the_archive_failed(stop):
    checked_in_people(stop)
    archive, _created = services.request_certificate_archive(stop=stop)

    with (
        mock.patch.object(certificates, "render_pdf", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        services.build_certificate_archive.call(archive.pk)

    assert CertificateArchive.objects.get().status == "failed"


# --- By e-mail, the day after -------------------------------------------------------------


def test_certificates_are_emailed_the_day_after_each_person_once(stop, attendee, deliver_emails):
    Registration.objects.create(  # confirmed, never checked in
        stop=stop, status="confirmed", mode="in_person", category="other",
        **{k: v for k, v in registration_details(first_name="Absent").items() if k in
           ("first_name", "last_name", "email", "organisation", "job_title")},
    )  # fmt: skip

    with deliver_emails():
        first = services.send_due_certificates()
    with deliver_emails():
        second = services.send_due_certificates()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [attendee.email]
    assert message.subject.startswith("[IntercoTOUR] Votre attestation de présence – Montpellier")
    assert "Bonjour Camille," in message.body
    assert "Votre attestation de présence est jointe à ce message (PDF)." in message.body
    token = re.search(r"/inscription/([^/\s]+)/", message.body).group(1)
    assert registration_from_token(token, to_read=True) == attendee
    assert f"/attestation/{certificates.verification_code(attendee)}/" in message.body
    ((name, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf"
    assert name.startswith("attestation-")
    assert "Camille Durand" in pdf_text(content)
    assert Registration.objects.get(pk=attendee.pk).certificate_sent_at is not None


def test_certificates_are_not_emailed_before_the_day_is_over_nor_for_old_days(stop, deliver_emails):
    today_stop = StopFactory(
        date=timezone.localdate(),
        registration_closes_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    old_stop = StopFactory()
    for each in (today_stop, old_stop):
        registration, _created = services.register(stop=each, **registration_details())
        services.check_in(registration=registration)
    move_to_the_past(old_stop, days=30)

    with deliver_emails():
        sent = services.send_due_certificates()

    assert sent == 0
    assert mail.outbox == []


def test_a_failed_certificate_email_stays_in_the_outbox_to_be_tried_again(
    attendee, settings, deliver_emails
):
    settings.EMAIL_BACKEND = "tests.registrations.test_views.BrokenMailServer"
    with deliver_emails():
        first = services.send_due_certificates()
    with deliver_emails():
        second = services.send_due_certificates()

    delivery = EmailDelivery.objects.get(kind="certificate")
    assert (first, second) == (1, 0)  # queued once; the outbox, not the daily run, retries
    assert (delivery.recipient, delivery.status, delivery.attempts) == (
        attendee.email,
        EmailDelivery.Status.QUEUED,
        1,
    )
    assert "SMTP server down" in delivery.last_error
    assert mail.outbox == []


def test_send_certificates_command_reports_the_count(attendee, deliver_emails):
    output = io.StringIO()

    with deliver_emails():
        call_command("send_certificates", stdout=output)

    assert output.getvalue() == "1 attestation de présence envoyée.\n"
    assert len(mail.outbox) == 1
