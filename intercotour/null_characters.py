"""Refuse requests carrying NUL characters, before any view or database sees them.

A NUL character has no business in an address, a query string, a form field or a cookie,
and PostgreSQL refuses it in any text value: left alone it turns a search, a lookup by token
or a session load into an error page. The request is answered with the 400 page instead
(``SuspiciousOperation``: logged by ``django.security``, never a 500).
"""

from django.core.exceptions import SuspiciousOperation


class NullCharacters(SuspiciousOperation):
    """A NUL character in the path, query string, form data or cookies."""


def _has_nul(values):
    return any("\x00" in value for value in values)


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        suspicious = (
            "\x00" in request.path
            or _has_nul(value for values in request.GET.lists() for value in values[1])
            or _has_nul(request.GET.keys())
            or _has_nul(request.COOKIES.values())
        )
        if not suspicious and request.method == "POST":
            # Reading the form data here may raise RequestDataTooBig, TooManyFieldsSent or
            # a multipart error: Django answers those with the 400 page too.
            post = request.POST
            suspicious = _has_nul(post.keys()) or _has_nul(
                value for values in post.lists() for value in values[1]
            )
        if suspicious:
            raise NullCharacters("NUL character in the request")
        return self.get_response(request)
