"""Every e-mail is a task: queued in the transaction, retried, sent once, visible."""

import datetime
import signal
import socket

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import outbox
from background.models import EmailDelivery
from registrations import services
from tests.factories import registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db
HANGING = "tests.background.mail_servers.HangingMailServer"
REFUSING = "tests.background.mail_servers.RefusingMailServer"


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(**overrides))[0]


def make_retries_due():
    """Time passes: the deferred attempts are due."""
    DBTaskResult.objects.ready().update(run_after=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_a_registration_whose_transaction_rolls_back_enqueues_nothing(stop):
    class Abort(Exception):
        pass

    seen = []

    def register_then_fail():
        with transaction.atomic():
            register(stop, email="ada@example.org")
            seen.append(DBTaskResult.objects.count())  # written in the transaction...
            raise Abort

    with pytest.raises(Abort):
        register_then_fail()

    assert seen == [1]
    assert DBTaskResult.objects.count() == 0  # ...and gone with it
    assert EmailDelivery.objects.count() == 0


def test_the_database_queue_and_the_worker_send_the_confirmation_end_to_end(stop, run_tasks):
    registration = register(stop, email="ada@example.org")
    task_row = DBTaskResult.objects.get()
    assert task_row.task_path == "background.outbox.deliver"
    assert mail.outbox == []

    assert run_tasks() == 1

    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "/inscription/" in mail.outbox[0].body
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.stop) == ("sent", 1, stop)
    assert delivery.subject.startswith("[IntercoTOUR] Inscription confirmée")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert registration.email == delivery.recipient


@pytest.mark.parametrize("server", [HANGING, REFUSING])
def test_an_email_task_fails_then_succeeds_on_retry(stop, run_tasks, settings, server):
    settings.EMAIL_BACKEND = server
    register(stop, email="ada@example.org")

    run_tasks()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.last_error.startswith(("TimeoutError", "ConnectionRefusedError"))
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=50)  # back-off

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # server is back
    run_tasks()
    assert mail.outbox == []  # not due yet
    make_retries_due()
    run_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_an_email_fails_for_good_after_the_last_attempt(stop, run_tasks, settings):
    settings.EMAIL_BACKEND = REFUSING
    settings.EMAIL_MAX_ATTEMPTS = 3
    register(stop, email="ada@example.org")

    for _ in range(4):
        run_tasks()
        make_retries_due()

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("UnknownUserMailServer", ("failed", 1, 0)),
        ("GreylistingMailServer", ("queued", 1, 1)),
        ("RelayDeniedMailServer", ("queued", 1, 1)),  # our settings: retried until fixed
        ("WrongPasswordMailServer", ("queued", 1, 1)),
    ],
)
def test_a_refusal_for_good_is_not_retried_a_refusal_for_now_is(
    stop, run_tasks, settings, server, expected
):
    settings.EMAIL_BACKEND = f"tests.background.mail_servers.{server}"
    register(stop, email="nobody@example.org")

    run_tasks()

    delivery = EmailDelivery.objects.get()
    retries = DBTaskResult.objects.filter(status="READY").count()
    assert (delivery.status, delivery.attempts, retries) == expected
    assert delivery.last_error.startswith(("SMTPRecipientsRefused", "SMTPAuthenticationError"))


def test_an_email_about_the_day_held_up_until_it_was_over_is_not_sent(stop, run_tasks):
    register(stop, email="ada@example.org")
    # A mail outage outlasted the day: the confirmation is still waiting.
    stop.date = timezone.localdate() - datetime.timedelta(days=1)
    stop.registration_opens_at = timezone.now() - datetime.timedelta(days=30)
    stop.registration_closes_at = timezone.now() - datetime.timedelta(days=2)
    stop.save()

    run_tasks()

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("skipped", "The day is over.")
    assert mail.outbox == []


def test_a_task_run_twice_sends_once(stop, run_tasks):
    register(stop, email="ada@example.org")
    delivery = EmailDelivery.objects.get()
    outbox.deliver.enqueue(delivery.pk)  # the same task twice (e.g. a re-delivered row)

    run_tasks()

    assert len(mail.outbox) == 1


def test_a_worker_killed_mid_send_loses_nothing(stop, run_tasks):
    register(stop, email="ada@example.org")
    delivery = EmailDelivery.objects.get()
    # A worker claimed it, then died: its task row stays RUNNING, nothing was recorded.
    DBTaskResult.objects.update(status="RUNNING")
    EmailDelivery.objects.update(attempts=1, claimed_until=timezone.now() - datetime.timedelta(1))

    assert outbox.requeue_stalled.call() == 1
    run_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1
    assert outbox.requeue_stalled.call() == 0


def test_an_email_whose_sends_keep_killing_their_worker_ends_as_failed(stop, run_tasks, settings):
    register(stop, email="ada@example.org")
    # Its last attempt began and never ended (the worker died rendering it): the claim ran out.
    EmailDelivery.objects.update(
        attempts=settings.EMAIL_MAX_ATTEMPTS,
        claimed_until=timezone.now() - datetime.timedelta(minutes=1),
    )
    DBTaskResult.objects.update(status="SUCCESSFUL")

    assert outbox.requeue_stalled.call() == 1
    run_tasks()

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", settings.EMAIL_MAX_ATTEMPTS)
    assert delivery.last_error == "The worker stopped while sending it."
    assert mail.outbox == []
    assert outbox.requeue_stalled.call() == 0  # not taken up again


def test_an_email_being_sent_is_not_sent_again_by_another_worker(stop):
    register(stop, email="ada@example.org")
    delivery = EmailDelivery.objects.get()
    EmailDelivery.objects.update(claimed_until=timezone.now() + datetime.timedelta(minutes=1))

    assert outbox.deliver.call(delivery.pk) == "nothing to do"
    assert mail.outbox == []


def test_the_dashboard_shows_sent_waiting_failed_and_resends(
    admin_client, stop, run_tasks, settings
):
    register(stop, email="ok@example.org")
    run_tasks()
    settings.EMAIL_BACKEND = REFUSING
    settings.EMAIL_MAX_ATTEMPTS = 1
    register(stop, email="refused@example.org")
    run_tasks()
    register(stop, email="waiting@example.org")
    dashboard = reverse("admin:events_stop_dashboard", args=[stop.pk])

    page = " ".join(text_of(admin_client.get(dashboard)).split())

    assert "Envoyés 1 En attente d’envoi 1 En échec 1" in page
    assert "refused@example.org" in page
    assert "ConnectionRefusedError" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    failed = EmailDelivery.objects.get(recipient="refused@example.org")
    response = admin_client.post(
        reverse("admin:events_stop_resend_email", args=[stop.pk]), {"delivery": failed.pk}
    )
    run_tasks()

    assert response.url == dashboard
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert "refused@example.org" in [m.to[0] for m in mail.outbox]
    entry = LogEntry.objects.get(object_id=str(failed.pk))
    assert entry.change_message == "E-mail remis en file pour être renvoyé."


def test_resending_needs_the_permission_and_an_email_of_this_stop(
    client, admin_client, stop, django_user_model
):
    register(stop, email="ada@example.org")
    delivery = EmailDelivery.objects.get()
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    url = reverse("admin:events_stop_resend_email", args=[stop.pk])

    assert client.post(url, {"delivery": delivery.pk}).status_code == 403
    other = reverse("admin:events_stop_resend_email", args=[stop.pk + 1000])
    assert admin_client.post(other, {"delivery": delivery.pk}).status_code == 404
    for tampered in ("x", "²", "-1", ""):
        assert admin_client.post(url, {"delivery": tampered}).status_code == 404
    assert admin_client.get(url).status_code == 405
    assert not LogEntry.objects.exists()


def test_the_outbox_admin_lists_emails_and_sends_again(admin_client, stop, run_tasks):
    register(stop, email="ada@example.org")
    delivery = EmailDelivery.objects.get()
    url = reverse("admin:background_emaildelivery_changelist")

    listing = text_of(admin_client.get(url))
    admin_client.post(url, {"action": "resend", "_selected_action": [delivery.pk]})

    assert "ada@example.org" in listing
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    run_tasks()
    assert len(mail.outbox) == 1  # two tasks, one e-mail: it was sent once, then "again"...


def test_outbox_names_each_kind_and_status_in_the_organisers_words(admin_client, stop, run_tasks):
    services.register(stop=stop, **registration_details(email="ada@example.org"))
    run_tasks()
    delivery = EmailDelivery.objects.get()
    admin_client.cookies["django_language"] = "fr"

    listing = text_of(admin_client.get(reverse("admin:background_emaildelivery_changelist")))
    filtered = admin_client.get(
        reverse("admin:background_emaildelivery_changelist"), {"kind": "received"}
    )
    detail = admin_client.get(reverse("admin:background_emaildelivery_change", args=[delivery.pk]))

    row = listing.split("ada@example.org", 1)[1]
    assert row.split()[:3] == ["Confirmation", "d’inscription", "[IntercoTOUR]"]
    assert "Envoyé " in row
    assert "Envoyés" not in row
    assert "Lien de connexion à l’espace intervenant" in listing  # a kind in the filter
    assert "ada@example.org" in text_of(filtered)
    assert "L’e-mail" in text_of(detail)
    assert "Type : Confirmation d’inscription" in text_of(detail)
    for workings in ("registrations.emails.render", "received:", "Paramètres", "Lot"):
        assert workings not in text_of(detail)  # the outbox's own workings, not shown
    assert "Modification de e-mail" not in text_of(detail)
    assert 'name="_save"' not in detail.content.decode()  # read, never edited


def test_organisers_still_send_an_email_again_from_the_list(admin_client, stop, run_tasks):
    services.register(stop=stop, **registration_details(email="ada@example.org"))
    run_tasks()
    delivery = EmailDelivery.objects.get()

    admin_client.post(
        reverse("admin:background_emaildelivery_changelist"),
        {"action": "resend", "_selected_action": [delivery.pk]},
    )

    assert EmailDelivery.objects.get(pk=delivery.pk).status == "queued"


@pytest.fixture
def silent_mail_server():
    """A real socket that accepts SMTP connections and never says a word: a hung server."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


def test_a_mail_server_that_never_answers_is_given_up_after_email_timeout(
    stop, settings, silent_mail_server
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_mail_server
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    register(stop, email="ada@example.org")

    def hung(signum, frame):
        raise AssertionError("the send waited 30 s: EMAIL_TIMEOUT did not reach the socket")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        outcome = outbox.deliver.call(EmailDelivery.objects.get().pk)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    delivery = EmailDelivery.objects.get()
    assert outcome == "retry"
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.last_error.endswith("timed out")  # smtplib: "Connection … closed: timed out"
    assert DBTaskResult.objects.filter(status="READY", task_path__endswith="deliver").count() == 2
