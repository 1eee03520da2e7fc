"""The registration rules, enforced by the services whatever the caller."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import EmailDelivery
from events.models import Session, Stop
from registrations import services
from registrations.models import Registration, WorkshopBooking
from registrations.services import seats
from registrations.tokens import registration_from_token
from tests.factories import SessionFactory, StopFactory, WorkshopFactory, registration_details
from tests.pages import french
from tests.registrations.test_certificates import move_to_the_past

pytestmark = pytest.mark.django_db


def register(stop, **overrides):
    registration, created = services.register(stop=stop, **registration_details(**overrides))
    return registration


def counters(*objects):
    return [type(o).objects.get(pk=o.pk).seats_taken for o in objects]


def test_register_in_person_takes_a_place_and_a_workshop_seat(stop, workshops):
    registration = register(stop, workshops=[workshops[0]])

    assert registration.status == Registration.Status.CONFIRMED
    assert counters(stop, workshops[0], workshops[1]) == [1, 1, 0]
    assert registration.bookings.get().status == WorkshopBooking.Status.CONFIRMED


def test_register_online_takes_no_place(stop):
    registration = register(stop, mode="online")

    assert registration.status == Registration.Status.CONFIRMED
    assert counters(stop) == [0]


def test_emails_are_queued_with_the_registration_and_sent_by_the_worker(stop, run_tasks):
    register(stop)
    assert mail.outbox == []
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.QUEUED

    run_tasks()

    assert len(mail.outbox) == 1
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.SENT


def test_confirmation_email_content(stop, workshops, deliver_emails):
    with deliver_emails():
        registration = register(stop, workshops=[workshops[1]], email="ada@example.org")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert message.subject.startswith("[IntercoTOUR] Inscription confirmée – Montpellier")
    assert "Votre inscription est confirmée." in message.body
    assert f"Atelier\u202f: {workshops[1].title}" in message.body
    workshop_line = message.body.split(f"Atelier\u202f: {workshops[1].title}", 1)[1].splitlines()[0]
    assert workshop_line.endswith("(confirmé)")  # the workshop, masculine
    assert "Participation\u202f: Sur place (confirmée)" in message.body  # the registration
    assert "Tram ligne 1, arrêt Léon Blum" in message.body
    assert "/inscription/" in message.body
    assert "ada@example.org" not in message.body.split("/inscription/")[1].split()[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert workshops[1].title in html
    name, calendar, calendar_type = message.attachments[0]
    assert calendar_type == "text/calendar"
    assert calendar.count("BEGIN:VEVENT") == 2  # the day and the workshop
    # The management link (signed at sending time: compared by what it opens).
    link_token = message.body.split("/inscription/")[1].split("/")[0]
    assert registration_from_token(link_token) == registration


def test_confirmation_email_keeps_a_titles_question_mark_with_its_word(stop, deliver_emails):
    Stop.objects.filter(pk=stop.pk).update(title="L’IA va-t-elle nous remplacer ?")
    stop.refresh_from_db()

    with deliver_emails():
        register(stop)

    message = mail.outbox[0]
    assert "Journée\u202f: L’IA va-t-elle nous remplacer\u202f? – Montpellier" in message.body
    assert "remplacer\u202f?" in message.alternatives[0][0]


def test_the_confirmation_says_whether_lunch_is_booked_and_the_diet(stop, deliver_emails):
    with deliver_emails():
        register(stop, email="a@example.org", lunch=True, dietary_requirements="Sans gluten")
        register(stop, email="b@example.org", lunch=False)

    with_lunch, without = (m for m in mail.outbox)
    assert "Déjeuner\u202f: oui (Sans gluten)" in with_lunch.body
    assert "Sans gluten" in with_lunch.alternatives[0][0]
    assert "Déjeuner\u202f: non" in without.body


def test_online_confirmation_gives_the_online_link(stop, deliver_emails):
    Stop.objects.filter(pk=stop.pk).update(online_url="https://live.example.org/montpellier")

    with deliver_emails():
        register(stop, mode="online")

    assert "Suivre la journée en ligne\u202f: https://live.example.org/montpellier" in (
        mail.outbox[0].body
    )


def test_online_confirmation_says_when_the_link_comes_if_there_is_none_yet(stop, deliver_emails):
    with deliver_emails():
        register(stop, mode="online")

    body = mail.outbox[0].body
    assert (
        "Suivre la journée en ligne\u202f: Le lien de la retransmission en direct vous sera envoyé "
        "par e-mail avant la journée." in body
    )
    assert "avant la journée." in mail.outbox[0].alternatives[0][0]


def test_same_email_in_any_case_creates_nothing_and_resends_the_link(stop, deliver_emails):
    first = register(stop, email="Ada.Lovelace@Example.org")

    with deliver_emails():
        again, created = services.register(
            stop=stop, **registration_details(email="ada.lovelace@example.ORG", first_name="X")
        )

    assert created is False
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert counters(stop) == [1]
    assert mail.outbox[-1].subject.startswith("[IntercoTOUR] Vous êtes déjà inscrit·e")
    assert "/inscription/" in mail.outbox[-1].body


def test_database_refuses_two_active_registrations_with_one_email(stop):
    register(stop, email="ada@example.org")

    with (
        pytest.raises(IntegrityError, match="registration_one_per_email_per_stop"),
        transaction.atomic(),
    ):
        Registration.objects.create(
            stop=stop,
            **{
                k: v
                for k, v in registration_details(email="ADA@example.org").items()
                if k != "mode"
            },
            mode="online",
            status="confirmed",
        )


def test_a_cancelled_registration_does_not_count_as_the_same_email(stop):
    first = register(stop, email="Ada@Example.org")
    services.cancel_registration(registration=first)

    again, created = services.register(stop=stop, **registration_details(email="ADA@example.org"))

    assert created is True
    assert again.pk != first.pk
    assert list(Registration.objects.active_with_email("ada@EXAMPLE.org")) == [again]


def test_the_locked_stop_and_workshops_read_as_the_orm_reads_them(stop, workshops):
    """The seat services' written-out locked reads: same values, same types (SQLite keeps
    dates as text), the other fields deferred."""
    from registrations.services import seats

    locked = seats.lock_stop(stop, only=seats.SEAT_FIELDS)
    read = Stop.objects.only(*seats.SEAT_FIELDS).get(pk=stop.pk)
    sessions = seats._locked_rows(
        Session, ["title", "capacity", "seats_taken"], "1 = 1", [], order_by="id"
    )

    assert {name: getattr(locked, name) for name in ("pk", *seats.SEAT_FIELDS)} == {
        name: getattr(read, name) for name in ("pk", *seats.SEAT_FIELDS)
    }
    assert locked.get_deferred_fields() == read.get_deferred_fields()
    assert [(s.pk, s.title, s.capacity, s.seats_taken) for s in sessions] == [
        (s.pk, s.title, s.capacity, s.seats_taken) for s in Session.objects.order_by("pk")
    ]
    with pytest.raises(Stop.DoesNotExist):
        seats.lock_stop(Stop(pk=0), only=seats.SEAT_FIELDS)


def test_a_new_registration_is_written_as_the_orm_writes_it(stop):
    """The written-out INSERT (``rows.insert_unless_taken``): the same row as ``save()``, with
    the fields' defaults and automatic dates, and the same signals."""
    from django.db.models.signals import post_save, pre_save

    from intercotour import rows

    details = registration_details(email="ada@example.org")
    details.pop("workshops", None)
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append((kwargs["signal"], kwargs.get("created"), instance._state.adding))

    pre_save.connect(receiver, sender=Registration, dispatch_uid="test-heard")
    post_save.connect(receiver, sender=Registration, dispatch_uid="test-heard")
    try:
        written = Registration(stop=stop, **details)
        assert rows.insert_unless_taken(written) is True
        by_orm = Registration.objects.create(stop=stop, **{**details, "email": "bob@example.org"})
    finally:
        pre_save.disconnect(sender=Registration, dispatch_uid="test-heard")
        post_save.disconnect(sender=Registration, dispatch_uid="test-heard")

    def stored(registration):
        row = Registration.objects.filter(pk=registration.pk).values().get()
        for name in ("id", "email", "management_key", "created_at", "updated_at"):
            row.pop(name)
        return row

    assert written.pk is not None
    assert written._state.adding is False
    assert written._state.db == by_orm._state.db
    assert stored(written) == stored(by_orm)
    fresh = Registration.objects.get(pk=written.pk)
    assert (fresh.management_key, fresh.created_at) == (written.management_key, written.created_at)
    assert len(fresh.management_key) == len(by_orm.management_key)
    assert heard == [(pre_save, None, True), (post_save, True, False)] * 2


def test_an_address_already_registered_is_not_written_again(stop):
    from intercotour import rows

    first = register(stop, email="ada@example.org")
    again = Registration(stop=stop, **{**registration_details(email="ADA@Example.org")})

    assert rows.insert_unless_taken(again) is False
    assert again.pk is None
    assert again._state.adding is True
    assert list(Registration.objects.filter(stop=stop)) == [first]

    services.cancel_registration(registration=first, notify=False)  # leaves the unique index
    assert rows.insert_unless_taken(again) is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_seat_lock_outside_a_transaction_is_refused_as_the_orm_refuses_it():
    """Outside a transaction the lock would end with its own statement: a bug, said loudly."""
    from registrations.services import seats

    stop = StopFactory()

    with pytest.raises(TransactionManagementError):
        seats.lock_stop(stop, only=seats.SEAT_FIELDS)
    with pytest.raises(TransactionManagementError):  # the lock with the place: as refused
        seats.take_free_place(stop)
    stop.refresh_from_db()
    assert stop.seats_taken == 0


def _plan(query):
    """The plan of ``query`` (SQL, or a queryset) where an index could be used."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not isinstance(query, str):
            return query.explain()
        cursor.execute(f"EXPLAIN {query}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans: PostgreSQL only")
def test_the_same_email_is_looked_up_in_the_unique_index(stop):
    """Not by reading the stop's every registration: ``iexact`` (``UPPER()``) could not."""
    Registration.objects.bulk_create(
        Registration(stop=stop, **registration_details(email=f"person{n}@example.org"))
        for n in range(300)
    )  # a stop's many registrations: reading them all would show in the plan
    services.register(stop=stop, **registration_details(email="ada@example.org"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registrations_registration")
    # A new address is checked by the INSERT itself (the unique index); an address already
    # registered is then looked up, to send its link.
    with CaptureQueriesContext(connection) as queries:
        again = services.register(stop=stop, **registration_details(email="ADA@example.org"))
    [lookup] = [query["sql"] for query in queries if "LOWER(" in query["sql"]]
    assert again[1] is False
    elsewhere = Registration.objects.active_with_email("ADA@example.org").filter(stop=stop)

    assert "registration_one_per_email_per_stop" in _plan(lookup)
    assert "registration_one_per_email_per_stop" in _plan(elsewhere.order_by())


@pytest.mark.parametrize(
    ("opens", "closes", "status"),
    [
        (1, 10, Stop.Status.PUBLISHED),  # not open yet
        (-10, -1, Stop.Status.PUBLISHED),  # closed
        (-1, 10, Stop.Status.DRAFT),
        (-1, 10, Stop.Status.CANCELLED),
    ],
)
def test_registration_outside_the_window_or_unpublished_is_refused(opens, closes, status):
    now = timezone.now()
    stop = StopFactory(
        status=status,
        registration_opens_at=now + datetime.timedelta(days=opens),
        registration_closes_at=now + datetime.timedelta(days=closes),
    )

    with pytest.raises(services.RegistrationClosed):
        register(stop)

    # Refused under the stop's lock, after the registration and its e-mail were written:
    # the transaction leaves nothing, no e-mail to send either.
    assert not Registration.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    # The place taken with the lock, in the same statement, is given back with the rest.
    stop.refresh_from_db()
    assert stop.seats_taken == 0


def test_the_last_place_goes_to_one_person_then_the_day_is_full(stop):
    """In person, a free place is taken with the stop's lock in one statement; the next
    person finds none and is put on the waiting list, or refused without consent."""
    Stop.objects.filter(pk=stop.pk).update(capacity=2, seats_taken=1)
    last = register(stop, email="last@example.org")
    waiting = register(stop, email="waiting@example.org", accept_waiting_list=True)
    with pytest.raises(services.StopFull):
        register(stop, email="refused@example.org")
    online = register(stop, email="online@example.org", mode="online")

    stop.refresh_from_db()
    assert stop.seats_taken == 2
    assert last.status == Registration.Status.CONFIRMED
    assert waiting.status == Registration.Status.WAITING
    assert online.status == Registration.Status.CONFIRMED
    assert not Registration.objects.filter(email="refused@example.org").exists()


def test_a_place_freed_after_the_day_looked_full_is_taken(stop, monkeypatch):
    """The one-statement place found the day full, a cancellation freed a place before the
    stop's lock was taken: the registration gets the place, not the waiting list."""
    Stop.objects.filter(pk=stop.pk).update(capacity=1, seats_taken=0)
    monkeypatch.setattr(seats, "take_free_place", lambda stop: None)  # "full" at that instant

    late = register(stop, email="late@example.org", accept_waiting_list=True)

    stop.refresh_from_db()
    assert late.status == Registration.Status.CONFIRMED
    assert stop.seats_taken == 1


def test_a_closed_stop_says_closed_before_it_looks_at_the_workshops(stop, workshops):
    ada = register(stop, email="ada@example.org")
    stop.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    stop.save()
    foreign = WorkshopFactory(stop=StopFactory())

    with pytest.raises(services.RegistrationClosed):  # a new address
        register(stop, workshops=[foreign])
    with pytest.raises(services.RegistrationClosed):  # an address already registered
        register(stop, email="ADA@example.org", workshops=[foreign])

    assert list(Registration.objects.filter(stop=stop)) == [ada]


def test_a_model_with_fields_the_database_sets_is_not_written_out(stop, monkeypatch):
    """``rows.insert_unless_taken`` would write what ``save()`` leaves to the database."""
    from django.db.models import Value
    from django.db.models.signals import pre_save

    from intercotour import rows

    monkeypatch.setattr(Registration._meta.get_field("phone"), "db_default", Value(""))
    heard = []
    pre_save.connect(
        lambda **kwargs: heard.append(kwargs), sender=Registration, weak=False, dispatch_uid="t"
    )
    try:
        with pytest.raises(TypeError, match="set by the database"):
            rows.insert_unless_taken(Registration(stop=stop, **registration_details()))
    finally:
        pre_save.disconnect(sender=Registration, dispatch_uid="t")

    assert heard == []
    assert not Registration.objects.exists()


def test_full_stop_refuses_without_waiting_list_consent(stop):
    for _ in range(3):
        register(stop)

    with pytest.raises(services.StopFull):
        register(stop)

    assert Registration.objects.count() == 3
    assert counters(stop) == [3]
    assert EmailDelivery.objects.count() == DBTaskResult.objects.count() == 3


def test_full_stop_puts_on_waiting_list_with_consent_and_online_still_possible(stop):
    for _ in range(3):
        register(stop)

    waiting = register(stop, accept_waiting_list=True)
    online = register(stop, mode="online")

    assert waiting.status == Registration.Status.WAITING
    # Written as confirmed, then put in line under the stop's lock: the stored row says so.
    stored = Registration.objects.get(pk=waiting.pk)
    assert (stored.status, stored.waiting_since) == (waiting.status, waiting.waiting_since)
    assert stored.waiting_since is not None
    assert online.status == Registration.Status.CONFIRMED
    assert counters(stop) == [3]


def test_full_workshop_refuses_without_consent_and_changes_nothing(stop, workshops):
    register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])

    with pytest.raises(services.WorkshopFull):
        register(stop, workshops=[workshops[0]])

    assert Registration.objects.count() == 2
    assert counters(stop, workshops[0]) == [2, 2]


def test_full_workshop_waiting_list_with_consent(stop, workshops):
    register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])

    third = register(stop, workshops=[workshops[0]], accept_waiting_list=True)

    assert third.status == Registration.Status.CONFIRMED  # has a place at the day
    assert third.bookings.get().status == WorkshopBooking.Status.WAITING
    assert counters(stop, workshops[0]) == [3, 2]


def test_online_attendee_cannot_hold_a_workshop_seat(stop, workshops):
    with pytest.raises(services.InvalidWorkshopChoice):
        register(stop, mode="online", workshops=[workshops[0]])

    assert not Registration.objects.exists()


def test_two_workshops_in_one_slot_are_refused(stop, workshops):
    with pytest.raises(services.InvalidWorkshopChoice, match="au plus un atelier par créneau"):
        register(stop, workshops=workshops[:2])

    assert counters(*workshops) == [0, 0, 0]


def test_workshops_in_different_slots_are_accepted(stop, workshops):
    later = WorkshopFactory(
        stop=stop,
        starts_at=workshops[0].ends_at,
        ends_at=workshops[0].ends_at + datetime.timedelta(hours=1),
    )

    registration = register(stop, workshops=[workshops[0], later])

    assert {b.session for b in registration.bookings.all()} == {workshops[0], later}
    assert counters(stop, workshops[0], later) == [1, 1, 1]


def test_workshop_of_another_stop_or_not_a_workshop_is_refused(stop):
    foreign = WorkshopFactory()
    plenary = SessionFactory(stop=stop)

    for choice in (foreign, plenary):
        with pytest.raises(services.InvalidWorkshopChoice):
            register(stop, workshops=[choice])

    assert not Registration.objects.exists()


@pytest.mark.parametrize("change", ["deleted", "no longer a workshop", "moved to another day"])
def test_a_workshop_changed_since_the_form_was_read_is_refused(stop, workshops, change):
    chosen = workshops[0]  # as the form read it, a moment before the organisers' change
    if change == "deleted":
        Session.objects.filter(pk=chosen.pk).delete()
    elif change == "no longer a workshop":
        Session.objects.filter(pk=chosen.pk).update(kind=Session.Kind.PLENARY)
    else:
        Session.objects.filter(pk=chosen.pk).update(stop=StopFactory())

    with pytest.raises(services.InvalidWorkshopChoice, match="ne fait pas partie de cette journée"):
        register(stop, workshops=[chosen])

    assert not Registration.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert counters(stop) == [0]


def test_cancel_frees_place_and_promotes_the_first_waiting(stop, workshops, deliver_emails):
    first = register(stop, workshops=[workshops[0]])
    register(stop)
    register(stop)
    early = register(stop, accept_waiting_list=True, email="early@example.org")
    register(stop, accept_waiting_list=True, email="late@example.org")

    with deliver_emails():
        services.cancel_registration(registration=first)

    early.refresh_from_db()
    assert early.status == Registration.Status.CONFIRMED
    assert Registration.objects.get(email="late@example.org").status == "waiting"
    assert counters(stop, workshops[0]) == [3, 0]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["early@example.org"].startswith("[IntercoTOUR] Bonne nouvelle")
    assert subjects[first.email].startswith("[IntercoTOUR] Inscription annulée")
    assert "late@example.org" not in subjects


@pytest.mark.parametrize("service", ["cancel_registration", "erase_registration"])
def test_after_the_day_a_freed_place_goes_to_nobody(stop, workshops, deliver_emails, service):
    first = register(stop, workshops=[workshops[0]])
    register(stop)
    register(stop)
    waiting = register(stop, accept_waiting_list=True, email="waiting@example.org")
    move_to_the_past(stop)

    with deliver_emails():
        getattr(services, service)(registration=first)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING
    assert "waiting@example.org" not in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    ("mode", "says_the_place_goes_on"),
    [("in_person", True), ("online", False), ("waiting", False)],
)
def test_the_cancellation_email_mentions_the_waiting_list_only_for_an_in_person_place(
    stop, deliver_emails, mode, says_the_place_goes_on
):
    if mode == "waiting":  # in person, on the waiting list: no place to hand on
        for _ in range(stop.capacity - stop.seats_taken):
            register(stop)
        registration = register(stop, accept_waiting_list=True)
        assert registration.status == "waiting"
        mail.outbox.clear()
    else:
        registration = register(stop, mode=mode)

    with deliver_emails():
        services.cancel_registration(registration=registration)

    (message,) = mail.outbox
    assert "est annulée. Merci de nous avoir prévenus" in message.body
    assert ("votre place revient à la prochaine personne" in message.body) is (
        says_the_place_goes_on
    )


def test_cancel_twice_changes_nothing(stop, workshops, deliver_emails):
    registration = register(stop, workshops=[workshops[0]])
    register(stop)
    with deliver_emails():
        services.cancel_registration(registration=registration)

    with deliver_emails():
        services.cancel_registration(registration=registration)

    assert counters(stop, workshops[0]) == [1, 0]
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert [m.subject.startswith("[IntercoTOUR] Inscription annulée") for m in mail.outbox] == [
        True
    ]


def test_dropping_a_workshop_promotes_its_waiting_list(stop, workshops):
    holder = register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])
    waiting = register(stop, workshops=[workshops[0]], accept_waiting_list=True)

    services.change_workshops(registration=holder, workshops=[workshops[1]])

    assert waiting.bookings.get().status == WorkshopBooking.Status.CONFIRMED
    assert counters(*workshops) == [2, 1, 0]


def test_changing_to_a_full_workshop_without_consent_changes_nothing(stop, workshops):
    mover = register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[1]])
    register(stop, workshops=[workshops[1]])

    with pytest.raises(services.WorkshopFull):
        services.change_workshops(registration=mover, workshops=[workshops[1]])

    assert mover.bookings.get().session == workshops[0]
    assert counters(*workshops) == [1, 2, 0]


def test_switch_to_online_frees_place_and_workshop_and_promotes(stop, workshops):
    holder = register(stop, workshops=[workshops[0]])
    register(stop)
    register(stop)
    waiting = register(stop, accept_waiting_list=True)

    services.switch_mode(registration=holder, mode="online")

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.mode, holder.status, holder.bookings.count()) == ("online", "confirmed", 0)
    assert waiting.status == "confirmed"
    assert counters(stop, workshops[0]) == [3, 0]


def test_online_attendees_have_no_lunch_on_site_whatever_the_door(stop):
    online, _ = services.register(
        stop=stop, **registration_details(mode="online", lunch=True, dietary_requirements="Halal")
    )
    switched, _ = services.register(
        stop=stop, **registration_details(lunch=True, dietary_requirements="Sans gluten")
    )
    services.switch_mode(registration=switched, mode="online")
    services.update_details(registration=switched, lunch=True)

    rows = Registration.objects.filter(pk__in=[online.pk, switched.pk])

    assert list(rows.values_list("lunch", "dietary_requirements")) == [(False, "")] * 2


def test_switch_to_in_person_when_full_needs_consent(stop):
    online = register(stop, mode="online")
    for _ in range(3):
        register(stop)

    with pytest.raises(services.StopFull):
        services.switch_mode(registration=online, mode="in_person")
    assert Registration.objects.get(pk=online.pk).mode == "online"
    services.switch_mode(registration=online, mode="in_person", accept_waiting_list=True)

    online.refresh_from_db()
    assert (online.mode, online.status) == ("in_person", "waiting")


def test_raising_capacity_promotes_the_waiting_list(stop, workshops):
    for _ in range(3):
        register(stop)
    waiting = register(stop, accept_waiting_list=True)
    Stop.objects.filter(pk=stop.pk).update(capacity=4)

    promoted = services.promote_waiting_lists(stop=stop)

    assert [r.pk for r in promoted] == [waiting.pk]
    assert counters(stop) == [4]


def test_promoted_registration_gets_its_waiting_workshop_seat(stop, workshops):
    for _ in range(3):
        register(stop)
    waiting = register(stop, accept_waiting_list=True, workshops=[workshops[2]])
    assert waiting.bookings.get().status == "waiting"

    services.cancel_registration(registration=Registration.objects.filter(status="confirmed")[0])

    assert waiting.bookings.get().status == "confirmed"
    assert counters(workshops[2]) == [1]


def test_on_the_day_after_its_end_time_the_desk_still_seats_those_promoted(stop, workshops):
    for _ in range(3):
        register(stop)
    waiting = register(stop, accept_waiting_list=True, workshops=[workshops[2]])
    Stop.objects.filter(pk=stop.pk).update(capacity=4)
    evening = timezone.make_aware(
        datetime.datetime.combine(stop.date, stop.end_time) + datetime.timedelta(hours=1)
    )

    services.promote_registration(registration=waiting, now=evening)

    assert waiting.bookings.get().status == "confirmed"


def test_promoting_after_the_day_is_refused_in_french(stop):
    for _ in range(3):
        register(stop)
    waiting = register(stop, accept_waiting_list=True)
    Stop.objects.filter(pk=stop.pk).update(capacity=4)
    next_day = timezone.now() + datetime.timedelta(days=(stop.date - timezone.localdate()).days + 1)

    with pytest.raises(services.RegistrationClosed, match="Cette journée est passée"):
        services.promote_registration(registration=waiting, now=next_day)

    assert Registration.objects.get(pk=waiting.pk).status == "waiting"


def test_changes_after_registration_closes_are_refused(stop):
    registration = register(stop)
    Stop.objects.filter(pk=stop.pk).update(
        registration_opens_at=timezone.now() - datetime.timedelta(days=5),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )

    with pytest.raises(services.RegistrationClosed):
        services.switch_mode(registration=registration, mode="online")

    services.cancel_registration(registration=registration)  # cancelling stays possible
    assert counters(stop) == [0]


def test_update_details_refuses_the_email_and_keeps_seats(stop):
    registration = register(stop, lunch=True)

    with pytest.raises(TypeError):
        services.update_details(registration=registration, email="other@example.org")
    services.update_details(registration=registration, organisation="Région Occitanie", lunch=False)

    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.organisation, stored.lunch) == ("Région Occitanie", False)
    assert (stored.email, stored.status) == (registration.email, "confirmed")
    assert counters(stop) == [1]


def test_session_capacity_lowered_below_booked_seats_is_refused_by_the_database(stop, workshops):
    register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])

    with pytest.raises(IntegrityError, match="session_not_overbooked"), transaction.atomic():
        Session.objects.filter(pk=workshops[0].pk).update(capacity=1)

    assert Session.objects.get(pk=workshops[0].pk).capacity == 2


def test_waiting_list_notice_email(stop, deliver_emails):
    for _ in range(3):
        register(stop)

    with deliver_emails():
        register(stop, accept_waiting_list=True, email="waiting@example.org")

    message = mail.outbox[-1]
    assert message.subject.startswith("[IntercoTOUR] Liste d’attente – Montpellier")
    assert "vous êtes sur la liste d’attente" in message.body
    assert message.attachments == []  # no calendar before a place is certain


def test_workshop_waiting_list_is_said_in_the_confirmation(stop, workshops, deliver_emails):
    register(stop, workshops=[workshops[0]])
    register(stop, workshops=[workshops[0]])

    with deliver_emails():
        register(stop, workshops=[workshops[0]], accept_waiting_list=True)

    assert french(f"L’atelier « {workshops[0].title} » est complet : vous êtes sur sa liste") in (
        mail.outbox[-1].body
    )


def test_change_summary_email_after_a_workshop_change(stop, workshops, deliver_emails):
    registration = register(stop, workshops=[workshops[0]])

    with deliver_emails():
        services.change_workshops(registration=registration, workshops=[workshops[2]])

    message = mail.outbox[-1]
    assert message.subject.startswith("[IntercoTOUR] Votre inscription a été modifiée")
    assert f"Atelier\u202f: {workshops[2].title}" in message.body
    assert workshops[0].title not in message.body


def test_registrations_are_deleted_twelve_months_after_the_day(stop):
    kept = register(stop)
    day = timezone.localdate() - datetime.timedelta(days=400)
    old_stop = StopFactory(
        date=day, registration_opens_at=timezone.now() - datetime.timedelta(days=460)
    )
    Registration.objects.create(
        stop=old_stop,
        **registration_details(),
        status="confirmed",
    )

    count = services.purge_old_registrations()

    assert count == 1
    assert list(Registration.objects.all()) == [kept]


def test_a_confirmation_sent_again_then_cancelled_before_it_leaves_is_not_sent(
    stop, django_capture_on_commit_callbacks, run_tasks
):
    registration = register(stop, email="ada@example.org")
    run_tasks()
    mail.outbox.clear()

    services.resend_confirmation(registration=registration)
    services.cancel_registration(registration=registration, notify=False)
    run_tasks()

    assert mail.outbox == []
    resent = EmailDelivery.objects.filter(kind="received").order_by("pk").last()
    assert resent.status == EmailDelivery.Status.SKIPPED
