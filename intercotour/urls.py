from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from intercotour import two_factor
from intercotour.readiness import readyz

from . import site_files

urlpatterns = [
    path("readyz/", readyz, name="readyz"),
    # Before the admin's own URLs, under its address (its styles, its Permissions-Policy).
    path("admin/double-authentification/", two_factor.verify, name="two_factor_verify"),
    path("admin/double-authentification/activer/", two_factor.enrol, name="two_factor_enrol"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("intervenants/", include("speakers.urls")),
    path("espace-intervenant/", include("speakers.portal_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": site_files.SITEMAPS}, name="sitemap"),
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("", include("opendata.urls")),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "intercotour.errors.bad_request"
