from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.text import slugify

from events.http_cache import public_page
from events.models import Stop
from events.page_cache import SITE, cached_page, versions

from .models import SessionDocument, SessionSpeaker, Speaker


@public_page(lambda: versions(SITE))
def speaker_list(request):
    def render_page():
        speakers = Speaker.objects.public().order_by("last_name", "first_name")
        html = render_to_string(
            "speakers/speaker_list.html", {"speakers": speakers}, request=request
        )
        return html, None

    return cached_page(request, "speakers", versions(SITE), render_page)


@public_page(lambda slug: versions(SITE))
def speaker_detail(request, slug):
    line_ups = (
        SessionSpeaker.objects.public()
        .select_related("session__stop")
        .order_by("-session__stop__date", "session__starts_at")
    )
    speaker = get_object_or_404(
        Speaker.objects.public().prefetch_related(Prefetch("session_speakers", queryset=line_ups)),
        slug=slug,
    )
    return render(
        request,
        "speakers/speaker_detail.html",
        {"speaker": speaker, "line_ups": speaker.session_speakers.all()},
    )


def pdf_response(document):
    """A stored PDF, as a download that no browser runs as a page of this site."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(document.title)[:80] or 'document'}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


def document(request, pk):
    """A session's document, public once the day is over (the stop page lists it then)."""
    document = get_object_or_404(
        SessionDocument.objects.select_related("session__stop"),
        pk=pk,
        session__stop__status=Stop.Status.PUBLISHED,
    )
    if not document.session.stop.is_over():
        raise Http404
    return pdf_response(document)
