"""Tasks whose worker died run again; e-mails outlive a mail server's outage."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import outbox
from background.health import queue_readiness
from background.models import EmailDelivery
from background.sweeps import requeue_lost_tasks
from registrations import emails, services
from registrations.models import Message
from tests.factories import registration_details

pytestmark = pytest.mark.django_db
REFUSING = "tests.background.mail_servers.RefusingMailServer"


def register(stop, **overrides):
    return services.register(stop=stop, **registration_details(**overrides))[0]


def taken_by_a_worker_that_died(minutes_ago, *, runs=1):
    """The queued tasks were taken by a worker (RUNNING), which then stopped for good."""
    DBTaskResult.objects.filter(status="READY").update(
        status="RUNNING",
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=[f"dead-worker-{n}" for n in range(runs)],
    )


def test_an_email_whose_worker_died_before_claiming_it_is_sent_after_five_minutes(stop, run_tasks):
    register(stop, email="ada@example.org")
    taken_by_a_worker_that_died(minutes_ago=4)

    assert requeue_lost_tasks.call() == 0  # it may still be sending
    assert outbox.requeue_stalled.call() == 0  # never claimed: no claim ran out
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=6))
    assert requeue_lost_tasks.call() == 1
    run_tasks()

    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert EmailDelivery.objects.get().status == "sent"
    assert requeue_lost_tasks.call() == 0


def test_a_message_whose_worker_died_halfway_reaches_the_others_once(stop, run_tasks):
    people = [register(stop, email=f"p{n}@example.org") for n in range(3)]
    run_tasks()  # the confirmations
    mail.outbox.clear()
    message = services.message_registrants(
        stop=stop, audience=Message.Audience.CONFIRMED, subject="Salle", body="B12."
    )
    taken_by_a_worker_that_died(minutes_ago=29)
    emails.send_message(message, people[0])  # as far as the dead worker went

    assert requeue_lost_tasks.call() == 0  # 30 minutes for tasks other than e-mails
    DBTaskResult.objects.filter(status="RUNNING").update(
        started_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    assert requeue_lost_tasks.call() == 1
    run_tasks()

    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in people]  # each once
    assert EmailDelivery.objects.filter(kind="message").count() == 3


def test_a_task_that_keeps_losing_its_worker_is_shown_as_failed(stop, run_tasks, settings):
    register(stop, email="ada@example.org")
    taken_by_a_worker_that_died(minutes_ago=60, runs=settings.TASK_MAX_RUNS)

    assert requeue_lost_tasks.call() == 0
    task = DBTaskResult.objects.get()

    assert task.status == "FAILED"
    assert task.exception_class_path == "background.sweeps.WorkerLost"
    assert "stopped before it finished, 3 times" in task.traceback


def test_a_task_that_finished_is_never_run_again(stop, run_tasks):
    register(stop, email="ada@example.org")
    run_tasks()
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(days=1))

    assert requeue_lost_tasks.call() == 0
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_an_email_outlives_a_mail_server_down_for_most_of_a_day(settings):
    waits = [outbox.backoff(attempt) for attempt in range(1, settings.EMAIL_MAX_ATTEMPTS)]

    assert sum(waits, datetime.timedelta()) >= datetime.timedelta(hours=23)
    assert max(waits) == datetime.timedelta(minutes=30)  # back within half an hour of the server


def test_an_email_still_waits_after_many_refusals_and_leaves_when_the_server_is_back(
    stop, run_tasks, settings
):
    settings.EMAIL_BACKEND = REFUSING
    register(stop, email="ada@example.org")
    for _ in range(10):
        run_tasks()
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 10)  # still waiting, not failed
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 11)
    assert len(mail.outbox) == 1


def test_a_task_lost_more_than_a_day_ago_is_failed_not_run_again(stop, run_tasks):
    people = [register(stop, email=f"p{n}@example.org") for n in range(2)]
    run_tasks()
    mail.outbox.clear()
    message = services.message_registrants(
        stop=stop, audience=Message.Audience.CONFIRMED, subject="Hier", body="Trop tard."
    )
    taken_by_a_worker_that_died(minutes_ago=25 * 60)

    assert requeue_lost_tasks.call() == 0
    run_tasks()

    task = DBTaskResult.objects.get(task_path__endswith="send_message")
    assert (task.status, task.exception_class_path) == ("FAILED", "background.sweeps.WorkerLost")
    assert "stopped long ago; not run again" in task.traceback
    assert mail.outbox == []
    assert not EmailDelivery.objects.filter(kind="message").exists()
    assert message.recipients == len(people)  # who would have had it


def test_a_task_run_again_does_not_look_stuck_to_the_readiness_check(stop):
    register(stop, email="ada@example.org")
    taken_by_a_worker_that_died(minutes_ago=40)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=40))

    requeue_lost_tasks.call()

    assert queue_readiness() == {"queue": "ok", "oldest_waiting_seconds": 0}


def test_a_slow_mail_server_setting_gives_sends_longer_before_they_count_as_lost(stop, settings):
    settings.EMAIL_TIMEOUT = 120  # a send may hold its e-mail 7 minutes
    register(stop, email="ada@example.org")
    taken_by_a_worker_that_died(minutes_ago=6)

    assert requeue_lost_tasks.call() == 0
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=9))
    assert requeue_lost_tasks.call() == 1


@pytest.mark.parametrize("form", ["fresh_link", "tour_sign_in", "speaker_sign_in"])
def test_a_link_request_run_again_sends_one_link(stop, run_tasks, form):
    from registrations import sign_in
    from registrations.tasks import send_fresh_links
    from speakers import services as speaker_services
    from tests.factories import SpeakerFactory

    register(stop, email="ada@example.org")
    SpeakerFactory(email="ada@example.org")
    run_tasks()
    mail.outbox.clear()
    {
        "fresh_link": lambda: send_fresh_links.enqueue("ada@example.org"),
        "tour_sign_in": lambda: sign_in.send_sign_in_link(email="ada@example.org"),
        "speaker_sign_in": lambda: speaker_services.send_sign_in_link(email="ada@example.org"),
    }[form]()
    run_tasks()  # the lookup queued the e-mail and sent it...
    # ... but its worker died before recording the lookup's end: it is run again.
    DBTaskResult.objects.filter(task_path__contains="send_").update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert requeue_lost_tasks.call() == 1
    run_tasks()

    assert len(mail.outbox) == 1


def test_an_email_whose_task_is_given_up_shows_as_failed_not_waiting_for_ever(stop, settings):
    register(stop, email="ada@example.org")
    # Its worker died after taking the task, before claiming the e-mail, three times.
    taken_by_a_worker_that_died(minutes_ago=60, runs=settings.TASK_MAX_RUNS)

    requeue_lost_tasks.call()

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (
        "failed",
        "The worker stopped while sending it.",
    )
