"""Registration writes: the only code that takes or frees seats, or changes a status.

The public form, the management page, the admin, the check-in desk and the commands all call
these functions. Each runs in one transaction that locks the stop's row before it counts
seats (see ``seats`` for the order of the locks); e-mails are recorded in the outbox and
their tasks enqueued in that transaction (committed with the change or not at all), then
sent by a worker. Modules by subject:

- ``registration``: register, change workshops, switch attendance, details, e-mail;
- ``cancellation``: cancel, delete, erase, promote from the waiting lists;
- ``desk``: check-in and walk-ins on the day;
- ``certificates``: the attendance certificates e-mailed the day after, and the organisers'
  ZIP of a stop's certificates, built by a task;
- ``attendance``: reminders before the day, "I confirm" / "I free my place";
- ``messaging``: organisers' messages; ``retention``: the purge the privacy notice promises;
- ``surveys``: the attendees' survey after the day (who is asked, until when, answers);
- ``seats``: locks, counters, waiting lists, and ``recount_seats``.
"""

from .attendance import (
    AnswerClosed,
    NoPlaceToAnswerFor,
    PlaceAlreadyFreed,
    answer_refusal,
    confirm_attendance,
    free_seat,
    queue_reminders,
)
from .cancellation import (
    cancel_registration,
    delete_registration,
    erase_registration,
    promote_registration,
    promote_waiting_lists,
    resend_confirmation,
)
from .certificates import (
    build_certificate_archive,
    forget_certificate_archives,
    request_certificate_archive,
    send_due_certificates,
)
from .desk import check_in, register_walk_in, undo_check_in
from .errors import (
    AlreadyCheckedIn,
    CertificatesUnavailable,
    EmailTaken,
    InvalidWorkshopChoice,
    NoFreePlace,
    RegistrationCancelled,
    RegistrationClosed,
    RegistrationError,
    StopFull,
    WorkshopFull,
)
from .messaging import message_registrants, resume_message, send_message
from .registration import change_email, change_workshops, register, switch_mode, update_details
from .retention import RETENTION_DAYS, purge_old_registrations
from .seats import recount_seats
from .surveys import (
    SURVEY_DAYS,
    InvalidRating,
    SurveyError,
    UnknownSession,
    check_survey_open,
    rateable_sessions,
    save_survey_response,
    send_due_surveys,
    survey_deadline,
)

__all__ = [
    "RETENTION_DAYS",
    "SURVEY_DAYS",
    "InvalidRating",
    "SurveyError",
    "UnknownSession",
    "check_survey_open",
    "rateable_sessions",
    "save_survey_response",
    "send_due_surveys",
    "survey_deadline",
    "AlreadyCheckedIn",
    "AnswerClosed",
    "CertificatesUnavailable",
    "EmailTaken",
    "InvalidWorkshopChoice",
    "NoFreePlace",
    "NoPlaceToAnswerFor",
    "PlaceAlreadyFreed",
    "RegistrationCancelled",
    "RegistrationClosed",
    "RegistrationError",
    "StopFull",
    "WorkshopFull",
    "build_certificate_archive",
    "cancel_registration",
    "change_email",
    "change_workshops",
    "check_in",
    "confirm_attendance",
    "delete_registration",
    "erase_registration",
    "forget_certificate_archives",
    "answer_refusal",
    "free_seat",
    "message_registrants",
    "promote_registration",
    "promote_waiting_lists",
    "queue_reminders",
    "purge_old_registrations",
    "recount_seats",
    "register",
    "register_walk_in",
    "request_certificate_archive",
    "resend_confirmation",
    "send_due_certificates",
    "resume_message",
    "send_message",
    "switch_mode",
    "undo_check_in",
    "update_details",
]
