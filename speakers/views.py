from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from events.http_cache import public_page
from events.page_cache import SITE, cached_page, versions

from .models import SessionSpeaker, Speaker


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
