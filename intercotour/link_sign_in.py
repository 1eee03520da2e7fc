"""Sign-in by a one-time link sent by e-mail: the flow "Mon parcours" and the speakers' area share.

1. ``home``: the visitor types their e-mail address and is told a link is on its way, whether
   the address is known or not (a rate limit and a honeypot guard the form);
2. ``sign_in`` at the link: GET shows a button (mail scanners that open links must not use
   them up), POST uses the token and signs in, in a fresh session key;
3. ``required``: the views behind the sign-in get who is signed in, and each visit keeps the
   session for another ``session_seconds``.

Each area says what differs (``LinkSignIn``): its session key, its templates, its URL names,
its form, and how it sends, checks and uses a link. The services raise ``InvalidLink`` or
``ExpiredLink``; the pages explain each in French.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .guards import form_guard


class InvalidLink(Exception):
    """Forged, tampered with, or already used."""


class ExpiredLink(Exception):
    """Genuine but too old."""


@dataclass(frozen=True)
class LinkSignIn:
    session_key: str
    templates: str  # folder of home, link_sent, sign_in and link_failed .html
    home_url: str  # URL name of the sign-in form
    signed_in_url: str  # URL name of the first page behind the sign-in
    guard_group: str  # rate limit group of the sign-in form
    form_class: type
    send_link: object  # send_link(email=...): says nothing of whether the address is known
    check_token: object  # check_token(token): raises InvalidLink or ExpiredLink
    use_token: object  # use_token(token): the signed-in row (its pk goes in the session)
    signed_in: object  # signed_in(request): who is signed in, or None
    session_seconds: int = 60 * 60  # an idle visitor is signed out after an hour

    def required(self, view):
        """Decorator: ``view(request, who, ...)``, or back to the sign-in form."""

        @wraps(view)
        @never_cache
        def wrapped(request, *args, **kwargs):
            who = self.signed_in(request)
            if who is None:
                messages.info(request, _("Please sign in: your session has ended or never began."))
                return redirect(self.home_url)
            request.session.set_expiry(self.session_seconds)  # sliding: from the last visit
            return view(request, who, *args, **kwargs)

        return wrapped

    def _link_sent(self, request, *args, **kwargs):
        email = request.POST.get("email", "")[:254]
        return render(request, f"{self.templates}/link_sent.html", {"email": email})

    def _link_failed(self, request, error):
        expired = isinstance(error, ExpiredLink)
        return render(
            request,
            f"{self.templates}/link_failed.html",
            {"expired": expired, "form": self.form_class()},
            status=410 if expired else 400,
        )

    def home_view(self):
        @never_cache
        @form_guard(group=self.guard_group, decoy=self._link_sent)
        def home(request):
            if self.signed_in(request) is not None:
                return redirect(self.signed_in_url)
            form = self.form_class(request.POST or None)
            status = 200
            if request.method == "POST":
                if form.is_valid():
                    self.send_link(email=form.cleaned_data["email"])
                    return self._link_sent(request)
                status = 400
            return render(request, f"{self.templates}/home.html", {"form": form}, status=status)

        return home

    def sign_in_view(self):
        @never_cache
        def sign_in(request, token):
            """GET shows a button (mail scanners must not use links up); POST signs in."""
            if request.method == "POST":
                try:
                    row = self.use_token(token)
                except (InvalidLink, ExpiredLink) as error:
                    return self._link_failed(request, error)
                request.session.cycle_key()
                request.session[self.session_key] = row.pk
                request.session.set_expiry(self.session_seconds)
                return redirect(self.signed_in_url)
            try:
                self.check_token(token)
            except (InvalidLink, ExpiredLink) as error:
                return self._link_failed(request, error)
            return render(request, f"{self.templates}/sign_in.html", {"token": token})

        return sign_in
