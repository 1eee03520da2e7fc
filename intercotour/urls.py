from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("intervenants/", include("speakers.urls")),
    path("espace-intervenant/", include("speakers.portal_urls")),
    path("", include("opendata.urls")),
    path("", include("registrations.urls")),
    path("", include("events.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
