"""The one-click answers of the reminder: "I confirm" and "I free my place".

GET shows what the button will do (mail scanners open links: they must not answer for the
person); POST answers. Any refusal is a French page that changes nothing.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import services
from .tokens import CONFIRM, InvalidToken, attendance_from_token


@never_cache
def attendance(request, token):
    try:
        registration, answer = attendance_from_token(token)
    except InvalidToken:
        return render(request, "registrations/attendance.html", {"state": "invalid"}, status=404)
    context = {"registration": registration, "stop": registration.stop, "answer": answer}
    if request.method != "POST":
        refusal = services.answer_refusal(registration)
        if refusal is not None:  # said before the click, not after
            context.update(state="refused", error=refusal.message)
        elif answer == CONFIRM and registration.attendance_confirmed_at:
            context.update(state="done")  # confirmed already: nothing more to ask
        else:
            context.update(state="ask")
        return render(request, "registrations/attendance.html", context)
    service = services.confirm_attendance if answer == CONFIRM else services.free_seat
    try:
        registration = service(registration=registration)
    except services.RegistrationError as error:
        return render(
            request,
            "registrations/attendance.html",
            {**context, "state": "refused", "error": error.message},
            status=409,
        )
    context.update(registration=registration, state="done")
    return render(request, "registrations/attendance.html", context)
