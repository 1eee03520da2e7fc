"""The speakers' area at /espace-intervenant/: sign-in by e-mail link, slots, calendar, profile."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intercotour.link_sign_in import LinkSignIn

from . import documents, restitutions, selectors, services
from .calendars import speaker_calendar
from .forms import DocumentForm, ProfileForm, RestitutionForm, SignInRequestForm
from .models import Restitution, SessionDocument, Speaker
from .views import pdf_response

SESSION_KEY = "speaker_id"


def _signed_in_speaker(request):
    return Speaker.objects.filter(pk=request.session.get(SESSION_KEY)).first()


SIGN_IN = LinkSignIn(
    session_key=SESSION_KEY,
    templates="speakers/portal",
    home_url="speaker_portal:home",
    signed_in_url="speaker_portal:slots",
    guard_group="speaker-sign-in",
    form_class=SignInRequestForm,
    send_link=services.send_sign_in_link,
    check_token=services.check_sign_in_token,
    use_token=services.use_sign_in_token,
    signed_in=_signed_in_speaker,
)
speaker_required = SIGN_IN.required
home = SIGN_IN.home_view()
sign_in = SIGN_IN.sign_in_view()


@speaker_required
def slots(request, speaker):
    upcoming, past = selectors.speaker_slots(speaker)
    return render(
        request,
        "speakers/portal/slots.html",
        {
            "speaker": speaker,
            "upcoming": upcoming,
            "past": past,
            "feed_url": settings.SITE_URL
            + reverse("speaker_portal:calendar_feed", args=[speaker.calendar_token]),
        },
    )


def _calendar_response(speaker):
    body = speaker_calendar(speaker, selectors.speaker_line_ups(speaker))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-interventions.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@speaker_required
def calendar_download(request, speaker):
    return _calendar_response(speaker)


def calendar_feed(request, token):
    """The private subscription address calendar apps poll; no session needed."""
    speaker = Speaker.objects.filter(calendar_token=token).first()
    if speaker is None:
        raise Http404
    return _calendar_response(speaker)


@require_POST
@speaker_required
def calendar_renew(request, speaker):
    services.renew_calendar_token(speaker=speaker)
    messages.success(
        request,
        _("A new private calendar address has been made: the old one no longer works."),
    )
    return redirect("speaker_portal:slots")


@speaker_required
def profile(request, speaker):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=speaker)
        if form.is_valid():
            services.update_profile(
                speaker=speaker,
                bio=form.cleaned_data["bio"],
                job_title=form.cleaned_data["job_title"],
                organisation=form.cleaned_data["organisation"],
                show_photo=form.cleaned_data["show_photo"],
                photo=form.cleaned_data["photo"],
                remove_photo=form.cleaned_data["remove_photo"],
            )
            messages.success(request, _("Your profile has been updated."))
            return redirect("speaker_portal:profile")
        speaker.refresh_from_db()
        status = 400
    else:
        form = ProfileForm(instance=speaker)
        status = 200
    return render(
        request, "speakers/portal/profile.html", {"speaker": speaker, "form": form}, status=status
    )


@speaker_required
def restitution(request, speaker, session_id):
    """The rapporteur of a workshop writes its restitution: a draft, then submitted."""
    line_up = selectors.rapporteur_line_up(speaker, session_id)
    if line_up is None:
        raise Http404
    session = line_up.session
    current = Restitution.objects.filter(session=session).first()
    status = 200
    if request.method == "POST":
        form = RestitutionForm(request.POST, instance=current)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                restitutions.save_restitution(
                    session=session, author=speaker, submit=submit, **form.cleaned_data
                )
            except restitutions.RestitutionLocked as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Your restitution has been sent to the organisers for publication.")
                    if submit
                    else _("Your draft has been saved. Only you and the organisers can see it."),
                )
                return redirect("speaker_portal:restitution", session_id=session.pk)
        status = 400
    else:
        form = RestitutionForm(instance=current)
    return render(
        request,
        "speakers/portal/restitution.html",
        {"speaker": speaker, "session": session, "restitution": current, "form": form},
        status=status,
    )


@speaker_required
def session_documents(request, speaker, session_id):
    """A session's documents: the speaker adds a PDF, or withdraws one they gave."""
    line_up = selectors.session_line_up(speaker, session_id)
    if line_up is None:
        raise Http404
    session = line_up.session
    status = 200
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            documents.add_document(
                session=session,
                speaker=speaker,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
            messages.success(
                request, _("Your document has been added. It shows on the day's page afterwards.")
            )
            return redirect("speaker_portal:documents", session_id=session.pk)
        status = 400
    else:
        form = DocumentForm()
    return render(
        request,
        "speakers/portal/documents.html",
        {
            "speaker": speaker,
            "session": session,
            "documents": SessionDocument.objects.filter(session=session),
            "form": form,
        },
        status=status,
    )


@speaker_required
def document_download(request, speaker, document_id):
    document = selectors.speaker_document(speaker, document_id)
    if document is None:
        raise Http404
    return pdf_response(document)


@require_http_methods(["GET", "POST"])
@speaker_required
def document_remove(request, speaker, document_id):
    """Asks first (a page with a button), then withdraws the document and its file."""
    document = selectors.speaker_document(speaker, document_id)
    if document is None or document.speaker_id != speaker.pk:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        session_id = document.session_id
        documents.remove_document(document=document, speaker=speaker)
        messages.success(request, _("The document has been removed."))
        return redirect("speaker_portal:documents", session_id=session_id)
    return render(
        request,
        "speakers/portal/document_remove.html",
        {"speaker": speaker, "document": document, "session": document.session},
    )


@require_POST
def sign_out(request):
    request.session.flush()
    messages.info(request, _("You are signed out."))
    return redirect("speaker_portal:home")
