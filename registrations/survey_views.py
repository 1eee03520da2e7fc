"""The attendees' survey, at their management link, after the day."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms import FreshLinkForm
from .models import SurveyResponse
from .survey_forms import SurveyForm
from .tokens import ExpiredToken, InvalidToken, registration_from_token


def _registration(token):
    """The registration behind a genuine link, even once the day is over (the survey's time)."""
    try:
        return registration_from_token(token)
    except ExpiredToken as expired:
        return expired.registration
    except InvalidToken:
        return None


@never_cache
def survey(request, token):
    registration = _registration(token)
    if registration is None:
        return render(
            request, "registrations/link_invalid.html", {"form": FreshLinkForm()}, status=404
        )
    stop = registration.stop
    try:
        services.check_survey_open(registration)
    except services.SurveyError as refusal:
        return render(
            request,
            "registrations/survey_closed.html",
            {"stop": stop, "message": refusal.message},
            status=403,
        )
    sessions = list(services.rateable_sessions(registration))
    response = (
        SurveyResponse.objects.filter(registration=registration).prefetch_related("ratings").first()
    )
    status = 200
    if request.method == "POST":
        form = SurveyForm(sessions, request.POST)
        if form.is_valid():
            try:
                services.save_survey_response(registration=registration, **form.answers())
            except services.SurveyError as refusal:
                field = refusal.field if refusal.field in form.fields else None
                form.add_error(field, refusal.message)
            else:
                messages.success(
                    request,
                    _("Thank you: your answer is saved. You can change it until %(date)s.")
                    % {"date": formats.date_format(services.survey_deadline(stop))},
                )
                return redirect("registrations:survey", token=token)
        status = 400
    else:
        form = SurveyForm(sessions, initial=SurveyForm.initial_from(response))
    return render(
        request,
        "registrations/survey.html",
        {
            "registration": registration,
            "stop": stop,
            "form": form,
            "answered": response is not None,
            "deadline": services.survey_deadline(stop),
        },
        status=status,
    )
