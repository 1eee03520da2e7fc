"""The public pages for search engines' sitemap (composed in ``intercotour.urls``)."""

from django.conf import settings
from django.contrib import sitemaps
from django.urls import reverse

from .models import Stop


class SiteSitemap(sitemaps.Sitemap):
    """Addresses from ``SITE_URL``, the site's public address, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]


class PagesSitemap(SiteSitemap):
    """Pages without a model behind them, by URL name."""

    def __init__(self, names):
        self.names = names

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class StopSitemap(SiteSitemap):
    def items(self):
        return Stop.objects.published().order_by("date", "pk")

    def lastmod(self, stop):
        return stop.updated_at
