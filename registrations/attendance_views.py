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
        return render(request, "registrations/attendance.html", {**context, "state": "ask"})
    service = services.confirm_attendance if answer == CONFIRM else services.free_seat
    try:
        service(registration=registration)
    except services.RegistrationError as error:
        return render(
            request,
            "registrations/attendance.html",
            {**context, "state": "refused", "error": error.message},
            status=409,
        )
    return render(request, "registrations/attendance.html", {**context, "state": "done"})
