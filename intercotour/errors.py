"""Error pages that Django does not render from a template of ours by default."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form sent without its security token (cookies blocked, page too old): in French."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
