from django.core.cache import cache
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from events.models import Stop
from events.selectors import speakers_version

from .models import SessionSpeaker, Speaker

LIST_CACHE_SECONDS = 24 * 3600


def speaker_list(request):
    key = f"speaker-list:{get_language()}:{speakers_version()}"
    html = cache.get(key)
    if html is None:
        speakers = Speaker.objects.public().order_by("last_name", "first_name")
        html = render_to_string("speakers/includes/speaker_list.html", {"speakers": speakers})
        cache.set(key, html, LIST_CACHE_SECONDS)
    return render(request, "speakers/speaker_list.html", {"speaker_list": mark_safe(html)})


def speaker_detail(request, slug):
    line_ups = (
        SessionSpeaker.objects.filter(session__stop__status=Stop.Status.PUBLISHED)
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
