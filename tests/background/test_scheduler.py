"""The scheduler: cron triggers enqueue the jobs, one scheduler at a time."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.scheduler import Job, Scheduler, jobs_from_settings
from registrations.models import Registration
from tests.factories import StopFactory, registration_details

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def daily_purge():
    return [Job(j.name, j.trigger, j.task_path) for j in jobs_from_settings() if j.name == "purge"]


def past_stop(days):
    date = timezone.localdate() - datetime.timedelta(days=days)
    opens = timezone.now() - datetime.timedelta(days=days + 30)
    return StopFactory(date=date, registration_opens_at=opens)


def registration(stop):
    details = registration_details()
    return Registration.objects.create(stop=stop, status="confirmed", **details)


def test_the_scheduler_runs_the_daily_purge(run_tasks):
    old = past_stop(days=400)
    recent = past_stop(days=30)
    registration(old)
    kept = registration(recent)
    scheduler = Scheduler(daily_purge())
    before = datetime.datetime(2030, 1, 10, 3, 0, tzinfo=PARIS)

    assert scheduler.tick(before) == []  # 3:00: the purge is due at 3:15
    assert scheduler.tick(before + datetime.timedelta(minutes=16)) == ["purge"]
    assert scheduler.tick(before + datetime.timedelta(minutes=17)) == []  # once a day
    run_tasks()

    assert list(Registration.objects.all()) == [kept]
    assert DBTaskResult.objects.get().return_value == 1


def daily_reminders():
    return [
        Job(j.name, j.trigger, j.task_path) for j in jobs_from_settings() if j.name == "reminders"
    ]


def test_a_scheduler_back_after_a_job_fell_due_runs_it_once():
    morning = datetime.datetime(2030, 1, 10, 8, 0, tzinfo=PARIS)
    before = Scheduler(daily_reminders())
    assert before.tick(morning) == []  # the reminders are due at 9:00
    before.release()  # stopped (a deploy) at 8:00, back at 9:05

    after = Scheduler(daily_reminders())

    assert after.tick(morning + datetime.timedelta(minutes=65)) == ["reminders"]
    assert after.tick(morning + datetime.timedelta(minutes=66)) == []
    assert DBTaskResult.objects.get().task_path == "registrations.tasks.send_reminders"


def test_a_scheduler_down_for_days_runs_each_missed_job_once():
    monday = datetime.datetime(2030, 1, 7, 8, 0, tzinfo=PARIS)
    Scheduler(daily_reminders()).tick(monday)

    back = Scheduler(daily_reminders())

    assert back.tick(monday + datetime.timedelta(days=3)) == ["reminders"]  # Thursday 8:00
    assert back.tick(monday + datetime.timedelta(days=3, minutes=1)) == []
    assert back.tick(monday + datetime.timedelta(days=3, hours=1)) == ["reminders"]  # 9:00
    assert DBTaskResult.objects.count() == 2


def test_a_scheduler_started_for_the_first_time_waits_for_each_jobs_next_time():
    first_start = datetime.datetime(2030, 1, 10, 9, 5, tzinfo=PARIS)
    scheduler = Scheduler(daily_reminders())

    assert scheduler.tick(first_start) == []  # 9:00 passed before it ever ran
    assert scheduler.tick(first_start + datetime.timedelta(hours=12)) == []
    assert scheduler.tick(first_start + datetime.timedelta(hours=24)) == ["reminders"]


def test_a_second_scheduler_runs_nothing_while_the_first_holds_the_lease():
    first, second = Scheduler(daily_purge()), Scheduler(daily_purge())
    now = datetime.datetime(2030, 1, 10, 3, 0, tzinfo=PARIS)
    ran = {"first": [], "second": []}
    for seconds in range(0, 20 * 60, 15):  # both tick every 15 s from 3:00 to 3:20
        moment = now + datetime.timedelta(seconds=seconds)
        ran["first"] += first.tick(moment)
        ran["second"] += second.tick(moment)

    assert ran == {"first": ["purge"], "second": []}
    assert (first.holding, second.holding) == (True, False)
    assert DBTaskResult.objects.count() == 1


def test_a_second_scheduler_takes_over_when_the_first_stops():
    first, second = Scheduler(daily_purge()), Scheduler(daily_purge())
    now = datetime.datetime(2030, 1, 10, 3, 0, tzinfo=PARIS)
    first.tick(now)
    second.tick(now)

    first.release()  # stopped cleanly; a crashed one's lease runs out after a minute

    assert second.tick(now + datetime.timedelta(seconds=15)) == []
    assert second.holding
    assert second.tick(now + datetime.timedelta(minutes=16)) == ["purge"]


def test_a_crashed_schedulers_lease_runs_out():
    first, second = Scheduler(daily_purge()), Scheduler(daily_purge())
    now = datetime.datetime(2030, 1, 10, 3, 0, tzinfo=PARIS)
    first.tick(now)

    assert not second.hold_lease(now + datetime.timedelta(seconds=30))
    assert second.hold_lease(now + datetime.timedelta(seconds=61))


def test_the_command_enqueues_one_job_on_demand(capsys):
    call_command("run_scheduler", run_now="reminders")

    assert DBTaskResult.objects.get().task_path == "registrations.tasks.send_reminders"
    assert "reminders enqueued." in capsys.readouterr().out


def test_every_scheduled_job_is_a_task():
    assert {job.name for job in jobs_from_settings()} == {
        "purge",
        "reminders",
        "certificates",
        "surveys",
        "outbox-sweep",
        "task-sweep",
    }


def test_a_job_run_by_a_scheduler_that_took_over_is_not_run_again_by_the_stalled_one(
    monkeypatch,
):
    from background.models import SchedulerLease

    stalled, other = Scheduler(daily_purge()), Scheduler(daily_purge())
    now = datetime.datetime(2030, 1, 10, 3, 0, tzinfo=PARIS)
    stalled.tick(now)
    due = Job.due

    def other_takes_over_meanwhile(job, last_run, moment):
        # The stalled scheduler read the last run; its lease ran out and the other one ran
        # the job before the stalled one went on.
        monkeypatch.setattr(Job, "due", due)
        SchedulerLease.objects.update(holder="", expires_at=None)
        assert other.tick(moment) == ["purge"]
        return due(job, last_run, moment)

    monkeypatch.setattr(Job, "due", other_takes_over_meanwhile)
    ran = stalled.tick(now + datetime.timedelta(minutes=16))

    assert ran == []
    assert DBTaskResult.objects.count() == 1
