"""The organisers' pages for one stop, served inside the admin (see ``events.admin``)."""

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from background.models import EmailDelivery
from events.models import Session, Stop
from intercotour.accessible_forms import AccessibleErrorsMixin
from intercotour.admin_log import log_change

from . import certificates, emails, no_shows, selectors, services, tickets
from .exports import registrations_csv
from .models import CertificateArchive, Message, Registration
from .survey_export import survey_comments_csv
from .tokens import day_is_over


def _stop_for(request, admin_site, stop_id, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied
    stop = get_object_or_404(Stop.objects.select_related("tour"), pk=stop_id)
    return stop, {**admin_site.each_context(request), "stop": stop, "opts": Stop._meta}


def dashboard(request, stop_id, admin_site):
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    figures = selectors.stop_dashboard(stop)
    deliveries = EmailDelivery.objects.filter(stop=stop)
    today = timezone.localdate()
    context.update(
        figures=figures,
        emails=deliveries.counts(),
        failed_emails=deliveries.filter(status=EmailDelivery.Status.FAILED).order_by("-pk")[:50],
        can_resend=request.user.has_perm("background.change_emaildelivery"),
        answers=no_shows.reminder_answers(stop),
        reminder_dates=stop.reminder_dates,
        today=today,
        no_shows=no_shows.no_show_report([stop]) if stop.date < today else None,
        seat_drift=selectors.stops_seat_drift([stop]).get(stop, []),
        survey=selectors.survey_results(stop),
        title=_("Dashboard: %(stop)s") % {"stop": stop},
    )
    return TemplateResponse(request, "admin/registrations/dashboard.html", context)


def export_survey_comments(request, stop_id, admin_site):
    stop, _context = _stop_for(request, admin_site, stop_id, "registrations.view_surveyresponse")
    return survey_comments_csv(stop, excel=request.GET.get("format") != "csv")


def export_csv(request, stop_id, admin_site):
    stop, _context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    return registrations_csv(stop, excel=request.GET.get("format") != "csv")


def certificates_page(request, stop_id, admin_site):
    """The stop's certificates in one ZIP: prepared by a task on request, then downloaded."""
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    if request.method == "POST":
        try:
            archive, created = services.request_certificate_archive(
                stop=stop, requested_by=request.user.get_username()
            )
        except services.CertificatesUnavailable as refusal:
            messages.error(request, refusal.message)
        else:
            if created:
                log_change(request.user, stop, _("Certificate archive requested."))
            messages.success(
                request,
                _("The archive is being prepared. This page shows when it is ready.")
                if created
                else _("An archive is already being prepared: it shows here when it is ready."),
            )
        return redirect(request.path)
    archives = CertificateArchive.objects.filter(stop=stop).defer("content")[:10]
    context.update(
        archives=archives,
        preparing=any(
            a.status == CertificateArchive.Status.PREPARING and not a.stalled for a in archives
        ),
        certificates=certificates.stop_certificates(stop).count(),
        day_over=day_is_over(stop),
        keep_days=CertificateArchive.ARCHIVE_DAYS,
        title=_("Attendance certificates: %(stop)s") % {"stop": stop},
    )
    return TemplateResponse(request, "admin/registrations/certificates.html", context)


def certificate_archive(request, stop_id, archive_id, admin_site):
    """A ready archive of the stop's certificates, as a download."""
    stop, _context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    archive = get_object_or_404(
        CertificateArchive, pk=archive_id, stop=stop, status=CertificateArchive.Status.READY
    )
    response = HttpResponse(bytes(archive.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="attestations-{stop.slug}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


def attendance_sheet(request, stop_id, session_id, admin_site):
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    session = get_object_or_404(Session.objects.workshops(), pk=session_id, stop=stop)
    context.update(
        session=session,
        attendees=selectors.workshop_attendees(session),
        title=_("Attendance sheet: %(workshop)s") % {"workshop": session.title},
    )
    return TemplateResponse(request, "admin/registrations/attendance_sheet.html", context)


def day_attendance_sheet(request, stop_id, admin_site):
    """Everyone expected in person that day, with room to sign."""
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    context.update(
        attendees=selectors.badges(stop),
        title=_("Attendance sheet for the day: %(stop)s") % {"stop": stop},
    )
    return TemplateResponse(request, "admin/registrations/attendance_sheet.html", context)


def badge_sheet(request, stop_id, admin_site):
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.view_registration")
    context.update(badges=selectors.badges(stop), title=_("Badges: %(stop)s") % {"stop": stop})
    return TemplateResponse(request, "admin/registrations/badges.html", context)


class WalkInForm(AccessibleErrorsMixin, forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100)
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=200)
    job_title = forms.CharField(label=gettext_lazy("Job title"), max_length=200, required=False)
    # No category preselected: a default would skew the day's statistics.
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=[("", "---------"), *Registration.Category.choices]
    )
    email = forms.EmailField(label=gettext_lazy("E-mail (optional)"), required=False)
    confirm_duplicate = forms.BooleanField(
        label=gettext_lazy("This is another person: register them anyway"), required=False
    )
    duplicates = ()

    def flag_duplicates(self, duplicates):
        """Someone of that name is already registered: ask before registering twice."""
        self.duplicates = duplicates
        self.add_error(
            None,
            ngettext(
                "%(names)s is already registered for this day: search for them above, or tick "
                "the box if this is another person.",
                "%(names)s are already registered for this day: search for them above, or tick "
                "the box if this is another person.",
                len(duplicates),
            )
            % {"names": ", ".join(f"{r.full_name} ({r.organisation})" for r in duplicates)},
        )


def check_in(request, stop_id, admin_site):
    """The welcome desk on the day: find a registrant, check them in with one tap."""
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.change_registration")
    walk_in_form = WalkInForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "walk_in":
            if not request.user.has_perm("registrations.add_registration"):
                raise PermissionDenied
            walk_in_form = WalkInForm(request.POST)
            if walk_in_form.is_valid():
                details = dict(walk_in_form.cleaned_data)
                confirmed = details.pop("confirm_duplicate")
                duplicates = list(
                    selectors.possible_duplicates(
                        stop, first_name=details["first_name"], last_name=details["last_name"]
                    )
                )
                if duplicates and not confirmed:
                    walk_in_form.flag_duplicates(duplicates)
                    return _check_in_page(request, stop, context, walk_in_form)
                try:
                    registration = services.register_walk_in(stop=stop, **details)
                except services.RegistrationError as error:
                    walk_in_form.add_error(error.field, error.message)
                else:
                    log_change(request.user, registration, _("Walk-in registered and checked in."))
                    messages.success(
                        request,
                        _("%(name)s registered on the spot and checked in.")
                        % {"name": registration.full_name},
                    )
                    return redirect(request.path)
        elif action == "scan":
            return _scan(request, stop, context)
        elif action in {"check_in", "undo"}:
            registration_id = request.POST.get("registration", "")
            if not registration_id.isdecimal():
                raise Http404(_("No such registration for this day."))
            registration = get_object_or_404(Registration, pk=int(registration_id), stop=stop)
            try:
                if action == "check_in":
                    services.check_in(registration=registration)
                    note = _("Checked in.")
                else:
                    services.undo_check_in(registration=registration)
                    note = _("Check-in undone.")
            except services.RegistrationError as error:
                messages.warning(request, person_note(registration, error.message))
            else:
                log_change(request.user, registration, note)
                messages.success(request, person_note(registration, note))
            query = request.POST.get("q", "")[:100]
            return redirect(f"{request.path}?{urlencode({'q': query})}" if query else request.path)
    return _check_in_page(request, stop, context, walk_in_form)


def person_note(registration, note):
    """ "Camille Durand: Checked in." (French puts a no-break space before the colon.)"""
    return _("%(name)s: %(note)s") % {"name": registration.full_name, "note": note}


def _scan(request, stop, context):
    """A QR code ticket read by the camera (or typed): check the person in, show their needs."""
    try:
        registration = tickets.registration_from_ticket(request.POST.get("ticket", ""), stop=stop)
    except tickets.InvalidTicket:
        messages.error(
            request,
            _(
                "This QR code is not a ticket for this day (unknown, altered or for another "
                "day): nobody was checked in. Search for the person by name."
            ),
        )
        return _check_in_page(request, stop, context, WalkInForm(), status=400)
    try:
        services.check_in(registration=registration)
    except services.RegistrationError as error:
        messages.warning(request, person_note(registration, error.message))
    else:
        log_change(request.user, registration, _("Checked in (QR code)."))
        messages.success(request, person_note(registration, _("Checked in.")))
    context["scanned"] = selectors.desk_registration(registration)
    return _check_in_page(request, stop, context, WalkInForm())


def _check_in_page(request, stop, context, walk_in_form, status=200):
    query = request.GET.get("q", "").strip()[:100]
    figures = selectors.stop_dashboard(stop)
    context.update(
        query=query,
        results=selectors.check_in_search(stop, query) if query else [],
        walk_in_form=walk_in_form,
        checked_in=figures["checked_in"],
        expected=figures["in_person"],
        # A desk tried out before the day records real arrivals: the page says so.
        not_the_day=timezone.localdate() != stop.date,
        today=timezone.localdate(),
        title=_("Check-in: %(stop)s") % {"stop": stop},
    )
    return TemplateResponse(request, "admin/registrations/check_in.html", context, status=status)


class MessageForm(AccessibleErrorsMixin, forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Recipients"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea,
        max_length=10_000,
        help_text=gettext_lazy(
            "Each e-mail begins with “Bonjour” and the person's first name, and ends with "
            "their link to manage their registration."
        ),
    )

    def __init__(self, stop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop = stop
        self.workshops = {str(w.pk): w for w in stop.sessions.workshops().order_by("starts_at")}
        Audience = Message.Audience
        day = [Audience.CONFIRMED, Audience.IN_PERSON, Audience.ONLINE, Audience.WAITING]
        self.fields["audience"].choices = [(a.value, a.label) for a in day] + [
            choice
            for pk, w in self.workshops.items()
            for choice in [
                (f"workshop:{pk}", _("Workshop: %(title)s") % {"title": w.title}),
                (
                    f"workshop_waiting:{pk}",
                    _("Waiting list of the workshop: %(title)s") % {"title": w.title},
                ),
            ]
        ]

    # "Bonjour à tous", "Madame, Monsieur", "Chers participants", "Hello": each e-mail
    # already opens with "Bonjour Prénom,".
    GREETING = re.compile(
        r"\s*(bonjour|bonsoir|hello|hi|dear|madame|monsieur|mesdames|messieurs|cher|chère"
        r"|chers|chères)\b",
        re.IGNORECASE,
    )

    def opens_with_greeting(self):
        return bool(self.GREETING.match(self.cleaned_data["body"]))

    def audience_and_workshop(self):
        """``(audience, workshop or None)`` from the chosen option."""
        value = self.cleaned_data["audience"]
        if ":" in value:
            audience, pk = value.split(":", 1)
            return audience, self.workshops[pk]
        return value, None


def _resume_message(request, stop):
    """ "Resume sending" of a message whose sending stopped."""
    message_id = request.POST.get("resume", "")
    if not message_id.isdecimal():
        raise Http404(_("No such message for this day."))
    message = get_object_or_404(Message, pk=int(message_id), stop=stop)
    services.resume_message(message=message)
    note = _("Message “%(subject)s”: sending resumed.") % {"subject": message.subject}
    log_change(request.user, stop, note)
    messages.success(request, _("%(note)s Its progress is shown below.") % {"note": note})
    return redirect(request.path)


def message_registrants(request, stop_id, admin_site):
    stop, context = _stop_for(request, admin_site, stop_id, "registrations.change_registration")
    if request.method == "POST" and "resume" in request.POST:
        return _resume_message(request, stop)
    form = MessageForm(stop, request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        audience, workshop = form.audience_and_workshop()
        recipients = selectors.message_recipients(stop=stop, audience=audience, workshop=workshop)
        if "send" in request.POST:
            message = services.message_registrants(
                stop=stop,
                audience=audience,
                workshop=workshop,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                sent_by=request.user.get_username(),
            )
            note = ngettext(
                "Message “%(subject)s” queued for %(n)s registrant.",
                "Message “%(subject)s” queued for %(n)s registrants.",
                message.recipients,
            ) % {"subject": message.subject, "n": message.recipients}
            log_change(request.user, stop, note)
            messages.success(request, _("%(note)s Its progress is shown below.") % {"note": note})
            return redirect(request.path)
        sample = recipients.select_related("stop", "stop__tour").first()
        preview = {
            "count": recipients.count(),
            "sample": sample,
            "email": sample
            and emails.message_preview(
                sample,
                stop=stop,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            ),
            "double_greeting": form.opens_with_greeting(),
        }
    context.update(
        form=form,
        preview=preview,
        sent_messages=selectors.message_progress(
            Message.objects.filter(stop=stop).select_related("workshop")[:20]
        ),
        title=_("Message registrants: %(stop)s") % {"stop": stop},
    )
    return TemplateResponse(request, "admin/registrations/message.html", context)
