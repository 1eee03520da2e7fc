"""Speaker pages for the sitemap: those the site shows (speakers of published stops)."""

from events.sitemaps import SiteSitemap

from .models import Speaker


class SpeakerSitemap(SiteSitemap):
    def items(self):
        return Speaker.objects.public().order_by("slug")

    def lastmod(self, speaker):
        return speaker.updated_at
